"""Forms that respect the user (issue 15, item 6): the plan form's rows come and go in the page
(the posts here are what static/js/formset-rows.js sends; the browser test runs the script), a
review refused for want of a reason stays on the report page with the text typed, removing
evidence asks first, and photos show in the page within the report's scope."""

import pytest
from django.urls import reverse

from reporting import services
from reporting.models import Evidence, ReportStatus
from tests.reporting.conftest import make_report, pdf_bytes, png_bytes, upload


def _plan_data(assignment, version) -> dict:
    milestone = assignment.milestones.get()
    indicator = assignment.indicators.get()
    return {
        "version": version,
        "target": "建成3个示范点",
        "deadline": "2014-12-20",
        "responsible_person": "王丽",
        "responsible_person_position": "副主席",
        "responsible_person_phone": "0595-12345678",
        "steps-TOTAL_FORMS": 1,
        "steps-INITIAL_FORMS": 1,
        "steps-0-id": milestone.pk,
        "steps-0-order": 1,
        "steps-0-title": "调研摸底",
        "steps-0-due_on": "2014-03-31",
        "indicators-TOTAL_FORMS": 1,
        "indicators-INITIAL_FORMS": 1,
        "indicators-0-id": indicator.pk,
        "indicators-0-name": "示范点",
        "indicators-0-target_value": "3",
        "indicators-0-unit_of_measure": "个",
    }


def test_the_plan_form_carries_the_row_templates_the_script_and_labels_said_once(client, world, cast):
    client.force_login(cast["reporter_a"])
    response = client.get(reverse("reporting:plan_edit", args=[world.a1.pk]))
    page = response.text
    assert '<template id="steps-empty">' in page
    assert 'name="steps-__prefix__-title"' in page
    assert 'name="indicators-__prefix__-name"' in page
    assert "添加一步" in page and "添加一项指标" in page
    assert 'src="/static/js/formset-rows.js" defer' in page
    assert "<script>" not in page  # nothing inline under the content security policy
    assert (
        "定目标（定目标）" not in page and "定时限（定时限）" not in page and "定步骤（定步骤）" not in page
    )
    assert "<label>定目标<textarea" in page and '<label>定时限<input type="date"' in page
    # without the script: one blank row per formset and the hint, which the script hides
    assert 'name="steps-1-title"' in page and "data-formset-no-js" in page


def test_four_steps_added_in_the_page_and_one_removed_are_saved_in_one_post(client, world, cast):
    client.force_login(cast["reporter_a"])
    version = (
        client.get(reverse("reporting:plan_edit", args=[world.a1.pk])).context["form"].initial["version"]
    )
    data = _plan_data(world.a1, version) | {"steps-TOTAL_FORMS": 6}
    for index, (title, due) in enumerate(
        [
            ("动员部署", "2014-04-30"),
            ("组织培训", "2014-06-30"),
            ("推进实施", "2014-09-30"),
            ("总结评估", "2014-12-15"),
        ],
        start=1,
    ):
        data |= {
            f"steps-{index}-order": index + 1,
            f"steps-{index}-title": title,
            f"steps-{index}-due_on": due,
        }
    # a row added and removed again in the page: ticked DELETE, left half typed
    data |= {"steps-5-order": 6, "steps-5-title": "", "steps-5-DELETE": "on"}
    response = client.post(reverse("reporting:plan_edit", args=[world.a1.pk]), data)
    assert response.status_code == 302, response.context["milestone_formset"].errors
    assert list(world.a1.milestones.values_list("title", flat=True)) == [
        "调研摸底",
        "动员部署",
        "组织培训",
        "推进实施",
        "总结评估",
    ]


def test_a_stored_step_removed_in_the_page_leaves_the_plan(client, world, cast):
    client.force_login(cast["reporter_a"])
    version = (
        client.get(reverse("reporting:plan_edit", args=[world.a1.pk])).context["form"].initial["version"]
    )
    data = _plan_data(world.a1, version) | {
        "steps-TOTAL_FORMS": 2,
        "steps-0-DELETE": "on",
        "steps-1-order": 2,
        "steps-1-title": "总结评估",
        "steps-1-due_on": "2014-12-15",
    }
    assert client.post(reverse("reporting:plan_edit", args=[world.a1.pk]), data).status_code == 302
    assert list(world.a1.milestones.values_list("title", flat=True)) == ["总结评估"]


@pytest.fixture
def submitted(world, cast):
    return make_report(world, world.a1, cast["reporter_a"], submit=True)


