"""Rows that contradict themselves (issue 11, item 4): a 序号 with another project's title."""

import pytest

from projects.models import Assignment, FeatureProject
from tests.spreadsheet_files import FLAT_HEADERS, errors_of, flat_row, post_preview, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_a_number_with_the_title_of_another_project_is_refused_naming_both(admin_client, campaign_2014):
    other = FeatureProject.objects.get(campaign__year=2014, number=2).title
    own = FeatureProject.objects.get(campaign__year=2014, number=7).title
    row = flat_row(number=7)
    row[2] = other
    before = list(Assignment.objects.values_list("pk", "target"))

    response = post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, row]))

    errors = errors_of(response)
    assert any("第 2 行" in e and "特色项目内容" in e and other[:10] in e and own[:10] in e for e in errors)
    assert list(Assignment.objects.values_list("pk", "target")) == before


def test_the_own_title_written_with_other_spaces_is_accepted(admin_client, campaign_2014):
    row = flat_row(number=7)
    row[2] = " ".join(FeatureProject.objects.get(campaign__year=2014, number=7).title)

    response = post_preview(admin_client, "assignment", xlsx_bytes([FLAT_HEADERS, row]))

    assert errors_of(response) == []
