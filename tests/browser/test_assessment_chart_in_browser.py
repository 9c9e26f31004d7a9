"""争六好历年得分 on the unit's page (issue 14 item 6) in Chromium: the Chart.js line chart is drawn
(a canvas with pixels painted), the table under it holds the same numbers, on a desktop and on a
phone (390×844, no sideways scrolling). Screenshots: test-artifacts/assessment-chart-*.png."""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from assessments import selectors
from assessments.selectors import FeatureResults
from tests.assessments.test_over_the_years import _round
from tests.browser.conftest import ARTIFACTS, logged_in_context

pytestmark = pytest.mark.browser

#: Whether the canvas has painted pixels (not a blank, transparent box).
PAINTED = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { painted++; } }
  return painted;
}"""


@pytest.mark.parametrize(
    "name,viewport,mobile",
    [("desktop", {"width": 1280, "height": 900}, False), ("phone", {"width": 390, "height": 844}, True)],
)
def test_the_units_page_draws_its_scores_over_the_years(
    live_server,
    browser: Browser,
    transactional_db,
    client,
    settings,
    tmp_path,
    monkeypatch,
    name,
    viewport,
    mobile,
):
    from tests.cast import build_cast

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(selectors, "feature_results", lambda **kw: FeatureResults(0, 0, 0, 0, 0, Decimal(0)))
    cast = build_cast()
    cast.city = cast.campaign.issuing_body
    _round(cast, 2014, self_scores=(30, 30), inspection_scores=(20, 30), stage="published")
    _round(cast, 2015, self_scores=(40, 45), inspection_scores=None, stage="published")
    _round(cast, 2016, self_scores=(10, 10), inspection_scores=(30, 30), stage="approved")
    context = logged_in_context(
        browser,
        live_server,
        client,
        cast.users["reporter_a"],
        viewport=viewport,
        is_mobile=mobile,
        has_touch=mobile,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/dashboards/units/{cast.units['A'].pk}/")
    section = page.locator("#rounds")
    expect(section.get_by_role("heading", name="争六好历年得分")).to_be_visible()
    canvas = section.locator("canvas[data-chart='rounds']")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box["width"] > 200 and box["height"] > 150
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length > 0")
    chart = page.evaluate(
        "() => { const c = Object.values(Chart.instances).find(c => c.canvas.dataset.chart === 'rounds');"
        " return {labels: c.data.labels, sets: c.data.datasets.map(d => [d.label, d.data])}; }"
    )
    assert chart == {
        "labels": ["2014年", "2015年"],
        "sets": [["班子", [50, 100]], ["业绩", [50, 75]], ["总分（满分100分）", [55, 42.5]]],
    }
    assert canvas.evaluate(PAINTED) > 1000
    table = section.locator("#rounds-table")
    expect(table.locator("tbody tr")).to_have_count(2)  # 2016 is not published: not shown to the unit
    expect(table.locator("tbody tr").first).to_contain_text("55.0")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("75.0%")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"assessment-chart-{name}.png"), full_page=True)
    section.screenshot(path=str(ARTIFACTS / f"assessment-chart-{name}-section.png"))
    if not mobile:  # printed: the chart and its table stay together, the table whole
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        expect(table).to_be_visible()
        section.screenshot(path=str(ARTIFACTS / "assessment-chart-print-section.png"))
        page.emulate_media(media="screen")
    assert not [e for e in errors if "Content Security Policy" in e or "Chart" in e], errors
    context.close()
