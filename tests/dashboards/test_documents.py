"""The 通报 and the 检查总结 as official documents (.docx, GB/T 9704-2012), from the bulletin's figures.

Read back with python-docx: A4, the margins of 5.2.2, the fonts (``w:eastAsia``) of header, title
and body, the document number, the ranking attachment equal to the bulletin's rows, the scope.
LibreOffice Writer renders the 通报 to PDF and poppler to PNG pages (skipped without them); the
pages land in ``test-artifacts/bulletin-docx/`` to be looked at.
"""

import io
import shutil
import subprocess
from pathlib import Path

from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from tests.dashboards.conftest import ON
from tests.rendering import libreoffice_pdf, needs_libreoffice

PARAMS = {"on": ON.isoformat(), "period": "all"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(response):
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    return Document(io.BytesIO(response.content))


def _east_asia(paragraph) -> set[str]:
    return {
        run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for run in paragraph.runs if run.text.strip()
    }


def _paragraph(document, text: str):
    return next(p for p in document.paragraphs if text in p.text)


def test_the_bulletin_docx_is_a4_with_the_margins_fonts_and_number_of_gb_t_9704(client, cast, city):
    client.force_login(cast["leader"])
    response = client.get(reverse("dashboards:bulletin"), {**PARAMS, "format": "docx"})
    document = _docx(response)

    assert "%E9%80%9A%E6%8A%A5-20240515.docx" in response["Content-Disposition"]  # …通报-20240515.docx
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.mm, 1) for margin in margins] == [37, 35, 28, 26]  # stored in twips
    header = document.paragraphs[0]
    assert header.text == "泉州市妇联"
    assert _east_asia(header) == {"方正小标宋简体"}
    assert str(header.runs[0].font.color.rgb) == "FF0000"
    number = _paragraph(document, "〔2024〕")
    assert number.text == "泉妇〔2024〕\u3000\u3000号"
    assert number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "FF0000"
    title = _paragraph(document, "通报")
    assert title.text == "关于2024年度“争六好、创特色”\n特色项目推进情况的通报"
    assert _east_asia(title) == {"方正小标宋简体"} and title.runs[0].font.size.pt == 22
    intro = _paragraph(document, "泉妇〔2013〕81号")
    assert _east_asia(intro) == {"仿宋_GB2312"}
    assert intro.paragraph_format.first_line_indent.pt == 32  # two 3号 characters
    assert document.styles["Normal"].paragraph_format.line_spacing.pt == 28
    assert "本年度共有特色项目2个，由3个责任单位承担4项任务。" in _paragraph(document, "本年度").text
    assert _paragraph(document, "位居前列").text.endswith("位居前列的单位是：鲤城区妇联。")  # the first third
    assert "丰泽区妇联" in _paragraph(document, "超期或滞后").text
    assert _paragraph(document, "附件：").text == "附件：2024年度特色项目推进情况排名表"
    (date,) = [p for p in document.paragraphs if p.text == "2024年5月15日"]  # 成文日期, 7.3.5.3
    assert date.alignment == 2 and date.paragraph_format.right_indent.pt == 64  # right, 4 characters in
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —") and footer.alignment == 2
    assert document.sections[0].even_page_footer.paragraphs[0].alignment == 0  # even pages: left


