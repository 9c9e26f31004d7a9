"""Forms of the reporting portal: the 四定 plan, the progress report, evidence, review reasons.

Forms only validate input; the views hand the cleaned data to ``reporting.services``.
"""

from dataclasses import MISSING, fields

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from projects.models import Assignment
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
