from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin with the portal's scoped admin site as ``admin.site``."""

    default_site = "quanzhou_women.lib.admin_site.PortalAdminSite"
