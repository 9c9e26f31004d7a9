"""The admin for city staff: every page renders in Chinese with a pinned number of queries, the
lists answer the staff's real questions, and every change is kept in a history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone
from units.models import Organisation

pytestmark = pytest.mark.usefixtures("campaign_2014")


@pytest.fixture
def plan(db) -> Assignment:
    """晋江市妇联's plan for project 7, with one step and one indicator."""
    assignment = Assignment.objects.get(project__number=7, unit__name="晋江市妇联")
    assignment.deadline = datetime.date(2014, 12, 31)
    assignment.save()
    Milestone.objects.create(
        assignment=assignment, order=1, title="摸底调研", due_on=datetime.date(2014, 3, 31)
    )
    Indicator.objects.create(assignment=assignment, name="试点", unit_of_measure="个", target_value=2)
    return assignment


# Every page starts with 2 queries: the session and the user.
LIST_PAGES = [
    # + count of the filtered and of all rows, the rows with annotated counts and parents
    (Organisation, 5),
    # + 2 counts, the rows with their issuing body
    (Campaign, 5),
    # + campaign filter, department filter, unit filter (units with assignments), 2 counts, the rows,
    #   their departments, their units
    (FeatureProject, 10),
    # + campaign, unit and department filters, 2 counts, the rows with project and unit
    (Assignment, 8),
    # + campaign filter, 2 counts, the rows with assignment, project and unit
    (Milestone, 6),
    (Indicator, 6),
]

CHANGE_PAGES = [
    # + the object with its parent, the parent widget's selected option
    (Organisation, lambda plan: Organisation.objects.get(name="晋江市妇联"), 4),
    # + the object with its issuing body, the issuing-body widget's option
    (Campaign, lambda plan: Campaign.objects.get(year=2014), 4),
    # + the project with its departments and units, the campaign choices, the department widget's
    #   options, the inline assignments with unit and project, one unit-widget option per assignment
    #   (3 for project 7)
    (FeatureProject, lambda plan: plan.project, 11),
    # + the assignment with project and unit, its steps, its indicators, the project and unit widgets
    (Assignment, lambda plan: plan, 7),
    # + the step with assignment, project and unit, the assignment widget's option
    (Milestone, lambda plan: plan.milestones.get(), 4),
    (Indicator, lambda plan: plan.indicators.get(), 4),
]


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "queries"), LIST_PAGES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_every_list_renders_in_chinese_with_pinned_queries(
    admin_client, plan, model, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries):
        response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert str(model._meta.verbose_name_plural) in response.text
    assert "选择" in response.text  # Django's own Chinese: "选择 … 来修改"


@pytest.mark.parametrize(
    ("model", "get_object", "queries"), CHANGE_PAGES, ids=lambda v: getattr(v, "__name__", "")
)
def test_every_change_page_renders_with_pinned_queries(
    admin_client, plan, model, get_object, queries, django_assert_num_queries
):
    url = _url(model, "change", get_object(plan).pk)
    admin_client.get(url)  # the first request fills the process-wide content-type cache
    with django_assert_num_queries(queries):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert "历史" in response.text


