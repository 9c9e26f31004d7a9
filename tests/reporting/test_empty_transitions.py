"""A report or plan without workflow steps yet says so in a sentence, not as step “1.” of an
ordered list (the demo's draft reports showed “流转记录 1. 暂无记录。”)."""

import re

from django.urls import reverse

from tests.reporting.conftest import make_report


def transitions_block(html: str) -> str:
    return html[html.index("流转记录") :]


def test_a_draft_report_has_no_numbered_empty_step(client, world, cast):
    report = make_report(world, world.a1, cast["reporter_a"])
    client.force_login(cast["reporter_a"])
    html = transitions_block(client.get(reverse("reporting:report_edit", args=[report.pk])).text)
    assert re.search(r"<p class=\"muted transitions-empty\">暂无记录。</p>", html)
    assert not re.search(r"<li[^>]*>暂无记录", html)


def test_a_submitted_report_lists_its_steps(client, world, cast):
    report = make_report(world, world.a1, cast["reporter_a"], submit=True)
    client.force_login(cast["reporter_a"])
    html = transitions_block(client.get(reverse("reporting:report", args=[report.pk])).text)
    assert '<ol class="transitions">' in html and "暂无记录" not in html
