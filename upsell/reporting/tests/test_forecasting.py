import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from upsell.clients.models import ClientStatus
from upsell.clients.services import client_budget_months_set
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import ForecastCell, ForecastSnapshot
from upsell.forecasts.selectors import forecast_accuracy
from upsell.history.models import ChangeSource
from upsell.reporting.forecasting import (
    BASELINE_MODELS,
    forecast_baselines_refresh,
    horizon_months,
)
from upsell.reporting.models import ForecastModel, ForecastRun, RunStatus
from upsell.reporting.services import forecast_backfill
from upsell.reporting.snapshots import budgets_snapshot, month_budgets_snapshot
from upsell.shipments.models import Shipment
from upsell.shipments.tests.factories import ShipmentFactory, shipment_with_line

AS_OF = dt.date(2025, 12, 31)


def _monthly_orders(client, *, years, amount):
    for year in years:
        for month in range(1, 13):
            shipment_with_line(client=client, date=dt.date(year, month, 10), amount=Decimal(amount))


@pytest.fixture
def regular(manager_anna):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.REGULAR)
    _monthly_orders(client, years=(2024, 2025), amount=1000)
    return client


def test_the_horizon_is_the_next_twelve_months():
    assert horizon_months(AS_OF) == [dt.date(2026, month, 1) for month in range(1, 13)]


def test_the_historic_rate_spreads_over_the_months_by_their_length(regular, manager_anna):
    refresh = forecast_baselines_refresh(as_of=AS_OF, model="historic_rate")

    cells = list(ForecastCell.objects.filter(client=regular).order_by("month"))
    # 24 orders in distinct ISO weeks: 23 repeats over T weeks from the first (Wednesday
    # 2024-01-10, week of 8 January) to 31 December 2025 (week of 29 December): T = 103.
    # The horizon is 365 days = 365/7 weeks; January takes 31 of them.
    january_orders = 23 / 103 * 365 / 7 * 31 / 365
    assert (refresh.model, refresh.clients, refresh.cells, refresh.seasonal) == (
        "historic_rate",
        1,
        12,
        True,
    )
    assert cells[0].expected_orders == Decimal(f"{january_orders:.3f}")
    assert cells[0].baseline == Decimal(f"{january_orders * 1000:.2f}")
    assert cells[0].manager == manager_anna
    assert all(cell.baseline_low < cell.baseline < cell.baseline_high for cell in cells)
    assert float(sum(cell.baseline for cell in cells)) == pytest.approx(
        23 / 103 * 365 / 7 * 1000, abs=0.1
    )


def test_the_season_shifts_the_months_and_keeps_the_year(manager_anna):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.REGULAR)
    _monthly_orders(client, years=(2024, 2025), amount=1000)
    # December sells three times an ordinary month.
    for year in (2024, 2025):
        shipment_with_line(client=client, date=dt.date(year, 12, 20), amount=Decimal(2000))

    forecast_baselines_refresh(as_of=AS_OF, model="historic_rate")

    cells = {cell.month.month: cell.baseline for cell in ForecastCell.objects.all()}
    # December's profile is three times November's, and it has 31 days to November's 30.
    assert float(cells[12] / cells[11]) == pytest.approx(3 * 31 / 30, rel=1e-3)


def test_a_budgeting_client_is_held_to_what_is_left_of_its_budget(manager_anna):
    client = ClientFactory.create(
        manager=manager_anna, plans_budget=True, annual_budget=Decimal(3000), budget_year=2026
    )
    _monthly_orders(client, years=(2024, 2025), amount=1000)
    shipment_with_line(client=client, date=dt.date(2026, 1, 12), amount=Decimal(500))

    forecast_baselines_refresh(as_of=dt.date(2026, 1, 31), model="historic_rate")

    cells = ForecastCell.objects.filter(client=client)
    in_2026 = sum(cell.baseline for cell in cells if cell.month.year == 2026)
    # 3000 budgeted, 500 bought in January: February to December share 2500.
    assert float(in_2026) == pytest.approx(2500, abs=0.06)
    assert sum(cell.baseline for cell in cells if cell.month.year == 2027) > 0


