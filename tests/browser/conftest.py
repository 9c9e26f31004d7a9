"""Browser tests: Playwright for Python driving Debian's Chromium, headless, against live_server.

Never ``playwright install``: the browser is /usr/bin/chromium (``apt-get install chromium``).
Screenshots go to ``test-artifacts/`` for a person to look at.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop-sized page with a Chinese locale and Asia/Shanghai time."""
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page: Page, request):
    """Save a full-page screenshot under test-artifacts/, named after the test."""

    def take(name: str = "") -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}{'-' + name if name else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def admin_login(page: Page, base_url: str, username: str, password: str) -> None:
    """Log in through the admin's Chinese login form."""
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot of ``page`` as test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def logged_in_context(browser: Browser, live_server, client, user, **options) -> BrowserContext:
    """A new browser context (zh-CN, Asia/Shanghai, 1280×900 unless ``options`` say otherwise)
    logged in as ``user`` through the test client's session cookie; the caller closes it."""
    client.force_login(user)
    options = {"viewport": {"width": 1280, "height": 900}, **options}
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


@pytest.fixture
def browser_page(browser: Browser, live_server, city_admin, client) -> Iterator[Page]:
    """A page logged in as the city administrator (the test client's session cookie)."""
    context = logged_in_context(browser, live_server, client, city_admin)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture
def phone_page_as(browser: Browser, live_server, client):
    """``phone_page_as(user)``: a fresh 390×844 touch page (zh-CN, Asia/Shanghai) logged in as
    ``user`` through the test client's session cookie; its context is closed after the test."""
    contexts = []

    def open_as(user) -> Page:
        context = logged_in_context(
            browser, live_server, client, user, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        ARTIFACTS.mkdir(exist_ok=True)
        return page

    yield open_as
    for context in contexts:
        context.close()
