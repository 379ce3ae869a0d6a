"""Read per organisation, a branch carries a copy of its head organisation's figures: the
overview's sums and counts take each organisation once, while the client list keeps every
branch."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils.html import escape

from upsell.accounts.models import User
from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.history.models import ChangeSource
from upsell.reporting.selectors import (
    StatusMonthTotal,
    abc_xyz_matrix,
    status_totals,
    status_totals_by_month,
    totals_by_client_field,
)
from upsell.reporting.services import audit_run_create, audit_run_execute, status_rules_update
from upsell.review.selectors import (
    StatusChangeCount,
    StatusChangeFilters,
    status_change_counts,
    status_changes,
)
from upsell.shipments.tests.factories import shipment_with_line

AS_OF = dt.date(2026, 6, 15)
TAX_ID = "7707083893"
MAY = dt.date(2026, 5, 1)


@pytest.fixture
def organisation(manager_anna: User, manager_boris: User) -> dict[str, Client]:
    """Anna serves a head organisation that buys nothing under its own КПП and its southern
    branch (700.00 every six weeks); Boris serves its northern branch, which stopped buying
    200 days ago (500.00 each time before)."""
    head = ClientFactory.create(
        name='ООО "Альфа"', tax_id=TAX_ID, kpp="770701001", manager=manager_anna, region="Москва"
    )
    north = ClientFactory.create(
        name='ООО "Альфа" Север', tax_id=TAX_ID, kpp="781043001", head=head,
        manager=manager_boris, region="Санкт-Петербург",
    )  # fmt: skip
    south = ClientFactory.create(
        name='ООО "Альфа" Юг', tax_id=TAX_ID, kpp="230843001", head=head,
        manager=manager_anna, region="Краснодар",
    )  # fmt: skip
    for days in (400, 350, 300, 250, 200):
        shipment_with_line(
            client=north, date=AS_OF - dt.timedelta(days=days), amount=Decimal("500.00")
        )
    for days in (12, 53, 94, 135, 176):
        shipment_with_line(
            client=south, date=AS_OF - dt.timedelta(days=days), amount=Decimal("700.00")
        )
    return {"head": head, "north": north, "south": south}


def _audit(*, unit: str, by: User) -> None:
    status_rules_update(
        thresholds={},
        managed_statuses=["new", "partner", "reanimated", "regular", "vip"],
        unit=unit,
        changed_by=by,
        source=ChangeSource.SCREEN,
    )
    audit_run_execute(
        run=audit_run_create(as_of=AS_OF, engine="duckdb", started_by=None, enqueue=False)
    )


def _status_totals(user: User) -> list[tuple[str, int, Decimal]]:
    return [(t.status, t.clients, t.revenue_365) for t in status_totals(user=user) if t.clients]


def _overview_total(user: User) -> tuple[str, list[str]]:
    """The overview's line of totals under clients and revenue by status, and the note on
    counting each organisation once if any, as read."""
    http = HttpClient()
    http.force_login(user)
    html = http.get(reverse("audit:overview")).content.decode()
    footer = re.search(r'id="status-totals">.*?<tfoot>(.*?)</tfoot>', html, re.S)
    assert footer is not None
    notes = re.findall(r"<p [^>]*data-counted-once>([^<]+)</p>", html)
    return (
        " ".join(unescape(re.sub(r"<[^>]+>", " ", footer.group(1))).split()),
        [unescape(note) for note in notes],
    )


def test_per_branch_each_branch_adds_its_own_revenue(organisation, head_of_sales) -> None:
    _audit(unit="branch", by=head_of_sales)

    assert _status_totals(head_of_sales) == [
        ("vip", 1, Decimal("3500.00")),
        ("lost", 1, Decimal("2000.00")),
        ("", 1, Decimal("0.00")),
    ]
    assert _overview_total(head_of_sales) == ("Total 3 ₽5,500.00", [])
    assert sum(clients for clients, _revenue in abc_xyz_matrix(user=head_of_sales).values()) == 2
    assert [
        (group.name, group.clients, group.revenue_365)
        for group in totals_by_client_field(user=head_of_sales, field="region", limit=5)
    ] == [
        ("Краснодар", 1, Decimal("3500.00")),
        ("Санкт-Петербург", 1, Decimal("2000.00")),
        ("Москва", 1, Decimal("0.00")),
    ]


def test_per_organisation_the_organisation_counts_once_under_its_head(
    organisation, head_of_sales
) -> None:
    _audit(unit="organisation", by=head_of_sales)

    assert _status_totals(head_of_sales) == [("vip", 1, Decimal("5500.00"))]
    assert _overview_total(head_of_sales) == (
        "Total 1 ₽5,500.00",
        [
            "The audit read each organisation with its branches: every figure here counts an "
            "organisation once, under its head organisation. The client list still shows each "
            "branch, with its organisation's status."
        ],
    )
    assert abc_xyz_matrix(user=head_of_sales) == {("A", "Y"): (1, Decimal("5500.00"))}
    assert [
        (group.name, group.clients, group.revenue_365)
        for group in totals_by_client_field(user=head_of_sales, field="region", limit=5)
    ] == [("Москва", 1, Decimal("5500.00"))]
    # At the end of May: the southern four of 700.00 and the northern four of 500.00.
    assert status_totals_by_month(user=head_of_sales, first=MAY) == [
        StatusMonthTotal(month=MAY, status="vip", clients=1, revenue_365=Decimal("4800.00"))
    ]


def test_per_organisation_a_manager_who_sees_only_a_branch_sees_the_organisation_once(
    organisation, head_of_sales, manager_anna, manager_boris
) -> None:
    _audit(unit="organisation", by=head_of_sales)

    assert _status_totals(manager_boris) == [("vip", 1, Decimal("5500.00"))]
    assert _status_totals(manager_anna) == [("vip", 1, Decimal("5500.00"))]


def test_per_organisation_the_client_list_still_shows_each_branch_with_its_status(
    organisation, head_of_sales
) -> None:
    _audit(unit="organisation", by=head_of_sales)
    http = HttpClient()
    http.force_login(head_of_sales)

    html = http.get(reverse("clients:list"), {"status": "vip"}).content.decode()

    names = ('ООО "Альфа"', 'ООО "Альфа" Север', 'ООО "Альфа" Юг')
    listed = [name for name in names if ">" + escape(name) + "<" in html]
    assert listed == list(names)


# At the end of September 2025 only the northern branch had bought, irregularly: read per branch
# the north is lost now and the south, new since, vip; read per organisation the organisation
# went from irregular to vip.
SINCE = dt.date(2025, 10, 6)


def _monday_changes(user: User) -> tuple[str, list[str]]:
    """The Monday review's count of clients that changed status, and its note if any."""
    http = HttpClient()
    http.force_login(user)
    html = http.get(reverse("review:monday"), {"since": SINCE.isoformat()}).content.decode()
    panel = re.search(r'id="status-changes">.*?</section>', html, re.S)
    assert panel is not None
    count = re.search(r'<span class="muted">([^<]+)</span>', panel.group(0))
    assert count is not None
    notes = re.findall(r"<p [^>]*data-counted-once>([^<]+)</p>", panel.group(0))
    return count.group(1), [unescape(note) for note in notes]


