"""The shared bases of stored files and review transitions (``quanzhou_women.lib.stored_files``,
``quanzhou_women.lib.transitions``, ``reporting.models.ReviewTransition``): every kind of stored
file goes to its own folder under a random name and takes its file along when its row is deleted;
the two reviews record their steps in the same shape."""

import os
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db.models.signals import post_delete
from django.http import Http404

from assessments import services
from assessments.models import AssessmentStatus, Inspection, InspectionPhoto, SelfAssessmentTransition
from quanzhou_women.lib.stored_files import StoredFile, inline_image_response, stored_file_path
from reporting.models import ReportStatus, ReportTransition, ReviewTransition
from tests.cast import png_bytes, upload


def test_a_stored_file_gets_a_random_ascii_name_in_its_folder_with_its_extension_kept():
    row = SimpleNamespace(upload_folder=lambda: "evidence/2014")
    first, second = stored_file_path(row, "工作总结.PDF"), stored_file_path(row, "工作总结.PDF")
    assert re.fullmatch(r"evidence/2014/[0-9a-f]{32}\.pdf", first)
    assert first != second


def test_every_kind_of_stored_file_takes_its_file_along_when_its_row_is_deleted():
    kinds = [model for model in apps.get_models() if issubclass(model, StoredFile)]
    assert {model.__name__ for model in kinds} >= {"Evidence", "AssessmentEvidence", "InspectionPhoto"}
    assert [model.__name__ for model in kinds if not post_delete.has_listeners(model)] == []


def test_only_a_photo_is_shown_inline():
    with pytest.raises(Http404):
        inline_image_response(SimpleNamespace(is_inline_image=False))


def test_a_deleted_inspection_photo_is_removed_from_disk_once_committed(
    portal_cast, django_capture_on_commit_callbacks
):
    Inspection.objects.all().delete()
    inspection = services.inspection_assign(
        actor=portal_cast.users["city_admin"],
        scheme=portal_cast.scheme,
        organisation=portal_cast.units["A"],
        inspectors=[portal_cast.users["liaison_p"]],
    )
    services.inspection_update(
        actor=portal_cast.users["liaison_p"],
        inspection=inspection,
        version=inspection.version,
        scores={},
        uploads={None: [upload("现场.png", png_bytes())]},
    )
    photo = InspectionPhoto.objects.get(inspection=inspection)
    assert photo.file.name.startswith(f"inspection-photos/{portal_cast.scheme.campaign.year}/")
    assert (photo.original_name, photo.content_type) == ("现场.png", "image/png")
    path = photo.file.path
    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not os.path.exists(path)


def test_the_two_reviews_share_their_steps_and_states():
    assert issubclass(ReportTransition, ReviewTransition)
    assert issubclass(SelfAssessmentTransition, ReviewTransition)
    assert SelfAssessmentTransition.Action is ReportTransition.Action
    # the transitions' from/to choices are ReportStatus: a self-assessment's states must match
    assert AssessmentStatus.choices == ReportStatus.choices
