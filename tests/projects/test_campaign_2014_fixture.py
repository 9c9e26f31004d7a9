"""The 2014 fixture holds the attachment of notice 泉妇〔2013〕81号 character for character.

The expected values are read from the notice itself (``fixtures/source/notice_2013_81.txt``, a copy
of the seed) by a parser written for this test alone, so that the fixture is checked against the
source rather than against itself.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command

from projects.models import Assignment, Campaign, FeatureProject
from units.models import Organisation

NOTICE = Path(settings.BASE_DIR) / "fixtures" / "source" / "notice_2013_81.txt"
TABLE_TITLE = "2014年泉州市妇联系统特色工作一览表"
# A line of a cell that does not end like a body's name continues onto the next line, as
# "市直系统有关" / "妇委会" does in the printed table.
NAME_ENDING = re.compile(r"(妇联|妇工委|幼儿园|中心|妇委会|办公室|部)$")


def _names(cell_lines: list[str]) -> list[str]:
    names: list[str] = []
    for line in (line.strip() for line in cell_lines):
        if not line:
            continue
        if names and not NAME_ENDING.search(names[-1]):
            names[-1] += line
        else:
            names.append(line)
    return names


def seed_rows() -> list[dict]:
    """Rows of the printed table: each cell opens with a tab; other lines continue the cell."""
    text = NOTICE.read_text(encoding="utf-8")
    cells: list[list[str]] = []
    for line in text[text.index(TABLE_TITLE) :].splitlines()[1:]:
        if line.startswith("\t"):
            cells.append([line[1:]])
        elif cells:
            cells[-1].append(line)
    rows = []
    index = 0
    while index < len(cells):
        if cells[index][0].strip().isdigit():
            number, title, goal, units, departments = cells[index : index + 5]
            rows.append(
                {
                    "number": int(number[0]),
                    "title": "\n".join(title).strip(),
                    "goal": "\n".join(goal).strip(),
                    "units": _names(units),
                    "departments": _names(departments),
                }
            )
            index += 5
        else:
            index += 1
    return rows


SEED = seed_rows()


def test_the_seed_parser_finds_the_ten_printed_rows():
    assert [row["number"] for row in SEED] == list(range(1, 11))


@pytest.mark.usefixtures("campaign_2014")
class TestCampaign2014:
    def test_the_campaign_carries_its_notice(self):
        campaign = Campaign.objects.get(year=2014)
        assert campaign.name == "争六好、创特色"
        assert campaign.document_number == "泉妇〔2013〕81号"
        assert "\u3014" in campaign.document_number and "\u3015" in campaign.document_number
        assert campaign.issued_on.isoformat() == "2013-10-21"
        assert campaign.issuing_body.name == "泉州市妇联"
        assert campaign.overview_table_title == TABLE_TITLE

    def test_the_table_has_the_counts_of_the_seed(self):
        assert FeatureProject.objects.count() == len(SEED) == 10
        assert Assignment.objects.count() == sum(len(row["units"]) for row in SEED) == 29
        units = Organisation.objects.filter(assignments__isnull=False).distinct()
        assert units.count() == len({u for row in SEED for u in row["units"]}) == 15
        liaisons = Organisation.objects.filter(followed_projects__isnull=False).distinct()
        assert liaisons.count() == len({d for row in SEED for d in row["departments"]}) == 6

    @pytest.mark.parametrize("row", SEED, ids=lambda row: str(row["number"]))
    def test_each_project_is_printed_character_for_character(self, row):
        project = FeatureProject.objects.get(campaign__year=2014, number=row["number"])
        assert project.title == row["title"]
        assert project.goal == row["goal"]
        assert [a.unit.name for a in project.assignments.select_related("unit")] == row["units"]
        assert [d.name for d in project.liaison_departments.all()] == row["departments"]

    def test_the_collective_split_over_two_lines_is_one_unit(self):
        project = FeatureProject.objects.get(campaign__year=2014, number=10)
        assert [unit.name for unit in project.responsible_units.all()] == ["市直系统有关妇委会"]

    def test_the_seed_fixes_no_deadline_and_no_person(self):
        assert not Assignment.objects.exclude(deadline=None).exists()
        assert not Assignment.objects.exclude(responsible_person="").exists()
        assert not Assignment.objects.exclude(target="").exists()

    def test_every_county_level_body_of_quanzhou_is_present_in_official_order(self):
        expected = [
            *(
                f"{county}妇联"
                for county in "鲤城区 丰泽区 洛江区 泉港区 石狮市 晋江市 南安市 惠安县 安溪县 永春县 德化县".split()
            ),
            "台商投资区妇工委",
            "泉州开发区妇工委",
        ]
        county_level = Organisation.objects.filter(
            kind__in=[Organisation.Kind.COUNTY_FEDERATION, Organisation.Kind.WORKING_COMMITTEE],
            parent__name="泉州市妇联",
        ).exclude(name="市直机关妇工委")
        assert [o.name for o in county_level] == expected
        assert not Organisation.objects.get(name="泉州开发区妇工委").assignments.exists()

    def test_a_body_with_two_roles_is_entered_once(self):
        committee = Organisation.objects.get(name="市直机关妇工委")
        assert committee.is_liaison
        assert committee.kind == Organisation.Kind.WORKING_COMMITTEE
        project = FeatureProject.objects.get(campaign__year=2014, number=10)
        Assignment.objects.create(project=project, unit=committee)
        assert Organisation.objects.filter(name="市直机关妇工委").count() == 1
        assert committee.followed_projects.get() == committee.carried_projects.get() == project

    def test_texts_keep_chinese_punctuation_and_lose_outer_white_space(self):
        for project in FeatureProject.objects.all():
            assert project.goal == project.goal.strip()
            assert project.title == project.title.strip()
        goal_9 = FeatureProject.objects.get(number=9).goal
        assert "1－2个" in goal_9 and "“爱心妈妈”" in goal_9


def _dump() -> str:
    models = [Organisation, Campaign, FeatureProject, Assignment]
    return serializers.serialize("json", [obj for model in models for obj in model.objects.order_by("pk")])


def test_loading_the_fixture_twice_changes_nothing(db):
    call_command("loaddata", "campaign_2014", verbosity=0)
    first = _dump()
    call_command("loaddata", "campaign_2014", verbosity=0)
    assert _dump() == first
