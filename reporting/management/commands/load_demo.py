"""``manage.py load_demo``: the demo cast and a realistic 2014 (local set-ups only)."""

import datetime
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from projects.models import Assignment, Campaign
from reporting import services
from reporting.models import (
    MilestoneProgress,
    Notification,
    Plan,
    PlanStatus,
    PlanTransition,
    ProgressReport,
    ReportTransition,
)
from units.models import Membership, Organisation

PASSWORD_FILE = Path(settings.BASE_DIR) / ".local" / "demo-passwords"

#: (user name, display name, role, organisation name)
CAST = [
    ("demo_city", "陈主任（演示）", Membership.Role.CITY_ADMIN, "泉州市妇联"),
    ("demo_liaison", "林部长（演示）", Membership.Role.LIAISON, "宣传部"),
    ("demo_reporter", "王丽（演示）", Membership.Role.REPORTER, "晋江市妇联"),
    ("demo_leader", "黄书记（演示）", Membership.Role.LEADER, "泉州市妇联"),
    # 晋江市妇联's own rounds (issue 13): none in the demo data; the portal's review queue is empty
    ("demo_county", "许主席（演示）", Membership.Role.FEDERATION_ADMIN, "晋江市妇联"),
]

STEPS = [
    ("调研摸底，制定实施方案", 3, 31),
    ("召开动员部署会，明确分工", 5, 31),
    ("全面推进，开展示范活动", 9, 30),
    ("总结评估，形成特色品牌", 12, 20),
]


