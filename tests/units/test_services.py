"""The writers of organisations and memberships (``units.services``): validated, scoped to the
actor, and tree moves serialized so that two at once cannot make a loop."""

import threading

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from units.models import Membership, Organisation
from units.services import membership_save, organisation_save

pytestmark = pytest.mark.django_db


def test_an_organisation_is_validated_before_it_is_written(campaign_2014, city_admin):
    jinjiang = Organisation.objects.get(name="晋江市妇联")
    township = organisation_save(
        actor=city_admin,
        name="青阳街道妇联",
        kind="township_federation",
        parent=jinjiang,
        is_liaison=False,
        display_order=5,
    )

    with pytest.raises(ValidationError):
        organisation_save(
            actor=city_admin,
            organisation=jinjiang,
            name=jinjiang.name,
            kind=jinjiang.kind,
            parent=township,
            is_liaison=False,
            display_order=1,
        )
    assert Organisation.objects.get(name="晋江市妇联").parent.name == "泉州市妇联"


def test_only_a_city_administrator_writes_organisations_and_memberships(campaign_2014, outsider):
    jinjiang = Organisation.objects.get(name="晋江市妇联")
    reporter = User.objects.create_user("reporter", "r@example.com", "pw", is_staff=True)
    membership = Membership.objects.create(
        user=reporter, organisation=jinjiang, role=Membership.Role.REPORTER
    )

    with pytest.raises(PermissionDenied):
        organisation_save(
            actor=reporter,
            organisation=jinjiang,
            name="改名",
            kind=jinjiang.kind,
            parent=None,
            is_liaison=False,
            display_order=1,
        )
    with pytest.raises(PermissionDenied):  # promoting oneself
        membership_save(
            actor=reporter,
            membership=membership,
            user=reporter,
            organisation=Organisation.objects.get(name="泉州市妇联"),
            role=Membership.Role.CITY_ADMIN,
        )
    membership.refresh_from_db()
    assert (membership.organisation, membership.role) == (jinjiang, Membership.Role.REPORTER)
    assert Organisation.objects.get(pk=jinjiang.pk).name == "晋江市妇联"


def test_liaison_staff_must_belong_to_a_liaison_department(campaign_2014, city_admin, outsider):
    with pytest.raises(ValidationError):
        membership_save(
            actor=city_admin,
            user=outsider,
            organisation=Organisation.objects.get(name="晋江市妇联"),
            role=Membership.Role.LIAISON,
        )
    assert not Membership.objects.filter(user=outsider).exists()


def _move(actor, name: str, parent_name: str, barrier: threading.Barrier, errors: list) -> None:
    """In its own thread and connection: put ``name`` under ``parent_name`` (as an admin save)."""
    try:
        organisation = Organisation.objects.get(name=name)
        parent = Organisation.objects.get(name=parent_name)
        barrier.wait()  # both threads have read the tree; now both save at once
        organisation_save(
            actor=actor,
            organisation=organisation,
            name=organisation.name,
            kind=organisation.kind,
            parent=parent,
            is_liaison=organisation.is_liaison,
            display_order=organisation.display_order,
        )
    except ValidationError as error:
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks the whole database on a write")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_moves_never_make_a_loop(city_admin):
    """甲 under 乙 and 乙 under 甲 at the same instant, 15 times: each time one move wins and the
    other is refused as a loop (before the locks, a loop committed in 12 of 15 tries)."""
    city = Organisation.objects.create(name="泉州市妇联", kind=Organisation.Kind.CITY_FEDERATION)
    loops = refusals = 0
    for attempt in range(15):
        kind = Organisation.Kind.TOWNSHIP_FEDERATION
        jia = Organisation.objects.create(name=f"甲{attempt}", kind=kind, parent=city)
        yi = Organisation.objects.create(name=f"乙{attempt}", kind=kind, parent=city)
        barrier, errors = threading.Barrier(2), []
        threads = [
            threading.Thread(target=_move, args=(city_admin, jia.name, yi.name, barrier, errors)),
            threading.Thread(target=_move, args=(city_admin, yi.name, jia.name, barrier, errors)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        jia.refresh_from_db()
        yi.refresh_from_db()
        loops += jia.parent_id == yi.pk and yi.parent_id == jia.pk
        refusals += len(errors)
    assert loops == 0
    assert refusals == 15  # every time, exactly one of the two moves was refused
