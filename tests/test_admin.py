"""The admin for city staff: every page renders in Chinese with a pinned number of queries, the
lists answer the staff's real questions, and every change is kept in a history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from projects.models import Assignment, Campaign, FeatureProject, Indicator, Milestone, ProjectLiaison
from reporting.models import RobotWebhook
from units.models import Organisation
from units.services import organisation_fields, organisation_save

pytestmark = pytest.mark.usefixtures("campaign_2014")


@pytest.fixture
def plan(db) -> Assignment:
    """晋江市妇联's plan for project 7, with one step and one indicator (and the unit's group robot)."""
    assignment = Assignment.objects.get(project__number=7, unit__name="晋江市妇联")
    assignment.deadline = datetime.date(2014, 12, 31)
    assignment.save()
    RobotWebhook.objects.create(
        organisation=assignment.unit, url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    )
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
    # +1: whether the user has a round to start 「开启新一轮」 from (issue 13); +1: the user's
    # membership, which orders those rounds (``projects.models.round_preference``)
    (Campaign, 7),
    # + campaign filter, department filter, unit filter (the listed units' parent chains, the names
    #   offered), 2 counts, the rows, their departments, their units
    (FeatureProject, 11),
    # + campaign, unit (2) and department filters, 2 counts, the rows with project and unit
    (Assignment, 9),
    # + campaign filter, 2 counts, the rows with assignment, project and unit
    (Milestone, 6),
    (Indicator, 6),
    # + 2 counts, the rows with their organisation
    (RobotWebhook, 5),
]

CHANGE_PAGES = [
    # + the object with its parent, the parent widget's selected option
    (Organisation, lambda plan: Organisation.objects.get(name="晋江市妇联"), 4),
    # + the object with its issuing body, the issuing-body widget's option
    (Campaign, lambda plan: Campaign.objects.get(year=2014), 4),
    # + the project with its departments and units (2 prefetches), the campaign choices, the units
    #   and the departments chosen and the two lists to choose from, the read-only inline
    #   assignments with project and unit
    (FeatureProject, lambda plan: plan.project, 9),
    # + the assignment with project and unit, its steps, its indicators (project and unit are
    #   read-only once the assignment exists)
    (Assignment, lambda plan: plan, 5),
    # + the step with assignment, project and unit (its assignment is read-only once saved)
    (Milestone, lambda plan: plan.milestones.get(), 3),
    (Indicator, lambda plan: plan.indicators.get(), 3),
    # + the robot with its organisation, its messages (read-only inline), the organisation widget's option
    (RobotWebhook, lambda plan: RobotWebhook.objects.get(), 5),
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
    by_filter = admin_client.get(_url(FeatureProject, "changelist"), {"responsible_units__tree": jinjiang.pk})
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


def _inline(prefix: str, rows: list[dict]) -> dict:
    """The management form and rows of an admin inline, as the browser posts them."""
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": sum(1 for row in rows if row.get("id")),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{field}": value for field, value in row.items()})
    return data


def _project_form(project: FeatureProject, **changes) -> dict:
    """The project's change form as it stands (its units and departments as two lists, the
    read-only assignment rows), with ``changes`` applied."""
    assignments = [{"id": a.pk, "project": project.pk, "unit": a.unit_id} for a in project.assignments.all()]
    return {
        "campaign": project.campaign_id,
        "number": project.number,
        "title": project.title,
        "goal": project.goal,
        "units": [a.unit_id for a in project.assignments.all()],
        "departments": list(
            ProjectLiaison.objects.filter(project=project).values_list("department_id", flat=True)
        ),
        **_inline("assignments", assignments),
        **changes,
    }


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


def _plan_form(plan: Assignment, steps: list[dict], **changes) -> dict:
    """The assignment page's form for ``plan`` with ``steps`` as its step rows."""
    return {
        "project": plan.project_id,
        "unit": plan.unit_id,
        "target": plan.target,
        "deadline": plan.deadline.isoformat() if plan.deadline else "",
        "responsible_person": "",
        "responsible_person_position": "",
        "responsible_person_phone": "",
        **_inline("milestones", [{"assignment": plan.pk, **step} for step in steps]),
        **_inline("indicators", []),
        **changes,
    }


