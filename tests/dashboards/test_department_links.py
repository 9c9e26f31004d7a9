"""A project page links its liaison department only for users whose department page would open.

Before, a reporter (or another department's staff) clicked 宣传部 on a project page and got a 404
(the demo's demo_reporter on /dashboards/projects/2/)."""

from django.urls import reverse

from tests.dashboards.conftest import ON

AS_OF = {"on": ON.isoformat()}


def department_link(city) -> str:
    return f'href="{reverse("dashboards:department", args=[city.publicity.pk])}?'


def test_a_reporter_sees_the_department_named_not_linked(client, cast, city):
    client.force_login(cast["reporter"])
    page = client.get(reverse("dashboards:project", args=[city.volunteers.pk]), AS_OF).content.decode()
    assert "宣传部" in page
    assert department_link(city) not in page
    assert client.get(reverse("dashboards:department", args=[city.publicity.pk])).status_code == 404


def test_the_departments_own_staff_and_the_leader_follow_the_link(client, cast, city):
    for who in ("liaison", "leader"):
        client.force_login(cast[who])
        page = client.get(reverse("dashboards:project", args=[city.volunteers.pk]), AS_OF).content.decode()
        assert department_link(city) in page, who
        assert client.get(reverse("dashboards:department", args=[city.publicity.pk])).status_code == 200
