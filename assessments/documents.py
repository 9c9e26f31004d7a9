"""The 争六好 results as documents (issue 14, item 5): the 通报 (.docx, GB/T 9704-2012) and the
检查总结 pack for the year-end meeting (the same builder with a summary body, and an .xlsx).

- ``results_document(sheet)``: 《关于2014年度“争六好”考评结果的通报》 — issued by the round's
  issuing body (the city federation, or a county federation for its own round), 发文字号 from the
  round's notice (泉妇〔2014〕　　号, the sequence left blank for the office), the body (how the year
  went: criteria issued on …, N units self-assessed, inspections, the grade counts, the 先进单位
  named), attachment 1 the ranking table (名次 | 单位 | 自评 | 平时 | 实地检查 | 加分 | 总分 | 等次)
  with exactly the frozen ``sheet.rows``; 成文日期 the day of publication (else of approval).
- ``summary_document(sheet)``: the 检查总结 .docx, same layout, every grade's units named.
- ``summary_workbook(sheet, organisation_id=None)``: the 检查总结 .xlsx — sheet 1 the ranking with
  every part, sheet 2 unit × criterion with the 自评分 and the 检查分; printed A4 landscape, title
  row, the header repeated on every page (``quanzhou_women.lib.sheet_layout``).

Who gets what (``download_refusal``, used by the results page): nothing before 审定; an approved
sheet only for city administrators and leaders (``sees_everything``); a published one for everybody
who reads the sheet. The 通报 is the published document: it names every unit with its parts and
total, as it is sent to all of them. Per-criterion scores are not published: sheet 2 of the .xlsx
holds every unit's only for city administrators and leaders, anybody else gets their own unit's
rows (``organisation_id``) and nothing of the others.

The documents read only ``sheet.rows`` for the results (frozen at 审定), and the scheme's records
for the counts of the body and the scores of sheet 2.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from assessments.models import (
    AssessmentEvidence,
    AssessmentStatus,
    InspectionScore,
    InspectionStatus,
    ResultSheet,
    ResultStatus,
    SelfScore,
)
from quanzhou_women.lib.official_document import (
    Attachment,
    Heading,
    OfficialDocument,
    chinese_date,
    document_number,
)
from quanzhou_women.lib.sheet_layout import (
    body_alignment,
    body_font,
    header_alignment,
    header_font,
    set_print_layout,
    thin_border,
    title_font,
)
from quanzhou_women.lib.spreadsheets import write_text_cell
from units.roles import sees_everything

#: Widths of the ranking table's columns in mm (156 mm 版心): 名次, 实地检查 and 先进单位 on one line.
RANKING_WIDTHS = (15, 38, 14, 14, 24, 14, 14, 23)
#: The columns of ``sheet.rows`` after rank and name, in the table's order.
PARTS = ("self_part", "ordinary_part", "inspection_part", "bonus", "total")


def download_refusal(user, sheet: ResultSheet | None) -> str | None:
    """Why ``user`` may not download the documents of ``sheet`` (a Chinese sentence), or ``None``.

    Nothing before 审定 (``None`` or computed: there is nothing frozen to issue); an approved
    sheet for city administrators and leaders only; a published one for everybody who reads it
    (the caller loaded the sheet through the user's scope)."""
    if sheet is None or sheet.status == ResultStatus.COMPUTED:
        return _("The results are not approved yet, so there is no document to download.")
    if sheet.status == ResultStatus.APPROVED and not sees_everything(user):
        return _("The results are not published yet, so there is no document to download.")
    return None


def ranking_header() -> list[str]:
    """名次 | 单位 | 自评 | 平时 | 实地检查 | 加分 | 总分 | 等次."""
    return [
        pgettext("results document", "Rank"),
        pgettext("results document", "Unit"),
        pgettext("results document", "Self-assessment"),
        pgettext("results document", "Ordinary work"),
        pgettext("results document", "Inspection"),
        pgettext("results document", "Bonus"),
        pgettext("results document", "Total"),
        pgettext("results document", "Grade"),
    ]


def ranking_rows(sheet: ResultSheet) -> list[list[str]]:
    """The frozen rows of ``sheet`` as the table's text (points with one decimal, as stored)."""
    return [[str(r["rank"]), r["name"], *(str(r[k]) for k in PARTS), r["grade"]] for r in sheet.rows]


def _date(sheet: ResultSheet) -> datetime.date:
    moment = sheet.published_at or sheet.approved_at
    return timezone.localdate(moment) if moment else timezone.localdate()


def _grades(sheet: ResultSheet) -> list[tuple[str, list[str]]]:
    """Each grade of the settings (best first) with the units that got it, in rank order."""
    names: dict[str, list[str]] = {grade: [] for _threshold, grade in settings.ASSESSMENT_GRADES}
    for row in sorted(sheet.rows, key=lambda r: r["rank"]):
        names.setdefault(row["grade"], []).append(row["name"])
    return list(names.items())


def _year_paragraph(sheet: ResultSheet) -> str:
    """How the year went: criteria issued, self-assessments, inspections."""
    scheme = sheet.scheme
    body = scheme.campaign.issuing_body.name
    assessments = list(scheme.self_assessments.all())
    submitted = [a for a in assessments if a.submitted_at is not None]
    with_evidence = AssessmentEvidence.objects.filter(self_assessment__in=submitted).values("self_assessment")
    approved = sum(1 for a in assessments if a.status == AssessmentStatus.APPROVED)
    inspected = scheme.inspections.filter(status=InspectionStatus.SUBMITTED).count()
    issued = scheme.issued_on or (timezone.localdate(scheme.issued_at) if scheme.issued_at else None)
    text = _(
        "On %(issued)s %(body)s issued the assessment criteria: %(criteria)s criteria worth %(points)s points"
    ) % {
        "issued": chinese_date(issued) if issued else "—",
        "body": body,
        "criteria": scheme.criteria.count(),
        "points": _points(scheme.criteria_points),
    }
    if scheme.feature_points:
        text += _(", and %(points)s points from the feature projects' results") % {
            "points": _points(scheme.feature_points)
        }
    text += _(
        ". %(submitted)s of %(units)s units submitted their self-assessment (%(evidence)s with "
        "evidence files) and %(approved)s were approved after review; %(inspected)s units were "
        "inspected on site."
    ) % {
        "submitted": len(submitted),
        "evidence": with_evidence.distinct().count(),
        "units": len(assessments),
        "approved": approved,
        "inspected": inspected,
    }
    return text


def _points(value) -> str:
    number = Decimal(value).normalize()
    return f"{number:f}"


def _results_paragraphs(sheet: ResultSheet, every_grade: bool) -> list[str]:
    scheme = sheet.scheme
    counts = Counter(row["grade"] for row in sheet.rows)
    grades = _grades(sheet)
    text = _(
        "The score out of 100 weighs the self-assessment %(self)s%%, the ordinary work %(ordinary)s%% "
        "and the on-site inspection %(inspection)s%%, with bonus points for innovation of at most "
        "%(cap)s. Of the %(count)s units assessed, %(grades)s."
    ) % {
        "self": scheme.weight_self,
        "ordinary": scheme.weight_ordinary,
        "inspection": scheme.weight_inspection,
        "cap": _points(scheme.bonus_cap),
        "count": len(sheet.rows),
        "grades": "、".join(
            _("%(grade)s %(count)s") % {"grade": grade, "count": counts[grade]} for grade, _names in grades
        ),
    }
    paragraphs = [text]
    for index, (grade, names) in enumerate(grades):
        if index and not every_grade:
            break
        if names:
            paragraphs.append(
                _("Rated %(grade)s (%(count)s): %(units)s.")
                % {"grade": grade, "count": len(names), "units": "、".join(names)}
            )
        elif index == 0:
            paragraphs.append(_("No unit reached the grade %(grade)s this year.") % {"grade": grade})
    return paragraphs


def _document(sheet: ResultSheet, *, summary: bool) -> OfficialDocument:
    scheme = sheet.scheme
    campaign = scheme.campaign
    year = campaign.year
    date = _date(sheet)
    intro = (
        _(
            "To carry out notice %(notice)s, the %(year)s assessment of the six goods has been checked "
            "and its results approved. It is summed up as follows:"
        )
        if summary
        else _(
            "To carry out notice %(notice)s, the %(year)s assessment of the six goods has been completed "
            "and its results approved. They are announced as follows:"
        )
    ) % {"notice": campaign.document_number, "year": year}
    best = settings.ASSESSMENT_GRADES[0][1]
    body: list = [
        intro,
        Heading(_("1. How the year went")),
        _year_paragraph(sheet),
        Heading(_("2. The results")),
        *_results_paragraphs(sheet, every_grade=summary),
        Heading(_("3. Next steps")),
        _(
            "The units rated %(best)s are commended. Every federation is to learn from them, keep up "
            "its basic work along the six elements (team, staff, spirit, mechanisms, premises and "
            "results) and make up what the inspection found lacking."
        )
        % {"best": best},
    ]
    title = (
        [_("On the %(year)s assessment of the six goods:") % {"year": year}, _("review and summary")]
        if summary
        else [
            _("On the %(year)s assessment of the six goods:") % {"year": year},
            _("bulletin of the results"),
        ]
    )
    return OfficialDocument(
        issuing_body=campaign.issuing_body.name,
        document_number=document_number(campaign.document_number, date.year),
        title=title,
        addressees=_("The federations of the counties, townships and working committees"),
        body_paragraphs=body,
        attachments=[
            Attachment(
                ranking_title(year),
                [ranking_header(), *ranking_rows(sheet)],
                widths=RANKING_WIDTHS,
                numeric=frozenset({0, 2, 3, 4, 5, 6}),
            )
        ],
        date=date,
    )


def ranking_title(year: int) -> str:
    """The attachment's title: 2014年度“争六好”考评结果排名表."""
    return _("%(year)s assessment of the six goods: ranking of the units") % {"year": year}


def results_document(sheet: ResultSheet) -> OfficialDocument:
    """The 通报 of the approved or published ``sheet`` (``OfficialDocument``; ``docx_bytes()``
    gives the file). The caller checks ``download_refusal`` first."""
    return _document(sheet, summary=False)


def summary_document(sheet: ResultSheet) -> OfficialDocument:
    """The 检查总结 .docx of ``sheet``: the 通报's layout, every grade's units named."""
    return _document(sheet, summary=True)


def criterion_header() -> list[str]:
    """单位 | 考评要素 | 序号 | 考评内容 | 分值 | 自评分 | 检查分."""
    return [
        pgettext("results document", "Unit"),
        pgettext("results document", "Element"),
        pgettext("results document", "No."),
        pgettext("results document", "Assessment content"),
        pgettext("results document", "Points"),
        pgettext("results document", "Self-assessed score"),
        pgettext("results document", "Inspection score"),
    ]


def criterion_rows(sheet: ResultSheet, organisation_id: int | None = None) -> list[list]:
    """Per unit (rank order) × criterion (element, number): element, number, content, points, the
    unit's self-assessed score and the inspection's score (``None`` when not given). Only the unit
    ``organisation_id`` when given."""
    scheme = sheet.scheme
    criteria = list(scheme.criteria.select_related("group").order_by("group__order", "order"))
    units = [(r["organisation"], r["name"]) for r in sorted(sheet.rows, key=lambda r: r["rank"])]
    if organisation_id is not None:
        units = [u for u in units if u[0] == organisation_id]
    ids = [u[0] for u in units]
    own = {
        (s.self_assessment.organisation_id, s.criterion_id): s.score
        for s in SelfScore.objects.filter(
            self_assessment__scheme=scheme, self_assessment__organisation_id__in=ids
        ).select_related("self_assessment")
    }
    checked = {
        (s.inspection.organisation_id, s.criterion_id): s.score
        for s in InspectionScore.objects.filter(
            inspection__scheme=scheme,
            inspection__organisation_id__in=ids,
            inspection__status=InspectionStatus.SUBMITTED,
        ).select_related("inspection")
    }
    return [
        [
            name,
            criterion.group.name,
            criterion.order,
            criterion.title,
            criterion.points,
            own.get((unit, criterion.pk)),
            checked.get((unit, criterion.pk)),
        ]
        for unit, name in units
        for criterion in criteria
    ]


def _write_table(book_sheet, title: str, header: list[str], rows: list[list], widths, numeric) -> None:
    border = thin_border()
    for index, width in enumerate(widths, 1):
        book_sheet.column_dimensions[get_column_letter(index)].width = width
    heading = write_text_cell(book_sheet, 1, 1, title)
    heading.font = title_font(16)
    heading.alignment = header_alignment()
    book_sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    book_sheet.row_dimensions[1].height = 30
    for column, text in enumerate(header, 1):
        cell = write_text_cell(book_sheet, 2, column, text)
        cell.font, cell.alignment, cell.border = header_font(), header_alignment(), border
    for row_number, values in enumerate(rows, 3):
        for column, value in enumerate(values, 1):
            if column - 1 in numeric and value not in (None, ""):
                cell = book_sheet.cell(row=row_number, column=column, value=float(Decimal(str(value))))
                cell.number_format = "0" if isinstance(value, int) else "0.0"
                cell.alignment = body_alignment("center")
            else:
                cell = write_text_cell(book_sheet, row_number, column, "" if value is None else value)
                cell.alignment = body_alignment()
            cell.font, cell.border = body_font(), border
    set_print_layout(book_sheet, header_row=2, columns=len(header), last_row=len(rows) + 2)


def summary_workbook(sheet: ResultSheet, organisation_id: int | None = None) -> bytes:
    """The 检查总结 .xlsx of ``sheet``: sheet 1 「排名」 the ranking with every part (numbers as
    numbers, one decimal), sheet 2 「分项得分」 unit × criterion with 自评分 and 检查分 — every unit's,
    or with ``organisation_id`` only that unit's (what a unit may see). Both printed A4 landscape,
    one page wide, a title row, the header repeated on every page. Returns the workbook's bytes."""
    year = sheet.scheme.campaign.year
    book = Workbook()
    ranking = book.active
    ranking.title = pgettext("results document", "Ranking")
    rows = [[r["rank"], r["name"], *(Decimal(r[k]) for k in PARTS), r["grade"]] for r in sheet.rows]
    _write_table(
        ranking,
        ranking_title(year),
        ranking_header(),
        rows,
        (8, 28, 10, 10, 10, 8, 10, 12),
        {0, 2, 3, 4, 5, 6},
    )
    details = book.create_sheet(pgettext("results document", "Scores by criterion"))
    _write_table(
        details,
        _("%(year)s assessment of the six goods: scores by unit and criterion") % {"year": year},
        criterion_header(),
        criterion_rows(sheet, organisation_id),
        (24, 12, 8, 50, 8, 10, 10),
        {2, 4, 5, 6},
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = [
    "download_refusal",
    "results_document",
    "summary_document",
    "summary_workbook",
]
