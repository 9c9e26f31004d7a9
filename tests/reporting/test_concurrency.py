"""No lost updates: the later of two saves of the same plan or report is refused with a clear
message, in the portal and in the admin alike; the earlier one stays."""

import pytest
from django.db import connection
from django.urls import reverse

from projects.models import Assignment
from reporting import services
from reporting.models import ProgressReport
from tests.reporting.conftest import make_report


def _save(report, actor, version, progress):
    return services.report_update(
        report=report,
        actor=actor,
        version=version,
        progress=progress,
        percent_complete=30,
        problems="",
        next_steps="",
        milestone_states={},
        indicator_values={},
    )


def test_the_later_of_two_saves_of_a_report_is_refused_and_the_first_stays(world, cast):
    report = make_report(world, world.a1, cast["reporter_a"])
    opened = report.version  # two people open the same report
    _save(ProgressReport.objects.get(pk=report.pk), cast["reporter_a"], opened, "甲的修改")
    with pytest.raises(services.ConcurrentEditError, match="其他人"):
        _save(ProgressReport.objects.get(pk=report.pk), cast["superuser"], opened, "乙的修改")
    report.refresh_from_db()
    assert report.progress == "甲的修改"


def _report_form(report, progress: str, version: int) -> dict:
    data = {
        "version": version,
        "progress": progress,
        "percent_complete": 30,
        "problems": "",
        "next_steps": "",
    }
    for state in report.milestone_states.all():
        data[f"m{state.pk}-state"] = state.state
    for value in report.indicator_values.all():
        data[f"i{value.pk}-actual_value"] = "1"
    return data


def test_the_report_page_refuses_a_stale_save_with_a_chinese_message(client, world, cast):
    report = make_report(world, world.a1, cast["reporter_a"])
    stale = report.version
    _save(report, cast["reporter_a"], stale, "先保存的内容")
    client.force_login(cast["reporter_a"])
    response = client.post(
        reverse("reporting:report_edit", args=[report.pk]),
        _report_form(report, "后保存的内容", stale),
        follow=True,
    )
    assert "已有其他人保存了修改" in response.text
    report.refresh_from_db()
    assert report.progress == "先保存的内容"


def _plan_form(assignment: Assignment, target: str, version: int) -> dict:
    milestone = assignment.milestones.get()
    return {
        "version": version,
        "target": target,
        "deadline": "2014-12-31",
        "responsible_person": "王丽",
        "responsible_person_position": "",
        "responsible_person_phone": "",
        "steps-TOTAL_FORMS": 1,
        "steps-INITIAL_FORMS": 1,
        "steps-0-id": milestone.pk,
        "steps-0-order": 1,
        "steps-0-title": milestone.title,
        "steps-0-due_on": "2014-03-31",
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
    }


def test_the_plan_page_refuses_a_stale_save(client, world, cast):
    world.a1.refresh_from_db()
    stale = world.a1.version
    client.force_login(cast["reporter_a"])
    first = client.post(
        reverse("reporting:plan_edit", args=[world.a1.pk]), _plan_form(world.a1, "第一版目标", stale)
    )
    assert first.status_code == 302
    second = client.post(
        reverse("reporting:plan_edit", args=[world.a1.pk]),
        _plan_form(world.a1, "第二版目标", stale),
        follow=True,
    )
    assert "已有其他人保存了修改" in second.text
    world.a1.refresh_from_db()
    assert world.a1.target == "第一版目标"


def _admin_assignment_form(assignment: Assignment, target: str, version: int) -> dict:
    return {
        "project": assignment.project_id,
        "unit": assignment.unit_id,
        "version": version,
        "target": target,
        "deadline": "2014-12-31",
        "responsible_person": "王丽",
        "responsible_person_position": "",
        "responsible_person_phone": "",
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
    }


