"""Admin of organisations and of users' memberships for city staff.

Organisations: the tree, the kinds and the official order. Users: each user's organisation and
role (``Membership``) is edited on the user's page, so that city staff manage users in one place.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quanzhou_women.lib.admin import PortalModelAdmin, ScopedAdminMixin
from quanzhou_women.lib.admin_writes import ServiceErrorsAdminMixin
from quanzhou_women.lib.importing import SpreadsheetAdminMixin
from units import services
from units.list_filters import OrganisationTreeFilter
from units.models import Membership, Organisation
from units.resources import DepartmentResource, LinkedCountiesResource, OrganisationResource


class ServiceDeletesMixin:
    """Deletes from the admin (one object or the list's action) go through
    ``units.services.record_delete``, which checks the user's change scope."""

    def delete_model(self, request: HttpRequest, obj) -> None:
        services.record_delete(actor=request.user, record=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            services.record_delete(actor=request.user, record=obj)


@admin.register(Organisation)
class OrganisationAdmin(
    ServiceErrorsAdminMixin, ServiceDeletesMixin, ScopedAdminMixin, SpreadsheetAdminMixin, PortalModelAdmin
):
    """Organisations in official order; the counts show each body's load in the campaign."""

    resource_classes = [OrganisationResource, DepartmentResource, LinkedCountiesResource]

    list_display = [
        "name",
        "kind",
        "parent",
        "is_liaison",
        "display_order",
        "assignment_count",
        "followed_project_count",
    ]
    list_display_links = ["name"]
    list_editable = ["display_order"]
    list_filter = ["kind", "is_liaison"]
    list_select_related = ["parent"]
    search_fields = ["name", "parent__name", "division_code"]
    autocomplete_fields = ["parent", "linked_counties"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "parent", "division_code"]}),
        (_("Role in the campaign"), {"fields": ["is_liaison", "linked_counties", "display_order"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Organisation, form, change: bool) -> None:
        """Save the change form and each row of the list's 排序 column (``list_editable``) through
        ``units.services.organisation_save``, which locks the tree path and checks for loops."""
        linked = form.cleaned_data.get("linked_counties") if "linked_counties" in form.cleaned_data else None
        services.organisation_save(
            actor=request.user,
            organisation=obj,
            **services.organisation_fields(obj),
            linked_counties=None if linked is None else list(linked),
        )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """Nothing more to write: the 挂钩 counties were saved by ``organisation_save``."""

    def get_fieldsets(self, request: HttpRequest, obj: Organisation | None = None):
        """The 挂钩 counties only where they mean something: on a department's page."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.kind == Organisation.Kind.DEPARTMENT:
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "linked_counties"]})
            for name, opts in fieldsets
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        """Count carried and followed projects in the list's one query."""
        return (
            super()
            .get_queryset(request)
            .annotate(
                assignment_total=Count("assignments", distinct=True),
                followed_total=Count("followed_projects", distinct=True),
            )
        )

    @admin.display(description=_("responsible for"), ordering="assignment_total")
    def assignment_count(self, obj: Organisation) -> int:
        """Number of feature projects the body is responsible for."""
        return obj.assignment_total

    @admin.display(description=_("liaison for"), ordering="followed_total")
    def followed_project_count(self, obj: Organisation) -> int:
        """Number of feature projects the body follows as liaison department."""
        return obj.followed_total


class MembershipInline(admin.StackedInline):
    """The user's organisation and role in the campaign."""

    model = Membership
    fields = ["organisation", "role", "is_demo"]
    readonly_fields = ["is_demo"]
    autocomplete_fields = ["organisation"]
    can_delete = True
    extra = 0
    max_num = 1


def _membership_save(request: HttpRequest, membership: Membership) -> None:
    services.membership_save(
        actor=request.user,
        membership=membership if membership.pk else None,
        user=membership.user,
        organisation=membership.organisation,
        role=membership.role,
    )


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class PortalUserAdmin(ServiceErrorsAdminMixin, UserAdmin):
    """Django's user admin with the user's membership (organisation and role) and role filter."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "organisation", "role", "is_staff", "is_active"]
    list_filter = [
        "membership__role",
        "is_staff",
        "is_active",
        ("membership__organisation", OrganisationTreeFilter),
    ]
    list_select_related = ["membership__organisation"]
    search_fields = ["username", "first_name", "last_name", "email", "membership__organisation__name"]

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        """The membership inline writes through ``units.services`` (scope, role rules, history)."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        for membership in formset.save(commit=False):
            _membership_save(request, membership)
        for membership in formset.deleted_objects:
            services.record_delete(actor=request.user, record=membership)

    @admin.display(description=_("organisation"), ordering="membership__organisation__display_order")
    def organisation(self, obj) -> str:
        """The user's organisation, or a dash."""
        membership = getattr(obj, "membership", None)
        return str(membership.organisation) if membership else "—"

    @admin.display(description=_("role"), ordering="membership__role")
    def role(self, obj) -> str:
        """The user's role, or a dash."""
        membership = getattr(obj, "membership", None)
        return membership.get_role_display() if membership else "—"


@admin.register(Membership)
class MembershipAdmin(ServiceErrorsAdminMixin, ServiceDeletesMixin, ScopedAdminMixin, PortalModelAdmin):
    """Who belongs to which organisation with which role (also editable on each user's page)."""

    list_display = ["user", "organisation", "role", "is_demo"]
    list_filter = ["role", "is_demo", ("organisation", OrganisationTreeFilter)]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__first_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def save_model(self, request: HttpRequest, obj: Membership, form, change: bool) -> None:
        """Through ``units.services.membership_save`` (scope, the liaison rule, history)."""
        _membership_save(request, obj)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    """django-axes' failed logins, whose "clean up expired attempts" action works from the admin.

    django-axes reads the time of the attempt from the request, which only a login request carries;
    from the admin the cool-off (``AXES_COOLOFF_TIME``) then counts back from now.
    """

    @admin.action(description=AccessAttemptAdmin.cleanup_expired_attempts.short_description)
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: QuerySet) -> None:
        request.axes_attempt_time = None
        super().cleanup_expired_attempts(request, queryset)
