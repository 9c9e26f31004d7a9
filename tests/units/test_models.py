"""Invariants of the organisation tree."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from units.models import Organisation


@pytest.fixture
def tree(db) -> dict[str, Organisation]:
    city = Organisation.objects.create(name="泉州市妇联", kind=Organisation.Kind.CITY_FEDERATION)
    county = Organisation.objects.create(
        name="安溪县妇联", kind=Organisation.Kind.COUNTY_FEDERATION, parent=city
    )
    town = Organisation.objects.create(
        name="城厢镇妇联", kind=Organisation.Kind.TOWNSHIP_FEDERATION, parent=county
    )
    village = Organisation.objects.create(
        name="城厢镇某村妇代会", kind=Organisation.Kind.VILLAGE_ORGANISATION, parent=town
    )
    return {"city": city, "county": county, "town": town, "village": village}


def test_townships_and_villages_hang_below_their_county(tree):
    assert list(tree["county"].children.all()) == [tree["town"]]
    assert tree["village"].parent.parent == tree["county"]


def test_an_organisation_cannot_be_its_own_parent_in_the_database(tree):
    county = tree["county"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=county.pk).update(parent=county)


def test_a_parent_below_the_organisation_is_refused(tree):
    county = tree["county"]
    county.parent = tree["village"]
    with pytest.raises(ValidationError) as error:
        county.full_clean()
    assert "parent" in error.value.message_dict


def test_names_are_unique(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="安溪县妇联", kind=Organisation.Kind.COUNTY_FEDERATION)


def test_the_official_order_decides_the_listing_and_can_be_changed(tree):
    Organisation.objects.filter(pk=tree["city"].pk).update(display_order=1)
    Organisation.objects.filter(pk=tree["village"].pk).update(display_order=2)
    assert list(Organisation.objects.values_list("name", flat=True)[:2]) == ["泉州市妇联", "城厢镇某村妇代会"]
