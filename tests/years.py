"""Two rounds for the tests of issue 12 items 2 and 3: the 2014 data as loaded and a 2015 round
started from it (``reporting.rounds.round_start``), each with a marker only its pages may show,
a city administrator, a leader and a reporter of 晋江市妇联, and a way to fix "today"."""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from projects.models import Campaign, FeatureProject
from reporting.rounds import round_start
from reporting.services import periods_ensure
from tests.cast import user
from units.models import Organisation
from units.roles import Role

MARK_2014 = "QZ2014onlyQZ"
MARK_2015 = "QZ2015onlyQZ"


@dataclass
class TwoYears:
    y2014: Campaign
    y2015: Campaign
    admin: User
    leader: User
    reporter: User
    unit: Organisation  # 晋江市妇联: projects 2, 3 and 7 in both years


def build_two_years() -> TwoYears:
    """2014 as loaded and 2015 copied from it; project 1 of each year carries its year's marker."""
    call_command("load_campaign_2014", verbosity=0)
    y2014 = Campaign.objects.get(year=2014)
    periods_ensure(campaign=y2014)  # the fixture loads below the services: no periods yet
    admin = user("years_admin", y2014.issuing_body, Role.CITY_ADMIN, is_staff=True, is_superuser=True)
    y2015 = round_start(
        source=y2014, year=2015, name="2015年争六好、创特色", document_number="泉妇〔2014〕1号", actor=admin
    )
    # Markers written below the services on purpose: test data, not a user's edit.
    FeatureProject.objects.filter(campaign=y2014, number=1).update(title=f"巾帼建功{MARK_2014}")
    FeatureProject.objects.filter(campaign=y2015, number=1).update(title=f"巾帼建功{MARK_2015}")
    unit = Organisation.objects.get(name="晋江市妇联")
    return TwoYears(
        y2014=y2014,
        y2015=y2015,
        admin=admin,
        leader=user("years_leader", y2014.issuing_body, Role.LEADER),
        reporter=user("years_reporter", unit, Role.REPORTER),
        unit=unit,
    )


@pytest.fixture
def two_years(db) -> TwoYears:
    return build_two_years()


@pytest.fixture
def today_is(monkeypatch):
    """``today_is(date)`` makes ``timezone.localdate()`` (today in Asia/Shanghai) return ``date``
    everywhere; ``localdate(value)`` of a given moment is untouched."""
    real = timezone.localdate

    def freeze(day: datetime.date) -> None:
        monkeypatch.setattr(
            timezone,
            "localdate",
            lambda value=None, *args, **kwargs: day if value is None else real(value, *args, **kwargs),
        )

    return freeze
