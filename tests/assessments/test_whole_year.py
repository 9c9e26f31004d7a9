"""A whole year of 争六好 (issue 14, "Done when"), through the services and the pages a user takes:
the city issues the 考评细则 of a new round (2015, one criterion per element, 100 points); units A
and B assess themselves with evidence; A is returned with a reason and resubmits; the city approves
both; an inspector scores each unit on a phone (photos, bonus) and submits; the leader approves
(审定) and the city publishes (公布) the results; the 通报 .docx opens, and LibreOffice renders it to
PDF and poppler each page to PNG (``test-artifacts/whole-year/``, looked at). All along, each unit
sees only what it may: nothing before publication, then the list and its own details only.

The render is skipped only when LibreOffice Writer or poppler are missing, as in
``tests/dashboards/test_documents.py``.
"""

import datetime
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from assessments import services
from assessments.models import (
    AssessmentEvidence,
    AssessmentScheme,
    AssessmentStatus,
    Criterion,
    InspectionPhoto,
    InspectionStatus,
    ResultSheet,
    ResultStatus,
    SelfAssessment,
)
from projects.models import Assignment, Campaign, FeatureProject
from tests.cast import png_bytes, upload
from tests.rendering import libreoffice_pdf, needs_libreoffice

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
#: One criterion per element: (element, content, points); 100 points in all.
CRITERIA = [
    ("班子", "班子健全，按期换届，分工明确", 20),
    ("队伍", "执委、专职干部培训到位", 15),
    ("精神", "主题活动有声势、有成效", 15),
    ("机制", "工作制度健全，台账完整", 15),
    ("阵地", "妇女之家建设达标", 15),
    ("业绩", "特色项目推进有力、成效明显", 20),
]


def client_of(user, **headers) -> Client:
    client = Client(**headers)
    client.force_login(user)
    return client


def edit_body(assessment: SelfAssessment, scores: dict[int, tuple[str, str]], **extra) -> dict:
    body = {"version": str(assessment.version), **extra}
    for criterion in assessment.scheme.criteria.all():
        score, text = scores.get(criterion.order, ("", ""))
        body[f"c{criterion.pk}-score"] = score
        body[f"c{criterion.pk}-explanation"] = text
    return body


def inspection_body(inspection, scores: dict[int, str], **extra) -> dict:
    data = {"version": str(inspection.version), "visited_on": "", "bonus": "0", "bonus_note": "", **extra}
    for row in inspection.scores.select_related("criterion"):
        prefix = f"c{row.criterion_id}"
        data |= {
            f"{prefix}-score": scores.get(row.criterion.order, ""),
            f"{prefix}-note": "",
            f"{prefix}-base_score": "" if row.score is None else f"{row.score.normalize():f}",
            f"{prefix}-base_note": row.note,
        }
    return data


def results_page(client, campaign, **params):
    return client.get(reverse("assessments:results"), {"campaign": campaign.pk, **params})


def non_white_share(pgm: bytes) -> float:
    """The share of pixels darker than light grey in a binary PGM page (``P5 w h 255`` and then
    w × h bytes, as pdftoppm writes it)."""
    _magic, width, height, _maxval, _rest = pgm.split(maxsplit=4)
    pixels = pgm[-int(width) * int(height) :]
    return sum(1 for value in pixels if value < 200) / len(pixels)


@pytest.fixture
def year(portal_cast):
    """The 2015 round of the city, one feature project carried by units A and B (no feature points:
    the ordinary-work share is 0), the scheme issued on 2015-01-12 through the services with the
    six criteria above; weights 自评 40%, 实地检查 60%, bonus at most 5."""
    cast = portal_cast
    admin = cast.users["city_admin"]
    campaign = Campaign.objects.create(
        name="争六好、创特色", year=2015, document_number="泉妇〔2014〕90号", issuing_body=cast.city
    )
    project = FeatureProject.objects.create(
        campaign=campaign, number=1, title="巾帼家美", goal="建设妇女之家"
    )
    for unit in ("A", "B"):  # a unit reads the round (and so its scheme) of its projects
        Assignment.objects.create(project=project, unit=cast.units[unit])
    scheme = services.scheme_save(
        actor=admin,
        scheme=AssessmentScheme(
            campaign=campaign,
            weight_self=40,
            weight_ordinary=0,
            weight_inspection=60,
            bonus_cap=Decimal(5),
            self_assessment_due_on=datetime.date(2099, 11, 30),
        ),
    )
    groups = {g.name: g for g in scheme.groups.all()}
    for order, (element, title, points) in enumerate(CRITERIA, start=1):
        services.criterion_save(
            actor=admin,
            criterion=Criterion(
                scheme=scheme, group=groups[element], order=order, title=title, points=points
            ),
        )
    cast.year_scheme = services.scheme_issue(actor=admin, scheme=scheme, on=datetime.date(2015, 1, 12))
    cast.year_campaign = campaign
    return cast


