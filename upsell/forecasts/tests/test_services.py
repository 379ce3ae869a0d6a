import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from upsell.forecasts.models import (
    Confidence,
    ForecastCell,
    ForecastLock,
    ForecastSnapshot,
    SalesPlan,
)
from upsell.forecasts.services import (
    BaselineRow,
    ForecastConflictError,
    forecast_baselines_replace,
    forecast_cell_save,
    forecast_cells_reassign,
    forecast_locks_due,
    forecast_snapshot_take,
    sales_plan_set,
    sales_plans_set,
)
from upsell.history.models import Change, ChangeSource, Subject

MARCH = dt.date(2026, 3, 1)
APRIL = dt.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def in_february():
    """The months these tests forecast are still ahead."""
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


def _save(client, user, *, amount="1500", version=0, month=MARCH, confidence=Confidence.COMMIT):
    return forecast_cell_save(
        client=client,
        month=month,
        amount=None if amount is None else Decimal(amount),
        confidence=confidence,
        comment="  тендер в марте ",
        expected_version=version,
        user=user,
        source=ChangeSource.SCREEN,
    )


def test_a_first_save_creates_the_cell_for_the_clients_manager(annas_client, manager_anna):
    cell = _save(annas_client, manager_anna)

    assert (cell.amount, cell.confidence, cell.comment) == (
        Decimal("1500.00"),
        "commit",
        "тендер в марте",
    )
    assert (cell.version, cell.manager, cell.updated_by) == (1, manager_anna, manager_anna)
    assert cell.forecast == Decimal("1500.00")


def test_a_save_on_a_stale_version_is_refused_and_keeps_the_first_edit(
    annas_client, manager_anna, head_of_sales
):
    _save(annas_client, manager_anna, amount="1500")

    with pytest.raises(ForecastConflictError) as conflict:
        _save(annas_client, head_of_sales, amount="9000", version=0)

    assert conflict.value.current.amount == Decimal("1500.00")
    assert conflict.value.current.updated_by == manager_anna
    cell = ForecastCell.objects.get()
    assert (cell.amount, cell.version) == (Decimal("1500.00"), 1)


def test_the_second_editor_saves_on_the_version_it_was_shown(annas_client, manager_anna):
    _save(annas_client, manager_anna, amount="1500")

    cell = _save(annas_client, manager_anna, amount="1700", version=1)

    assert (cell.amount, cell.version) == (Decimal("1700.00"), 2)


def test_clearing_the_amount_lets_the_baseline_count_again(annas_client, manager_anna):
    ForecastCell.objects.create(
        client=annas_client, month=MARCH, baseline=Decimal(800), baseline_high=Decimal(900)
    )
    _save(annas_client, manager_anna, amount="1500")

    cell = _save(annas_client, manager_anna, amount=None, confidence="", version=1)

    assert (cell.amount, cell.confidence, cell.forecast) == (None, "", Decimal("800.00"))


@pytest.mark.parametrize(
    ("amount", "confidence", "field"),
    [("-1", Confidence.COMMIT, "amount"), ("10", "", "confidence"), (None, "commit", "amount")],
)
def test_invalid_input_writes_nothing(annas_client, manager_anna, amount, confidence, field):
    with pytest.raises(ValidationError) as error:
        _save(annas_client, manager_anna, amount=amount, confidence=confidence)

    assert list(error.value.message_dict) == [field]
    assert ForecastCell.objects.count() == 0


def test_a_locked_month_cannot_be_edited(annas_client, manager_anna):
    _save(annas_client, manager_anna, amount="1500")
    forecast_snapshot_take(month=MARCH)

    with pytest.raises(ValidationError):
        _save(annas_client, manager_anna, amount="2500", version=1)

    assert ForecastCell.objects.get().amount == Decimal("1500.00")


def test_a_snapshot_copies_the_months_cells_once(annas_client, boris_client, manager_anna):
    _save(annas_client, manager_anna, amount="1500")
    ForecastCell.objects.create(
        client=boris_client,
        month=MARCH,
        baseline=Decimal(700),
        baseline_high=Decimal(900),
        manager=boris_client.manager,
    )
    ForecastCell.objects.create(client=boris_client, month=APRIL)

    lock = forecast_snapshot_take(month=MARCH)
    again = forecast_snapshot_take(month=MARCH)

    assert again == lock
    assert lock.cells == 2
    assert sorted(
        ForecastSnapshot.objects.values_list("client__name", "forecast", "amount", "confidence")
    ) == [
        ('ООО "Альфа"', Decimal("1500.00"), Decimal("1500.00"), "commit"),
        ('ООО "Бета"', Decimal("700.00"), None, ""),
    ]


def test_locks_fall_due_on_the_lock_day(annas_client, settings):
    settings.UPSELL_FORECAST_LOCK_DAY = 20
    ForecastCell.objects.create(client=annas_client, month=dt.date(2026, 1, 1))

    before = forecast_locks_due(today=dt.date(2026, 3, 19))
    on_the_day = forecast_locks_due(today=dt.date(2026, 3, 20))
    twice = forecast_locks_due(today=dt.date(2026, 3, 21))

    assert [lock.month for lock in before] == [dt.date(2026, 1, 1), MARCH]
    assert [lock.month for lock in on_the_day] == [APRIL]
    assert twice == []
    assert ForecastLock.objects.count() == 3


