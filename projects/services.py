"""Writes that span several rows of campaigns, projects and 四定 plans."""

from django.db import transaction

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone, ProjectLiaison
from units.models import Organisation

HISTORY_MODELS = (Organisation, Campaign, FeatureProject, ProjectLiaison, Assignment, Milestone, Indicator)


@transaction.atomic
def history_start(*, reason: str) -> int:
    """Give every row that has no history yet a first "created" record, with ``reason``.

    Rows loaded with ``loaddata`` (raw saves) have no history; without a first record their
    first change could not show what it changed. Returns the number of records written.
    """
    written = 0
    for model in HISTORY_MODELS:
        missing = model.objects.exclude(pk__in=model.history.values("id"))
        written += len(model.history.bulk_history_create(list(missing), default_change_reason=reason))
    return written
