"""Spreadsheet columns of feature projects and 四定 plans, for the admin's import and export.

Column headers are the Chinese words of the 一览表 and of the 四定 (notice 泉妇〔2013〕81号), the
same on export and import; rows are identified by natural keys (年度 + 序号 + 责任单位 …), never by
database ids. Every write goes through ``projects.services``.

- ``FeatureProjectResource``: one row per project, the columns of the 一览表 (the official table
  exported by ``projects.overview_table`` imports through it too).
- ``AssignmentResource``: the flat table, one row per project × responsible unit with the 四定.
- ``MilestoneResource`` and ``IndicatorResource``: steps and measurable targets of each plan.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from projects import services
from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone
from quanzhou_women.lib.importing import (
    CodeWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    NameListWidget,
    NameWidget,
    SpreadsheetResource,
    TextWidget,
)
from units.models import Organisation

YEAR = "年度"
NUMBER = "序号"
TITLE = "特色项目内容"
GOAL = "创建目标"
UNITS = "责任单位"
LIAISONS = "市妇联联系部室"


def _organisations():
    return Organisation.objects.all()


def _liaisons():
    return Organisation.objects.liaisons()


class FeatureProjectResource(SpreadsheetResource):
    """The 一览表 as a table: 年度 | 序号 | 特色项目内容 | 创建目标 | 责任单位 | 市妇联联系部室.

    Units and departments are one per line in their cells. A file without a 年度 column (the
    official table) takes the year from its title line, e.g. "2014年泉州市妇联系统特色工作一览表".
    """

    year = Field(
        attribute="campaign",
        column_name=YEAR,
        widget=NameWidget(Campaign.objects.all, "year", what=_("campaign year")),
    )
    number = Field(attribute="number", column_name=NUMBER, widget=IntegerWidget())
    title = Field(attribute="title", column_name=TITLE, widget=TextWidget())
    goal = Field(attribute="goal", column_name=GOAL, widget=TextWidget())
    responsible_units = Field(
        column_name=UNITS, widget=NameListWidget(_organisations, what=_("organisation"))
    )
    liaison_departments = Field(
        column_name=LIAISONS, widget=NameListWidget(_liaisons, what=_("liaison department"))
    )

    column_aliases = {
        UNITS: ["责任县（区、市）妇联", "责任县(市、区)妇联"],
        LIAISONS: ["联系部室", "市妇联联系部门"],
        TITLE: ["特色项目", "项目名称", "特色工作"],
        GOAL: ["目标"],
    }
    key_columns = [YEAR, NUMBER]

    class Meta(SpreadsheetResource.Meta):
        model = FeatureProject
        name = _("Feature projects (overview table)")
        fields = ("year", "number", "title", "goal", "responsible_units", "liaison_departments")
        import_id_fields = ("year", "number")

    def fill_missing_columns(self, present: set[str]) -> dict[str, object]:
        """The official table has no 年度 column: take the year from its title."""
        if YEAR in present:
            return {}
        for line in self.preamble:
            match = re.search(r"(\d{4})\s*年", line)
            if match:
                return {YEAR: match.group(1)}
        return {}

    def get_instance(self, instance_loader, row):
        errors = {}
        for name in self.get_import_id_fields():
            try:
                self.clean_value(self.fields[name], row)
            except ValueError as error:
                errors[self.fields[name].column_name] = [str(error)]
        if errors:
            raise self._row_error(ValidationError(errors))
        return super().get_instance(instance_loader, row)

    def filter_export(self, queryset, **kwargs):
        """Units and departments preloaded: four queries for the whole export (one counts)."""
        return queryset.select_related("campaign").prefetch_related(
            "responsible_units", "liaison_departments"
        )

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        services.feature_project_save(
            project=instance,
            campaign=instance.campaign,
            number=instance.number,
            title=instance.title,
            goal=instance.goal,
            responsible_units=extras.get(UNITS),
            liaison_departments=extras.get(LIAISONS),
        )

    def dehydrate_responsible_units(self, project: FeatureProject) -> str:
        return "\n".join(unit.name for unit in project.responsible_units.all())

    def dehydrate_liaison_departments(self, project: FeatureProject) -> str:
        return "\n".join(department.name for department in project.liaison_departments.all())


class _AssignmentKeyResource(SpreadsheetResource):
    """Rows that belong to one unit's plan for one project: 年度 | 序号 | 责任单位 lead every row."""

    year = Field(column_name=YEAR, widget=IntegerWidget())
    number = Field(column_name=NUMBER, widget=IntegerWidget())
    project_title = Field(column_name=TITLE, readonly=True)
    unit = Field(column_name=UNITS, widget=NameWidget(_organisations, what=_("organisation")))

    #: Path from the model to its assignment ("" for Assignment itself).
    assignment_path = "assignment__"

    def filter_export(self, queryset, **kwargs):
        """Project, campaign and unit preloaded: one query for the whole export."""
        path = self.assignment_path
        return queryset.select_related(f"{path}project__campaign", f"{path}unit")

    def _key(self, row) -> tuple[int, int, Organisation]:
        errors, values = {}, []
        for name in ("year", "number", "unit"):
            field = self.fields[name]
            try:
                value = self.clean_value(field, row)
            except ValueError as error:
                errors[field.column_name] = [str(error)]
                continue
            if value in (None, ""):
                errors[field.column_name] = [_("This column must be filled in.")]
            values.append(value)
        if errors:
            raise self._row_error(ValidationError(errors))
        return tuple(values)

    def _assignment_of(self, obj) -> Assignment:
        return obj if isinstance(obj, Assignment) else obj.assignment

    def dehydrate_year(self, obj) -> int:
        return self._assignment_of(obj).project.campaign.year

    def dehydrate_number(self, obj) -> int:
        return self._assignment_of(obj).project.number

    def dehydrate_project_title(self, obj) -> str:
        return self._assignment_of(obj).project.title

    def dehydrate_unit(self, obj) -> str:
        return self._assignment_of(obj).unit.name

    def find_project(self, row) -> tuple[FeatureProject, Organisation]:
        """The project (年度, 序号) and unit of a row; raises a row ``ValidationError``."""
        year, number, unit = self._key(row)
        project = (
            FeatureProject.objects.select_related("campaign")
            .filter(campaign__year=year, number=number)
            .first()
        )
        if project is None:
            raise self._row_error(
                ValidationError(
                    {
                        NUMBER: _("the %(year)s campaign has no project %(number)s.")
                        % {"year": year, "number": number}
                    }
                )
            )
        return project, unit

    def find_assignment(self, row) -> Assignment:
        """The unit's assignment to the row's project; raises a row ``ValidationError``."""
        project, unit = self.find_project(row)
        assignment = Assignment.objects.filter(project=project, unit=unit).first()
        if assignment is None:
            raise self._row_error(
                ValidationError(
                    {
                        UNITS: _("%(unit)s is not responsible for project %(number)s of %(year)s.")
                        % {"unit": unit.name, "number": project.number, "year": project.campaign.year}
                    }
                )
            )
        return assignment