@pytest.mark.parametrize("model", [m for m, _ in LIST_PAGES], ids=lambda m: m.__name__)
def test_every_add_and_history_page_renders(admin_client, plan, model):
    assert admin_client.get(_url(model, "add")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(_url(model, "history", obj.pk)).status_code == 200


def test_the_project_list_is_in_number_order_with_units_and_departments_as_printed(admin_client):
    response = admin_client.get(_url(FeatureProject, "changelist"))
    titles = [project.title for project in FeatureProject.objects.order_by("number")]
    positions = [response.text.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "惠安县妇联、永春县妇联、市直机关金山幼儿园" in response.text
    assert "办公室、儿童部" in response.text


def _listed_numbers(response) -> list[int]:
    return sorted(project.number for project in response.context["cl"].result_list)


def test_staff_find_the_projects_a_unit_carries(admin_client):
    jinjiang = Organisation.objects.get(name="晋江市妇联")
    by_search = admin_client.get(_url(FeatureProject, "changelist"), {"q": "晋江市妇联"})
    by_filter = admin_client.get(
        _url(FeatureProject, "changelist"), {"responsible_units__id__exact": jinjiang.pk}
    )
    assert _listed_numbers(by_search) == _listed_numbers(by_filter) == [2, 3, 7]


def test_staff_find_the_projects_a_department_follows(admin_client):
    children = Organisation.objects.get(name="儿童部")
    response = admin_client.get(
        _url(FeatureProject, "changelist"), {"liaison_departments__id__exact": children.pk}
    )
    assert _listed_numbers(response) == [1, 3, 9]


def test_the_department_filter_offers_only_liaison_bodies(admin_client):
    response = admin_client.get(_url(FeatureProject, "changelist"))
    department_filter = next(f for f in response.context["cl"].filter_specs if f.title == "市妇联联系部室")
    offered = [name for _, name in department_filter.lookup_choices]
    assert offered == ["办公室", "宣传部", "发展部", "权益部", "儿童部", "市直机关妇工委"]


def _project_form(project: FeatureProject, **changes) -> dict:
    data = {
        "campaign": project.campaign_id,
        "number": project.number,
        "title": project.title,
        "goal": project.goal,
        "liaison_departments": [d.pk for d in project.liaison_departments.all()],
    }
    assignments = list(project.assignments.all())
    data.update(
        {
            "assignments-TOTAL_FORMS": len(assignments),
            "assignments-INITIAL_FORMS": len(assignments),
            "assignments-MIN_NUM_FORMS": 0,
            "assignments-MAX_NUM_FORMS": 1000,
        }
    )
    for index, assignment in enumerate(assignments):
        data[f"assignments-{index}-id"] = assignment.pk
        data[f"assignments-{index}-project"] = project.pk
        data[f"assignments-{index}-unit"] = assignment.unit_id
    data.update(changes)
    return data


def test_a_changed_goal_is_kept_in_the_history_with_user_and_time(admin_client, city_admin):
    project = FeatureProject.objects.get(number=8)
    before = timezone.now()
    new_goal = project.goal + "（2014年新增：覆盖全市）"
    response = admin_client.post(
        _url(FeatureProject, "change", project.pk), _project_form(project, goal=new_goal)
    )
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    record = project.history.latest()
    assert record.goal == new_goal
    assert record.history_user == city_admin
    assert record.history_date >= before
    assert "goal" in record.diff_against(record.prev_record).changed_fields

    history_page = admin_client.get(_url(FeatureProject, "history", project.pk))
    assert "city_admin" in history_page.text
    assert "创建目标" in history_page.text  # the changed field, by its Chinese name


def test_a_step_due_after_the_deadline_is_refused_in_the_admin_and_nothing_is_saved(admin_client, plan):
    data = {
        "project": plan.project_id,
        "unit": plan.unit_id,
        "target": "试点2个",
        "deadline": "2014-12-31",
        "responsible_person": "",
        "responsible_person_position": "",
        "responsible_person_phone": "",
        "milestones-TOTAL_FORMS": 2,
        "milestones-INITIAL_FORMS": 1,
        "milestones-MIN_NUM_FORMS": 0,
        "milestones-MAX_NUM_FORMS": 1000,
        "milestones-0-id": plan.milestones.get().pk,
        "milestones-0-assignment": plan.pk,
        "milestones-0-order": 1,
        "milestones-0-title": "摸底调研",
        "milestones-0-due_on": "2014-03-31",
        "milestones-1-assignment": plan.pk,
        "milestones-1-order": 2,
        "milestones-1-title": "总结验收",
        "milestones-1-due_on": "2015-01-15",
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
        "indicators-MIN_NUM_FORMS": 0,
        "indicators-MAX_NUM_FORMS": 1000,
    }
    response = admin_client.post(_url(Assignment, "change", plan.pk), data)
    assert response.status_code == 200
    assert "完成时间 2015-01-15 晚于定时限 2014-12-31。" in response.text
    plan.refresh_from_db()
    assert plan.target == ""
    assert plan.milestones.count() == 1


def test_someone_without_staff_rights_cannot_open_the_admin(client, outsider):
    client.force_login(outsider)
    response = client.get(_url(FeatureProject, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
