"""Organisations and the city federation's departments imported and exported through the admin."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission, User

from tests.spreadsheet_files import (
    csv_bytes,
    errors_of,
    export_through_admin,
    import_through_admin,
    post_preview,
    row_types,
    xlsx_bytes,
)
from units.models import Membership, Organisation
from units.resources import DepartmentResource, OrganisationResource

pytestmark = pytest.mark.django_db

HEADERS = ["名称", "类别", "上级单位", "联系部室", "排序"]


def test_organisations_export_imports_back_with_no_change(admin_client, campaign_2014):
    data = export_through_admin(admin_client, "organisation", OrganisationResource).content

    preview = post_preview(admin_client, "organisation", data)

    assert errors_of(preview) == []
    assert row_types(preview) == ["skip"] * Organisation.objects.count()


def test_township_federations_are_added_under_their_county(admin_client, campaign_2014):
    rows = [
        HEADERS,
        ["青阳街道妇联", "乡镇（街道）妇联", "晋江市妇联", "否", 200],
        ["梅岭街道妇联", "乡镇(街道)妇联", "晋江市妇联", "", ""],
    ]

    preview, _confirm = import_through_admin(
        admin_client, "organisation", csv_bytes(rows, encoding="gbk"), "单位.csv"
    )

    assert row_types(preview) == ["new", "new"]
    qingyang = Organisation.objects.get(name="青阳街道妇联")
    assert (qingyang.kind, qingyang.parent.name, qingyang.is_liaison, qingyang.display_order) == (
        Organisation.Kind.TOWNSHIP_FEDERATION,
        "晋江市妇联",
        False,
        200,
    )
    assert Organisation.objects.get(name="梅岭街道妇联").display_order == 1000


def test_a_name_differing_from_a_registered_one_only_in_width_or_spaces_is_not_registered_twice(
    admin_client, campaign_2014
):
    rows = [
        HEADERS,
        ["晋江市妇联 ", "县级妇联", "泉州市妇联", "否", 6],
        ["台商投资区妇工委　", "妇工委", "泉州市妇联", "否", 12],
    ]
    rows.append(["市直机关妇工委(筹)", "妇工委", "", "否", 1])
    Organisation.objects.create(name="市直机关妇工委（筹）", kind="working_committee")

    errors = errors_of(post_preview(admin_client, "organisation", xlsx_bytes(rows)))

    assert any("第 4 行" in e and "市直机关妇工委（筹）" in e for e in errors), errors
    assert not Organisation.objects.filter(name="市直机关妇工委(筹)").exists()


def test_an_unknown_kind_or_parent_is_refused_naming_row_and_value(admin_client, campaign_2014):
    rows = [
        HEADERS,
        ["青阳街道妇联", "街道", "晋江市妇联", "否", 1],
        ["梅岭街道妇联", "乡镇（街道）妇联", "晋江妇联", "否", 1],
    ]

    errors = errors_of(post_preview(admin_client, "organisation", xlsx_bytes(rows)))

    assert any("第 2 行" in e and "类别" in e and "街道" in e for e in errors), errors
    assert any("第 3 行" in e and "上级单位" in e and "晋江妇联" in e for e in errors), errors
    assert not Organisation.objects.filter(name__endswith="街道妇联").exists()


def test_departments_are_imported_as_liaison_bodies_of_the_city_federation(admin_client, campaign_2014):
    rows = [["部室", "排序"], ["组织部", 15], ["宣传部", 11]]

    preview, _confirm = import_through_admin(admin_client, "organisation", xlsx_bytes(rows), resource=1)

    department = Organisation.objects.get(name="组织部")
    assert row_types(preview) == ["new", "skip"]
    assert (department.kind, department.is_liaison, department.parent.name) == (
        "department",
        True,
        "泉州市妇联",
    )


def test_a_county_federation_cannot_be_imported_as_a_department(admin_client, campaign_2014):
    errors = errors_of(
        post_preview(
            admin_client, "organisation", xlsx_bytes([["名称", "排序"], ["晋江市妇联", 1]]), resource=1
        )
    )

    assert any("晋江市妇联" in e and "部室" in e for e in errors), errors


def test_department_export_lists_only_departments(admin_client, campaign_2014):
    response = export_through_admin(admin_client, "organisation", DepartmentResource, resource=1)

    names = [
        row[0]
        for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert names == list(Organisation.objects.filter(kind="department").values_list("name", flat=True))
    assert "办公室" in names and "晋江市妇联" not in names


def test_a_unit_reporter_with_import_rights_cannot_add_organisations(client, campaign_2014):
    reporter = User.objects.create_user("reporter", "r@example.com", "pw", is_staff=True)
    reporter.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_organisation", "change_organisation", "add_organisation"]
        )
    )
    Membership.objects.create(
        user=reporter, organisation=Organisation.objects.get(name="晋江市妇联"), role=Membership.Role.REPORTER
    )
    client.force_login(reporter)

    preview = post_preview(
        client,
        "organisation",
        csv_bytes([HEADERS, ["青阳街道妇联", "乡镇（街道）妇联", "晋江市妇联", "否", 200]]),
    )

    assert preview.status_code == 403  # a unit may change no organisation: no import at all
    assert not Organisation.objects.filter(name="青阳街道妇联").exists()
