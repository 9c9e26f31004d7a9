"""The 通报 of the 争六好 results (.docx, GB/T 9704-2012) and the 检查总结 pack (.docx + .xlsx),
issue 14 item 5: read back with python-docx and openpyxl — header, number, title, the attachment's
rows equal to the frozen ``sheet.rows``; the workbook's cells and print layout; the refusals before
审定 and 公布, and what a unit gets after publication (the published list, its own per-criterion
scores only). The example of ``test_results`` (``results_example``): unit A 87.5 (良好), unit B 22.5 (需改进)."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from assessments import services
from assessments.models import ResultSheet
from tests.cast import ROLES as CAST_ROLES
from units.models import Membership


@pytest.fixture
def example(results_example):
    return results_example


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(cast, role: str, format: str):
    return client_of(cast.users[role]).get(
        reverse("assessments:results"), {"campaign": cast.scheme.campaign_id, "format": format}
    )


def approved(cast) -> ResultSheet:
    return services.results_approve(actor=cast.users["leader"], scheme=cast.scheme)


def published(cast) -> ResultSheet:
    approved(cast)
    return services.results_publish(actor=cast.users["city_admin"], scheme=cast.scheme)


def docx_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    return Document(io.BytesIO(response.content))


def xlsx_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_bulletin_has_the_header_number_title_and_the_frozen_ranking(example):
    sheet = published(example)
    response = get(example, "reporter_b", "results_docx")
    document = docx_of(response)

    assert "%E8%80%83%E8%AF%84%E7%BB%93%E6%9E%9C%E9%80%9A%E6%8A%A5.docx" in response["Content-Disposition"]
    header = document.paragraphs[0]
    assert header.text == "泉州市妇联"  # the round's issuing body
    assert str(header.runs[0].font.color.rgb) == "FF0000"
    year = timezone.localdate(sheet.published_at).year
    number = next(p for p in document.paragraphs if "〔" in p.text and p.text.endswith("号"))
    assert number.text == f"泉妇〔{year}〕\u3000\u3000号"
    title = next(p for p in document.paragraphs if "通报" in p.text)
    assert title.text == "关于2014年度“争六好”\n考评结果的通报"
    assert title.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "下达了考评细则，共2项、80分，另有特色项目成效20分" in text
    assert "参加考评的2个单位中，先进单位0个、良好1个、合格0个、需改进1个。" in text
    assert "本年度没有单位达到“先进单位”等次。" in text
    assert "附件：2014年度“争六好”考评结果排名表" in text
    table = document.tables[0]  # then the 版记's
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["名次", "单位", "自评", "平时", "实地检查", "加分", "总分", "等次"]
    assert cells[1:] == [
        [
            str(r["rank"]),
            r["name"],
            r["self_part"],
            r["ordinary_part"],
            r["inspection_part"],
            r["bonus"],
            r["total"],
            r["grade"],
        ]
        for r in sheet.rows
    ]
    assert cells[1] == ["1", example.units["A"].name, "25.5", "22.5", "36.0", "3.5", "87.5", "良好"]


def test_the_advanced_units_are_named(example, settings):
    settings.ASSESSMENT_GRADES = [(85, "先进单位"), (0, "需改进")]
    published(example)
    text = "\n".join(p.text for p in docx_of(get(example, "leader", "results_docx")).paragraphs)

    assert f"评为“先进单位”的单位（1个）：{example.units['A'].name}。" in text


def test_the_summary_docx_names_every_grade(example):
    published(example)
    document = docx_of(get(example, "city_admin", "summary_docx"))
    text = "\n".join(p.text for p in document.paragraphs)

    assert "关于2014年度“争六好”\n考评检查情况的总结" in text
    assert f"评为“良好”的单位（1个）：{example.units['A'].name}。" in text
    assert f"评为“需改进”的单位（1个）：{example.units['B'].name}。" in text
    assert len(document.tables[0].rows) == 3


def test_the_summary_workbook_has_the_ranking_and_the_scores_by_criterion_in_a4_landscape(
    example,
):
    sheet = approved(example)
    book = xlsx_of(get(example, "leader", "summary_xlsx"))

    ranking, details = book.worksheets
    assert (ranking.title, details.title) == ("排名", "分项得分")
    assert ranking["A1"].value == "2014年度“争六好”考评结果排名表"
    assert [c.value for c in ranking[2]] == [
        "名次",
        "单位",
        "自评",
        "平时",
        "实地检查",
        "加分",
        "总分",
        "等次",
    ]
    assert [c.value for c in ranking[3]] == [1, example.units["A"].name, 25.5, 22.5, 36.0, 3.5, 87.5, "良好"]
    assert ranking.max_row == 2 + len(sheet.rows)
    for worksheet in (ranking, details):
        assert worksheet.page_setup.orientation == "landscape"
        assert str(worksheet.page_setup.paperSize) == worksheet.PAPERSIZE_A4
        assert worksheet.print_title_rows == "$2:$2"  # the header on every page
    assert [c.value for c in details[2]] == [
        "单位",
        "考评要素",
        "序号",
        "考评内容",
        "分值",
        "自评分",
        "检查分",
    ]
    rows = [[c.value for c in row] for row in details.iter_rows(min_row=3)]
    a = example.units["A"].name
    assert [(r[0], r[2], r[4], r[5], r[6]) for r in rows if r[0] == a] == [
        (a, 1, 40, 34, 36),
        (a, 2, 40, 34, 36),
    ]
    assert {r[0] for r in rows} == {a, example.units["B"].name}


def test_nothing_is_downloaded_before_approval_and_the_page_says_why(example):
    for role in ("leader", "city_admin", "reporter_a"):
        for format in ("results_docx", "summary_docx", "summary_xlsx"):
            response = get(example, role, format)
            assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
            assert "考评结果尚未审定，暂无可下载的文件。" in response.content.decode()
    page = client_of(example.users["leader"]).get(reverse("assessments:results")).content.decode()
    assert "format=results_docx" not in page


def test_approved_results_are_for_leaders_and_city_administrators_only(example):
    approved(example)
    for role in ("leader", "city_admin"):
        docx_of(get(example, role, "results_docx"))
        page = client_of(example.users[role]).get(reverse("assessments:results")).content.decode()
        assert "format=results_docx" in page and "format=summary_xlsx" in page
    for role in ("reporter_a", "reporter_b", "liaison_p"):
        response = get(example, role, "summary_xlsx")
        assert response["Content-Type"].startswith("text/html")
        body = response.content.decode()
        assert "考评结果尚未公布，暂无可下载的文件。" in body and "87.5" not in body
        assert "format=results_docx" not in body


def test_after_publication_a_unit_gets_the_list_and_only_its_own_scores_by_criterion(example):
    published(example)
    book = xlsx_of(get(example, "reporter_b", "summary_xlsx"))
    ranking, details = book.worksheets
    b = example.units["B"].name

    assert [ranking.cell(row=r, column=2).value for r in (3, 4)] == [example.units["A"].name, b]
    assert {row[0].value for row in details.iter_rows(min_row=3)} == {b}
    # 自评 submitted, not approved: its scores are shown; no inspection: no 检查分
    assert [(r[2].value, r[6].value) for r in details.iter_rows(min_row=3)] == [(1, None), (2, None)]
    liaison = xlsx_of(get(example, "liaison_p", "summary_xlsx")).worksheets[1]
    assert liaison.max_row == 2  # a department has no unit of its own among them


def test_a_user_without_a_role_gets_no_document(example):
    published(example)
    response = get(example, "nobody", "results_docx")
    assert response.status_code in {302, 403}
    assert response.get("Content-Type", "").startswith("text/html") or response.status_code == 302


def test_an_unknown_format_is_the_page(example):
    published(example)
    response = get(example, "reporter_a", "pdf")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


#: Who may download in each state of the sheet: city administrators (and the superuser) and leaders
#: from 审定 on; everybody else with a role once published; nobody before 审定.
EVERYTHING_ROLES = {"superuser", "city_admin", "leader"}
#: Who does not read the city's round at all: no role, inactive, and a township's reporter (it
#: reads its county's round, of its projects, not the city's).
OUTSIDE_THE_ROUND = {"nobody", "inactive", "township_reporter"}
ROLES = tuple(role for role in CAST_ROLES if role != "anonymous")  # every user of the cast


@pytest.mark.parametrize("state", ["computed", "approved", "published"])
def test_every_role_of_the_cast_gets_only_what_it_may(example, state):
    if state != "computed":
        published(example) if state == "published" else approved(example)
    names = {example.units["A"].name, example.units["B"].name}
    for role in ROLES:
        may = (state == "published" and role not in OUTSIDE_THE_ROUND) or (
            state == "approved" and role in EVERYTHING_ROLES
        )
        for format in ("results_docx", "summary_docx", "summary_xlsx"):
            response = get(example, role, format)
            assert response.status_code < 500, (role, format)
            is_file = response.get("Content-Type") in {DOCX, XLSX}
            assert is_file == may, (role, state, format)
            if not is_file and role not in EVERYTHING_ROLES:  # they read the live table
                assert "87.5" not in response.content.decode(), (role, state, format)
        if not may:
            continue
        details = xlsx_of(get(example, role, "summary_xlsx")).worksheets[1]
        units = {row[0].value for row in details.iter_rows(min_row=3)}
        membership = Membership.objects.filter(user=example.users[role]).first()
        own = {membership.organisation.name} & names if membership else set()
        assert units == (names if role in EVERYTHING_ROLES else own), role