class AssignmentResource(_AssignmentKeyResource):
    """The flat table staff fill in: one row per project × responsible unit, with the 四定.

    定目标 (target), 定时限 (deadline), 定责任 (责任人, 职务, 联系电话); 定步骤 are the steps of
    ``MilestoneResource``. A row for a unit not yet responsible for the project adds it.
    """

    target = Field(attribute="target", column_name="定目标", widget=TextWidget())
    deadline = Field(attribute="deadline", column_name="定时限", widget=DateWidget())
    responsible_person = Field(attribute="responsible_person", column_name="责任人", widget=TextWidget())
    responsible_person_position = Field(
        attribute="responsible_person_position", column_name="职务", widget=TextWidget()
    )
    responsible_person_phone = Field(
        attribute="responsible_person_phone", column_name="联系电话", widget=CodeWidget()
    )

    assignment_path = ""
    column_aliases = {
        "定时限": ["截止时间", "完成时限", "截止日期"],
        "定目标": ["目标"],
        "责任人": ["负责人"],
        UNITS: ["责任县（区、市）妇联"],
    }
    key_columns = [YEAR, NUMBER, UNITS]

    class Meta(SpreadsheetResource.Meta):
        model = Assignment
        name = _("Four fixes of every responsible unit (flat table)")
        fields = (
            "year",
            "number",
            "project_title",
            "unit",
            "target",
            "deadline",
            "responsible_person",
            "responsible_person_position",
            "responsible_person_phone",
        )
        import_id_fields = ("year", "number", "unit")

    def get_instance(self, instance_loader, row):
        project, unit = self.find_project(row)
        self._new = Assignment(project=project, unit=unit)
        return (
            Assignment.objects.filter(project=project, unit=unit).select_related("project__campaign").first()
        )

    def init_instance(self, row=None):
        return self._new

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        services.assignment_save(
            assignment=instance,
            project=instance.project,
            unit=instance.unit,
            target=instance.target,
            deadline=instance.deadline,
            responsible_person=instance.responsible_person,
            responsible_person_position=instance.responsible_person_position,
            responsible_person_phone=instance.responsible_person_phone,
        )


