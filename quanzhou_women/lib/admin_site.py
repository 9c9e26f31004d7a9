"""The portal's admin site: every registered admin is scoped (``ScopedAdminMixin``) and every
history admin is read-only (``ScopedHistoryMixin``), whoever registered it — the portal's apps,
Django's users and groups, django-axes. A new admin is scoped by itself.

Installed as the default ``admin.site`` by ``quanzhou_women.lib.apps.PortalAdminConfig``.
"""

from django.contrib.admin import AdminSite, ModelAdmin


def scoped_admin_class(admin_class: type[ModelAdmin]) -> type[ModelAdmin]:
    """``admin_class`` with ``ChineseDeletionMixin`` and ``ScopedAdminMixin`` (and, for a history
    admin, ``ScopedHistoryMixin``) in front; the class itself when it has them already."""
    from simple_history.admin import SimpleHistoryAdmin

    from quanzhou_women.lib.admin import ChineseDeletionMixin, ScopedAdminMixin, ScopedHistoryMixin

    mixins = []
    if not issubclass(admin_class, ChineseDeletionMixin):
        mixins.append(ChineseDeletionMixin)
    if not issubclass(admin_class, ScopedAdminMixin):
        mixins.append(ScopedAdminMixin)
    if issubclass(admin_class, SimpleHistoryAdmin) and not issubclass(admin_class, ScopedHistoryMixin):
        mixins.append(ScopedHistoryMixin)
    if not mixins:
        return admin_class
    return type(
        admin_class.__name__,
        (*mixins, admin_class),
        {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
    )


class PortalAdminSite(AdminSite):
    """Django's admin site whose ``register`` scopes every admin (``scoped_admin_class``)."""

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        """Register like Django, with ``admin_class`` (default ``ModelAdmin``) scoped."""
        super().register(model_or_iterable, scoped_admin_class(admin_class or ModelAdmin), **options)
