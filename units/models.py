"""The organisations of the women's federation system of Quanzhou.

One table holds every body that the campaign names, whatever role it plays: the city federation
and its departments (部室), the county-level federations, the zones' working committees, city-level
institutions, collectives such as 市直系统有关妇委会, and the township and village organisations below
the counties. A body that is both a responsible unit and a liaison (市直机关妇工委 in the 2014
一览表, notice 泉妇〔2013〕81号) is one row with ``is_liaison`` set.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from quanzhou_women.lib.querysets import EVERYTHING, NOTHING, Action, RestrictedQuerySet


class OrganisationQuerySet(RestrictedQuerySet):
    """Selections of organisations used across the portal."""

    def restriction(self, user, action: Action) -> Q | None:
        """Everybody who sees everything reads every body; a member reads their own and the units of
        the assignments they can see. Only city administrators change organisations."""
        from units.roles import Role, is_city_admin, membership_of, sees_everything

        if action == Action.CHANGE:
            return EVERYTHING if is_city_admin(user) else NOTHING
        if sees_everything(user):
            return EVERYTHING
        membership = membership_of(user)
        if membership is None:
            return NOTHING
        own = membership.organisation_id
        if membership.role == Role.FEDERATION_ADMIN:
            return subtree(own)
        if membership.role == Role.LIAISON:
            followed = Organisation.objects.filter(assignments__project__liaison_departments=own)
            return Q(pk=own) | Q(pk__in=followed.values("pk")) | linked_county_units(own)
        return Q(pk=own)

    def liaisons(self) -> "OrganisationQuerySet":
        """Bodies that can follow projects as the city federation's 联系部室."""
        return self.filter(is_liaison=True)


class OrganisationManager(models.Manager.from_queryset(OrganisationQuerySet)):
    """Looks organisations up by their official name, their natural key."""

    def get_by_natural_key(self, name: str) -> "Organisation":
        """Return the organisation called ``name``; raises ``Organisation.DoesNotExist``."""
        return self.get(name=name)


#: The kinds of organisation a department of the city federation is linked with (挂钩联系): the
#: county-level federations and the development zones' women's working committees.
LINKABLE_KINDS = ["county_federation", "working_committee"]


