"""What the grid says about a client and a month: a month without a forecast shows none, the
row's figures are named, and a plan comes back as the page writes amounts."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.clients.models import ClientAudit, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence, ForecastCell, ForecastLock
from upsell.forecasts.tests.elements import texts_by_id
from upsell.history.models import Change, ChangeSource, Subject
from upsell.shipments.tests.factories import shipment_with_line

TODAY = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
JAN, FEB, MARCH, APRIL, MAY, JUNE = (dt.date(2026, month, 1) for month in range(1, 7))
pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _as(user, language: str = "en") -> HttpClient:
    client = HttpClient(headers={"accept-language": language})
    client.force_login(user)
    return client


@pytest.fixture
def omega(manager_anna):
    """A client that plans a budget of 1 200 000, with a forecast for February only, and
    shipments in January (no forecast) and February."""
    client = ClientFactory.create(
        name="Омега",
        manager=manager_anna,
        status=ClientStatus.REGULAR,
        plans_budget=True,
        annual_budget=Decimal(1_200_000),
        budget_year=2026,
    )
    ClientAudit.objects.create(
        client=client,
        as_of=JAN,
        status_rule="regular",
        perspective=64,
        share_of_wallet=0.125,
    )
    ForecastCell.objects.create(
        client=client,
        month=FEB,
        manager=manager_anna,
        baseline=Decimal(700),
        baseline_high=Decimal(700),
    )
    shipment_with_line(client=client, date=dt.date(2026, 1, 20), amount=Decimal(4000))
    shipment_with_line(client=client, date=dt.date(2026, 2, 3), amount=Decimal(1000))
    return client


def test_a_past_month_without_a_forecast_shows_its_shipments_and_no_deviation(manager_anna, omega):
    texts = texts_by_id(_as(manager_anna).get(reverse("forecasts:grid")).content.decode())

    assert texts[f"cell-{omega.pk}-2026-01"] == "4,000.00"  # shipped; no forecast, no Δ
    assert texts[f"cell-{omega.pk}-2026-02"] == "700.00 1,000.00 Δ 300.00"
    assert texts[f"cell-{omega.pk}-2026-04"] == "✎"  # nothing forecast yet


def test_the_year_sets_the_fact_beside_the_forecast_of_the_same_months(manager_anna, omega):
    texts = texts_by_id(_as(manager_anna).get(reverse("forecasts:grid")).content.decode())

    # January's 4 000 had no forecast: the row compares February's 1 000 with its 700.
    assert texts[f"row-total-{omega.pk}"] == "700.00 fact 1,000.00 of 700.00"
    assert texts["total-fact-year"] == "5,000.00"
    assert texts["total-fact-gap-2026-01"] == "0.00"
    assert texts["total-fact-gap-2026-02"] == "300.00"
    assert texts["total-fact-gap-2026-03"] == "0.00"
    assert texts["total-fact-gap-2026-04"] == ""  # not begun
    assert texts["total-fact-gap-year"] == "300.00"


def test_the_legend_names_the_editors_keys_to_whoever_edits(manager_anna, top_manager, omega):
    keys = "In an open cell, Enter saves and goes down a row, Tab saves and goes right, Esc puts"
    grid = {"manager": manager_anna.pk, "year": 2026}

    own = _as(manager_anna).get(reverse("forecasts:grid"), grid).content.decode()
    read_only = _as(top_manager).get(reverse("forecasts:grid"), grid).content.decode()

    assert (keys in own, keys in read_only) == (True, False)


def test_the_row_names_its_perspective_budget_and_share_of_wallet(manager_anna, omega):
    html = _as(manager_anna).get(reverse("forecasts:grid")).content.decode()

    assert "perspective 64/100" in html
    assert "budget 1,200,000.00" in html
    assert "share of wallet 13\xa0%" in html  # 12.5 % as a whole percent, rounded half up


@pytest.mark.parametrize(
    ("language", "typed", "shown"),
    [("en", "1234567.5", "1,234,567.50"), ("ru", "1234567,5", "1\xa0234\xa0567,50")],
)
def test_a_typed_plan_comes_back_formatted_and_reads_back_the_same(
    head_of_sales, manager_anna, language, typed, shown
):
    http = _as(head_of_sales, language)
    url = reverse("forecasts:plan")

    typed_response = http.post(
        url, {"manager": manager_anna.pk, "month": "2026-05", "amount": typed}
    )
    again = http.post(url, {"manager": manager_anna.pk, "month": "2026-05", "amount": shown})

    for response in (typed_response, again):
        assert f'name="amount" value="{shown}"' in response.content.decode()
    page = _as(head_of_sales, language).get(
        reverse("forecasts:grid"), {"manager": manager_anna.pk, "year": 2026}
    )
    assert f'name="amount" value="{shown}"' in page.content.decode()


def _accept(http: HttpClient, manager, **extra):
    return http.post(
        reverse("forecasts:baselines_accept"),
        {"manager": manager.pk, "year": 2026, **extra},
        follow=True,
    )


@pytest.fixture
def gamma_and_delta(manager_anna):
    """Гамма: baselines for February (over), March (locked), April, May (Anna's 900 already)
    and June; Дельта: a baseline for April."""
    gamma = ClientFactory.create(name="Гамма", manager=manager_anna, status=ClientStatus.REGULAR)
    delta = ClientFactory.create(name="Дельта", manager=manager_anna, status=ClientStatus.VIP)
    for client, month, baseline in (
        (gamma, FEB, 200),
        (gamma, MARCH, 300),
        (gamma, APRIL, 400),
        (gamma, MAY, 500),
        (gamma, JUNE, 600),
        (delta, APRIL, 40),
    ):
        ForecastCell.objects.create(
            client=client,
            month=month,
            manager=manager_anna,
            baseline=Decimal(baseline),
            baseline_high=Decimal(baseline),
        )
    ForecastCell.objects.filter(client=gamma, month=MAY).update(
        amount=Decimal(900), confidence=Confidence.COMMIT, version=1
    )
    ForecastLock.objects.create(month=MARCH)
    return gamma, delta


def _figures():
    return {
        (cell.client.name, cell.month.month): (cell.amount, cell.confidence, cell.version)
        for cell in ForecastCell.objects.select_related("client")
    }


def test_accepting_a_rows_baseline_fills_only_its_empty_cells_that_can_change(
    manager_anna, gamma_and_delta
):
    gamma, _delta = gamma_and_delta

    response = _accept(_as(manager_anna), manager_anna, client=gamma.pk)

    assert _figures() == {
        ("Гамма", 2): (None, "", 0),  # over
        ("Гамма", 3): (None, "", 0),  # locked
        ("Гамма", 4): (Decimal("400.00"), Confidence.PROBABLE, 1),
        ("Гамма", 5): (Decimal("900.00"), Confidence.COMMIT, 1),  # Anna's own figure stays
        ("Гамма", 6): (Decimal("600.00"), Confidence.PROBABLE, 1),
        ("Дельта", 4): (None, "", 0),  # another row
    }
    assert [str(message) for message in response.context["messages"]] == [
        "2 empty cells now hold their baseline."
    ]
    assert response.redirect_chain == [
        (f"{reverse('forecasts:grid')}?manager={manager_anna.pk}&year=2026", 302)
    ]
    changes = Change.objects.filter(subject=Subject.FORECAST_CELL, month=APRIL, object_id=gamma.pk)
    assert sorted((c.field, c.after, c.changed_by_id, c.source) for c in changes) == [
        ("amount", "400.00", manager_anna.pk, ChangeSource.SCREEN),
        ("confidence", Confidence.PROBABLE, manager_anna.pk, ChangeSource.SCREEN),
    ]


def test_the_head_of_sales_accepts_a_whole_grid_and_again_finds_nothing_to_fill(
    head_of_sales, manager_anna, gamma_and_delta
):
    http = _as(head_of_sales)

    first = _accept(http, manager_anna)
    second = _accept(http, manager_anna)

    assert {key: figures[0] for key, figures in _figures().items()} == {
        ("Гамма", 2): None,
        ("Гамма", 3): None,
        ("Гамма", 4): Decimal("400.00"),
        ("Гамма", 5): Decimal("900.00"),
        ("Гамма", 6): Decimal("600.00"),
        ("Дельта", 4): Decimal("40.00"),
    }
    assert [str(m) for m in first.context["messages"]] == ["3 empty cells now hold their baseline."]
    assert [str(m) for m in second.context["messages"]] == [
        "No empty cell that can still change has a baseline."
    ]


def test_boris_and_top_management_cannot_accept_annas_baselines(
    manager_boris, top_manager, manager_anna, gamma_and_delta
):
    gamma, _delta = gamma_and_delta
    before = _figures()

    boris = _accept(_as(manager_boris), manager_anna, client=gamma.pk)
    top = _accept(_as(top_manager), manager_anna)

    assert (boris.status_code, top.status_code) == (404, 403)
    assert _figures() == before


def test_once_every_month_left_in_the_year_is_locked_the_grid_opens_on_next_year(manager_anna):
    december, january = dt.date(2026, 12, 1), dt.date(2027, 1, 1)
    with time_machine.travel(dt.datetime(2026, 12, 28, 12, tzinfo=dt.UTC), tick=False):
        ForecastLock.objects.create(month=december)
        december_locked = _as(manager_anna).get(reverse("forecasts:grid"))
        ForecastLock.objects.create(month=january)
        january_locked = _as(manager_anna).get(reverse("forecasts:grid"))
        chosen = _as(manager_anna).get(reverse("forecasts:grid"), {"year": 2026})

    assert december_locked.context["year"] == 2027
    assert january_locked.context["year"] == 2027
    assert chosen.context["year"] == 2026


def test_while_a_month_of_the_year_can_change_the_grid_opens_on_this_year(manager_anna):
    ForecastLock.objects.create(month=MARCH)

    response = _as(manager_anna).get(reverse("forecasts:grid"))

    assert response.context["year"] == 2026
