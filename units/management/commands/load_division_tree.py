"""``manage.py load_division_tree``: Quanzhou's townships and villages as women's organisations."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from units.models import Organisation, pinyin_key_of

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "division_tree_3505.json"

# The organisation of each level, after the end of the division's name (issue 13, item 1).
SUFFIXES = [("社区居委会", "社区妇联"), ("村委会", "村妇代会"), ("居委会", "社区妇联")]


def organisation_name(division_name: str) -> str:
    """The women's organisation named from a division: 金山社区居委会 → 金山社区妇联,
    后溪村委会 → 后溪村妇代会, 安海镇 → 安海镇妇联."""
    for ending, organisation in SUFFIXES:
        if division_name.endswith(ending):
            return division_name.removesuffix(ending) + organisation
    return division_name + "妇联"


class Command(BaseCommand):
    """Create the organisation of every division in ``fixtures/division_tree_3505.json`` (made by
    ``scripts/make_division_tree.py``) that has none yet, keyed by the division code.

    An organisation already holding the code is left as it is (staff may have renamed or moved it,
    e.g. a township under a zone's working committee); one with the wanted name but no code gets the
    code. A village's name repeated elsewhere gets its township in brackets. Townships go under
    their county federation (``display_order`` 101–111 in the 2014 fixture). Seeding below the
    services, as ``loaddata`` does; needs the county federations (``load_campaign_2014``).
    """

    help = "Load Quanzhou's townships, streets, villages and communities (统计用区划代码) once."

    def handle(self, *args, **options) -> None:
        data = json.loads(FIXTURE.read_text(encoding="utf-8"))
        counties = {
            code: Organisation.objects.filter(name=name).first()
            for code, name in self._county_names().items()
        }
        with transaction.atomic():
            created = self._load(data["rows"], counties)
        self.stdout.write(
            _("Division tree %(version)s: %(count)d organisations created.")
            % {"version": data["version"], "count": created}
        )

    @staticmethod
    def _county_names() -> dict[str, str]:
        names = "鲤城区 丰泽区 洛江区 泉港区 惠安县 安溪县 永春县 德化县 石狮市 晋江市 南安市".split()
        codes = "350502 350503 350504 350505 350521 350524 350525 350526 350581 350582 350583".split()
        return {code: f"{name}妇联" for code, name in zip(codes, names, strict=True)}

    def _load(self, rows: list[dict], counties: dict) -> int:
        by_code = {o.division_code: o for o in Organisation.objects.exclude(division_code=None)}
        taken = set(Organisation.objects.values_list("name", flat=True))
        created = 0
        for row in rows:
            if row["code"] in by_code:
                continue
            parent = by_code.get(row["parent"]) if row["parent"] else counties.get(row["county"])
            if parent is None:
                continue
            name = organisation_name(row["name"])
            existing = Organisation.objects.filter(name=name, division_code=None, parent=parent).first()
            if existing is not None:
                existing.division_code = row["code"]
                existing.save(update_fields=["division_code"])
                by_code[row["code"]] = existing
                continue
            if name in taken:
                name = f"{name}（{parent.name.removesuffix('妇联')}）"
            if name in taken:
                name = f"{name}（{row['code']}）"
            kind = (
                Organisation.Kind.VILLAGE_ORGANISATION
                if row["parent"]
                else Organisation.Kind.TOWNSHIP_FEDERATION
            )
            organisation = Organisation(
                name=name, kind=kind, parent=parent, division_code=row["code"], display_order=1000
            )
            organisation.pinyin_key = pinyin_key_of(name)
            organisation.save()
            by_code[row["code"]] = organisation
            taken.add(name)
            created += 1
        return created
