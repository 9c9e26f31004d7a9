"""Spreadsheet columns of organisations and of the city federation's departments (部室).

Rows are identified by the official name. A name that differs from a registered one only in
half- and full-width characters or spaces is refused rather than registered twice. Writes go
through ``units.services``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from quanzhou_women.lib.importing import (
    ChoiceWidget,
    IntegerWidget,
    NameWidget,
    SpreadsheetResource,
    TextWidget,
    YesNoWidget,
)
from quanzhou_women.lib.spreadsheets import normalise_label
from units import services
from units.models import Organisation


class _ByNameResource(SpreadsheetResource):
    """Looks the row's organisation up by its exact name; a near-duplicate name is an error."""

    key_columns = ["名称"]

    def get_instance(self, instance_loader, row):
        try:
            name = self.clean_value(self.fields["name"], row)
        except ValueError as error:
            raise self._row_error(ValidationError({"名称": [str(error)]})) from error
        exact = Organisation.objects.filter(name=name).first()
        if exact or not name:
            return exact
        wanted = normalise_label(name)
        near = [o.name for o in Organisation.objects.only("name") if normalise_label(o.name) == wanted]
        if near:
            raise self._row_error(
                ValidationError(
                    {
                        "名称": _(
                            "“%(value)s” differs from the registered “%(name)s” only in "
                            "full-width characters or spaces; please use the registered name."
                        )
                        % {"value": name, "name": near[0]}
                    }
                )
            )
        return None


class OrganisationResource(_ByNameResource):
    """Organisations: 名称 | 类别 | 上级单位 | 联系部室 (是/否) | 排序."""

    name = Field(attribute="name", column_name="名称", widget=TextWidget())
    kind = Field(attribute="kind", column_name="类别", widget=ChoiceWidget(Organisation.Kind))
    parent = Field(
        attribute="parent",
        column_name="上级单位",
        widget=NameWidget(Organisation.objects.all, what=_("organisation")),
    )
    is_liaison = Field(attribute="is_liaison", column_name="联系部室", widget=YesNoWidget())
    display_order = Field(attribute="display_order", column_name="排序", widget=IntegerWidget(), default=1000)

    column_aliases = {"名称": ["单位名称", "单位"], "上级单位": ["上级"], "排序": ["顺序", "显示顺序"]}

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("parent")

    class Meta(SpreadsheetResource.Meta):
        model = Organisation
        name = _("Organisations")
        fields = ("name", "kind", "parent", "is_liaison", "display_order")
        import_id_fields = ("name",)

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        services.organisation_save(
            actor=self.actor, organisation=instance, **services.organisation_fields(instance)
        )


class DepartmentResource(_ByNameResource):
    """Departments (部室) of the city federation: 名称 | 排序; they can all be liaison departments."""

    name = Field(attribute="name", column_name="名称", widget=TextWidget())
    display_order = Field(attribute="display_order", column_name="排序", widget=IntegerWidget(), default=1000)

    column_aliases = {"名称": ["部室", "部室名称"], "排序": ["顺序"]}

    class Meta(SpreadsheetResource.Meta):
        model = Organisation
        name = _("Departments of the city federation")
        fields = ("name", "display_order")
        import_id_fields = ("name",)

    def filter_export(self, queryset, **kwargs):
        return queryset.filter(kind=Organisation.Kind.DEPARTMENT)

    def init_instance(self, row=None):
        city = (
            Organisation.objects.filter(kind=Organisation.Kind.CITY_FEDERATION)
            .order_by("display_order")
            .first()
        )
        return Organisation(kind=Organisation.Kind.DEPARTMENT, is_liaison=True, parent=city)

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        if instance.kind != Organisation.Kind.DEPARTMENT:
            raise ValidationError(
                {"name": _("%(name)s is registered, but not as a department.") % {"name": instance.name}}
            )
        fields = {**services.organisation_fields(instance), "is_liaison": True}
        services.organisation_save(actor=self.actor, organisation=instance, **fields)
