"""The dashboards' official documents (.docx, GB/T 9704-2012): the 通报 and the 检查总结.

Both are built from the bulletin's figures (``selectors.bulletin``, ``selectors.bulletin_by_project``)
with the same filters and scope as the page and its .xlsx, and laid out by
``quanzhou_women.lib.official_document.OfficialDocument``:

- 《关于2014年度“争六好、创特色”特色项目推进情况的通报》 (``bulletin_document``): the overall
  figures, the units ahead, the units behind, the next steps; attachment: the ranking table (the
  bulletin's rows, as in the .xlsx);
- the 检查总结 for the year-end meeting (``summary_document``): the overall figures and each
  project's; attachments: the per-project table and the ranking. The results of 争六好
  (``assessments``) can join as a further ``Attachment`` of ``summary_document(extra=…)``.

The text is Chinese from English msgids (``dashboards/locale``); the 成文日期 is the as-of day, the
发文字号 the round's notice's prefix with the year of that day and the sequence number left blank
for the office (泉妇〔2014〕　号).
"""

from collections.abc import Sequence

from django.utils.translation import gettext

from dashboards.exports import bulletin_header, bulletin_values
from dashboards.selectors import Filters, ProjectRow, RankRow
from quanzhou_women.lib import official_document
from quanzhou_women.lib.numbers import plain_number
from quanzhou_women.lib.official_document import (
    Attachment,
    Heading,
    OfficialDocument,
    chinese_date,
)

#: Relative widths of the ranking table's columns (rank, unit, projects, due, on time, late,
#: missing, rate, completion, overdue, behind), for the 156 mm 版心.
RANKING_WIDTHS = (5, 18, 5, 6, 5, 5, 5, 9, 9, 5, 5)
#: The units named as ahead: those ranked this high or better (ties included), and at most the
#: first third of the ranking (one at least), so that three units do not all read as “ahead”.
TOP_RANKS = 3


def document_number(filters: Filters) -> str:
    """The 通报's 发文字号: the prefix of the round's notice (泉妇 of 泉妇〔2013〕81号), the year of
    the as-of day in 六角括号, the sequence number left blank (two full-width spaces) for the office
    to fill in, GB/T 9704-2012 7.2.5."""
    notice = filters.campaign.document_number if filters.campaign is not None else ""
    return official_document.document_number(notice, filters.on.year)


def _issuing_body(filters: Filters) -> str:
    body = filters.campaign.issuing_body if filters.campaign is not None else None
    return body.name if body is not None else ""


def _percent(value: float | None) -> str:
    return plain_number(value, empty="—")


def _totals(rows: Sequence[RankRow]) -> dict:
    expected = sum(row.expected for row in rows)
    on_time = sum(row.on_time for row in rows)
    projects = sum(row.projects for row in rows)
    return {
        "units": len(rows),
        "assignments": projects,
        "expected": expected,
        "on_time": on_time,
        "late": sum(row.late for row in rows),
        "missing": sum(row.missing for row in rows),
        "rate": _percent(round(100 * on_time / expected, 1) if expected else None),
        "completion": _percent(round(sum(row.percent_sum for row in rows) / projects, 1) if projects else 0),
        "overdue": sum(row.overdue for row in rows),
        "behind": sum(row.behind for row in rows),
    }


def _overall(rows: Sequence[RankRow], project_count: int) -> list[str]:
    """The paragraph of the overall figures."""
    totals = _totals(rows)
    text = gettext(
        "This round has %(projects)s feature projects, carried by %(units)s responsible units in "
        "%(assignments)s assignments."
    ) % {"projects": project_count, **totals}
    if totals["expected"]:
        text += (
            gettext(
                "Of the %(expected)s progress reports due, %(on_time)s were submitted on time, %(late)s "
                "late and %(missing)s are missing: an on-time rate of %(rate)s%%; the average completion "
                "is %(completion)s%%."
            )
            % totals
        )
    else:
        text += (
            gettext(
                "No progress report was due yet in this span; the average completion is %(completion)s%%."
            )
            % totals
        )
    return [text]


def _names(rows: Sequence[RankRow]) -> str:
    return "、".join(row.unit_name for row in rows)


def _ranking_attachment(title: str, rows: Sequence[RankRow]) -> Attachment:
    return Attachment(
        title=title,
        rows=[bulletin_header(), *bulletin_values(list(rows))],
        widths=RANKING_WIDTHS,
        numeric=frozenset({0, *range(2, 11)}),
    )


def _intro(filters: Filters, span: str, summary: bool = False) -> str:
    notice = filters.campaign.document_number if filters.campaign is not None else ""
    if summary:
        return gettext(
            "To carry out notice %(notice)s, the feature projects of %(year)s have been checked as of "
            "%(on)s (%(span)s). They are summed up as follows:"
        ) % {"notice": notice, "year": filters.campaign.year, "on": chinese_date(filters.on), "span": span}
    return gettext(
        "To carry out notice %(notice)s and push on the feature projects of %(year)s, the progress of "
        "every project as of %(on)s (%(span)s) has been reviewed. It is reported as follows:"
    ) % {"notice": notice, "year": filters.campaign.year, "on": chinese_date(filters.on), "span": span}


