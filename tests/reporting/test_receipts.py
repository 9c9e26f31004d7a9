"""下发 / 签收 (issue 15, item 3): issuing a round's tasks tells each unit once, a unit's reporter
signs (or receives by opening the task or its plan), nobody else can, and the dashboards show
未签收 for the units that have not, and “已签收 N 天” for those that have."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from projects.models import Assignment
from reporting import receipts
from reporting.models import Notification, OutboxEmail, RobotMessage, RobotWebhook, TaskReceipt


def _issue(world, cast):
    return receipts.round_issue(actor=cast["superuser"], campaign=world.campaign)


def test_issuing_a_round_tells_each_unit_once_even_when_issued_twice(world, cast):
    RobotWebhook.objects.create(organisation=world.unit_a, url="https://qyapi.weixin.qq.com/x")
    first = _issue(world, cast)
    second = _issue(world, cast)

    assert {r.assignment for r in first.issued} == {world.a1, world.a2, world.b1}
    assert first.units == 2
    assert (second.issued, second.units, second.already) == ([], 0, 3)
    issued = Notification.objects.filter(kind=Notification.Kind.ISSUED)
    # unit A has two tasks but gets one message; unit B one
    assert sorted(n.recipient.username for n in issued) == ["reporter_a", "reporter_b"]
    message = issued.get(recipient=cast["reporter_a"]).message
    assert "“1. 巾帼志愿者在行动”" in message and "“2. 扶持妇女创业就业”" in message
    assert "2014年度" in message
    assert OutboxEmail.objects.filter(notification__in=issued).count() == 2
    assert RobotMessage.objects.count() == 1  # unit A's robot, once


def test_issuing_again_issues_only_the_tasks_added_since(world, cast):
    _issue(world, cast)
    added = Assignment.objects.create(project=world.project_2, unit=world.unit_b)

    again = _issue(world, cast)

    assert [r.assignment for r in again.issued] == [added]
    assert Notification.objects.filter(recipient=cast["reporter_b"], kind="issued").count() == 2
    assert Notification.objects.filter(recipient=cast["reporter_a"], kind="issued").count() == 1


@pytest.mark.parametrize("who", ["leader", "liaison", "reporter_a", "outsider"])
def test_only_city_administrators_issue(world, cast, who):
    with pytest.raises(PermissionDenied):
        receipts.round_issue(actor=cast[who], campaign=world.campaign)
    assert not TaskReceipt.objects.exists()


def test_a_closed_round_is_not_issued(world, cast):
    world.campaign.closed_at = timezone.now()
    world.campaign.save()
    with pytest.raises(PermissionDenied):
        _issue(world, cast)


def test_a_reporter_signs_for_the_issued_task_on_my_tasks(client, world, cast):
    _issue(world, cast)
    client.force_login(cast["reporter_a"])
    tasks = client.get(reverse("reporting:tasks"))
    assert "新下发的任务（待签收）</h2>" in tasks.text
    assert reverse("reporting:receipt_sign", args=[world.a1.pk]) in tasks.text

    response = client.post(
        reverse("reporting:receipt_sign", args=[world.a1.pk]),
        {"next": reverse("reporting:tasks")},
        follow=True,
    )

    receipt = TaskReceipt.objects.get(assignment=world.a1)
    assert (receipt.how, receipt.received_by) == (TaskReceipt.How.SIGNED, cast["reporter_a"])
    assert "已签收“1. 巾帼志愿者在行动”" in response.text
    assert reverse("reporting:receipt_sign", args=[world.a1.pk]) not in response.text
    assert reverse("reporting:receipt_sign", args=[world.a2.pk]) in response.text  # still to sign
    assert receipt.history.count() == 2  # issued, signed


def test_signing_twice_keeps_the_first_receipt(world, cast):
    _issue(world, cast)
    first = receipts.receipt_sign(actor=cast["reporter_a"], assignment=world.a1)
    again = receipts.receipt_sign(actor=cast["reporter_a"], assignment=world.a1)
    assert again.received_at == first.received_at
    assert TaskReceipt.objects.get(assignment=world.a1).history.count() == 2


def test_first_opening_of_the_task_page_marks_it_received(client, world, cast):
    _issue(world, cast)
    client.force_login(cast["reporter_a"])

    page = client.get(reverse("reporting:assignment", args=[world.a1.pk]))
    client.get(reverse("reporting:assignment", args=[world.a1.pk]))

    receipt = TaskReceipt.objects.get(assignment=world.a1)
    assert (receipt.how, receipt.received_by) == (TaskReceipt.How.OPENED, cast["reporter_a"])
    assert receipt.history.count() == 2  # the second opening wrote nothing
    assert "已签收" in page.text and "打开任务" in page.text
    assert TaskReceipt.objects.get(assignment=world.a2).received_at is None


def test_opening_the_plan_marks_it_received(client, world, cast):
    _issue(world, cast)
    client.force_login(cast["reporter_a"])
    assert client.get(reverse("reporting:plan_edit", args=[world.a2.pk])).status_code == 200
    assert TaskReceipt.objects.get(assignment=world.a2).how == TaskReceipt.How.OPENED


def test_others_opening_a_task_do_not_receive_it_for_the_unit(client, world, cast):
    _issue(world, cast)
    for who in ("superuser", "leader", "liaison"):
        client.force_login(cast[who])
        page = client.get(reverse("reporting:assignment", args=[world.a1.pk]))
        assert "未签收" in page.text
        assert reverse("reporting:receipt_sign", args=[world.a1.pk]) not in page.text
    assert TaskReceipt.objects.get(assignment=world.a1).received_at is None


def test_a_foreign_reporter_cannot_sign_another_units_task(client, world, cast):
    _issue(world, cast)
    client.force_login(cast["reporter_b"])
    assert client.post(reverse("reporting:receipt_sign", args=[world.a1.pk])).status_code == 404
    client.force_login(cast["liaison"])  # sees A1 but is not its unit's reporter
    assert client.post(reverse("reporting:receipt_sign", args=[world.a1.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        receipts.receipt_sign(actor=cast["reporter_b"], assignment=world.a1)
    assert TaskReceipt.objects.get(assignment=world.a1).received_at is None


def test_a_task_not_issued_has_nothing_to_sign(client, world, cast):
    client.force_login(cast["reporter_a"])
    response = client.post(reverse("reporting:receipt_sign", args=[world.a1.pk]), follow=True)
    assert "尚未下发，无需签收。" in response.text
    assert not TaskReceipt.objects.exists()
    client.get(reverse("reporting:assignment", args=[world.a1.pk]))
    assert not TaskReceipt.objects.exists()


def test_the_overview_shows_the_units_not_signed_for(client, world, cast):
    _issue(world, cast)
    receipts.receipt_sign(actor=cast["reporter_a"], assignment=world.a1)
    receipts.receipt_sign(actor=cast["reporter_a"], assignment=world.a2)
    client.force_login(cast["leader"])

    response = client.get(reverse("dashboards:overview"))

    assert [row["unit__name"] for row in response.context["unreceived"]] == ["惠安县妇联"]
    assert "未签收任务的单位" in response.text
    assert response.text.count("✉ 未签收") == 3  # the legend, the list, B1's cell
    css = client.get(reverse("dashboards:status_colours_css")).text
    assert ".st-unreceived{background:#8250df" in css


def test_the_unit_page_counts_the_days_since_receipt(client, world, cast):
    _issue(world, cast)
    receipt = receipts.receipt_sign(actor=cast["reporter_a"], assignment=world.a1)
    TaskReceipt.objects.filter(pk=receipt.pk).update(
        received_at=receipt.received_at - datetime.timedelta(days=3)
    )
    client.force_login(cast["leader"])

    response = client.get(reverse("dashboards:unit", args=[world.unit_a.pk]))

    assert "已签收 3 天" in response.text
    assert "未签收" in response.text  # A2


def test_the_admin_action_asks_first_then_issues(client, world, cast):
    client.force_login(cast["superuser"])
    url = reverse("admin:projects_campaign_changelist")
    chosen = {"action": "issue_tasks", "_selected_action": [world.campaign.pk]}

    confirm = client.post(url, chosen)
    assert confirm.status_code == 200 and "确认下发" in confirm.text
    assert not TaskReceipt.objects.exists()

    done = client.post(url, {**chosen, "confirm": "yes"}, follow=True)
    assert TaskReceipt.objects.count() == 3
    assert "已向2个单位下发3项任务（此前已下发0项）。" in done.text
    client.post(url, {**chosen, "confirm": "yes"})
    assert Notification.objects.filter(kind="issued").count() == 2


def test_the_receipt_rule_replays_any_day():
    from dashboards.status import NOT_ISSUED, receipt_on

    issued, received = datetime.date(2015, 1, 5), datetime.date(2015, 1, 8)
    assert receipt_on(None, None, received) == NOT_ISSUED
    assert receipt_on(issued, received, datetime.date(2015, 1, 4)) == NOT_ISSUED  # before the issue
    assert receipt_on(issued, received, datetime.date(2015, 1, 7)).unreceived
    assert receipt_on(issued, received, received).days == 0
    assert receipt_on(issued, received, datetime.date(2015, 1, 18)).days == 10
    assert not receipt_on(issued, received, datetime.date(2015, 1, 18)).unreceived
