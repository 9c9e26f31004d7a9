from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def delete_evidence_file_after_commit(sender, instance, **kwargs) -> None:
    """An evidence row deleted (alone, or with its report) takes its file along once the deletion
    is committed; a rolled-back deletion keeps both."""
    file = instance.file
    if file.name:
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name))


class ReportingConfig(AppConfig):
    """Progress reporting: 四定 plans, reporting periods, reports, evidence, reviews, notifications."""

    name = "reporting"
    verbose_name = _("Progress reporting")

    def ready(self) -> None:
        from quanzhou_women.lib.concurrency import keep_versions_of_fixtures
        from reporting.models import Evidence, ProgressReport

        keep_versions_of_fixtures(ProgressReport)
        post_delete.connect(
            delete_evidence_file_after_commit, sender=Evidence, dispatch_uid="evidence-file-after-commit"
        )
