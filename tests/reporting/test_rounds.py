"""A new round started from 2014, and a closed round refusing writes (issue 12, items 1 and 6)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from projects.models import Assignment, Campaign, ProjectLiaison
from reporting.rounds import round_close, round_preview, round_start
from tests.cast import user
from units.roles import Role


@pytest.fixture
def admin_and_2014(db):
    call_command("load_campaign_2014", verbosity=0)
    source = Campaign.objects.get(year=2014)
    return user("round_admin", source.issuing_body, Role.CITY_ADMIN, is_staff=True), source


def test_a_2015_round_from_2014_in_one_step(admin_and_2014):
    admin, source = admin_and_2014
    preview = round_preview(source=source)
    new = round_start(
        source=source, year=2015, name="2015年争六好、创特色", document_number="泉妇〔2014〕1号", actor=admin
    )
    assert (preview.projects, preview.assignments) == (10, 29)
    assert new.projects.count() == 10
    assert Assignment.objects.filter(project__campaign=new).count() == 29
    assert ProjectLiaison.objects.filter(project__campaign=new).count() == preview.liaison_links
    assert new.history.earliest().history_change_reason == "复制自2014年"


def test_a_closed_round_refuses_changes(admin_and_2014):
    admin, source = admin_and_2014
    round_close(campaign=source, actor=admin)
    assert not Assignment.objects.restrict(admin, "change").filter(project__campaign=source).exists()
    with pytest.raises(PermissionDenied):
        round_close(campaign=source, actor=admin)
