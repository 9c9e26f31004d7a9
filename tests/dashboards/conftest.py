"""A small city for the dashboard tests: two departments, three units, two projects, four cells.

On ``ON`` (2024-05-15) the first quarter's reports (due 2024-04-10) are past due:

- project 1 (宣传部): 鲤城区妇联 on track (40 % against 33 % planned); 丰泽区妇联 red — no report,
  two steps more than 30 days late;
- project 2 (发展部): 晋江市妇联 done (100 %, reported late, awaiting review); 鲤城区妇联 behind (no
  report for the first quarter).
"""

import datetime
from dataclasses import dataclass

import pytest

from projects.models import Assignment, Campaign, FeatureProject
from reporting.models import ReportStatus
from tests.dashboards import factories
from units.models import Membership, Organisation

ON = datetime.date(2024, 5, 15)


@dataclass
class City:
    campaign: Campaign
    publicity: Organisation
    development: Organisation
    licheng: Organisation
    fengze: Organisation
    jinjiang: Organisation
    volunteers: FeatureProject
    families: FeatureProject
    on_track: Assignment
    red: Assignment
    done: Assignment
    behind: Assignment


@pytest.fixture
def city(db) -> City:
    campaign = factories.campaign(2024)
    publicity = factories.department("宣传部", 10)
    development = factories.department("发展部", 11)
    licheng = factories.organisation("鲤城区妇联", order=101)
    fengze = factories.organisation("丰泽区妇联", order=102)
    jinjiang = factories.organisation("晋江市妇联", order=106)
    volunteers = factories.project(campaign, 1, "巾帼志愿服务", [publicity])
    families = factories.project(campaign, 2, "家庭教育指导", [development])
    year_end = datetime.date(2024, 12, 31)
    on_track = factories.assignment(
        volunteers,
        licheng,
        year_end,
        steps=[
            ("启动", datetime.date(2024, 3, 31)),
            ("推进", datetime.date(2024, 6, 30)),
            ("总结", datetime.date(2024, 11, 30)),
        ],
        indicators=[("志愿服务队", "10")],
        responsible_person="王芳",
    )
    factories.report(
        on_track,
        1,
        40,
        datetime.date(2024, 4, 5),
        ReportStatus.APPROVED,
        reviewed_on=datetime.date(2024, 4, 8),
        done_steps=[1],
        values={"志愿服务队": "4"},
    )
    red = factories.assignment(
        volunteers,
        fengze,
        year_end,
        steps=[
            ("摸底调研", datetime.date(2024, 2, 28)),
            ("组建队伍", datetime.date(2024, 3, 31)),
            ("总结", datetime.date(2024, 12, 15)),
        ],
    )
    done = factories.assignment(
        families, jinjiang, datetime.date(2024, 6, 30), steps=[("开班", datetime.date(2024, 3, 15))]
    )
    factories.report(done, 1, 100, datetime.date(2024, 4, 20), done_steps=[1])
    behind = factories.assignment(families, licheng, year_end, steps=[("启动", datetime.date(2024, 6, 30))])
    return City(
        campaign,
        publicity,
        development,
        licheng,
        fengze,
        jinjiang,
        volunteers,
        families,
        on_track,
        red,
        done,
        behind,
    )


@pytest.fixture
def cast(city):
    """One user per role (and one without), keyed by a short name."""
    city_body = Organisation.objects.get(name="泉州市妇联")
    role = Membership.Role
    return {
        "admin": factories.user("admin", role.CITY_ADMIN, city_body),
        "leader": factories.user("leader", role.LEADER, city_body),
        "liaison": factories.user("liaison", role.LIAISON, city.publicity),
        "reporter": factories.user("reporter", role.REPORTER, city.licheng),
        "nobody": factories.user("nobody"),
    }


# The two rounds of issue 12 (tests/years.py), for test_years.py.
# The two rounds with plans and reports of 对标找差 (issue 12 item 4), for test_compare.py.
from tests.dashboards.compare_data import compared  # noqa: E402, F401
from tests.years import today_is, two_years  # noqa: E402, F401
