"""Deleting a body or project that has dependants is refused with a Chinese message, never cascaded."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from projects.models import Assignment
from units.models import Organisation


def test_deleting_an_organisation_with_assignments_in_code_raises_and_keeps_everything(carried_assignment):
    with pytest.raises(ProtectedError):
        carried_assignment.unit.delete()

    assert Organisation.objects.filter(name="惠安县妇联").exists()
    assert Assignment.objects.filter(pk=carried_assignment.pk).exists()


def test_the_admin_refuses_to_delete_an_organisation_with_assignments_in_chinese(
    admin_client, carried_assignment
):
    county = carried_assignment.unit
    url = reverse("admin:units_organisation_delete", args=[county.pk])

    page = admin_client.get(url)
    answer = admin_client.post(url, {"post": "yes"})

    for response in (page, answer):
        text = response.content.decode()
        assert response.status_code == 200
        assert "将要求删除以下受保护的相关对象" in text
        assert str(carried_assignment) in text or "王丽" in text or "巾帼文明岗" in text
        assert 'type="submit"' not in text.split('id="deleted-objects"')[1].split("</form>")[0]
    assert Organisation.objects.filter(pk=county.pk).exists()
    assert Assignment.objects.filter(pk=carried_assignment.pk).exists()


def test_the_admin_bulk_delete_refuses_organisations_with_dependants_in_chinese(
    admin_client, carried_assignment
):
    city = carried_assignment.project.campaign.issuing_body
    chosen = [city.pk, carried_assignment.unit.pk]

    answer = admin_client.post(
        reverse("admin:units_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
    )

    assert "将要求删除以下受保护的相关对象" in answer.content.decode()
    assert Organisation.objects.filter(pk__in=chosen).count() == 2
