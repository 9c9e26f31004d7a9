"""The status colours reach the pages as a style sheet built from the settings (no inline style)."""

from django.urls import reverse


def test_the_style_sheet_follows_the_configured_colours(client, settings):
    settings.SUPERVISION_STATUS_COLOURS = {
        **settings.SUPERVISION_STATUS_COLOURS,
        "overdue": {"background": "#123456", "text": "#fedcba", "mark": "✕"},
    }
    response = client.get(reverse("dashboards:status_colours_css"))
    assert response["Content-Type"].startswith("text/css")
    assert ".st-overdue{background:#123456;color:#fedcba}" in response.text
    # one rule per status, and the 未签收 badge (SUPERVISION_RECEIPT_COLOUR, issue 15 item 3)
    assert response.text.count(".st-") == len(settings.SUPERVISION_STATUS_COLOURS) + 1


def test_the_style_sheet_follows_the_configured_receipt_badge(client, settings):
    settings.SUPERVISION_RECEIPT_COLOUR = {"background": "#abcdef", "text": "#000000", "mark": "✉"}
    response = client.get(reverse("dashboards:status_colours_css"))
    assert ".st-unreceived{background:#abcdef;color:#000000}" in response.text
