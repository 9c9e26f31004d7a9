"""Writes to organisations: every form, import and command goes through these functions."""

from django.db import transaction

from units.models import Organisation


@transaction.atomic
def organisation_save(
    *,
    organisation: Organisation | None = None,
    name: str,
    kind: str,
    parent: Organisation | None,
    is_liaison: bool,
    display_order: int,
) -> Organisation:
    """Create an organisation, or update ``organisation``, after full validation.

    ``kind`` is an ``Organisation.Kind`` value; ``display_order`` the official order (smaller
    first). Raises ``ValidationError`` (e.g. a parent that would make the tree a loop).
    """
    organisation = organisation or Organisation()
    organisation.name = name
    organisation.kind = kind
    organisation.parent = parent
    organisation.is_liaison = is_liaison
    organisation.display_order = display_order
    organisation.full_clean()
    organisation.save()
    return organisation
