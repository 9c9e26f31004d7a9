"""One writer per 四定 plan: the portal's plan form, the admin's assignment page, the admin's step
page and the step import all write through ``reporting.services.plan_update``, so each door
refuses what the others refuse (scope, the plan's lock, the deadline) and none deletes what a
report used.

Nothing here patches or spies on the services: each test goes through the door as a user does and
looks at what was stored.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from projects.models import Assignment, Milestone
from reporting import services
from reporting.models import PlanStatus
from tests.reporting.conftest import make_report
from tests.spreadsheet_files import (
    errors_of,
    post_confirm,
    post_preview,
    use_pending_import_folder,
    xlsx_bytes,
)

STEP_HEADERS = ["年度", "序号", "责任单位", "步骤序号", "步骤", "完成时限"]


@pytest.fixture(autouse=True)
def pending_imports(settings, tmp_path):
    return use_pending_import_folder(settings, tmp_path)


def _staff(user, *codenames: str):
    """``user`` made staff with the given model permissions."""
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


PLAN_PERMISSIONS = (
    "view_assignment",
    "change_assignment",
    "view_milestone",
    "change_milestone",
    "add_milestone",
)


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": sum(1 for row in rows if row.get("id")),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{field}": value for field, value in row.items()})
    return data


def _admin_plan_form(
    client, assignment: Assignment, new_steps: list[dict], *, delete_existing=False, **fields
) -> dict:
    """The admin's assignment page as the browser posts it after opening it (its signed version):
    the plan as stored, its steps (ticked for deletion if asked), plus ``new_steps``."""
    assignment.refresh_from_db()
    page = client.get(reverse("admin:projects_assignment_change", args=[assignment.pk]))
    form = page.context["adminform"].form if page.status_code == 200 else None
    version = form["version"].value() if form is not None and "version" in form.fields else 0
    steps = [
        {
            "id": step.pk,
            "assignment": assignment.pk,
            "order": step.order,
            "title": step.title,
            "due_on": step.due_on.isoformat() if step.due_on else "",
            **({"DELETE": "on"} if delete_existing else {}),
        }
        for step in assignment.milestones.all()
    ]
    indicators = [
        {"id": i.pk, "assignment": assignment.pk, "name": i.name, "target_value": i.target_value}
        for i in assignment.indicators.all()
    ]
    return {
        "project": assignment.project_id,
        "unit": assignment.unit_id,
        "version": version,
        "target": assignment.target,
        "deadline": assignment.deadline.isoformat() if assignment.deadline else "",
        "responsible_person": assignment.responsible_person,
        "responsible_person_position": "",
        "responsible_person_phone": "",
        **_inline("milestones", steps + [{"assignment": assignment.pk, **step} for step in new_steps]),
        **_inline("indicators", indicators),
        **fields,
    }


# --------------------------------------------------------------------------- each door, one rule


def _through_the_portal(client, world, cast, due_on: str):
    world.a1.refresh_from_db()
    step = world.a1.milestones.get()
    client.force_login(cast["reporter_a"])
    return client.post(
        reverse("reporting:plan_edit", args=[world.a1.pk]),
        {
            "version": world.a1.version,
            "target": world.a1.target,
            "deadline": "2014-12-31",
            "responsible_person": "王丽",
            "responsible_person_position": "",
            "responsible_person_phone": "",
            "steps-TOTAL_FORMS": 2,
            "steps-INITIAL_FORMS": 1,
            "steps-0-id": step.pk,
            "steps-0-order": 1,
            "steps-0-title": step.title,
            "steps-0-due_on": "2014-03-31",
            "steps-1-order": 2,
            "steps-1-title": "总结验收",
            "steps-1-due_on": due_on,
            "indicators-TOTAL_FORMS": 0,
            "indicators-INITIAL_FORMS": 0,
        },
    )


def _through_the_assignment_page(client, world, cast, due_on: str):
    client.force_login(cast["superuser"])
    data = _admin_plan_form(client, world.a1, [{"order": 2, "title": "总结验收", "due_on": due_on}])
    return client.post(reverse("admin:projects_assignment_change", args=[world.a1.pk]), data)


def _through_the_step_page(client, world, cast, due_on: str):
    client.force_login(cast["superuser"])
    data = {"assignment": world.a1.pk, "order": 2, "title": "总结验收", "due_on": due_on}
    return client.post(reverse("admin:projects_milestone_add"), data)


def _through_an_import(client, world, cast, due_on: str):
    client.force_login(cast["superuser"])
    preview = post_preview(
        client, "milestone", xlsx_bytes([STEP_HEADERS, [2014, 1, "晋江市妇联", 2, "总结验收", due_on]])
    )
    if preview.context and preview.context.get("confirm_form") is not None:
        return post_confirm(client, "milestone", preview)
    return preview


DOORS = [_through_the_portal, _through_the_assignment_page, _through_the_step_page, _through_an_import]


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__.removeprefix("_through_"))
def test_every_door_refuses_a_step_after_the_deadline_and_keeps_one_within(client, world, cast, door):
    door(client, world, cast, "2015-01-15")  # the deadline is 2014-12-31
    assert list(world.a1.milestones.values_list("order", flat=True)) == [1]

    door(client, world, cast, "2014-12-31")
    assert list(world.a1.milestones.values_list("order", "due_on")) == [
        (1, datetime.date(2014, 3, 31)),
        (2, datetime.date(2014, 12, 31)),
    ]


def test_adding_a_new_plan_in_the_admin_with_a_step_after_the_deadline_is_refused_in_chinese(
    client, world, cast
):
    client.force_login(cast["superuser"])
    new = Assignment(project=world.project_2, unit=world.unit_b, deadline=datetime.date(2014, 6, 30))
    data = {
        "project": new.project_id,
        "unit": new.unit_id,
        "target": "新计划",
        "deadline": "2014-06-30",
        "responsible_person": "",
        "responsible_person_position": "",
        "responsible_person_phone": "",
        **_inline("milestones", [{"order": 1, "title": "总结", "due_on": "2014-07-15"}]),
        **_inline("indicators", []),
    }

    response = client.post(reverse("admin:projects_assignment_add"), data)

    assert response.status_code == 200
    assert "完成时间 2014-07-15 晚于定时限 2014-06-30。" in response.text
    assert not Assignment.objects.filter(project=world.project_2, unit=world.unit_b).exists()


def test_a_new_plan_made_in_the_admin_is_saved_with_its_steps(client, world, cast):
    client.force_login(cast["superuser"])
    data = {
        "project": world.project_2.pk,
        "unit": world.unit_b.pk,
        "target": "新计划",
        "deadline": "2014-06-30",
        "responsible_person": "",
        "responsible_person_position": "",
        "responsible_person_phone": "",
        **_inline("milestones", [{"order": 1, "title": "总结", "due_on": "2014-06-15"}]),
        **_inline("indicators", []),
    }

    response = client.post(reverse("admin:projects_assignment_add"), data)

    assert response.status_code == 302
    made = Assignment.objects.get(project=world.project_2, unit=world.unit_b)
    assert made.target == "新计划"
    assert list(made.milestones.values_list("title", flat=True)) == ["总结"]


# --------------------------------------------------------------------------- scope and lock


def test_a_scoped_staff_reporter_cannot_create_a_step_on_another_units_plan_by_import(client, world, cast):
    client.force_login(_staff(cast["reporter_a"], *PLAN_PERMISSIONS))
    foreign = [2014, 1, "惠安县妇联", 2, "别人的步骤", "2014-06-30"]

    preview = post_preview(client, "milestone", xlsx_bytes([STEP_HEADERS, foreign]))

    assert preview.context.get("confirm_form") is None
    assert errors_of(preview)
    assert list(world.b1.milestones.values_list("title", flat=True)) == ["调研摸底"]


def test_a_scoped_staff_reporter_imports_steps_into_their_own_draft_plan(client, world, cast):
    client.force_login(_staff(cast["reporter_a"], *PLAN_PERMISSIONS))
    own = [2014, 1, "晋江市妇联", 2, "自己的步骤", "2014-06-30"]

    preview = post_preview(client, "milestone", xlsx_bytes([STEP_HEADERS, own]))
    post_confirm(client, "milestone", preview)

    assert list(world.a1.milestones.values_list("title", flat=True)) == ["调研摸底", "自己的步骤"]


def _confirm(world, cast, assignment: Assignment) -> None:
    services.plan_submit(assignment=assignment, actor=cast["reporter_a"])
    services.plan_confirm(assignment=assignment, actor=cast["liaison"])


def test_an_admin_save_of_a_confirmed_plan_by_a_reporter_staff_is_refused(client, world, cast):
    _confirm(world, cast, world.a1)
    client.force_login(_staff(cast["reporter_a"], *PLAN_PERMISSIONS))
    data = _admin_plan_form(client, world.a1, [], target="确认后改的目标")

    response = client.post(reverse("admin:projects_assignment_change", args=[world.a1.pk]), data)

    assert response.status_code == 403
    world.a1.refresh_from_db()
    assert world.a1.target == "建成示范点"
    assert services.plan_of(world.a1).status == PlanStatus.CONFIRMED


def test_a_confirmed_plan_is_locked_for_its_unit_in_the_step_import_too(client, world, cast):
    _confirm(world, cast, world.a1)
    client.force_login(_staff(cast["reporter_a"], *PLAN_PERMISSIONS))

    preview = post_preview(
        client,
        "milestone",
        xlsx_bytes([STEP_HEADERS, [2014, 1, "晋江市妇联", 2, "确认后加的", "2014-06-30"]]),
    )

    assert any("已确认" in error for error in errors_of(preview))
    assert world.a1.milestones.count() == 1


def test_the_city_may_still_correct_a_confirmed_plan_in_the_admin(client, world, cast):
    _confirm(world, cast, world.a1)
    client.force_login(cast["superuser"])

    response = client.post(
        reverse("admin:projects_assignment_change", args=[world.a1.pk]),
        _admin_plan_form(client, world.a1, [], target="市妇联更正的目标"),
    )

    assert response.status_code == 302
    world.a1.refresh_from_db()
    assert world.a1.target == "市妇联更正的目标"


# --------------------------------------------------------------------------- what a report approved


def _approved_report(world, cast):
    report = make_report(world, world.a1, cast["reporter_a"], submit=True)
    services.report_approve(report=report, actor=cast["liaison"])
    return report


def test_deleting_a_step_an_approved_report_used_retires_it_and_the_report_still_shows_it(
    client, world, cast
):
    report = _approved_report(world, cast)
    step = world.a1.milestones.get()
    client.force_login(cast["superuser"])

    response = client.post(
        reverse("admin:projects_assignment_change", args=[world.a1.pk]),
        _admin_plan_form(client, world.a1, [], delete_existing=True),
        follow=True,
    )

    assert "停用而未删除" in response.text and "1. 调研摸底" in response.text  # the warning names it
    assert world.a1.milestones.count() == 0  # gone from the plan
    retired = Milestone.all_objects.get(pk=step.pk)
    assert retired.retired_at is not None
    assert [state.milestone.title for state in report.milestone_states.all()] == ["调研摸底"]
    client.force_login(cast["liaison"])
    assert "调研摸底" in client.get(reverse("reporting:report", args=[report.pk])).text


def test_a_retired_step_is_left_out_of_new_reports_and_the_plan_form(client, world, cast):
    _approved_report(world, cast)
    services.plan_update(
        assignment=world.a1,
        actor=cast["superuser"],
        version=None,
        **services.plan_fields(world.a1),
        milestones=[services.MilestoneRow(None, 1, "新的第一步", datetime.date(2014, 6, 30))],
        indicators=[],
    )

    later = services.report_start(assignment=world.a1, period=world.q2, actor=cast["reporter_a"])

    assert [state.milestone.title for state in later.milestone_states.all()] == ["新的第一步"]
    assert [value.indicator for value in later.indicator_values.all()] == []
    client.force_login(cast["reporter_a"])
    plan_form = client.get(reverse("reporting:plan_edit", args=[world.a1.pk])).text
    assert "新的第一步" in plan_form
    assert "调研摸底" not in plan_form


def test_a_step_no_report_used_is_deleted_outright(world, cast):
    step = world.a1.milestones.get()

    saved = services.plan_update(
        assignment=world.a1,
        actor=cast["superuser"],
        version=None,
        **services.plan_fields(world.a1),
        milestones=[],
        indicators=[],
    )

    assert saved.retired == []
    assert not Milestone.all_objects.filter(pk=step.pk).exists()


def test_the_admin_says_before_saving_that_used_steps_are_retired(client, world, cast):
    client.force_login(cast["superuser"])
    page = client.get(reverse("admin:projects_assignment_change", args=[world.a1.pk]))
    assert "停用" in page.text


# --------------------------------------------------------------------------- the history pages


def test_a_history_record_posted_by_view_only_staff_does_not_promote_them(client, world, cast):
    reporter = _staff(cast["reporter_a"], "view_membership", "view_milestone")
    membership = reporter.membership
    record = membership.history.latest()
    client.force_login(reporter)

    response = client.post(
        reverse("admin:units_membership_simple_history", args=[membership.pk, record.history_id]),
        {"user": reporter.pk, "organisation": world.city.pk, "role": "city_admin"},
    )

    assert response.status_code in (403, 404)
    membership.refresh_from_db()
    assert (membership.organisation, membership.role) == (world.unit_a, "reporter")


def test_a_history_record_posted_by_scoped_staff_does_not_overwrite_a_foreign_step(client, world, cast):
    client.force_login(_staff(cast["reporter_a"], *PLAN_PERMISSIONS))
    step = world.b1.milestones.get()
    record = step.history.latest()

    response = client.post(
        reverse("admin:projects_milestone_simple_history", args=[step.pk, record.history_id]),
        {"assignment": world.b1.pk, "order": 1, "title": "被改写", "due_on": "2014-03-31"},
    )

    assert response.status_code in (403, 404)
    step.refresh_from_db()
    assert step.title == "调研摸底"


def test_a_history_record_cannot_revert_a_plan_even_for_the_city(client, world, cast):
    old = world.a1.history.earliest()
    client.force_login(cast["superuser"])

    response = client.post(
        reverse("admin:projects_assignment_simple_history", args=[world.a1.pk, old.history_id]),
        {"target": "从历史恢复", "deadline": "2014-12-31", "responsible_person": "王丽"},
    )

    assert response.status_code == 403  # history is read-only: changes go through the plan's page
    world.a1.refresh_from_db()
    assert world.a1.target == "建成示范点"


# ---------------------------------------------- the flat table: plan_update_many (issue 11, item 9)

FLAT = ["年度", "序号", "特色项目内容", "责任单位", "定目标", "定时限", "责任人", "职务", "联系电话"]


def _flat(unit: str, target: str, deadline: str = "2014-12-31") -> list:
    return [2014, 1, "", unit, target, deadline, "王丽", "主席", "13800000000"]


def test_a_scoped_staff_reporter_changes_their_own_draft_plan_by_the_flat_table(client, world, cast):
    client.force_login(_staff(cast["reporter_a"], *PLAN_PERMISSIONS))

    preview = post_preview(client, "assignment", xlsx_bytes([FLAT, _flat("晋江市妇联", "表格里的目标")]))
    confirm = post_confirm(client, "assignment", preview)

    assert confirm.status_code == 302, errors_of(confirm)
    world.a1.refresh_from_db()
    assert world.a1.target == "表格里的目标"
    assert world.a1.history.order_by("-history_id").first().history_user == cast["reporter_a"]


def test_the_flat_table_refuses_another_units_plan_in_the_preview(client, world, cast):
    client.force_login(_staff(cast["reporter_a"], *PLAN_PERMISSIONS))
    data = xlsx_bytes([FLAT, _flat("晋江市妇联", "自己的新目标"), _flat("惠安县妇联", "别人的新目标")])

    preview = post_preview(client, "assignment", data)

    assert preview.context.get("confirm_form") is None
    assert any("第 3 行" in error for error in errors_of(preview)), errors_of(preview)
    assert not any("第 2 行" in error for error in errors_of(preview))  # the own row is fine
    world.b1.refresh_from_db()
    assert world.b1.target != "别人的新目标"


def test_a_confirmed_plan_is_locked_for_its_unit_in_the_flat_table_too(client, world, cast):
    _confirm(world, cast, world.a1)
    client.force_login(_staff(cast["reporter_a"], *PLAN_PERMISSIONS))

    preview = post_preview(client, "assignment", xlsx_bytes([FLAT, _flat("晋江市妇联", "确认后改的目标")]))

    assert any("已确认" in error for error in errors_of(preview)), errors_of(preview)
    world.a1.refresh_from_db()
    assert world.a1.target == "建成示范点"


def test_the_flat_table_keeps_a_step_within_the_new_deadline(client, world, cast):
    client.force_login(_staff(cast["reporter_a"], *PLAN_PERMISSIONS))
    due = world.a1.milestones.get().due_on
    too_early = (due - datetime.timedelta(days=1)).isoformat()

    preview = post_preview(client, "assignment", xlsx_bytes([FLAT, _flat("晋江市妇联", "新目标", too_early)]))

    assert any("第 2 行" in error and "步骤" in error for error in errors_of(preview)), errors_of(preview)
    world.a1.refresh_from_db()
    assert world.a1.deadline != datetime.date.fromisoformat(too_early)


# ------------------------------------------------ the bulk form of the step and indicator imports


def test_the_bulk_parts_save_retires_a_used_step_deletes_an_unused_one_and_lets_orders_swap(world, cast):
    """``plan_parts_save_many`` keeps ``plan_update``'s rules for what leaves a plan: a step a
    report used is retired (the report still names it), one no report used is deleted; two steps
    may trade orders in one call; the plan's version moves on."""
    _approved_report(world, cast)
    used, spare = world.a1.milestones.get(), world.a2.milestones.get()
    moved = Milestone.objects.create(assignment=world.a2, order=2, title="培训")
    other = Milestone.objects.create(assignment=world.a2, order=3, title="总结")
    version = Assignment.objects.get(pk=world.a2.pk).version
    changes = [
        services.PlanParts(
            world.a1, milestones=[services.MilestoneRow(used.pk, used.order, used.title, None, delete=True)]
        ),
        services.PlanParts(
            world.a2,
            milestones=[
                services.MilestoneRow(spare.pk, spare.order, spare.title, None, delete=True),
                services.MilestoneRow(moved.pk, 3, "培训", None),
                services.MilestoneRow(other.pk, 2, "总结", None),
            ],
        ),
    ]

    assert services.plan_parts_save_many(actor=cast["superuser"], changes=changes) == {}

    assert Milestone.all_objects.get(pk=used.pk).retired_at is not None
    assert not Milestone.all_objects.filter(pk=spare.pk).exists()
    assert list(world.a2.milestones.values_list("order", "title")) == [(2, "总结"), (3, "培训")]
    assert Assignment.objects.get(pk=world.a2.pk).version != version


