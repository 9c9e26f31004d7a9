"""A new round started from 2014, and a closed round refusing writes (issue 12, items 1 and 6)."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from projects.models import Assignment, Campaign, Indicator, Milestone, ProjectLiaison
from reporting import services
from reporting.models import Plan, PlanStatus
from reporting.rounds import round_close, round_preview, round_start
from tests.cast import user
from units.roles import Role

NEW = {"year": 2015, "name": "2015年争六好、创特色", "document_number": "泉妇〔2014〕1号"}


@pytest.fixture
def admin_and_2014(db):
    call_command("load_campaign_2014", verbosity=0)
    source = Campaign.objects.get(year=2014)
    return user("round_admin", source.issuing_body, Role.CITY_ADMIN, is_staff=True), source


def test_a_2015_round_from_2014_in_one_step(admin_and_2014):
    admin, source = admin_and_2014
    preview = round_preview(source=source)
    new = round_start(
        source=source, year=2015, name="2015年争六好、创特色", document_number="泉妇〔2014〕1号", actor=admin
    )
    assert (preview.projects, preview.assignments) == (10, 29)
    assert new.projects.count() == 10
    assert Assignment.objects.filter(project__campaign=new).count() == 29
    assert ProjectLiaison.objects.filter(project__campaign=new).count() == preview.liaison_links
    assert new.history.earliest().history_change_reason == "复制自2014年"


def test_a_closed_round_refuses_changes(admin_and_2014):
    admin, source = admin_and_2014
    round_close(campaign=source, actor=admin)
    assert not Assignment.objects.restrict(admin, "change").filter(project__campaign=source).exists()
    with pytest.raises(PermissionDenied):
        round_close(campaign=source, actor=admin)


def _fill_plan(assignment: Assignment, admin) -> None:
    """Give a 2014 assignment its 四定: a deadline, two steps and an indicator, confirmed."""
    services.plan_update(
        assignment=assignment,
        actor=admin,
        version=None,
        target="建成巾帼示范基地",
        deadline=datetime.date(2014, 12, 31),
        responsible_person="林主任",
        responsible_person_position="主席",
        responsible_person_phone="0595-22222222",
        milestones=[
            services.MilestoneRow(None, 1, "调研选点", datetime.date(2014, 3, 31)),
            services.MilestoneRow(None, 2, "挂牌运行", datetime.date(2014, 11, 30)),
        ],
        indicators=[services.IndicatorRow(None, "培训人次", Decimal("300"), "人次")],
    )
    services.plan_submit(assignment=assignment, actor=admin)
    services.plan_confirm(assignment=assignment, actor=admin)


def test_without_copying_the_four_fixes_the_new_plans_are_empty(admin_and_2014):
    admin, source = admin_and_2014
    old = source.projects.get(number=1).assignments.first()
    _fill_plan(old, admin)
    new = round_start(source=source, actor=admin, **NEW)
    assignments = Assignment.objects.filter(project__campaign=new)
    assert assignments.count() == 29
    assert not Milestone.objects.filter(assignment__in=assignments).exists()
    assert not Indicator.objects.filter(assignment__in=assignments).exists()
    assert set(assignments.values_list("target", flat=True)) == {""}
    assert not Plan.objects.filter(assignment__in=assignments).exists()


def test_copied_four_fixes_are_drafts_a_year_later(admin_and_2014):
    admin, source = admin_and_2014
    old = source.projects.get(number=1).assignments.select_related("unit").first()
    _fill_plan(old, admin)
    preview = round_preview(source=source, copy_plans=True)
    new = round_start(source=source, actor=admin, copy_plans=True, **NEW)
    assert (preview.projects, preview.assignments, preview.steps, preview.indicators) == (10, 29, 2, 1)
    assert ProjectLiaison.objects.filter(project__campaign=new).count() == 12 == preview.liaison_links
    assert set(
        ProjectLiaison.objects.filter(project__campaign=new).values_list("project__number", "department")
    ) == set(
        ProjectLiaison.objects.filter(project__campaign=source).values_list("project__number", "department")
    )
    copied = Assignment.objects.get(project__campaign=new, project__number=1, unit=old.unit)
    assert (copied.target, copied.deadline, copied.responsible_person) == (
        "建成巾帼示范基地",
        datetime.date(2015, 12, 31),
        "林主任",
    )
    assert list(copied.milestones.values_list("order", "title", "due_on")) == [
        (1, "调研选点", datetime.date(2015, 3, 31)),
        (2, "挂牌运行", datetime.date(2015, 11, 30)),
    ]
    assert list(copied.indicators.values_list("name", "target_value", "unit_of_measure")) == [
        ("培训人次", Decimal("300"), "人次")
    ]
    assert copied.plan.status == PlanStatus.DRAFT  # the 2014 plan was confirmed; the copy is a draft
    assert not copied.plan.transitions.exists()
    assert Plan.objects.filter(assignment__project__campaign=new).count() == 1  # the other 28 were empty
    assert Plan.objects.get(assignment=old).status == PlanStatus.CONFIRMED  # the source is untouched
    assert new.history.earliest().history_change_reason == "复制自2014年"


def test_the_chosen_projects_units_and_departments_carry_over(admin_and_2014):
    admin, source = admin_and_2014
    project = next(p for p in source.projects.all() if p.assignments.count() > 1)
    kept_unit = project.assignments.first().unit
    choice = {
        "numbers": {project.number},
        "units": {project.number: [kept_unit]},
        "departments": {project.number: []},
    }
    preview = round_preview(source=source, **choice)
    new = round_start(source=source, actor=admin, **NEW, **choice)
    assert preview.projects == new.projects.count() == 1
    carried = new.projects.get()
    assert [a.unit for a in carried.assignments.all()] == [kept_unit] and preview.assignments == 1
    assert not carried.liaison_departments.exists() and preview.liaison_links == 0


def test_a_year_in_use_writes_nothing(admin_and_2014):
    admin, source = admin_and_2014
    with pytest.raises(ValidationError):
        round_start(source=source, actor=admin, **(NEW | {"year": 2014}))
    assert Campaign.objects.count() == 1
    assert Assignment.objects.count() == 29


def test_only_a_city_administrator_starts_a_round(admin_and_2014):
    _admin, source = admin_and_2014
    reporter = user("round_reporter", source.projects.first().assignments.first().unit, Role.REPORTER)
    with pytest.raises(PermissionDenied):
        round_start(source=source, actor=reporter, **NEW)
    assert Campaign.objects.count() == 1


def test_the_command_starts_a_round_and_previews(admin_and_2014):
    admin, _source = admin_and_2014
    args = ["start_round", "--from", "2014", "--year", "2015", "--document-number", "泉妇〔2014〕1号"]
    out = StringIO()
    call_command(*args, "--dry-run", "--actor", admin.username, stdout=out)
    assert "10" in out.getvalue() and "29" in out.getvalue() and "预览" in out.getvalue()
    assert not Campaign.objects.filter(year=2015).exists()
    out = StringIO()
    call_command(*args, "--projects", "1,2", "--copy-plans", "--actor", admin.username, stdout=out)
    new = Campaign.objects.get(year=2015)
    assert sorted(new.projects.values_list("number", flat=True)) == [1, 2]
    assert "已开启" in out.getvalue()
    with pytest.raises(CommandError, match="2015"):
        call_command(*args, "--actor", admin.username, stdout=StringIO())
    with pytest.raises(CommandError, match="11"):
        call_command(
            *args, "--year", "2016", "--projects", "1,11", "--actor", admin.username, stdout=StringIO()
        )
    with pytest.raises(CommandError, match="nobody"):
        call_command(*args, "--year", "2016", "--actor", "nobody", stdout=StringIO())
