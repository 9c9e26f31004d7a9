"""争六好 实地检查 (issue 14 item 3): a city administrator assigns inspectors to a unit; an
inspector scores each criterion on a phone (notes, photos), saves drafts — a late post after a
reconnect is taken unless it really conflicts — and submits. The cast (``tests/cast.py``): the 2014
scheme with criteria 1 (班子, 40 points) and 2 (业绩, 60 points); units A and B."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Inspection, InspectionPhoto, InspectionStatus
from reporting.services import ConcurrentEditError, WorkflowError
from tests.cast import png_bytes, upload


@pytest.fixture(autouse=True)
def no_inspections_yet(portal_cast):
    """The cast inspects both units for the access matrix; these tests start without."""
    Inspection.objects.all().delete()


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assigned(cast, unit="A", inspector="liaison_p") -> Inspection:
    return services.inspection_assign(
        actor=cast.users["city_admin"],
        scheme=cast.scheme,
        organisation=cast.units[unit],
        inspectors=[cast.users[inspector]],
    )


def body(inspection: Inspection, scores: dict[int, tuple[str, str]], **extra) -> dict:
    """The scoring form as posted, with each criterion's base as the server showed it."""
    data = {"version": str(inspection.version), "visited_on": "", "bonus": "0", "bonus_note": "", **extra}
    for row in inspection.scores.select_related("criterion"):
        score, note = scores.get(row.criterion.order, ("", ""))
        prefix = f"c{row.criterion_id}"
        data |= {
            f"{prefix}-score": score,
            f"{prefix}-note": note,
            f"{prefix}-base_score": "" if row.score is None else f"{row.score.normalize():f}",
            f"{prefix}-base_note": row.note,
        }
    return data


def criteria(cast):
    return {c.order: c for c in cast.scheme.criteria.all()}


def test_only_a_city_administrator_assigns_and_the_scores_come_empty(portal_cast):
    with pytest.raises(PermissionDenied):
        services.inspection_assign(
            actor=portal_cast.users["leader"],
            scheme=portal_cast.scheme,
            organisation=portal_cast.units["A"],
            inspectors=[portal_cast.users["liaison_p"]],
        )
    inspection = assigned(portal_cast)

    assert list(inspection.inspectors.all()) == [portal_cast.users["liaison_p"]]
    assert [s.score for s in inspection.scores.all()] == [None, None]


