"""争六好 考评细则 and 自评 (issue 14, items 1 and 2), through the doors a user takes: the admin, the
portal's pages, the spreadsheet import. The world is the shared cast (``tests/cast.py``): the 2014
round's scheme is issued with two criteria (1: 班子, 40 points; 2: 业绩, 60 points); unit A's
self-assessment is a draft, unit B's is submitted."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import (
    SIX_ELEMENTS,
    AssessmentScheme,
    AssessmentStatus,
    Criterion,
    SelfAssessment,
    SelfAssessmentTransition,
)
from projects.models import Campaign
from reporting.services import WorkflowError
from tests.cast import png_bytes, upload
from tests.spreadsheet_files import errors_of, use_pending_import_folder, xlsx_bytes


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_body(assessment: SelfAssessment, scores: dict[int, tuple[str, str]], **extra) -> dict:
    """The 自评 form as posted: ``scores`` maps a criterion number to (score, explanation)."""
    body = {"version": str(assessment.version), **extra}
    for criterion in assessment.scheme.criteria.all():
        score, text = scores.get(criterion.order, ("", ""))
        body[f"c{criterion.pk}-score"] = score
        body[f"c{criterion.pk}-explanation"] = text
    return body


def new_scheme(cast, year: int = 2015) -> AssessmentScheme:
    campaign = Campaign.objects.create(
        name="争六好", year=year, document_number="泉妇〔2015〕1号", issuing_body=cast.city
    )
    return services.scheme_save(actor=cast.users["superuser"], scheme=AssessmentScheme(campaign=campaign))


def test_a_new_scheme_is_grouped_under_the_six_elements_by_default(portal_cast):
    scheme = new_scheme(portal_cast)

    assert (
        [g.name for g in scheme.groups.all()]
        == list(SIX_ELEMENTS)
        == ["班子", "队伍", "精神", "机制", "阵地", "业绩"]
    )


def test_an_element_can_be_renamed_while_the_scheme_is_not_issued(portal_cast):
    scheme = new_scheme(portal_cast)
    group = scheme.groups.get(name="阵地")
    group.name = "阵地建设"

    services.group_save(actor=portal_cast.users["superuser"], group=group)

    assert scheme.groups.filter(name="阵地建设").exists()


def test_the_weights_must_add_up_to_100(portal_cast):
    scheme = new_scheme(portal_cast)
    scheme.weight_self, scheme.weight_ordinary, scheme.weight_inspection = 10, 60, 40

    with pytest.raises(Exception, match="100"):
        services.scheme_save(actor=portal_cast.users["superuser"], scheme=scheme)


def test_issuing_needs_criteria_worth_100_points_with_the_feature_share(portal_cast):
    scheme = new_scheme(portal_cast)
    admin = portal_cast.users["superuser"]
    services.criterion_save(
        actor=admin,
        criterion=Criterion(scheme=scheme, group=scheme.groups.first(), order=1, title="班子", points=70),
    )

    with pytest.raises(WorkflowError, match="70"):
        services.scheme_issue(actor=admin, scheme=scheme)

    scheme.feature_points = Decimal(30)
    services.scheme_save(actor=admin, scheme=scheme)
    services.scheme_issue(actor=admin, scheme=scheme)
    assert AssessmentScheme.objects.get(pk=scheme.pk).is_issued


def test_issuing_makes_a_draft_for_every_responsible_unit_and_locks_the_scheme(portal_cast):
    scheme = AssessmentScheme.objects.get(pk=portal_cast.scheme.pk)

    units = set(scheme.self_assessments.values_list("organisation__name", flat=True))
    assert units == {portal_cast.units["A"].name, portal_cast.units["B"].name}
    criterion = scheme.criteria.first()
    criterion.points = Decimal(10)
    with pytest.raises(WorkflowError, match="锁定"):
        services.criterion_save(actor=portal_cast.users["superuser"], criterion=criterion)
    assert Criterion.objects.get(pk=criterion.pk).points == 40


def test_the_admin_shows_an_issued_scheme_read_only_and_refuses_a_post(portal_cast):
    client = client_of(portal_cast.users["superuser"])
    url = reverse("admin:assessments_assessmentscheme_change", args=[portal_cast.scheme.pk])

    page = client.get(url)
    refused = client.post(url, {"weight_self": "50", "weight_ordinary": "30", "weight_inspection": "20"})

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    assert AssessmentScheme.objects.get(pk=portal_cast.scheme.pk).weight_self == 0


def test_the_admin_issues_a_scheme_with_its_action(portal_cast):
    scheme = new_scheme(portal_cast)
    admin = portal_cast.users["superuser"]
    services.criterion_save(
        actor=admin,
        criterion=Criterion(scheme=scheme, group=scheme.groups.first(), order=1, title="班子", points=100),
    )

    client_of(admin).post(
        reverse("admin:assessments_assessmentscheme_changelist"),
        {"action": "issue", "_selected_action": [str(scheme.pk)], "index": "0"},
    )

    scheme.refresh_from_db()
    assert scheme.is_issued and scheme.self_assessments.count() == 2


def test_a_unit_fills_in_saves_a_draft_and_submits(portal_cast):
    assessment = portal_cast.self_assessments["A"]
    client = client_of(portal_cast.users["reporter_a"])
    url = reverse("assessments:edit", args=[assessment.pk])

    draft = client.post(url, edit_body(assessment, {1: ("35", "班子健全"), 2: ("", "")}, save="1"))
    assessment.refresh_from_db()
    assert draft.status_code == 302 and assessment.status == AssessmentStatus.DRAFT
    assert assessment.scores.get(criterion__order=1).score == 35
    assert assessment.scores.get(criterion__order=2).score is None

    submitted = client.post(
        url,
        edit_body(assessment, {1: ("35", "班子健全"), 2: ("55", "业绩突出")}, submit="1"),
        follow=True,
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.submitted_at is not None
    assert "业绩突出" in submitted.content.decode()


def test_submitting_with_a_criterion_unscored_keeps_the_draft_and_names_the_criterion(portal_cast):
    assessment = portal_cast.self_assessments["A"]
    client = client_of(portal_cast.users["reporter_a"])

    response = client.post(
        reverse("assessments:edit", args=[assessment.pk]),
        edit_body(assessment, {1: ("35", "班子健全")}, submit="1"),
        follow=True,
    )

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.scores.get(criterion__order=1).explanation == "班子健全"
    assert "未提交" in response.content.decode() and "2" in response.content.decode()


def test_a_score_beyond_the_points_is_refused_in_chinese_and_what_was_typed_stays(portal_cast):
    assessment = portal_cast.self_assessments["A"]
    client = client_of(portal_cast.users["reporter_a"])

    response = client.post(
        reverse("assessments:edit", args=[assessment.pk]),
        edit_body(assessment, {1: ("45", "我们认为满分以上"), 2: ("50", "业绩说明")}, save="1"),
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "评分45超出第1项的分值范围（0至40分）" in text
    assert "我们认为满分以上" in text and "业绩说明" in text
    assert assessment.scores.get(criterion__order=1).score == 30  # as the cast left it


def test_the_service_refuses_a_score_beyond_the_points_too(portal_cast):
    assessment = portal_cast.self_assessments["A"]
    criterion = assessment.scheme.criteria.get(order=2)

    with pytest.raises(Exception, match="0至60分"):
        services.self_assessment_update(
            actor=portal_cast.users["reporter_a"],
            self_assessment=assessment,
            version=assessment.version,
            scores={criterion.pk: (Decimal("60.5"), "")},
        )


def test_evidence_is_checked_by_content_and_stored_per_criterion(portal_cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = portal_cast.self_assessments["A"]
    criterion = assessment.scheme.criteria.get(order=1)
    client = client_of(portal_cast.users["reporter_a"])
    body = edit_body(assessment, {1: ("35", "有照片")}, save="1")
    body[f"c{criterion.pk}-files"] = [
        upload("班子会议.png", png_bytes()),
        upload("假照片.png", b"%PDF-1.4 not a photo"),
    ]

    response = client.post(reverse("assessments:edit", args=[assessment.pk]), body, follow=True)

    stored = list(assessment.evidence.filter(criterion=criterion).values_list("original_name", flat=True))
    assert stored == ["班子会议.png"]
    assert "假照片.png" in response.content.decode()
    download = client.get(
        reverse("assessments:evidence_download", args=[assessment.evidence.get(criterion=criterion).pk])
    )
    assert download.status_code == 200


def test_the_city_returns_with_a_reason_the_unit_resubmits_and_the_diff_shows(portal_cast):
    assessment = portal_cast.self_assessments["B"]  # submitted by the cast
    city = client_of(portal_cast.users["city_admin"])
    unit = client_of(portal_cast.users["reporter_b"])
    return_url = reverse("assessments:action", args=[assessment.pk, "return"])

    no_reason = city.post(return_url, {"reason": "  "})
    assessment.refresh_from_db()
    assert no_reason.status_code == 200 and "请填写退回自评的理由" in no_reason.content.decode()
    assert assessment.status == AssessmentStatus.SUBMITTED

    city.post(return_url, {"reason": "第2项佐证不足"})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    page = unit.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "第2项佐证不足" in page

    unit.post(
        reverse("assessments:edit", args=[assessment.pk]),
        edit_body(assessment, {1: ("30", "说明不变"), 2: ("40", "补充了佐证")}, submit="1"),
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.transitions.last().action == SelfAssessmentTransition.Action.RESUBMIT
    detail = city.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "与退回版本相比的修改" in detail
    assert "第2项评分" in detail and "<del>30</del>" in detail and "<ins>40</ins>" in detail
    assert "补充了佐证" in detail


def test_the_city_approves_a_submitted_self_assessment(portal_cast):
    assessment = portal_cast.self_assessments["B"]

    client_of(portal_cast.users["city_admin"]).post(
        reverse("assessments:action", args=[assessment.pk, "approve"])
    )

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPROVED and assessment.reviewed_at is not None


def test_a_unit_cannot_review_its_own_self_assessment(portal_cast):
    assessment = portal_cast.self_assessments["B"]

    response = client_of(portal_cast.users["reporter_b"]).post(
        reverse("assessments:action", args=[assessment.pk, "approve"])
    )

    assert response.status_code == 403
    assert SelfAssessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED


def test_a_submitted_self_assessment_is_locked_for_the_unit(portal_cast):
    assessment = portal_cast.self_assessments["B"]
    client = client_of(portal_cast.users["reporter_b"])

    response = client.post(
        reverse("assessments:edit", args=[assessment.pk]),
        edit_body(assessment, {1: ("1", "改"), 2: ("1", "改")}),
    )

    assert response.status_code == 302
    assert assessment.scores.get(criterion__order=1).score == 30


def test_a_foreign_unit_gets_404_on_another_units_self_assessment(portal_cast):
    foreign = portal_cast.self_assessments["A"]
    client = client_of(portal_cast.users["reporter_b"])

    for url in (
        reverse("assessments:detail", args=[foreign.pk]),
        reverse("assessments:edit", args=[foreign.pk]),
        reverse("assessments:evidence_download", args=[portal_cast.assessment_evidence["A"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("assessments:action", args=[foreign.pk, "submit"])).status_code == 404
    listing = client.get(reverse("assessments:list")).content.decode()
    assert portal_cast.units["A"].name not in listing and portal_cast.units["B"].name in listing


def test_the_city_list_shows_every_unit_with_its_state(portal_cast):
    page = client_of(portal_cast.users["city_admin"]).get(reverse("assessments:list")).content.decode()

    assert portal_cast.units["A"].name in page and portal_cast.units["B"].name in page
    assert "草稿" in page and "已提交" in page


def test_a_late_submission_is_taken_and_marked_late(portal_cast):
    scheme = portal_cast.scheme
    AssessmentScheme.objects.filter(pk=scheme.pk).update(
        self_assessment_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assessment = SelfAssessment.objects.get(pk=portal_cast.self_assessments["A"].pk)

    services.self_assessment_submit(actor=portal_cast.users["reporter_a"], self_assessment=assessment)

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.submitted_late
    assert assessment.transitions.last().late


def test_scheme_copy_carries_the_elements_and_criteria_to_the_new_round_unissued(portal_cast):
    campaign = Campaign.objects.create(
        name="争六好", year=2015, document_number="泉妇〔2015〕1号", issuing_body=portal_cast.city
    )

    copy = services.scheme_copy(
        source_campaign=portal_cast.campaign, campaign=campaign, actor=portal_cast.users["superuser"]
    )

    assert not copy.is_issued and copy.issued_on is None
    assert [g.name for g in copy.groups.all()] == list(SIX_ELEMENTS)
    assert [(c.order, c.group.name, c.points) for c in copy.criteria.all()] == [
        (1, "班子", 40),
        (2, "业绩", 60),
    ]
    assert (
        services.scheme_copy(
            source_campaign=portal_cast.campaign, campaign=campaign, actor=portal_cast.users["superuser"]
        )
        is None
    )


def test_the_criteria_spreadsheet_round_trip(portal_cast, settings, tmp_path):
    use_pending_import_folder(settings, tmp_path)
    scheme = services.scheme_copy(
        source_campaign=portal_cast.campaign,
        campaign=Campaign.objects.create(
            name="争六好", year=2015, document_number="泉妇〔2015〕1号", issuing_body=portal_cast.city
        ),
        actor=portal_cast.users["superuser"],
    )
    client = client_of(portal_cast.users["city_admin"])
    exported = client.post(
        reverse("admin:assessments_criterion_export") + f"?scheme__id__exact={scheme.pk}",
        {
            "format": "0",
            "resource": "0",
            **{
                f"criterionresource_{name}": "on"
                for name in (
                    "scheme",
                    "group_name",
                    "order",
                    "title",
                    "points",
                    "description",
                    "evidence_expected",
                )
            },
        },
    )
    assert exported.status_code == 200, exported.content[:500]
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["年度", "考评要素", "序号", "考评内容", "分值", "评分说明", "佐证材料"]
    assert [row[:3] for row in rows[1:]] == [[2015, "班子", 1], [2015, "业绩", 2]] or [
        [str(v) for v in row[:3]] for row in rows[1:]
    ] == [["2015", "班子", "1"], ["2015", "业绩", "2"]]

    rows[1][5] = "会议记录齐全得满分"
    rows.append([2015, "队伍", 3, "妇女干部培训", 10, "", "培训签到表"])
    rows[2][4] = 50
    data = io.BytesIO(xlsx_bytes(rows))
    data.name = "考评细则.xlsx"
    preview = client.post(
        reverse("admin:assessments_criterion_import"), {"resource": "0", "format": "0", "import_file": data}
    )
    assert preview.context.get("confirm_form") is not None, errors_of(preview)
    client.post(
        reverse("admin:assessments_criterion_process_import"), preview.context["confirm_form"].initial
    )

    criteria = {c.order: c for c in scheme.criteria.select_related("group")}
    assert criteria[1].description == "会议记录齐全得满分"
    assert criteria[2].points == 50
    assert (criteria[3].group.name, criteria[3].title, criteria[3].evidence_expected) == (
        "队伍",
        "妇女干部培训",
        "培训签到表",
    )


def test_importing_into_an_issued_scheme_is_refused(portal_cast, settings, tmp_path):
    use_pending_import_folder(settings, tmp_path)
    client = client_of(portal_cast.users["city_admin"])
    data = io.BytesIO(
        xlsx_bytes(
            [
                ["年度", "考评要素", "序号", "考评内容", "分值", "评分说明", "佐证材料"],
                [2014, "班子", 1, "改", 40, "", ""],
            ]
        )
    )
    data.name = "考评细则.xlsx"

    preview = client.post(
        reverse("admin:assessments_criterion_import"), {"resource": "0", "format": "0", "import_file": data}
    )

    assert preview.context.get("confirm_form") is None
    assert any("锁定" in error for error in errors_of(preview))
    assert Criterion.objects.get(scheme=portal_cast.scheme, order=1).title == "考评内容1"


def test_the_feature_project_share_is_computed_from_the_units_reports_and_indicators(portal_cast):
    from assessments.selectors import feature_results

    AssessmentScheme.objects.filter(pk=portal_cast.scheme.pk).update(feature_points=Decimal(30))
    scheme = AssessmentScheme.objects.get(pk=portal_cast.scheme.pk)
    unit = portal_cast.units["A"]

    results = feature_results(scheme=scheme, organisation=unit, today=datetime.date(2026, 1, 1))

    # A1 and A3 × four quarters are due; A1's Q1 report is approved (submitted in 2026: late);
    # neither indicator has a value in an approved report.
    assert (results.reports_due, results.on_time, results.approved) == (8, 0, 1)
    assert (results.indicators, results.indicators_reached) == (2, 0)
    assert results.points == Decimal("1.3")  # 30 × mean(0, 1/8, 0) = 1.25
    page = client_of(portal_cast.users["reporter_a"]).get(
        reverse("assessments:detail", args=[portal_cast.self_assessments["A"].pk])
    )
    assert "特色项目成效（门户计算）" in page.content.decode()


def _inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_scheme_made_in_the_admin_gets_the_six_elements_and_takes_criteria_inline(portal_cast):
    campaign = Campaign.objects.create(
        name="争六好", year=2015, document_number="泉妇〔2015〕1号", issuing_body=portal_cast.city
    )
    client = client_of(portal_cast.users["city_admin"])
    base = {
        "weight_self": "0",
        "weight_ordinary": "60",
        "weight_inspection": "40",
        "feature_points": "0",
        "bonus_cap": "5",
    }

    added = client.post(
        reverse("admin:assessments_assessmentscheme_add"),
        {
            "campaign": str(campaign.pk),
            **base,
            **_inline_management("groups"),
            **_inline_management("criteria"),
        },
    )
    scheme = AssessmentScheme.objects.get(campaign=campaign)
    assert added.status_code == 302
    assert [g.name for g in scheme.groups.all()] == list(SIX_ELEMENTS)

    groups = list(scheme.groups.all())
    body = {**base, **_inline_management("groups", 6, 6), **_inline_management("criteria", 1)}
    for index, group in enumerate(groups):
        body.update(
            {
                f"groups-{index}-id": str(group.pk),
                f"groups-{index}-scheme": str(scheme.pk),
                f"groups-{index}-order": str(group.order),
                f"groups-{index}-name": "阵地建设" if group.name == "阵地" else group.name,
            }
        )
    body.update(
        {
            "criteria-0-scheme": str(scheme.pk),
            "criteria-0-group": str(groups[0].pk),
            "criteria-0-order": "1",
            "criteria-0-title": "班子团结",
            "criteria-0-points": "15",
            "criteria-0-description": "",
            "criteria-0-evidence_expected": "会议记录",
        }
    )
    changed = client.post(reverse("admin:assessments_assessmentscheme_change", args=[scheme.pk]), body)

    assert changed.status_code == 302, changed.content.decode()[:3000]
    assert scheme.groups.filter(name="阵地建设").exists()
    criterion = scheme.criteria.get()
    assert (criterion.group.name, criterion.points, criterion.evidence_expected) == ("班子", 15, "会议记录")
    assert criterion.history.first().history_user == portal_cast.users["city_admin"]


@pytest.mark.parametrize(
    ("url_name", "with_pk"),
    [
        ("admin:assessments_assessmentscheme_changelist", False),
        ("admin:assessments_assessmentscheme_change", True),
        ("admin:assessments_criterion_changelist", False),
        ("admin:assessments_criterion_change", True),
    ],
)
def test_the_admin_pages_render_in_chinese_with_few_queries(
    portal_cast, url_name, with_pk, django_assert_max_num_queries
):
    client = client_of(portal_cast.users["superuser"])
    pk = portal_cast.scheme.pk if "scheme" in url_name else portal_cast.scheme.criteria.first().pk
    url = reverse(url_name, args=[pk] if with_pk else [])
    client.get(url)  # the first request fills the content-type cache

    with django_assert_max_num_queries(20):
        response = client.get(url)

    assert response.status_code == 200
    assert "考评" in response.content.decode()


def test_the_later_of_two_saves_is_refused_and_writes_nothing(portal_cast):
    assessment = portal_cast.self_assessments["A"]
    client = client_of(portal_cast.users["reporter_a"])
    url = reverse("assessments:edit", args=[assessment.pk])
    stale = edit_body(assessment, {1: ("20", "第二个窗口"), 2: ("20", "")}, save="1")
    client.post(url, edit_body(assessment, {1: ("35", "第一个窗口"), 2: ("30", "")}, save="1"))

    response = client.post(url, stale, follow=True)

    assert "其他人保存过" in response.content.decode()
    assert assessment.scores.get(criterion__order=1).explanation == "第一个窗口"


def test_a_liaison_reads_the_units_it_follows_but_changes_nothing(portal_cast):
    client = client_of(portal_cast.users["liaison_d"])  # 发展部 follows project 2, carried by B only
    own, foreign = portal_cast.self_assessments["B"], portal_cast.self_assessments["A"]

    assert client.get(reverse("assessments:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("assessments:detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("assessments:edit", args=[own.pk])).status_code == 403
    assert (
        client.post(reverse("assessments:action", args=[own.pk, "return"]), {"reason": "不行"}).status_code
        == 403
    )
    assert SelfAssessment.objects.get(pk=own.pk).status == AssessmentStatus.SUBMITTED


def test_the_reports_orphan_sweep_leaves_self_assessment_files_alone(portal_cast):
    import datetime as dt

    from reporting.services import evidence_orphans

    evidence = portal_cast.assessment_evidence["A"]

    assert evidence.file.storage.exists(evidence.file.name)
    assert evidence.file.name not in evidence_orphans(older_than=dt.timedelta(0))


def test_evidence_of_the_whole_self_assessment_is_uploaded_and_listed(portal_cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = portal_cast.self_assessments["A"]
    client = client_of(portal_cast.users["reporter_a"])
    body = edit_body(assessment, {1: ("30", "说明"), 2: ("30", "说明")}, save="1")
    body["files"] = [upload("工作总结.png", png_bytes())]

    client.post(reverse("assessments:edit", args=[assessment.pk]), body)

    stored = assessment.evidence.get(original_name="工作总结.png")
    assert stored.criterion is None
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "其他佐证材料" in page and "工作总结.png" in page


def test_starting_a_new_round_copies_the_scheme_as_an_unissued_draft(portal_cast):
    from reporting.rounds import round_start

    new = round_start(
        source=portal_cast.campaign,
        year=portal_cast.campaign.year + 1,
        name="争六好、创特色",
        document_number="泉妇〔2015〕1号",
        actor=portal_cast.users["superuser"],
    )

    scheme = AssessmentScheme.objects.get(campaign=new)
    assert not scheme.is_issued
    assert [(c.order, c.group.name, c.points) for c in scheme.criteria.all()] == [
        (1, "班子", 40),
        (2, "业绩", 60),
    ]
