"""``manage.py load_demo_assessment``: a demo 争六好 year on the 2014 round (local set-ups only)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentScheme, Criterion, SelfAssessmentTransition
from projects.models import Campaign
from units.models import Membership

#: 考评细则 of the demo: (element number 1–6, 考评内容, 分值, 评分说明, 佐证材料); 80 points, the other
#: 20 come from the feature-project results (平时).
CRITERIA = [
    (
        1,
        "领导班子健全，分工明确，议事规则落实",
        8,
        "班子成员配齐得4分，分工文件得2分，会议记录得2分",
        "任职文件、分工文件、会议记录",
    ),
    (1, "班子成员学习制度落实，每季度集中学习不少于1次", 6, "每少1次扣1.5分", "学习记录、照片"),
    (
        2,
        "专兼职妇女干部配备到位，基层执委作用发挥",
        7,
        "配备到位得4分，执委履职得3分",
        "干部名册、执委活动记录",
    ),
    (2, "开展妇女干部培训，全年不少于2期", 6, "每期3分", "培训通知、签到表、照片"),
    (
        3,
        "开展“巾帼建功”“五好文明家庭”等主题活动",
        7,
        "活动有方案、有总结、有成效",
        "活动方案、总结、媒体报道",
    ),
    (3, "选树宣传先进典型，营造争先创优氛围", 6, "市级以上典型每个2分，最多6分", "表彰文件、宣传报道"),
    (
        4,
        "特色项目按“四定”项目化运作，计划、进度、佐证齐全",
        8,
        "四定计划4分，按期报送4分",
        "四定计划表、进度报告",
    ),
    (4, "健全挂钩联系、督促检查等工作机制", 6, "有制度3分，有记录3分", "制度文件、检查记录"),
    (5, "“妇女之家”建设规范，活动经常", 7, "按覆盖率和活动次数评分", "阵地清单、活动记录、照片"),
    (5, "网上阵地（网站、微博、微信）建设和更新", 6, "每月更新得满分", "网页截图、更新记录"),
    (6, "完成年度目标任务，特色项目形成品牌", 7, "按目标完成情况评分", "年度总结、项目成果"),
    (6, "妇女维权和服务工作成效明显", 6, "按信访办结率和服务人次评分", "维权台账、服务记录"),
]
ISSUED_ON = datetime.date(2014, 1, 20)
DUE_ON = datetime.date(2014, 12, 10)
SUBMITTED_AT = datetime.datetime(2014, 12, 5, 16, 30)


class Command(BaseCommand):
    """Give the 2014 demo round a 争六好 assessment: 12 criteria issued on 2014-01-20, 晋江市妇联's
    自评 submitted (2014-12-05, on time), 惠安县妇联's a draft, and 晋江's 实地检查 assigned to
    ``demo_liaison`` with six of the twelve scores typed — so every demo role finds something.

    Runs after ``load_demo`` (it needs the demo users) and only with ``DJANGO_DEBUG=1``. Every
    write goes through ``assessments.services``. A round that already has a scheme is left as it is
    (running it again changes nothing). Raises ``CommandError`` without the 2014 data or the demo
    users.
    """

    help = "Add a demo 争六好 assessment to the 2014 round (after load_demo; debug set-ups only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("load_demo_assessment only runs with DJANGO_DEBUG=1 (a local set-up).")
        campaign = Campaign.objects.filter(year=2014, issuing_body__parent__isnull=True).first()
        users = {
            m.user.username: m.user for m in Membership.objects.filter(is_demo=True).select_related("user")
        }
        if campaign is None or not {"demo_city", "demo_reporter", "demo_liaison"} <= users.keys():
            raise CommandError("Load the 2014 data and the demo users first: manage.py load_demo")
        if AssessmentScheme.objects.filter(campaign=campaign).exists():
            self.stdout.write("The 2014 round already has a 争六好 scheme; nothing changed.")
            return
        with transaction.atomic():
            self._year(campaign, users)
        self.stdout.write(
            "Demo 争六好 assessment: 12 criteria issued; 晋江 submitted, 惠安 a draft; one inspection."
        )

    def _year(self, campaign: Campaign, users: dict) -> None:
        admin = users["demo_city"]
        scheme = services.scheme_save(
            actor=admin,
            scheme=AssessmentScheme(
                campaign=campaign,
                weight_self=30,
                weight_ordinary=30,
                weight_inspection=40,
                feature_points=Decimal(20),
                bonus_cap=Decimal(5),
                self_assessment_due_on=DUE_ON,
            ),
        )
        groups = list(scheme.groups.order_by("order"))
        for order, (element, title, points, rule, evidence) in enumerate(CRITERIA, start=1):
            services.criterion_save(
                actor=admin,
                criterion=Criterion(
                    scheme=scheme,
                    group=groups[element - 1],
                    order=order,
                    title=title,
                    points=Decimal(points),
                    description=rule,
                    evidence_expected=evidence,
                ),
            )
        services.scheme_issue(actor=admin, scheme=scheme, on=ISSUED_ON)
        criteria = list(scheme.criteria.order_by("order"))
        reporter = users["demo_reporter"]
        jinjiang = scheme.self_assessments.get(organisation=reporter.membership.organisation)
        services.self_assessment_save(
            actor=reporter,
            self_assessment=jinjiang,
            version=jinjiang.version,
            scores={
                c.pk: (c.points - (1 if c.order % 3 == 0 else 0), f"已落实，见{c.evidence_expected}")
                for c in criteria
            },
            submit=True,
        )
        # The demo year is 2014: the submission happened then, on time.
        at = timezone.make_aware(SUBMITTED_AT)
        jinjiang.__class__.objects.filter(pk=jinjiang.pk).update(submitted_at=at)
        SelfAssessmentTransition.objects.filter(self_assessment=jinjiang).update(at=at, late=False)
        huian = scheme.self_assessments.get(organisation__name="惠安县妇联")
        services.self_assessment_save(
            actor=admin,
            self_assessment=huian,
            version=huian.version,
            scores={c.pk: (c.points - 2, "正在整理佐证材料") for c in criteria[:5]},
        )
        inspection = services.inspection_assign(
            actor=admin,
            scheme=scheme,
            organisation=jinjiang.organisation,
            inspectors=[users["demo_liaison"]],
            visited_on=datetime.date(2014, 12, 16),
        )
        services.inspection_update(
            actor=users["demo_liaison"],
            inspection=inspection,
            version=inspection.version,
            scores={c.pk: (c.points - 1, "查阅台账，资料齐全") for c in criteria[:6]},
        )
