"""A county assigns the inspectors of its own round (issue 14 item 3, "or a county for its townships,
through the every-level scope" of issue 13). The cast (``tests/cast.py``): unit A (晋江市妇联) issues
its own 2014 round to townships T1–T3 with an issued scheme (one criterion, 100 points); A's
federation administrator (``county_admin``) assigns inspectors among A's own staff to the townships,
never outside A's subtree, never in the city's round."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from assessments import services
from assessments.models import Inspection, SelfAssessment
from tests.cast import user


def client_of(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def assign(cast, actor="county_admin", unit="T1", inspectors=("county_admin",), scheme=None):
    return services.inspection_assign(
        actor=cast.users[actor],
        scheme=scheme or cast.county_scheme,
        organisation=cast.units[unit],
        inspectors=[cast.users[name] for name in inspectors],
    )


def test_the_county_round_is_assessed_by_the_townships_below_the_county(portal_cast):
    units = set(
        SelfAssessment.objects.filter(scheme=portal_cast.county_scheme).values_list("organisation", flat=True)
    )
    assert units == {portal_cast.units[t].pk for t in ("T1", "T2", "T3")}  # not A, not B


def test_the_county_administrator_assigns_its_own_staff_to_its_townships(portal_cast):
    inspection = assign(portal_cast)
    assert list(inspection.inspectors.all()) == [portal_cast.users["county_admin"]]
    assert inspection.scores.count() == 1
    # and, as the round's issuer, sees and scores it
    page = client_of(portal_cast.users["county_admin"]).get(f"/assessments/inspections/{inspection.pk}/")
    assert page.status_code == 200 and "保存草稿" in page.content.decode()
    criterion = portal_cast.county_scheme.criteria.get()
    services.inspection_update(
        actor=portal_cast.users["county_admin"],
        inspection=inspection,
        version=inspection.version,
        scores={criterion.pk: (Decimal(88), "台账齐全")},
    )
    assert inspection.scores.get().score == 88


@pytest.mark.parametrize(
    ("unit", "inspectors", "why"),
    [
        ("B", ("county_admin",), "another county: outside A's subtree"),
        ("A", ("county_admin",), "A itself is the issuer, not a unit of its round"),
        ("T1", ("liaison_p",), "the city's staff are not A's own staff"),
        ("T1", ("township_reporter",), "a township's reporter is not A's staff"),
    ],
)
def test_the_county_administrator_never_reaches_outside_its_own(portal_cast, unit, inspectors, why):
    with pytest.raises(PermissionDenied):
        assign(portal_cast, unit=unit, inspectors=inspectors)
    assert not Inspection.objects.filter(scheme=portal_cast.county_scheme).exists(), why


def test_the_county_administrator_does_not_assign_in_the_city_round(portal_cast):
    with pytest.raises(PermissionDenied):
        assign(portal_cast, unit="A", scheme=portal_cast.scheme)
    response = client_of(portal_cast.users["county_admin"]).post(
        f"/assessments/schemes/{portal_cast.scheme.pk}/assign/",
        {"organisation": portal_cast.units["A"].pk, "inspectors": portal_cast.users["county_admin"].pk},
    )
    assert response.status_code == 403


def test_other_roles_do_not_assign_in_the_county_round(portal_cast):
    for role in ("leader", "reporter_a", "township_reporter", "liaison_p"):
        with pytest.raises(PermissionDenied):
            assign(portal_cast, actor=role, inspectors=())


def test_a_city_administrator_still_assigns_in_the_county_round(portal_cast):
    inspection = assign(portal_cast, actor="city_admin", unit="T2", inspectors=("liaison_p",))
    assert inspection.organisation == portal_cast.units["T2"]


def test_the_page_offers_only_the_townships_and_the_county_staff(portal_cast):
    colleague = user("county_colleague", portal_cast.units["A"], "reporter")
    page = client_of(portal_cast.users["county_admin"]).get(
        f"/assessments/inspections/?campaign={portal_cast.county_campaign.pk}"
    )
    text = page.content.decode()
    assert page.status_code == 200 and "安排检查人员" in text
    form = text[text.index("安排检查人员") :]
    for township in ("T1", "T2", "T3"):
        assert f'value="{portal_cast.units[township].pk}">{portal_cast.units[township].name}<' in form
    for other in ("A", "B"):
        assert f">{portal_cast.units[other].name}<" not in form
    assert f'value="{colleague.pk}">{colleague}<' in form
    assert f">{portal_cast.users['county_admin']}<" in form
    for outsider in ("liaison_p", "city_admin", "township_reporter", "reporter_b"):
        assert f">{portal_cast.users[outsider]}<" not in form


def test_a_post_naming_a_unit_outside_the_subtree_writes_nothing(portal_cast):
    response = client_of(portal_cast.users["county_admin"]).post(
        f"/assessments/schemes/{portal_cast.county_scheme.pk}/assign/",
        {"organisation": portal_cast.units["B"].pk, "inspectors": portal_cast.users["county_admin"].pk},
    )
    assert response.status_code == 200
    assert "未保存" in response.content.decode() or "选择一个有效的选项" in response.content.decode()
    assert not Inspection.objects.filter(scheme=portal_cast.county_scheme).exists()


def test_the_township_sees_its_inspection_only_once_published(portal_cast):
    inspection = assign(portal_cast)
    response = client_of(portal_cast.users["township_reporter"]).get(
        f"/assessments/inspections/{inspection.pk}/"
    )
    assert response.status_code == 404
    # and unit B's reporter never sees A's round's scheme
    listing = client_of(portal_cast.users["reporter_b"]).get("/assessments/inspections/")
    assert "晋江市争六好" not in listing.content.decode()
