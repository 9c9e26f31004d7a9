"""``manage.py seed_province``: province-scale synthetic data for the dashboard benchmarks.

Builds, with ``bulk_create`` (a few minutes at most on PostgreSQL): 2,000 organisations (a city
federation, its departments, county-level federations, township and village organisations), five
campaigns (the last one monthly, the others quarterly) of 20 projects each, 200 responsible
units per project (20,000 assignments) with five steps and one indicator each (100,000 steps),
and reports for every period due so far, most on time, some late, some missing (about 97,000
reports, with the state of every step and the value of the indicator). Besides the city's round,
each county federation issues its own round every year (一级带着一级干, issue 13 item 2): a few
projects (``--county-projects``, default 3) for each of its townships, quarterly, with the same
plans, periods and reports (13 counties × 3 projects × 12 townships: 468 assignments a year). Plus one leader,
``province_leader``, for the benchmarks. Random but repeatable (``--seed``).

Meant for an empty benchmark database (``DATABASE_URL=…/qw_dash_bench``): it refuses to run when
campaigns exist unless ``--flush`` is given, which first deletes all campaign data.
"""

import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone, ProjectLiaison
from reporting import services
from reporting.models import IndicatorValue, MilestoneProgress, ProgressReport, ReportingPeriod, ReportStatus
from units.models import Membership, Organisation

