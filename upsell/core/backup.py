"""One archive holds an installation: its database, the files uploaded to it and its secret key.

``upsell backup DEST`` writes ``upsell-<UTC time>.tar.gz`` (or the file DEST names) with:

- ``manifest.json``: the archive's format, when it was taken, the database engine, the last
  migration applied of each app, and how many uploaded files it holds;
- ``database.sqlite3`` (SQLite, copied through SQLite's backup API, consistent while the web
  server and the worker write) or ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``media/``: the uploaded files (imports waiting for the worker, their rejected rows);
- ``secret_key``: the key sessions, password-reset links and signed values are checked with,
  so that whoever was logged in stays logged in after a restore.

The archive is written beside DEST under a temporary name and renamed when complete: a backup
that fails leaves nothing that looks like a backup. ``upsell restore SRC`` checks the whole
archive before it changes anything, and refuses a target that already holds data unless told
``--force``.
"""

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name)
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    engine: str
    media_files: int
    secret_key: bool


@dataclass(frozen=True)
class RestoreSummary:
    engine: str
    media_files: int
    secret_key: bool
    taken_at: str
    # Migrations the installed code has that the restored database has not applied yet.
    pending_migrations: int


def _engine() -> str:
    vendor = connections["default"].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backing up a {vendor} database is not supported.")
    return vendor


def _version() -> str:
    try:
        return version("upsell")
    except PackageNotFoundError:
        return "unknown"


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _secret_key_path() -> Path:
    return Path(settings.DATA_DIR) / SECRET_KEY_FILE


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _applied_migrations() -> dict[str, str]:
    """The last migration applied of each app, by name."""
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connections["default"]).applied_migrations():
        if name > last.get(app, ""):
            last[app] = name
    return dict(sorted(last.items()))


def _postgres_env() -> dict[str, str]:
    """libpq's variables for the default database, so no password shows in a process list."""
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", database.get("HOST")),
        ("PGPORT", database.get("PORT")),
        ("PGUSER", database.get("USER")),
        ("PGPASSWORD", database.get("PASSWORD")),
        ("PGDATABASE", database.get("NAME")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client programs "
            f"(Debian: apt-get install postgresql-client) of the server's major version or newer."
        )
    return path


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(  # noqa: S603
        argv, env=_postgres_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.stdout.strip()}")


def _database_copy(engine: str, target: Path) -> None:
    if engine == "sqlite":
        # SQLite's backup API copies a consistent state page by page, WAL included, while the
        # web server and the worker go on writing; copying the file would not.
        with (
            closing(sqlite3.connect(settings.DATABASES["default"]["NAME"])) as live,
            closing(sqlite3.connect(target)) as copy,
        ):
            live.backup(copy)
    else:
        _run(
            [
                _postgres_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
            ],
            "pg_dump",
        )


def _archive_path(destination: Path, now: dt.datetime) -> Path:
    if destination.is_dir() or str(destination).endswith(os.sep):
        return destination / f"upsell-{now:%Y%m%d-%H%M%S}.tar.gz"
    return destination


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes, mode: int = 0o644) -> None:
    member = tarfile.TarInfo(name)
    member.size = len(content)
    member.mode = mode
    member.mtime = int(timezone.now().timestamp())
    archive.addfile(member, io.BytesIO(content))


def backup_create(*, destination: Path) -> BackupSummary:
    """Write the installation's archive to ``destination`` (a file, or a folder to put
    ``upsell-<time>.tar.gz`` in)."""
    engine = _engine()
    now = timezone.now().astimezone(dt.UTC)
    path = _archive_path(destination, now)
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder.")
    if path.exists():
        raise BackupError(f"{path} exists already; a backup never overwrites one.")
    media_root = _media_root()
    media = _media_files(media_root)
    secret_key = _secret_key_path()
    has_secret_key = secret_key.is_file()
    manifest = {
        "format": ARCHIVE_FORMAT,
        "upsell": _version(),
        "taken_at": now.isoformat(),
        "database": {"engine": engine, "file": DATABASE_FILES[engine]},
        "migrations": _applied_migrations(),
        "media_files": len(media),
        "secret_key": has_secret_key,
    }
    with tempfile.TemporaryDirectory(prefix=".upsell-backup-", dir=path.parent) as work:
        database = Path(work) / DATABASE_FILES[engine]
        _database_copy(engine, database)
        partial = Path(work) / path.name
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            if has_secret_key:
                _add_bytes(archive, SECRET_KEY_FILE, secret_key.read_bytes(), mode=0o600)
            archive.add(database, arcname=DATABASE_FILES[engine])
            for file in media:
                archive.add(file, arcname=f"{MEDIA}/{file.relative_to(media_root).as_posix()}")
        partial.chmod(0o600)
        partial.replace(path)
    return BackupSummary(
        path=path, engine=engine, media_files=len(media), secret_key=has_secret_key
    )


