"""Operating the portal: backups and restores."""

from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    """Commands for running the portal on a server; it has no models."""

    name = "maintenance"
