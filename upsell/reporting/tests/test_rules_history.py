"""The status rules keep each threshold and the managed statuses that moved, and their page
lists those changes."""

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.models import User
from upsell.forecasts.tests.elements import elements_by_id
from upsell.history.models import Change, ChangeSource
from upsell.reporting.services import status_rules_update

NOW = dt.datetime(2026, 2, 10, 9, 30, tzinfo=dt.UTC)
WHEN = "02/10/2026 12:30 p.m."  # NOW in Moscow, as the English short format writes it
ROW = ("subject", "object_id", "month", "field", "before", "after", "changed_by", "source",
       "changed_at")  # fmt: skip


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _history() -> list[tuple[object, ...]]:
    return list(Change.objects.order_by("-changed_at", "-id").values_list(*ROW))


def _as(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _text(html: bytes, element_id: str) -> str:
    return elements_by_id(html.decode())[element_id].text


def test_the_status_rules_keep_each_threshold_and_the_managed_statuses_that_moved(
    head_of_sales: User,
) -> None:
    status_rules_update(
        thresholds={"new_days": 60, "lost_days": 200},
        managed_statuses=["vip", "regular"],
        unit="branch",
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )

    helen = head_of_sales.pk
    assert _history() == [
        ("status_rules", None, None, "new_days", 90, 60, helen, "screen", NOW),
        ("status_rules", None, None, "lost_days", 180, 200, helen, "screen", NOW),
        ("status_rules", None, None, "managed_statuses",
         ["new", "partner", "reanimated", "regular", "vip"], ["regular", "vip"], helen, "screen",
         NOW),
    ]  # fmt: skip


def test_the_status_rules_page_shows_what_changed(head_of_sales, top_manager):
    status_rules_update(
        thresholds={"lost_days": 200, "lapsing_interval_factor": 2.5},
        managed_statuses=["vip", "regular"],
        unit="branch",
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )

    page = _as(top_manager).get(reverse("audit:rules"))

    who = f"{WHEN} · Кузнецова Елена · Screen"
    assert _text(page.content, "changes") == (
        "Changes "
        f"Lapsing: days since last order above this × typical interval: 2 → 2.5 {who} "
        f"Lost: no order for, days: 180 → 200 {who} "
        "Motivated clients: the statuses a manager manages and forecasts: "
        f"New, Partner, Reanimated, Regular, VIP → Regular, VIP {who}"
    )


def test_the_rules_page_shows_that_the_audit_reads_per_organisation(head_of_sales, top_manager):
    status_rules_update(
        thresholds={},
        managed_statuses=["new", "partner", "reanimated", "regular", "vip"],
        unit="organisation",
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )

    page = _as(top_manager).get(reverse("audit:rules"))

    assert _history() == [
        ("status_rules", None, None, "unit", "branch", "organisation", head_of_sales.pk,
         "screen", NOW),
    ]  # fmt: skip
    assert _text(page.content, "changes") == (
        "Changes What the audit reads as one buyer: "
        f"Each branch on its own → An organisation with its branches {WHEN} · Кузнецова Елена "
        "· Screen"
    )
