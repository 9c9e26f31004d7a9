from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, pre_save
from django.utils.translation import gettext_lazy as _


def keep_version_on_raw_save(sender, instance, raw: bool = False, **kwargs) -> None:
    """Loading a fixture (a "raw" save) stores rows as they are: it does not bump their version."""
    if raw:
        instance._concurrency_disable_increment = True


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
        from projects.models import Assignment
        from reporting.models import Evidence, ProgressReport

        for model in (Assignment, ProgressReport):
            pre_save.connect(
                keep_version_on_raw_save, sender=model, dispatch_uid=f"raw-version-{model.__name__}"
            )
        post_delete.connect(
            delete_evidence_file_after_commit, sender=Evidence, dispatch_uid="evidence-file-after-commit"
        )
