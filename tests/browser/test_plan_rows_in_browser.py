"""The 四定 plan form in Chromium (issue 15, item 6): a reporter adds four steps without saving in
between (static/js/formset-rows.js, under the content security policy), removes a row she added
by mistake, saves once, and all four steps are stored."""

import datetime
import struct
import zlib

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS
from tests.reporting.conftest import cast, fast_passwords, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

STEPS = [
    ("动员部署", "2014-04-30"),
    ("组织培训", "2014-06-30"),
    ("推进实施", "2014-09-30"),
    ("总结评估", "2014-12-15"),
]


def test_a_reporter_adds_four_steps_without_saving_in_between(
    live_server, browser: Browser, transactional_db, request
):
    request.getfixturevalue("cast")
    units = request.getfixturevalue("world")
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("reporter_a")
    page.get_by_label("密码").fill("pw-reporter_a")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/assignments/{units.a1.pk}/plan/")

    expect(page.get_by_text("保存后可再添加一行。")).to_be_hidden()  # the script is running
    add_step = page.get_by_role("button", name="添加一步")
    expect(add_step).to_be_visible()
    expect(page.get_by_role("button", name="添加一项指标")).to_be_visible()
    rows = page.locator('[data-formset="steps"] [data-formset-row]:visible')
    expect(rows).to_have_count(1)  # the stored step; the server's blank row gave way to the button

    for _ in range(5):
        add_step.click()
    expect(rows).to_have_count(6)
    for offset, (title, due) in enumerate(STEPS):
        index = offset + 2
        expect(page.locator(f'input[name="steps-{index}-order"]')).to_have_value(str(index))
        page.locator(f'input[name="steps-{index}-title"]').fill(title)
        page.locator(f'input[name="steps-{index}-due_on"]').fill(due)
    page.locator('input[name="steps-6-title"]').fill("多添的一步")
    rows.nth(5).get_by_role("button", name="删除此步").click()  # added by mistake: removed again
    expect(rows).to_have_count(5)
    expect(page.locator('input[name="steps-TOTAL_FORMS"]')).to_have_value("7")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-rows-1-four-steps-added.png"), full_page=True)

    page.get_by_role("button", name="保存计划").click()
    expect(page.get_by_text("计划已保存。")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "plan-rows-2-saved.png"), full_page=True)
    stored = list(units.a1.milestones.values_list("order", "title", "due_on"))
    assert stored == [(1, "调研摸底", datetime.date(2014, 3, 31))] + [
        (number, title, datetime.date.fromisoformat(due))
        for number, (title, due) in enumerate(STEPS, start=2)
    ]
    assert not errors, errors  # no script error, no content security policy violation
    context.close()


def test_without_the_script_the_plan_form_still_adds_a_step_per_save(
    live_server, browser: Browser, transactional_db, request
):
    request.getfixturevalue("cast")
    units = request.getfixturevalue("world")
    context = browser.new_context(
        locale="zh-CN", java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("reporter_a")
    page.get_by_label("密码").fill("pw-reporter_a")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/assignments/{units.a1.pk}/plan/")
    expect(page.get_by_text("保存后可再添加一行。")).to_be_visible()
    expect(page.get_by_role("button", name="添加一步")).to_be_hidden()
    page.locator('input[name="steps-1-order"]').fill("2")
    page.locator('input[name="steps-1-title"]').fill("总结评估")
    page.get_by_role("button", name="保存计划").click()
    expect(page.get_by_text("计划已保存。")).to_be_visible()
    assert list(units.a1.milestones.values_list("title", flat=True)) == ["调研摸底", "总结评估"]
    context.close()


def _photo_png(width: int = 480, height: int = 320) -> bytes:
    """A PNG photo-sized picture (sky over a field), made without an image library."""
    rows = b"".join(
        b"\x00" + (bytes((90, 150, 220)) if y < height * 0.6 else bytes((70, 160, 80))) * width
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_photo_opens_in_the_page_and_removing_it_asks_first(
    live_server, browser: Browser, transactional_db, request
):
    from reporting import services
    from reporting.models import Evidence
    from tests.reporting.conftest import make_report, upload

    people = request.getfixturevalue("cast")
    units = request.getfixturevalue("world")
    report = make_report(units, units.a1, people["reporter_a"])
    services.evidence_add(
        report=report, actor=people["reporter_a"], upload=upload("入户走访.png", _photo_png())
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("reporter_a")
    page.get_by_label("密码").fill("pw-reporter_a")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/reports/{report.pk}/edit/")
    thumbnail = page.locator("a.evidence-thumb img")
    expect(thumbnail).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", thumbnail.element_handle()) > 0  # the image loaded
    page.get_by_role("link", name="放大照片").click()
    expect(page.locator(".evidence-view figure img")).to_be_visible()
    assert page.url.endswith(f"/reports/{report.pk}/edit/#evidence-view-{Evidence.objects.get().pk}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "evidence-1-photo-in-the-page.png"))
    page.locator(".evidence-view figcaption").get_by_role("link", name="关闭").click()
    expect(page.locator(".evidence-view figure img")).to_be_hidden()

    page.locator(".evidence-list").get_by_role("link", name="删除").click()
    expect(page.get_by_role("button", name="确认删除")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "evidence-2-remove-asks-first.png"), full_page=True)
    assert Evidence.objects.exists()  # asking removed nothing
    page.get_by_role("button", name="确认删除").click()
    expect(page.get_by_text("已删除“入户走访.png”。")).to_be_visible()
    assert not Evidence.objects.exists()
    context.close()
