from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def copy_scheme_to_new_round(sender, source, campaign, actor, **kwargs) -> None:
    """A new round (``reporting.rounds.round_started``) gets the 考评细则 of the round it was copied
    from, as an unissued draft (``assessments.services.scheme_copy``; issue 14 item 1: "copied by
    the new-round wizard")."""
    from assessments.services import scheme_copy

    scheme_copy(source_campaign=source, campaign=campaign, actor=actor)


class AssessmentsConfig(AppConfig):
    """争六好 assessment: the 考评细则 of each round (scheme, groups, criteria) and the units' 自评."""

    name = "assessments"
    verbose_name = _("Six-goods assessment")

    def ready(self) -> None:
        from assessments.models import AssessmentEvidence, InspectionPhoto, SelfAssessment
        from quanzhou_women.lib.concurrency import keep_versions_of_fixtures
        from quanzhou_women.lib.stored_files import delete_file_after_commit
        from reporting.rounds import round_started

        keep_versions_of_fixtures(SelfAssessment)
        round_started.connect(copy_scheme_to_new_round, dispatch_uid="assessments-scheme-copy")
        post_delete.connect(
            delete_file_after_commit,
            sender=AssessmentEvidence,
            dispatch_uid="assessment-evidence-file-after-commit",
        )
        post_delete.connect(
            delete_file_after_commit,
            sender=InspectionPhoto,
            dispatch_uid="inspection-photo-file-after-commit",
        )
