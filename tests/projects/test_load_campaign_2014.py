"""``make run`` loads the 2014 data into an empty database only, and starts its history."""

from io import StringIO

from django.core.management import call_command

from projects.models import Assignment, FeatureProject
from projects.services import HISTORY_MODELS


def _load() -> str:
    out = StringIO()
    call_command("load_campaign_2014", stdout=out)
    return out.getvalue()


def test_loading_again_keeps_what_staff_changed(db):
    _load()
    FeatureProject.objects.filter(number=7).update(goal="改过的目标")
    second = _load()
    assert FeatureProject.objects.get(number=7).goal == "改过的目标"
    assert "nothing was changed" in second or "未作任何改动" in second


def test_every_loaded_row_starts_its_history_with_the_notice_as_reason(db):
    _load()
    for model in HISTORY_MODELS:
        rows = model.objects.count()
        first_records = model.history.filter(
            history_type="+", history_change_reason__contains="泉妇〔2013〕81号"
        )
        assert first_records.count() == rows, model.__name__
    assert Assignment.history.count() == 29


def test_loading_again_writes_no_history(db):
    _load()
    before = FeatureProject.history.count()
    _load()
    assert FeatureProject.history.count() == before