def test_the_bulletin_docx_attaches_exactly_the_bulletins_rows(client, cast, city):
    client.force_login(cast["leader"])
    page = client.get(reverse("dashboards:bulletin"), PARAMS).context["rows"]
    document = _docx(client.get(reverse("dashboards:bulletin"), {**PARAMS, "format": "docx"}))

    (table,) = document.tables[:1]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0][:2] == ["名次", "责任单位"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    expected = [
        [
            str(r.rank),
            r.unit_name,
            str(r.projects),
            str(r.expected),
            str(r.on_time),
            str(r.late),
            str(r.missing),
        ]
        for r in page
    ]
    assert [row[:7] for row in cells[1:]] == expected
    assert [row[7] for row in cells[1:]] == [
        "" if r.on_time_rate is None else str(r.on_time_rate) for r in page
    ]


def test_a_reporter_gets_only_the_units_the_bulletin_shows_them(client, cast, city):
    client.force_login(cast["reporter"])
    document = _docx(client.get(reverse("dashboards:bulletin"), {**PARAMS, "format": "docx"}))
    text = "\n".join(p.text for p in document.paragraphs)
    units = {row.cells[1].text for row in document.tables[0].rows[1:]}
    assert units == {"鲤城区妇联"}
    assert "丰泽区妇联" not in text and "晋江市妇联" not in text
    client.force_login(cast["nobody"])
    assert client.get(reverse("dashboards:bulletin"), {**PARAMS, "format": "docx"}).status_code == 403


def test_the_summary_docx_has_the_per_project_table_and_the_ranking(client, cast, city):
    client.force_login(cast["admin"])
    document = _docx(client.get(reverse("dashboards:bulletin"), {**PARAMS, "format": "summary_docx"}))
    projects, ranking = document.tables[:2]
    rows = [[cell.text for cell in row.cells] for row in projects.rows]
    assert [row[:3] for row in rows[1:]] == [["1", "巾帼志愿服务", "2"], ["2", "家庭教育指导", "2"]]
    assert [row.cells[1].text for row in ranking.rows[1:]] == ["鲤城区妇联", "晋江市妇联", "丰泽区妇联"]
    assert "（1）巾帼志愿服务：责任单位2个" in "\n".join(p.text for p in document.paragraphs)
    assert _paragraph(document, "附件：").text == "附件：1.2024年度特色项目推进情况分项统计表"


def test_the_bulletin_page_offers_the_word_documents(client, cast, city):
    client.force_login(cast["leader"])
    page = client.get(reverse("dashboards:bulletin"), PARAMS).content.decode()
    assert "导出通报（Word）" in page and "format=docx" in page
    assert "检查总结（Word）" in page and "format=summary_docx" in page


@needs_libreoffice
def test_libreoffice_renders_the_bulletin_docx_page_by_page(client, cast, city, tmp_path):
    client.force_login(cast["leader"])
    source = tmp_path / "bulletin.docx"
    source.write_bytes(client.get(reverse("dashboards:bulletin"), {**PARAMS, "format": "docx"}).content)
    pdf = libreoffice_pdf(source, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert "595.3" in info and "841.89" in info  # A4 portrait, in points
    assert pages >= 2  # the body, then the attachment on a page of its own
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages_text = [page.replace(" ", "") for page in text.split("\f")]
    assert "泉州市妇联" in pages_text[0] and "—1—" in pages_text[0]
    last = [page for page in pages_text if page.strip()][-1]
    assert "附件" in last and "2024年度特色项目推进情况排名表" in last and "丰泽区妇联" in last
    artifacts = Path("test-artifacts/bulletin-docx")
    artifacts.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, artifacts / "bulletin.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(artifacts / "page")], check=True, timeout=120
    )
    assert len(list(artifacts.glob("page-*.png"))) >= pages


def test_odd_filters_never_fail_the_documents(client, cast, city):
    client.force_login(cast["leader"])
    for format in ("docx", "summary_docx"):
        response = client.get(
            reverse("dashboards:bulletin"), {"format": format, "on": "2024-13-45", "period": "x"}
        )
        assert response.status_code == 200  # a bad day is ignored as on the page: today's figures


def test_without_a_round_there_is_no_document(client, db):
    from tests.dashboards import factories
    from units.models import Membership, Organisation

    body = Organisation.objects.create(name="泉州市妇联", kind=Organisation.Kind.CITY_FEDERATION)
    client.force_login(factories.user("leader", Membership.Role.LEADER, body))
    assert client.get(reverse("dashboards:bulletin"), {"format": "docx"}).status_code == 404
