"""Spreadsheet columns of feature projects and 四定 plans, for the admin's import and export.

Column headers are the Chinese words of the 一览表 and of the 四定 (notice 泉妇〔2013〕81号), the
same on export and import; rows are identified by natural keys (年度 + 序号 + 责任单位 …), never by
database ids. Every write goes through a service, with the importing user as actor.

- ``FeatureProjectResource``: one row per project, the columns of the 一览表 (the official table
  exported by ``projects.overview_table`` imports through it too).
- ``AssignmentKeyResource``: the base of the 四定 resources (``reporting/resources.py``: the flat
  table, steps, indicators), whose rows are written by ``reporting.services.plan_update``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from projects import services
from projects.models import Assignment, Campaign, FeatureProject
from quanzhou_women.lib import spreadsheets
from quanzhou_women.lib.importing import (
    CellError,
    IntegerWidget,
    NameListWidget,
    NameWidget,
    SpreadsheetResource,
    TextWidget,
)
from quanzhou_women.lib.querysets import Action
from quanzhou_women.lib.spreadsheets import normalise_label
from units.models import Organisation

YEAR = "年度"
NUMBER = "序号"
TITLE = "特色项目内容"
GOAL = "创建目标"
UNITS = "责任单位"
LIAISONS = "市妇联联系部室"


class CampaignYearWidget(NameWidget):
    """The 年度 cell: a year names the round the importing user means (``CampaignQuerySet.
    of_year_for``: their own federation's round first, then the city's), since several bodies may
    issue a round in one year (issue 13). ``actor`` is a callable giving the importing user."""

    def __init__(self, actor) -> None:
        super().__init__(Campaign.objects.all, "year", what=_("campaign year"))
        self.actor = actor

    def index(self) -> None:
        """No index of names: a year means a round per user (one query per distinct year)."""
        return None

    def lookup(self, name: str, index: dict | None = None) -> Campaign:
        """The round of the year ``name``; raises ``CellError`` for no year or an unknown one."""
        try:
            year = int(spreadsheets.clean_text(name))
        except (TypeError, ValueError):
            year = None
        campaign = Campaign.objects.of_year_for(self.actor(), year) if year is not None else None
        if campaign is None:
            raise CellError(
                _("“%(value)s” is not a known %(what)s.")
                % {"value": spreadsheets.display_value(name), "what": self.what}
            )
        return campaign


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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = CampaignYearWidget(lambda: self.actor)

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
            actor=self.actor,
            project=instance,
            **services.feature_project_fields(instance),
            responsible_units=extras.get(UNITS),
            liaison_departments=extras.get(LIAISONS),
        )

    def dehydrate_responsible_units(self, project: FeatureProject) -> str:
        return "\n".join(unit.name for unit in project.responsible_units.all())

    def dehydrate_liaison_departments(self, project: FeatureProject) -> str:
        return "\n".join(department.name for department in project.liaison_departments.all())


class AssignmentKeyResource(SpreadsheetResource):
    """Rows that belong to one unit's plan for one project: 年度 | 序号 | 责任单位 lead every row."""

    year = Field(column_name=YEAR, widget=IntegerWidget())
    number = Field(column_name=NUMBER, widget=IntegerWidget())
    project_title = Field(column_name=TITLE, readonly=True)
    unit = Field(column_name=UNITS, widget=NameWidget(_organisations, what=_("organisation")))

    #: Path from the model to its assignment ("" for Assignment itself).
    assignment_path = "assignment__"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Filled by ``prefetch``: (year, 序号) → the visible project; (project id, unit id) → its
        #: assignment; the ids of the assignments the user can see.
        self._projects: dict[tuple[int, int], FeatureProject] | None = None
        self._assignments: dict[tuple[int, int], Assignment] = {}
        self._visible_assignments: set[int] = set()

    def prefetch(self, dataset) -> None:
        """The projects of the file's years and 序号 (those the user can see), their assignments
        with project, campaign and unit: three queries for the whole file, whatever its length."""
        years, numbers = set(), set()
        for values in dataset.dict:
            for name, found in (("year", years), ("number", numbers)):
                try:
                    value = self.clean_value(self.fields[name], values)
                except (ValueError, KeyError):
                    continue
                if isinstance(value, int):
                    found.add(value)
        rounds = [campaign for year in years if (campaign := self._round_of(year)) is not None]
        projects = (
            FeatureProject.objects.restrict(self.actor, Action.VIEW)
            .select_related("campaign")
            .filter(campaign__in=rounds, number__in=numbers)
        )
        self._projects = {(p.campaign.year, p.number): p for p in projects}
        assignments = Assignment.objects.filter(project__in=list(self._projects.values())).select_related(
            "project__campaign", "unit"
        )
        self._assignments = {(a.project_id, a.unit_id): a for a in assignments}
        self._visible_assignments = set(
            Assignment.objects.restrict(self.actor, Action.VIEW)
            .filter(project__in=list(self._projects.values()))
            .values_list("pk", flat=True)
        )

    def _round_of(self, year: int) -> Campaign | None:
        """The round a row's 年度 means for the importing user (``Campaign.objects.of_year_for``:
        their own federation's first, then the city's); one query a year, not a row."""
        rounds = self.__dict__.setdefault("_round_of_year", {})
        if year not in rounds:
            rounds[year] = Campaign.objects.of_year_for(self.actor, year)
        return rounds[year]

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
        """The project (年度, 序号) and unit of a row, among the projects the importing user can see;
        the year names the round ``CampaignQuerySet.of_year_for`` prefers (the user's own
        federation's, then the city's: issue 13). Raises a row ``ValidationError``."""
        year, number, unit = self._key(row)
        if self._projects is not None:
            project = self._projects.get((year, number))
        else:
            campaign = self._round_of(year)
            project = (
                FeatureProject.objects.restrict(self.actor, Action.VIEW)
                .select_related("campaign")
                .filter(campaign=campaign, number=number)
                .first()
                if campaign is not None
                else None
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
        self._check_title(row, project)
        try:
            services.responsible_units_check([unit], field="unit")
        except ValidationError as error:
            raise self._row_error(error) from error
        return project, unit

    def _check_title(self, row, project: FeatureProject) -> None:
        """A row whose 特色项目内容 is not the title of its 序号's project contradicts itself
        (issue 11, "序号 7 with the title of project 2"): refused, naming both values, rather than
        written to the project of the 序号. A blank title is not checked."""
        try:
            given = spreadsheets.clean_text(row.get(TITLE))
        except ValueError:
            given = str(row.get(TITLE))
        if given and normalise_label(given) != normalise_label(project.title):
            raise self._row_error(
                ValidationError(
                    {
                        TITLE: _(
                            "the file gives “%(given)s”, but project %(number)s of %(year)s is "
                            "“%(title)s”; please check the 序号 and the title."
                        )
                        % {
                            "given": spreadsheets.display_value(given),
                            "number": project.number,
                            "year": project.campaign.year,
                            "title": project.title,
                        }
                    }
                )
            )

    def stored_assignment(self, project: FeatureProject, unit: Organisation) -> Assignment | None:
        """The unit's assignment to ``project`` as stored (seen by the user or not), or None."""
        if self._projects is not None:
            return self._assignments.get((project.pk, unit.pk))
        return (
            Assignment.objects.filter(project=project, unit=unit).select_related("project__campaign").first()
        )

    def find_assignment(self, row) -> Assignment:
        """The unit's assignment to the row's project; raises a row ``ValidationError``."""
        project, unit = self.find_project(row)
        assignment = self.stored_assignment(project, unit)
        if (
            assignment is not None
            and assignment.pk not in self._visible_assignments
            and self._projects is not None
        ):
            assignment = None
        elif self._projects is None:
            assignment = (
                Assignment.objects.restrict(self.actor, Action.VIEW)
                .filter(project=project, unit=unit)
                .first()
            )
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
