"""The real tree (issue 13 item 1) and the pinyin order (issue 11 item 8)."""

import pytest
from django.core.management import call_command

from units.management.commands.load_division_tree import organisation_name
from units.models import Organisation, pinyin_key_of

pytestmark = pytest.mark.django_db


def test_names_follow_the_level():
    assert organisation_name("金山社区居委会") == "金山社区妇联"
    assert organisation_name("后溪村委会") == "后溪村妇代会"
    assert organisation_name("安海镇") == "安海镇妇联"


def test_pinyin_order_after_the_official_one():
    city = Organisation.objects.create(name="泉州市妇联", kind="city_federation", display_order=1)
    for name in ("东石镇妇联", "内坑镇妇联", "安海镇妇联"):
        Organisation.objects.create(name=name, kind="township_federation", parent=city)
    names = list(Organisation.objects.filter(parent=city).values_list("name", flat=True))
    assert names == ["安海镇妇联", "东石镇妇联", "内坑镇妇联"]
    assert pinyin_key_of("安海镇妇联").startswith("an1 hai3")


def test_the_real_tree_loads_once_and_keeps_staff_edits():
    call_command("load_campaign_2014", verbosity=0)
    call_command("load_division_tree", verbosity=0)
    jinjiang = Organisation.objects.get(name="晋江市妇联")
    anhai = Organisation.objects.get(name="安海镇妇联")
    assert anhai.parent == jinjiang and anhai.kind == Organisation.Kind.TOWNSHIP_FEDERATION
    assert anhai.division_code == "350582101000"
    village = anhai.children.order_by("division_code").first()
    assert village.kind == Organisation.Kind.VILLAGE_ORGANISATION
    assert village.division_code.startswith("350582101")
    total = Organisation.objects.count()
    assert total > 2700
    anhai.name = "安海镇妇女联合会"
    anhai.save()
    call_command("load_division_tree", verbosity=0)
    assert Organisation.objects.count() == total
    assert Organisation.objects.get(division_code="350582101000").name == "安海镇妇女联合会"
