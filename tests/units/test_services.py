"""The organisation service used by imports."""

import pytest
from django.core.exceptions import ValidationError

from units.models import Organisation
from units.services import organisation_save

pytestmark = pytest.mark.django_db


def test_an_organisation_is_validated_before_it_is_written(campaign_2014):
    jinjiang = Organisation.objects.get(name="晋江市妇联")
    township = organisation_save(
        name="青阳街道妇联", kind="township_federation", parent=jinjiang, is_liaison=False, display_order=5
    )

    with pytest.raises(ValidationError):
        organisation_save(
            organisation=jinjiang,
            name=jinjiang.name,
            kind=jinjiang.kind,
            parent=township,
            is_liaison=False,
            display_order=1,
        )
    assert Organisation.objects.get(name="晋江市妇联").parent.name == "泉州市妇联"
