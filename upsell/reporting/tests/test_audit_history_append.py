"""The nightly audit adds the month ends since the last audit to the stored status history and
keeps the months already stored; it computes every month again only when the rules or the
past documents changed, and then stores what a full rebuild stores."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from upsell.accounts.models import User
from upsell.clients.models import Client, ClientStatusMonth
from upsell.clients.tests.factories import ClientFactory
from upsell.history.models import ChangeSource
from upsell.reporting.models import AuditRun, HistoryMode, RunStatus
from upsell.reporting.services import audit_run_create, audit_run_execute, status_rules_update
from upsell.shipments.models import Shipment
from upsell.shipments.tests.factories import shipment_with_line

# The first audit sees the month ends up to April 2026, the next one a month later adds May.
MAY = dt.date(2026, 5, 15)
JUNE = dt.date(2026, 6, 15)

History = list[tuple[int, dt.date, str, str, Decimal]]


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC), tick=True):
        yield


def _ship(client: Client, *days: str, amount: str = "1000.00") -> None:
    for day in days:
        shipment_with_line(client=client, date=dt.date.fromisoformat(day), amount=Decimal(amount))


@pytest.fixture
def company(db: None) -> dict[str, Client]:
    """A client that buys every month or two, one that stopped in the autumn, an organisation
    that buys through a branch, and a client whose first order comes in May."""
    regular = ClientFactory.create(name="Постоянный")
    _ship(regular, "2025-01-10", "2025-03-05", "2025-04-20", "2025-06-02", "2025-07-15")
    _ship(regular, "2025-09-01", "2025-10-20", "2025-12-03", "2026-02-10", "2026-04-01")
    _ship(regular, "2026-05-20", "2026-06-05")
    stopped = ClientFactory.create(name="Ушедший")
    _ship(stopped, "2025-02-14", "2025-05-14", "2025-09-30", amount="5000.00")
    _ship(stopped, "2025-10-15", amount="-1000.00")
    head = ClientFactory.create(name='ООО "Альфа"')
    branch = ClientFactory.create(name='ООО "Альфа" Юг', head=head)
    _ship(head, "2025-08-01")
    _ship(branch, "2025-11-11", "2026-01-20", "2026-03-30", "2026-05-25")
    newcomer = ClientFactory.create(name="Новый")
    _ship(newcomer, "2026-05-28", amount="20000.00")
    return {
        "regular": regular,
        "stopped": stopped,
        "head": head,
        "branch": branch,
        "newcomer": newcomer,
    }


def _audit(as_of: dt.date) -> AuditRun:
    run = audit_run_execute(
        run=audit_run_create(as_of=as_of, engine="duckdb", started_by=None, enqueue=False)
    )
    assert run.status == RunStatus.SUCCEEDED
    return run


def _history() -> History:
    return list(
        ClientStatusMonth.objects.order_by("client_id", "month").values_list(
            "client_id", "month", "status", "status_rule", "revenue_365"
        )
    )


def _rebuilt(as_of: dt.date) -> History:
    """What an audit as of ``as_of`` stores when it computes every month again: with no
    history stored, the audit rebuilds it."""
    ClientStatusMonth.objects.all().delete()
    run = _audit(as_of)
    assert run.history_mode == HistoryMode.REBUILT
    return _history()


def _mark_by_hand() -> tuple[int, str]:
    """Change one stored April row by hand: an audit that appends leaves it so, one that
    rebuilds computes it again. Its pk and the rule the audit had stored."""
    row = ClientStatusMonth.objects.filter(month=dt.date(2026, 4, 1)).order_by("client_id")[0]
    ClientStatusMonth.objects.filter(pk=row.pk).update(status_rule="set by hand")
    return row.pk, row.status_rule


def _restore(by_hand: tuple[int, str]) -> None:
    pk, rule = by_hand
    ClientStatusMonth.objects.filter(pk=pk).update(status_rule=rule)


def _rules(*, by: User, unit: str = "branch", **thresholds: object) -> None:
    status_rules_update(
        thresholds=thresholds,
        managed_statuses=["new", "partner", "reanimated", "regular", "vip"],
        unit=unit,
        changed_by=by,
        source=ChangeSource.SCREEN,
    )


def test_the_first_audit_computes_every_month_from_the_first_document(company) -> None:
    run = _audit(MAY)

    # January 2025 to April 2026; rows from each client's first month: the regular client
    # 16, the one that stopped 15, the head organisation 9, its branch 6.
    assert (run.history_mode, run.history_months, run.history_rows) == (
        HistoryMode.REBUILT, 16, 46,
    )  # fmt: skip
    assert run.history_through == dt.date(2026, 4, 1)
    assert ClientStatusMonth.objects.count() == 46


def test_an_audit_a_month_later_appends_only_the_new_month(company) -> None:
    _audit(MAY)
    stored = {row.pk: row.month for row in ClientStatusMonth.objects.all()}
    by_hand = _mark_by_hand()

    run = _audit(JUNE)

    # May for the four clients already in the history and the newcomer.
    assert (run.history_mode, run.history_months, run.history_rows) == (
        HistoryMode.APPENDED, 1, 5,
    )  # fmt: skip
    assert run.history_through == dt.date(2026, 5, 1)
    kept = dict(ClientStatusMonth.objects.filter(pk__in=stored).values_list("pk", "month"))
    assert kept == stored
    assert ClientStatusMonth.objects.get(pk=by_hand[0]).status_rule == "set by hand"
    added = ClientStatusMonth.objects.exclude(pk__in=stored)
    assert sorted(added.values_list("client__name", "month", "status")) == [
        ("Новый", dt.date(2026, 5, 1), "new"),
        ('ООО "Альфа"', dt.date(2026, 5, 1), "lost"),
        ('ООО "Альфа" Юг', dt.date(2026, 5, 1), "regular"),
        ("Постоянный", dt.date(2026, 5, 1), "vip"),
        ("Ушедший", dt.date(2026, 5, 1), "lost"),
    ]
    _restore(by_hand)
    appended = _history()
    assert _rebuilt(JUNE) == appended


def test_an_audit_in_the_same_month_again_computes_nothing_and_keeps_the_history(
    company,
) -> None:
    _audit(MAY)
    before = _history()

    run = _audit(dt.date(2026, 5, 31))

    assert (run.history_mode, run.history_months, run.history_rows) == (
        HistoryMode.APPENDED, 0, 0,
    )  # fmt: skip
    assert run.history_through == dt.date(2026, 4, 1)
    assert _history() == before


def test_a_document_dated_after_the_stored_history_is_appended(company) -> None:
    _audit(MAY)
    _ship(company["stopped"], "2026-05-03", amount="3000.00")

    run = _audit(JUNE)

    assert (run.history_mode, run.history_months, run.history_rows) == (
        HistoryMode.APPENDED, 1, 5,
    )  # fmt: skip
    stopped_in_may = ClientStatusMonth.objects.get(
        client=company["stopped"], month=dt.date(2026, 5, 1)
    )
    assert stopped_in_may.status == "reanimated"
    assert stopped_in_may.revenue_365 == Decimal("7000.00")
    appended = _history()
    assert len(appended) == 51
    assert _rebuilt(JUNE) == appended


def _add_an_old_document(company: dict[str, Client]) -> None:
    _ship(company["regular"], "2025-08-20")


def _correct_an_old_amount(company: dict[str, Client]) -> None:
    Shipment.objects.filter(client=company["stopped"], date=dt.date(2025, 5, 14)).update(
        total=Decimal("4000.00")
    )


def _move_an_old_document(company: dict[str, Client]) -> None:
    Shipment.objects.filter(client=company["stopped"], date=dt.date(2025, 2, 14)).update(
        client=company["newcomer"]
    )


def _delete_an_old_return(company: dict[str, Client]) -> None:
    Shipment.objects.filter(total__lt=0).delete()


def _add_a_document_before_the_first(company: dict[str, Client]) -> None:
    _ship(company["head"], "2024-12-05")


@pytest.mark.parametrize(
    ("change", "months", "rows"),
    [
        (_add_an_old_document, 17, 51),
        (_correct_an_old_amount, 17, 51),
        # The newcomer's history now starts in February 2025, the other client's in May.
        (_move_an_old_document, 17, 63),
        (_delete_an_old_return, 17, 51),
        # The head organisation's history now starts in December 2024.
        (_add_a_document_before_the_first, 18, 59),
    ],
)
def test_a_change_to_a_document_of_a_stored_month_rebuilds_the_history(
    company, change, months, rows
) -> None:
    _audit(MAY)
    _mark_by_hand()
    change(company)

    run = _audit(JUNE)

    assert (run.history_mode, run.history_months, run.history_rows) == (
        HistoryMode.REBUILT, months, rows,
    )  # fmt: skip
    assert not ClientStatusMonth.objects.filter(status_rule="set by hand").exists()
    assert _rebuilt(JUNE) == _history()


def test_a_changed_status_rule_rebuilds_the_history(company, head_of_sales) -> None:
    _audit(MAY)
    lost_in_april = ClientStatusMonth.objects.get(
        client=company["stopped"], month=dt.date(2026, 4, 1)
    )
    _rules(by=head_of_sales, lost_days=300)

    run = _audit(JUNE)

    assert (run.history_mode, run.history_months, run.history_rows) == (
        HistoryMode.REBUILT, 17, 51,
    )  # fmt: skip
    # 212 days since the last order at the end of April: Lost after 180 days, not after 300.
    assert lost_in_april.status == "lost"
    assert (
        ClientStatusMonth.objects.get(client=company["stopped"], month=dt.date(2026, 4, 1)).status
        == "irregular"
    )
    assert _rebuilt(JUNE) == _history()


def test_rules_saved_unchanged_keep_the_history_appended(company, head_of_sales) -> None:
    _audit(MAY)
    _rules(by=head_of_sales)

    run = _audit(JUNE)

    assert (run.history_mode, run.history_months) == (HistoryMode.APPENDED, 1)


def test_switching_the_audit_to_organisations_rebuilds_the_history(company, head_of_sales) -> None:
    _audit(MAY)
    _rules(by=head_of_sales, unit="organisation")

    run = _audit(JUNE)

    # The head organisation and its branch each carry the organisation's ten months.
    assert (run.history_mode, run.history_months, run.history_rows) == (
        HistoryMode.REBUILT, 17, 54,
    )  # fmt: skip
    assert _rebuilt(JUNE) == _history()


def test_per_organisation_the_history_is_appended_until_a_branch_moves(
    company, head_of_sales
) -> None:
    _rules(by=head_of_sales, unit="organisation")
    _audit(MAY)

    appended = _audit(JUNE)

    assert (appended.history_mode, appended.history_months, appended.history_rows) == (
        HistoryMode.APPENDED, 1, 5,
    )  # fmt: skip
    assert _rebuilt(JUNE) == _history()

    Client.objects.filter(pk=company["branch"].pk).update(head=None)
    moved = _audit(JUNE)

    assert (moved.history_mode, moved.history_months) == (HistoryMode.REBUILT, 17)


def test_an_audit_as_of_an_earlier_month_rebuilds_the_history(company) -> None:
    _audit(JUNE)

    run = _audit(MAY)

    assert (run.history_mode, run.history_months, run.history_rows) == (
        HistoryMode.REBUILT, 16, 46,
    )  # fmt: skip
    assert run.history_through == dt.date(2026, 4, 1)


def test_an_audit_that_fails_while_appending_keeps_the_history_as_it_was(
    company, monkeypatch
) -> None:
    _audit(MAY)
    before = _history()

    def refuse() -> None:
        raise RuntimeError("routing failed")

    monkeypatch.setattr("upsell.reporting.services._statuses_route", refuse)
    run = audit_run_create(as_of=JUNE, engine="duckdb", started_by=None, enqueue=False)
    with pytest.raises(RuntimeError):
        audit_run_execute(run=run)

    run.refresh_from_db()
    assert (run.status, run.history_mode) == (RunStatus.FAILED, "")
    assert _history() == before
    monkeypatch.undo()
    assert _audit(JUNE).history_mode == HistoryMode.APPENDED


def test_the_run_page_says_how_the_history_was_brought_up_to_date(
    company, head_of_sales, client
) -> None:
    rebuilt = _audit(MAY)
    appended = _audit(JUNE)
    client.force_login(head_of_sales)

    pages = [
        " ".join(client.get(reverse("audit:run", args=[run.pk])).content.decode().split())
        for run in (rebuilt, appended)
    ]

    assert (
        "The status history was computed again from the first document: 16 month ends."
        in (pages[0])
    )
    assert "The status history was appended: 1 new month end computed." in pages[1]
