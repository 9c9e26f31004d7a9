"""Exports: the official 一览表 in its printed layout, the flat table, safe text cells, Chinese file names."""

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.models import Campaign, FeatureProject
from projects.overview_table import HEADERS, WIDTHS, write_overview_table
from projects.resources import FeatureProjectResource
from reporting.resources import AssignmentResource
from tests.spreadsheet_files import export_through_admin

pytestmark = pytest.mark.django_db

TITLE = "2014年泉州市妇联系统特色工作一览表"


def overview_sheet(client):
    response = client.get(reverse("admin:projects_featureproject_overview_table"))
    assert response.status_code == 200
    return response, openpyxl.load_workbook(io.BytesIO(response.content))


def test_overview_table_has_the_attachment_line_title_and_header_of_the_printed_table(
    admin_client, campaign_2014
):
    _response, book = overview_sheet(admin_client)
    sheet = book.active

    assert sheet["A1"].value == "附件"
    assert sheet["A2"].value == TITLE
    assert "A2:E2" in {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(3, c).value for c in range(1, 6)] == HEADERS
    assert [sheet.cell(3, c).value.replace("\n", "") for c in range(1, 6)][-1] == "市妇联联系部室"


def test_overview_table_has_one_row_per_project_with_units_one_per_line(admin_client, campaign_2014):
    _response, book = overview_sheet(admin_client)
    sheet = book.active

    assert [sheet.cell(row, 1).value for row in range(4, 14)] == list(range(1, 11))
    assert sheet["D5"].value == "丰泽区妇联\n泉港区妇联\n晋江市妇联\n台商投资区妇工委"
    assert sheet["E4"].value == "办公室\n儿童部"
    assert sheet["C4"].value == FeatureProject.objects.get(number=1).goal
    assert sheet.max_row == 13


def test_overview_table_prints_on_a4_landscape_one_page_wide_with_the_header_repeated(
    admin_client, campaign_2014
):
    _response, book = overview_sheet(admin_client)
    sheet = book.active

    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.freeze_panes == "A4"


def test_overview_table_uses_official_fonts_wrapped_text_thin_borders_and_fitted_rows(
    admin_client, campaign_2014
):
    _response, book = overview_sheet(admin_client)
    sheet = book.active

    assert sheet["A1"].font.name == "黑体"
    assert sheet["A2"].font.name == "宋体" and sheet["A2"].font.b
    assert {sheet.cell(3, c).font.name for c in range(1, 6)} == {"黑体"}
    assert {sheet.cell(r, c).font.name for r in range(4, 14) for c in range(1, 6)} == {"仿宋"}
    for row in range(3, 14):
        for column in range(1, 6):
            cell = sheet.cell(row, column)
            assert cell.alignment.wrap_text
            assert {
                cell.border.left.style,
                cell.border.right.style,
                cell.border.top.style,
                cell.border.bottom.style,
            } == {"thin"}
    assert [sheet.column_dimensions[c].width for c in "ABCDE"] == WIDTHS
    heights = {row: sheet.row_dimensions[row].height for row in range(4, 14)}
    assert heights[9 + 3] > heights[8 + 3]  # project 9's long goal takes more lines than project 8's
    assert all(height and height >= 4 * 12 for height in heights.values())  # four units need four lines


def test_overview_table_carries_document_properties(admin_client, campaign_2014):
    _response, book = overview_sheet(admin_client)

    assert book.properties.title == TITLE
    assert book.properties.creator == "泉州市妇联"
    assert "泉妇〔2013〕81号" in book.properties.subject


