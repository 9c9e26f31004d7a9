"""Two rounds with plans and reports for the tests of 对标找差 (issue 12 item 4): 晋江市妇联 on
project 2 in 2014 and 2015 (tests/years.py), and a unit new in 2015; "today" is 1 August 2015."""

import datetime

import pytest

from projects.models import Assignment, FeatureProject, Indicator
from reporting.models import ReportStatus
from tests.dashboards import factories

ON = datetime.date(2015, 8, 1)


def assignment_of(campaign, number: int, unit) -> Assignment:
    return Assignment.objects.get(project__campaign=campaign, project__number=number, unit=unit)


@pytest.fixture
def compared(two_years, today_is):
    """晋江市妇联 on project 2 in both years, with plans and reports; a unit new in 2015."""
    today_is(ON)
    years = two_years
    old = assignment_of(years.y2014, 2, years.unit)
    new = assignment_of(years.y2015, 2, years.unit)
    # Test data written below the services on purpose.
    Assignment.objects.filter(pk=old.pk).update(
        target="2014年建成示范点2个", deadline=datetime.date(2014, 12, 31)
    )
    Assignment.objects.filter(pk=new.pk).update(
        target="2015年建成示范点3个", deadline=datetime.date(2015, 12, 31)
    )
    Indicator.objects.create(assignment=old, name="示范点", unit_of_measure="个", target_value=2)
    Indicator.objects.create(assignment=new, name="示范点", unit_of_measure="个", target_value=3)
    approved = ReportStatus.APPROVED
    # 2014: Q1 on time (approved), Q2 late (approved, the last approved), Q3 on time, Q4 missing.
    factories.report(
        old, 1, 30, datetime.date(2014, 4, 5), approved, datetime.date(2014, 4, 8), values={"示范点": "1"}
    )
    factories.report(
        old, 2, 60, datetime.date(2014, 7, 20), approved, datetime.date(2014, 7, 22), values={"示范点": "2"}
    )
    factories.report(old, 3, 80, datetime.date(2014, 10, 9))
    # 2015 as of 1 August: Q1 on time (approved), Q2 on time (awaiting review).
    factories.report(
        new, 1, 40, datetime.date(2015, 4, 3), approved, datetime.date(2015, 4, 6), values={"示范点": "1"}
    )
    factories.report(new, 2, 55, datetime.date(2015, 7, 8))
    newcomer = factories.organisation("测试新镇妇联", order=900)
    factories.assignment(FeatureProject.objects.get(campaign=years.y2015, number=2), newcomer)
    years.newcomer = newcomer
    return years
