"""Rounds at every level, scope by subtree (issue 13 items 2 and 3, "一级带着一级干").

晋江市妇联 issues its own 2014 round — two projects for three of its townships — beside the city's
2014 round; a township reporter fills in its plan and reports through the portal; 晋江's federation
administrator confirms and approves; the city sees it all; 惠安's administrator sees none of it.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects import services as project_services
from projects.models import Assignment, Campaign, FeatureProject
from reporting import services
from reporting.models import PlanStatus, ProgressReport, ReportStatus
from tests.cast import portal_permissions
from units import services as unit_services
from units.models import Membership, Organisation

Kind = Organisation.Kind
Role = Membership.Role


@dataclass
class Levels:
    city: Organisation
    department: Organisation
    jinjiang: Organisation
    huian: Organisation
    townships: list[Organisation]  # 安海、东石、磁灶, under 晋江
    huian_township: Organisation
    city_round: Campaign
    users: dict[str, User]


def _user(name: str, organisation: Organisation, role: str, *, staff: bool = False) -> User:
    user = User.objects.create_user(name, f"{name}@example.com", f"pw-{name}", is_staff=staff)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    if staff:
        from django.contrib.auth.models import Permission

        user.user_permissions.set(
            Permission.objects.filter(codename__in=portal_permissions("view", "add", "change", "delete"))
        )
    return user


@pytest.fixture
def levels(db, settings, tmp_path) -> Levels:
    settings.MEDIA_ROOT = tmp_path / "media"
    city = Organisation.objects.create(name="泉州市妇联", kind=Kind.CITY_FEDERATION)
    department = Organisation.objects.create(
        name="宣传部", kind=Kind.DEPARTMENT, parent=city, is_liaison=True
    )
    jinjiang = Organisation.objects.create(name="晋江市妇联", kind=Kind.COUNTY_FEDERATION, parent=city)
    huian = Organisation.objects.create(name="惠安县妇联", kind=Kind.COUNTY_FEDERATION, parent=city)
    townships = [
        Organisation.objects.create(name=name, kind=Kind.TOWNSHIP_FEDERATION, parent=jinjiang)
        for name in ("安海镇妇联", "东石镇妇联", "磁灶镇妇联")
    ]
    huian_township = Organisation.objects.create(
        name="螺城镇妇联", kind=Kind.TOWNSHIP_FEDERATION, parent=huian
    )
    city_round = Campaign.objects.create(
        name="争六好、创特色", year=2014, document_number="泉妇〔2013〕81号", issuing_body=city
    )
    project = FeatureProject.objects.create(campaign=city_round, number=1, title="城市项目", goal="目标")
    project.liaison_departments.add(department)
    Assignment.objects.create(project=project, unit=jinjiang)
    users = {
        "city_admin": _user("city_admin", city, Role.CITY_ADMIN, staff=True),
        "leader": _user("leader", city, Role.LEADER),
        "liaison": _user("liaison", department, Role.LIAISON),
        "jinjiang_admin": _user("jinjiang_admin", jinjiang, Role.FEDERATION_ADMIN, staff=True),
        "huian_admin": _user("huian_admin", huian, Role.FEDERATION_ADMIN, staff=True),
        "anhai_reporter": _user("anhai_reporter", townships[0], Role.REPORTER),
        "dongshi_reporter": _user("dongshi_reporter", townships[1], Role.REPORTER),
    }
    return Levels(city, department, jinjiang, huian, townships, huian_township, city_round, users)


def _county_round(levels: Levels) -> tuple[Campaign, FeatureProject, FeatureProject]:
    """晋江's 2014 round through the services: two projects for three townships."""
    actor = levels.users["jinjiang_admin"]
    campaign = services.campaign_save(
        actor=actor,
        campaign=Campaign(
            name="晋江市争六好、创特色",
            year=2014,
            document_number="晋妇〔2014〕1号",
            issuing_body=levels.jinjiang,
        ),
    )
    anhai, dongshi, cizao = levels.townships
    first = project_services.feature_project_save(
        actor=actor, campaign=campaign, number=1, title="巾帼家美积分超市", goal="每镇建成一个",
        responsible_units=[anhai, dongshi], liaison_departments=[],
    )  # fmt: skip
    second = project_services.feature_project_save(
        actor=actor, campaign=campaign, number=2, title="留守儿童之家", goal="覆盖所有村",
        responsible_units=[cizao], liaison_departments=[],
    )  # fmt: skip
    return campaign, first, second


