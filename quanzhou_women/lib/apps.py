from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin with the portal's scoped admin site as ``admin.site``, and Chinese for what
    third-party apps show in English (``quanzhou_women.lib.third_party_chinese``)."""

    default_site = "quanzhou_women.lib.admin_site.PortalAdminSite"

    def ready(self) -> None:
        """Django's admin autodiscovery, then the third-party names."""
        super().ready()
        from quanzhou_women.lib import third_party_chinese

        third_party_chinese.apply()
