"""Who may import and export: the model's change permission imports, its view permission exports,
and exports contain only the rows the admin's queryset lets the user see."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from projects.admin import FeatureProjectAdmin
from reporting.admin import AssignmentAdmin
from reporting.resources import AssignmentResource
from tests.spreadsheet_files import (
    FLAT_HEADERS,
    errors_of,
    export_through_admin,
    flat_row,
    post_preview,
    xlsx_bytes,
)
from units.models import Membership, Organisation

pytestmark = pytest.mark.django_db

MODELS = ["featureproject", "assignment", "milestone", "indicator"]


def staff_with(*codenames: str, role: str = Membership.Role.LEADER) -> User:
    """A member of the city federation with only the given permissions: by default of its
    leadership (sees everything, changes nothing)."""
    user = User.objects.create_user("staff", "staff@example.com", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    Membership.objects.create(user=user, organisation=Organisation.objects.get(name="泉州市妇联"), role=role)
    return user


@pytest.fixture
def viewer_client(client, campaign_2014):
    client.force_login(staff_with(*(f"view_{m}" for m in MODELS), "view_organisation"))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_staff_with_only_view_permission_gets_403_on_import_and_confirm(viewer_client, campaign_2014, model):
    assert viewer_client.get(reverse(f"admin:projects_{model}_import")).status_code == 403
    assert post_preview(viewer_client, model, xlsx_bytes([FLAT_HEADERS, flat_row()])).status_code == 403
    confirm = viewer_client.post(
        reverse(f"admin:projects_{model}_process_import"),
        {"import_file_name": "x", "original_file_name": "x.xlsx", "format": "0", "resource": "0"},
    )
    assert confirm.status_code == 403


def test_organisation_import_needs_the_change_permission_too(viewer_client, campaign_2014):
    assert viewer_client.get(reverse("admin:units_organisation_import")).status_code == 403


def test_staff_with_only_view_permission_can_export_and_download_the_overview_table(
    viewer_client, campaign_2014
):
    overview = viewer_client.get(reverse("admin:projects_featureproject_overview_table"))
    flat = export_through_admin(viewer_client, "assignment", AssignmentResource)

    assert overview.status_code == 200
    assert flat.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(flat.content)).active.max_row == 30  # header + 29 pairs


def test_city_staff_with_change_permission_can_preview_an_import(client, campaign_2014):
    client.force_login(staff_with("view_assignment", "change_assignment", role=Membership.Role.CITY_ADMIN))

    response = post_preview(client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row()]))

    assert response.status_code == 200
    assert response.context["confirm_form"] is not None


def test_a_leader_with_the_change_permission_still_changes_no_plan_by_import(client, campaign_2014):
    client.force_login(staff_with("view_assignment", "change_assignment"))

    response = post_preview(client, "assignment", xlsx_bytes([FLAT_HEADERS, flat_row()]))

    assert response.status_code == 403  # a leader may change no plan: no import at all


def test_staff_without_view_permission_cannot_export(client, campaign_2014):
    client.force_login(staff_with("view_organisation"))

    assert client.get(reverse("admin:projects_featureproject_overview_table")).status_code == 403
    assert client.get(reverse("admin:projects_assignment_export")).status_code == 403


def test_outsider_is_sent_to_the_login_page(client, outsider, campaign_2014):
    client.force_login(outsider)

    response = client.get(reverse("admin:projects_featureproject_overview_table"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_exports_follow_the_admins_queryset_so_its_scoping_applies(admin_client, campaign_2014, monkeypatch):
    """Stands in for the per-organisation scoping built in the admins' get_queryset."""
    original_projects = FeatureProjectAdmin.get_queryset
    original_assignments = AssignmentAdmin.get_queryset
    monkeypatch.setattr(
        FeatureProjectAdmin,
        "get_queryset",
        lambda self, request: original_projects(self, request).filter(number__in=[2, 7]),
    )
    monkeypatch.setattr(
        AssignmentAdmin,
        "get_queryset",
        lambda self, request: original_assignments(self, request).filter(unit__name="晋江市妇联"),
    )

    overview = openpyxl.load_workbook(
        io.BytesIO(admin_client.get(reverse("admin:projects_featureproject_overview_table")).content)
    ).active
    flat = openpyxl.load_workbook(
        io.BytesIO(export_through_admin(admin_client, "assignment", AssignmentResource).content)
    ).active

    assert [overview.cell(row, 1).value for row in range(4, overview.max_row + 1)] == [2, 7]
    assert {row[3] for row in flat.iter_rows(min_row=2, values_only=True)} == {"晋江市妇联"}
    assert flat.max_row == 1 + 3  # 晋江市妇联 carries projects 2, 3 and 7


def test_exports_follow_the_lists_search_and_filters(admin_client, campaign_2014):
    flat = export_through_admin(admin_client, "assignment", AssignmentResource, query="?q=石狮市妇联")

    rows = list(
        openpyxl.load_workbook(io.BytesIO(flat.content)).active.iter_rows(min_row=2, values_only=True)
    )
    assert {row[3] for row in rows} == {"石狮市妇联"}
    assert [row[1] for row in rows] == [8, 9]


def test_imports_cannot_change_rows_outside_the_admins_queryset(admin_client, campaign_2014, monkeypatch):
    """Stands in for the per-organisation scoping built in the admins' get_queryset."""
    from projects.models import Assignment

    original = AssignmentAdmin.get_queryset
    monkeypatch.setattr(
        AssignmentAdmin,
        "get_queryset",
        lambda self, request: original(self, request).filter(unit__name="晋江市妇联"),
    )
    rows = [FLAT_HEADERS, flat_row(target="本单位"), flat_row(number=1, unit="惠安县妇联", target="别的单位")]

    response = post_preview(admin_client, "assignment", xlsx_bytes(rows))

    assert response.context.get("confirm_form") is None
    assert any("第 3 行" in e and "惠安县妇联" in e for e in errors_of(response))
    assert not Assignment.objects.exclude(target="").exists()
