"""Rows that contradict themselves (issue 11, item 4): a 序号 with another project's title."""

import pytest
from django.urls import reverse

from projects.models import Assignment, FeatureProject
from tests.spreadsheet_files import (
    FLAT_HEADERS,
    PROJECT_HEADERS,
    errors_of,
    flat_row,
    import_through_admin,
    post_confirm,
    post_preview,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def test_a_number_with_the_title_of_another_project_is_refused_naming_both(admin_client, campaign_2014):
    other = FeatureProject.objects.get(campaign__year=2014, number=2).title
    own = FeatureProject.objects.get(campaign__year=2014, number=7).title
    row = flat_row(number=7)
    row[2] = other
    before = list(Assignment.objects.values_list("pk", "target"))

    response = post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, row]))

    errors = errors_of(response)
    assert any("第 2 行" in e and "特色项目内容" in e and other[:10] in e and own[:10] in e for e in errors)
    assert list(Assignment.objects.values_list("pk", "target")) == before


def test_the_own_title_written_with_other_spaces_is_accepted(admin_client, campaign_2014):
    row = flat_row(number=7)
    row[2] = " ".join(FeatureProject.objects.get(campaign__year=2014, number=7).title)

    response = post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, row]))

    assert errors_of(response) == []


def test_a_unit_not_responsible_for_the_project_is_refused_unless_asked(admin_client, campaign_2014):
    project = FeatureProject.objects.get(campaign__year=2014, number=8)
    data = xlsx_bytes([FLAT_HEADERS, flat_row(number=8, unit="晋江市妇联")])

    refused = post_preview(admin_client, "assignment", data)
    accepted = post_preview(admin_client, "assignment", data, options={"add_units": "on"})

    errors = errors_of(refused)
    assert any(
        "第 2 行" in e and "责任单位" in e and "晋江市妇联" in e and project.title in e for e in errors
    )
    assert refused.context.get("confirm_form") is None
    assert errors_of(accepted) == []
    assert not project.responsible_units.filter(name="晋江市妇联").exists()  # a preview writes nothing


def test_the_choice_to_add_units_is_kept_by_the_confirm_step(admin_client, campaign_2014):
    data = xlsx_bytes([FLAT_HEADERS, flat_row(number=8, unit="晋江市妇联")])

    _preview, confirm = import_through_admin(admin_client, "assignment", data, options={"add_units": "on"})

    assert confirm.status_code == 302
    assert Assignment.objects.filter(project__number=8, unit__name="晋江市妇联").exists()


@pytest.mark.parametrize("model", ["assignment", "featureproject"])
def test_a_department_as_responsible_unit_is_refused_by_name(admin_client, campaign_2014, model):
    project = FeatureProject.objects.get(campaign__year=2014, number=8)
    if model == "assignment":
        data = xlsx_bytes([FLAT_HEADERS, flat_row(number=8, unit="宣传部")])
    else:
        data = xlsx_bytes([PROJECT_HEADERS, [2014, 8, project.title, project.goal, "宣传部", "权益部"]])
    before = list(Assignment.objects.values_list("pk", flat=True))

    response = post_preview(admin_client, model, data, options={"add_units": "on"})

    errors = errors_of(response)
    assert any("第 2 行" in e and "责任单位" in e and "“宣传部”" in e and "部室" in e for e in errors), errors
    assert not any("instance" in e or "id" in e.split() for e in errors)
    assert list(Assignment.objects.values_list("pk", flat=True)) == before


def _someone_saves_the_plan_meanwhile(target: str) -> Assignment:
    """Another city administrator (张敏) changes the plan of (2014, 7, 晋江市妇联) through its writer."""
    from django.contrib.auth.models import User

    from reporting import services

    other = User.objects.create_superuser("zhangmin", "z@example.com", "pw", first_name="张敏")
    assignment = Assignment.objects.get(
        project__campaign__year=2014, project__number=7, unit__name="晋江市妇联"
    )
    milestones, indicators = services.plan_rows(assignment)
    services.plan_update(
        assignment=assignment,
        actor=other,
        version=None,
        **{**services.plan_fields(assignment), "target": target},
        milestones=milestones,
        indicators=indicators,
    )
    return assignment


def test_a_row_changed_after_the_preview_is_refused_at_confirm_naming_who(admin_client, campaign_2014):
    preview = post_preview(
        admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(target="文件里的目标")])
    )
    assignment = _someone_saves_the_plan_meanwhile("张敏刚改的目标")

    confirm = post_confirm(admin_client, "assignment", preview)

    assignment.refresh_from_db()
    assert assignment.target == "张敏刚改的目标"  # not overwritten by the file's older value
    errors = errors_of(confirm)
    assert any("第 2 行" in e and "张敏" in e and "预览" in e for e in errors), errors


def test_an_unchanged_row_confirms_as_previewed(admin_client, campaign_2014):
    _preview, confirm = import_through_admin(
        admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(target="文件里的目标")])
    )

    assert confirm.status_code == 302
    assert Assignment.objects.get(project__number=7, unit__name="晋江市妇联").target == "文件里的目标"


def test_a_tampered_preview_record_is_not_accepted(admin_client, campaign_2014):
    preview = post_preview(
        admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row(target="文件里的目标")])
    )
    data = {**preview.context["confirm_form"].initial, "seen": "{}"}

    admin_client.post(reverse("admin:projects_assignment_process_import"), data)

    assert Assignment.objects.get(project__number=7, unit__name="晋江市妇联").target != "文件里的目标"