def test_overview_table_download_has_its_chinese_name_for_every_browser(admin_client, campaign_2014):
    response, _book = overview_sheet(admin_client)

    encoded = quote(TITLE + ".xlsx", safe="")
    assert (
        response["Content-Disposition"] == f"attachment; filename=\"{encoded}\"; filename*=UTF-8''{encoded}"
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_overview_table_follows_the_campaign_filter_of_the_list(admin_client, campaign_2014):
    campaign = Campaign.objects.get(year=2014)
    other = Campaign.objects.create(
        name="争六好、创特色",
        year=2015,
        document_number="泉妇〔2014〕1号",
        issuing_body=campaign.issuing_body,
    )
    FeatureProject.objects.create(campaign=other, number=1, title="新项目", goal="新目标")

    latest = admin_client.get(reverse("admin:projects_featureproject_overview_table"))
    chosen = admin_client.get(
        reverse("admin:projects_featureproject_overview_table") + f"?campaign__id__exact={campaign.pk}"
    )

    assert (
        openpyxl.load_workbook(io.BytesIO(latest.content)).active["A2"].value
        == "2015年泉州市妇联系统特色工作一览表"
    )
    assert openpyxl.load_workbook(io.BytesIO(chosen.content)).active.max_row == 13


def test_overview_table_list_page_offers_the_button(admin_client, campaign_2014):
    response = admin_client.get(reverse("admin:projects_featureproject_changelist"))

    assert reverse("admin:projects_featureproject_overview_table") in response.content.decode()
    assert "导出一览表" in response.content.decode()


def test_command_writes_the_same_table(campaign_2014, tmp_path):
    output = tmp_path / "一览表.xlsx"

    call_command("export_overview_table", "--campaign", "2014", "--output", str(output), stdout=io.StringIO())

    sheet = openpyxl.load_workbook(output).active
    assert sheet["A2"].value == TITLE
    assert sheet.max_row == 13


def test_overview_table_is_built_in_four_queries(campaign_2014, django_assert_num_queries):
    campaign = Campaign.objects.select_related("issuing_body").get(year=2014)
    projects = FeatureProject.objects.filter(campaign=campaign)

    # 1 projects, 2 their responsible units, 3 their liaison departments.
    with django_assert_num_queries(3):
        write_overview_table(campaign, projects)


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://example.invalid","点击查看")',
        "+3个社区新增试点",
        "-已完成摸底排查",
        "@各责任单位",
        "\t缩进的目标",
        "\r回车开头的目标",
        "=1+1",
    ],
)
def test_formula_like_text_is_exported_as_a_text_cell_with_its_characters_unchanged(
    admin_client, campaign_2014, text
):
    FeatureProject.objects.filter(number=7).update(goal=text, title=text[:50])
    _response, book = overview_sheet(admin_client)
    cell = book.active["C10"]

    assert cell.data_type == "s"
    stored = cell.value.replace("_x000D_", "\r")  # OOXML's escape of CR, which Excel shows as CR
    assert stored == text
    assert book.active["B10"].data_type == "s"


def test_formula_like_text_in_the_flat_export_is_text_too(admin_client, campaign_2014):
    from projects.models import Assignment

    Assignment.objects.filter(project__number=7).update(
        target="=SUM(A1:A3)", responsible_person_phone="+86 13800000000"
    )
    response = export_through_admin(admin_client, "assignment", AssignmentResource)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = {(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row}

    assert ("=SUM(A1:A3)", "s") in values
    assert ("+86 13800000000", "s") in values


def test_control_characters_pasted_from_word_never_break_an_export(admin_client, campaign_2014):
    FeatureProject.objects.filter(number=7).update(
        goal="第一段\x0b第二段\x07结束\x1b"
    )  # PostgreSQL stores no NUL

    _response, book = overview_sheet(admin_client)
    flat = export_through_admin(admin_client, "featureproject", FeatureProjectResource)

    assert book.active["C10"].value == "第一段\n第二段结束"
    assert flat.status_code == 200
    assert "第一段\n第二段结束" in [
        c.value for c in openpyxl.load_workbook(io.BytesIO(flat.content)).active["D"]
    ]


def test_flat_table_download_has_a_chinese_name(admin_client, campaign_2014):
    response = export_through_admin(admin_client, "assignment", AssignmentResource)

    assert response.status_code == 200
    assert (
        "filename*=UTF-8''%E8%B4%A3%E4%BB%BB%E5%8D%95%E4%BD%8D%E5%9B%9B%E5%AE%9A-"
        in response["Content-Disposition"]
    )  # 责任单位四定-<date>.xlsx
    headers = [c.value for c in openpyxl.load_workbook(io.BytesIO(response.content)).active[1]]
    assert headers == [
        "年度",
        "序号",
        "特色项目内容",
        "责任单位",
        "定目标",
        "定时限",
        "责任人",
        "职务",
        "联系电话",
    ]


@pytest.mark.parametrize(
    ("resource_class", "queries"),
    [
        # 1 assignments with their project, campaign and unit
        (AssignmentResource, 1),
        # 1 count (django-import-export pages a prefetching queryset), 2 projects with their
        # campaign, 3 responsible units, 4 liaison departments
        (FeatureProjectResource, 4),
    ],
)
def test_flat_exports_take_a_fixed_number_of_queries(
    campaign_2014, django_assert_num_queries, resource_class, queries
):
    model = resource_class._meta.model
    with django_assert_num_queries(queries):
        dataset = resource_class().export(queryset=model.objects.all())
    assert len(dataset) == model.objects.count()


def test_step_and_indicator_exports_take_one_query(campaign_2014, django_assert_num_queries):
    from projects.models import Assignment, Indicator, Milestone
    from reporting.resources import IndicatorResource, MilestoneResource

    for assignment in Assignment.objects.all()[:5]:
        Milestone.objects.create(assignment=assignment, order=1, title="摸底")
        Indicator.objects.create(assignment=assignment, name="试点", target_value=2)

    # 1 steps (or indicators) with assignment, project, campaign and unit
    with django_assert_num_queries(1):
        MilestoneResource().export(queryset=Milestone.objects.all())
    with django_assert_num_queries(1):
        IndicatorResource().export(queryset=Indicator.objects.all())
