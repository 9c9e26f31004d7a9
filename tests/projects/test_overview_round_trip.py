"""The official 一览表 as the portal exports it imports back: no change, or exactly the edited goal."""

import io

import openpyxl
import pytest
from django.urls import reverse

from projects.models import FeatureProject
from tests.spreadsheet_files import errors_of, import_through_admin, post_preview, row_types

pytestmark = pytest.mark.django_db


def download_overview(client) -> bytes:
    response = client.get(reverse("admin:projects_featureproject_overview_table"))
    assert response.status_code == 200
    return response.content


def test_exported_overview_table_imports_with_no_change(admin_client, campaign_2014):
    data = download_overview(admin_client)
    preview = post_preview(admin_client, "featureproject", data, "一览表.xlsx")
    assert errors_of(preview) == []
    assert row_types(preview) == ["skip"] * 10


def test_overview_table_with_one_goal_edited_imports_exactly_that_change(admin_client, campaign_2014):
    book = openpyxl.load_workbook(io.BytesIO(download_overview(admin_client)))
    sheet = book.active
    sheet["C10"] = "新的创建目标：培育示范点至少3个。"
    buffer = io.BytesIO()
    book.save(buffer)

    preview, confirm = import_through_admin(admin_client, "featureproject", buffer.getvalue())

    assert row_types(preview) == ["skip"] * 6 + ["update"] + ["skip"] * 3
    assert confirm.status_code == 302
    assert FeatureProject.objects.get(number=7).goal == "新的创建目标：培育示范点至少3个。"
    assert FeatureProject.objects.exclude(number=7).filter(goal__startswith="新的").count() == 0
