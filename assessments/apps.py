from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def delete_evidence_file_after_commit(sender, instance, **kwargs) -> None:
    """A self-assessment's evidence row deleted takes its file along once the deletion is
    committed; a rolled-back deletion keeps both (as ``reporting.apps`` does for reports)."""
    file = instance.file
    if file.name:
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name))


class AssessmentsConfig(AppConfig):
    """争六好 assessment: the 考评细则 of each round (scheme, groups, criteria) and the units' 自评."""

    name = "assessments"
    verbose_name = _("Six-goods assessment")

    def ready(self) -> None:
        from assessments.models import AssessmentEvidence, SelfAssessment
        from quanzhou_women.lib.concurrency import keep_versions_of_fixtures

        keep_versions_of_fixtures(SelfAssessment)
        post_delete.connect(
            delete_evidence_file_after_commit,
            sender=AssessmentEvidence,
            dispatch_uid="assessment-evidence-file-after-commit",
        )
