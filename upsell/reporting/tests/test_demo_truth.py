"""The audit recognises the demo company's clients as the generator made them.

The demo company comes in through the real import, the audit runs as it does in production,
and every client's status is compared with the behaviour the generator recorded in truth.csv.
"""

import csv
import datetime as dt
from collections import Counter

import pytest

from upsell.clients.models import Client
from upsell.demo.company import generate
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_paths
from upsell.reporting.models import RunStatus
from upsell.reporting.services import audit_run_create, audit_run_execute

TODAY = dt.date(2026, 6, 30)
# The status each behaviour must get under the default rules.
EXPECTED_STATUS = {
    "steady": "regular",
    "seasonal": "regular",
    "growing": "regular",
    "stagnating": "regular",
    "budgeting": "regular",
    "irregular": "irregular",
    "one_time": "one_time",
    "new": "new",
    "lost": "lost",
    "reanimated": "reanimated",
    "vip": "vip",
    "partner": "partner",
}


@pytest.mark.django_db(transaction=True)
def test_statuses_agree_with_the_demo_truth(tmp_path):
    demo = generate(tmp_path, seed=7, today=TODAY)
    outcomes = import_paths(paths=list(demo.files.in_import_order()))
    assert [outcome.run.status for _, outcome in outcomes] == [ImportStatus.SUCCEEDED] * 6

    run = audit_run_execute(
        run=audit_run_create(as_of=TODAY, engine="duckdb", started_by=None, enqueue=False)
    )

    assert (run.status, run.clients) == (RunStatus.SUCCEEDED, 2000)
    with demo.files.truth.open(encoding="utf-8") as file:
        truth = {row["tax_id"]: row["behaviour"] for row in csv.DictReader(file)}
    status = dict(Client.objects.values_list("tax_id", "status"))
    confusion = Counter((behaviour, status[tax_id]) for tax_id, behaviour in truth.items())
    statuses = sorted({computed for _, computed in confusion})
    print(f"\n{'behaviour':<12}" + "".join(f"{s or '—':>11}" for s in statuses))
    for behaviour in EXPECTED_STATUS:
        counts = "".join(f"{confusion[(behaviour, s)] or '·':>11}" for s in statuses)
        print(f"{behaviour:<12}{counts}")
    agreeing = sum(n for (b, s), n in confusion.items() if EXPECTED_STATUS[b] == s)
    print(f"agreement {agreeing} of {len(truth)} = {agreeing / len(truth):.2%}")
    assert len(truth) == 2000
    assert agreeing / len(truth) >= 0.95
