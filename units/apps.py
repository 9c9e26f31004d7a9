from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def city_administrators_only(user, action):
    """The rule of every model without one of its own (Django's users and groups, django-axes'
    login records …): city administrators view and change them, nobody else."""
    from quanzhou_women.lib.querysets import EVERYTHING, NOTHING
    from units.roles import is_city_admin

    return EVERYTHING if is_city_admin(user) else NOTHING


class UnitsConfig(AppConfig):
    """Organisations of the women's federation system of Quanzhou."""

    name = "units"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from quanzhou_women.lib.querysets import set_default_restriction

        set_default_restriction(city_administrators_only)
