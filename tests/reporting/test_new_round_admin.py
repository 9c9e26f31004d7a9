"""The admin's 「开启新一轮」 (issue 12, item 1): preview writes nothing, confirm writes the round,
only city administrators, a refusal keeps what was typed."""

import re

import pytest
from django.contrib.messages import get_messages

from projects.models import Assignment, Campaign, ProjectLiaison
from reporting.forms import NewRoundForm
from tests.cast import user
from units.roles import Role

URL = "/admin/projects/campaign/new-round/"


def _data(source: Campaign, **changes) -> dict:
    """The wizard's form as first shown (everything ticked), with ``changes``."""
    form = NewRoundForm(source=source)
    data = {}
    for name in form.fields:
        value = form[name].initial
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data |= {"document_number": "泉妇〔2014〕1号", "document_title": "关于开展2015年争六好、创特色活动的通知"}
    data |= {"issued_on": "2014-12-20"}
    return data | changes


@pytest.fixture
def source(campaign_2014) -> Campaign:
    return Campaign.objects.get(year=2014)


def test_the_list_offers_the_wizard(admin_client, source):
    page = admin_client.get("/admin/projects/campaign/").content.decode()
    assert URL in page and "开启新一轮" in page


def test_the_form_starts_with_every_project_ticked(admin_client, source):
    page = admin_client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "开启新一轮" in body and 'value="2015"' in body
    form = page.context["form"]
    assert len(form.projects) == 10
    assert sum(len(form[f"units_{p.number}"].initial) for p in form.projects) == 29


def test_preview_writes_nothing_and_keeps_every_choice(admin_client, source):
    data = _data(source, _preview="1", copy_plans="yes")
    data.pop("project_10")
    page = admin_client.post(URL, data)
    assert page.status_code == 200
    assert page.context["preview"].projects == 9
    body = page.content.decode()
    assert "确认开启" in body and "9个特色项目" in body
    assert 'type="hidden" name="copy_plans" value="yes"' in body
    assert 'name="project_10" value="False"' in body
    assert Campaign.objects.count() == 1


def test_confirm_starts_the_round(admin_client, source):
    page = admin_client.post(URL, _data(source, _confirm="1"))
    new = Campaign.objects.get(year=2015)
    assert page.status_code == 302 and page["Location"] == f"/admin/projects/campaign/{new.pk}/change/"
    assert new.projects.count() == 10
    assert Assignment.objects.filter(project__campaign=new).count() == 29
    assert ProjectLiaison.objects.filter(project__campaign=new).count() == 12
    assert (new.document_number, str(new.issued_on)) == ("泉妇〔2014〕1号", "2014-12-20")
    assert new.history.earliest().history_change_reason == "复制自2014年"
    texts = [str(m) for m in get_messages(page.wsgi_request)]
    assert any("2015" in text and "29项责任分工" in text for text in texts)


def test_preview_then_confirm_carries_the_chosen_units(admin_client, source):
    project = next(p for p in source.projects.all() if p.assignments.count() > 1)
    kept = project.assignments.first().unit
    data = _data(source, _preview="1", **{f"units_{project.number}": [kept.pk]})
    preview = admin_client.post(URL, data)
    assert preview.context["preview"].assignments == 29 - project.assignments.count() + 1
    body = preview.content.decode()
    hidden = re.findall(rf'type="hidden" name="units_{project.number}" value="(\d+)"', body)
    assert hidden == [str(kept.pk)]  # the unticked units stay unticked on confirm
    admin_client.post(URL, data | {"_confirm": "1"})
    carried = Campaign.objects.get(year=2015).projects.get(number=project.number)
    assert [a.unit for a in carried.assignments.all()] == [kept]


def test_a_year_in_use_shows_the_form_again_with_what_was_typed(admin_client, source):
    for step in ["_preview", "_confirm"]:
        page = admin_client.post(URL, _data(source, **{step: "1"}, year="2014", name="我的新名称"))
        assert page.status_code == 200
        assert page.context["form"].errors["year"] == ["已有2014年的主题活动，请另选年份。"]
        body = page.content.decode()
        assert "errornote" in body and "我的新名称" in body and 'value="2014"' in body
        assert page.context["preview"] is None
    assert Campaign.objects.count() == 1


def test_no_project_carried_is_refused(admin_client, source):
    data = {k: v for k, v in _data(source, _preview="1").items() if not k.startswith("project_")}
    page = admin_client.post(URL, data)
    assert page.status_code == 200 and "至少" in page.content.decode()


@pytest.mark.parametrize("role", [Role.REPORTER, Role.LIAISON, Role.LEADER])
def test_only_city_administrators(client, source, role):
    staff = user(f"staff_{role}", source.issuing_body, role, is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _data(source, _confirm="1")).status_code == 403
    assert Campaign.objects.count() == 1


def test_a_city_administrator_by_role(client, source):
    admin = user("round_city_admin", source.issuing_body, Role.CITY_ADMIN, is_staff=True)
    client.force_login(admin)
    assert client.get(URL).status_code == 200


def test_back_to_the_choices_keeps_them(admin_client, source):
    data = _data(source, _edit="1", name="改过的名称", copy_plans="yes")
    data.pop("project_3")
    page = admin_client.post(URL, data)
    assert page.status_code == 200 and page.context["preview"] is None
    form = page.context["form"]
    assert form["name"].value() == "改过的名称" and form["copy_plans"].value() == "yes"
    assert form["project_3"].value() is False and form["project_4"].value() is True
    assert Campaign.objects.count() == 1


def test_odd_source_parameters_fall_back_to_the_latest_round(admin_client, source):
    for odd in ["²", "99999999999999999999", "x", "-1"]:
        page = admin_client.get(URL, {"source": odd})
        assert page.status_code == 200 and page.context["source"] == source


def test_the_preview_and_a_refusal_speak_chinese(admin_client, source):
    from tests.test_chinese_everywhere import ReaderText, latin_words
    from tests.test_typography import ascii_punctuation

    for data in [_data(source, _preview="1", copy_plans="yes"), _data(source, _confirm="1", year="2014")]:
        parser = ReaderText()
        parser.feed(admin_client.post(URL, data).content.decode())
        english = [
            part for part in parser.parts if latin_words(part, {"city_admin"}) or ascii_punctuation(part)
        ]
        assert english == []


def test_a_refusal_of_the_service_lands_on_its_field(admin_client, source, monkeypatch):
    from django.core.exceptions import ValidationError

    from reporting import rounds

    def refuse(**kwargs):
        raise ValidationError({"document_number": "文号“X”不对。", "issuing_body": "发文单位不对。"})

    monkeypatch.setattr(rounds, "round_start", refuse)
    page = admin_client.post(URL, _data(source, _confirm="1", name="保留的名称"))
    form = page.context["form"]
    assert form.errors["document_number"] == ["文号“X”不对。"]
    assert form.non_field_errors() == ["发文单位不对。"]
    assert "保留的名称" in page.content.decode()