class MilestoneResource(_AssignmentKeyResource):
    """Steps of the plans (定步骤): 年度 | 序号 | 责任单位 | 步骤序号 | 步骤 | 完成时限."""

    order = Field(attribute="order", column_name="步骤序号", widget=IntegerWidget())
    title = Field(attribute="title", column_name="步骤", widget=TextWidget())
    due_on = Field(attribute="due_on", column_name="完成时限", widget=DateWidget())

    column_aliases = {"完成时限": ["截止时间", "完成时间"], "步骤": ["步骤内容"]}
    key_columns = [YEAR, NUMBER, UNITS, "步骤序号"]

    class Meta(SpreadsheetResource.Meta):
        model = Milestone
        name = _("Steps (定步骤)")
        fields = ("year", "number", "project_title", "unit", "order", "title", "due_on")
        import_id_fields = ("year", "number", "unit", "order")

    def get_instance(self, instance_loader, row):
        assignment = self.find_assignment(row)
        try:
            order = self.clean_value(self.fields["order"], row)
        except ValueError:
            order = None  # reported with the row
        self._new = Milestone(assignment=assignment)
        return Milestone.objects.filter(assignment=assignment, order=order).first() if order else None

    def init_instance(self, row=None):
        return self._new

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        services.milestone_save(
            milestone=instance,
            assignment=instance.assignment,
            order=instance.order,
            title=instance.title,
            due_on=instance.due_on,
        )


class IndicatorResource(_AssignmentKeyResource):
    """Measurable targets (指标): 年度 | 序号 | 责任单位 | 指标 | 目标值 | 计量单位."""

    name = Field(attribute="name", column_name="指标", widget=TextWidget())
    target_value = Field(attribute="target_value", column_name="目标值", widget=DecimalWidget())
    unit_of_measure = Field(attribute="unit_of_measure", column_name="计量单位", widget=TextWidget())

    column_aliases = {"计量单位": ["单位"], "指标": ["指标名称"]}
    key_columns = [YEAR, NUMBER, UNITS, "指标"]

    class Meta(SpreadsheetResource.Meta):
        model = Indicator
        name = _("Indicators (指标)")
        fields = ("year", "number", "project_title", "unit", "name", "target_value", "unit_of_measure")
        import_id_fields = ("year", "number", "unit", "name")

    def get_instance(self, instance_loader, row):
        assignment = self.find_assignment(row)
        try:
            name = self.clean_value(self.fields["name"], row)
        except ValueError:
            name = ""
        self._new = Indicator(assignment=assignment)
        return Indicator.objects.filter(assignment=assignment, name=name).first() if name else None

    def init_instance(self, row=None):
        return self._new

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        services.indicator_save(
            indicator=instance,
            assignment=instance.assignment,
            name=instance.name,
            unit_of_measure=instance.unit_of_measure,
            target_value=instance.target_value,
        )