def test_per_branch_the_reviews_status_changes_count_each_branch(
    organisation, head_of_sales
) -> None:
    _audit(unit="branch", by=head_of_sales)

    assert status_change_counts(user=head_of_sales, since=SINCE) == [
        StatusChangeCount(from_status="", to_status="vip", clients=1),
        StatusChangeCount(from_status="irregular", to_status="lost", clients=1),
    ]
    assert _monday_changes(head_of_sales) == ("2 clients", [])


def test_per_organisation_the_reviews_status_changes_count_the_organisation_once(
    organisation, head_of_sales
) -> None:
    _audit(unit="organisation", by=head_of_sales)

    assert status_change_counts(user=head_of_sales, since=SINCE) == [
        StatusChangeCount(from_status="irregular", to_status="vip", clients=1)
    ]
    # The list below the counts still names each branch, with its organisation's change.
    changes = status_changes(user=head_of_sales, filters=StatusChangeFilters(since=SINCE))
    assert [(c.name, c.status_before, c.status) for c in changes] == [  # type: ignore[attr-defined]
        ('ООО "Альфа"', "irregular", "vip"),
        ('ООО "Альфа" Север', "irregular", "vip"),
        ('ООО "Альфа" Юг', "irregular", "vip"),
    ]
    assert _monday_changes(head_of_sales) == (
        "1 client",
        [
            "The audit read each organisation with its branches: every figure here counts an "
            "organisation once, under its head organisation. The client list still shows each "
            "branch, with its organisation's status."
        ],
    )
