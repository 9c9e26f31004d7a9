"""Spreadsheet columns of organisations and of the city federation's departments (部室).

Rows are identified by the official name. A name that differs from a registered one only in
half- and full-width characters or spaces is refused rather than registered twice. Writes go
through ``units.services``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from quanzhou_women.lib import spreadsheets
from quanzhou_women.lib.importing import (
    ChoiceWidget,
    IntegerWidget,
    NameListWidget,
    NameWidget,
    SpreadsheetResource,
    TextWidget,
    YesNoWidget,
)
from quanzhou_women.lib.spreadsheets import CellError, clean_text, normalise_label
from units import services
from units.models import LINKABLE_KINDS, Organisation


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


class CountyListWidget(NameListWidget):
    """The counties of a 挂钩 cell: several names split on line breaks and 、，,;；. A name is the
    organisation's registered name or the county's name without its ending (晋江市 → 晋江市妇联,
    台商投资区 → 台商投资区妇工委); rendered joined with 、, as the notice writes them."""

    endings = ("妇联", "妇工委")

    def lookup(self, name: str, index: dict | None = None) -> Organisation:
        """The organisation called ``name`` or ``name`` + one of ``endings``; raises ``CellError``
        (the message names the cell's value, not the completed name)."""
        try:
            return super().lookup(name, index)
        except CellError as error:
            for ending in self.endings:
                try:
                    return super().lookup(f"{name}{ending}", index)
                except CellError:
                    continue
            raise error

    def render(self, value, obj=None, **kwargs) -> str:
        return "、".join(str(getattr(item, self.field)) for item in (value or []))


class LinkedCountiesResource(_ByNameResource):
    """The city federation's departments and the counties each is linked with (挂钩联系, notice
    泉妇〔2013〕81号: "健全完善挂钩联系"): 部室 | 挂钩县（市、区）.

    A row names a registered department (never creates one) and its counties, several in one cell
    (separated by 、，, or line breaks) or one a row, the department repeated: the department's
    挂钩 counties become the union of its rows in the file (an empty cell alone clears them);
    departments the file does not name keep theirs. Each department is written once, through
    ``units.services.organisation_save`` (``linked_counties``). Row errors, in Chinese, name the
    row, the column and the value: an unknown department or county, a name that is not a
    department, a county that is not a county-level federation or zone committee
    (``LINKABLE_KINDS``). Exports one row a department in the same layout.
    """

    COUNTIES = "挂钩县（市、区）"

    name = Field(attribute="name", column_name="部室", widget=TextWidget())
    linked_counties = Field(
        column_name=COUNTIES,
        widget=CountyListWidget(Organisation.objects.all, what=_("county-level women's federation")),
    )

    key_columns: list[str] = []  # a department may come once a county
    column_aliases = {
        "部室": ["名称", "部室名称", "联系部室", "市妇联部室"],
        COUNTIES: [
            "挂钩县(市、区)",
            "挂钩县（市，区）",
            "挂钩县",
            "挂钩县区",
            "挂钩县（市区）",
            "挂钩联系县（市、区）",
        ],
    }

    class Meta(SpreadsheetResource.Meta):
        model = Organisation
        name = _("Departments' linked counties (挂钩联系)")
        fields = ("name", "linked_counties")
        import_id_fields = ("name",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: normalised department name → the counties of all its rows in the file (``prefetch``).
        self._merged: dict[str, list[Organisation]] = {}
        #: the departments already written in this import (each is written once).
        self._written: set[int] = set()

    def filter_export(self, queryset, **kwargs):
        return queryset.filter(kind=Organisation.Kind.DEPARTMENT).prefetch_related("linked_counties")

    def dehydrate_linked_counties(self, organisation: Organisation) -> str:
        """The department's counties in official order, joined with 、."""
        counties = sorted(organisation.linked_counties.all(), key=lambda c: (c.display_order, c.pinyin_key))
        return self.fields["linked_counties"].widget.render(counties)

    def prefetch(self, dataset) -> None:
        """Merge the counties of every row by department (a bad cell is left to its own row's
        error), and read the departments' history stamps once (``prefetch_records``), so that a
        department written by its first row is not "changed since the preview" on its next."""
        widget = self.fields["linked_counties"].widget
        index = widget.index()
        names = set()
        for row in dataset.dict:
            try:
                department = normalise_label(clean_text(row.get("部室")))
            except (CellError, ValueError):
                continue
            merged = self._merged.setdefault(department, [])
            try:
                counties = widget.clean(row.get(self.COUNTIES), index=index)
            except (CellError, ValueError):
                counties = []
            merged += [county for county in counties if county not in merged]
            names.add(department)
        pks = [o.pk for o in Organisation.objects.only("pk", "name") if normalise_label(o.name) in names]
        self.prefetch_records(pks)

    def get_instance(self, instance_loader, row):
        """The registered department the row names; an unknown name or one that is not a
        department is the row's error (this import registers no organisation)."""
        instance = super().get_instance(instance_loader, row)
        name = spreadsheets.display_value(row.get("部室"))
        if instance is None:
            raise self._row_error(
                ValidationError({"部室": _("“%(value)s” is not a registered department.") % {"value": name}})
            )
        if instance.kind != Organisation.Kind.DEPARTMENT:
            raise self._row_error(
                ValidationError(
                    {"部室": _("%(name)s is registered, but not as a department.") % {"name": instance.name}}
                )
            )
        return instance

    def import_instance(self, instance, row, **kwargs) -> None:
        """Check the row's own counties (each must be a county-level federation or zone committee),
        then give the department the counties of all its rows."""
        super().import_instance(instance, row, **kwargs)
        own = instance.row_extras.get(self.COUNTIES) or []
        wrong = [county.name for county in own if county.kind not in LINKABLE_KINDS]
        if wrong:
            raise ValidationError(
                {
                    self.COUNTIES: _("“%(names)s” is not a county-level women's federation.")
                    % {"names": "、".join(wrong)}
                }
            )
        if self.COUNTIES in row:
            instance.row_extras[self.COUNTIES] = self._merged.get(normalise_label(instance.name), own)

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        if instance.pk in self._written or self.COUNTIES not in extras:
            return
        services.organisation_save(
            actor=self.actor,
            organisation=instance,
            **services.organisation_fields(instance),
            linked_counties=extras[self.COUNTIES],
        )
        self._written.add(instance.pk)
