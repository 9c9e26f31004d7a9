"""催报 (issue 15, items 1 and 2): who may chase, once a day per unit and period, the bulk chase of
every late unit, the record on the cell, the unit's inbox, and the group robots (a local stub HTTP
server on 127.0.0.1 stands for 企业微信/钉钉: it gets each message exactly once)."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from reporting import chasing, services
from reporting.models import Chase, Notification, OutboxEmail, RobotMessage, RobotWebhook
from tests.reporting.conftest import make_report, run_tasks


class RobotStub:
    """A group robot on 127.0.0.1: records every POST (``posts``) and those it took (``accepted``,
    answered ``errcode`` 0); answers 500 to the first ``fail_first``."""

    def __init__(self, fail_first: int = 0) -> None:
        self.posts: list[dict] = []
        self.accepted: list[dict] = []
        self.fail_first = fail_first
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stub.posts.append(json.loads(body))
                failing = len(stub.posts) <= stub.fail_first
                answer = b"oops" if failing else b'{"errcode":0,"errmsg":"ok"}'
                if not failing:
                    stub.accepted.append(stub.posts[-1])
                self.send_response(500 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "RobotStub":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robots_allowed(settings):
    settings.ROBOT_WEBHOOKS_ALLOW_LOOPBACK = True


def _later() -> None:
    """Move every pending robot message's and task's next try into the past."""
    from django_tasks_db.models import DBTaskResult

    past = timezone.now() - datetime.timedelta(seconds=1)
    RobotMessage.objects.filter(sent_at__isnull=True).update(next_attempt_at=past)
    DBTaskResult.objects.filter(run_after__isnull=False).update(run_after=past)


# --- who may chase --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["liaison", "leader", "city_admin", "superuser"])
def test_the_projects_liaison_a_leader_and_city_staff_may_chase(world, cast, who):
    chase = chasing.chase_send(actor=cast[who], assignment=world.a1, period=world.q1, note="请本周内报送")

    assert Chase.objects.get() == chase
    assert (chase.assignment, chase.period, chase.note) == (world.a1, world.q1, "请本周内报送")


@pytest.mark.parametrize("who", ["reporter_a", "reporter_b", "other_liaison", "outsider"])
def test_a_reporter_another_projects_liaison_or_an_outsider_may_not_chase(world, cast, who):
    with pytest.raises(PermissionDenied):
        chasing.chase_send(actor=cast[who], assignment=world.a1, period=world.q1)
    assert not Chase.objects.exists()


def test_a_period_with_a_submitted_report_is_not_late_and_cannot_be_chased(world, cast):
    make_report(world, world.a1, cast["reporter_a"], submit=True)

    with pytest.raises(services.WorkflowError, match="没有逾期"):
        chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q1)
    assert not Chase.objects.exists()


def test_a_draft_report_does_not_stop_the_chase(world, cast):
    make_report(world, world.a1, cast["reporter_a"])  # a draft: nothing submitted

    assert chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q1)


def test_a_period_not_yet_due_cannot_be_chased(world, cast):
    with pytest.raises(services.WorkflowError, match="没有逾期"):
        chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q1, today=world.q1.due_on)


def test_a_note_longer_than_500_characters_is_refused_naming_the_field(world, cast):
    with pytest.raises(ValidationError, match="附言"):
        chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q1, note="催" * 501)


# --- once a day -----------------------------------------------------------------------------------


def test_a_second_chase_the_same_day_is_refused_saying_when_and_by_whom(world, cast):
    first = chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q1)

    with pytest.raises(services.WorkflowError) as refused:
        chasing.chase_send(actor=cast["leader"], assignment=world.a1, period=world.q1)

    text = str(refused.value)
    assert "宣传部" in text and timezone.localtime(first.at).strftime("%H:%M") in text
    assert "每天最多催报一次" in text
    assert Chase.objects.count() == 1


def test_the_next_day_and_another_period_may_be_chased_again(world, cast):
    today = timezone.localdate()
    chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q1, today=today)
    chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q2, today=today)
    chasing.chase_send(
        actor=cast["liaison"], assignment=world.a1, period=world.q1, today=today + datetime.timedelta(days=1)
    )

    assert Chase.objects.filter(assignment=world.a1).count() == 3


def test_the_database_refuses_a_second_chase_of_the_same_day(world, cast):
    from django.db import IntegrityError, transaction

    chase = chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Chase.objects.create(
            assignment=world.a1, period=world.q1, actor=cast["leader"], at=chase.at, day=chase.day
        )


# --- bulk -----------------------------------------------------------------------------------------


def test_chasing_all_chases_only_the_late_units_and_skips_those_chased_today(world, cast):
    make_report(world, world.b1, cast["reporter_b"], submit=True)  # 惠安县妇联 reported Q1
    result = chasing.chase_send_all(actor=cast["liaison"], project=world.project_1, period=world.q1)

    assert [chase.assignment for chase in result.sent] == [world.a1]
    again = chasing.chase_send_all(actor=cast["liaison"], project=world.project_1, period=world.q1)
    assert (again.sent, again.already) == ([], [world.a1])
    assert Chase.objects.count() == 1


def test_a_reporter_may_not_chase_all(world, cast):
    with pytest.raises(PermissionDenied):
        chasing.chase_send_all(actor=cast["reporter_a"], project=world.project_1, period=world.q1)


# --- the record -----------------------------------------------------------------------------------


def test_the_record_counts_the_chases_and_names_the_last_day_and_department(world, cast):
    today = timezone.localdate()
    chasing.chase_send(actor=cast["leader"], assignment=world.a1, period=world.q1, today=today)
    chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q2, today=today)

    record = chasing.chase_record(world.a1)

    assert record.text == f"已催报 2 次，最近 {today.month}月{today.day}日 宣传部"
    assert chasing.chase_record(world.b1).text == ""


# --- through the pages ----------------------------------------------------------------------------


def test_a_leader_chases_a_red_cell_and_the_unit_sees_it_and_the_robot_gets_it_once(
    client, world, cast, robots_allowed
):
    with RobotStub() as robot:
        chasing.robot_webhook_save(
            actor=cast["superuser"],
            webhook=RobotWebhook(organisation=world.unit_a, kind=RobotWebhook.Kind.WECOM, url=robot.url),
        )
        client.force_login(cast["leader"])
        cell = reverse("dashboards:cell", args=[world.a1.pk])
        page = client.get(cell)
        assert page.status_code == 200
        chase_url = reverse("reporting:chase", args=[world.a1.pk, world.q1.pk])
        assert chase_url in page.text and "尚未催报" in page.text

        response = client.post(chase_url, {"note": "请本周五前报送", "next": cell}, follow=True)

        assert response.redirect_chain[-1][0] == cell
        assert "已向晋江市妇联催报" in response.text
        today = timezone.localdate()
        assert f"已催报 1 次，最近 {today.month}月{today.day}日 泉州市妇联" in response.text
        run_tasks()
        run_tasks()  # the worker runs again: nothing more goes out
        chasing.robot_send_due()
        assert len(robot.posts) == len(robot.accepted) == 1
        post = robot.posts[0]
        assert post["msgtype"] == "text"
        assert "晋江市妇联" in post["text"]["content"] and "请本周五前报送" in post["text"]["content"]

    client.force_login(cast["reporter_a"])
    inbox = client.get(reverse("reporting:notifications"))
    assert "催报" in inbox.text and "请本周五前报送" in inbox.text
    assert Notification.objects.get(recipient=cast["reporter_a"]).kind == Notification.Kind.CHASE
    assert OutboxEmail.objects.filter(to_address="reporter_a@example.com").count() == 1
    unit_page = client.get(reverse("reporting:assignment", args=[world.a1.pk]))
    assert "已催报 1 次" in unit_page.text and chase_url not in unit_page.text


def test_a_second_chase_through_the_page_is_refused_with_a_chinese_message(client, world, cast):
    client.force_login(cast["liaison"])
    url = reverse("reporting:chase", args=[world.a1.pk, world.q1.pk])
    client.post(url)

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert "今天已于" in response.text and "宣传部" in response.text
    assert "今天" in response.text and "已由宣传部催报，每天一次" in response.text  # no second button
    assert f'action="{url}"' not in response.text
    assert Chase.objects.count() == 1


def test_a_reporter_posting_a_chase_gets_403_and_a_get_gets_405(client, world, cast):
    client.force_login(cast["reporter_a"])
    url = reverse("reporting:chase", args=[world.a1.pk, world.q1.pk])

    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    assert (
        client.post(reverse("reporting:chase_all", args=[world.project_1.pk, world.q1.pk])).status_code == 403
    )
    assert not Chase.objects.exists()


def test_a_liaison_cannot_reach_a_unit_of_another_project(client, world, cast):
    client.force_login(cast["other_liaison"])
    assert client.post(reverse("reporting:chase", args=[world.a1.pk, world.q1.pk])).status_code == 404


def test_chasing_all_through_the_page_says_how_many(client, world, cast):
    client.force_login(cast["liaison"])
    response = client.post(
        reverse("reporting:chase_all", args=[world.project_1.pk, world.q1.pk]), follow=True
    )

    assert "逾期未报单位 2 个" in response.text
    assert Chase.objects.filter(period=world.q1).count() == 2


def test_a_foreign_next_address_is_not_followed(client, world, cast):
    client.force_login(cast["liaison"])
    response = client.post(
        reverse("reporting:chase", args=[world.a1.pk, world.q1.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("reporting:assignment", args=[world.a1.pk])


# --- the robots -----------------------------------------------------------------------------------


def test_a_robot_that_answers_500_first_gets_the_message_on_the_retry_and_only_once(
    world, cast, robots_allowed
):
    with RobotStub(fail_first=1) as robot:
        chasing.robot_webhook_save(
            actor=cast["superuser"],
            webhook=RobotWebhook(organisation=world.unit_a, kind=RobotWebhook.Kind.DINGTALK, url=robot.url),
        )
        chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q1)
        run_tasks()  # first try: 500
        message = RobotMessage.objects.get()
        assert (message.sent_at, message.attempts, message.last_error) == (None, 1, "HTTP 500")

        _later()
        run_tasks()
        _later()
        run_tasks()  # the worker runs twice more
        chasing.robot_send_due()

        message.refresh_from_db()
        assert message.sent_at is not None and message.attempts == 2
        assert len(robot.accepted) == 1  # delivered once
        assert len(robot.posts) == 2 and robot.posts[0] == robot.posts[1]  # the 500, then the retry
        assert message.key == f"chase:{message.chase_id}:robot:{message.webhook_id}"


def test_a_disabled_robot_gets_nothing(world, cast, robots_allowed):
    with RobotStub() as robot:
        chasing.robot_webhook_save(
            actor=cast["superuser"],
            webhook=RobotWebhook(organisation=world.unit_a, url=robot.url, enabled=False),
        )
        chasing.chase_send(actor=cast["liaison"], assignment=world.a1, period=world.q1)
        run_tasks()
        assert robot.posts == [] and not RobotMessage.objects.exists()


@pytest.mark.parametrize(
    "url", ["http://robot.example/send", "ftp://127.0.0.1/x", "http://127.0.0.1.evil.example/"]
)
def test_a_robot_address_must_be_https(world, cast, settings, url):
    settings.ROBOT_WEBHOOKS_ALLOW_LOOPBACK = True
    with pytest.raises(ValidationError) as refused:
        chasing.robot_webhook_save(
            actor=cast["superuser"], webhook=RobotWebhook(organisation=world.unit_a, url=url)
        )
    assert "https://" in str(refused.value)


def test_a_loopback_robot_address_is_refused_outside_tests(world, cast, settings):
    settings.ROBOT_WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError):
        chasing.robot_webhook_save(
            actor=cast["superuser"],
            webhook=RobotWebhook(organisation=world.unit_a, url="http://127.0.0.1:9/x"),
        )


def test_only_city_administrators_set_up_robots(world, cast):
    webhook = RobotWebhook(
        organisation=world.unit_a, url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    )
    for who in ("leader", "liaison", "reporter_a"):
        with pytest.raises(PermissionDenied):
            chasing.robot_webhook_save(actor=cast[who], webhook=webhook)
    chasing.robot_webhook_save(actor=cast["city_admin"], webhook=webhook)
    assert RobotWebhook.objects.restrict(cast["leader"]).count() == 0
    assert RobotWebhook.objects.restrict(cast["city_admin"]).count() == 1


def test_the_admin_adds_a_robot_for_a_city_administrator(admin_client, world):
    response = admin_client.post(
        reverse("admin:reporting_robotwebhook_add"),
        {
            "organisation": world.unit_a.pk,
            "kind": "wecom",
            "url": "http://robot.example/send",
            "enabled": "on",
            "messages-TOTAL_FORMS": "0",
            "messages-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and "https://" in response.text  # refused, in Chinese
    assert not RobotWebhook.objects.exists()


def test_my_tasks_offers_the_bulk_chase_of_each_project_with_late_reports(client, world, cast):
    client.force_login(cast["liaison"])
    page = client.get(reverse("reporting:tasks"))
    latest = world.campaign.reporting_periods.order_by("-due_on").first()
    url = reverse("reporting:chase_all", args=[world.project_1.pk, latest.pk])
    assert url in page.text  # the newest past-due period of 2014

    response = client.post(url, {"next": reverse("reporting:tasks")}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("reporting:tasks")
    assert set(Chase.objects.values_list("assignment", flat=True)) == {world.a1.pk, world.b1.pk}