def test_the_bulk_parts_save_refuses_each_plan_at_its_index_and_then_writes_nothing(world, cast):
    """Each refused plan is an error at its index — a plan its unit submitted is locked for it, a
    step due after the deadline, an indicator name the plan already has — and the good plan of the
    same call is not written either."""
    services.plan_submit(assignment=world.a2, actor=cast["reporter_a"])
    late = [services.MilestoneRow(None, 2, "总结", datetime.date(2015, 1, 5))]
    changes = [
        services.PlanParts(world.a1, milestones=late),
        services.PlanParts(world.a2, milestones=[services.MilestoneRow(None, 2, "宣传", None)]),
    ]

    errors = services.plan_parts_save_many(actor=cast["reporter_a"], changes=changes)

    assert sorted(errors) == [0, 1] and isinstance(errors[1], services.WorkflowError)
    again = [
        services.PlanParts(world.b1, indicators=[services.IndicatorRow(None, "覆盖村居", 10, "个")]),
        services.PlanParts(world.a1, indicators=[services.IndicatorRow(None, "示范点", 3, "个")]),
    ]
    assert list(services.plan_parts_save_many(actor=cast["superuser"], changes=again)) == [1]
    assert world.a1.milestones.count() == 1 and world.a2.milestones.count() == 1
    assert list(world.b1.indicators.values_list("name", flat=True)) == ["示范点"]
