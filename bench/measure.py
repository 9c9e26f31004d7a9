"""Django on a scratch database, and the seconds, queries and peak memory of a step, for the
import benchmarks. Nothing here is a timed test: see docs/benchmarks.md.
"""

import os
import resource
import tempfile
import time

from django.db import connection, transaction


def scratch_django() -> None:
    """Set Django up for a benchmark script: debug on, a throw-away SQLite file (and media folder)
    in a new temporary folder unless ``DATABASE_URL`` is set. Call before importing models."""
    import django

    os.environ.setdefault("DJANGO_DEBUG", "1")
    scratch = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", f"{scratch}/media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "quanzhou_women.settings"
    django.setup()


class QueryCount:
    """Counts the queries run inside ``with connection.execute_wrapper(counter)``."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Rollback(Exception):
    """Raised to roll a measured write back."""


def timed(function) -> tuple[float, int, object]:
    """(seconds of wall clock, queries, result) of ``function()``."""
    counter = QueryCount()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
    return seconds, counter.count, result


def rolled_back(function):
    """``function()`` in a transaction that is rolled back (so that each measure starts alike)."""

    def run():
        try:
            with transaction.atomic():
                function()
                raise Rollback
        except Rollback:
            pass

    return run


def peak_mb() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
