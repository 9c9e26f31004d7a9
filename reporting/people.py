"""本级用户: a federation administrator's page of the users below its federation (issue 13 item 3,
"一级带着一级干": a county federation "manages its own rounds and users below it").

The page lists the memberships of the federation's subtree (``Membership.objects.restrict``) and
adds a user with a membership for an organisation below the federation, through
``units.services.federation_user_add`` (roles reporter or federation administrator only). City
administrators manage users in the Django user admin; everybody else gets 403.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzhou_women.lib.querysets import Action
from units import services as unit_services
from units.models import Membership, Organisation, below
from units.roles import Role, federation_of


class FederationUserForm(forms.Form):
    """A new user below ``federation`` (an organisation id): login name, name, password twice, the
    organisation (only those below the federation are offered) and the role."""

    username = forms.CharField(label=gettext_lazy("login name"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("full name"), max_length=150)
    password = forms.CharField(label=gettext_lazy("password"), widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(
        label=gettext_lazy("password again"), widget=forms.PasswordInput, strip=False
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("organisation of the user"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=gettext_lazy("role"),
        choices=[(Role.REPORTER, Role.REPORTER.label), (Role.FEDERATION_ADMIN, Role.FEDERATION_ADMIN.label)],
    )

    def __init__(self, *args, federation: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(below(federation))

    def clean(self) -> dict:
        """The two passwords must be the same."""
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


def people(request: HttpRequest) -> HttpResponse:
    """GET: the users of the federation's subtree and the form; POST: add one
    (``federation_user_add``), then back to the list with a message; a refusal re-shows the form
    with the errors on their fields. 403 for anybody who is not a federation administrator."""
    federation = federation_of(request.user)
    if federation is None:
        raise PermissionDenied
    form = FederationUserForm(request.POST or None, federation=federation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = unit_services.federation_user_add(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                password=data["password"],
                organisation=data["organisation"],
                role=data["role"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("%(name)s (%(username)s) is added to %(organisation)s.")
                % {"name": user.first_name, "username": user.username, "organisation": data["organisation"]},
            )
            return redirect("reporting:people")
    memberships = (
        Membership.objects.restrict(request.user, Action.VIEW)
        .select_related("user", "organisation")
        .order_by("organisation__display_order", "organisation__pinyin_key", "user__username")
    )
    return render(
        request,
        "reporting/people.html",
        {"form": form, "memberships": memberships, "federation": Organisation.objects.get(pk=federation)},
    )
