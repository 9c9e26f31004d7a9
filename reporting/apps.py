from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Progress reporting: 四定 plans, reporting periods, reports, evidence, reviews, notifications."""

    name = "reporting"
    verbose_name = _("Progress reporting")

    def ready(self) -> None:
        from quanzhou_women.lib.concurrency import keep_versions_of_fixtures
        from reporting.models import ProgressReport

        keep_versions_of_fixtures(ProgressReport)
