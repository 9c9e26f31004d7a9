from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


def keep_version_on_raw_save(sender, instance, raw: bool = False, **kwargs) -> None:
    """Loading a fixture (a "raw" save) stores rows as they are: it does not bump their version."""
    if raw:
        instance._concurrency_disable_increment = True


class ReportingConfig(AppConfig):
    """Progress reporting: 四定 plans, reporting periods, reports, evidence, reviews, notifications."""

    name = "reporting"
    verbose_name = _("Progress reporting")

    def ready(self) -> None:
        from projects.models import Assignment
        from reporting.models import ProgressReport

        for model in (Assignment, ProgressReport):
            pre_save.connect(
                keep_version_on_raw_save, sender=model, dispatch_uid=f"raw-version-{model.__name__}"
            )
