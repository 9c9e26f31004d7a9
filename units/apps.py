from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    """Organisations of the women's federation system of Quanzhou."""

    name = "units"
    verbose_name = _("Organisations")
