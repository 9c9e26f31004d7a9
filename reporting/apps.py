from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Progress reporting: 四定 plans, reporting periods, reports, evidence, reviews, notifications."""

    name = "reporting"
    verbose_name = _("Progress reporting")

    def ready(self) -> None:
        from quanzhou_women.lib.concurrency import keep_versions_of_fixtures
        from quanzhou_women.lib.stored_files import delete_file_after_commit
        from reporting.models import Evidence, ProgressReport

        keep_versions_of_fixtures(ProgressReport)
        post_delete.connect(
            delete_file_after_commit, sender=Evidence, dispatch_uid="evidence-file-after-commit"
        )
