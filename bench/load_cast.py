"""The cast and the open year of the load script (``bench/load.py``), made on the bench database only.

``cast_create`` runs inside ``manage.py shell`` on the freshly built bench database (2014 data and
the demo data of ``load_demo``, which fills nearly every 2014 report). For the rush it adds a 2015
campaign with the same ten projects, units and liaison departments and monthly reporting, whose
348 reports are all still to be written, and prints the cast as JSON: one reporter (填报员) for each
responsible unit, and the other users split between the liaison departments (联系部室) and
leaders, and every fourth of those a superuser (admin staff). It never runs on a real set-up: the load script drops the database afterwards.
"""

import datetime
import json
import random

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from projects.models import Assignment, Campaign, FeatureProject
from reporting import services
from units.models import Membership, Organisation


def cast_create(*, users: int, password: str) -> str:
    """Create ``users`` accounts named ``load-<role>-N`` with memberships; return the cast as JSON.

    The JSON is a list of ``{"username", "role", "assignments", "deadline"}``: the ids of the
    assignments the user may open (a reporter's unit's, a liaison department's projects', all for
    leaders and staff) and the deadline admin staff type into a plan. Every account gets the same
    password (hashed once: hashing is slow by design).
    """
    return _cast(_open_year(), users=users, password=password)


def cast_create_province(*, users: int, password: str, sample: int = 200) -> str:
    """The cast of ``cast_create`` on the output of ``manage.py seed_province``: the newest campaign
    (reported monthly; its current months still open) is the open year.

    Lists of assignments are cut to a repeatable ``sample`` per user (a leader may open 20,000; the
    cast travels in an environment variable). Returns the cast as JSON.
    """
    campaign = Campaign.objects.order_by("-year").first()
    return _cast(campaign, users=users, password=password, sample=sample)


def _cast(campaign: Campaign, *, users: int, password: str, sample: int | None = None) -> str:
    """Create the accounts of the cast for ``campaign`` (see ``cast_create``); return it as JSON."""
    hashed = make_password(password)
    units = list(
        Organisation.objects.filter(assignments__project__campaign=campaign)
        .distinct()
        .order_by("display_order")[: max(1, users * 29 // 50)]  # as at seed scale: 29 reporters of 50
    )
    liaisons = list(Organisation.objects.filter(is_liaison=True).order_by("display_order"))
    city = Organisation.objects.filter(kind=Organisation.Kind.CITY_FEDERATION).order_by("pk").first()
    deadline = datetime.date(campaign.year, 12, 15).isoformat()
    rng = random.Random(campaign.year)

    def cut(ids: list[int]) -> list[int]:
        return sorted(rng.sample(ids, sample)) if sample and len(ids) > sample else ids

    all_assignments = list(
        Assignment.objects.filter(project__campaign=campaign).order_by("pk").values_list("pk", flat=True)
    )
    cast = []
    for number in range(1, users + 1):
        if number <= len(units):
            role, organisation = Membership.Role.REPORTER, units[number - 1]
        elif number % 4 == 0:
            user = User.objects.create(
                username=f"load-staff-{number}", password=hashed, is_staff=True, is_superuser=True
            )
            cast.append(
                {
                    "username": user.username,
                    "role": "staff",
                    "assignments": cut(all_assignments),
                    "deadline": deadline,
                }
            )
            continue
        elif number % 3:
            role, organisation = Membership.Role.LIAISON, liaisons[number % len(liaisons)]
        else:
            role, organisation = Membership.Role.LEADER, city
        user = User.objects.create(
            username=f"load-{role}-{number}", password=hashed, email=f"load-{role}-{number}@bench.example.cn"
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
        assignments = Assignment.objects.filter(project__campaign=campaign).order_by("pk")
        if role == Membership.Role.REPORTER:
            assignments = assignments.filter(unit=organisation)
        elif role == Membership.Role.LIAISON:
            assignments = assignments.filter(project__liaison_departments=organisation)
        cast.append(
            {
                "username": user.username,
                "role": role,
                "assignments": cut(list(assignments.values_list("pk", flat=True))),
                "deadline": deadline,
            }
        )
    return json.dumps(cast)


def _open_year() -> Campaign:
    """A 2015 copy of the 2014 campaign (projects, liaisons, assignments; no reports), reported monthly."""
    old = Campaign.objects.get(year=2014)
    new = Campaign.objects.create(
        name=old.name,
        year=2015,
        document_number=old.document_number,
        issuing_body=old.issuing_body,
        reporting_cadence=Campaign.ReportingCadence.MONTHLY,
    )
    for project in old.projects.prefetch_related("liaison_departments", "assignments"):
        copy = FeatureProject.objects.create(
            campaign=new, number=project.number, title=project.title, goal=project.goal
        )
        copy.liaison_departments.set(project.liaison_departments.all())
        for assignment in project.assignments.all():
            Assignment.objects.create(project=copy, unit=assignment.unit, target=assignment.target)
    services.periods_ensure(campaign=new)
    return new
