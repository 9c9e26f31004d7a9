"""The flat 四定 table is read and written in bulk (issue 11, item 9): a preview and a confirm take
the same number of queries for N and for 2N rows, the rules of ``plan_update`` still refuse rows
(nothing written), the history rows name the importing user, and the preview opens with the counts
(新增 N、修改 M、未变 K、错误 E) and lists only the rows that change something."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Assignment, FeatureProject, Indicator, Milestone
from quanzhou_women.lib import importing
from tests.spreadsheet_files import FLAT_HEADERS, errors_of, flat_row, post_confirm, post_preview, xlsx_bytes
from units.models import Organisation

pytestmark = pytest.mark.django_db

ADD_UNITS = {"add_units": "on"}


@pytest.fixture
def towns(campaign_2014) -> list[Organisation]:
    """Forty township federations that carry no project yet."""
    return [
        Organisation.objects.create(name=f"第{i}街道妇联", kind=Organisation.Kind.TOWNSHIP_FEDERATION)
        for i in range(40)
    ]


def _table(towns: list[Organisation], rows: int) -> bytes:
    """``rows`` rows: the stored assignments of 2014 with a new target (changed rows), then new
    responsibilities of the township federations for projects 1 to 10 (new rows)."""
    table = [FLAT_HEADERS]
    stored = list(Assignment.objects.select_related("project", "unit").order_by("pk")[: rows // 2])
    for assignment in stored:
        table.append(flat_row(number=assignment.project.number, unit=assignment.unit.name, target="新目标"))
    for i in range(rows - len(stored)):
        table.append(flat_row(number=1 + i % 10, unit=towns[i // 10].name, target="新单位目标"))
    return xlsx_bytes(table)


def _preview_queries(client, data: bytes) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = post_preview(client, "assignment", data, options=ADD_UNITS)
    assert errors_of(response) == []
    return len(queries), response


def test_the_preview_of_n_and_2n_rows_takes_the_same_queries(admin_client, towns):
    small, _response = _preview_queries(admin_client, _table(towns, 20))
    large, _response = _preview_queries(admin_client, _table(towns, 40))

    assert small == large
    assert large < 40  # not one query per row


def test_the_confirm_of_n_and_2n_rows_takes_the_same_queries_and_writes_every_row(admin_client, towns):
    counts = []
    for rows in (20, 40):
        Assignment.objects.filter(unit__in=towns).delete()
        _count, preview = _preview_queries(admin_client, _table(towns, rows))
        ContentType.objects.clear_cache()  # the admin log's content type: read in both runs
        with CaptureQueriesContext(connection) as queries:
            confirm = post_confirm(admin_client, "assignment", preview)
        assert confirm.status_code == 302, errors_of(confirm)
        counts.append(len(queries))
        assert Assignment.objects.filter(unit__in=towns).count() == rows - rows // 2

    assert counts[0] == counts[1]
    assert Assignment.objects.filter(target="新目标").count() == 20


def test_bulk_writes_keep_history_with_the_importing_user_and_move_the_version_on(
    admin_client, towns, city_admin
):
    stored = Assignment.objects.order_by("pk").first()
    version = stored.version
    _count, preview = _preview_queries(admin_client, _table(towns, 4))

    post_confirm(admin_client, "assignment", preview)

    stored.refresh_from_db()
    assert stored.target == "新目标"
    assert stored.version != version  # a form opened before the import is refused
    last = stored.history.order_by("-history_id").first()
    assert (last.history_type, last.history_user, last.target) == ("~", city_admin, "新目标")
    assert last.history_change_reason == "由表格导入"
    created = Assignment.objects.get(unit=towns[0], project__number=1)
    first = created.history.get()
    assert (first.history_type, first.history_user) == ("+", city_admin)


def test_a_step_due_after_the_new_deadline_refuses_the_row_and_nothing_is_written(
    admin_client, campaign_2014
):
    assignment = Assignment.objects.select_related("project", "unit").order_by("pk").first()
    Milestone.objects.create(assignment=assignment, order=1, title="验收", due_on=datetime.date(2014, 12, 1))
    other = Assignment.objects.select_related("project", "unit").order_by("pk")[1]
    data = xlsx_bytes(
        [
            FLAT_HEADERS,
            flat_row(number=other.project.number, unit=other.unit.name, target="另一个目标"),
            flat_row(number=assignment.project.number, unit=assignment.unit.name, deadline="2014-11-01"),
        ]
    )

    response = post_preview(admin_client, "assignment", data)

    errors = errors_of(response)
    assert any("第 3 行" in e and "步骤 1" in e for e in errors), errors
    assert response.context.get("confirm_form") is None
    assert "错误 1" in response.context["import_counts"]
    assert not Assignment.objects.filter(target="另一个目标").exists()


def test_the_preview_opens_with_the_counts_and_shows_only_rows_that_change(admin_client, campaign_2014):
    first, second = Assignment.objects.select_related("project", "unit").order_by("pk")[:2]
    unchanged = flat_row(
        number=second.project.number,
        unit=second.unit.name,
        target=second.target,
        deadline=second.deadline.isoformat() if second.deadline else "",
        person=second.responsible_person,
        phone=second.responsible_person_phone,
    )
    unchanged[7] = second.responsible_person_position
    new_project = FeatureProject.objects.get(campaign__year=2014, number=8)
    data = xlsx_bytes(
        [
            FLAT_HEADERS,
            flat_row(number=first.project.number, unit=first.unit.name, target="改过的目标"),
            unchanged,
            flat_row(number=new_project.number, unit="晋江市妇联"),
        ]
    )

    response = post_preview(admin_client, "assignment", data, options=ADD_UNITS)

    assert errors_of(response) == []
    page = response.content.decode()
    assert "新增 1、修改 1、未变 1、错误 0" in page
    assert page.index("新增 1、修改 1") < page.index("确认导入")  # the counts come first
    shown = [row for page_ in response.context["preview_pages"] for row in page_["rows"]]
    assert [row.import_type for row in shown] == ["update", "new"]
    assert [row.import_type for row in response.context["unchanged_rows"]] == ["skip"]
    changed_at = page.index("改过的目标")
    assert page.index('id="preview-page-1"') < changed_at < page.index("<details")  # on the first page
    assert "<details" in page and "显示未变的行（1 行）" in page


def test_a_long_preview_is_paged(admin_client, towns, monkeypatch):
    monkeypatch.setattr(importing, "PREVIEW_PAGE_ROWS", 3)

    _count, response = _preview_queries(admin_client, _table(towns, 8))

    pages = response.context["preview_pages"]
    assert [(p["first"], p["last"], len(p["rows"])) for p in pages] == [(1, 3, 3), (4, 6, 3), (7, 8, 2)]
    page = response.content.decode()
    assert 'href="#preview-page-3"' in page and 'id="preview-page-3"' in page
    assert "第 3 页（第 7–8 条）" in page


STEP_HEADERS = ["年度", "序号", "责任单位", "步骤序号", "步骤", "完成时限"]


def _steps_table(assignments: list[Assignment], per_plan: int) -> bytes:
    """``per_plan`` new steps for each of ``assignments``."""
    table = [STEP_HEADERS]
    for assignment in assignments:
        for order in range(1, per_plan + 1):
            table.append([2014, assignment.project.number, assignment.unit.name, order, f"步骤{order}", ""])
    return xlsx_bytes(table)


def test_a_steps_import_takes_the_same_queries_for_more_plans_and_more_steps_a_plan(
    admin_client, campaign_2014
):
    """The lookups, the checks of ``plan_update`` and the writes are made once per file
    (``plan_parts_save_many``): 3 plans of 2 new steps and 6 plans of 4 take the same queries, the
    new steps and their history rows one ``INSERT`` each; every step is stored with its history."""
    assignments = list(Assignment.objects.select_related("project", "unit").order_by("pk")[:6])
    counts = []
    for plans, per_plan in ((3, 2), (6, 4)):
        Milestone.objects.all().delete()
        preview = post_preview(admin_client, "milestone", _steps_table(assignments[:plans], per_plan))
        assert errors_of(preview) == []
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            confirm = post_confirm(admin_client, "milestone", preview)
        assert confirm.status_code == 302, errors_of(confirm)
        inserts = [
            q
            for q in queries
            if q["sql"].startswith(
                ('INSERT INTO "projects_milestone"', 'INSERT INTO "projects_historicalmilestone"')
            )
        ]
        counts.append((len(queries), len(inserts)))
        assert Milestone.objects.count() == plans * per_plan
        assert Milestone.history.filter(history_type="+").count() >= plans * per_plan

    assert counts[0] == counts[1]
    assert counts[0][1] == 2


def test_an_indicators_import_takes_the_same_queries_for_more_plans_and_more_indicators_a_plan(
    admin_client, campaign_2014
):
    """The indicators import runs the same bulk path as the steps (``plan_parts_save_many``): 3
    plans of 2 new indicators and 6 plans of 4 take the same queries; every indicator is stored."""
    assignments = list(Assignment.objects.select_related("project", "unit").order_by("pk")[:6])
    counts = []
    for plans, per_plan in ((3, 2), (6, 4)):
        Indicator.objects.all().delete()
        table = [["年度", "序号", "责任单位", "指标", "目标值", "计量单位"]]
        for assignment in assignments[:plans]:
            for number in range(1, per_plan + 1):
                table.append(
                    [2014, assignment.project.number, assignment.unit.name, f"指标{number}", number, "个"]
                )
        preview = post_preview(admin_client, "indicator", xlsx_bytes(table))
        assert errors_of(preview) == []
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            confirm = post_confirm(admin_client, "indicator", preview)
        assert confirm.status_code == 302, errors_of(confirm)
        counts.append(len(queries))
        assert Indicator.objects.count() == plans * per_plan

    assert counts[0] == counts[1]


def test_a_steps_import_moves_each_changed_plans_version_on_and_leaves_unchanged_steps_alone(
    admin_client, campaign_2014
):
    """A step whose row changes gets a history row by the importing user; a step the file repeats
    as stored gets none; the plan's version moves on, so that a form opened before is refused."""
    assignment = Assignment.objects.select_related("project", "unit").order_by("pk").first()
    kept = Milestone.objects.create(assignment=assignment, order=1, title="摸底")
    changed = Milestone.objects.create(assignment=assignment, order=2, title="培训")
    version = Assignment.objects.get(pk=assignment.pk).version
    table = [
        STEP_HEADERS,
        [2014, assignment.project.number, assignment.unit.name, 1, "摸底", ""],
        [2014, assignment.project.number, assignment.unit.name, 2, "集中培训", ""],
    ]

    preview = post_preview(admin_client, "milestone", xlsx_bytes(table))
    confirm = post_confirm(admin_client, "milestone", preview)

    assert confirm.status_code == 302, errors_of(confirm)
    changed.refresh_from_db()
    assert changed.title == "集中培训"
    assert changed.history.first().history_user.username == "city_admin"
    assert kept.history.count() == 1  # its creation only
    assert Assignment.objects.get(pk=assignment.pk).version != version


def test_a_refused_plan_in_a_steps_file_names_its_own_row_and_nothing_is_written(admin_client, campaign_2014):
    good, refused = Assignment.objects.select_related("project", "unit").order_by("pk")[:2]
    refused.deadline = datetime.date(2014, 6, 30)
    refused.save()
    table = [
        STEP_HEADERS,
        [2014, good.project.number, good.unit.name, 1, "摸底", ""],
        [2014, refused.project.number, refused.unit.name, 1, "摸底", "2014-03-31"],
        [2014, refused.project.number, refused.unit.name, 2, "总结", "2014-12-31"],
    ]

    response = post_preview(admin_client, "milestone", xlsx_bytes(table))

    errors = errors_of(response)
    assert len(errors) == 1 and "第 4 行" in errors[0] and "2014-12-31" in errors[0], errors
    assert not Milestone.objects.exists()
