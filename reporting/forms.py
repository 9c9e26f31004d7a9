"""Forms of the reporting portal: the 四定 plan, the progress report, evidence, review reasons.

Forms only validate input; the views hand the cleaned data to ``reporting.services``.
"""

from dataclasses import MISSING, fields

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from projects.models import Assignment, Campaign
from reporting.evidence import ACCEPT_ATTRIBUTE
from reporting.models import MilestoneProgress, ProgressReport
from reporting.services import IndicatorRow, MilestoneRow


class DateInput(forms.DateInput):
    """A date picker that phones understand (``<input type="date">``)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    """The 四定 of one assignment: target (定目标), deadline (定时限), responsible person (定责任)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Assignment
        fields = [
            "target",
            "deadline",
            "responsible_person",
            "responsible_person_position",
            "responsible_person_phone",
        ]
        widgets = {"target": forms.Textarea(attrs={"rows": 3}), "deadline": DateInput()}


class MilestoneRowForm(forms.Form):
    """One step (定步骤) in the plan form."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    order = forms.IntegerField(label=_("order"), min_value=1)
    title = forms.CharField(label=_("step"), max_length=200)
    due_on = forms.DateField(label=_("due date"), required=False, widget=DateInput())


class IndicatorRowForm(forms.Form):
    """One indicator in the plan form."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("indicator"), max_length=100)
    target_value = forms.DecimalField(label=_("target value"), min_value=0, max_digits=12, decimal_places=2)
    unit_of_measure = forms.CharField(label=_("unit of measure"), max_length=20, required=False)


MilestoneFormSet = forms.formset_factory(MilestoneRowForm, extra=1, can_delete=True)
IndicatorFormSet = forms.formset_factory(IndicatorRowForm, extra=1, can_delete=True)


def formset_rows(formset: forms.BaseFormSet, row: type[MilestoneRow] | type[IndicatorRow]) -> list:
    """The filled-in rows of a valid step or indicator formset as service input (``MilestoneRow`` or
    ``IndicatorRow``): each field of ``row`` from the form's cleaned data, ``delete`` from its
    DELETE box; a field the form left empty takes the row's default (else ``None``)."""
    rows = []
    for form in formset.forms:
        if not form.cleaned_data:  # an untouched extra row has no data
            continue
        values = {
            field.name: form.cleaned_data.get(field.name, None if field.default is MISSING else field.default)
            for field in fields(row)
            if field.name != "delete"
        }
        rows.append(row(**values, delete=form.cleaned_data.get("DELETE", False)))
    return rows


class ReportForm(forms.ModelForm):
    """The texts and percent complete of a progress report."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgressReport
        fields = ["progress", "percent_complete", "problems", "next_steps"]
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 5}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].required = False
        self.fields["percent_complete"].validators.append(MaxValueValidator(100))


class MilestoneStateForm(forms.Form):
    """The state of one step in a report (prefix: the row's id)."""

    state = forms.ChoiceField(label=_("state"), choices=MilestoneProgress.State.choices)
    on_date = forms.DateField(label=_("date"), required=False, widget=DateInput())


class IndicatorValueForm(forms.Form):
    """The actual value of one indicator in a report (prefix: the row's id)."""

    actual_value = forms.DecimalField(
        label=_("actual value"), required=False, min_value=0, max_digits=12, decimal_places=2
    )


class MultipleFileInput(forms.ClearableFileInput):
    """A file chooser that takes several files at once (``<input type="file" multiple>``)."""

    allow_multiple_selected = True


class EvidenceForm(forms.Form):
    """Evidence files to attach, any number at once; each is checked by content in the service."""

    files = forms.FileField(
        label=_("evidence file"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "multiple": True}),
        help_text=_("Photos, PDF, Word or Excel files; several may be chosen at once."),
    )