class Organisation(models.Model):
    """A body of the women's federation system: a federation, committee, department or institution.

    The bodies form a tree (``parent``) from 泉州市妇联 down to township and village organisations,
    so that each level can see the level below ("一级做给一级看"). ``display_order`` is the official
    order of documents (鲤城区、丰泽区 … 德化县, then the zones, then the city-level bodies); it is
    editable because that order is a convention, not a law.
    """

    class Kind(models.TextChoices):
        CITY_FEDERATION = "city_federation", _("city women's federation")
        DEPARTMENT = "department", _("department of the city federation")
        COUNTY_FEDERATION = "county_federation", _("county-level women's federation")
        WORKING_COMMITTEE = "working_committee", _("women's working committee")
        CITY_INSTITUTION = "city_institution", _("city-level institution")
        WOMENS_COMMITTEE = "womens_committee", _("women's committees")
        TOWNSHIP_FEDERATION = "township_federation", _("township or street women's federation")
        VILLAGE_ORGANISATION = "village_organisation", _("village or community women's organisation")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_liaison = models.BooleanField(
        _("liaison department"),
        default=False,
        help_text=_("Can follow feature projects as a liaison department of the city federation."),
    )
    display_order = models.PositiveIntegerField(
        _("display order"),
        default=1000,
        validators=[MaxValueValidator(999_999)],
        help_text=_("Smaller numbers come first, as in official documents."),
    )

    division_code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("Enter the 12 digits of the division code."))],
        help_text=_("The statistical division code (统计用区划代码) of the township or village, if any."),
    )
    linked_counties = models.ManyToManyField(
        "self",
        verbose_name=_("linked counties"),
        symmetrical=False,
        blank=True,
        related_name="linked_departments",
        limit_choices_to={"kind__in": LINKABLE_KINDS},
        help_text=_("The counties this department is linked with (挂钩联系); it reads their records."),
    )
    pinyin_key = models.CharField(_("pinyin key"), max_length=400, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["pinyin_key"])
    objects = OrganisationManager()

    class Meta:
        ordering = ["display_order", "pinyin_key", "name"]
        indexes = [models.Index(fields=["display_order", "pinyin_key", "name"], name="organisation_order")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="organisation_not_own_parent",
                violation_error_message=_("An organisation cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Fill ``pinyin_key`` from the name (``pinyin_key_of``) before saving."""
        self.pinyin_key = pinyin_key_of(self.name)
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str]:
        """The official name, which identifies the body in fixtures and spreadsheets."""
        return (self.name,)

    def clean(self) -> None:
        """Refuse a parent that would make the tree a loop, and withdrawing the liaison role from a
        body that still follows projects; raises ``ValidationError``."""
        super().clean()
        if self.pk is not None and not self.is_liaison:
            numbers = list(
                self.followed_projects.order_by("campaign__year", "number").values_list("number", flat=True)
            )
            if numbers:
                raise ValidationError(
                    {
                        "is_liaison": _(
                            "Still the liaison department of projects %(numbers)s: "
                            "give those projects another department first."
                        )
                        % {"numbers": "、".join(str(number) for number in numbers)}
                    }
                )
        if self.pk is not None and self.pk in ancestor_ids(self.parent_id):
            raise ValidationError(
                {"parent": _("The parent organisation cannot be this organisation or one below it.")}
            )


def pinyin_key_of(name: str) -> str:
    """The sort key of ``name`` in pinyin (toneless syllables, then the tone numbers), so that
    organisations without an official order sort as Chinese readers expect (安海、东石、内坑),
    not by code point (issue 11, item 8). Uses pypinyin; characters without pinyin stay as they are."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True)
    return " ".join(syllables)[:400]


def linked_county_units(department_id: int, path: str = "") -> Q:
    """The organisations (through ``path``, e.g. ``"assignment__unit__"``) of the counties linked
    with ``department_id`` (挂钩联系, issue 13 item 4): the county federations themselves, their
    townships and the townships' villages."""
    linked = Organisation.objects.filter(linked_departments=department_id).values("pk")
    return (
        Q(**{f"{path}pk__in": linked})
        | Q(**{f"{path}parent__in": linked})
        | Q(**{f"{path}parent__parent__in": linked})
    )


#: How many levels below an organisation ``subtree`` reaches: county → (zone) → township → village.
SUBTREE_DEPTH = 4


def subtree(organisation_id: int, path: str = "") -> Q:
    """The organisations (through ``path``, e.g. ``"assignment__unit__"``) in the subtree of
    ``organisation_id``: the organisation itself and every one below it, down to ``SUBTREE_DEPTH``
    levels (the city's tree has three below a county at most: zone, township, village). One
    subquery on the ``parent`` chain, no recursion in Python (issue 13 item 3,
    "一级做给一级看")."""
    chain = Q(pk=organisation_id)
    lookup = "parent"
    for _level in range(SUBTREE_DEPTH):
        chain |= Q(**{lookup: organisation_id})
        lookup = f"parent__{lookup}"
    return Q(**{f"{path}pk__in": Organisation.objects.filter(chain).values("pk")})


def below(organisation_id: int, path: str = "") -> Q:
    """The organisations (through ``path``) strictly below ``organisation_id`` (its subtree
    without itself)."""
    return subtree(organisation_id, path) & ~Q(**{f"{path}pk": organisation_id})


def ancestor_ids(parent_id: int | None) -> list[int]:
    """The ids from ``parent_id`` up to the root, read fresh from the database (one query a level),
    so that, with the rows locked (``units.services.organisation_save``), the loop check in
    ``Organisation.clean`` sees the tree as committed. A loop already stored ends the walk."""
    ids: list[int] = []
    while parent_id is not None and parent_id not in ids:
        ids.append(parent_id)
        parent_id = Organisation.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


class MembershipQuerySet(RestrictedQuerySet):
    """Memberships: who belongs where with which role."""

    def restriction(self, user, action: Action) -> Q | None:
        """City administrators and leaders read memberships, and only city administrators change
        them (users are managed by the city federation). A federation administrator
        (``federation_admin``) reads the memberships of its subtree and changes those of the
        organisations below its own, except city administrators and leaders (issue 13 item 3);
        nobody else sees any."""
        from units.roles import Role, federation_of, is_city_admin, sees_everything

        if action == Action.CHANGE and is_city_admin(user):
            return EVERYTHING
        if action == Action.VIEW and sees_everything(user):
            return EVERYTHING
        federation = federation_of(user)
        if federation is None:
            return NOTHING
        if action == Action.VIEW:
            return subtree(federation, "organisation__")
        return below(federation, "organisation__") & ~Q(role__in=[Role.CITY_ADMIN, Role.LEADER])


class Membership(models.Model):
    """A user's place in the campaign: the organisation they belong to and the role they play there.

    Every user of the portal has one membership (a superuser without one counts as a city
    administrator). The role decides what the user may see and do; the organisation decides which
    records — see ``units/roles.py`` and each model's ``restrict``:

    - ``city_admin`` (市妇联 office staff): everything, in the admin and the portal;
    - ``liaison`` (staff of a 联系部室): the projects their department follows; reviews reports and
      confirms 四定 plans — the organisation must be a liaison body (``is_liaison``);
    - ``reporter`` (a responsible unit's 填报员): their own organisation's plans and reports only;
    - ``leader`` (市妇联 leadership): reads everything, changes nothing;
    - ``federation_admin`` (a county's or township's federation staff, 本级妇联管理员): runs the
      rounds its own federation issues for the level below and reads its subtree (``units/roles.py``).
    """

    class Role(models.TextChoices):
        CITY_ADMIN = "city_admin", _("city administrator")
        LIAISON = "liaison", _("liaison department staff")
        REPORTER = "reporter", _("responsible unit reporter")
        LEADER = "leader", _("leader (read only)")
        FEDERATION_ADMIN = "federation_admin", _("federation administrator")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Created by load_demo for a local set-up.")
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__display_order", "organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        """Refuse a liaison role in a body that is not a liaison department, and a federation
        administrator outside a federation below the city (a county's, a zone's or a township's);
        raises ``ValidationError``."""
        super().clean()
        if self.role == self.Role.FEDERATION_ADMIN and self.organisation_id:
            kind = Organisation.Kind
            if self.organisation.kind not in {
                kind.COUNTY_FEDERATION,
                kind.WORKING_COMMITTEE,
                kind.TOWNSHIP_FEDERATION,
            }:
                raise ValidationError(
                    {
                        "organisation": _(
                            "A federation administrator must belong to a county, zone or township federation."
                        )
                    }
                )
        if self.role == self.Role.LIAISON and self.organisation_id and not self.organisation.is_liaison:
            raise ValidationError(
                {
                    "organisation": _(
                        "Liaison staff must belong to a liaison department of the city federation."
                    )
                }
            )
