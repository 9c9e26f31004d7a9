"""The shared cast (tests/cast.py) is what the access matrix relies on: every marker it lists is
stored, and each role has the membership it claims."""

import io

from django.core.management import call_command

from projects.models import Assignment
from tests.cast import ROLES


def test_every_marker_is_stored_in_the_database(portal_cast):
    dump = io.StringIO()
    call_command("dumpdata", "units", "projects", "reporting", "assessments", "auth.user", stdout=dump)

    missing = [marker for marker in portal_cast.markers if marker not in dump.getvalue()]

    assert not missing


def test_the_cast_has_every_role_with_the_scope_its_name_says(portal_cast):
    users = portal_cast.users
    keys = {assignment.pk: key for key, assignment in portal_cast.assignments.items()}

    def scope(role):
        return {keys[pk] for pk in Assignment.objects.restrict(users[role]).values_list("pk", flat=True)}

    assert set(users) == set(ROLES)
    assert scope("liaison_p") == {"A1", "A3", "B3"}
    assert scope("liaison_d") == {"B2"}
    assert scope("reporter_a") == scope("staff_view") == scope("staff_change") == {"A1", "A3"}
    assert scope("reporter_b") == {"B2", "B3"}
    assert scope("county_admin") == {"A1", "A3", "K1", "K2", "K3"}
    assert scope("township_reporter") == {"K1"}
    assert scope("city_admin") == scope("leader") == {"A1", "A3", "B2", "B3", "K1", "K2", "K3"}
    assert scope("nobody") == scope("inactive") == set()
    assert users["staff_view"].has_perm("projects.view_milestone")
    assert not users["staff_view"].has_perm("projects.change_milestone")
    assert users["staff_change"].has_perm("projects.change_milestone")