def test_the_county_administrator_issues_a_round_in_the_admin_beside_the_citys(client, levels):
    client.force_login(levels.users["jinjiang_admin"])
    response = client.post(
        reverse("admin:projects_campaign_add"),
        {
            "name": "晋江市争六好、创特色",
            "year": 2014,
            "reporting_cadence": "quarterly",
            "document_number": "晋妇〔2014〕1号",
            "document_title": "",
            "issued_on": "",
            "overview_table_title": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    county = Campaign.objects.get(year=2014, issuing_body=levels.jinjiang)  # forced to its federation
    assert county.reporting_periods.count() == 4
    assert set(Campaign.objects.filter(year=2014)) == {county, levels.city_round}
    # A second 2014 round of 晋江 is refused in Chinese, and nothing is written.
    again = client.post(
        reverse("admin:projects_campaign_add"),
        {
            "name": "又一轮",
            "year": 2014,
            "reporting_cadence": "quarterly",
            "document_number": "晋妇〔2014〕2号",
        },
        follow=True,
    )
    assert "该发文单位在本年度已有一轮" in again.content.decode()
    assert Campaign.objects.filter(issuing_body=levels.jinjiang).count() == 1
    # The city's round stays the city administrators' business.
    change = client.get(reverse("admin:projects_campaign_change", args=[levels.city_round.pk]))
    assert 'name="document_number"' not in change.content.decode()


def test_the_round_keeps_its_units_below_the_issuer_and_names_no_city_department(levels):
    actor = levels.users["jinjiang_admin"]
    campaign, first, _second = _county_round(levels)
    with pytest.raises(ValidationError) as outside:
        project_services.feature_project_save(
            actor=actor,
            campaign=campaign,
            number=3,
            title="x",
            goal="y",
            responsible_units=[levels.huian_township],
        )
    assert "螺城镇妇联" in str(outside.value) and "晋江市妇联" in str(outside.value)
    with pytest.raises(ValidationError):  # the issuer itself is not below itself
        project_services.feature_project_save(
            actor=actor, campaign=campaign, number=3, title="x", goal="y", responsible_units=[levels.jinjiang]
        )
    with pytest.raises(ValidationError) as department:
        project_services.feature_project_save(
            actor=actor,
            campaign=campaign,
            number=3,
            title="x",
            goal="y",
            liaison_departments=[levels.department],
        )
    assert "宣传部" not in str(department.value) and "晋江市妇联" in str(department.value)
    with pytest.raises(PermissionDenied):  # another county's round
        services.campaign_save(
            actor=actor,
            campaign=Campaign(name="x", year=2015, document_number="x", issuing_body=levels.huian),
        )
    campaign.issuing_body = levels.huian  # its own round handed to another county
    with pytest.raises(ValidationError) as handed:
        services.campaign_save(actor=actor, campaign=campaign)
    assert "惠安县妇联" in str(handed.value)
    campaign.refresh_from_db()
    with pytest.raises(PermissionDenied):  # a project in the city's round
        project_services.feature_project_save(
            actor=actor, campaign=levels.city_round, number=9, title="x", goal="y"
        )
    with pytest.raises(PermissionDenied):  # another county's administrator
        project_services.feature_project_save(
            actor=levels.users["huian_admin"], project=first, **project_services.feature_project_fields(first)
        )
    assert FeatureProject.objects.filter(campaign=campaign).count() == 2
    assert Assignment.objects.filter(project__campaign=campaign).count() == 3


def _plan_body(client, assignment: Assignment) -> dict:
    form = client.get(reverse("reporting:plan_edit", args=[assignment.pk])).context["form"]
    return {
        "version": form.initial["version"],
        "target": "建成积分超市",
        "deadline": "2014-12-20",
        "responsible_person": "许丽",
        "responsible_person_position": "主席",
        "responsible_person_phone": "0595-85700000",
        "steps-TOTAL_FORMS": 1,
        "steps-INITIAL_FORMS": 0,
        "steps-0-order": 1,
        "steps-0-title": "选址",
        "steps-0-due_on": "2014-03-31",
        "indicators-TOTAL_FORMS": 1,
        "indicators-INITIAL_FORMS": 0,
        "indicators-0-name": "超市",
        "indicators-0-target_value": "1",
        "indicators-0-unit_of_measure": "个",
    }


def test_a_township_plans_and_reports_the_county_reviews_the_city_sees_another_county_does_not(
    client, levels
):
    campaign, first, _second = _county_round(levels)
    anhai = Assignment.objects.get(project=first, unit=levels.townships[0])
    period = campaign.reporting_periods.order_by("starts_on").first()

    # The township reporter fills in its plan and submits it; 晋江's administrator confirms it.
    client.force_login(levels.users["anhai_reporter"])
    assert (
        client.post(reverse("reporting:plan_edit", args=[anhai.pk]), _plan_body(client, anhai)).status_code
        == 302
    )
    client.post(reverse("reporting:plan_action", args=[anhai.pk, "submit"]))
    client.force_login(levels.users["jinjiang_admin"])
    queue = client.get(reverse("reporting:review_queue"))
    assert [plan.assignment for plan in queue.context["plans"]] == [anhai]
    client.post(reverse("reporting:plan_action", args=[anhai.pk, "confirm"]))
    assert services.plan_of(anhai).status == PlanStatus.CONFIRMED

    # It reports and submits; 晋江's administrator approves.
    client.force_login(levels.users["anhai_reporter"])
    client.post(reverse("reporting:report_open", args=[anhai.pk, period.pk]))
    report = ProgressReport.objects.get(assignment=anhai, period=period)
    state = report.milestone_states.get()
    value = report.indicator_values.get()
    response = client.post(
        reverse("reporting:report_edit", args=[report.pk]),
        {
            "version": report.version,
            "progress": "完成选址",
            "percent_complete": 30,
            "problems": "",
            "next_steps": "装修",
            f"m{state.pk}-state": "done",
            f"m{state.pk}-on_date": "2014-03-20",
            f"i{value.pk}-actual_value": "0",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # The city's liaison department is not the liaison of a county's round.
    client.force_login(levels.users["liaison"])
    assert client.post(reverse("reporting:report_action", args=[report.pk, "approve"])).status_code == 404
    client.force_login(levels.users["jinjiang_admin"])
    client.post(reverse("reporting:report_action", args=[report.pk, "approve"]), {"reason": "很好"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED

    # The city sees the county's round; the other county and the other township see none of it.
    for name in ("city_admin", "leader"):
        client.force_login(levels.users[name])
        page = client.get(reverse("reporting:report", args=[report.pk]))
        assert page.status_code == 200 and "完成选址" in page.content.decode()
    client.force_login(levels.users["city_admin"])
    listing = client.get(reverse("admin:projects_campaign_changelist")).content.decode()
    assert "晋江市争六好、创特色" in listing
    for name in ("huian_admin", "dongshi_reporter"):
        client.force_login(levels.users[name])
        assert client.get(reverse("reporting:report", args=[report.pk])).status_code == 404
        assert client.get(reverse("reporting:assignment", args=[anhai.pk])).status_code == 404
    client.force_login(levels.users["huian_admin"])
    assert "晋江市争六好" not in client.get(reverse("admin:projects_campaign_changelist")).content.decode()
    assert client.get(reverse("admin:projects_campaign_change", args=[campaign.pk])).status_code == 302
    assert not Assignment.objects.restrict(levels.users["huian_admin"]).filter(project__campaign=campaign)


def test_the_county_administrator_reads_its_subtree_and_only_writes_its_own_round(levels):
    campaign, _first, _second = _county_round(levels)
    jinjiang_admin = levels.users["jinjiang_admin"]
    city_assignment = Assignment.objects.get(project__campaign=levels.city_round)
    visible = set(Assignment.objects.restrict(jinjiang_admin))
    assert visible == set(Assignment.objects.filter(project__campaign=campaign)) | {city_assignment}
    assert set(Assignment.objects.restrict(jinjiang_admin, "change")) == set(
        Assignment.objects.filter(project__campaign=campaign)
    )
    assert set(Campaign.objects.restrict(jinjiang_admin, "change")) == {campaign}
    assert set(Organisation.objects.restrict(jinjiang_admin)) == {levels.jinjiang, *levels.townships}
    # Memberships: it reads its subtree's and gives townships their reporters, nothing above.
    assert {m.user.username for m in Membership.objects.restrict(jinjiang_admin)} == {
        "jinjiang_admin",
        "anhai_reporter",
        "dongshi_reporter",
    }
    newcomer = User.objects.create_user("cizao_reporter")
    unit_services.membership_save(
        actor=jinjiang_admin, user=newcomer, organisation=levels.townships[2], role=Role.REPORTER
    )
    assert newcomer.membership.organisation == levels.townships[2]
    outsider = User.objects.create_user("luocheng_reporter")
    with pytest.raises(ValidationError):
        unit_services.membership_save(
            actor=jinjiang_admin, user=outsider, organisation=levels.huian_township, role=Role.REPORTER
        )
    with pytest.raises(ValidationError):
        unit_services.membership_save(
            actor=jinjiang_admin, user=outsider, organisation=levels.townships[2], role=Role.CITY_ADMIN
        )
    with pytest.raises(PermissionDenied):  # its own membership is the city's business
        unit_services.membership_save(
            actor=jinjiang_admin,
            membership=jinjiang_admin.membership,
            user=jinjiang_admin,
            organisation=levels.jinjiang,
            role=Role.REPORTER,
        )


def test_a_year_alone_names_the_users_own_round_then_the_citys(levels):
    campaign, _first, _second = _county_round(levels)
    assert Campaign.objects.of_year_for(levels.users["jinjiang_admin"], 2014) == campaign
    assert Campaign.objects.of_year_for(levels.users["city_admin"], 2014) == levels.city_round
    assert Campaign.objects.of_year_for(levels.users["anhai_reporter"], 2014) == campaign
    assert Campaign.objects.of_year_for(levels.users["huian_admin"], 2014) is None
    assert Campaign.objects.get_by_natural_key(2014) == levels.city_round
    assert FeatureProject.objects.get_by_natural_key(2014, 1).campaign == levels.city_round


def test_an_import_naming_the_year_alone_goes_to_the_importers_own_round(client, levels, settings, tmp_path):
    from tests.spreadsheet_files import (
        PROJECT_HEADERS,
        errors_of,
        import_through_admin,
        post_preview,
        row_types,
        xlsx_bytes,
    )

    settings.MEDIA_ROOT = tmp_path
    campaign, _first, _second = _county_round(levels)
    rows = [PROJECT_HEADERS, [2014, 3, "巾帼志愿服务", "每镇一支队伍", "磁灶镇妇联", ""]]
    client.force_login(levels.users["jinjiang_admin"])

    preview, _confirm = import_through_admin(client, "featureproject", xlsx_bytes(rows))

    assert errors_of(preview) == [] and row_types(preview) == ["new"]
    project = FeatureProject.objects.get(title="巾帼志愿服务")
    assert project.campaign == campaign  # 晋江's 2014 round, not the city's
    assert [unit.name for unit in project.responsible_units.all()] == ["磁灶镇妇联"]
    # Another county's township in the same file is refused, naming it.
    refused = [PROJECT_HEADERS, [2014, 4, "x", "y", "螺城镇妇联", ""]]
    preview = post_preview(client, "featureproject", xlsx_bytes(refused))
    assert errors_of(preview) == ["第 2 行，“责任单位”列：“螺城镇妇联”不在本轮发文单位晋江市妇联之下。"]
    assert not FeatureProject.objects.filter(number=4).exists()