def test_a_deadline_and_its_steps_can_move_earlier_in_one_save(admin_client, plan):
    step = plan.milestones.get()
    data = _plan_form(
        plan,
        [{"id": step.pk, "order": 1, "title": "摸底调研", "due_on": "2014-03-01"}],
        deadline="2014-03-15",
    )
    response = admin_client.post(_url(Assignment, "change", plan.pk), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.deadline == datetime.date(2014, 3, 15)
    assert plan.milestones.get().due_on == datetime.date(2014, 3, 1)


def test_a_deadline_before_an_unmoved_step_is_refused(admin_client, plan):
    step = plan.milestones.get()
    data = _plan_form(
        plan,
        [{"id": step.pk, "order": 1, "title": "摸底调研", "due_on": "2014-03-31"}],
        deadline="2014-03-15",
    )
    response = admin_client.post(_url(Assignment, "change", plan.pk), data)
    assert "完成时间 2014-03-31 晚于定时限 2014-03-15。" in response.text
    plan.refresh_from_db()
    assert plan.deadline == datetime.date(2014, 12, 31)


def test_duplicate_steps_are_explained_by_the_chinese_field_name(admin_client, plan):
    step = plan.milestones.get()
    data = _plan_form(
        plan,
        [
            {"id": step.pk, "order": 1, "title": "摸底调研", "due_on": "2014-03-31"},
            {"order": 1, "title": "试点", "due_on": "2014-06-30"},
        ],
    )
    response = admin_client.post(_url(Assignment, "change", plan.pk), data)
    assert response.status_code == 200
    assert "请修改顺序的重复数据" in response.text
    assert "order" not in response.context["inline_admin_formsets"][0].formset.non_form_errors()[0]


def test_a_department_cannot_be_made_a_responsible_unit(admin_client):
    project = FeatureProject.objects.get(number=8)
    department = Organisation.objects.get(name="发展部")
    data = _project_form(project)
    data["units"] = [*data["units"], department.pk]
    response = admin_client.post(_url(FeatureProject, "change", project.pk), data)
    assert response.status_code == 200  # the form comes back: 发展部 is no choice for a unit
    assert not project.assignments.filter(unit=department).exists()


def test_a_phone_number_with_letters_is_refused_in_chinese(admin_client, plan):
    data = _plan_form(plan, [], responsible_person_phone="abc<script>")
    data.update(_inline("milestones", []))
    response = admin_client.post(_url(Assignment, "change", plan.pk), data)
    assert response.status_code == 200
    assert "电话号码只能包含数字" in response.text


def test_a_malformed_id_in_a_history_url_is_not_found(admin_client):
    assert admin_client.get("/admin/projects/featureproject/abc/history/").status_code == 404


def test_the_history_of_a_plan_shows_the_changes_to_its_steps(admin_client, plan):
    response = admin_client.get(_url(Assignment, "history", plan.pk))
    assert "摸底调研" in response.text  # the step created in the fixture, as a part of the plan
    assert "对其组成部分的修改" in response.text


def test_the_first_change_of_a_loaded_goal_shows_what_changed(admin_client):
    project = FeatureProject.objects.get(number=7)
    new_goal = project.goal.replace("至少2个", "至少3个")
    admin_client.post(_url(FeatureProject, "change", project.pk), _project_form(project, goal=new_goal))
    page = admin_client.get(_url(FeatureProject, "history", project.pk)).text
    assert "<del>2</del><ins>3</ins>" in page
    assert "载入2014年一览表（泉妇〔2013〕81号附件）" in page  # the first record and its reason


def test_a_department_that_follows_projects_keeps_its_liaison_role(admin_client):
    children = Organisation.objects.get(name="儿童部")
    data = {"name": "儿童部", "kind": children.kind, "parent": children.parent_id, "display_order": 14}
    response = admin_client.post(_url(Organisation, "change", children.pk), data)  # is_liaison unticked
    assert response.status_code == 200
    assert "仍是特色项目 1、3、9 的联系部室" in response.text
    children.refresh_from_db()
    assert children.is_liaison


def test_a_department_that_follows_projects_cannot_be_deleted(admin_client):
    children = Organisation.objects.get(name="儿童部")
    response = admin_client.post(_url(Organisation, "delete", children.pk), {"post": "yes"})
    assert response.status_code == 200  # the admin explains which objects protect it
    assert Organisation.objects.filter(name="儿童部").exists()
    assert FeatureProject.objects.get(number=9).liaison_departments.get() == children


def test_a_unit_with_a_filled_in_plan_is_not_dropped_from_the_project_page(admin_client, plan):
    project = plan.project
    data = _project_form(project)
    data["units"] = [unit for unit in data["units"] if unit != plan.unit_id]

    response = admin_client.post(_url(FeatureProject, "change", project.pk), data, follow=True)

    assert response.status_code == 200
    assert "晋江市妇联已填写本项目的四定计划，不能在此移除" in response.text
    assert project.assignments.filter(unit=plan.unit).exists()


def test_the_project_page_sets_units_and_liaison_departments_through_the_service(admin_client, city_admin):
    project = FeatureProject.objects.get(number=8)
    data = _project_form(project)
    data["units"] = [*data["units"], Organisation.objects.get(name="德化县妇联").pk]
    data["departments"] = [Organisation.objects.get(name="儿童部").pk]

    response = admin_client.post(_url(FeatureProject, "change", project.pk), data)

    assert response.status_code == 302
    assert "德化县妇联" in [unit.name for unit in project.responsible_units.all()]
    assert [d.name for d in project.liaison_departments.all()] == ["儿童部"]
    added = project.assignments.get(unit__name="德化县妇联")
    assert added.history.latest().history_user == city_admin
    assert ProjectLiaison.history.filter(project_id=project.pk, history_type="-").exists()


def test_the_organisation_list_saves_its_order_column_through_the_service(admin_client, city_admin):
    jinjiang = Organisation.objects.get(name="晋江市妇联")
    changelist = admin_client.get(_url(Organisation, "changelist"), {"q": "晋江市妇联"})
    formset = changelist.context["cl"].formset
    data = {
        "form-TOTAL_FORMS": formset.total_form_count(),
        "form-INITIAL_FORMS": formset.initial_form_count(),
        "_save": "保存",
    }
    for index, form in enumerate(formset.forms):
        data[f"form-{index}-id"] = form.instance.pk
        data[f"form-{index}-display_order"] = 7 if form.instance == jinjiang else form.instance.display_order

    response = admin_client.post(_url(Organisation, "changelist") + "?q=晋江市妇联", data)

    assert response.status_code == 302
    jinjiang.refresh_from_db()
    assert jinjiang.display_order == 7
    assert jinjiang.history.latest().history_user == city_admin


def test_moving_an_organisation_below_itself_is_refused_in_chinese(admin_client):
    city = Organisation.objects.get(name="泉州市妇联")
    jinjiang = Organisation.objects.get(name="晋江市妇联")
    data = {"name": city.name, "kind": city.kind, "parent": jinjiang.pk, "display_order": 1}

    response = admin_client.post(_url(Organisation, "change", city.pk), data)

    assert response.status_code == 200
    assert "上级组织不能是本组织或其下级组织。" in response.text
    city.refresh_from_db()
    assert city.parent is None


def test_a_departments_linked_counties_are_saved_through_the_organisation_writer(admin_client):
    children = Organisation.objects.get(name="儿童部")
    jinjiang = Organisation.objects.get(name="晋江市妇联")
    data = {"name": "儿童部", "kind": children.kind, "parent": children.parent_id, "display_order": 14}
    response = admin_client.post(
        _url(Organisation, "change", children.pk),
        {**data, "is_liaison": "on", "linked_counties": [jinjiang.pk]},
    )
    assert response.status_code == 302
    assert list(children.linked_counties.all()) == [jinjiang]
    assert "linked_counties" not in admin_client.get(_url(Organisation, "change", jinjiang.pk)).text


def test_a_township_cannot_be_linked_as_a_county(city_admin):
    children = Organisation.objects.get(name="儿童部")
    township = Organisation.objects.create(
        name="测试镇妇联",
        kind=Organisation.Kind.TOWNSHIP_FEDERATION,
        parent=Organisation.objects.get(name="晋江市妇联"),
    )
    with pytest.raises(ValidationError) as refused:
        organisation_save(
            actor=city_admin,
            organisation=children,
            **organisation_fields(children),
            linked_counties=[township],
        )
    assert "“测试镇妇联”不是县级妇联" in str(refused.value)
    assert not children.linked_counties.exists()


def test_the_unit_filter_opens_at_the_level_above_and_drills_down(admin_client, city_admin):
    """At province scale a list names thousands of units: the filter offers the level below the
    city (counties, city-level bodies), and under a chosen county its own units on the way down;
    choosing the county lists its whole subtree (issue 16, item 2)."""
    from projects.services import assignment_add

    jinjiang = Organisation.objects.get(name="晋江市妇联")
    anhai = Organisation.objects.create(
        name="安海镇妇联", kind=Organisation.Kind.TOWNSHIP_FEDERATION, parent=jinjiang
    )
    village = Organisation.objects.create(
        name="星塔村妇代会", kind=Organisation.Kind.VILLAGE_ORGANISATION, parent=anhai
    )
    project = FeatureProject.objects.get(number=2)
    assignment_add(actor=city_admin, project=project, unit=village)

    def offered(response) -> list[str]:
        spec = next(s for s in response.context["cl"].filter_specs if s.parameter_name == "unit__tree")
        return [label for _pk, label in spec.lookup_choices]

    top = admin_client.get(_url(Assignment, "changelist"))
    assert "晋江市妇联" in offered(top) and "星塔村妇代会" not in " ".join(offered(top))
    assert not any(label.startswith("\u3000") for label in offered(top))  # one level only
    down = admin_client.get(_url(Assignment, "changelist"), {"unit__tree": jinjiang.pk})
    labels = offered(down)
    assert labels[labels.index("晋江市妇联") + 1] == "\u3000安海镇妇联"  # right under its county
    assert "\u3000\u3000星塔村妇代会" not in labels  # only one level below the chosen one
    listed = {a.unit.name for a in down.context["cl"].result_list}
    assert listed == {"晋江市妇联", "星塔村妇代会"}
    deeper = admin_client.get(_url(Assignment, "changelist"), {"unit__tree": anhai.pk})
    assert "\u3000\u3000星塔村妇代会" in offered(deeper)
    assert {a.unit.name for a in deeper.context["cl"].result_list} == {"星塔村妇代会"}
    assert admin_client.get(_url(Assignment, "changelist"), {"unit__tree": "x"}).status_code in (200, 302)