#: A 1×1 PNG standing in for a photo of the demo year's activities.
DEMO_PHOTO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Command(BaseCommand):
    """Create one demo user per role and 2014 plans and reports, all marked as demo data.

    Refuses to run unless ``DJANGO_DEBUG=1``: demo data never reaches a production set-up.
    Passwords are random, kept in ``.local/demo-passwords`` (git-ignored) and printed. Running it
    again keeps the users and passwords and fills in plans that ``loaddata`` emptied again;
    reports are made once.
    """

    help = "Create the demo users (one per role) and demo 2014 plans and reports (debug set-ups only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("load_demo only runs with DJANGO_DEBUG=1 (a local set-up).")
        campaign = Campaign.objects.filter(year=2014).first()
        if campaign is None:
            raise CommandError("Load the 2014 data first: manage.py loaddata campaign_2014")
        # The workflow's e-mails of a whole demo year would flood the console: keep them in memory.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            users = self._cast()
            services.periods_ensure(campaign=campaign)
            self._plans(campaign, users)
            made = self._reports(campaign, users)
            Notification.objects.filter(recipient__membership__is_demo=True).update(read_at=timezone.now())
        self.stdout.write(f"Demo reports created: {made}")
        self.stdout.write("Demo users (local passwords) — 演示用户（仅限本机）：")
        for username, password in self._passwords.items():
            self.stdout.write(f"  {username:14} {password}")

    def _cast(self) -> dict[str, object]:
        stored = {}
        if PASSWORD_FILE.exists():
            for line in PASSWORD_FILE.read_text().splitlines():
                if " " in line:
                    name, password = line.split(" ", 1)
                    stored[name] = password
        user_model = get_user_model()
        users, self._passwords = {}, {}
        for username, full_name, role, organisation_name in CAST:
            user = user_model.objects.filter(username=username).first()
            password = stored.get(username, "")
            if user is None:
                user = user_model(username=username, email=f"{username}@localhost")
            if not password or not user.check_password(password):
                password = secrets.token_urlsafe(9)
                user.set_password(password)
            user.first_name = full_name
            user.is_staff = role == Membership.Role.CITY_ADMIN
            user.is_superuser = role == Membership.Role.CITY_ADMIN
            user.save()
            Membership.objects.update_or_create(
                user=user,
                defaults={
                    "organisation": Organisation.objects.get(name=organisation_name),
                    "role": role,
                    "is_demo": True,
                },
            )
            users[role] = user
            self._passwords[username] = password
        PASSWORD_FILE.parent.mkdir(exist_ok=True)
        PASSWORD_FILE.write_text("".join(f"{n} {p}\n" for n, p in self._passwords.items()))
        PASSWORD_FILE.chmod(0o600)
        return users

    def _plans(self, campaign: Campaign, users: dict) -> None:
        city = users[Membership.Role.CITY_ADMIN]
        reporter_unit = users[Membership.Role.REPORTER].membership.organisation
        kept_draft = Plan.objects.filter(
            is_demo=True, assignment__unit=reporter_unit, status=PlanStatus.DRAFT
        ).exists()
        liaison = users[Membership.Role.LIAISON]
        followed = set(liaison.membership.organisation.followed_projects.values_list("pk", flat=True))
        kept_waiting = Plan.objects.filter(is_demo=True, status=PlanStatus.SUBMITTED).exists()
        for index, assignment in enumerate(
            Assignment.objects.filter(project__campaign=campaign).select_related("project", "unit")
        ):
            plan = Plan.objects.filter(assignment=assignment).first()
            if plan is not None and not plan.is_demo:
                continue  # a real plan: leave it alone
            rows = [
                services.MilestoneRow(
                    id=existing.pk if existing else None,
                    order=order,
                    title=title,
                    due_on=datetime.date(campaign.year, month, day),
                )
                for order, (title, month, day) in enumerate(STEPS, start=1)
                for existing in [assignment.milestones.filter(order=order).first()]
            ]
            indicator = assignment.indicators.first()
            services.plan_update(
                assignment=assignment,
                actor=city,
                version=None,
                target=f"{assignment.project.goal}（{assignment.unit}，演示）",
                deadline=datetime.date(campaign.year, 12, 31),
                responsible_person=["王丽", "李芳", "张燕", "陈静"][index % 4],
                responsible_person_position="副主席",
                responsible_person_phone=f"0595-2{index:03d}0000",
                milestones=rows,
                indicators=[
                    services.IndicatorRow(
                        id=indicator.pk if indicator else None,
                        name="示范点",
                        target_value=Decimal(2 + index % 3),
                        unit_of_measure="个",
                    )
                ],
            )
            plan = services.plan_of(assignment)
            if not plan.is_demo:
                Plan.objects.filter(pk=plan.pk).update(is_demo=True)
                if assignment.unit == reporter_unit and not kept_draft:
                    kept_draft = True
                    continue  # the demo unit's first plan stays a draft, to show the form
                services.plan_submit(assignment=assignment, actor=city)
                if (
                    assignment.project_id in followed
                    and assignment.unit != reporter_unit
                    and not kept_waiting
                ):
                    kept_waiting = True
                    continue  # one plan waits for the demo liaison's confirmation
                services.plan_confirm(assignment=assignment, actor=city)
                PlanTransition.objects.filter(plan=plan).update(at=_at(datetime.date(campaign.year, 1, 20)))
                Plan.objects.filter(pk=plan.pk).update(confirmed_at=_at(datetime.date(campaign.year, 1, 20)))

    def _reports(self, campaign: Campaign, users: dict) -> int:
        if ProgressReport.objects.filter(is_demo=True, period__campaign=campaign).exists():
            return 0
        city, liaison, reporter = (
            users[Membership.Role.CITY_ADMIN],
            users[Membership.Role.LIAISON],
            users[Membership.Role.REPORTER],
        )
        reporter_unit = reporter.membership.organisation
        followed = set(liaison.membership.organisation.followed_projects.values_list("pk", flat=True))
        periods = list(campaign.reporting_periods.order_by("starts_on"))
        made = 0
        for index, assignment in enumerate(
            Assignment.objects.filter(project__campaign=campaign).select_related("project", "unit")
        ):
            # How far this unit got: every unit reports Q1–Q2; later quarters vary.
            last = len(periods) if index % 3 else len(periods) - 1
            author = reporter if assignment.unit == reporter_unit else city
            reviewer = liaison if assignment.project_id in followed else city
            for number, period in enumerate(periods[:last], start=1):
                report = services.report_start(
                    assignment=assignment, period=period, actor=author, is_demo=True
                )
                percent = min(100, number * 25 - (index % 3) * 5)
                states = {
                    row.pk: (
                        MilestoneProgress.State.DONE
                        if row.milestone.due_on <= period.ends_on
                        else MilestoneProgress.State.IN_PROGRESS
                        if row.milestone.order == number + 1
                        else MilestoneProgress.State.NOT_STARTED,
                        min(row.milestone.due_on, period.ends_on)
                        if row.milestone.due_on <= period.ends_on
                        else None,
                    )
                    for row in report.milestone_states.select_related("milestone")
                }
                values = {
                    row.pk: Decimal(min(number, 2 + index % 3)) for row in report.indicator_values.all()
                }
                services.report_update(
                    report=report,
                    actor=author,
                    version=None,
                    progress=f"{period.name}，{assignment.unit}围绕“{assignment.project.title}”开展工作，"
                    f"完成计划进度的{percent}%。（演示数据）",
                    percent_complete=percent,
                    problems="基层人手不足，经费保障有待加强。" if number % 2 else "",
                    next_steps="继续推进示范点建设，做好宣传总结。",
                    milestone_states=states,
                    indicator_values=values,
                )
                made += 1
                if index % 2 == 0 or assignment.unit == reporter_unit:
                    services.evidence_add(
                        report=report,
                        actor=author,
                        upload=SimpleUploadedFile(f"{period.name}活动照片.png", DEMO_PHOTO),
                    )
                last_period = number == last
                if last_period and assignment.unit == reporter_unit:
                    continue  # the demo reporter's latest report stays a draft
                services.report_submit(report=report, actor=author)
                if (last_period and index % 4 == 0) or (
                    assignment.unit == reporter_unit and number == last - 1
                ):
                    services.report_return(
                        report=report,
                        actor=reviewer,
                        reason="请补充活动照片等佐证材料，并量化示范点建设成效。",
                    )
                elif not (last_period and (index % 4 == 1 or reviewer == liaison)):  # awaiting review
                    services.report_approve(report=report, actor=reviewer)
                submitted = period.due_on - datetime.timedelta(days=(index + number) % 5 - 1)
                ProgressReport.objects.filter(pk=report.pk).update(
                    submitted_at=_at(submitted), reviewed_at=_at(submitted + datetime.timedelta(days=3), 11)
                )
                for offset, transition in enumerate(report.transitions.all()):
                    ReportTransition.objects.filter(pk=transition.pk).update(
                        at=_at(submitted + datetime.timedelta(days=3 * offset), 10 + offset)
                    )
        return made