def test_a_client_that_plans_by_month_is_held_to_each_months_budget_left(manager_anna, today):
    # given a client whose 2026 budget is planned by month, 600 in February of which it was
    # shipped 550 by the refresh day, and nothing in March
    client = ClientFactory.create(manager=manager_anna)
    client_budget_months_set(
        client=client,
        months={dt.date(2026, 2, 1): Decimal(600), dt.date(2026, 3, 1): Decimal(0)},
        changed_by=manager_anna,
        source=ChangeSource.SCREEN,
    )
    _monthly_orders(client, years=(2024, 2025), amount=1000)
    shipment_with_line(client=client, date=dt.date(2026, 2, 3), amount=Decimal(550))

    forecast_baselines_refresh(as_of=dt.date(2026, 2, 10), model="historic_rate")

    # then the coming months start in March: held to nothing; April, not planned, is the
    # model's (the annual budget of 600 would have held the whole year to 50)
    cells = {cell.month: cell.baseline for cell in ForecastCell.objects.filter(client=client)}
    assert cells[dt.date(2026, 3, 1)] == Decimal("0.00")
    assert cells[dt.date(2026, 4, 1)] > Decimal(50)


def test_the_month_budgets_read_are_those_of_each_clients_budget_year(manager_anna, today):
    planned = ClientFactory.create(manager=manager_anna)
    for months in (
        {dt.date(2025, 12, 1): Decimal("10.00")},
        {dt.date(2026, 1, 1): Decimal("100.50"), dt.date(2026, 2, 1): Decimal("0.00")},
    ):
        client_budget_months_set(
            client=planned, months=months, changed_by=None, source=ChangeSource.IMPORT
        )
    stopped = ClientFactory.create(manager=manager_anna)
    client_budget_months_set(
        client=stopped,
        months={dt.date(2026, 1, 1): Decimal("5.00")},
        changed_by=None,
        source=ChangeSource.IMPORT,
    )
    stopped.plans_budget = False
    stopped.save(update_fields=["plans_budget"])

    assert month_budgets_snapshot().to_pylist() == [
        {"client_id": planned.pk, "month": dt.date(2026, 1, 1), "budget": Decimal("100.50")},
        {"client_id": planned.pk, "month": dt.date(2026, 2, 1), "budget": Decimal("0.00")},
    ]


def test_clients_that_are_not_motivated_get_no_baseline(manager_anna):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.IRREGULAR)
    _monthly_orders(client, years=(2025,), amount=1000)

    refresh = forecast_baselines_refresh(as_of=AS_OF, model="historic_rate")

    assert (refresh.clients, ForecastCell.objects.count()) == (0, 0)


def test_the_command_refreshes_and_reports(regular, capsys):
    call_command("forecast", "--as-of", "2025-12-31", "--model", "historic_rate")

    out = capsys.readouterr().out
    assert out.startswith("Baselines as of 2025-12-31 for 01.2026–12.2026: model historic_rate,")
    assert "1 clients, 12 cells, seasonal" in out
    assert ForecastCell.objects.filter(client=regular).count() == 12


@pytest.fixture
def growing(manager_anna):
    """Three clients that order monthly and double their order every year."""
    clients = ClientFactory.create_batch(3, manager=manager_anna, status=ClientStatus.REGULAR)
    for client in clients:
        for year, amount in ((2023, 1000), (2024, 2000), (2025, 4000)):
            _monthly_orders(client, years=(year,), amount=amount)
    return clients


def test_the_backtest_chooses_last_years_months_for_growing_clients(growing):
    refresh = forecast_baselines_refresh(as_of=AS_OF)

    scores = {score.model: score for score in refresh.backtest}
    # One fold fits in three years: fitted up to 2024-12-31, scored on 2025. Last year's
    # months forecast 12 orders of 2000 where 12 of 4000 came: 24 000 short per client.
    assert (scores["last_year"].folds, scores["last_year"].mae_transactions) == (1, 0.0)
    assert scores["last_year"].mae_spend == 24_000
    # The historic rate averages 2023 and 2024 (1500 an order): further off.
    assert scores["historic_rate"].mae_spend > 30_000
    # On three identical clients neither BTYD model is identifiable; both are ruled out.
    assert not scores["bgnbd"].eligible
    assert scores["bgnbd"].reason.startswith("fold 2024-12-31–2025-12-31: the fit ran to")
    assert not scores["pnbd"].eligible
    assert (refresh.requested, refresh.model, refresh.fallback_reason) == ("auto", "last_year", "")
    # Each month of 2026 repeats the client's same month of 2025: one order of 4000.
    cells = ForecastCell.objects.filter(client=growing[0]).order_by("month")
    assert [(cell.expected_orders, cell.baseline, cell.baseline_model) for cell in cells] == [
        (Decimal("1.000"), Decimal("4000.00"), "last_year")
    ] * 12


