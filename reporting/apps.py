from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Progress reporting: 四定 plans, reporting periods, reports, evidence, reviews, notifications."""

    name = "reporting"
    verbose_name = _("Progress reporting")
