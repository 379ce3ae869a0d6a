"""``upsell backup`` and ``upsell restore``: an installation put back into an empty folder from
its archive is the same installation, down to who was logged in and the files it handed out."""

import io
import json
import sqlite3
import tarfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from upsell.core.tests.installation import Browser, installation_env, served, upsell

PASSWORD = "correct-horse-battery"
# One good product and two rejected rows.
PRODUCTS = "Артикул;Номенклатура\r\nA-1;Болт\r\nA-1;Болт-дубль\r\n;Гайка\r\n".encode()
REJECTED = (
    "\ufeffАртикул;Номенклатура;row;reason\r\n"
    "A-1;Болт-дубль;3;Артикул: repeats row 2\r\n"
    ";Гайка;4;Артикул: a value is required\r\n"
).encode()


def _installation_with_a_past_import(env: dict[str, str], log: Path) -> tuple[dict[str, str], str]:
    """Adam logged in over HTTP and imported a file keeping its valid rows, which the worker
    ran; his browser's cookies and the address of the rejected rows."""
    upsell(env, "migrate", "--no-input", "-v", "0")
    upsell(
        {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        "createsuperuser",
        "--no-input",
        "--username",
        "adam",
        "--email",
        "adam@example.ru",
    )
    with served(env, log) as port:
        browser = Browser(port)
        browser.request("GET", "/login/")
        logged_in, _, _ = browser.request(
            "POST", "/login/", fields={"username": "adam", "password": PASSWORD}
        )
        uploaded, headers, _ = browser.request(
            "POST",
            "/imports/",
            fields={"keep_valid_rows": "on"},
            files={"file": ("products.csv", PRODUCTS)},
        )
        upsell(env, "db_worker", "--batch", "--no-startup-delay")
        rejected_rows = f"{headers['location']}rejected/"
        status, _, rejected = browser.request("GET", rejected_rows)
    assert logged_in == 302
    assert uploaded == 302
    assert (status, rejected) == (200, REJECTED)
    return browser.cookies, rejected_rows


def test_a_restored_installation_keeps_its_sessions_and_the_files_of_past_imports(
    tmp_path: Path,
) -> None:
    source = installation_env(tmp_path / "source", LANGUAGE_CODE="en")
    cookies, rejected_rows = _installation_with_a_past_import(source, tmp_path / "source.log")
    (tmp_path / "backups").mkdir()

    backed_up = upsell(source, "backup", f"{tmp_path / 'backups'}/")
    [archive] = (tmp_path / "backups").iterdir()
    target = installation_env(tmp_path / "target", LANGUAGE_CODE="en")
    restored = upsell(target, "restore", str(archive))

    with served(target, tmp_path / "target.log") as port:
        same_browser = Browser(port, cookies)
        imports_status, _, imports_page = same_browser.request("GET", "/imports/")
        rejected_status, _, rejected = same_browser.request("GET", rejected_rows)
        stranger_status, stranger_headers, _ = Browser(port).request("GET", rejected_rows)

    assert backed_up.stdout == (
        f"Backed up the sqlite database, 2 uploaded file(s) and the secret key to {archive}\n"
    )
    assert archive.name.startswith("upsell-")
    assert archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as opened:
        names = sorted(opened.getnames())
        manifest = json.load(opened.extractfile("manifest.json"))  # type: ignore[arg-type]
    [stored, rejected_file] = [name for name in names if name.startswith("media/")]
    assert names == ["database.sqlite3", "manifest.json", stored, rejected_file, "secret_key"]
    assert stored.endswith("/products.csv")
    assert rejected_file.endswith("/products.rejected.csv")
    assert manifest["format"] == 1
    assert manifest["database"] == {"engine": "sqlite", "file": "database.sqlite3"}
    assert manifest["media_files"] == 2
    assert manifest["secret_key"] is True
    assert manifest["migrations"]["imports"].startswith("00")
    assert restored.stdout == (
        "Restored the sqlite database, 2 uploaded file(s) and the secret key as they were at "
        f"{manifest['taken_at']}.\n"
    )
    assert restored.stderr == ""
    # The same session cookie is still logged in, and the past import still hands out its
    # rejected rows; without the cookie the login page is asked for.
    assert imports_status == 200
    assert b"products.csv" in imports_page
    assert (rejected_status, rejected) == (200, REJECTED)
    assert stranger_status == 302
    assert stranger_headers["location"].startswith("/login/")
    assert (tmp_path / "target" / "secret_key").read_bytes() == (
        tmp_path / "source" / "secret_key"
    ).read_bytes()


def test_restore_refuses_an_installation_that_holds_data_unless_forced(tmp_path: Path) -> None:
    source = installation_env(tmp_path / "source", LANGUAGE_CODE="en")
    upsell(source, "migrate", "--no-input", "-v", "0")
    upsell(source, "backup", str(tmp_path / "first.tar.gz"))
    upsell(
        {**source, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        "createsuperuser",
        "--no-input",
        "--username",
        "adam",
        "--email",
        "adam@example.ru",
    )
    users = [
        "shell",
        "--no-imports",
        "-c",
        "from upsell.accounts.models import User; print(User.objects.count())",
    ]

    refused = upsell(source, "restore", str(tmp_path / "first.tar.gz"), check=False)
    users_after_refusal = upsell(source, *users).stdout
    forced = upsell(source, "restore", "--force", str(tmp_path / "first.tar.gz"))
    users_after_force = upsell(source, *users).stdout

    assert refused.returncode == 1
    assert refused.stderr == (
        "CommandError: This installation is not empty: its database "
        f"({tmp_path / 'source' / 'upsell.sqlite3'}) has tables. Restore into an empty one, "
        "or add --force to replace what it holds.\n"
    )
    assert users_after_refusal == "1\n"
    assert forced.returncode == 0
    assert users_after_force == "0\n"


def _archive_with(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            member = tarfile.TarInfo(name)
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))


MANIFEST = json.dumps(
    {
        "format": 1,
        "taken_at": "2026-12-06T01:30:00+00:00",
        "database": {"engine": "sqlite", "file": "database.sqlite3"},
        "migrations": {},
        "media_files": 1,
        "secret_key": True,
    }
).encode()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (None, "cannot be read as a backup"),
        ({"database.sqlite3": b""}, "is not an Upsell backup: it has no manifest.json."),
        (
            {"manifest.json": MANIFEST, "database.sqlite3": b"", "secret_key": b"k"},
            "is incomplete: it holds 0 uploaded files of 1.",
        ),
        (
            {"manifest.json": MANIFEST, "database.sqlite3": b"", "media/a.csv": b"a"},
            "is incomplete: it lacks secret_key.",
        ),
        (
            {
                "manifest.json": MANIFEST,
                "database.sqlite3": b"",
                "secret_key": b"k",
                "media/../../secret_key": b"stolen",
            },
            "'media/../../secret_key' is not something a backup holds.",
        ),
    ],
)
def test_restore_of_a_file_that_is_no_whole_backup_changes_nothing(
    tmp_path: Path, members: dict[str, bytes] | None, message: str
) -> None:
    path = tmp_path / "backup.tar.gz"
    if members is None:
        path.write_bytes(b"not an archive")
    else:
        _archive_with(path, members)
    target = installation_env(tmp_path / "target", LANGUAGE_CODE="en")

    refused = upsell(target, "restore", str(path), check=False)

    assert refused.returncode == 1
    assert refused.stderr.startswith(f"CommandError: {path}")
    assert message in refused.stderr
    assert not (tmp_path / "target" / "media").exists()
    assert not (tmp_path / "secret_key").exists()
    assert (tmp_path / "target" / "secret_key").read_bytes() != b"k"
    database = tmp_path / "target" / "upsell.sqlite3"
    if database.exists():
        with closing(sqlite3.connect(database)) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
        assert tables == []


