"""A budgeting client's month budgets: stored through one service that keeps the annual budget
their sum, and kept in the client's history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from upsell.clients.models import ClientBudgetMonth
from upsell.clients.services import ClientDetails, client_budget_months_set, client_update
from upsell.core.months import year_months
from upsell.history.models import Change, ChangeSource


def row_2026(*amounts: str) -> dict[dt.date, Decimal]:
    return dict(zip(year_months(2026), (Decimal(amount) for amount in amounts), strict=True))


ROW = row_2026(*("100000.00",) * 6, *("150000.50",) * 6)


def stored_months(client):
    return list(
        ClientBudgetMonth.objects.filter(client=client)
        .order_by("month")
        .values_list("month", "amount")
    )


def test_months_make_the_annual_budget_and_the_budget_year(annas_client, manager_anna, today):
    changed = client_budget_months_set(
        client=annas_client, months=ROW, changed_by=manager_anna, source=ChangeSource.SCREEN
    )

    assert changed == 12
    annas_client.refresh_from_db()
    assert (annas_client.plans_budget, annas_client.annual_budget, annas_client.budget_year) == (
        True,
        Decimal("1500003.00"),
        2026,
    )
    assert stored_months(annas_client)[:2] == [
        (dt.date(2026, 1, 1), Decimal("100000.00")),
        (dt.date(2026, 2, 1), Decimal("100000.00")),
    ]
    assert stored_months(annas_client)[-1] == (dt.date(2026, 12, 1), Decimal("150000.50"))


def test_every_month_and_detail_that_moved_is_in_the_history(annas_client, manager_anna, today):
    client_budget_months_set(
        client=annas_client, months=ROW, changed_by=manager_anna, source=ChangeSource.SCREEN
    )
    client_budget_months_set(
        client=annas_client,
        months={dt.date(2026, 3, 1): Decimal("90000")},
        changed_by=manager_anna,
        source=ChangeSource.API,
    )

    api_changes = Change.objects.filter(source=ChangeSource.API).order_by("id")
    assert [
        (change.field, change.month, change.before, change.after, change.changed_by_id)
        for change in api_changes
    ] == [
        ("annual_budget", None, "1500003.00", "1490003.00", manager_anna.pk),
        ("budget_month", dt.date(2026, 3, 1), "100000.00", "90000.00", manager_anna.pk),
    ]
    screen_fields = sorted(
        Change.objects.filter(source=ChangeSource.SCREEN, month__isnull=True).values_list(
            "field", "before", "after"
        )
    )
    assert screen_fields == [
        ("annual_budget", None, "1500003.00"),
        ("budget_year", None, 2026),
        ("plans_budget", False, True),
    ]
    assert Change.objects.filter(field="budget_month", source=ChangeSource.SCREEN).count() == 12


def test_the_same_months_again_change_nothing(annas_client, manager_anna, today):
    client_budget_months_set(
        client=annas_client, months=ROW, changed_by=manager_anna, source=ChangeSource.SCREEN
    )
    changes = Change.objects.count()

    changed = client_budget_months_set(
        client=annas_client, months=ROW, changed_by=manager_anna, source=ChangeSource.SCREEN
    )

    assert (changed, Change.objects.count()) == (0, changes)


def test_an_earlier_year_keeps_the_later_budget_year(annas_client, manager_anna, today):
    client_budget_months_set(
        client=annas_client, months=ROW, changed_by=manager_anna, source=ChangeSource.SCREEN
    )

    client_budget_months_set(
        client=annas_client,
        months={dt.date(2025, 12, 1): Decimal("5000.00")},
        changed_by=manager_anna,
        source=ChangeSource.SCREEN,
    )

    annas_client.refresh_from_db()
    assert (annas_client.annual_budget, annas_client.budget_year) == (Decimal("1500003.00"), 2026)
    assert len(stored_months(annas_client)) == 13


def test_an_annual_budget_without_months_stays_as_it_is(annas_client, manager_anna, today):
    annas_client.plans_budget, annas_client.annual_budget, annas_client.budget_year = (
        True,
        Decimal("700000.00"),
        2027,
    )
    annas_client.save(update_fields=["plans_budget", "annual_budget", "budget_year"])

    client_budget_months_set(
        client=annas_client, months=ROW, changed_by=manager_anna, source=ChangeSource.SCREEN
    )

    annas_client.refresh_from_db()
    assert (annas_client.annual_budget, annas_client.budget_year) == (Decimal("700000.00"), 2027)


def test_bad_months_are_refused_by_name_and_nothing_is_stored(annas_client, manager_anna, today):
    with pytest.raises(ValidationError) as refused:
        client_budget_months_set(
            client=annas_client,
            months={
                dt.date(2026, 1, 1): Decimal("-1"),
                dt.date(2026, 2, 15): Decimal("10"),
                dt.date(2026, 3, 1): Decimal("1.234"),
                dt.date(1999, 1, 1): Decimal("10"),
            },
            changed_by=manager_anna,
            source=ChangeSource.SCREEN,
        )

    assert refused.value.message_dict == {
        "2026-01": ["A budget cannot be negative."],
        "2026-02": ["A budget month is the first day of its month."],
        "2026-03": ["An amount has at most 2 decimals."],
        # the latest month planned is five years on
        "1999-01": [f"Give a month from 2000 to {today.year + 5}."],
    }
    annas_client.refresh_from_db()
    assert (stored_months(annas_client), annas_client.annual_budget, Change.objects.count()) == (
        [],
        None,
        0,
    )


def test_the_annual_budget_of_a_year_with_months_is_their_sum(annas_client, manager_anna, today):
    client_budget_months_set(
        client=annas_client, months=ROW, changed_by=manager_anna, source=ChangeSource.SCREEN
    )
    annas_client.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        client_update(
            client=annas_client,
            details=ClientDetails(
                name=annas_client.name,
                tax_id=annas_client.tax_id,
                plans_budget=True,
                annual_budget=Decimal("2000000.00"),
                budget_year=2026,
            ),
            changed_by=manager_anna,
            source=ChangeSource.SCREEN,
        )

    assert refused.value.message_dict == {
        "annual_budget": [
            "The budget of 2026 is the sum of its months, 1500003.00: change the months."
        ]
    }
    annas_client.refresh_from_db()
    assert annas_client.annual_budget == Decimal("1500003.00")


def test_the_database_refuses_a_second_row_of_a_month_and_a_negative_budget(annas_client):
    ClientBudgetMonth.objects.create(
        client=annas_client, month=dt.date(2026, 1, 1), amount=Decimal(1)
    )

    for month, amount in (
        (dt.date(2026, 1, 1), Decimal(2)),
        (dt.date(2026, 2, 1), Decimal(-1)),
        (dt.date(2026, 2, 2), Decimal(1)),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ClientBudgetMonth.objects.create(client=annas_client, month=month, amount=amount)
