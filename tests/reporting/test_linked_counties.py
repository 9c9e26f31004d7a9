"""挂钩联系 (issue 13 item 4): a department reads its linked counties' records, changes nothing more."""

import pytest

from quanzhou_women.lib.querysets import Action
from reporting.models import ProgressReport
from tests.cast import department, user
from units.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_a_liaison_sees_its_linked_county_and_not_others(portal_cast):
    rights = department("权益部", portal_cast.city, 13)
    rights.linked_counties.add(portal_cast.units["B"])
    staff = user("liaison_r", rights, Membership.Role.LIAISON)
    seen = ProgressReport.objects.restrict(staff, Action.VIEW)
    units = set(seen.values_list("assignment__unit", flat=True))
    assert units == {portal_cast.units["B"].pk}
    assert seen.count() == ProgressReport.objects.filter(assignment__unit=portal_cast.units["B"]).count()
    assert not ProgressReport.objects.restrict(staff, Action.CHANGE).exists()
    visible = Organisation.objects.restrict(staff, Action.VIEW)
    assert visible.filter(pk=portal_cast.units["B"].pk).exists()
    assert not visible.filter(pk=portal_cast.units["A"].pk).exists()