@pytest.fixture
def postgres_databases(settings: Any) -> Iterator[tuple[str, str]]:
    """Two empty PostgreSQL databases on the test run's server, as DATABASE_URLs; only when
    the suite runs on PostgreSQL."""
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        pytest.skip("runs with the PostgreSQL suite (DATABASE_URL=postgres://…)")
    server = psycopg.conninfo.make_conninfo(
        host=database["HOST"] or "",
        port=str(database["PORT"] or ""),
        user=database["USER"] or "",
        password=database["PASSWORD"] or "",
        dbname="postgres",
    )
    names = [f"{database['NAME']}_backup_{role}"[:63] for role in ("source", "target")]
    with psycopg.connect(server, autocommit=True) as admin:
        for name in names:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
    yield (
        f"postgres://{credentials}@{host}/{names[0]}",
        f"postgres://{credentials}@{host}/{names[1]}",
    )
    with psycopg.connect(server, autocommit=True) as admin:
        for name in names:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_a_postgresql_installation_is_backed_up_with_pg_dump_and_restored_with_pg_restore(
    tmp_path: Path, postgres_databases: tuple[str, str]
) -> None:
    source_url, target_url = postgres_databases
    source = installation_env(tmp_path / "source", LANGUAGE_CODE="en", DATABASE_URL=source_url)
    target = installation_env(tmp_path / "target", LANGUAGE_CODE="en", DATABASE_URL=target_url)
    cookies, rejected_rows = _installation_with_a_past_import(source, tmp_path / "source.log")

    _archive_with(
        tmp_path / "sqlite.tar.gz",
        {"manifest.json": MANIFEST, "database.sqlite3": b"", "secret_key": b"k", "media/a": b""},
    )
    other_engine = upsell(target, "restore", str(tmp_path / "sqlite.tar.gz"), check=False)
    without_pg_dump = upsell(
        {**source, "PATH": str(tmp_path)}, "backup", f"{tmp_path}/", check=False
    )
    backed_up = upsell(source, "backup", str(tmp_path / "upsell.tar.gz"))
    restored = upsell(target, "restore", str(tmp_path / "upsell.tar.gz"))

    with served(target, tmp_path / "target.log") as port:
        imports_status, _, _ = Browser(port, cookies).request("GET", "/imports/")
        rejected_status, _, rejected = Browser(port, cookies).request("GET", rejected_rows)

    assert other_engine.stderr == (
        f"CommandError: {tmp_path / 'sqlite.tar.gz'} holds a sqlite database and this "
        "installation's DATABASE_URL is postgresql: restore it into the same kind.\n"
    )
    assert without_pg_dump.returncode == 1
    assert without_pg_dump.stderr == (
        "CommandError: pg_dump is not on PATH: install PostgreSQL's client programs (Debian: "
        "apt-get install postgresql-client) of the server's major version or newer.\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.endswith(".tar.gz")) == [
        "sqlite.tar.gz",
        "upsell.tar.gz",
    ]
    assert backed_up.stdout.startswith("Backed up the postgresql database, 2 uploaded file(s)")
    with tarfile.open(tmp_path / "upsell.tar.gz") as opened:
        assert "database.dump" in opened.getnames()
    assert restored.stdout.startswith("Restored the postgresql database, 2 uploaded file(s)")
    assert imports_status == 200
    assert (rejected_status, rejected) == (200, REJECTED)
