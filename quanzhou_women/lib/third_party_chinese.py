"""Chinese for what third-party apps show in English and no catalogue can reach (issue 15, "Chinese
everywhere"): applied once by ``PortalAdminConfig.ready``.

Strings that the apps pass through gettext are translated in the portal's catalogue (``locale/``,
listed in ``third_party_messages.py``); this module covers the rest:

- the app names of django-axes ("Axes") and django-tasks-db ("Tasks Database Backend"), set as
  plain strings in their ``AppConfig``;
- django-axes' records, whose ``__str__`` is an English f-string ("Access Log for … @ …"), shown
  as the title of their admin pages;
- permission names, stored in English in the database by ``migrate`` ("Can add historical
  step"), shown in the user and group pages: named here from the permission's action and the
  model's translated verbose name;
- Django's boolean icons, whose ``alt`` text is "True", "False" or "None";
- the warning of Django's admin password form ("If disabled, the current password …"), pasted
  into its help text untranslated;
- the "status" and "expiration" columns of django-axes' attempts, named after their methods;
- django-import-export's export form, which titles each column by its attribute name in English
  ("Year (年度)"); the portal's columns are named in Chinese, so the title is the column name.

Nothing here changes a model's options, so no migration follows.
"""

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: The actions of Django's default permissions, by the first word of their code name.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def local_time(moment) -> str:
    """``moment`` (an aware datetime) in local time to the second, e.g. ``2014-10-20 09:30:05``."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def permission_label(permission) -> str:
    """ "主题活动与特色项目 | 步骤 | 可添加步骤的历史记录" for ``add_historicalmilestone``: the app,
    the model and the action in Chinese; the stored name for a permission of no default action."""
    model = permission.content_type.model_class()
    action = PERMISSION_ACTIONS.get(permission.codename.split("_", 1)[0])
    if model is None:
        return f"{permission.content_type} | {permission.name}"
    name = model._meta.verbose_name
    original = getattr(model, "instance_type", None)  # a django-simple-history model
    if original is not None:
        name = gettext("history of %(model)s") % {"model": original._meta.verbose_name}
    label = action % {"model": name} if action else permission.name
    return f"{apps.get_app_config(model._meta.app_label).verbose_name} | {name} | {label}"


def _axes_titles() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.__str__ = lambda self: (
        gettext("Login attempt of %(user)s at %(time)s")
        % {
            "user": self.username,
            "time": local_time(self.attempt_time),
        }
    )
    AccessLog.__str__ = lambda self: (
        gettext("Login of %(user)s at %(time)s")
        % {
            "user": self.username,
            "time": local_time(self.attempt_time),
        }
    )
    AccessFailureLog.__str__ = lambda self: (
        gettext("Failed login of %(user)s at %(time)s from %(ip)s")
        % {
            "user": self.username,
            "time": local_time(self.attempt_time),
            "ip": self.ip_address,
        }
    )


def apply() -> None:
    """Name the apps, axes records, permissions and export columns in the active language."""
    from django.contrib.auth.models import Permission
    from import_export.forms import SelectableFieldsExportForm

    names = {"axes": _("Login records"), "django_tasks_database": _("Background tasks")}
    for label, name in names.items():
        if apps.is_installed(apps.get_app_config(label).name):
            apps.get_app_config(label).verbose_name = name
    _axes_titles()
    Permission.__str__ = permission_label

    def column_title(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field and field.column_name else field_name

    SelectableFieldsExportForm._get_field_label = column_title
    _boolean_icons()
    _auth_relations()
    _axes_columns()
    _password_warning()


def _password_warning() -> None:
    from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
    from django.utils.functional import lazy
    from django.utils.html import format_html

    def help_text() -> str:
        return format_html(
            '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
            SetUnusablePasswordMixin.usable_password_help_text,
            gettext("If disabled, the current password for this user will be lost."),
        )

    AdminPasswordChangeForm.usable_password_help_text = lazy(help_text, str)()


def _boolean_icons() -> None:
    from django.contrib.admin.templatetags import admin_list
    from django.templatetags.static import static
    from django.utils.html import format_html

    words = {True: _("yes"), False: _("no"), None: _("unknown")}
    icons = {True: "yes", False: "no", None: "unknown"}

    def boolean_icon(field_val) -> str:
        return format_html(
            '<img src="{}" alt="{}">', static(f"admin/img/icon-{icons[field_val]}.svg"), words[field_val]
        )

    admin_list._boolean_icon = boolean_icon


def _axes_columns() -> None:
    from axes.models import AccessAttempt
    from django.contrib import admin

    attempt_admin = admin.site._registry.get(AccessAttempt)
    if attempt_admin is not None:
        type(attempt_admin).status.short_description = _("status")
        type(attempt_admin).expiration.short_description = _("expires at")


def _auth_relations() -> None:
    """The rows that tie users to groups and permissions, listed on a user's or group's delete
    page: Django names their models "User-permission relationship" from the English model names and
    each row "User_user_permissions object (7)"; here, in Chinese, by the permission or group."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model()
    relations = (
        (user.user_permissions.through, _("permission of a user"), "permission"),
        (user.groups.through, _("group of a user"), "group"),
        (Group.permissions.through, _("permission of a group"), "permission"),
    )
    for through, name, target in relations:
        through._meta.verbose_name = through._meta.verbose_name_plural = name
        through.__str__ = lambda self, target=target: str(getattr(self, target))
