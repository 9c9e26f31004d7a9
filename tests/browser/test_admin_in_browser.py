"""A member of the city staff logs in to the admin in Chromium and finds the ten projects."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from projects.models import FeatureProject
from tests.browser.conftest import admin_login

pytestmark = pytest.mark.browser


def test_city_staff_see_the_ten_projects_in_chinese(live_server, page, screenshot, transactional_db):
    call_command("loaddata", "campaign_2014", verbosity=0)
    User.objects.create_superuser("city_admin", "city@example.com", "pw-城市-admin-2014")

    admin_login(page, live_server.url, "city_admin", "pw-城市-admin-2014")
    page.get_by_role("link", name="特色项目", exact=True).first.click()

    assert page.locator("h1").inner_text() == "选择 特色项目 来修改"
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 10
    printed = [p.title for p in FeatureProject.objects.order_by("number")]
    shown = [rows.nth(i).locator("th a, td a").nth(1).inner_text() for i in range(10)]
    assert shown == printed
    assert page.get_by_text("丰泽区妇联、泉港区妇联、晋江市妇联、台商投资区妇工委").is_visible()
    screenshot()

    page.get_by_role("link", name="“我们和留守流动儿童在一起”关爱活动").click()
    goal = page.get_by_label("创建目标")
    assert goal.input_value() == FeatureProject.objects.get(number=9).goal
    screenshot("project-9")