def test_a_model_asked_for_is_used_without_a_backtest(growing):
    refresh = forecast_baselines_refresh(as_of=AS_OF, model="historic_rate")

    assert (refresh.model, refresh.backtest) == ("historic_rate", ())


def test_an_unidentifiable_model_asked_for_falls_back_and_says_why(growing):
    refresh = forecast_baselines_refresh(as_of=AS_OF, model="bgnbd")

    assert refresh.model == "historic_rate"
    assert refresh.fallback_reason.startswith("bgnbd: the fit ran to the boundary")


def test_the_command_records_the_run_and_prints_the_backtest(growing, capsys):
    call_command("forecast", "--as-of", "2025-12-31")

    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "Backtest bgnbd: not eligible: fold 2024-12-31–2025-12-31: the fit ran to the "
        "boundary: r → ∞, a → 0, b → ∞",
        "Backtest pnbd: not eligible: fold 2024-12-31–2025-12-31: the fit ran to the "
        "boundary: r → ∞, s → 0, beta → ∞",
    ]
    assert out[3] == "Backtest last_year: MAE orders 0.000, amount 24000.00"
    assert out[4].startswith(
        "Baselines as of 2025-12-31 for 01.2026–12.2026: model last_year, 3 clients, 36 cells"
    )
    run = ForecastRun.objects.get()
    assert (run.status, run.requested_model, run.model, run.clients, run.cells) == (
        RunStatus.SUCCEEDED,
        "auto",
        "last_year",
        3,
        36,
    )
    assert run.backtest["last_year"] == {
        "folds": 1,
        "mae_transactions": 0.0,
        "mae_spend": 24000.0,
        "eligible": True,
        "reason": "scored",
    }
    assert run.backtest["bgnbd"]["mae_spend"] is None


def test_every_model_a_run_can_name_has_a_label():
    assert set(ForecastModel.values) == set(BASELINE_MODELS)


def _segment_with_orders(manager, *, segment, clients, summer):
    """``clients`` of ``segment`` ordering 1000 a month through 2024 and 2025, ``summer`` a
    month in June to August."""
    members = ClientFactory.create_batch(
        clients, manager=manager, status=ClientStatus.REGULAR, segment=segment
    )
    Shipment.objects.bulk_create(
        ShipmentFactory.build(
            client=client,
            date=dt.date(year, month, 10),
            total=Decimal(summer if month in (6, 7, 8) else 1000),
        )
        for client in members
        for year in (2024, 2025)
        for month in range(1, 13)
    )
    return members


def test_a_segment_with_enough_clients_follows_its_own_season(manager_anna):
    building = _segment_with_orders(manager_anna, segment="Стройка", clients=20, summer=3000)
    retail = _segment_with_orders(manager_anna, segment="Розница", clients=20, summer=1000)
    small = _segment_with_orders(manager_anna, segment="Мелкий опт", clients=3, summer=9000)

    refresh = forecast_baselines_refresh(as_of=AS_OF, model="historic_rate")

    def june_to_may(client):
        cells = dict(
            ForecastCell.objects.filter(client=client).values_list("month__month", "baseline")
        )
        return float(cells[6] / cells[5])

    assert refresh.seasonal_segments == ("Розница", "Стройка")
    # Building sells 40 000 a normal month and 120 000 a summer one: its profile is 2/3 and 2,
    # and June has 30 days to May's 31.
    assert june_to_may(building[0]) == pytest.approx(2 / (2 / 3) * 30 / 31, rel=1e-3)
    assert june_to_may(retail[0]) == pytest.approx(30 / 31, rel=1e-3)
    # Three clients are too few for a season of their own: the company's (43 clients).
    normal, summer = 43 * 2 * 1000, (20 * 3000 + 20 * 1000 + 3 * 9000) * 2
    assert june_to_may(small[0]) == pytest.approx(summer / normal * 30 / 31, rel=1e-3)


def test_a_runs_backtest_reads_in_the_models_order_whatever_the_database_kept(db):
    score = {"folds": 1, "mae_transactions": 1.0, "mae_spend": 2.0, "eligible": True}
    run = ForecastRun.objects.create(
        as_of=AS_OF, backtest={"last_year": score, "pnbd": score, "bgnbd": score}
    )
    run.refresh_from_db()

    assert [model for model, _ in run.backtest_scores()] == ["bgnbd", "pnbd", "last_year"]


