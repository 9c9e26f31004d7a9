"""The admin's filter on an organisation field that opens at the level above (issue 16, item 2).

At province scale a list of assignments, projects or users names some 2,000 units; Django's
related-field filter prints a link for each (over 200 KB of sidebar on every page of the list).
``OrganisationTreeFilter`` prints the level below the root instead — the county-level federations
and the city-level bodies that carry something, a few dozen — and, once one is chosen, its own
children on the way to the listed units, indented under it ("一级做给一级看"). Choosing an
organisation lists the rows of its whole subtree (``units.models.subtree``).
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils.translation import gettext_lazy as _

from quanzhou_women.lib.admin import visible_pks
from units.models import SUBTREE_DEPTH, Organisation, subtree


def _chains(listed) -> list[list[int]]:
    """The parent chain of each organisation of ``listed`` (a queryset of ids), root first,
    the organisation last. One query."""
    columns = ["pk"] + ["__".join(["parent"] * level) + "_id" for level in range(1, SUBTREE_DEPTH + 2)]
    chains = []
    for row in Organisation.objects.filter(pk__in=listed).values_list(*columns):
        chain = [pk for pk in row if pk is not None]
        chains.append(chain[::-1])
    return chains


class OrganisationTreeFilter(admin.FieldListFilter):
    """A ``list_filter`` entry ``("unit", OrganisationTreeFilter)`` for a foreign key or many-to-many
    field to ``Organisation``.

    Offers the organisations one level below the root on the way to the organisations of the
    listed rows (the admin's ``get_queryset``, so the user's scope) and, below a chosen one, the
    next level on the way, and so on down; official order, then pinyin (``Organisation.Meta``).
    The query parameter is ``<field>__tree=<id>``: the rows whose organisation is that one or any
    below it. Only organisations the user may view are named. Two queries to build, whatever the
    number of units. A parameter that is no number
    is the admin's “incorrect lookup” (the list without filters, with Django's message)."""

    def __init__(self, field, request, params, model, model_admin, field_path) -> None:
        self.parameter_name = f"{field_path}__tree"
        super().__init__(field, request, params, model, model_admin, field_path)  # takes the parameter
        value = self.used_parameters.get(self.parameter_name)
        if isinstance(value, list):  # Django keeps every value given; the last one counts
            self.used_parameters[self.parameter_name] = value[-1] if value else None
        self.title = field.verbose_name
        self.lookup_choices = self._lookups(request, model_admin)

    def _chosen(self) -> int | None:
        value = self.used_parameters.get(self.parameter_name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def _lookups(self, request, model_admin) -> list[tuple[int, str]]:
        """(id, label) of the organisations to offer, each right after its parent, labels
        indented by level."""
        try:
            chosen = self._chosen()
        except IncorrectLookupParameters:
            chosen = None
        listed = model_admin.get_queryset(request).order_by().values(self.field_path)
        visible = visible_pks(Organisation, request.user)  # a listed project names other units too
        if visible is not None:
            listed = Organisation.objects.filter(pk__in=listed).filter(pk__in=visible).values("pk")
        parent_of: dict[int, int | None] = {}  # the organisations on the way → their parent there
        for chain in _chains(listed):
            top = 1 if len(chain) > 1 else 0  # the level below the root (or a root itself)
            end = chain.index(chosen) + 2 if chosen in chain[top:] else top + 1
            for level, pk in enumerate(chain[top:end]):
                parent_of[pk] = chain[top + level - 1] if level else None
        shown = Organisation.objects.filter(pk__in=parent_of)
        if visible is not None:  # an organisation the user may not view is left out, its children kept
            shown = shown.filter(pk__in=visible)
        rows = list(shown.values_list("pk", "name"))
        kept = {pk for pk, _name in rows}
        children: dict[int | None, list[tuple[int, str]]] = {}
        for pk, name in rows:  # in official order
            parent = parent_of[pk]
            while parent is not None and parent not in kept:
                parent = parent_of.get(parent)
            children.setdefault(parent, []).append((pk, name))
        offered: list[tuple[int, str]] = []

        def walk(parent: int | None, level: int) -> None:
            for pk, name in children.get(parent, []):
                offered.append((pk, "\u3000" * level + name))
                walk(pk, level + 1)

        walk(None, 0)
        return offered

    def expected_parameters(self) -> list[str]:
        return [self.parameter_name]

    def has_output(self) -> bool:
        return bool(self.lookup_choices)

    def queryset(self, request, queryset):
        chosen = self._chosen()
        if chosen is None:
            return queryset
        inside = queryset.model._default_manager.filter(subtree(chosen, f"{self.field_path}__"))
        return queryset.filter(pk__in=inside.values("pk"))

    def choices(self, changelist):
        value = self.used_parameters.get(self.parameter_name)
        yield {
            "selected": value in (None, ""),
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }
        for pk, label in self.lookup_choices:
            yield {
                "selected": value == str(pk),
                "query_string": changelist.get_query_string({self.parameter_name: pk}),
                "display": label,
            }