def test_the_admin_refuses_a_stale_save_of_a_plan_made_meanwhile_in_the_portal(client, world, cast):
    world.a1.refresh_from_db()
    client.force_login(cast["superuser"])
    url = reverse("admin:projects_assignment_change", args=[world.a1.pk])
    form = client.get(url).context["adminform"].form
    opened = form["version"].value()  # the admin page was opened
    services.plan_update(  # meanwhile the unit saves in the portal
        assignment=world.a1,
        actor=cast["reporter_a"],
        version=world.a1.version,
        target="单位的修改",
        deadline=world.a1.deadline,
        responsible_person="王丽",
        responsible_person_position="",
        responsible_person_phone="",
        milestones=[],
        indicators=[],
    )
    response = client.post(url, _admin_assignment_form(world.a1, "管理员的修改", opened))
    assert response.status_code == 200  # the form comes back instead of saving
    assert "他人已在您打开后保存了这条记录" in response.text  # in Chinese, not django-concurrency's English
    world.a1.refresh_from_db()
    assert world.a1.target == "单位的修改"


def test_the_admin_refuses_the_later_of_two_saves_of_a_report(client, world, cast):
    report = make_report(world, world.a1, cast["reporter_a"])
    client.force_login(cast["superuser"])
    url = reverse("admin:reporting_progressreport_change", args=[report.pk])
    opened = client.get(url).context["adminform"].form["version"].value()
    _save(report, cast["reporter_a"], report.version, "单位刚保存的内容")
    data = {
        "version": opened,
        "progress": "管理员的修改",
        "percent_complete": 50,
        "problems": "",
        "next_steps": "",
    }
    for prefix in ["milestone_states", "indicator_values", "evidence", "transitions"]:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = client.post(url, data)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.progress == "单位刚保存的内容"


def test_the_city_corrects_a_submitted_report_in_the_admin_through_the_services(client, world, cast):
    report = make_report(world, world.a1, cast["reporter_a"], submit=True)
    client.force_login(cast["superuser"])
    url = reverse("admin:reporting_progressreport_change", args=[report.pk])
    data = {
        "version": client.get(url).context["adminform"].form["version"].value(),
        "progress": "开展调研12次（市妇联更正）",
        "percent_complete": 25,
        "problems": "",
        "next_steps": "继续推进",
    }
    for prefix in ["milestone_states", "indicator_values", "evidence", "transitions"]:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    response = client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.progress, report.status) == ("开展调研12次（市妇联更正）", "submitted")


def _commit_another_save_just_before(table: str):
    """An execute wrapper: right before the first UPDATE of ``table``, another save bumps the version.

    This is the race the form's version check cannot see: the other save commits after the form
    was validated and before this save writes.
    """
    bumped = []

    def wrapper(execute, sql, params, many, context):
        if sql.startswith(f'UPDATE "{table}"') and not bumped:
            bumped.append(sql)
            execute(f'UPDATE "{table}" SET "version" = "version" + 1', (), False, context)
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.django_db(transaction=True)
def test_an_admin_save_that_loses_the_race_after_the_form_check_is_refused_not_dropped(client, world, cast):
    world.a1.refresh_from_db()
    history_before = world.a1.history.count()
    client.force_login(cast["superuser"])
    url = reverse("admin:projects_assignment_change", args=[world.a1.pk])
    opened = client.get(url).context["adminform"].form["version"].value()
    data = _admin_assignment_form(world.a1, "管理员的修改", opened)
    data |= {  # a new step in the inline: it must not be saved either
        "milestones-TOTAL_FORMS": 1,
        "milestones-0-order": 2,
        "milestones-0-title": "新步骤",
        "milestones-0-due_on": "2014-06-30",
    }

    with connection.execute_wrapper(_commit_another_save_just_before("projects_assignment")):
        response = client.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == url  # back to the form, not "changed successfully"
    page = client.get(url)
    assert "已有其他人保存了此记录" in page.text
    world.a1.refresh_from_db()
    assert world.a1.target == "建成示范点"
    assert world.a1.history.count() == history_before
    assert list(world.a1.milestones.values_list("title", flat=True)) == ["调研摸底"]
