"""``/healthz``: whether this installation works, for a monitor to poll.

No login and nothing personal: each check's name, whether it passed, the time it is about and
a sentence. 200 when every check passes, 503 otherwise. The database and the task worker are
checked here; an app adds a check of its own work with ``health_check_register`` (the nightly
work: ``upsell.reporting``).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from upsell.worker.selectors import worker_last_beat


@dataclass(frozen=True, kw_only=True)
class Check:
    name: str
    ok: bool
    at: dt.datetime | None
    detail: str

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "at": self.at.isoformat() if self.at else None,
            "detail": self.detail,
        }


def _database(now: dt.datetime) -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check(name="database", ok=False, at=now, detail=f"no answer: {type(error).__name__}")
    return Check(name="database", ok=True, at=now, detail="answers")


def _worker(now: dt.datetime) -> Check:
    try:
        beat = worker_last_beat(now=now)
    except DatabaseError:
        return Check(name="worker", ok=False, at=None, detail="the database does not answer")
    if beat is None:
        return Check(name="worker", ok=False, at=None, detail="no task worker is running")
    return Check(name="worker", ok=True, at=beat, detail="a task worker is running")


HealthCheck = Callable[[dt.datetime], Check]
_checks: dict[str, HealthCheck] = {}


def health_check_register(name: str, check: HealthCheck) -> None:
    """Have ``/healthz`` call ``check`` with the time of the request, as ``name``."""
    _checks[name] = check


def health_checks(*, now: dt.datetime) -> list[Check]:
    """Every check, the database first; a check that cannot read the database fails."""
    checks = [_database(now), _worker(now)]
    for name, check in _checks.items():
        try:
            checks.append(check(now))
        except DatabaseError:
            checks.append(
                Check(name=name, ok=False, at=None, detail="the database does not answer")
            )
    return checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    del request
    now = timezone.now()
    checks = health_checks(now=now)
    healthy = all(check.ok for check in checks)
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            "checked_at": now.isoformat(),
            "checks": {check.name: check.as_json() for check in checks},
        },
        status=200 if healthy else 503,
    )
