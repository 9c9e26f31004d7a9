"""Each benchmark writes its own section of ``docs/benchmarks.md``, between its two markers."""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path


def write_section(path: Path, section: str, *, name: str) -> None:
    """Replace the section ``name`` of ``path`` (between ``<!-- name:start -->`` and
    ``<!-- name:end -->``), keeping every other section; append it when the file has none."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{section.rstrip()}\n{end}\n"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :].lstrip("\n")
    else:
        text = text.rstrip() + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def scale_arguments(description: str, *, runs: int, out: Path) -> argparse.Namespace:
    """The command line of a benchmark that compares the seed and the province scale: ``--seed-db``
    and ``--province-db`` (database URLs), ``--runs`` (repetitions, default ``runs``), ``--out``
    (the benchmarks file, default ``out``) and the hidden ``--child`` (the URL a child process
    measures)."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed-db", required=False)
    parser.add_argument("--province-db", required=False)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--out", default=str(out))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser.parse_args()


def run_children(script: str, args: argparse.Namespace, **environment: str) -> list[dict]:
    """Run ``script --child LABEL`` once per scale (seed, then province) against that scale's
    database with the production settings (debug off) and ``environment``; return each child's
    result, the JSON of its last output line."""
    results = []
    for label, url in (("seed", args.seed_db), ("province", args.province_db)):
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "benchmark-only-not-secret",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            **environment,
        }
        completed = subprocess.run(
            [sys.executable, script, "--child", label, "--runs", str(args.runs)],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
        print(label, json.dumps(results[-1], ensure_ascii=False), file=sys.stderr)
    return results