def test_baselines_replace_keeps_the_managers_figures_and_clears_the_left_out(
    annas_client, manager_anna, boris_client
):
    _save(annas_client, manager_anna, amount="1500")
    ForecastCell.objects.create(
        client=boris_client, month=MARCH, baseline=Decimal(5), baseline_high=Decimal(5)
    )
    row = BaselineRow(
        client_id=annas_client.pk,
        month=MARCH,
        expected_orders=Decimal("1.250"),
        amount=Decimal("1000.00"),
        low=Decimal("400.00"),
        high=Decimal("1600.00"),
    )

    written = forecast_baselines_replace(rows=[row], months=[MARCH, APRIL], model="bgnbd")
    forecast_baselines_replace(rows=[row], months=[MARCH, APRIL], model="bgnbd")

    annas = ForecastCell.objects.get(client=annas_client)
    assert written == 1
    assert (annas.baseline, annas.baseline_low, annas.baseline_high, annas.expected_orders) == (
        Decimal("1000.00"),
        Decimal("400.00"),
        Decimal("1600.00"),
        Decimal("1.250"),
    )
    assert (annas.amount, annas.version, annas.baseline_model) == (Decimal("1500.00"), 1, "bgnbd")
    assert ForecastCell.objects.get(client=boris_client).baseline == Decimal("0.00")


def test_baselines_skip_a_locked_month(annas_client):
    forecast_snapshot_take(month=MARCH)
    row = BaselineRow(
        client_id=annas_client.pk,
        month=MARCH,
        expected_orders=Decimal(1),
        amount=Decimal(10),
        low=Decimal(0),
        high=Decimal(20),
    )

    assert forecast_baselines_replace(rows=[row], months=[MARCH], model="bgnbd") == 0
    assert ForecastCell.objects.count() == 0


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_reassign_moves_only_future_cells(annas_client, manager_anna, manager_boris):
    for month in (dt.date(2026, 2, 1), MARCH, APRIL, dt.date(2026, 5, 1)):
        ForecastCell.objects.create(client=annas_client, month=month, manager=manager_anna)

    moved = forecast_cells_reassign(client_ids=[annas_client.pk], manager=manager_boris)

    assert moved == 2
    assert list(
        ForecastCell.objects.order_by("month").values_list("manager__username", flat=True)
    ) == [
        "anna",
        "anna",
        "boris",
        "boris",
    ]


@time_machine.travel(dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC), tick=False)
def test_reassign_leaves_a_locked_future_month_with_its_forecaster(
    annas_client, manager_anna, manager_boris
):
    # Past the lock day April is locked already: its forecast is final and stays Anna's.
    for month in (APRIL, dt.date(2026, 5, 1)):
        ForecastCell.objects.create(client=annas_client, month=month, manager=manager_anna)
    ForecastLock.objects.create(month=APRIL)

    moved = forecast_cells_reassign(client_ids=[annas_client.pk], manager=manager_boris)

    assert moved == 1
    assert list(
        ForecastCell.objects.order_by("month").values_list("month", "manager__username")
    ) == [(APRIL, "anna"), (dt.date(2026, 5, 1), "boris")]


def test_a_plan_is_set_replaced_and_removed(manager_anna, head_of_sales):
    sales_plan_set(
        manager=manager_anna,
        month=MARCH,
        amount=Decimal(100),
        set_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )
    plan = sales_plan_set(
        manager=manager_anna,
        month=MARCH,
        amount=Decimal("250.5"),
        set_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )
    assert plan is not None
    assert (plan.amount, manager_anna.sales_plans.count()) == (Decimal("250.50"), 1)

    sales_plan_set(
        manager=manager_anna,
        month=MARCH,
        amount=None,
        set_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )

    assert manager_anna.sales_plans.count() == 0


def test_the_lock_command_locks_what_is_due(annas_client, settings, capsys):
    settings.UPSELL_FORECAST_LOCK_DAY = 20
    ForecastCell.objects.create(client=annas_client, month=APRIL)

    call_command("forecast_lock", "--today", "2026-03-25")
    call_command("forecast_lock", "--today", "2026-03-26")

    assert (
        capsys.readouterr().out
        == "Locked 04.2026: 1 cells\nNothing due (the lock day is the 20th)\n"
    )


def test_a_locked_months_plan_is_refused_naming_the_month(manager_anna, head_of_sales):
    SalesPlan.objects.create(
        manager=manager_anna, month=MARCH, amount=Decimal(100), set_by=head_of_sales
    )
    forecast_snapshot_take(month=MARCH)

    with pytest.raises(ValidationError) as refused:
        sales_plan_set(
            manager=manager_anna,
            month=MARCH,
            amount=Decimal(200),
            set_by=head_of_sales,
            source=ChangeSource.SCREEN,
        )

    assert refused.value.message_dict == {
        "month": ["The plan for 03.2026 cannot change: the month is locked."]
    }
    assert list(SalesPlan.objects.values_list("month", "amount")) == [(MARCH, Decimal("100.00"))]
    assert not Change.objects.filter(subject=Subject.SALES_PLAN).exists()


def test_a_locked_month_among_several_refuses_them_all(manager_anna, head_of_sales):
    SalesPlan.objects.create(
        manager=manager_anna, month=APRIL, amount=Decimal(100), set_by=head_of_sales
    )
    forecast_snapshot_take(month=APRIL)

    with pytest.raises(ValidationError) as refused:
        sales_plans_set(
            manager=manager_anna,
            year=2026,
            amounts={3: Decimal(300), 4: None, 5: Decimal(500)},
            set_by=head_of_sales,
            source=ChangeSource.API,
        )

    assert refused.value.message_dict == {
        "months.4": ["The plan for 04.2026 cannot change: the month is locked."]
    }
    assert list(SalesPlan.objects.values_list("month", "amount")) == [(APRIL, Decimal("100.00"))]
    assert not Change.objects.filter(subject=Subject.SALES_PLAN).exists()
