"""A federation administrator adds users below its federation (issue 13 item 3): the 本级用户 page
(``reporting.people``) through ``units.services.federation_user_add``. Never a city administrator,
never an organisation outside its subtree, never a user outside it seen."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from tests.reporting.test_county_round import levels  # noqa: F401 (fixture)
from units import services
from units.models import Membership

URL = "/people/"


def _post(levels, organisation, **changes) -> dict:  # noqa: F811
    return {
        "username": "anhai2",
        "full_name": "林小梅",
        "password": "Quanzhou-2014-pw",
        "password_again": "Quanzhou-2014-pw",
        "organisation": organisation.pk,
        "role": "reporter",
    } | changes


def test_the_county_administrator_adds_a_township_reporter_who_can_log_in(client, levels):  # noqa: F811
    client.force_login(levels.users["jinjiang_admin"])

    response = client.post(URL, _post(levels, levels.townships[0]))

    assert response.status_code == 302
    user = User.objects.get(username="anhai2")
    assert (user.first_name, user.is_staff, user.is_superuser) == ("林小梅", False, False)
    assert (user.membership.organisation, user.membership.role) == (levels.townships[0], "reporter")
    assert user.membership.history.first().history_user == levels.users["jinjiang_admin"]
    assert client.login(username="anhai2", password="Quanzhou-2014-pw")


def test_a_township_federation_administrator_gets_no_more_permissions_than_the_county_admin(levels):  # noqa: F811
    actor = levels.users["jinjiang_admin"]

    user = services.federation_user_add(
        actor=actor, username="anhai_admin", full_name="陈", password="Quanzhou-2014-pw",
        organisation=levels.townships[0], role="federation_admin",
    )  # fmt: skip

    assert user.is_staff and not user.is_superuser
    granted = set(user.user_permissions.values_list("pk", flat=True))
    assert granted and granted <= set(actor.user_permissions.values_list("pk", flat=True))
    assert not user.user_permissions.filter(content_type__app_label="auth").exists()


@pytest.mark.parametrize(
    ("where", "changes", "field"),
    [
        ("huian_township", {}, "organisation"),  # another county's township
        ("jinjiang", {}, "organisation"),  # its own federation, not below it
        ("townships", {"role": "city_admin"}, "role"),
        ("townships", {"role": "leader"}, "role"),
        ("townships", {"password_again": "other"}, "password_again"),
        ("townships", {"password": "123", "password_again": "123"}, "password"),
        ("townships", {"username": "huian_admin"}, "username"),  # taken
    ],
)
def test_a_refused_user_is_not_written_and_the_form_says_why(client, levels, where, changes, field):  # noqa: F811
    client.force_login(levels.users["jinjiang_admin"])
    organisation = getattr(levels, where)
    organisation = organisation[0] if isinstance(organisation, list) else organisation
    before = User.objects.count()

    response = client.post(URL, _post(levels, organisation, **changes))

    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert User.objects.count() == before


def test_the_service_refuses_what_the_form_would_not_offer(levels):  # noqa: F811
    actor = levels.users["jinjiang_admin"]
    with pytest.raises(ValidationError) as refused:
        services.federation_user_add(
            actor=actor, username="x", full_name="x", password="Quanzhou-2014-pw",
            organisation=levels.huian_township, role="reporter",
        )  # fmt: skip
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.federation_user_add(
            actor=actor, username="x", full_name="x", password="Quanzhou-2014-pw",
            organisation=levels.townships[0], role="city_admin",
        )  # fmt: skip
    for other in ("city_admin", "leader", "liaison", "anhai_reporter"):
        with pytest.raises(PermissionDenied):
            services.federation_user_add(
                actor=levels.users[other], username="x", full_name="x", password="Quanzhou-2014-pw",
                organisation=levels.townships[0], role="reporter",
            )  # fmt: skip
    assert not User.objects.filter(username="x").exists()


def test_the_list_shows_the_subtree_only_and_other_roles_get_403(client, levels):  # noqa: F811
    client.force_login(levels.users["jinjiang_admin"])

    page = client.get(URL).content.decode()

    assert "anhai_reporter" in page and "dongshi_reporter" in page and "jinjiang_admin" in page
    assert "huian_admin" not in page and "city_admin" not in page and "leader" not in page
    assert 'href="/people/"' in page
    for other in ("city_admin", "leader", "liaison", "anhai_reporter"):
        client.force_login(levels.users[other])
        assert client.get(URL).status_code == 403
        assert client.post(URL, _post(levels, levels.townships[0])).status_code == 403
    assert not User.objects.filter(username="anhai2").exists()
    assert Membership.objects.count() == len(levels.users)
