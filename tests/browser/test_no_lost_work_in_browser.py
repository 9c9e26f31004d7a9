"""A reporter on a phone types a whole report, chooses three files at once, saves, and finds every
character and every file there — under the portal's content security policy."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from reporting.models import ProgressReport
from tests.browser.conftest import ARTIFACTS
from tests.reporting.conftest import cast, docx_bytes, fast_passwords, pdf_bytes, png_bytes, world  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

PROGRESS = (
    "一、开展“巾帼志愿者在行动”入户走访家庭30户，覆盖留守妇女儿童86人；\n"
    "二、组织志愿服务5次（含端午、七一），参与志愿者112人次。\n"
    "数字与符号：1/2、50%、3.5万元、①②③、〔2014〕、—— …… 《》、𠮷、😀"
)
PROBLEMS = "部分村居志愿者人手不足；经费缺口约2万元。\n个别服务记录不全。"
NEXT_STEPS = "下步拟联合团委、文明办招募大学生志愿者，\n并于10月底前完成服务台账。"


def test_a_reporter_on_a_phone_types_a_full_report_uploads_three_files_and_finds_it_all(
    live_server,
    browser: Browser,
    transactional_db,
    request,
    tmp_path,
):
    request.getfixturevalue("cast")
    units = request.getfixturevalue("world")
    files = []
    for name, content in [
        ("入户走访照片.png", png_bytes()),
        ("服务台账.pdf", pdf_bytes()),
        ("工作方案.docx", docx_bytes()),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        files.append(path)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("reporter_a")
    page.get_by_label("密码").fill("pw-reporter_a")
    page.get_by_role("button", name="登录").click()
    card = page.locator("article.task").filter(has_text="巾帼志愿者在行动").filter(has_text="第1季度")
    card.get_by_role("button", name="填报进度报告").click()

    page.get_by_label("工作进展").fill(PROGRESS)
    page.get_by_label("完成进度").fill("45")
    page.get_by_label("存在问题").fill(PROBLEMS)
    page.get_by_label("下步打算").fill(NEXT_STEPS)
    page.get_by_label("佐证材料", exact=True).set_input_files([str(path) for path in files])
    page.get_by_role("button", name="保存草稿").click()

    expect(page.get_by_text("报告已保存。")).to_be_visible()
    for path in files:
        expect(page.get_by_role("link", name=path.name)).to_be_visible()
    expect(page.get_by_label("工作进展")).to_have_value(PROGRESS)
    expect(page.get_by_label("完成进度")).to_have_value("45")
    expect(page.get_by_label("存在问题")).to_have_value(PROBLEMS)
    expect(page.get_by_label("下步打算")).to_have_value(NEXT_STEPS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "no-lost-work-phone.png"), full_page=True)

    report = ProgressReport.objects.get(assignment=units.a1, period=units.q1)
    stored_texts = [
        text.replace("\r\n", "\n") for text in (report.progress, report.problems, report.next_steps)
    ]
    assert (*stored_texts, report.percent_complete) == (  # browsers send a textarea's breaks as CRLF
        PROGRESS,
        PROBLEMS,
        NEXT_STEPS,
        45,
    )
    stored = {e.original_name: Path(e.file.path).read_bytes() for e in report.evidence.all()}
    assert stored == {path.name: path.read_bytes() for path in files}
    assert violations == []
    context.close()
