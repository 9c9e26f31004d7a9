"""Reporting periods from the campaign's cadence, what is due or late, and reminders sent once."""

import datetime
import itertools

import pytest
from django.core import mail
from django.core.management import call_command

from projects.models import Campaign
from reporting import selectors, services
from reporting.models import Notification
from tests.reporting.conftest import make_report, run_tasks


@pytest.mark.parametrize(
    ("cadence", "count", "first_end", "last_start"),
    [
        (Campaign.ReportingCadence.MONTHLY, 12, datetime.date(2014, 1, 31), datetime.date(2014, 12, 1)),
        (Campaign.ReportingCadence.QUARTERLY, 4, datetime.date(2014, 3, 31), datetime.date(2014, 10, 1)),
        (Campaign.ReportingCadence.HALF_YEARLY, 2, datetime.date(2014, 6, 30), datetime.date(2014, 7, 1)),
    ],
)
def test_periods_follow_the_cadence_and_are_due_a_set_number_of_days_after_they_end(
    world, settings, cadence, count, first_end, last_start
):
    settings.REPORTING_DUE_DAYS = 7
    world.campaign.reporting_cadence = cadence
    world.campaign.save()
    periods = services.periods_ensure(campaign=world.campaign)
    assert len(periods) == count
    assert periods[0].starts_on == datetime.date(2014, 1, 1)
    assert periods[0].ends_on == first_end
    assert periods[-1].starts_on == last_start
    assert periods[-1].ends_on == datetime.date(2014, 12, 31)
    assert all(p.due_on == p.ends_on + datetime.timedelta(days=7) for p in periods)
    assert all(a.ends_on + datetime.timedelta(days=1) == b.starts_on for a, b in itertools.pairwise(periods))


def test_periods_are_named_in_chinese(world):
    assert [p.name for p in world.campaign.reporting_periods.all()] == [
        "第1季度",
        "第2季度",
        "第3季度",
        "第4季度",
    ]


def test_each_assignment_knows_which_reports_are_due_late_submitted_or_approved(world, cast):
    make_report(world, world.a1, cast["reporter_a"], submit=True)
    assignments = list(selectors.assignments_with_reports(world.a1.__class__.objects.filter(pk=world.a1.pk)))
    today = datetime.date(2014, 7, 5)  # Q2 ended, due 2014-07-10; Q3 running
    rows = selectors.period_rows(assignments, today, include_not_open=True)
    states = [(row.period.name, row.state) for row in rows]
    assert states == [
        ("第1季度", selectors.PeriodState.SUBMITTED),
        ("第2季度", selectors.PeriodState.DUE),
        ("第3季度", selectors.PeriodState.DUE),
        ("第4季度", selectors.PeriodState.NOT_OPEN),
    ]
    later = selectors.period_rows(assignments, datetime.date(2014, 7, 11))
    assert [row.state for row in later][:2] == [
        selectors.PeriodState.SUBMITTED,
        selectors.PeriodState.OVERDUE,
    ]


def test_a_report_submitted_after_its_due_date_is_marked_late(world, cast):
    report = make_report(world, world.a1, cast["reporter_a"], submit=True)
    assert report.submitted_late  # submitted today, years after 2014-04-10
    report.submitted_at = datetime.datetime(2014, 4, 9, 10, tzinfo=datetime.UTC)
    assert not report.submitted_late


def test_reminders_go_to_the_units_reporters_and_each_is_sent_once(world, cast):
    make_report(world, world.a1, cast["reporter_a"], submit=True)  # Q1 of a1 is in: no reminder for it
    run_tasks()
    mail.outbox.clear()
    first = services.reminders_send(today=datetime.date(2014, 7, 8))  # Q1 overdue, Q2 due on 07-10
    run_tasks()
    # Q1 overdue: a2 (晋江) and b1 (惠安); Q2 due soon: a1, a2, b1.
    assert first == 5
    assert Notification.objects.filter(kind=Notification.Kind.OVERDUE).count() == 2
    assert Notification.objects.filter(kind=Notification.Kind.DUE_SOON).count() == 3
    reminders = Notification.objects.filter(kind__in=[Notification.Kind.OVERDUE, Notification.Kind.DUE_SOON])
    assert {n.recipient.username for n in reminders} == {"reporter_a", "reporter_b"}
    assert len(mail.outbox) == 5
    again = services.reminders_send(today=datetime.date(2014, 7, 8))
    run_tasks()
    assert again == 0
    assert len(mail.outbox) == 5


def test_the_send_reminders_command_sends_each_reminder_once(world, cast, capsys):
    call_command("send_reminders", "--today", "2014-04-09")
    call_command("send_reminders", "--today", "2014-04-09")
    run_tasks()  # e-mails leave from the outbox, by the worker
    output = capsys.readouterr().out.splitlines()
    assert output == ["Reminders sent: 3", "Reminders sent: 0"]
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3
    assert all("第1季度" in message.body for message in mail.outbox)
    assert all("http://" in message.body for message in mail.outbox)  # an absolute link back
