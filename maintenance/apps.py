"""Operating the portal: backups and restores."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    """Commands for running the portal on a server; it has no models."""

    name = "maintenance"
    verbose_name = _("Maintenance")
