"""The service files in deploy/ run commands that exist, with arguments they accept, and name
settings the application reads: what can be checked of them without systemd or Docker."""

import importlib
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import ManagementUtility, get_commands

import upsell.config.gunicorn

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS_SOURCES = "\n".join(
    (ROOT / "upsell" / "config" / name).read_text()
    for name in ("settings.py", "env.py", "gunicorn.py")
)
# Read by the PostgreSQL image, not by Upsell.
POSTGRES_IMAGE_SETTINGS = {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}


def _unit(name: str) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit's sections, each a list of its (key, value) lines in order."""
    sections: dict[str, list[tuple[str, str]]] = {}
    section = ""
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            sections[section] = []
            continue
        key, value = line.split("=", 1)
        sections[section].append((key, value))
    return sections


def _values(section: list[tuple[str, str]], key: str) -> list[str]:
    return [value for line_key, value in section if line_key == key]


def _check_upsell_command(argv: list[str]) -> None:
    """``argv`` is an ``upsell`` command whose subcommand exists and takes these arguments."""
    assert Path(argv[0]).name == "upsell", argv
    subcommand, *arguments = argv[1:]
    assert subcommand in get_commands(), f"no such command: upsell {subcommand}"
    command = ManagementUtility(["upsell"]).fetch_command(subcommand)
    command.create_parser("upsell", subcommand).parse_args(arguments)


@pytest.fixture(autouse=True)
def production_task_backend(settings: Any) -> None:
    # The worker's command takes the database backend of the production settings; tests run
    # tasks at once instead.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


UNITS = {
    "upsell-migrate.service": [
        "/opt/upsell/venv/bin/upsell migrate --no-input",
        "/opt/upsell/venv/bin/upsell collectstatic --no-input -v 0",
        "/opt/upsell/venv/bin/upsell nightly --schedule",
    ],
    "upsell-web.service": ["/opt/upsell/venv/bin/upsell serve"],
    "upsell-worker.service": ["/opt/upsell/venv/bin/upsell db_worker"],
    "upsell-backup.service": ["/opt/upsell/venv/bin/upsell backup /var/backups/upsell/"],
}


@pytest.mark.parametrize(("unit", "commands"), UNITS.items())
def test_each_unit_runs_upsell_commands_that_exist(
    unit: str, commands: list[str], db: None
) -> None:
    service = _unit(unit)["Service"]

    assert _values(service, "ExecStart") == commands
    for command in commands:
        _check_upsell_command(shlex.split(command))
    assert _values(service, "User") == ["upsell"]
    assert _values(service, "EnvironmentFile") == ["/etc/upsell/upsell.env"]


def test_the_web_server_and_the_worker_start_after_the_migration() -> None:
    for unit in ("upsell-web.service", "upsell-worker.service"):
        section = _unit(unit)["Unit"]
        assert _values(section, "Requires") == ["upsell-migrate.service"]
        assert _values(section, "After") == ["upsell-migrate.service"]
    assert _values(_unit("upsell-backup.timer")["Timer"], "OnCalendar") == ["*-*-* 01:30"]


def test_the_example_environment_file_sets_only_settings_the_application_reads() -> None:
    names = [
        line.split("=", 1)[0]
        for line in (DEPLOY / "upsell.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]

    assert "DATABASE_URL" in names
    for name in names:
        assert f'"{name}"' in SETTINGS_SOURCES, f"{name} is not a setting"


def test_compose_runs_postgresql_the_migration_the_web_server_and_the_worker(db: None) -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]

    assert set(services) == {"db", "migrate", "web", "worker"}
    assert services["db"]["image"] == "postgres:17"
    assert services["web"]["command"] == ["upsell", "serve"]
    assert services["worker"]["command"] == ["upsell", "db_worker"]
    shell, option, script = services["migrate"]["command"]
    assert (shell, option) == ("sh", "-c")
    assert script.split(" && ") == [
        "upsell migrate --no-input",
        "upsell collectstatic --no-input -v 0",
        "upsell nightly --schedule",
    ]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    for command in ["upsell serve", "upsell db_worker", *script.split(" && ")]:
        _check_upsell_command(shlex.split(command))
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
        # An uploaded import waits in the data folder for the worker: they share it.
        assert services[name]["volumes"] == ["upsell-data:/var/lib/upsell"]
        for setting in services[name]["environment"]:
            assert f'"{setting}"' in SETTINGS_SOURCES, f"{setting} is not a setting"
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    for setting in services["db"]["environment"]:
        assert setting in POSTGRES_IMAGE_SETTINGS


def test_the_image_compose_builds_copies_files_that_exist_and_serves_by_default() -> None:
    build = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["x-upsell"]["build"]
    dockerfile = DEPLOY / build["context"] / build["dockerfile"]
    instructions = dockerfile.read_text()

    assert dockerfile.resolve() == DEPLOY / "Dockerfile"
    copies = [line.split()[1:] for line in instructions.splitlines() if line.startswith("COPY ")]
    assert copies == [
        ["requirements-runtime.lock", "./"],
        ["pyproject.toml", "README.md", "./"],
        ["upsell", "./upsell"],
    ]
    for *sources, _destination in copies:
        for source in sources:
            assert (DEPLOY / build["context"] / source).exists(), source
    assert "-r requirements-runtime.lock" in instructions
    assert 'CMD ["upsell", "serve"]' in instructions
    assert "UPSELL_BIND=0.0.0.0:8000" in instructions


def test_gunicorn_listens_where_the_environment_says_with_as_many_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UPSELL_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("UPSELL_WEB_WORKERS", "3")
    configured = importlib.reload(upsell.config.gunicorn)

    assert configured.bind == ["0.0.0.0:9000"]
    assert configured.workers == 3
    assert configured.accesslog == "-"

    monkeypatch.delenv("UPSELL_BIND")
    monkeypatch.delenv("UPSELL_WEB_WORKERS")
    configured = importlib.reload(upsell.config.gunicorn)

    assert configured.bind == ["127.0.0.1:8000"]
    assert 1 <= configured.workers <= 8
