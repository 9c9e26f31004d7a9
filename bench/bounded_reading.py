"""Benchmark: how long and how much memory the refusal of a hostile or huge .xlsx costs.

Run: ``DJANGO_DEBUG=1 .venv/bin/python bench/bounded_reading.py [--before COMMIT]``. The files are
built first; each case runs in a fresh child process, which notes its resident memory, reads the file with the
reader every import preview starts with (``spreadsheets.read_sheets``; ``read_rows`` before it) and
prints the seconds, the peak of the memory allocated while reading (``tracemalloc``) and the
growth of the peak resident memory of the process (``ru_maxrss``) while reading. ``--before COMMIT``
runs the same cases with ``quanzhou_women/lib/spreadsheets.py`` as it was at that commit.

Cases: a decompression bomb (one sheet padded with 45 MB of spaces: a few dozen KB packed), the
same bomb at 57 MB (the size of the one in issue 11), 100,000 rows of formatted empty cells
below a two-row table (19 MB of XML, 1.8 MB packed), a flat 四定 table of 100,000 rows (written
without ``<dimension>``, the worst case) and an accepted one of 1,999 rows (the limit).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ["bomb_45mb", "bomb_57mb", "phantom_100000", "rows_100000", "rows_1999"]


def build(case: str) -> bytes:
    from tests.spreadsheet_files import FLAT_HEADERS, flat_row, raw_xlsx

    if case.startswith("bomb"):
        return raw_xlsx([FLAT_HEADERS, flat_row()], padding=int(case[5:-2]) * 1024 * 1024)
    count = int(case.split("_")[1])
    if case.startswith("phantom"):  # formatted empty cells below a short table
        return raw_xlsx([FLAT_HEADERS, flat_row()] + [[""] * 9] * count)
    return raw_xlsx([FLAT_HEADERS] + [flat_row(target=f"培育示范点{n}个") for n in range(count)])


def child(case: str, path: str, before: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "quanzhou_women.settings"
    import django

    django.setup()
    from django.utils import translation

    translation.activate("zh-hans")
    from quanzhou_women.lib import importing, spreadsheets

    if before:
        source = subprocess.run(
            ["git", "show", f"{before}:quanzhou_women/lib/spreadsheets.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        old = types.ModuleType("spreadsheets_before")
        sys.modules["spreadsheets_before"] = old
        exec(compile(source, "spreadsheets_before", "exec"), old.__dict__)
        importing.spreadsheets = old
        spreadsheets = old
    data = Path(path).read_bytes()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # the reading of the file: every sheet now, the first sheet before ``read_sheets`` existed
    read = getattr(spreadsheets, "read_sheets", spreadsheets.read_rows)

    def attempt() -> str:
        try:
            found = read(data)
            rows = found[0].rows if found and hasattr(found[0], "rows") else found
            return f"read {len(rows)} rows"
        except spreadsheets.SpreadsheetError as error:
            return f"refused: {error}"

    start = time.perf_counter()
    outcome = attempt()  # timed without tracing, which slows Python down threefold
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before
    tracemalloc.start()
    attempt()
    grown = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "case": case,
                "kb": round(len(data) / 1024),
                "s": round(seconds, 3),
                "mb": round(grown, 1),
                "rss": round(rss),
                "outcome": outcome,
            },
            ensure_ascii=False,
        )
    )


def main() -> None:
    before = None
    if "--before" in sys.argv:
        before = sys.argv[sys.argv.index("--before") + 1]
    sys.path.insert(0, str(ROOT))
    scratch = Path(tempfile.mkdtemp())
    for case in CASES:
        path = scratch / f"{case}.xlsx"
        path.write_bytes(build(case))
        times = []
        for _run in range(3):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    case,
                    str(path),
                    *(["--before", before] if before else []),
                ],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if out.returncode:
                raise SystemExit(out.stderr[-2000:])
            times.append(json.loads(out.stdout.strip().splitlines()[-1]))
        median = sorted(times, key=lambda t: t["s"])[1]
        peak = max(t["mb"] for t in times)
        rss = max(t["rss"] for t in times)
        print(
            f"{case:12} {median['kb']:>6} KB  {median['s']:7.3f} s (median of 3)  {peak:6.1f} MB allocated  {rss:4} MB more process peak  {median['outcome'][:60]}"
        )


if __name__ == "__main__":
    if "--child" in sys.argv:
        case = sys.argv[sys.argv.index("--child") + 1]
        child(
            case,
            sys.argv[sys.argv.index("--child") + 2],
            sys.argv[sys.argv.index("--before") + 1] if "--before" in sys.argv else None,
        )
    else:
        main()
