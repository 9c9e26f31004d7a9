"""Spreadsheet columns of the 四定 plans, for the admin's import and export: the flat table
(``AssignmentResource``), the steps (``MilestoneResource``) and the indicators
(``IndicatorResource``); the columns are described in ``docs/import-export.md``.

They live here, not in ``projects``, because every row they write — created or changed — goes
through ``reporting.services.plan_update``, the one writer of a plan, which checks the importing
user's scope, role and the plan's lock (``reporting.Plan``) and the deadline rule.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from projects import services as project_services
from projects.models import Assignment, Indicator, Milestone
from projects.resources import NUMBER, UNITS, YEAR, AssignmentKeyResource
from quanzhou_women.lib.importing import (
    CodeWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    SpreadsheetResource,
    TextWidget,
)
from reporting import services


@contextmanager
def _as_row_errors():
    """A locked plan (``WorkflowError``) is an error of the row, like a ``ValidationError``."""
    try:
        yield
    except services.WorkflowError as error:
        raise ValidationError(str(error)) from error


class AssignmentResource(AssignmentKeyResource):
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
        use_bulk = True  # no savepoint per row: the file is written at the end (``save_rows``)

    bulk_save = True

    def get_instance(self, instance_loader, row):
        """The row's assignment. A unit not responsible for the project is refused unless the user
        ticked 「同时新增责任单位」 on upload (``options["add_units"]``), so that a mistyped 序号 never
        silently makes a new responsibility (issue 11, "silent new responsibilities")."""
        project, unit = self.find_project(row)
        self._new = Assignment(project=project, unit=unit)
        assignment = self.stored_assignment(project, unit)
        if assignment is None and not self.options.get("add_units"):
            raise self._row_error(
                ValidationError(
                    {
                        UNITS: _(
                            "“%(unit)s” is not a responsible unit of project %(number)s of %(year)s "
                            "(“%(title)s”). Check the 序号; to make it responsible, tick "
                            "“also add new responsible units” when uploading."
                        )
                        % {
                            "unit": unit.name,
                            "number": project.number,
                            "year": project.campaign.year,
                            "title": project.title,
                        }
                    }
                )
            )
        return assignment

    def init_instance(self, row=None):
        return self._new

    def prefetch(self, dataset) -> None:
        """Projects and assignments of the whole file (``AssignmentKeyResource.prefetch``), then the
        assignments' scope and last history ids: five queries, whatever the file's length."""
        super().prefetch(dataset)
        self.prefetch_records(assignment.pk for assignment in self._assignments.values())

    def save_rows(self, pending, *, dry_run: bool) -> dict[int, Exception]:
        """The whole file through one call of ``reporting.services.plan_update_many`` (the bulk form
        of ``plan_update``: scope, role, lock, the deadline rule, a new unit only by who may change
        the project), checked only in the preview, written with history rows on confirm."""
        changes = [
            services.PlanChange(assignment=row.instance, **services.plan_fields(row.instance))
            for row in pending
        ]
        return services.plan_update_many(
            actor=self.actor, changes=changes, write=not dry_run, reason=str(_("Imported from a spreadsheet"))
        )

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        """A new unit joins the project (``projects.services.assignment_add``: city administrators
        only); the 四定 go through ``plan_update`` with the plan's steps and indicators as stored."""
        with _as_row_errors():
            if instance.pk is None:
                assignment = project_services.assignment_add(
                    actor=self.actor, project=instance.project, unit=instance.unit
                )
                milestones, indicators = [], []  # a new assignment has none yet
            else:
                assignment = instance
                milestones, indicators = services.plan_rows(assignment)
            services.plan_update(
                assignment=assignment,
                actor=self.actor,
                version=None,
                **services.plan_fields(instance),
                milestones=milestones,
                indicators=indicators,
            )