COUNTIES = [
    "鲤城区", "丰泽区", "洛江区", "泉港区", "石狮市", "晋江市", "南安市",
    "惠安县", "安溪县", "永春县", "德化县", "泉州台商投资区", "泉州开发区",
]  # fmt: skip
DEPARTMENTS = ["办公室", "宣传部", "发展部", "权益部", "儿童部", "市直机关妇工委"]
TOPICS = [
    "巾帼志愿服务", "家庭教育指导", "妇女创业创新", "美丽家园建设", "儿童之家", "巾帼文明岗",
    "女性素质提升", "维权服务站", "最美家庭评选", "留守儿童关爱", "妇女健康行动", "巾帼电商",
    "平安家庭创建", "社区女性议事会", "巾帼科技致富", "家风家训传承", "母亲邮包", "春蕾助学",
    "两癌筛查", "妇女之家提升",
]  # fmt: skip
STEP_TITLES = ["调研摸底", "制定方案", "动员部署", "全面推进", "总结评估"]
BATCH = 5000


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Command(BaseCommand):
    """Create province-scale synthetic campaign data with bulk inserts; print counts and timings."""

    help = "Build province-scale synthetic data (2,000 organisations, 20,000 assignments …) for benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisations", type=int, default=2000)
        parser.add_argument("--campaigns", type=int, default=5)
        parser.add_argument("--projects-per-campaign", type=int, default=20)
        parser.add_argument("--units-per-project", type=int, default=200)
        parser.add_argument("--last-year", type=int, default=timezone.localdate().year)
        parser.add_argument("--county-projects", type=int, default=3, help="Projects of each county's round.")
        parser.add_argument("--seed", type=int, default=2014)
        parser.add_argument("--flush", action="store_true", help="Delete all campaign data first.")

    def handle(self, *args, **options) -> None:
        if Campaign.objects.exists() and not options["flush"]:
            raise CommandError("The database already has campaigns; use --flush on a benchmark database.")
        if options["units_per_project"] > options["organisations"] - 30:
            raise CommandError("More units per project than organisations.")
        self.random = random.Random(options["seed"])
        self.today = timezone.localdate()
        started = time.perf_counter()
        with transaction.atomic():
            if options["flush"]:
                self.flush()
            units = self.organisations(options["organisations"])
            years = range(options["last_year"] - options["campaigns"] + 1, options["last_year"] + 1)
            for year in years:
                self.campaign(year, units, options, monthly=year == years[-1])
                for county in self.counties:
                    self.county_round(year, county, options["county_projects"])
            self.leader()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        counts = {
            "organisations": Organisation.objects.count(),
            "projects": FeatureProject.objects.count(),
            "assignments": Assignment.objects.count(),
            "milestones": Milestone.objects.count(),
            "reports": ProgressReport.objects.count(),
            "step states": MilestoneProgress.objects.count(),
        }
        self.stdout.write(", ".join(f"{count} {name}" for name, count in counts.items()))
        self.stdout.write(f"in {time.perf_counter() - started:.0f} s")

    def flush(self) -> None:
        """Delete every campaign and what hangs on it, then organisations other than users' own."""
        for model in (
            MilestoneProgress,
            IndicatorValue,
            ProgressReport,
            ReportingPeriod,
            Milestone,
            Indicator,
        ):
            model.objects.all()._raw_delete(model.objects.db)
        Assignment.objects.all().delete()
        ProjectLiaison.objects.all().delete()
        FeatureProject.objects.all().delete()
        Campaign.objects.all().delete()
        Membership.objects.all().delete()
        get_user_model().objects.filter(username="province_leader").delete()
        Organisation.objects.update(parent=None)
        Organisation.objects.all().delete()

    def organisations(self, total: int) -> list[Organisation]:
        """The city federation, its departments and ``total`` bodies in all; returns the possible units."""
        kind = Organisation.Kind
        self.city = Organisation.objects.create(name="泉州市妇联", kind=kind.CITY_FEDERATION, display_order=1)
        self.departments = Organisation.objects.bulk_create(
            Organisation(
                name=name, kind=kind.DEPARTMENT, is_liaison=True, parent=self.city, display_order=10 + i
            )
            for i, name in enumerate(DEPARTMENTS)
        )
        counties = Organisation.objects.bulk_create(
            Organisation(
                name=f"{name}妇联", kind=kind.COUNTY_FEDERATION, parent=self.city, display_order=100 + i
            )
            for i, name in enumerate(COUNTIES)
        )
        self.counties = counties
        rest = total - 1 - len(DEPARTMENTS) - len(COUNTIES)
        townships_per_county = 12
        townships = Organisation.objects.bulk_create(
            Organisation(
                name=f"{county.name[:-2]}第{n + 1}镇（街道）妇联",
                kind=kind.TOWNSHIP_FEDERATION,
                parent=county,
                display_order=1000 + c * 100 + n,
            )
            for c, county in enumerate(counties)
            for n in range(townships_per_county)
        )
        villages = Organisation.objects.bulk_create(
            (
                Organisation(
                    name=f"{townships[i % len(townships)].name[:-2]}第{i // len(townships) + 1}村（社区）妇代会",
                    kind=kind.VILLAGE_ORGANISATION,
                    parent=townships[i % len(townships)],
                    display_order=10000 + i,
                )
                for i in range(rest - len(townships))
            ),
            batch_size=BATCH,
        )
        self.townships: dict[int, list[Organisation]] = {}
        for township in townships:
            self.townships.setdefault(township.parent_id, []).append(township)
        return [*counties, *townships, *villages]

    def campaign(self, year: int, units: list[Organisation], options: dict, monthly: bool) -> None:
        """The city's round of ``year`` with its projects, assignments, plans and reports."""
        cadence = Campaign.ReportingCadence
        campaign = Campaign.objects.create(
            name="争六好、创特色",
            year=year,
            document_number=f"泉妇〔{year - 1}〕{self.random.randint(10, 99)}号",
            issuing_body=self.city,
            overview_table_title=f"{year}年泉州市妇联系统特色工作一览表",
            reporting_cadence=cadence.MONTHLY if monthly else cadence.QUARTERLY,
        )
        count = options["projects_per_campaign"]
        projects = self.projects(
            campaign,
            [
                TOPICS[n % len(TOPICS)] + ("" if n < len(TOPICS) else str(n // len(TOPICS) + 1))
                for n in range(count)
            ],
        )
        ProjectLiaison.objects.bulk_create(
            ProjectLiaison(
                project_id=project.pk, department_id=self.departments[n % len(self.departments)].pk
            )
            for n, project in enumerate(projects)
        )
        pairs = [
            (project, unit)
            for project in projects
            for unit in self.random.sample(units, options["units_per_project"])
        ]
        count = self.assignments(campaign, pairs)
        self.stdout.write(f"{year}: {len(projects)} projects, {count} assignments")

    def county_round(self, year: int, county: Organisation, count: int) -> None:
        """``county``'s own round of ``year``: ``count`` projects, each carried by every township of
        the county, reported quarterly (issue 13 item 2: a round per issuing body and year)."""
        area = county.name[:-2]
        campaign = Campaign.objects.create(
            name="争六好、创特色",
            year=year,
            document_number=f"{area[:2]}妇〔{year - 1}〕{self.random.randint(10, 99)}号",
            issuing_body=county,
            overview_table_title=f"{year}年{county.name}特色工作一览表",
            reporting_cadence=Campaign.ReportingCadence.QUARTERLY,
        )
        topics = (
            self.random.sample(TOPICS, count) if count <= len(TOPICS) else TOPICS * (count // len(TOPICS) + 1)
        )
        projects = self.projects(campaign, [f"{area}{topic}" for topic in topics[:count]])
        townships = self.townships.get(county.pk, [])
        self.assignments(campaign, [(project, unit) for project in projects for unit in townships])

    def projects(self, campaign: Campaign, titles: list[str]) -> list[FeatureProject]:
        """The round's projects, numbered from 1, one per title."""
        return FeatureProject.objects.bulk_create(
            FeatureProject(
                campaign=campaign,
                number=n + 1,
                title=title,
                goal=f"{campaign.year}年打造{title}特色品牌，实现全覆盖。",
            )
            for n, title in enumerate(titles)
        )

    def assignments(self, campaign: Campaign, pairs: list[tuple[FeatureProject, Organisation]]) -> int:
        """An assignment per (project, unit) with five steps, one indicator and its reports; the
        round's periods first. Returns how many assignments."""
        periods = services.periods_ensure(campaign=campaign)
        year = campaign.year
        deadline = datetime.date(year, 12, 15)
        assignments = [
            Assignment(
                project=project,
                unit=unit,
                target=f"{unit.name}完成{project.title}示范点建设",
                deadline=deadline,
                responsible_person="张" + "丽芳华敏静"[unit.pk % 5],
                responsible_person_position="主席",
                responsible_person_phone=f"0595-{22000000 + unit.pk}",
            )
            for project, unit in pairs
        ]
        assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        steps = Milestone.objects.bulk_create(
            (
                Milestone(
                    assignment=assignment,
                    order=n + 1,
                    title=title,
                    due_on=min(deadline, datetime.date(year, 1, 1) + datetime.timedelta(days=70 * (n + 1))),
                )
                for assignment in assignments
                for n, title in enumerate(STEP_TITLES)
            ),
            batch_size=BATCH,
        )
        indicators = Indicator.objects.bulk_create(
            (
                Indicator(assignment=assignment, name="示范点", unit_of_measure="个", target_value=Decimal(4))
                for assignment in assignments
            ),
            batch_size=BATCH,
        )
        self.reports(assignments, steps, indicators, periods)
        return len(assignments)

    def reports(self, assignments, steps, indicators, periods: list[ReportingPeriod]) -> None:
        """Reports for every period due by today: most on time, some late (15 %), some missing (5 %)."""
        rng = self.random
        due = [period for period in periods if period.due_on < self.today]
        year_days = 365
        reports = []
        for assignment in assignments:
            speed = rng.uniform(0.55, 1.25)
            for period in due:
                if rng.random() < 0.05:
                    continue
                elapsed = (period.ends_on - datetime.date(period.starts_on.year, 1, 1)).days / year_days
                late = rng.random() < 0.15
                submitted = period.due_on + datetime.timedelta(
                    days=rng.randint(1, 20) if late else -rng.randint(0, 9)
                )
                submitted = min(submitted, self.today)
                reviewed = submitted + datetime.timedelta(days=rng.randint(1, 7))
                reviewed = reviewed if reviewed < self.today else None
                status = ReportStatus.SUBMITTED
                if reviewed is not None:
                    status = ReportStatus.RETURNED if rng.random() < 0.03 else ReportStatus.APPROVED
                reports.append(
                    ProgressReport(
                        assignment=assignment,
                        period=period,
                        status=status,
                        progress="按计划推进各项工作。",
                        percent_complete=min(100, round(100 * elapsed * speed)),
                        submitted_at=_at(submitted, 9 + rng.randint(0, 8)),
                        reviewed_at=_at(reviewed, 15) if reviewed else None,
                        is_demo=True,
                    )
                )
        reports = ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
        steps_of: dict[int, list[Milestone]] = {}
        for step in steps:
            steps_of.setdefault(step.assignment_id, []).append(step)
        indicator_of = {indicator.assignment_id: indicator for indicator in indicators}
        MilestoneProgress.objects.bulk_create(
            (
                MilestoneProgress(
                    report=report,
                    milestone=step,
                    state=(
                        MilestoneProgress.State.DONE
                        if report.percent_complete >= 20 * step.order
                        else MilestoneProgress.State.IN_PROGRESS
                    ),
                )
                for report in reports
                for step in steps_of[report.assignment_id]
            ),
            batch_size=BATCH,
        )
        IndicatorValue.objects.bulk_create(
            (
                IndicatorValue(
                    report=report,
                    indicator=indicator_of[report.assignment_id],
                    actual_value=Decimal(4 * report.percent_complete // 100),
                )
                for report in reports
            ),
            batch_size=BATCH,
        )

    def leader(self) -> None:
        """``province_leader``, a leader of the city federation (no password: benchmarks log in directly)."""
        user = get_user_model().objects.create_user("province_leader")
        Membership.objects.create(user=user, organisation=self.city, role=Membership.Role.LEADER)
