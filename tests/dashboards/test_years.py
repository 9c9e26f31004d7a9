"""Two rounds on the dashboards (issue 12 items 2 and 3): every page shows one year only, the
round in progress by default, a year switcher, and a round not yet begun gets a Chinese page
instead of an all-red grid."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Assignment, FeatureProject
from tests.years import MARK_2014, MARK_2015
from units.models import Organisation

MID_2014 = datetime.date(2014, 6, 1)
MID_2015 = datetime.date(2015, 6, 1)
NOT_STARTED = "2015年度的争创活动尚未开始（第一个报送周期从2015年1月1日开始）。"


def workbook(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content), read_only=True).worksheets[0]


def filename(response) -> str:
    return unquote(response["Content-Disposition"])


@pytest.mark.parametrize(
    ("day", "year", "shown", "hidden"),
    [(MID_2014, 2014, MARK_2014, MARK_2015), (MID_2015, 2015, MARK_2015, MARK_2014)],
)
def test_the_overview_opens_on_the_round_in_progress_and_shows_only_its_year(
    client, two_years, today_is, day, year, shown, hidden
):
    today_is(day)
    client.force_login(two_years.leader)
    response = client.get(reverse("dashboards:overview"))
    assert response.status_code == 200
    assert response.context["filters"].campaign.year == year
    assert shown in response.text and hidden not in response.text
    assert f"<h1>{year}年 全市督办一览" in response.text


def test_the_leader_lands_on_the_current_round_not_the_newest(client, two_years, today_is):
    today_is(MID_2014)
    client.force_login(two_years.leader)
    response = client.get("/", follow=True)
    assert response.context["filters"].campaign == two_years.y2014
    assert NOT_STARTED not in response.text


def test_the_year_switcher_keeps_the_other_filters_and_drops_the_period(client, two_years, today_is):
    today_is(MID_2014)
    client.force_login(two_years.leader)
    response = client.get(reverse("dashboards:overview"), {"unit": "晋江"})
    links = {link["label"]: link for link in response.context["filters"].year_links()}
    assert set(links) == {"2014年", "2015年"}
    assert links["2014年"]["selected"] and not links["2015年"]["selected"]
    assert "period=" not in links["2015年"]["query"]
    assert f"campaign={two_years.y2015.pk}" in links["2015年"]["query"]
    assert "unit=%E6%99%8B%E6%B1%9F" in links["2015年"]["query"]
    assert f'href="/dashboards/?{links["2015年"]["query"]}"'.replace("&", "&amp;") in response.text


@pytest.mark.parametrize("page", ["overview", "unit", "department"])
def test_a_round_not_begun_gets_a_chinese_page_instead_of_a_red_grid(client, two_years, today_is, page):
    today_is(MID_2014)
    client.force_login(two_years.leader)
    args = {
        "overview": (),
        "unit": (two_years.unit.pk,),
        "department": (Organisation.objects.filter(followed_projects__campaign=two_years.y2015).first().pk,),
    }[page]
    response = client.get(reverse(f"dashboards:{page}", args=args), {"campaign": two_years.y2015.pk})
    assert response.status_code == 200
    assert NOT_STARTED in response.text
    assert 'class="matrix"' not in response.text and "chip st-overdue" not in response.text
    assert "前往进行中的2014年度" in response.text
    assert f"campaign={two_years.y2014.pk}" in response.text
    # The same page of the round in progress is the ordinary page.
    ordinary = client.get(reverse(f"dashboards:{page}", args=args))
    assert NOT_STARTED not in ordinary.text and ordinary.context["filters"].campaign == two_years.y2014


def test_once_the_year_begins_the_round_is_an_ordinary_page(client, two_years, today_is):
    today_is(datetime.date(2015, 1, 1))
    client.force_login(two_years.leader)
    response = client.get(reverse("dashboards:overview"), {"campaign": two_years.y2015.pk})
    assert NOT_STARTED not in response.text
    assert MARK_2015 in response.text and MARK_2014 not in response.text


def test_the_unit_page_shows_only_the_chosen_years_projects(client, two_years, today_is):
    today_is(MID_2015)
    client.force_login(two_years.leader)
    url = reverse("dashboards:unit", args=[two_years.unit.pk])
    current = client.get(url)
    old = client.get(url, {"campaign": two_years.y2014.pk})
    assert {d.project.campaign.year for d in current.context["details"]} == {2015}
    assert {d.project.campaign.year for d in old.context["details"]} == {2014}
    assert "<h1>2015年 晋江市妇联</h1>" in current.text and "<h1>2014年 晋江市妇联</h1>" in old.text


def test_project_and_cell_pages_name_their_year_and_offer_the_other(client, two_years, today_is):
    today_is(MID_2015)
    client.force_login(two_years.leader)
    project = FeatureProject.objects.get(campaign=two_years.y2014, number=7)
    response = client.get(reverse("dashboards:project", args=[project.pk]))
    assert "<h1>2014年 7. 推广实施妇女“三制”</h1>" in response.text
    assert f"/dashboards/?campaign={two_years.y2015.pk}" in response.text  # the switcher
    cell = Assignment.objects.get(project=project, unit=two_years.unit)
    response = client.get(reverse("dashboards:cell", args=[cell.pk]))
    assert "<h1>2014年 晋江市妇联" in response.text
    assert response.context["filters"].campaign == two_years.y2014


def test_the_ledger_and_the_bulletin_default_to_the_current_round_and_name_it(client, two_years, today_is):
    today_is(MID_2014)
    client.force_login(two_years.leader)
    ledger = client.get(reverse("dashboards:ledger"))
    assert "台账-2014-20140601.xlsx" in filename(ledger)
    rows = list(workbook(ledger).iter_rows(values_only=True))
    assert "2014年" in rows[0][0]
    assert {row[0] for row in rows[2:]} == {2014}
    assert any(MARK_2014 in (row[2] or "") for row in rows[2:])
    assert not any(MARK_2015 in str(row) for row in rows)
    chosen = client.get(reverse("dashboards:ledger"), {"campaign": two_years.y2015.pk})
    assert "台账-2015-" in filename(chosen)
    assert {row[0] for row in list(workbook(chosen).iter_rows(values_only=True))[2:]} == {2015}
    bulletin = client.get(reverse("dashboards:bulletin"), {"format": "xlsx"})
    assert "2014年特色项目推进情况通报" in filename(bulletin)
    page = client.get(reverse("dashboards:bulletin"))
    assert page.context["filters"].campaign == two_years.y2014 and "<title>2014年" in page.text


def test_the_overview_table_download_defaults_to_the_current_round(admin_client, two_years, today_is):
    today_is(MID_2014)
    response = admin_client.get(reverse("admin:projects_featureproject_overview_table"))
    assert "2014年泉州市妇联系统特色工作一览表.xlsx" in filename(response)
    chosen = admin_client.get(reverse("admin:projects_featureproject_overview_table"), {"year": "2015"})
    assert "2015年" in filename(chosen)
    text = str(list(workbook(chosen).iter_rows(values_only=True)))
    assert MARK_2015 in text and MARK_2014 not in text
