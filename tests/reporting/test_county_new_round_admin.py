"""A federation administrator uses the admin's 「开启新一轮」 for its own federation's rounds
(issue 13 item 3, "一级带着一级干"): only its rounds are offered, only its units carried over; the
city's round and another county's stay out of reach."""

import pytest

from projects.models import Campaign
from tests.reporting.test_county_round import _county_round, levels  # noqa: F401 (fixture)

URL = "/admin/projects/campaign/new-round/"


def _data(source: Campaign, **changes) -> dict:
    from tests.reporting.test_new_round_admin import _data as wizard_data

    return wizard_data(source, **changes)


@pytest.fixture
def jinjiang_round(levels):  # noqa: F811
    campaign, _first, _second = _county_round(levels)
    return campaign


def test_the_county_administrator_sees_the_button_and_only_its_own_rounds(client, levels, jinjiang_round):  # noqa: F811
    client.force_login(levels.users["jinjiang_admin"])

    page = client.get("/admin/projects/campaign/").content.decode()
    assert URL in page and "开启新一轮" in page
    response = client.get(URL)

    assert response.status_code == 200
    assert list(response.context["campaigns"]) == [jinjiang_round]
    assert response.context["source"] == jinjiang_round
    body = response.content.decode()
    assert "安海镇妇联" in body and "城市项目" not in body
    # the city's round as the source falls back to the county's own
    assert client.get(URL, {"source": levels.city_round.pk}).context["source"] == jinjiang_round


def test_the_county_administrator_starts_its_next_round_with_its_townships(client, levels, jinjiang_round):  # noqa: F811
    client.force_login(levels.users["jinjiang_admin"])

    response = client.post(URL, _data(jinjiang_round, _confirm="1", name="晋江市争六好、创特色2015"))

    assert response.status_code == 302, response.context["form"].errors
    new = Campaign.objects.get(issuing_body=levels.jinjiang, year=2015)
    units = sorted(new.projects.values_list("assignments__unit__name", flat=True))
    assert units == sorted(["安海镇妇联", "东石镇妇联", "磁灶镇妇联"])
    assert not Campaign.objects.filter(issuing_body=levels.city, year=2015).exists()


def test_a_posted_city_round_as_the_source_starts_nothing_for_the_city(client, levels, jinjiang_round):  # noqa: F811
    client.force_login(levels.users["jinjiang_admin"])
    data = _data(jinjiang_round, _confirm="1") | {"source": levels.city_round.pk}

    client.post(URL, data)

    assert not Campaign.objects.filter(issuing_body=levels.city, year=2015).exists()


def test_another_county_has_no_round_to_start_from(client, levels, jinjiang_round):  # noqa: F811
    client.force_login(levels.users["huian_admin"])

    assert client.get(URL).status_code == 404
    assert "开启新一轮" not in client.get("/admin/projects/campaign/").content.decode()
    client.post(URL, _data(jinjiang_round, _confirm="1"))
    assert Campaign.objects.filter(year=2015).count() == 0