def test_an_inspector_sees_and_changes_only_the_inspections_assigned_to_them(portal_cast):
    a = assigned(portal_cast, "A", "liaison_p")
    b = assigned(portal_cast, "B", "liaison_d")
    inspector = portal_cast.users["liaison_p"]

    assert list(Inspection.objects.restrict(inspector)) == [a]
    page = client_of(inspector).get(reverse("assessments:inspections"))
    assert portal_cast.units["A"].name in page.content.decode()
    assert portal_cast.units["B"].name not in page.content.decode()
    assert client_of(inspector).get(reverse("assessments:inspection", args=[b.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.inspection_update(actor=inspector, inspection=b, version=b.version, scores={})


def test_the_unit_does_not_see_its_inspection_before_publication(portal_cast):
    inspection = assigned(portal_cast)

    response = client_of(portal_cast.users["reporter_a"]).get(
        reverse("assessments:inspection", args=[inspection.pk])
    )
    assert response.status_code == 404


def test_the_inspector_scores_on_the_page_with_a_photo_and_submits(portal_cast):
    inspection = assigned(portal_cast)
    c = criteria(portal_cast)
    client = client_of(portal_cast.users["liaison_p"])
    url = reverse("assessments:inspection", args=[inspection.pk])

    data = body(inspection, {1: ("36", "班子会议记录齐全"), 2: ("", "")}, visited_on="2014-11-20")
    data[f"c{c[1].pk}-files"] = upload("现场.png", png_bytes())
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    inspection.refresh_from_db()
    assert {s.criterion.order: (s.score, s.note) for s in inspection.scores.select_related("criterion")} == {
        1: (Decimal(36), "班子会议记录齐全"),
        2: (None, ""),
    }
    assert str(inspection.visited_on) == "2014-11-20"
    assert InspectionPhoto.objects.get(inspection=inspection).criterion == c[1]

    refused = client.post(url, body(inspection, {1: ("36", "班子会议记录齐全")}, submit="1"), follow=True)
    assert "尚未评分：第2项" in refused.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT

    client.post(url, body(inspection, {1: ("36", "班子会议记录齐全"), 2: ("54", "")}, submit="1"))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    assert inspection.total == 90
    with pytest.raises(WorkflowError):
        services.inspection_update(
            actor=portal_cast.users["liaison_p"], inspection=inspection, version=inspection.version, scores={}
        )


def test_a_score_above_the_points_is_refused_with_everything_typed_kept(portal_cast):
    inspection = assigned(portal_cast)
    client = client_of(portal_cast.users["liaison_p"])

    response = client.post(
        reverse("assessments:inspection", args=[inspection.pk]),
        body(inspection, {1: ("45", "超出分值的评分"), 2: ("50", "业绩突出")}),
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "评分45超出第1项的分值范围（0至40分）" in text
    assert "超出分值的评分" in text and "业绩突出" in text and 'value="50"' in text
    inspection.refresh_from_db()
    assert inspection.total == 0


def test_a_late_post_after_a_reconnect_is_taken_unless_it_really_conflicts(portal_cast):
    inspection = assigned(portal_cast)
    c = criteria(portal_cast)
    inspector, admin = portal_cast.users["liaison_p"], portal_cast.users["city_admin"]
    opened = inspection.version
    base = {c[1].pk: ("", ""), c[2].pk: ("", "")}
    # meanwhile the city administrator corrects criterion 2
    services.inspection_update(
        actor=admin,
        inspection=Inspection.objects.get(pk=inspection.pk),
        version=None,
        scores={c[2].pk: (Decimal(50), "市妇联补录")},
    )

    # the phone comes back online with criterion 1 typed: not a conflict, both kept
    services.inspection_update(
        actor=inspector,
        inspection=inspection,
        version=opened,
        base=base,
        scores={c[1].pk: (Decimal(30), "离线时录入"), c[2].pk: (None, "")},
    )
    rows = {s.criterion.order: (s.score, s.note) for s in inspection.scores.select_related("criterion")}
    assert rows == {1: (Decimal(30), "离线时录入"), 2: (Decimal(50), "市妇联补录")}

    # criterion 2 typed differently on the phone too: a real conflict, nothing written
    with pytest.raises(ConcurrentEditError, match="2"):
        services.inspection_update(
            actor=inspector,
            inspection=inspection,
            version=opened,
            base=base,
            scores={c[1].pk: (Decimal(31), ""), c[2].pk: (Decimal(20), "手机上的评分")},
        )
    assert Inspection.objects.get(pk=inspection.pk).scores.get(criterion=c[1]).score == 30


def test_the_bonus_is_capped_by_the_scheme(portal_cast):
    inspection = assigned(portal_cast)
    with pytest.raises(ValidationError, match="加分"):
        services.inspection_update(
            actor=portal_cast.users["liaison_p"],
            inspection=inspection,
            version=inspection.version,
            scores={},
            bonus=Decimal(3),
        )


def test_a_late_post_from_the_page_with_a_multiline_note_is_taken(portal_cast):
    inspection = assigned(portal_cast)
    client = client_of(portal_cast.users["liaison_p"])
    url = reverse("assessments:inspection", args=[inspection.pk])
    client.post(url, body(inspection, {1: ("30", "第一行\r\n第二行")}))
    inspection.refresh_from_db()
    stale = body(inspection, {1: ("30", "第一行\r\n第二行"), 2: ("50", "离线录入")})
    services.inspection_update(  # somebody else saves in between: the version moves on
        actor=portal_cast.users["city_admin"],
        inspection=Inspection.objects.get(pk=inspection.pk),
        version=None,
        scores={},
        bonus=Decimal(0),
    )

    response = client.post(url, stale)

    assert response.status_code == 302
    rows = {s.criterion.order: (s.score, s.note) for s in inspection.scores.select_related("criterion")}
    assert rows == {1: (Decimal(30), "第一行\n第二行"), 2: (Decimal(50), "离线录入")}
