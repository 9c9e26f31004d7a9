"""The 自评 form on a phone (issue 14, done-when: "a browser test with screenshots looked at covers
the self-assessment form on a phone"), in Chromium at 390×844: a reporter types scores and
explanations, attaches an evidence file, saves a draft and sees it said; a refused post (a score
above the criterion's points) keeps everything typed; inputs are big enough for a thumb and nothing
scrolls sideways. Screenshots: test-artifacts/self-assessment-*.png."""

import pytest
from playwright.sync_api import expect

from assessments.models import SelfAssessment
from tests.browser.conftest import ARTIFACTS
from tests.cast import png_bytes

pytestmark = pytest.mark.browser


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_reporter_fills_the_self_assessment_on_a_phone(
    live_server, phone_page_as, transactional_db, settings, tmp_path
):
    from tests.cast import build_cast

    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    assessment = cast.self_assessments["A"]  # a draft (the cast scored 30 on each criterion)
    first, second = list(cast.scheme.criteria.all())  # 40 and 60 points
    page = phone_page_as(cast.users["reporter_a"])

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/edit/")
    score1 = page.locator(f"input[name='c{first.pk}-score']")
    score2 = page.locator(f"input[name='c{second.pk}-score']")
    explain1 = page.locator(f"textarea[name='c{first.pk}-explanation']")
    explain2 = page.locator(f"textarea[name='c{second.pk}-explanation']")
    files1 = page.locator(f"input[type=file][name='c{first.pk}-files']")
    expect(score1).to_be_visible()
    for control in (score1, score2, explain1, files1, page.get_by_role("button", name="保存草稿")):
        assert control.bounding_box()["height"] >= 44, control  # a thumb's target
    _no_sideways_scrolling(page)
    page.screenshot(path=str(ARTIFACTS / "self-assessment-phone.png"), full_page=True)

    # Save a draft with an evidence file.
    score1.fill("36")
    explain1.fill("班子成员分工明确，会议记录齐全")
    score2.fill("52.5")
    explain2.fill("完成年度目标，台账见附件")
    files1.set_input_files(
        files=[{"name": "班子会议记录.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("自评已保存为草稿。")).to_be_visible()
    expect(page.get_by_text("班子会议记录.png").first).to_be_visible()
    remove = page.get_by_role("button", name="删除").first
    assert remove.bounding_box()["height"] >= 44
    assert remove.evaluate("b => b.form && b.form.id.startsWith('evidence-remove-')")  # not the main form
    _no_sideways_scrolling(page)
    page.screenshot(path=str(ARTIFACTS / "self-assessment-saved.png"), full_page=True)
    saved = SelfAssessment.objects.get(pk=assessment.pk)
    assert [(s.score, s.explanation) for s in saved.scores.order_by("criterion__order")] == [
        (36, "班子成员分工明确，会议记录齐全"),
        (52.5, "完成年度目标，台账见附件"),
    ]
    assert [e.original_name for e in saved.evidence.filter(criterion=first)] == ["班子会议记录.png"]

    # A score above the points: the phone's own check stops it first …
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/edit/")
    score2.fill("65")
    explain2.fill("超额完成，另有表彰")
    explain1.fill("改写后的说明")
    page.get_by_role("button", name="保存草稿").click()
    assert score2.evaluate("input => input.validity.rangeOverflow") is True
    assert page.url.endswith(f"/assessments/{assessment.pk}/edit/")
    # … and when it does not (an old browser), the server refuses and keeps everything typed.
    page.locator("form[enctype]").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_contain_text("2.")
    expect(page.get_by_text("没有保存。请修正下面的错误。").first).to_be_visible()
    expect(score2).to_have_value("65")
    expect(explain2).to_have_value("超额完成，另有表彰")
    expect(explain1).to_have_value("改写后的说明")
    expect(score1).to_have_value("36.0")
    _no_sideways_scrolling(page)
    page.screenshot(path=str(ARTIFACTS / "self-assessment-refused.png"), full_page=True)
    assert SelfAssessment.objects.get(pk=assessment.pk).scores.get(criterion=second).score == 52.5

    # 「删除」 removes that one file (its own small form, outside the 自评 form).
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/edit/")
    page.locator("ul.evidence li", has_text="班子会议记录.png").get_by_role("button", name="删除").click()
    expect(page.get_by_text("已删除“班子会议记录.png”。")).to_be_visible()
    assert not SelfAssessment.objects.get(pk=assessment.pk).evidence.filter(criterion=first).exists()
