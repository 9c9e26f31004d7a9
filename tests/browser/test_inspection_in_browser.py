"""The inspector's scoring page on a phone (issue 14 item 3), in Chromium at 390×844: one block per
criterion with big inputs; what is typed survives a reload without saving (static/js/draft-keeper.js,
localStorage) and is cleared once saved. Screenshots: test-artifacts/inspection-*.png."""

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.models import Inspection
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_the_inspector_scores_on_a_phone_and_a_reload_loses_nothing(
    live_server, phone_page_as, transactional_db, settings, tmp_path
):
    from tests.cast import build_cast

    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    inspector = cast.users["liaison_p"]
    inspection = services.inspection_assign(
        actor=cast.users["city_admin"],
        scheme=cast.scheme,
        organisation=cast.units["A"],
        inspectors=[inspector],
    )
    first, second = list(cast.scheme.criteria.all())
    page = phone_page_as(inspector)

    page.goto(f"{live_server.url}/assessments/inspections/")
    page.get_by_role("button", name=cast.units["A"].name).click()
    score = page.locator(f"input[name='c{second.pk}-score']")
    note = page.locator(f"textarea[name='c{second.pk}-note']")
    expect(score).to_be_visible()
    assert score.bounding_box()["height"] >= 44  # a big input for a thumb
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.screenshot(path=str(ARTIFACTS / "inspection-phone.png"), full_page=True)

    score.fill("55")
    note.fill("业绩台账齐全，现场查看活动照片")
    page.reload()  # the signal drops: nothing was saved, the draft comes back from the phone
    expect(page.locator("[data-draft-notice]")).to_be_visible()
    expect(score).to_have_value("55")
    expect(note).to_have_value("业绩台账齐全，现场查看活动照片")
    page.screenshot(path=str(ARTIFACTS / "inspection-restored.png"), full_page=True)
    assert Inspection.objects.get(pk=inspection.pk).scores.get(criterion=second).score is None

    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("实地检查已保存为草稿。")).to_be_visible()
    row = Inspection.objects.get(pk=inspection.pk).scores.get(criterion=second)
    assert (row.score, row.note) == (55, "业绩台账齐全，现场查看活动照片")
    assert page.evaluate(f"localStorage.getItem('draft:inspection-{inspection.pk}')") is None
    page.goto(f"{live_server.url}/assessments/inspections/{inspection.pk}/")
    expect(page.locator("[data-draft-notice]")).to_be_hidden()
    expect(page.locator(f"input[name='c{first.pk}-score']")).to_have_value("20.0")
    page.screenshot(path=str(ARTIFACTS / "inspection-saved.png"), full_page=True)