def test_a_whole_year_from_the_criteria_to_the_published_bulletin(year):
    walk(year)


@needs_libreoffice
def test_the_bulletin_of_the_year_renders_page_by_page(year, tmp_path):
    render(walk(year), tmp_path)


@needs_libreoffice
def test_the_summary_workbook_of_the_year_prints_a4_landscape(year, tmp_path):
    walk(year)
    city = client_of(year.users["city_admin"])
    content = results_page(city, year.year_campaign, format="summary_xlsx").content
    source = tmp_path / "summary.xlsx"
    source.write_bytes(content)
    pdf = libreoffice_pdf(source, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "841.89" in info.split("Page size:")[1].split("x")[0]  # landscape: the width is A4's height
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = text.replace(" ", "")
    assert "2015年度“争六好”考评结果排名表" in flat and "实地检查" in flat
    assert "2015年度“争六好”各单位分项得分表" in flat and "妇女之家建设达标" in flat and "检查分" in flat
    artifacts = Path("test-artifacts/whole-year-xlsx")
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(artifacts / "page")], check=True, timeout=120
    )
    assert list(artifacts.glob("page-*.png"))


def walk(year) -> bytes:
    """The year, step by step, with what every side sees; returns the published 通报 (.docx)."""
    cast, scheme, campaign = year, year.year_scheme, year.year_campaign
    city, leader = client_of(cast.users["city_admin"]), client_of(cast.users["leader"])
    unit_a, unit_b = client_of(cast.users["reporter_a"]), client_of(cast.users["reporter_b"])
    a = scheme.self_assessments.get(organisation=cast.units["A"])
    b = scheme.self_assessments.get(organisation=cast.units["B"])
    assert {a.status, b.status} == {AssessmentStatus.DRAFT} and scheme.self_assessments.count() == 2
    criteria = {c.order: c for c in scheme.criteria.all()}

    # 自评 with evidence: A on its page, B through the service
    body = edit_body(
        a, {n: (str(p - 2), f"第{n}项自评说明") for n, (_e, _t, p) in enumerate(CRITERIA, 1)}, submit="1"
    )
    body[f"c{criteria[1].pk}-files"] = upload("班子会议记录.png", png_bytes())
    assert unit_a.post(reverse("assessments:edit", args=[a.pk]), body).status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    assert AssessmentEvidence.objects.get(self_assessment=a).criterion == criteria[1]
    services.self_assessment_save(
        actor=cast.users["reporter_b"],
        self_assessment=b,
        version=b.version,
        scores={c.pk: (Decimal(c.points) - 5, "已完成") for c in criteria.values()},
        uploads={None: [upload("妇女之家.png", png_bytes())]},
        submit=True,
    )
    b.refresh_from_db()
    assert b.status == AssessmentStatus.SUBMITTED and b.evidence.count() == 1

    # A is returned, corrects criterion 6 and resubmits; the city approves both
    city.post(reverse("assessments:action", args=[a.pk, "return"]), {"reason": "第6项佐证不足，请补充"})
    a.refresh_from_db()
    assert a.status == AssessmentStatus.RETURNED
    assert "第6项佐证不足" in unit_a.get(reverse("assessments:detail", args=[a.pk])).content.decode()
    scores = {n: (str(p - 2), f"第{n}项自评说明") for n, (_e, _t, p) in enumerate(CRITERIA, 1)}
    scores[6] = ("16", "补充了特色项目台账")
    unit_a.post(reverse("assessments:edit", args=[a.pk]), edit_body(a, scores, submit="1"))
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    for assessment in (a, b):
        city.post(reverse("assessments:action", args=[assessment.pk, "approve"]))
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.APPROVED
    assert a.total == Decimal(86)  # 18 + 13 × 4 + 16 (of 100)
    assert b.total == Decimal(70)

    # 实地检查: the city assigns an inspector, who scores on a phone with a photo and a bonus
    inspector = cast.users["liaison_p"]
    phone = client_of(inspector, HTTP_USER_AGENT=PHONE)
    for unit, score_of, bonus in (("A", lambda p: p - 1, "3"), ("B", lambda p: p - 6, "0")):
        inspection = services.inspection_assign(
            actor=cast.users["city_admin"],
            scheme=scheme,
            organisation=cast.units[unit],
            inspectors=[inspector],
            visited_on=datetime.date(2015, 11, 20),
        )
        url = reverse("assessments:inspection", args=[inspection.pk])
        page = phone.get(url)
        assert page.status_code == 200 and 'name="viewport"' in page.content.decode()
        data = inspection_body(
            inspection,
            {n: str(score_of(p)) for n, (_e, _t, p) in enumerate(CRITERIA, 1)},
            visited_on="2015-11-20",
            bonus=bonus,
            bonus_note="创新开展“巾帼家美”项目" if bonus != "0" else "",
            submit="1",
        )
        data[f"c{criteria[5].pk}-files"] = upload("妇女之家现场.png", png_bytes())
        assert phone.post(url, data).status_code == 302
        inspection.refresh_from_db()
        assert inspection.status == InspectionStatus.SUBMITTED
        assert InspectionPhoto.objects.filter(inspection=inspection).count() == 1

    # before 审定 and 公布: the units see nothing, not even their own inspection
    for client in (unit_a, unit_b):
        page = results_page(client, campaign).content.decode()
        assert "尚未公布" in page and "93.8" not in page
        refused = results_page(client, campaign, format="results_docx")
        assert "暂无可下载的文件" in refused.content.decode()
    assert unit_b.get(reverse("assessments:inspection", args=[inspection.pk])).status_code == 404  # its own

    # 审定 by the leader, 公布 by the city
    leader.post(reverse("assessments:result_action", args=[scheme.pk, "approve"]))
    sheet = ResultSheet.objects.get(scheme=scheme)
    assert sheet.status == ResultStatus.APPROVED
    # A: 自评 86 × 40% = 34.4; 检查 94 × 60% = 56.4; 加分 3 → 93.8 (先进单位); B: 70 × 40% = 28.0
    # + 64 × 60% = 38.4 → 66.4 (合格)
    assert [(r["rank"], r["total"], r["grade"]) for r in sheet.rows] == [
        (1, "93.8", "先进单位"),
        (2, "66.4", "合格"),
    ]
    approved_docx = results_page(leader, campaign, format="results_docx")
    assert approved_docx.status_code == 200 and approved_docx.content[:2] == b"PK"
    assert "尚未公布" in results_page(unit_b, campaign, format="summary_xlsx").content.decode()
    city.post(reverse("assessments:result_action", args=[scheme.pk, "publish"]))
    sheet.refresh_from_db()
    assert sheet.status == ResultStatus.PUBLISHED

    # after 公布: each unit its own details and the published list, never another's
    own = results_page(unit_b, campaign).content.decode()
    assert "为什么是66.4分" in own and "为什么是93.8分" not in own and "93.8" in own
    book = openpyxl.load_workbook(io.BytesIO(results_page(unit_b, campaign, format="summary_xlsx").content))
    assert {row[0].value for row in book.worksheets[1].iter_rows(min_row=3)} == {cast.units["B"].name}
    response = results_page(unit_a, campaign, format="results_docx")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "泉州市妇联"
    assert "关于2015年度“争六好”\n考评结果的通报" in text
    assert "2015年1月12日，泉州市妇联下达了考评细则，共6项、100分。" in text
    assert (
        "2个单位中，2个单位提交了自评（其中2个附有佐证材料），2个单位的自评经审核通过；实地检查2个单位。"
        in text
    )
    assert f"评为“先进单位”的单位（1个）：{cast.units['A'].name}。" in text
    ranking = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert ranking[1:] == [
        ["1", cast.units["A"].name, "34.4", "0.0", "56.4", "3.0", "93.8", "先进单位"],
        ["2", cast.units["B"].name, "28.0", "0.0", "38.4", "0.0", "66.4", "合格"],
    ]
    return response.content


def render(content: bytes, tmp_path: Path) -> None:
    """LibreOffice → PDF → one PNG a page (``test-artifacts/whole-year/``), each page not blank."""
    source = tmp_path / "tongbao.docx"
    source.write_bytes(content)
    pdf = libreoffice_pdf(source, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert "595.3" in info and "841.89" in info  # A4 portrait
    assert pages >= 2  # the body, then the ranking on a page of its own
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages_text = [page.replace(" ", "") for page in text.split("\f")]
    assert "泉州市妇联" in pages_text[0] and "考评结果的通报" in pages_text[0]
    assert any("2015年度“争六好”考评结果排名表" in page and "先进单位" in page for page in pages_text[1:])
    artifacts = Path("test-artifacts/whole-year")
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    shutil.copy(pdf, artifacts / "tongbao.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(artifacts / "page")], check=True, timeout=120
    )
    assert len(list(artifacts.glob("page-*.png"))) == pages
    subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", str(pdf), str(tmp_path / "grey")], check=True, timeout=120
    )
    for image in sorted(tmp_path.glob("grey-*.pgm")):
        assert non_white_share(image.read_bytes()) > 0.002, f"{image.name} is blank"
