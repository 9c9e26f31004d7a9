"""Backups of the portal with PostgreSQL's own tools, and their restore.

A backup is a folder ``portal-YYYYMMDD-HHMMSS`` (UTC) holding ``database.dump`` (``pg_dump
--format=custom``: every table, sequence and constraint) and ``media.tar`` (every file that a row names, of the
default storage — the media folder or the S3 bucket — under its storage name). Restoring loads the
dump with ``pg_restore --clean`` (objects of the dump are dropped and recreated, in one
transaction) and writes the files back through the storage.
"""

import datetime
import os
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.base import CommandError

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar"


def _pg_connection() -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment that reach the default database with libpq tools.

    Raises ``CommandError`` unless the default database is PostgreSQL.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("Backups need PostgreSQL: set DATABASE_URL to a postgres:// address.")
    options = ["--dbname", database["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            options += [flag, str(database[key])]
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    return options, environment


def _pg_tool(program: str, *arguments: str) -> None:
    """Run the libpq tool ``program`` (``pg_dump``, ``pg_restore``) against the default database.

    Raises ``CommandError`` with the tool's message when it fails.
    """
    options, environment = _pg_connection()
    result = subprocess.run(
        [program, *options, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{program} failed: {result.stderr.strip()}")


def _storage_files(directory: str = "") -> Iterator[str]:
    """Every file name in the default storage below ``directory``, depth first."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for folder in sorted(folders):
        yield from _storage_files(f"{directory}/{folder}" if directory else folder)


def referenced_files() -> set[str]:
    """The names of every file that a row of the database names (every ``FileField`` of every
    model): backups copy these and skip orphans (a file whose upload never committed)."""
    from django.apps import apps
    from django.db.models import FileField

    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                names.update(n for n in model._default_manager.values_list(field.name, flat=True) if n)
    return names


def backup_create(*, output_dir: Path) -> Path:
    """Write a new backup folder under ``output_dir`` and return its path.

    Raises ``CommandError`` when the database is not PostgreSQL or ``pg_dump`` fails.
    """
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    target = Path(output_dir) / f"portal-{stamp}"
    target.mkdir(parents=True, exist_ok=False)
    target.chmod(0o700)
    _pg_tool("pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target / DUMP_NAME))
    wanted = referenced_files()
    with tarfile.open(target / MEDIA_NAME, "w") as archive:
        for name in _storage_files():
            if name not in wanted:
                continue  # an orphan: no row of the dump names it
            with default_storage.open(name, "rb") as stored:
                info = tarfile.TarInfo(name)
                info.size = default_storage.size(name)
                info.mode = 0o640
                archive.addfile(info, stored)
    return target


def backup_restore(*, backup_dir: Path) -> None:
    """Replace the database's content and put back the media files from the backup in ``backup_dir``.

    Tables in the dump are dropped and recreated; files of the backup overwrite files of the same
    name; files uploaded after the backup are left where they are. Raises ``CommandError`` when a
    part of the backup is missing or ``pg_restore`` fails (the database is then unchanged).
    """
    backup_dir = Path(backup_dir)
    for part in (DUMP_NAME, MEDIA_NAME):
        if not (backup_dir / part).is_file():
            raise CommandError(f"{backup_dir / part} is missing: not a backup folder.")
    _pg_tool(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-acl",
        "--single-transaction",
        "--exit-on-error",
        str(backup_dir / DUMP_NAME),
    )
    with tarfile.open(backup_dir / MEDIA_NAME) as archive:
        for member in archive.getmembers():
            if not member.isfile() or member.name.startswith("/") or ".." in member.name.split("/"):
                continue
            if default_storage.exists(member.name):
                default_storage.delete(member.name)
            saved = default_storage.save(member.name, File(archive.extractfile(member), name=member.name))
            if saved != member.name:
                raise CommandError(f"Media file {member.name} was stored as {saved}.")
