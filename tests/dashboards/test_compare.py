"""对标找差 (issue 12 item 4): a unit's work on a project carried over shows last round's target,
indicators, status, last approved report and on-time rate beside this round's; a unit new this
year shows “上年无此项”; the bulletin can rank a unit against its own last year."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Assignment, FeatureProject
from projects.selectors import previous_campaign, previous_round_of
from reporting.models import ReportingPeriod
from tests.dashboards.compare_data import assignment_of


def test_the_previous_round_is_the_year_before_of_the_same_issuing_body(compared):
    assert previous_campaign(compared.y2015) == compared.y2014
    assert previous_campaign(compared.y2014) is None


def test_the_previous_assignment_is_matched_by_number_and_unit(compared):
    new = assignment_of(compared.y2015, 2, compared.unit)
    assert previous_round_of(new) == assignment_of(compared.y2014, 2, compared.unit)
    newcomer = Assignment.objects.get(unit=compared.newcomer)
    assert previous_round_of(newcomer) is None


def test_the_unit_page_shows_last_rounds_figures_beside_this_rounds(client, compared):
    client.force_login(compared.leader)
    response = client.get(
        reverse("dashboards:unit", args=[compared.unit.pk]), {"campaign": compared.y2015.pk}
    )
    assert response.status_code == 200
    assert response.context["previous_campaign"] == compared.y2014
    comparison = next(d for d in response.context["details"] if d.project.number == 2).compare
    previous, current = comparison.previous, comparison.current
    assert (previous.year, current.year) == (2014, 2015)
    assert previous.target == "2014年建成示范点2个" and current.target == "2015年建成示范点3个"
    # Last round: 2 of 4 reports on time; the last approved report is Q2 at 60 %, reaching 2 of 2.
    assert (previous.on_time, previous.expected, previous.on_time_rate) == (2, 4, 50.0)
    assert previous.last_approved == {"period": "第2季度", "percent_complete": 60}
    assert (
        previous.indicators["示范点"]["actual_value"] == 2 and previous.indicators["示范点"]["share"] == 100
    )
    # This round so far: 2 of 2 on time; approved Q1 at 40 %, 1 of 3.
    assert (current.on_time, current.expected, current.on_time_rate) == (2, 2, 100.0)
    assert current.last_approved == {"period": "第1季度", "percent_complete": 40}
    assert current.indicators["示范点"]["share"] == 33
    assert comparison.rate_change == 50.0
    assert not comparison.title_changed
    text = response.text
    assert "对标找差" in text and "2014年建成示范点2个" in text and "↑50.0" in text
    assert "50.0（2/4）" in text and "100.0（2/2）" in text
    assert "2 / 2个（100%）" in text and "1 / 3个（33%）" in text
    assert "项目内容有调整" not in text


def test_a_changed_title_is_shown_as_an_adjusted_project(client, compared):
    FeatureProject.objects.filter(campaign=compared.y2015, number=2).update(title="新的项目内容")
    client.force_login(compared.leader)
    response = client.get(
        reverse("dashboards:unit", args=[compared.unit.pk]), {"campaign": compared.y2015.pk}
    )
    old_title = FeatureProject.objects.get(campaign=compared.y2014, number=2).title
    assert "项目内容有调整" in response.text
    assert old_title in response.text


def test_a_unit_new_this_year_shows_no_such_item_last_year(client, compared):
    client.force_login(compared.leader)
    project = FeatureProject.objects.get(campaign=compared.y2015, number=2)
    response = client.get(reverse("dashboards:project", args=[project.pk]))
    details = {d.unit.name: d.compare for d in response.context["details"]}
    assert details["测试新镇妇联"].previous is None
    assert details["晋江市妇联"].previous.on_time_rate == 50.0
    assert response.text.count("上年无此项") == 1


def test_the_first_round_shows_no_comparison(client, compared):
    client.force_login(compared.leader)
    response = client.get(
        reverse("dashboards:unit", args=[compared.unit.pk]), {"campaign": compared.y2014.pk}
    )
    assert response.context["previous_campaign"] is None
    assert all(d.compare is None for d in response.context["details"])
    assert "对标找差" not in response.text


def test_a_reporter_sees_the_comparison_of_their_own_unit(client, compared):
    client.force_login(compared.reporter)
    response = client.get(
        reverse("dashboards:unit", args=[compared.unit.pk]), {"campaign": compared.y2015.pk}
    )
    comparison = next(d for d in response.context["details"] if d.project.number == 2).compare
    assert comparison.previous.on_time_rate == 50.0


def second_quarter(campaign) -> ReportingPeriod:
    return ReportingPeriod.objects.filter(campaign=campaign).order_by("starts_on")[1]


def test_the_bulletin_compares_each_unit_with_its_own_last_year_at_the_same_point(client, compared):
    client.force_login(compared.leader)
    params = {"campaign": compared.y2015.pk, "period": second_quarter(compared.y2015).pk, "compare": "1"}
    response = client.get(reverse("dashboards:bulletin"), params)
    assert response.status_code == 200
    rows = {row.unit_name: row for row in response.context["page"].paginator.object_list}
    # 晋江 carries projects 2, 3 and 7: in 2015 Q2 one of three on time (project 2); in 2014 Q2, as
    # of 1 August 2014, project 2's report was late: none of three.
    jinjiang = rows["晋江市妇联"]
    assert (jinjiang.on_time, jinjiang.expected) == (1, 3)
    assert jinjiang.on_time_rate == 33.3 and jinjiang.previous_rate == 0.0
    assert jinjiang.change == 33.3
    assert rows["测试新镇妇联"].has_previous is False
    assert response.context["before"].on == datetime.date(2014, 8, 1)
    assert response.context["before"].period.name == "第2季度"
    assert "↑33.3" in response.text and "上年无此项" in response.text
    assert "与上年同期比" in response.text


def test_the_bulletin_sorts_by_the_change_on_last_year(client, compared):
    client.force_login(compared.leader)
    params = {"campaign": compared.y2015.pk, "period": second_quarter(compared.y2015).pk, "compare": "1"}
    by_change = client.get(reverse("dashboards:bulletin"), {**params, "sort": "change"})
    rows = list(by_change.context["page"].paginator.object_list)
    assert rows[0].unit_name == "晋江市妇联"  # the only unit that improved
    changes = [row.change for row in rows if row.change is not None]
    assert changes == sorted(changes, reverse=True)
    assert all(row.change is None for row in rows[len(changes) :])


def test_the_bulletin_export_carries_the_comparison_columns(client, compared):
    client.force_login(compared.leader)
    params = {
        "campaign": compared.y2015.pk,
        "period": second_quarter(compared.y2015).pk,
        "compare": "1",
        "format": "xlsx",
    }
    response = client.get(reverse("dashboards:bulletin"), params)
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, body = values[1], values[2:]  # after the title
    assert header[0] == "名次" and header[-2:] == ["上年同期按时报送率 %", "变化（百分点）"]
    jinjiang = next(row for row in body if row[1] == "晋江市妇联")
    assert jinjiang[-2:] == [0, 33.3]
    newcomer = next(row for row in body if row[1] == "测试新镇妇联")
    assert newcomer[-2] == "上年无此项"


def test_the_bulletin_of_the_first_round_says_there_is_nothing_to_compare(client, compared):
    client.force_login(compared.leader)
    response = client.get(reverse("dashboards:bulletin"), {"campaign": compared.y2014.pk, "compare": "1"})
    assert response.status_code == 200
    assert response.context["compared"] is False
    assert "没有可比的上一年度" in response.text


def test_the_comparison_pages_speak_chinese(client, compared):
    from tests.test_chinese_everywhere import ReaderText, latin_words
    from tests.test_typography import ascii_punctuation

    FeatureProject.objects.filter(campaign=compared.y2015, number=2).update(title="新的项目内容")
    client.force_login(compared.leader)
    project = FeatureProject.objects.get(campaign=compared.y2015, number=2)
    period = second_quarter(compared.y2015).pk
    pages = [
        (reverse("dashboards:unit", args=[compared.unit.pk]), {"campaign": compared.y2015.pk}),
        (reverse("dashboards:project", args=[project.pk]), {}),
        (reverse("dashboards:bulletin"), {"campaign": compared.y2015.pk, "period": period, "compare": "1"}),
        (reverse("dashboards:bulletin"), {"campaign": compared.y2015.pk, "period": "all", "compare": "1"}),
        (reverse("dashboards:bulletin"), {"campaign": compared.y2014.pk, "compare": "1"}),
    ]
    for url, params in pages:
        parser = ReaderText()
        parser.feed(client.get(url, params).content.decode())
        for part in parser.parts:
            assert not latin_words(part, {"years_leader"}), (url, part)
            assert not ascii_punctuation(part), (url, part)


def test_the_whole_campaign_is_compared_with_last_year_up_to_the_same_day(client, compared):
    client.force_login(compared.leader)
    params = {"campaign": compared.y2015.pk, "period": "all", "compare": "1"}
    response = client.get(reverse("dashboards:bulletin"), params)
    rows = {row.unit_name: row for row in response.context["page"].paginator.object_list}
    jinjiang = rows["晋江市妇联"]
    # Three projects, two quarters due by 1 August: 2 of 6 on time in 2015, 1 of 6 in 2014 (the
    # second quarter's report of 2014 was late).
    assert (jinjiang.on_time, jinjiang.expected) == (2, 6)
    assert (jinjiang.previous_on_time, jinjiang.previous_expected) == (1, 6)
    assert (jinjiang.on_time_rate, jinjiang.previous_rate, jinjiang.change) == (33.3, 16.7, 16.7)
    assert "↑16.7" in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"compare": "1", "sort": "xlsx"},
        {"compare": "是", "sort": "change"},
        {"compare": "1", "sort": "change", "on": "2016-02-29"},
        {"compare": "1", "period": "abc", "sort": "previous", "format": "xlsx"},
        {"compare": "1", "department": "999999", "unit": "晋江"},
    ],
    ids=repr,
)
def test_odd_comparison_parameters_never_answer_500(client, compared, params):
    client.force_login(compared.leader)
    response = client.get(reverse("dashboards:bulletin"), {"campaign": compared.y2015.pk, **params})
    assert response.status_code == 200


def test_the_assignment_page_links_last_years_item_and_the_comparison(client, compared):
    client.force_login(compared.reporter)
    new = assignment_of(compared.y2015, 2, compared.unit)
    old = assignment_of(compared.y2014, 2, compared.unit)
    response = client.get(reverse("reporting:assignment", args=[new.pk]))
    assert response.context["previous_assignment"] == old
    assert reverse("reporting:assignment", args=[old.pk]) in response.text
    assert "2014年此项" in response.text and "上年与本年对照" in response.text
    assert "项目内容有调整" not in response.text
    FeatureProject.objects.filter(campaign=compared.y2015, number=2).update(title="新的项目内容")
    assert "项目内容有调整" in client.get(reverse("reporting:assignment", args=[new.pk])).text
    # Last year's page has no round before it; a unit new this year has no such item last year.
    assert "对标找差" not in client.get(reverse("reporting:assignment", args=[old.pk])).text
    client.force_login(compared.admin)
    newcomer = Assignment.objects.get(unit=compared.newcomer)
    assert "上年无此项" in client.get(reverse("reporting:assignment", args=[newcomer.pk])).text


def test_a_period_last_year_did_not_have_is_not_compared(client, compared):
    # 2014 had four quarters; a fifth period in 2015 (written below the services: test data).
    fifth = ReportingPeriod.objects.create(
        campaign=compared.y2015,
        name="第5期",
        starts_on=datetime.date(2015, 12, 31),
        ends_on=datetime.date(2015, 12, 31),
        due_on=datetime.date(2016, 1, 10),
    )
    client.force_login(compared.leader)
    params = {"campaign": compared.y2015.pk, "period": fifth.pk, "compare": "1"}
    response = client.get(reverse("dashboards:bulletin"), params)
    assert response.context["compared"] is False
    assert "2014年度没有同一序次的报送周期，无法比较。" in response.text
    assert "上年无此项" not in response.text
