"""The review cycle in Chromium: a reporter (on a phone) submits a report with a photo, the
liaison (at a desk) returns it with a reason, the reporter resubmits, the liaison approves."""

import pytest
from playwright.sync_api import Browser, Page, expect

from reporting.models import ProgressReport, ReportStatus, ReportTransition
from tests.browser.conftest import ARTIFACTS
from tests.reporting.conftest import cast, fast_passwords, png_bytes, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def two_units(request):
    """The small world of tests/reporting (two units, two departments) with its cast."""
    request.getfixturevalue("cast")
    return request.getfixturevalue("world")


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _login(browser: Browser, base_url: str, username: str, viewport: dict) -> Page:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f"pw-{username}")
    page.get_by_role("button", name="登录").click()
    return page


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reporting-{name}.png"), full_page=True)


def test_a_report_goes_round_the_review_cycle_in_the_browser(
    live_server, browser, transactional_db, two_units, tmp_path
):
    units = two_units
    photo = tmp_path / "入户走访照片.png"
    photo.write_bytes(png_bytes())

    reporter = _login(browser, live_server.url, "reporter_a", PHONE)
    expect(reporter.locator("h1")).to_contain_text("我的任务")
    _shot(reporter, "1-tasks-phone")
    card = reporter.locator("article.task").filter(has_text="巾帼志愿者在行动").filter(has_text="第1季度")
    card.get_by_role("button", name="填报进度报告").click()
    reporter.get_by_label("工作进展").fill("走访家庭30户，开展志愿服务5次。")
    reporter.get_by_label("完成进度").fill("30")
    reporter.get_by_label("存在问题").fill("志愿者人手不足")
    reporter.get_by_role("button", name="保存草稿").click()
    expect(reporter.get_by_text("报告已保存。")).to_be_visible()
    reporter.get_by_label("佐证材料", exact=True).set_input_files(str(photo))
    reporter.get_by_role("button", name="保存草稿").click()  # the files go with the draft
    expect(reporter.get_by_role("link", name="入户走访照片.png")).to_be_visible()
    _shot(reporter, "2-report-form-phone")
    reporter.get_by_role("button", name="提交审核").click()
    expect(reporter.get_by_text("报告已保存并提交审核。")).to_be_visible()

    liaison = _login(browser, live_server.url, "liaison", DESKTOP)
    expect(liaison.locator("h1")).to_contain_text("审核队列")
    _shot(liaison, "3-review-queue-desktop")
    liaison.locator("article.task").filter(has_text="晋江市妇联").get_by_role("button", name="审核").click()
    with liaison.expect_download() as download:
        liaison.get_by_role("link", name="入户走访照片.png").click()
    assert download.value.suggested_filename == "入户走访照片.png"
    liaison.get_by_label("意见（退回时必填）").fill("请补充服务对象名单")
    liaison.get_by_role("button", name="退回修改").click()
    expect(liaison.get_by_text("报告已退回责任单位。")).to_be_visible()

    reporter.goto(f"{live_server.url}/tasks/")
    reporter.get_by_role("button", name="修改后重新提交").first.click()
    expect(reporter.locator("article.status-returned")).to_contain_text("请补充服务对象名单")
    reporter.get_by_label("工作进展").fill("走访家庭30户，开展志愿服务5次，服务对象名单见附件。")
    _shot(reporter, "4-returned-report-phone")
    reporter.get_by_role("button", name="重新提交").click()
    expect(reporter.get_by_text("报告已保存并提交审核。")).to_be_visible()

    report = ProgressReport.objects.get(assignment=units.a1, period=units.q1)
    liaison.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(liaison.get_by_text("与退回版本相比的修改")).to_be_visible()
    expect(liaison.get_by_role("insertion")).to_contain_text("服务对象名单见附件")
    _shot(liaison, "5-resubmitted-report-desktop")
    liaison.get_by_role("button", name="通过").click()
    expect(liaison.get_by_text("报告已审核通过。")).to_be_visible()

    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert list(report.transitions.values_list("action", "actor__username", "reason")) == [
        (ReportTransition.Action.SUBMIT, "reporter_a", ""),
        (ReportTransition.Action.RETURN, "liaison", "请补充服务对象名单"),
        (ReportTransition.Action.RESUBMIT, "reporter_a", ""),
        (ReportTransition.Action.APPROVE, "liaison", ""),
    ]
    assert report.evidence.get().original_name == "入户走访照片.png"
    reporter.goto(f"{live_server.url}/notifications/")
    expect(reporter.get_by_text("已审核通过")).to_be_visible()
    _shot(reporter, "6-notifications-phone")
    reporter.context.close()
    liaison.context.close()
