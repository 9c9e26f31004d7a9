"""The counties' map in a real browser (issue 13 item 6): the city overview and the bulletin draw
the 泉州 map from the vendored ECharts, each county filled with its status colour as the matrix
colours its cells, grey where the portal has no federation (金门县); a click opens the county's
page; nothing breaks the content security policy. Screenshots of desktop, phone (390×844) and print
go to ``test-artifacts/`` for a person to look at (``county-map-*``), and the print as a PDF.
"""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from dashboards.status import Status, colours
from dashboards.views import NO_DATA_COLOUR
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_dashboards_in_browser import PHONE, log_in
from tests.dashboards import conftest as dashboard_data
from tests.dashboards import factories
from tests.dashboards.conftest import ON
from tests.deploy.test_csp_browser import RECORD_VIOLATIONS
from units.models import Organisation

city = dashboard_data.city
cast = dashboard_data.cast

pytestmark = pytest.mark.browser

# The fill of each map area, read at its centre point (the geometry's ``cp``, placed by the chart
# itself): the topmost <path> there is the area.
FILLS = """(box) => {
  const chart = echarts.getInstanceByDom(box);
  const frame = box.getBoundingClientRect();
  const out = {};
  echarts.getMap("泉州").geoJSON.features.forEach((feature) => {
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, feature.properties.cp);
    const hit = document.elementsFromPoint(frame.left + x, frame.top + y)
      .find((el) => el.tagName.toLowerCase() === "path" && box.contains(el));
    out[feature.properties.name] = hit ? hit.getAttribute("fill") : null;
  });
  return out;
}"""


def hex_colour(value: str) -> str:
    """``#cf222e`` for ``#CF222E`` or ``rgb(207,34,46)``."""
    value = value.strip().lower()
    found = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*[\d.]+)?\)", value)
    return "#" + "".join(f"{int(n):02x}" for n in found.groups()) if found else value


@pytest.fixture
def city_with_streets(city):
    """The small city, plus 南安市妇联 with nothing to do and a street of 晋江 reporting on time."""
    factories.organisation("南安市妇联", order=107)
    street = factories.organisation(
        "青阳街道妇联", Organisation.Kind.TOWNSHIP_FEDERATION, 600, parent=city.jinjiang
    )
    assignment = factories.assignment(city.volunteers, street, datetime.date(2024, 12, 31))
    factories.report(assignment, 1, 40, datetime.date(2024, 4, 9))
    return city


def map_fills(page: Page) -> dict[str, str]:
    box = page.locator("#county-map")
    expect(box.locator("svg")).to_be_visible()
    box.scroll_into_view_if_needed()  # elementsFromPoint sees only the viewport
    page.wait_for_timeout(200)  # the SVG renderer draws on the next animation frame
    return {name: hex_colour(fill or "") for name, fill in box.evaluate(FILLS).items()}


def test_the_map_is_coloured_as_the_matrix_on_desktop_phone_and_print(
    live_server, page, transactional_db, cast, city_with_streets
):
    city = city_with_streets
    ARTIFACTS.mkdir(exist_ok=True)
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server.url, cast["leader"], f"/dashboards/?on={ON.isoformat()}")
    expect(page.get_by_role("heading", name="各县（市、区）进展一览")).to_be_visible()
    palette = {status: colours()[status]["background"].lower() for status in Status.values}
    fills = map_fills(page)
    # As the table (and the matrix's most severe cell) says: 鲤城 behind, 丰泽 overdue, 晋江 on
    # track (done and its street on track); 南安 no assignments and 金门 no federation: grey.
    assert fills["鲤城区"] == palette[Status.BEHIND], fills
    assert fills["丰泽区"] == palette[Status.OVERDUE], fills
    assert fills["晋江市"] == palette[Status.ON_TRACK], fills
    assert fills["南安市"] == NO_DATA_COLOUR, fills
    assert fills["金门县"] == NO_DATA_COLOUR, fills
    assert len(fills) == 12, fills
    # The table beside it carries the same statuses in words.
    row = page.locator("tr[data-county='丰泽区']")
    expect(row.locator(".chip.st-overdue").first).to_contain_text("逾期")
    expect(page.locator("tr[data-county='晋江市'] td").nth(7)).to_have_text("50.0")
    page.screenshot(path=ARTIFACTS / "county-map-overview-desktop.png", full_page=True)
    page.locator(".level").screenshot(path=ARTIFACTS / "county-map-overview-desktop-level.png")

    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)  # the map resizes
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the overview is {overflow}px wider than a phone"
    width = page.locator("#county-map svg").evaluate("svg => svg.getBoundingClientRect().width")
    assert 300 <= width <= 390
    assert map_fills(page)["丰泽区"] == palette[Status.OVERDUE]
    page.locator(".level").screenshot(path=ARTIFACTS / "county-map-overview-phone.png")

    page.set_viewport_size({"width": 794, "height": 1123})  # A4 portrait at 96 dpi
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    expect(page.locator("#county-map svg")).to_be_visible()
    expect(page.locator(".level-table")).to_be_visible()
    assert map_fills(page)["鲤城区"] == palette[Status.BEHIND]
    page.screenshot(path=ARTIFACTS / "county-map-overview-print.png", full_page=True)
    page.pdf(path=ARTIFACTS / "county-map-overview-print.pdf", format="A4", print_background=True)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)

    # A click on a county opens its page.
    map_box = page.locator("#county-map")
    map_box.scroll_into_view_if_needed()
    frame = map_box.bounding_box()
    x, y = map_box.evaluate(
        """(box) => echarts.getInstanceByDom(box).convertToPixel({ seriesIndex: 0 },
             echarts.getMap("泉州").geoJSON.features.find((f) => f.properties.name === "丰泽区").properties.cp)"""
    )
    page.mouse.click(frame["x"] + x, frame["y"] + y)
    expect(page).to_have_url(re.compile(rf"/dashboards/units/{city.fengze.pk}/\?"))
    expect(page.locator("h1")).to_contain_text("丰泽区妇联")

    # The bulletin has the same map, for the whole round.
    response = page.goto(f"{live_server.url}/dashboards/bulletin/?on={ON.isoformat()}&period=all")
    policy = response.headers["content-security-policy"]  # the policy is in force here too
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    fills = map_fills(page)
    assert fills["丰泽区"] == palette[Status.OVERDUE] and fills["金门县"] == NO_DATA_COLOUR
    page.screenshot(path=ARTIFACTS / "county-map-bulletin-desktop.png", full_page=True)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.wait_for_timeout(300)
    page.screenshot(path=ARTIFACTS / "county-map-bulletin-print.png", full_page=True)
    assert page.evaluate("window.__violations") == [], page.evaluate("window.__violations")


def test_without_javascript_the_table_is_the_content(live_server, browser, transactional_db, cast, city):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, cast["leader"], f"/dashboards/?on={ON.isoformat()}")
    expect(page.locator(".level-table")).to_be_visible()
    expect(page.locator(".county-map-figure")).to_be_hidden()
    context.close()