def test_returning_without_a_reason_shows_the_error_on_the_report_page_with_the_text_kept(
    client, world, cast, submitted
):
    client.force_login(cast["liaison"])
    response = client.post(
        reverse("reporting:report_action", args=[submitted.pk, "return"]), {"reason": "   "}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "reporting/report.html"
    assert response.context["reason_form"].errors["reason"] == ["请填写退回报告的理由。"]
    assert "请填写退回报告的理由。" in response.text
    assert response.context["can_review"]  # the review form is there to try again
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_a_refused_return_keeps_what_was_typed(client, world, cast, submitted, monkeypatch):
    def refuse(**kwargs):
        raise services.WorkflowError("此报告已被他人审核。")

    monkeypatch.setattr(services, "report_return", refuse)
    client.force_login(cast["liaison"])
    response = client.post(
        reverse("reporting:report_action", args=[submitted.pk, "return"]), {"reason": "请补充服务对象名单"}
    )
    assert response.status_code == 200
    assert "请补充服务对象名单</textarea>" in response.text
    assert "此报告已被他人审核。" in response.text


def test_returning_with_a_reason_still_goes_back_to_the_queue(client, world, cast, submitted):
    client.force_login(cast["liaison"])
    response = client.post(
        reverse("reporting:report_action", args=[submitted.pk, "return"]), {"reason": "请补充服务对象名单"}
    )
    assert response.status_code == 302 and response.url == reverse("reporting:review_queue")
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.RETURNED


@pytest.fixture
def draft(world, cast):
    return make_report(world, world.a1, cast["reporter_a"])


@pytest.fixture
def photo(cast, draft):
    return services.evidence_add(
        report=draft, actor=cast["reporter_a"], upload=upload("入户走访.png", png_bytes())
    )


def test_removing_evidence_asks_first_and_a_get_removes_nothing(client, cast, draft, photo):
    client.force_login(cast["reporter_a"])
    edit = client.get(reverse("reporting:report_edit", args=[draft.pk]))
    delete_url = reverse("reporting:evidence_delete", args=[photo.pk])
    assert f'href="{delete_url}"' in edit.text  # a link to the question, not a button that deletes
    question = client.get(delete_url)
    assert question.status_code == 200
    assert "确认删除" in question.text and "入户走访.png" in question.text
    assert f'action="{delete_url}"' in question.text and 'method="post"' in question.text
    assert Evidence.objects.filter(pk=photo.pk).exists()
    response = client.post(delete_url)
    assert response.status_code == 302 and response.url == reverse("reporting:report_edit", args=[draft.pk])
    assert not Evidence.objects.filter(pk=photo.pk).exists()


def test_the_removal_question_is_not_asked_of_a_reader_who_may_not_remove(client, cast, draft, photo):
    client.force_login(cast["liaison"])
    assert client.get(reverse("reporting:evidence_delete", args=[photo.pk])).status_code == 403
    client.force_login(cast["reporter_b"])
    assert client.get(reverse("reporting:evidence_delete", args=[photo.pk])).status_code == 404
    assert Evidence.objects.filter(pk=photo.pk).exists()


def test_the_removal_question_of_a_submitted_report_leads_back_with_the_reason(client, cast, draft, photo):
    services.report_submit(report=draft, actor=cast["reporter_a"])
    client.force_login(cast["reporter_a"])
    response = client.get(reverse("reporting:evidence_delete", args=[photo.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:report", args=[draft.pk])
    assert "已锁定" in response.text
    assert Evidence.objects.filter(pk=photo.pk).exists()


def test_a_photo_shows_as_a_thumbnail_and_opens_in_the_page(client, cast, draft, photo):
    client.force_login(cast["liaison"])
    page = client.get(reverse("reporting:report", args=[draft.pk])).text
    image_url = reverse("reporting:evidence_image", args=[photo.pk])
    assert f'<img src="{image_url}"' in page
    assert f'href="#evidence-view-{photo.pk}"' in page and f'id="evidence-view-{photo.pk}"' in page
    response = client.get(image_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == png_bytes()


def test_a_foreign_reporter_gets_404_for_the_photo_and_a_pdf_is_never_shown_inline(
    client, cast, draft, photo
):
    client.force_login(cast["reporter_b"])
    assert client.get(reverse("reporting:evidence_image", args=[photo.pk])).status_code == 404
    pdf = services.evidence_add(
        report=draft, actor=cast["reporter_a"], upload=upload("总结.pdf", pdf_bytes())
    )
    client.force_login(cast["reporter_a"])
    assert client.get(reverse("reporting:evidence_image", args=[pdf.pk])).status_code == 404
    page = client.get(reverse("reporting:report_edit", args=[draft.pk])).text
    assert reverse("reporting:evidence_image", args=[pdf.pk]) not in page
    assert reverse("reporting:evidence_image", args=[photo.pk]) in page
