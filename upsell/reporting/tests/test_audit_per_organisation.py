"""Read per organisation, the audit takes a head organisation and its branches as one buyer:
a branch that stopped buying while the organisation buys through another is not Lost."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientAudit, ClientStatusMonth
from upsell.clients.tests.factories import ClientFactory
from upsell.history.models import Change, ChangeSource
from upsell.reporting.models import AuditRun
from upsell.reporting.services import audit_run_create, audit_run_execute, status_rules_update
from upsell.shipments.tests.factories import shipment_with_line

AS_OF = dt.date(2026, 6, 15)
TAX_ID = "7707083893"


@pytest.fixture
def organisation(db: None) -> dict[str, Client]:
    """A head organisation that buys nothing under its own КПП, a northern branch that stopped
    buying 200 days ago and a southern branch that buys every six weeks."""
    head = ClientFactory.create(name='ООО "Альфа"', tax_id=TAX_ID, kpp="770701001")
    north = ClientFactory.create(
        name='ООО "Альфа" Север', tax_id=TAX_ID, kpp="781043001", head=head
    )
    south = ClientFactory.create(name='ООО "Альфа" Юг', tax_id=TAX_ID, kpp="230843001", head=head)
    for days in (400, 350, 300, 250, 200):
        shipment_with_line(
            client=north, date=AS_OF - dt.timedelta(days=days), amount=Decimal("500.00")
        )
    for days in (12, 53, 94, 135, 176):
        shipment_with_line(
            client=south, date=AS_OF - dt.timedelta(days=days), amount=Decimal("700.00")
        )
    return {"head": head, "north": north, "south": south}


def _rules(*, unit: str, by: User) -> None:
    status_rules_update(
        thresholds={},
        managed_statuses=["new", "partner", "reanimated", "regular", "vip"],
        unit=unit,
        changed_by=by,
        source=ChangeSource.SCREEN,
    )


def _audit(engine: str = "duckdb") -> AuditRun:
    return audit_run_execute(
        run=audit_run_create(as_of=AS_OF, engine=engine, started_by=None, enqueue=False)
    )


def _results(organisation: dict[str, Client]) -> dict[str, tuple[object, ...]]:
    audits = {audit.client_id: audit for audit in ClientAudit.objects.all()}
    results: dict[str, tuple[object, ...]] = {}
    for name, client in organisation.items():
        client.refresh_from_db()
        audit = audits[client.pk]
        results[name] = (
            client.status,
            audit.status_rule,
            audit.revenue_365,
            audit.last_order_date,
            audit.metrics["orders_365"],
        )
    return results


def _read_with(client: Client, *, user: User) -> list[str]:
    """The status panel's words on whose figures a branch carries."""
    http = HttpClient()
    http.force_login(user)
    html = http.get(reverse("audit:client_status", args=[client.pk])).content.decode()
    return [
        unescape(text) for text in re.findall(r'<p class="muted" data-read-with>([^<]+)</p>', html)
    ]


def _history(client: Client) -> list[tuple[dt.date, str]]:
    return list(
        ClientStatusMonth.objects.filter(client=client)
        .order_by("month")
        .values_list("month", "status")
    )


def test_per_branch_a_branch_that_stopped_buying_is_lost(organisation, head_of_sales) -> None:
    run = _audit()

    assert run.unit == "branch"
    assert _results(organisation) == {
        "head": ("", "no_orders", Decimal("0.00"), None, 0),
        "north": ("lost", "no_order_for_lost_days", Decimal("2000.00"), dt.date(2025, 11, 27), 4),
        "south": ("vip", "regular_in_abc_a", Decimal("3500.00"), dt.date(2026, 6, 3), 5),
    }
    assert _read_with(organisation["north"], user=head_of_sales) == []


def test_per_organisation_the_head_and_both_branches_carry_the_organisations_status(
    organisation, head_of_sales
) -> None:
    _rules(unit="organisation", by=head_of_sales)

    run = _audit()

    assert (run.unit, run.clients) == ("organisation", 3)
    # Nine orders in 365 days, the northern four and the southern five, and the only revenue.
    organisations = ("vip", "regular_in_abc_a", Decimal("5500.00"), dt.date(2026, 6, 3), 9)
    assert _results(organisation) == {
        "head": organisations,
        "north": organisations,
        "south": organisations,
    }
    head_history = _history(organisation["head"])
    # From the northern branch's first order in May 2025; never Lost, since the organisation
    # kept buying through the south.
    assert head_history == [
        (dt.date(2025, month, 1), status)
        for month, status in [(5, "new"), (6, "new"), (7, "new"), (8, "irregular"),
                              (9, "irregular"), (10, "vip"), (11, "vip"), (12, "vip")]
    ] + [(dt.date(2026, month, 1), "vip") for month in range(1, 6)]  # fmt: skip
    assert _history(organisation["north"]) == head_history
    assert _history(organisation["south"]) == head_history
    assert run.history_rows == 3 * len(head_history)
    assert _read_with(organisation["north"], user=head_of_sales) == [
        "The whole organisation's figures: the audit reads this branch with its head "
        'organisation ООО "Альфа".'
    ]
    assert _read_with(organisation["head"], user=head_of_sales) == []


def test_changing_the_setting_is_a_rules_change_and_the_next_audit_recomputes_everything(
    organisation, head_of_sales
) -> None:
    _audit()
    assert _history(organisation["north"])[-1] == (dt.date(2026, 5, 1), "lost")

    _rules(unit="organisation", by=head_of_sales)
    _audit()

    assert list(
        Change.objects.filter(field="unit").values_list("before", "after", "changed_by")
    ) == [("branch", "organisation", head_of_sales.pk)]
    assert _history(organisation["north"]) == _history(organisation["head"])
    assert _history(organisation["north"])[-1] == (dt.date(2026, 5, 1), "vip")
    organisation["north"].refresh_from_db()
    assert organisation["north"].status == "vip"

    _rules(unit="branch", by=head_of_sales)
    _audit()

    organisation["north"].refresh_from_db()
    assert organisation["north"].status == "lost"
    assert _history(organisation["head"]) == []


@pytest.mark.spark
def test_per_organisation_spark_gives_the_answers_duckdb_gives(organisation, head_of_sales):
    _rules(unit="organisation", by=head_of_sales)
    answers = {}
    for engine in ("duckdb", "spark"):
        _audit(engine)
        answers[engine] = (
            _results(organisation),
            {name: _history(client) for name, client in organisation.items()},
        )

    assert answers["spark"] == answers["duckdb"]
    assert answers["spark"][0]["north"][:2] == ("vip", "regular_in_abc_a")
