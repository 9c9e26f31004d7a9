"""Reads across rounds: which campaign came before, and which assignment of it a unit's work on a
project continues (issue 12 item 4, 对标找差).

The matching rule, written once here:

- **The previous round** of a campaign is the campaign of the year before with the same issuing
  body (a county federation's rounds follow its own rounds, never the city's).
- **The previous assignment** of an assignment is, in the previous round, the assignment of the
  same unit on the project with the same 序号 (``FeatureProject.number``): ``round_start`` copies
  projects by 序号 with their units, so 序号 + unit is what stays when a project is carried over.
  The title is not part of the rule: a project whose content was reworded keeps its history, and
  the pages show both titles with “项目内容有调整” (``title_changed``) so the change is visible.
"""

from collections.abc import Iterable

from projects.models import Assignment, Campaign


def previous_campaign(
    campaign: Campaign | None, campaigns: Iterable[Campaign] | None = None
) -> Campaign | None:
    """The round before ``campaign``: same issuing body, year − 1; ``None`` when there is none.

    ``campaigns``, if given (e.g. the dashboards' visible campaigns), is searched without a query;
    otherwise one query over every campaign (callers scope the records they then read).
    """
    if campaign is None:
        return None
    if campaigns is not None:
        return next(
            (
                other
                for other in campaigns
                if other.year == campaign.year - 1 and other.issuing_body_id == campaign.issuing_body_id
            ),
            None,
        )
    return Campaign.objects.filter(year=campaign.year - 1, issuing_body_id=campaign.issuing_body_id).first()


def previous_round_of(
    assignment: Assignment, queryset=None, before: Campaign | None = None
) -> Assignment | None:
    """The assignment ``assignment`` continues in the previous round (same 序号 and unit, see the
    module docstring), with its project and campaign; ``None`` if the unit did not carry that
    project last year (“上年无此项”) or there is no previous round.

    ``queryset`` (default ``Assignment.objects``) scopes the answer, e.g.
    ``Assignment.objects.restrict(user)``; ``before``, the previous round if the caller has it
    (``previous_campaign``). Two queries at most (the previous campaign unless given, the assignment).
    """
    project = assignment.project
    previous = before or previous_campaign(project.campaign)
    if previous is None:
        return None
    queryset = Assignment.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("project__campaign", "unit")
        .filter(project__campaign=previous, project__number=project.number, unit_id=assignment.unit_id)
        .first()
    )


def title_changed(old_title: str, new_title: str) -> bool:
    """Whether a project's content changed between rounds (titles differ once trimmed)."""
    return old_title.strip() != new_title.strip()