class ReasonForm(forms.Form):
    """A review decision's reason or comment; required for returning."""

    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NewRoundForm(forms.ModelForm):
    """The admin's 「开启新一轮」 (issue 12, item 1): the new year, its notice and cadence, and per
    project of ``source`` whether it carries over and with which responsible units and liaison
    departments (fields ``project_<序号>``, ``units_<序号>``, ``departments_<序号>``; all ticked at
    first). ``selection()`` gives the arguments of ``reporting.rounds.round_selection``. Validates
    input only (the campaign's fields as the model checks them, a year in use included);
    ``round_start`` checks everything again.
    """

    source = forms.IntegerField(widget=forms.HiddenInput)
    copy_plans = forms.TypedChoiceField(
        label=_("the four fixes"),
        choices=[
            ("no", _("leave them empty for the units to fill in")),
            ("yes", _("copy each unit's four fixes as a draft (dates a year later) for the unit to revise")),
        ],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Campaign
        fields = ["year", "name", "document_number", "document_title", "issued_on", "reporting_cadence"]
        widgets = {
            "issued_on": DateInput,
            "name": forms.TextInput(attrs={"class": "vTextField"}),
            "document_title": forms.TextInput(attrs={"class": "vLargeTextField"}),
        }
        labels = {"year": _("year of the new round")}

    def __init__(self, *args, source: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.source_campaign = source
        for name, value in {
            "source": source.pk,
            "year": source.year + 1,
            "name": source.name.replace(str(source.year), str(source.year + 1)),
            "reporting_cadence": source.reporting_cadence,
        }.items():
            self.fields[name].initial = value
        self.projects = list(
            source.projects.prefetch_related("liaison_departments", "assignments__unit").order_by("number")
        )
        self.organisations = {}
        for project in self.projects:
            units = [assignment.unit for assignment in project.assignments.all()]
            departments = list(project.liaison_departments.all())
            self.organisations.update({o.pk: o for o in [*units, *departments]})
            self.fields[f"project_{project.number}"] = forms.BooleanField(
                label=project.title, required=False, initial=True
            )
            for key, label, organisations in [
                ("units", _("responsible units"), units),
                ("departments", _("liaison departments"), departments),
            ]:
                self.fields[f"{key}_{project.number}"] = forms.TypedMultipleChoiceField(
                    label=label,
                    choices=[(o.pk, o.name) for o in organisations],
                    coerce=int,
                    required=False,
                    initial=[o.pk for o in organisations],
                    widget=forms.CheckboxSelectMultiple,
                )

    def main_fields(self) -> list:
        """The bound fields of the new campaign and the choice about the 四定, for the page."""
        return [self[name] for name in [*self._meta.fields, "copy_plans"]]

    def project_rows(self) -> list[tuple]:
        """Per project of the source: the project, and its three bound fields (carry over, units,
        departments), for the page."""
        return [
            (p, self[f"project_{p.number}"], self[f"units_{p.number}"], self[f"departments_{p.number}"])
            for p in self.projects
        ]

    def clean_year(self) -> int:
        """A year the source's issuing body has no round of yet (rounds are unique per issuing body
        and year, issue 13), named in the message."""
        year = self.cleaned_data["year"]
        if Campaign.objects.filter(year=year, issuing_body=self.source_campaign.issuing_body_id).exists():
            raise forms.ValidationError(
                _("There is already a campaign of %(year)s: choose another year.") % {"year": year}
            )
        return year

    def clean(self) -> dict:
        """At least one project carried over."""
        data = super().clean()
        if not any(data.get(f"project_{p.number}") for p in self.projects):
            raise forms.ValidationError(_("Choose at least one feature project to carry over."))
        return data

    def selection(self) -> dict:
        """The chosen projects, units and departments as ``round_selection`` takes them."""
        data = self.cleaned_data
        numbers = {p.number for p in self.projects if data.get(f"project_{p.number}")}
        return {
            "source": self.source_campaign,
            "numbers": numbers,
            "units": {n: [self.organisations[pk] for pk in data.get(f"units_{n}", [])] for n in numbers},
            "departments": {
                n: [self.organisations[pk] for pk in data.get(f"departments_{n}", [])] for n in numbers
            },
            "copy_plans": data["copy_plans"],
        }

    def campaign_fields(self) -> dict:
        """The new campaign's own fields as ``round_start`` takes them."""
        data = self.cleaned_data
        return {name: data[name] for name in self._meta.fields}
