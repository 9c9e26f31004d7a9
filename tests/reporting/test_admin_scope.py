"""The admin for staff who are not superusers shows only their scope (reporting/access.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from projects.models import Assignment
from reporting.models import ProgressReport
from tests.reporting.conftest import make_report


@pytest.fixture
def staff_liaison(cast):
    """The 宣传部 liaison, made staff with view rights on plans and reports."""
    user = cast["liaison"]
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_assignment", "view_progressreport", "view_featureproject"]
        )
    )
    return user


def test_a_staff_liaison_lists_only_the_assignments_of_the_projects_they_follow(client, world, staff_liaison):
    client.force_login(staff_liaison)
    response = client.get(reverse("admin:projects_assignment_changelist"))
    assert set(response.context["cl"].result_list) == {world.a1, world.b1}


def test_a_staff_liaison_cannot_open_a_foreign_assignment_in_the_admin(client, world, staff_liaison):
    client.force_login(staff_liaison)
    response = client.get(reverse("admin:projects_assignment_change", args=[world.a2.pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert Assignment.objects.filter(pk=world.a2.pk).exists()


def test_a_staff_liaison_lists_only_reports_in_scope(client, world, cast, staff_liaison):
    make_report(world, world.a1, cast["reporter_a"])
    make_report(world, world.a2, cast["reporter_a"])
    client.force_login(staff_liaison)
    response = client.get(reverse("admin:reporting_progressreport_changelist"))
    assert {r.assignment for r in response.context["cl"].result_list} == {world.a1}
    assert ProgressReport.objects.count() == 2


def test_a_superuser_sees_everything_in_the_admin(admin_client, world):
    response = admin_client.get(reverse("admin:projects_assignment_changelist"))
    assert set(response.context["cl"].result_list) == {world.a1, world.a2, world.b1}