def bulletin_document(
    filters: Filters, rows: Sequence[RankRow], project_count: int, span: str
) -> OfficialDocument:
    """The 通报 of the bulletin's ``rows`` (ranked, as on the page), ``project_count`` the number of
    feature projects they carry, ``span`` the period's name or “全年”. The filters must name a
    campaign."""
    year = filters.campaign.year
    best = min(TOP_RANKS, max(1, len(rows) // 3))
    top = [row for row in rows if row.expected and row.rank <= best]
    behind = [row for row in rows if row.overdue or row.behind]
    missing = [row for row in rows if row.missing]
    body: list = [
        _intro(filters, span),
        Heading(gettext("1. Overall progress")),
        *_overall(rows, project_count),
    ]
    body.append(Heading(gettext("2. Units ahead")))
    if top:
        body.append(
            gettext(
                "Ranked by the on-time rate of their reports and then by completion, ahead are: %(units)s."
            )
            % {"units": _names(top)}
        )
    else:
        body.append(gettext("No unit can be ranked yet: no report was due."))
    body.append(Heading(gettext("3. Units to speed up")))
    if behind:
        body.append(
            gettext("Units with projects overdue or behind their plan: %(units)s.")
            % {"units": _names(behind)}
        )
    else:
        body.append(gettext("No unit has a project overdue or behind its plan."))
    if missing:
        body.append(
            gettext("Units with progress reports not submitted: %(units)s.") % {"units": _names(missing)}
        )
    body.append(Heading(gettext("4. Next steps")))
    body.append(
        gettext(
            "Every federation and working committee is to keep to its four fixes (goal, steps, time "
            "limit, responsibility), report on time and finish its projects by their deadlines."
        )
    )
    return OfficialDocument(
        issuing_body=_issuing_body(filters),
        document_number=document_number(filters),
        title=bulletin_title_lines(year),
        addressees=gettext("The county federations and the working committees"),
        body_paragraphs=body,
        attachments=[_ranking_attachment(ranking_title(year), rows)],
        date=filters.on,
    )


def summary_document(
    filters: Filters,
    rows: Sequence[RankRow],
    projects: Sequence[ProjectRow],
    span: str,
    extra: Sequence[Attachment] = (),
) -> OfficialDocument:
    """The 检查总结 for the year-end meeting: the overall figures, each project's on-time rate and
    completion, the projects with work overdue or behind; attachments: the per-project table,
    the ranking of units, then ``extra`` (e.g. the 争六好 results)."""
    year = filters.campaign.year
    body: list = [
        _intro(filters, span, summary=True),
        Heading(gettext("1. Overall progress")),
        *_overall(rows, len(projects)),
    ]
    body.append(Heading(gettext("2. The feature projects one by one")))
    for project in projects:
        body.append(
            gettext(
                "(%(number)s) %(title)s: %(units)s units, on-time rate %(rate)s, average completion "
                "%(completion)s%%, %(overdue)s overdue and %(behind)s behind."
            )
            % {
                "number": project.number,
                "title": project.unit_name,
                "units": project.units,
                "rate": gettext("none due")
                if project.on_time_rate is None
                else f"{plain_number(project.on_time_rate)}%",
                "completion": _percent(project.completion),
                "overdue": project.overdue,
                "behind": project.behind,
            }
        )
    body.append(Heading(gettext("3. Next steps")))
    body.append(
        gettext(
            "Every federation and working committee is to keep to its four fixes (goal, steps, time "
            "limit, responsibility), report on time and finish its projects by their deadlines."
        )
    )
    table = [
        [
            gettext("No."),
            gettext("Feature project"),
            gettext("Number of units"),
            gettext("Reports due"),
            gettext("On time"),
            gettext("Late"),
            gettext("Missing"),
            gettext("On-time rate %"),
            gettext("Completion %"),
            gettext("Overdue"),
            gettext("Behind"),
        ]
    ] + [
        [
            project.number,
            project.unit_name,
            project.units,
            project.expected,
            project.on_time,
            project.late,
            project.missing,
            project.on_time_rate,
            project.completion,
            project.overdue,
            project.behind,
        ]
        for project in projects
    ]
    return OfficialDocument(
        issuing_body=_issuing_body(filters),
        document_number=document_number(filters),
        title=[
            gettext("The %(year)s round of the campaign:") % {"year": year},
            gettext("review and summary of the feature projects"),
        ],
        body_paragraphs=body,
        attachments=[
            Attachment(
                gettext("%(year)s feature projects: progress by project") % {"year": year},
                table,
                widths=(5, 20, 5, 6, 5, 5, 5, 9, 9, 5, 5),
                numeric=frozenset({0, *range(2, 11)}),
            ),
            _ranking_attachment(ranking_title(year), rows),
            *extra,
        ],
        date=filters.on,
    )


def bulletin_title_lines(year: int) -> list[str]:
    """The 通报's title in two lines: 关于2014年度“争六好、创特色” / 特色项目推进情况的通报."""
    return [
        gettext("On the %(year)s round of the campaign:") % {"year": year},
        gettext("bulletin of the feature projects' progress"),
    ]


def ranking_title(year: int) -> str:
    """The ranking attachment's title, e.g. 2014年度特色项目推进情况排名表."""
    return gettext("%(year)s feature projects: ranking of responsible units") % {"year": year}


__all__ = ["bulletin_document", "summary_document"]