def test_backfill_replays_the_last_months_so_accuracy_shows_at_once(regular, manager_anna):
    for month in range(1, 6):
        shipment_with_line(client=regular, date=dt.date(2026, month, 10), amount=Decimal(1000))

    done = forecast_backfill(months=3, today=dt.date(2026, 6, 10), model="historic_rate")
    again = forecast_backfill(months=3, today=dt.date(2026, 6, 10), model="historic_rate")

    assert [(m.month, m.run.as_of, m.run.model, m.lock.cells) for m in done] == [
        (dt.date(2026, 4, 1), dt.date(2026, 3, 25), "historic_rate", 1),
        (dt.date(2026, 5, 1), dt.date(2026, 4, 25), "historic_rate", 1),
        (dt.date(2026, 6, 1), dt.date(2026, 5, 25), "historic_rate", 1),
    ]
    assert again == []
    # April was locked with the baseline fitted on 25 March; its 1000 shipped are the fact.
    april = ForecastSnapshot.objects.get(month=dt.date(2026, 4, 1))
    assert april.forecast == april.baseline > 0
    accuracy = forecast_accuracy(manager=manager_anna, year=2026, today=dt.date(2026, 6, 10))
    assert [(line.label, line.actual) for line in accuracy.by_month] == [
        ("04.2026", Decimal("1000.00")),
        ("05.2026", Decimal("1000.00")),
    ]
    may = ForecastSnapshot.objects.get(month=dt.date(2026, 5, 1))
    # The historic rate as of 25 March and 25 April: 968.94 and 1 004.80 against 1 000 each.
    assert (april.forecast, may.forecast) == (Decimal("968.94"), Decimal("1004.80"))
    assert accuracy.total.absolute_error == Decimal("35.86")


def test_the_backfill_command_says_what_it_locked(regular, capsys):
    call_command(
        "forecast_backfill", "--months", "1", "--today", "2026-01-10", "--model", "historic_rate"
    )

    assert capsys.readouterr().out == (
        "01.2026: fitted as of 2025-12-25 with historic_rate, locked 1 cells\n"
    )


def test_last_years_same_month_repeats_each_clients_own_months(manager_anna):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.REGULAR)
    for date, amount in ((dt.date(2025, 3, 5), 700), (dt.date(2025, 3, 20), 300),
                         (dt.date(2025, 9, 9), 2500), (dt.date(2024, 6, 1), 900)):  # fmt: skip
        shipment_with_line(client=client, date=date, amount=Decimal(amount))

    refresh = forecast_baselines_refresh(as_of=AS_OF, model="last_year")

    cells = {
        cell.month.month: (cell.expected_orders, cell.baseline)
        for cell in ForecastCell.objects.filter(client=client)
    }
    assert (refresh.model, refresh.seasonal) == ("last_year", False)
    assert cells[3] == (Decimal("2.000"), Decimal("1000.00"))
    assert cells[9] == (Decimal("1.000"), Decimal("2500.00"))
    # June 2024 is two years back; every other month of 2025 bought nothing.
    assert {month: cell for month, cell in cells.items() if month not in (3, 9)} == {
        month: (Decimal("0.000"), Decimal("0.00")) for month in (1, 2, 4, 5, 6, 7, 8, 10, 11, 12)
    }


def test_the_budgets_read_carry_what_each_client_bought_in_its_budget_year(manager_anna):
    # given a budget for 2026, and purchases before, in and after the part of 2026 that passed
    client = ClientFactory.create(
        manager=manager_anna, plans_budget=True, annual_budget=Decimal(3000), budget_year=2026
    )
    purchases = [
        (dt.date(2025, 12, 30), "800.00"),
        (dt.date(2026, 1, 12), "500.10"),
        (dt.date(2026, 2, 2), "-0.20"),
        (dt.date(2026, 3, 2), "900.00"),
    ]
    for date, amount in purchases:
        shipment_with_line(client=client, date=date, amount=Decimal(amount))
    ClientFactory.create(manager=manager_anna, plans_budget=True)
    ClientFactory.create(manager=manager_anna, annual_budget=Decimal(5000), budget_year=2026)

    budgets = budgets_snapshot(as_of=dt.date(2026, 2, 28))

    # then only the client that plans a budget and names it is read, with January and the
    # return of February: 499.90
    assert budgets.to_pylist() == [
        {
            "client_id": client.pk,
            "budget_year": 2026,
            "annual_budget": Decimal("3000.00"),
            "bought": Decimal("499.90"),
        }
    ]
