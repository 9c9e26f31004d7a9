"""Forms of the 自评 pages: one form per criterion (score, explanation, evidence files) and the
review's reason. Forms only validate input; the views hand the cleaned data to
``assessments.services``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Criterion, SelfScore
from assessments.services import score_errors


class VersionForm(forms.Form):
    """The version of the self-assessment the form was opened at (django-concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ScoreForm(forms.Form):
    """One criterion of the 自评: the unit's score (0 to the criterion's points) and its explanation.
    Its evidence files come as ``<prefix>-files`` (any number; the view reads them from
    ``request.FILES`` and the service checks each by content, ``reporting.evidence``)."""

    score = forms.DecimalField(label=_("score"), required=False, max_digits=5, decimal_places=1, min_value=0)
    explanation = forms.CharField(
        label=_("explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criterion: Criterion, row: SelfScore, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criterion, self.row = criterion, row
        self.fields["score"].widget.attrs.update({"max": f"{criterion.points.normalize():f}", "step": "0.5"})

    def clean_score(self):
        """A score above the criterion's points is refused in Chinese, naming the criterion."""
        score = self.cleaned_data.get("score")
        message = score_errors(self.criterion, score)
        if message:
            raise forms.ValidationError(message)
        return score


class ReasonForm(forms.Form):
    """A review decision's reason or comment; required for returning."""

    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InspectionScoreForm(forms.Form):
    """One criterion of the 实地检查 on a phone: the inspector's score (0 to the points, a big
    numeric input) and note; photos come as ``<prefix>-files``; ``base`` the value shown when the
    form was opened (``services.inspection_update`` uses it to refuse only a real conflict)."""

    score = forms.DecimalField(label=_("score"), required=False, max_digits=5, decimal_places=1, min_value=0)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    base_score = forms.CharField(required=False, widget=forms.HiddenInput)
    base_note = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)

    def __init__(self, *args, criterion: Criterion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.fields["score"].widget.attrs.update(
            {"max": f"{criterion.points.normalize():f}", "step": "0.5", "inputmode": "decimal"}
        )
        self.fields["note"].strip = False

    def clean_score(self):
        score = self.cleaned_data.get("score")
        message = score_errors(self.criterion, score)
        if message:
            raise forms.ValidationError(message)
        return score


class InspectionForm(forms.Form):
    """The whole inspection: the version it was opened at, the visit date, the bonus points."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    visited_on = forms.DateField(
        label=_("visited on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    bonus = forms.DecimalField(
        label=_("bonus points"), required=False, max_digits=5, decimal_places=1, min_value=0
    )
    bonus_note = forms.CharField(
        label=_("reason for the bonus points"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    """A city administrator, or a county's administrator in its own round, assigns inspectors to a
    unit (``services.inspection_assign``; the choices: ``services.assignable_units`` and
    ``services.assignable_inspectors``)."""

    organisation = forms.ModelChoiceField(label=_("unit"), queryset=None)
    inspectors = forms.ModelMultipleChoiceField(label=_("inspectors"), queryset=None)
    visited_on = forms.DateField(
        label=_("visited on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units, users, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = units
        self.fields["inspectors"].queryset = users