def _manifest(archive: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        content = archive.extractfile(member)
        if content is None:
            raise KeyError(MANIFEST)
        manifest: dict[str, Any] = json.loads(content.read())
    except (KeyError, ValueError):
        raise BackupError(f"{source} is not an Upsell backup: it has no {MANIFEST}.") from None
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(
            f"{source} is a backup of format {manifest.get('format')!r}; "
            f"this version restores format {ARCHIVE_FORMAT}."
        )
    return manifest


def _check_members(archive: tarfile.TarFile, manifest: dict[str, Any], source: Path) -> None:
    """Every member is a plain file or folder where a backup puts one, and nothing is missing."""
    database_file = manifest["database"]["file"]
    expected = {MANIFEST, database_file} | ({SECRET_KEY_FILE} if manifest["secret_key"] else set())
    names = set()
    media = 0
    for member in archive.getmembers():
        name = PurePosixPath(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"{source}: {member.name!r} is not something a backup holds.")
        if name.parts[0] == MEDIA:
            media += member.isfile()
        elif member.name not in expected:
            raise BackupError(f"{source}: {member.name!r} is not something a backup holds.")
        names.add(member.name)
    missing = sorted(expected - names)
    if missing:
        raise BackupError(f"{source} is incomplete: it lacks {', '.join(missing)}.")
    if media != manifest["media_files"]:
        raise BackupError(
            f"{source} is incomplete: it holds {media} uploaded files of {manifest['media_files']}."
        )


def target_holds_data() -> list[str]:
    """What the target installation already holds, in words; empty when there is nothing."""
    held = []
    if connections["default"].introspection.table_names():
        held.append(f"its database ({settings.DATABASES['default']['NAME']}) has tables")
    if _media_files(_media_root()):
        held.append(f"{_media_root()} has files")
    return held


def _pending_migrations() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@contextmanager
def _opened(source: Path) -> Iterator[tarfile.TarFile]:
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    try:
        with tarfile.open(source, "r:*") as archive:
            yield archive
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{source} cannot be read as a backup: {error}") from None


def _database_restore(engine: str, copy: Path) -> None:
    connections["default"].close()
    if engine == "sqlite":
        with (
            closing(sqlite3.connect(copy)) as backup,
            closing(sqlite3.connect(settings.DATABASES["default"]["NAME"])) as live,
        ):
            backup.backup(live)
    else:
        _run(
            [
                _postgres_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={settings.DATABASES['default']['NAME']}",
                str(copy),
            ],
            "pg_restore",
        )


def backup_restore(*, source: Path, force: bool = False) -> RestoreSummary:
    """Put the archive ``source`` back into this installation: its database, uploaded files
    and secret key. Refuses an installation that holds data unless ``force``."""
    engine = _engine()
    with _opened(source) as archive:
        manifest = _manifest(archive, source)
        _check_members(archive, manifest, source)
        if manifest["database"]["engine"] != engine:
            raise BackupError(
                f"{source} holds a {manifest['database']['engine']} database and this "
                f"installation's DATABASE_URL is {engine}: restore it into the same kind."
            )
        held = target_holds_data()
        if held and not force:
            raise BackupError(
                "This installation is not empty: "
                + "; ".join(held)
                + ". Restore into an empty one, or add --force to replace what it holds."
            )
        data_dir = Path(settings.DATA_DIR)
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".upsell-restore-", dir=data_dir) as work:
            archive.extractall(work, filter="data")
            unpacked = Path(work)
            _database_restore(engine, unpacked / manifest["database"]["file"])
            media_root = _media_root()
            if media_root.exists():
                shutil.rmtree(media_root)
            if (unpacked / MEDIA).is_dir():
                media_root.parent.mkdir(parents=True, exist_ok=True)
                (unpacked / MEDIA).replace(media_root)
            if manifest["secret_key"]:
                key = unpacked / SECRET_KEY_FILE
                key.chmod(0o600)
                key.replace(_secret_key_path())
    return RestoreSummary(
        engine=engine,
        media_files=manifest["media_files"],
        secret_key=manifest["secret_key"],
        taken_at=manifest["taken_at"],
        pending_migrations=_pending_migrations(),
    )
