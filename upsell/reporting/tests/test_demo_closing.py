"""The demo company's closing, loaded from its forecast, and the coaching effect the generator
planted found again by the nightly measure.

The demo comes in through the real import, the audit gives the clients their statuses, the
forecast is replayed for the last months as ``make demo`` does, then ``upsell closing_load``
writes the deals, objections, meetings and the one coaching period; the coaching measure as of
the demo's today must find the planted win-rate effect within its interval.
"""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from upsell.deals.models import (
    Activity,
    CoachingEffect,
    CoachingPeriod,
    Deal,
    DealStage,
    Objection,
)
from upsell.demo.closing import PLANTED_WIN_POINTS
from upsell.demo.company import generate
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_paths
from upsell.reporting.coaching import coaching_measure
from upsell.reporting.services import audit_run_create, audit_run_execute

TODAY = dt.date(2026, 6, 30)
# The seeded run's estimate and its bootstrap interval, the same on either database.
EFFECT = (10.648, 0.324, 20.126)


@pytest.mark.django_db(transaction=True)
def test_the_planted_coaching_effect_is_found_within_its_interval(tmp_path, settings):
    # Given the demo company and its forecast, brought in as `make demo` does
    demo = generate(tmp_path, clients=1000, seed=7, today=TODAY)
    outcomes = import_paths(paths=list(demo.files.in_import_order()))
    assert [outcome.run.status for _, outcome in outcomes] == [ImportStatus.SUCCEEDED] * 6
    audit_run_execute(
        run=audit_run_create(as_of=TODAY, engine="duckdb", started_by=None, enqueue=False)
    )
    call_command(
        "forecast_backfill", "--months", "6", "--today", TODAY.isoformat(), stdout=StringIO()
    )
    truth_path = tmp_path / "closing_truth.json"

    # When the closing is loaded (twice: the second changes nothing) and measured
    call_command(
        "closing_load",
        "--seed",
        "7",
        "--today",
        TODAY.isoformat(),
        "--truth",
        str(truth_path),
        stdout=StringIO(),
    )
    deals = Deal.objects.count()
    call_command("closing_load", "--seed", "7", "--today", TODAY.isoformat(), stdout=StringIO())
    coaching_measure(as_of=TODAY)

    # Then the planted effect lies within the measured interval, and the estimate has its sign
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    period = CoachingPeriod.objects.get()
    assert (period.manager.username, period.starts_on.isoformat()) == (
        truth["coached_manager"], truth["starts_on"],
    )  # fmt: skip
    win_rate = CoachingEffect.objects.get(period=period, metric="win_rate")
    assert win_rate.effect is not None
    assert win_rate.effect_low is not None
    assert win_rate.effect_high is not None
    print(
        f"\nplanted {PLANTED_WIN_POINTS} points; measured {win_rate.effect:.3f} in "
        f"[{win_rate.effect_low:.3f}; {win_rate.effect_high:.3f}], "
        f"{win_rate.control_managers} managers not coached"
    )
    assert win_rate.too_little == ""
    assert win_rate.control_managers == 7
    assert win_rate.effect_low < PLANTED_WIN_POINTS < win_rate.effect_high
    assert win_rate.effect > 0
    # The seeded run's estimate: a positive effect, its interval clear of no effect at all.
    assert (win_rate.effect, win_rate.effect_low, win_rate.effect_high) == pytest.approx(
        EFFECT, abs=0.001
    )
    # And the demo holds what a quarter of closing holds
    assert deals == Deal.objects.count() == truth["deals"]
    assert Deal.objects.filter(stage=DealStage.WON).exclude(shipment=None).exists()
    assert Objection.objects.filter(answer__isnull=False).exists()
    assert Activity.objects.filter(joint=True, coaching_period=None).exists()
    assert Activity.objects.filter(coaching_period=period, joint=True).count() > 0
