"""The admin for staff who are not superusers shows only their scope (reporting/access.py)."""

import datetime
import io

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from projects.models import Assignment, Campaign, Milestone
from projects.resources import FeatureProjectResource
from quanzhou_women.lib.admin import ScopedAdminMixin
from reporting.models import ProgressReport, ReportingPeriod
from tests.reporting.conftest import make_report
from tests.spreadsheet_files import export_through_admin
from units.models import Membership


@pytest.fixture
def staff_liaison(cast):
    """The 宣传部 liaison, made staff with view rights on plans and reports."""
    user = cast["liaison"]
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_assignment", "view_progressreport", "view_featureproject"]
        )
    )
    return user


def test_a_staff_liaison_lists_only_the_assignments_of_the_projects_they_follow(client, world, staff_liaison):
    client.force_login(staff_liaison)
    response = client.get(reverse("admin:projects_assignment_changelist"))
    assert set(response.context["cl"].result_list) == {world.a1, world.b1}


def test_a_staff_liaison_cannot_open_a_foreign_assignment_in_the_admin(client, world, staff_liaison):
    client.force_login(staff_liaison)
    response = client.get(reverse("admin:projects_assignment_change", args=[world.a2.pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert Assignment.objects.filter(pk=world.a2.pk).exists()


def test_a_staff_liaison_lists_only_reports_in_scope(client, world, cast, staff_liaison):
    make_report(world, world.a1, cast["reporter_a"])
    make_report(world, world.a2, cast["reporter_a"])
    client.force_login(staff_liaison)
    response = client.get(reverse("admin:reporting_progressreport_changelist"))
    assert {r.assignment for r in response.context["cl"].result_list} == {world.a1}
    assert ProgressReport.objects.count() == 2


def test_a_superuser_sees_everything_in_the_admin(admin_client, world):
    response = admin_client.get(reverse("admin:projects_assignment_changelist"))
    assert set(response.context["cl"].result_list) == {world.a1, world.a2, world.b1}


# --- History is read-only and scoped; every read door of the admin shows only the user's scope. ---


def _staff(user, *codenames: str):
    """``user`` made staff with exactly the admin permissions ``codenames``."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # no cached permissions or membership


def _admin_url(obj, view: str, *extra) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *extra])


def _history_url(obj, record) -> str:
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.history_id]
    )


@pytest.fixture
def foreign_plan(world):
    """惠安县妇联's plan for project 1 (a reporter of 晋江市妇联 must not see it), with a person and phone
    of its own and a history of two versions."""
    world.b1.responsible_person = "陈秀琴"
    world.b1.responsible_person_phone = "0595-87654321"
    world.b1.save()
    return world.b1


@pytest.fixture
def viewer(cast, foreign_plan):
    """晋江市妇联's reporter as admin staff with view permissions only."""
    return _staff(
        cast["reporter_a"],
        "view_membership",
        "view_milestone",
        "view_assignment",
        "view_featureproject",
        "view_organisation",
        "view_campaign",
        "view_user",
        "view_accessattempt",
    )


def test_a_view_only_staff_posting_its_own_membership_history_form_changes_nothing(client, world, viewer):
    membership = Membership.objects.get(user=viewer)
    record = membership.history.latest("history_date")
    client.force_login(viewer)
    response = client.post(
        _history_url(membership, record),
        {"user": viewer.pk, "organisation": world.city.pk, "role": Membership.Role.CITY_ADMIN},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert (membership.organisation, membership.role) == (world.unit_a, Membership.Role.REPORTER)


def test_a_view_only_staff_posting_a_foreign_step_history_form_changes_nothing(client, world, viewer):
    step = world.b1.milestones.get()
    record = step.history.latest("history_date")
    client.force_login(viewer)
    response = client.post(
        _history_url(step, record),
        {"assignment": world.b1.pk, "order": 1, "title": "改写别人的步骤", "due_on": "2014-03-31"},
    )
    assert response.status_code == 403
    step.refresh_from_db()
    assert step.title == "调研摸底"


def test_not_even_a_superuser_can_revert_through_a_history_record(client, world, cast):
    step = world.a1.milestones.get()
    record = step.history.latest("history_date")
    client.force_login(cast["superuser"])
    page = client.get(_history_url(step, record))
    response = client.post(
        _history_url(step, record),
        {"assignment": world.a1.pk, "order": 1, "title": "回退", "due_on": "2014-03-31"},
    )
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # shown read-only, no revert button
    assert "调研摸底" in page.content.decode()
    assert response.status_code == 403
    step.refresh_from_db()
    assert step.title == "调研摸底"


def test_every_history_record_page_shows_its_version_read_only(client, world, cast, foreign_plan):
    client.force_login(cast["superuser"])
    membership = Membership.objects.get(user__username="reporter_b")
    step, indicator = world.b1.milestones.get(), world.b1.indicators.get()
    for obj in (world.unit_b, world.campaign, world.project_1, world.b1, step, indicator, membership):
        record = obj.history.earliest("history_date")
        response = client.get(_history_url(obj, record))
        page = response.content.decode()
        assert response.status_code == 200, obj
        assert 'name="_save"' not in page, obj  # no revert button
        assert not [f for f in obj._meta.get_fields() if f'name="{f.name}"' in page], obj
    old_version = world.b1.history.get(responsible_person="王丽")
    assert "王丽" in client.get(_history_url(world.b1, old_version)).content.decode()  # that version's value


def test_a_scoped_staff_reads_the_history_of_its_own_plan(client, world, viewer):
    record = world.a1.history.latest("history_date")
    client.force_login(viewer)
    assert client.get(_admin_url(world.a1, "history")).status_code == 200
    assert client.get(_history_url(world.a1, record)).status_code == 200


def test_a_scoped_staff_gets_404_on_a_foreign_objects_history_and_history_record(client, world, viewer):
    foreign_membership = Membership.objects.get(user__username="reporter_b")
    client.force_login(viewer)
    for obj in (world.b1, foreign_membership):
        record = obj.history.latest("history_date")
        history = client.get(_admin_url(obj, "history"))
        page = client.get(_history_url(obj, record))
        assert (history.status_code, page.status_code) == (404, 404), obj
        assert "陈秀琴" not in history.content.decode() + page.content.decode()


def test_a_history_record_of_a_foreign_object_is_not_found_under_an_own_objects_url(client, world, viewer):
    foreign_record = world.b1.history.latest("history_date")
    client.force_login(viewer)
    response = client.get(
        reverse("admin:projects_assignment_simple_history", args=[world.a1.pk, foreign_record.history_id])
    )
    assert response.status_code == 404


def test_the_history_of_a_deleted_foreign_step_is_not_found_for_scoped_staff(client, world, cast, viewer):
    step = world.b1.milestones.get()
    step_pk, record = step.pk, step.history.latest("history_date")
    step.delete()
    client.force_login(viewer)
    assert client.get(reverse("admin:projects_milestone_history", args=[step_pk])).status_code == 404
    assert (
        client.get(
            reverse("admin:projects_milestone_simple_history", args=[step_pk, record.history_id])
        ).status_code
        == 404
    )
    client.force_login(cast["superuser"])
    assert client.get(reverse("admin:projects_milestone_history", args=[step_pk])).status_code == 200


def test_a_projects_history_lists_changes_only_to_the_units_plans_the_user_may_see(client, world, viewer):
    client.force_login(viewer)
    response = client.get(_admin_url(world.project_1, "history"))
    parts = [record.history_object for record in response.context["related_history"]]
    assert response.status_code == 200
    assert world.a1 in parts
    assert world.b1 not in parts


def test_a_malformed_history_record_id_is_not_found(admin_client, world):
    response = admin_client.get(f"{_admin_url(world.a1, 'history')}abc/")
    assert response.status_code == 404


def test_the_project_page_inline_shows_no_foreign_person_or_phone(client, world, viewer):
    client.force_login(viewer)
    response = client.get(_admin_url(world.project_1, "change"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "王丽" in page  # 晋江市妇联's own plan
    assert "陈秀琴" not in page
    assert "0595-87654321" not in page
    assert "惠安县妇联" not in page


def _filter_choices(response) -> set[str]:
    return {
        str(label)
        for spec in response.context["cl"].filter_specs
        for _value, label in getattr(spec, "lookup_choices", [])
    }


def test_the_project_list_names_no_foreign_unit_in_filters_or_columns(client, world, viewer):
    client.force_login(viewer)
    response = client.get(reverse("admin:projects_featureproject_changelist"))
    assert response.status_code == 200
    assert "晋江市妇联" in _filter_choices(response)
    assert "惠安县妇联" not in _filter_choices(response)
    assert "惠安县妇联" not in response.content.decode()


def test_memberships_are_not_offered_to_staff_who_do_not_see_everything(client, world, cast):
    client.force_login(_staff(cast["liaison"], "view_membership"))
    response = client.get(reverse("admin:units_membership_changelist"))
    assert response.status_code == 403


def test_the_superusers_filters_still_name_every_unit(admin_client, world):
    response = admin_client.get(reverse("admin:projects_featureproject_changelist"))
    assert {"晋江市妇联", "惠安县妇联"} <= _filter_choices(response)


def _autocomplete(client, term: str = "", **source) -> list[str]:
    response = client.get(reverse("admin:autocomplete"), {"term": term, **source})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_autocomplete_returns_no_foreign_row(client, world, viewer):
    client.force_login(viewer)
    assignments = _autocomplete(client, app_label="projects", model_name="milestone", field_name="assignment")
    units = _autocomplete(client, "妇联", app_label="projects", model_name="assignment", field_name="unit")
    assert sorted(assignments) == sorted(str(a) for a in (world.a1, world.a2))
    assert units == ["晋江市妇联"]


def test_a_new_steps_assignment_choices_are_the_users_own(client, world, cast):
    editor = _staff(cast["reporter_a"], "view_milestone", "add_milestone", "change_milestone")
    step = world.a1.milestones.get()
    client.force_login(editor)
    response = client.get(reverse("admin:projects_milestone_add"))
    choices = set(response.context["adminform"].form.fields["assignment"].queryset)
    assert choices == {world.a1, world.a2}
    assert step.assignment in choices


def test_a_form_keeps_the_current_value_outside_the_users_scope_valid(rf, world, cast):
    reporter = _staff(cast["reporter_a"], "view_milestone", "change_milestone")
    step = world.b1.milestones.get()  # a value outside the reporter's scope, held by the object
    request = rf.get("/")
    request.user = reporter
    # The step page shows a saved step's assignment read-only; a plain scoped admin still offers it.
    plain = type("PlainStepAdmin", (ScopedAdminMixin, admin.ModelAdmin), {})(Milestone, admin.site)
    form_class = plain.get_form(request, step)
    assert set(form_class.base_fields["assignment"].queryset) == {world.a1, world.a2, world.b1}


def test_an_export_holds_only_the_users_rows(rf, world, viewer):
    request = rf.get("/admin/projects/assignment/export/")
    request.user = viewer
    exported = admin.site._registry[Assignment].get_export_queryset(request)
    assert set(exported) == {world.a1, world.a2}


def test_the_recent_actions_box_shows_only_the_users_own_actions(client, world, cast, viewer):
    LogEntry.objects.log_actions(
        user_id=cast["superuser"].pk, queryset=[world.b1], action_flag=CHANGE, change_message="陈秀琴"
    )
    client.force_login(viewer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert str(world.b1) not in response.content.decode()


def test_a_scoped_staff_user_cannot_list_or_change_users(client, world, cast):
    staff = _staff(cast["reporter_a"], "view_user", "change_user")
    client.force_login(staff)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_change", args=[staff.pk])).status_code == 403
    assert "auth" not in {app["app_label"] for app in client.get(reverse("admin:index")).context["app_list"]}


def test_a_city_administrator_manages_users(client, world, cast):
    city_admin = _staff(cast["city_admin"], "view_user", "change_user")
    client.force_login(city_admin)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == User.objects.count()


def test_login_records_are_for_city_administrators_only(client, world, viewer):
    client.force_login(viewer)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_every_registered_admin_is_scoped():
    assert all(isinstance(model_admin, ScopedAdminMixin) for model_admin in admin.site._registry.values())


def _cells(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )


def test_the_project_export_and_overview_table_name_no_foreign_unit(client, world, viewer):
    client.force_login(viewer)
    flat = export_through_admin(client, "featureproject", FeatureProjectResource)
    table = client.get(reverse("admin:projects_featureproject_overview_table"))
    assert (flat.status_code, table.status_code) == (200, 200)
    for content in (flat.content, table.content):
        assert "晋江市妇联" in _cells(content)
        assert "惠安县妇联" not in _cells(content)


# What each scoped staff user must never read: (user in the cast, texts of records outside their scope).
FOREIGN = {
    "reporter_a": ("惠安县妇联", "陈秀琴", "0595-87654321", "reporter_b", "外单位的进展"),
    "liaison": ("发展部", "扶持妇女创业就业", "other_liaison", "别的项目的进展"),
}


@pytest.mark.parametrize("who", FOREIGN)
def test_no_admin_page_a_scoped_staff_can_open_names_a_foreign_record(client, world, cast, foreign_plan, who):
    for assignment, reporter, progress in (
        (world.b1, cast["reporter_b"], "外单位的进展"),
        (world.a2, cast["reporter_a"], "别的项目的进展"),
    ):
        report = make_report(world, assignment, reporter)
        report.progress = progress
        report.save()
    make_report(world, world.a1, cast["reporter_a"])
    views = Permission.objects.filter(codename__startswith="view_").values_list("codename", flat=True)
    staff = _staff(cast[who], *views)
    client.force_login(staff)
    opened = []
    for model in admin.site._registry:
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code in (200, 403), opts.label
        if response.status_code == 403:
            continue
        pages = [response]
        for obj in response.context["cl"].result_list[:3]:
            pages.append(client.get(_admin_url(obj, "change")))
            pages.append(client.get(_admin_url(obj, "history")))
        for page in pages:
            assert page.status_code == 200, (opts.label, page)
            leaked = [marker for marker in FOREIGN[who] if marker in page.content.decode()]
            assert leaked == [], (opts.label, page.wsgi_request.path)
        opened.append(opts.label)
    assert {"projects.Assignment", "projects.FeatureProject", "reporting.ProgressReport"} <= set(opened)
    assert not {"auth.User", "auth.Group", "axes.AccessAttempt"} & set(opened)


def test_the_report_lists_period_filter_names_only_periods_of_visible_campaigns(client, world, cast):
    other = Campaign.objects.create(name="另一届活动", year=2015, issuing_body=world.city)
    ReportingPeriod.objects.create(
        campaign=other,
        name="外届第1期",
        starts_on=datetime.date(2015, 1, 1),
        ends_on=datetime.date(2015, 3, 31),
        due_on=datetime.date(2015, 4, 10),
    )
    make_report(world, world.a1, cast["reporter_a"])
    staff = _staff(cast["reporter_a"], "view_progressreport")
    client.force_login(staff)
    response = client.get(reverse("admin:reporting_progressreport_changelist"))
    names = {
        str(value)
        for spec in response.context["cl"].filter_specs
        for value in getattr(spec, "lookup_choices", [])
    }
    assert world.q1.name in names
    assert "外届第1期" not in names
    assert "另一届活动" not in response.content.decode()