class PlanPartResource(AssignmentKeyResource):
    """The base of the resources of a plan's parts (steps, indicators): a row names its assignment
    and the part's key within it (``part_key``: a step's order, an indicator's name)."""

    part_key = ""
    #: The keyword of ``services.plan_parts_save`` the rows go to ("milestones" or "indicators").
    parts_argument = ""
    bulk_save = True  # one service call per plan of the file (``save_rows``), not one per row

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Filled by ``prefetch``: (assignment id, part key) → the stored part.
        self._parts: dict[tuple[int, object], object] | None = None

    def get_instance(self, instance_loader, row):
        assignment = self.find_assignment(row)
        try:
            key = self.clean_value(self.fields[self.part_key], row)
        except ValueError:
            key = None  # reported with the row
        model = self._meta.model
        self._new = model(assignment=assignment)
        if not key:
            return None
        if self._parts is not None:
            return self._parts.get((assignment.pk, key))
        return model.objects.filter(assignment=assignment, **{self.part_key: key}).first()

    def prefetch(self, dataset) -> None:
        """Projects and assignments of the whole file (``AssignmentKeyResource.prefetch``), the live
        parts of those assignments by (assignment, key), and their scope and last history ids: a
        constant number of queries for the lookups (the rows are written plan by plan, ``save_rows``)."""
        super().prefetch(dataset)
        parts = self._meta.model.objects.filter(assignment__in=self._visible_assignments)
        self._parts = {(part.assignment_id, getattr(part, self.part_key)): part for part in parts}
        by_pk = {assignment.pk: assignment for assignment in self._assignments.values()}
        for part in self._parts.values():  # the assignment as prefetched, with project, campaign, unit
            part.assignment = by_pk[part.assignment_id]
        self.prefetch_records(part.pk for part in self._parts.values())

    def init_instance(self, row=None):
        return self._new

    def part_row(self, instance):
        """The row for ``services.plan_parts_save`` (a ``MilestoneRow`` or an ``IndicatorRow``)."""
        raise NotImplementedError

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        """One row through ``plan_update`` (scope, lock, the deadline rule), the plan's other parts
        as stored."""
        with _as_row_errors():
            services.plan_parts_save(
                actor=self.actor,
                assignment=instance.assignment,
                **{self.parts_argument: [self.part_row(instance)]},
            )

    def save_rows(self, pending, *, dry_run: bool) -> dict[int, Exception]:
        """The whole file through one call of ``services.plan_parts_save_many`` (the bulk form of
        ``plan_parts_save``, with every check of ``plan_update``), checked only in the preview,
        written with history rows on confirm. A plan that is refused is tried again row by row, so
        that each error names its own row (a plan whose rows pass one by one, e.g. two rows with
        one step number, is refused at its first row). Returns ``{index in pending: error}``."""
        by_plan: dict[int, list[int]] = {}
        for index, row in enumerate(pending):
            by_plan.setdefault(row.instance.assignment.pk, []).append(index)
        plans = list(by_plan.values())
        changes = [
            services.PlanParts(
                assignment=pending[indexes[0]].instance.assignment,
                **{self.parts_argument: [self.part_row(pending[index].instance) for index in indexes]},
            )
            for indexes in plans
        ]
        refused = services.plan_parts_save_many(
            actor=self.actor, changes=changes, write=not dry_run, reason=str(_("Imported from a spreadsheet"))
        )
        errors: dict[int, Exception] = {}
        refusals = (ValidationError, PermissionDenied, services.WorkflowError)
        for plan, plan_error in refused.items():
            for index in plans[plan]:
                try:
                    with transaction.atomic():
                        self.save_row(pending[index].instance, is_create=False, extras={})
                except refusals as error:
                    errors[index] = error
            if not errors.keys() & set(plans[plan]):
                errors[plans[plan][0]] = plan_error
        return errors


class MilestoneResource(PlanPartResource):
    """Steps of the plans (定步骤): 年度 | 序号 | 责任单位 | 步骤序号 | 步骤 | 完成时限."""

    order = Field(attribute="order", column_name="步骤序号", widget=IntegerWidget())
    title = Field(attribute="title", column_name="步骤", widget=TextWidget())
    due_on = Field(attribute="due_on", column_name="完成时限", widget=DateWidget())

    column_aliases = {"完成时限": ["截止时间", "完成时间"], "步骤": ["步骤内容"]}
    key_columns = [YEAR, NUMBER, UNITS, "步骤序号"]
    part_key = "order"
    parts_argument = "milestones"

    class Meta(SpreadsheetResource.Meta):
        model = Milestone
        name = _("Steps (定步骤)")
        fields = ("year", "number", "project_title", "unit", "order", "title", "due_on")
        import_id_fields = ("year", "number", "unit", "order")
        use_bulk = True  # no savepoint per row: the plans are written at the end (``save_rows``)

    def part_row(self, instance) -> services.MilestoneRow:
        return services.MilestoneRow(instance.pk, instance.order, instance.title, instance.due_on)


class IndicatorResource(PlanPartResource):
    """Measurable targets (指标): 年度 | 序号 | 责任单位 | 指标 | 目标值 | 计量单位."""

    name = Field(attribute="name", column_name="指标", widget=TextWidget())
    target_value = Field(attribute="target_value", column_name="目标值", widget=DecimalWidget())
    unit_of_measure = Field(attribute="unit_of_measure", column_name="计量单位", widget=TextWidget())

    column_aliases = {"计量单位": ["单位"], "指标": ["指标名称"]}
    key_columns = [YEAR, NUMBER, UNITS, "指标"]
    part_key = "name"
    parts_argument = "indicators"

    class Meta(SpreadsheetResource.Meta):
        model = Indicator
        name = _("Indicators (指标)")
        fields = ("year", "number", "project_title", "unit", "name", "target_value", "unit_of_measure")
        import_id_fields = ("year", "number", "unit", "name")
        use_bulk = True  # no savepoint per row: the plans are written at the end (``save_rows``)

    def part_row(self, instance) -> services.IndicatorRow:
        return services.IndicatorRow(
            instance.pk, instance.name, instance.target_value, instance.unit_of_measure
        )
