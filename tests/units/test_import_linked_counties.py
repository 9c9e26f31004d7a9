"""The city federation's departments' 挂钩 counties imported and exported through the admin
(issue 13 item 4, "健全完善挂钩联系"): 部室 | 挂钩县（市、区）."""

import io

import openpyxl
import pytest

from tests.spreadsheet_files import (
    csv_bytes,
    errors_of,
    export_through_admin,
    import_through_admin,
    post_preview,
    xlsx_bytes,
)
from units.models import Organisation
from units.resources import LinkedCountiesResource

pytestmark = pytest.mark.django_db

HEADERS = ["部室", "挂钩县（市、区）"]
RESOURCE = 2  # OrganisationAdmin.resource_classes: organisations, departments, 挂钩


def linked(name: str) -> list[str]:
    return sorted(Organisation.objects.get(name=name).linked_counties.values_list("name", flat=True))


def test_several_counties_in_one_cell_or_one_a_row_are_both_linked(admin_client, campaign_2014):
    rows = [
        HEADERS,
        ["宣传部", "晋江市妇联、石狮市妇联，南安市"],
        ["发展部", "惠安县妇联"],
        ["发展部", "安溪县"],
        ["发展部", "台商投资区"],
    ]

    _preview, confirm = import_through_admin(
        admin_client, "organisation", xlsx_bytes(rows), "挂钩.xlsx", resource=RESOURCE
    )

    assert confirm.status_code == 302
    assert linked("宣传部") == sorted(["晋江市妇联", "石狮市妇联", "南安市妇联"])
    assert linked("发展部") == sorted(["惠安县妇联", "安溪县妇联", "台商投资区妇工委"])
    assert linked("权益部") == []


def test_the_import_replaces_a_departments_counties_and_leaves_others_alone(admin_client, campaign_2014):
    publicity = Organisation.objects.get(name="宣传部")
    publicity.linked_counties.set(Organisation.objects.filter(name__in=["鲤城区妇联", "丰泽区妇联"]))
    Organisation.objects.get(name="权益部").linked_counties.set(
        Organisation.objects.filter(name="德化县妇联")
    )

    import_through_admin(
        admin_client,
        "organisation",
        csv_bytes([HEADERS, ["宣传部", "丰泽区妇联"]]),
        "挂钩.csv",
        resource=RESOURCE,
    )

    assert linked("宣传部") == ["丰泽区妇联"]
    assert linked("权益部") == ["德化县妇联"]
    last = publicity.history.order_by("-history_id").first()
    assert last.history_user.username == "city_admin"


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (["宣传部", "晋江县妇联"], ["第 2 行", "不是", "挂钩县（市、区）", "晋江县妇联"]),
        (["晋江市妇联", "石狮市妇联"], ["第 2 行", "不是", "晋江市妇联", "部室"]),
        (["宣传科", "石狮市妇联"], ["第 2 行", "不是", "宣传科"]),
        (["宣传部", "市妇女儿童活动中心"], ["第 2 行", "不是", "挂钩县（市、区）", "市妇女儿童活动中心"]),
    ],
    ids=["unknown county", "not a department", "unknown department", "not linkable"],
)
def test_a_bad_row_is_refused_in_chinese_naming_row_column_and_value_and_nothing_is_written(
    admin_client, campaign_2014, row, words
):
    rows = [HEADERS, row, ["发展部", "惠安县妇联"]]

    preview = post_preview(admin_client, "organisation", xlsx_bytes(rows), resource=RESOURCE)

    errors = errors_of(preview)
    assert preview.context.get("confirm_form") is None
    assert any(all(word in error for word in words) for error in errors), errors
    assert linked("发展部") == []


def test_the_export_imports_back_with_no_change(admin_client, campaign_2014):
    Organisation.objects.get(name="宣传部").linked_counties.set(
        Organisation.objects.filter(name__in=["晋江市妇联", "鲤城区妇联"])
    )

    response = export_through_admin(admin_client, "organisation", LinkedCountiesResource, resource=RESOURCE)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADERS
    assert ["宣传部", "鲤城区妇联、晋江市妇联"] in rows
    assert {row[0] for row in rows[1:]} == set(
        Organisation.objects.filter(kind="department").values_list("name", flat=True)
    )
    preview = post_preview(admin_client, "organisation", response.content, resource=RESOURCE)
    assert errors_of(preview) == []
    assert {row.import_type for row in preview.context["result"].rows} == {"skip"}


def test_only_city_administrators_import_links(client, campaign_2014):
    from tests.cast import user

    county = Organisation.objects.get(name="晋江市妇联")
    client.force_login(user("jj", county, "federation_admin", is_staff=True))

    preview = post_preview(
        client, "organisation", xlsx_bytes([HEADERS, ["宣传部", "晋江市妇联"]]), resource=RESOURCE
    )

    assert preview.status_code == 403
    assert linked("宣传部") == []
