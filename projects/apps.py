from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Campaigns, their feature projects and every responsible unit's 四定 plan."""

    name = "projects"
    verbose_name = _("Campaigns and feature projects")

    def ready(self) -> None:
        from projects.models import Assignment
        from quanzhou_women.lib.concurrency import keep_versions_of_fixtures

        keep_versions_of_fixtures(Assignment)
