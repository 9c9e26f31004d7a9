"""开启新一轮 in Chromium (issue 12, item 1): the city administrator starts the 2015 round from
2014 in the admin, copying the 四定 as drafts; a reporter of one unit then revises the copied plan
and saves the first 2015 report as a draft."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from projects.models import Campaign
from reporting import services
from reporting.models import PlanStatus, ProgressReport, ReportStatus
from tests.browser.conftest import admin_login, save_screenshot
from tests.cast import user
from units.roles import Role

pytestmark = pytest.mark.browser


def _page(browser: Browser) -> Page:
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_a_new_round_and_its_first_report_in_the_browser(
    live_server, browser, transactional_db, campaign_2014, city_admin
):
    source = Campaign.objects.get(year=2014)
    old = source.projects.get(number=1).assignments.select_related("unit").first()
    services.plan_update(
        assignment=old,
        actor=city_admin,
        version=None,
        target="建成巾帼示范基地3个",
        deadline=datetime.date(2014, 12, 31),
        responsible_person="林主任",
        responsible_person_position="主席",
        responsible_person_phone="0595-22222222",
        milestones=[services.MilestoneRow(None, 1, "调研选点", datetime.date(2014, 3, 31))],
        indicators=[services.IndicatorRow(None, "示范基地", Decimal("3"), "个")],
    )
    services.plan_submit(assignment=old, actor=city_admin)
    services.plan_confirm(assignment=old, actor=city_admin)
    reporter = user("round_reporter", old.unit, Role.REPORTER)

    admin = _page(browser)
    admin_login(admin, live_server.url, "city_admin", "pw-city-admin")
    admin.goto(f"{live_server.url}/admin/projects/campaign/")
    admin.get_by_role("link", name="开启新一轮").click()
    expect(admin.locator("h1")).to_contain_text("开启新一轮")
    expect(admin.get_by_label("新一轮年份")).to_have_value("2015")
    admin.get_by_label("文号").fill("泉妇〔2014〕95号")
    admin.get_by_label("文件标题").fill("关于开展2015年“争六好、创特色”活动的通知")
    admin.get_by_label("复制各责任单位的四定为草稿（日期推后一年），由各单位修改").check()
    save_screenshot(admin, "new-round-1-form")
    admin.get_by_role("button", name="预览").click()
    expect(admin.locator(".counts")).to_contain_text("10个特色项目、29项责任分工")
    expect(admin.locator(".counts")).to_contain_text("1个步骤、1项指标")
    assert not Campaign.objects.filter(year=2015).exists()  # the preview writes nothing
    save_screenshot(admin, "new-round-2-preview")
    admin.get_by_role("button", name="确认开启").click()
    expect(admin.locator(".messagelist")).to_contain_text("已从2014年开启2015年新一轮")
    save_screenshot(admin, "new-round-3-started")
    new = Campaign.objects.get(year=2015)
    assert new.projects.count() == 10

    page = _page(browser)
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill(reporter.username)
    page.get_by_label("密码").fill(f"pw-{reporter.username}")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("我的任务")
    save_screenshot(page, "new-round-4-reporter-tasks")
    page.locator("table tbody tr").first.get_by_role("link").click()  # the 2015 project comes first
    expect(page.locator("main")).to_contain_text("2015")
    page.get_by_role("button", name="修改计划").click()
    expect(page.get_by_label("定目标")).to_have_value("建成巾帼示范基地3个")
    page.get_by_label("定目标").fill("建成巾帼示范基地5个")
    save_screenshot(page, "new-round-5-copied-plan")
    page.get_by_role("button", name="保存计划").click()
    copied = new.projects.get(number=1).assignments.get(unit=old.unit)
    expect(page.locator("main")).to_contain_text("建成巾帼示范基地5个")
    copied.refresh_from_db()
    assert copied.target == "建成巾帼示范基地5个" and copied.plan.status == PlanStatus.DRAFT
    page.get_by_role("button", name="填报").first.click()
    page.get_by_label("工作进展").fill("完成2015年示范基地选点。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("报告已保存。")).to_be_visible()
    save_screenshot(page, "new-round-6-first-2015-report")
    report = ProgressReport.objects.get(assignment=copied)
    assert report.status == ReportStatus.DRAFT and report.period.campaign == new
