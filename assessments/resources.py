"""The 考评细则 as a spreadsheet, for the admin's import and export (issue 14, item 1).

Columns: 年度 | 考评要素 | 序号 | 考评内容 | 分值 | 评分说明 | 佐证材料. A row is identified by
年度 + 序号; 考评要素 names an element of that year's scheme (a new name makes a new element).
Every row, created or changed, goes through ``assessments.services.criterion_save`` (city
administrators, unissued schemes only).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from assessments import services
from assessments.models import AssessmentScheme, Criterion, CriterionGroup
from quanzhou_women.lib.importing import (
    DecimalWidget,
    IntegerWidget,
    NameWidget,
    SpreadsheetResource,
    TextWidget,
)
from quanzhou_women.lib.spreadsheets import CellError, clean_text, display_value

YEAR = "年度"
GROUP = "考评要素"
NUMBER = "序号"


def _schemes():
    return AssessmentScheme.objects.select_related("campaign")


class SchemeYearWidget(NameWidget):
    """The scheme named by the year of its campaign; ``CellError`` for a year without one."""

    def __init__(self) -> None:
        super().__init__(_schemes, "campaign__year", what=_("assessment scheme year"))

    def index(self) -> None:
        """No index: a year names its scheme directly (one query per distinct year of the file)."""
        return None

    def lookup(self, name: str, index: dict | None = None) -> AssessmentScheme:
        year = IntegerWidget().clean(name)
        found = _schemes().filter(campaign__year=year).first() if year is not None else None
        if found is None:
            raise CellError(
                _("“%(value)s” is not the year of an assessment scheme.") % {"value": display_value(name)}
            )
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(value.campaign.year)


class CriterionResource(SpreadsheetResource):
    """Criteria of the 考评细则: 年度 | 考评要素 | 序号 | 考评内容 | 分值 | 评分说明 | 佐证材料."""

    scheme = Field(attribute="scheme", column_name=YEAR, widget=SchemeYearWidget())
    group_name = Field(column_name=GROUP, widget=TextWidget())
    order = Field(attribute="order", column_name=NUMBER, widget=IntegerWidget())
    title = Field(attribute="title", column_name="考评内容", widget=TextWidget())
    points = Field(attribute="points", column_name="分值", widget=DecimalWidget())
    description = Field(attribute="description", column_name="评分说明", widget=TextWidget())
    evidence_expected = Field(attribute="evidence_expected", column_name="佐证材料", widget=TextWidget())

    column_aliases = {"考评内容": ["考评项目", "内容"], "评分说明": ["评分标准"], "佐证材料": ["佐证"]}
    key_columns = [YEAR, NUMBER]

    class Meta(SpreadsheetResource.Meta):
        model = Criterion
        name = _("Assessment criteria (考评细则)")
        fields = ("scheme", "group_name", "order", "title", "points", "description", "evidence_expected")
        import_id_fields = ("scheme", "order")

    def dehydrate_group_name(self, criterion: Criterion) -> str:
        return criterion.group.name if criterion.group_id else ""

    def get_instance(self, instance_loader, row):
        """The criterion of that year's scheme with that number, or ``None`` (a new one)."""
        try:
            scheme = self.clean_value(self.fields["scheme"], row)
            order = self.clean_value(self.fields["order"], row)
        except ValueError:
            scheme = order = None  # reported with the row
        self._new = Criterion(scheme=scheme) if scheme else Criterion()
        if scheme is None or order is None:
            return None
        return Criterion.objects.filter(scheme=scheme, order=order).select_related("group").first()

    def init_instance(self, row=None):
        return self._new

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        """The element by name (made through ``group_save`` when new), then ``criterion_save``."""
        name = clean_text(extras.get(GROUP) or "")
        if not name:
            raise ValidationError({GROUP: _("Name the element (考评要素) of the criterion.")})
        try:
            group = CriterionGroup.objects.filter(scheme=instance.scheme, name=name).first()
            if group is None:
                order = instance.scheme.groups.count() + 1
                group = services.group_save(
                    actor=self.actor, group=CriterionGroup(scheme=instance.scheme, name=name, order=order)
                )
            instance.group = group
            services.criterion_save(actor=self.actor, criterion=instance)
        except services.WorkflowError as error:
            raise ValidationError(str(error)) from error
