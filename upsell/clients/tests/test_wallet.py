"""Share of wallet by month on the client card and over the API, and the month budgets edited
there, as each persona."""

import datetime as dt
from decimal import Decimal

import pytest

from upsell.clients.models import ClientBudgetMonth
from upsell.clients.services import client_budget_months_set
from upsell.clients.tests.factories import ClientFactory
from upsell.clients.tests.test_api import api_client, client_fields
from upsell.clients.wallet import client_wallet, clients_wallet_month
from upsell.core.months import year_months
from upsell.history.models import Change, ChangeSource
from upsell.shipments.selectors import shipped_per_client
from upsell.shipments.tests.factories import ShipmentFactory

BUDGETS = ["1000.00", "1000.00", "2000.00", *(["0.00"] * 8), "500.00"]


@pytest.fixture
def budgeted(annas_client, manager_anna, today):
    """Anna's client plans 4 500.00 in 2026; shipped 400 in January (one return of 100 in it),
    2 500 in March (over its budget), 700 in December 2025 (outside the year)."""
    client_budget_months_set(
        client=annas_client,
        months=dict(zip(year_months(2026), map(Decimal, BUDGETS), strict=True)),
        changed_by=manager_anna,
        source=ChangeSource.SCREEN,
    )
    for date, total in (
        (dt.date(2026, 1, 10), "500.00"),
        (dt.date(2026, 1, 20), "-100.00"),
        (dt.date(2026, 3, 31), "2500.00"),
        (dt.date(2025, 12, 31), "700.00"),
    ):
        ShipmentFactory.create(client=annas_client, date=date, total=Decimal(total))
    annas_client.refresh_from_db()
    return annas_client


def test_share_and_competitors_by_month_quarter_and_year(budgeted):
    wallet = client_wallet(client=budgeted, year=2026)

    assert wallet is not None
    assert [
        (period.first.month, period.budget, period.shipped, period.share, period.competitors)
        for period in wallet.months[:4]
    ] == [
        (1, Decimal("1000.00"), Decimal("400.00"), 0.4, Decimal("600.00")),
        (2, Decimal("1000.00"), Decimal("0.00"), 0.0, Decimal("1000.00")),
        (3, Decimal("2000.00"), Decimal("2500.00"), 1.25, Decimal("0.00")),
        (4, Decimal("0.00"), Decimal("0.00"), None, Decimal("0.00")),
    ]
    assert [
        (period.first, period.last, period.budget, period.shipped, period.share)
        for period in wallet.quarters
    ] == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 1), Decimal("4000.00"), Decimal("2900.00"), 0.725),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 1), Decimal("0.00"), Decimal("0.00"), None),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 1), Decimal("0.00"), Decimal("0.00"), None),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 1), Decimal("500.00"), Decimal("0.00"), 0.0),
    ]
    assert (wallet.total.budget, wallet.total.shipped, wallet.total.competitors) == (
        Decimal("4500.00"),
        Decimal("2900.00"),
        Decimal("1600.00"),
    )
    assert wallet.total.share == 0.6444


def test_the_month_of_many_clients_is_the_month_of_each_wallet(budgeted, manager_anna):
    other = ClientFactory.create(manager=manager_anna, plans_budget=True)
    clients = [budgeted.pk, other.pk]

    january = clients_wallet_month(clients=clients, month=dt.date(2026, 1, 1))
    march = clients_wallet_month(clients=clients, month=dt.date(2026, 3, 1))

    wallet = client_wallet(client=budgeted, year=2026)
    assert wallet is not None
    assert january == {budgeted.pk: wallet.months[0]}
    assert march == {budgeted.pk: wallet.months[2]}
    assert (january[budgeted.pk].competitors, march[budgeted.pk].competitors) == (
        Decimal("600.00"),
        Decimal("0.00"),
    )
    assert clients_wallet_month(clients=clients, month=dt.date(2025, 12, 1)) == {}


def test_the_month_of_many_clients_takes_the_shipped_amounts_in_hand(
    budgeted, manager_anna, django_assert_num_queries
):
    january = dt.date(2026, 1, 1)
    shipped = shipped_per_client(first=january, end=dt.date(2026, 2, 1), clients=[budgeted.pk])

    with django_assert_num_queries(1):
        given = clients_wallet_month(clients=[budgeted.pk], month=january, shipped=shipped)

    assert given == clients_wallet_month(clients=[budgeted.pk], month=january)
    assert (given[budgeted.pk].budget, given[budgeted.pk].shipped) == (
        Decimal("1000.00"),
        Decimal("400.00"),
    )


def test_a_year_without_months_has_no_wallet(budgeted):
    assert client_wallet(client=budgeted, year=2025) is None


def test_the_card_shows_the_budget_year_by_month(client, manager_anna, budgeted):
    client.force_login(manager_anna)

    html = client.get(f"/clients/{budgeted.pk}/").content.decode()

    january = html.split('<tr data-month="2026-01">', 1)[1].split("</tr>", 1)[0]
    assert [cell.split(">", 1)[1].split("<", 1)[0] for cell in january.split("<td")[1:]] == [
        "January",
        "1,000.00",
        "400.00",
        "40&nbsp;%",
        "600.00",
    ]
    total = html.split("<tr data-total>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">4,500.00</td>' in total
    assert '<td class="num">64&nbsp;%</td>' in total
    assert f'href="/clients/{budgeted.pk}/budget/"' in html


def test_the_card_lists_each_month_changed_with_its_month(client, manager_anna, budgeted):
    client.force_login(manager_anna)

    html = client.get(f"/clients/{budgeted.pk}/?changes=all").content.decode()

    changes = html.split('<section class="panel" id="changes">', 1)[1].split("</section>", 1)[0]
    march = changes.split('<li data-field="budget_month">')[3].split("</div>", 1)[0]
    assert " ".join(march.split()) == (
        '<div><span class="mono">03.2026</span> · <strong>Budget of the month:</strong> '
        '<span class="before">—</span> → <span class="after">₽2,000.00</span>'
    )


@pytest.mark.parametrize(("persona", "status"), [
    ("manager_anna", 302), ("head_of_sales", 302),
    ("assistant_vera", 404), ("top_manager", 403), ("manager_boris", 404), ("admin_adam", 404),
])  # fmt: skip
def test_who_edits_the_months_on_the_card(client, request, persona, status, budgeted):
    before = list(ClientBudgetMonth.objects.values_list("month", "amount"))
    changes = Change.objects.count()
    client.force_login(request.getfixturevalue(persona))
    form = {"year": "2026", **{f"month_{number:02d}": "10" for number in range(1, 13)}}

    response = client.post(f"/clients/{budgeted.pk}/budget/", form)

    assert response.status_code == status
    budgeted.refresh_from_db()
    if status == 302:
        assert budgeted.annual_budget == Decimal("120.00")
    else:
        assert list(ClientBudgetMonth.objects.values_list("month", "amount")) == before
        assert (budgeted.annual_budget, Change.objects.count()) == (Decimal("4500.00"), changes)


def test_the_edit_form_shows_the_months_and_refuses_a_negative_one(client, manager_anna, budgeted):
    client.force_login(manager_anna)

    page = client.get(f"/clients/{budgeted.pk}/budget/").content.decode()
    refused = client.post(
        f"/clients/{budgeted.pk}/budget/", {"year": "2026", "month_03": "-5"}
    ).content.decode()

    assert 'name="month_03" value="2,000.00"' in page
    assert "Ensure this value is greater than or equal to 0." in refused
    budgeted.refresh_from_db()
    assert budgeted.annual_budget == Decimal("4500.00")


def test_the_api_gives_the_wallet_of_the_budget_year(manager_anna, budgeted):
    response = api_client(manager_anna).get(f"/api/clients/{budgeted.pk}/budget-months")

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], len(body["months"]), body["months"][2]) == (
        2026,
        12,
        {
            "first_month": "2026-03-01",
            "last_month": "2026-03-01",
            "budget": "2000.00",
            "shipped": "2500.00",
            "share": 1.25,
            "competitors": "0.00",
        },
    )
    assert body["total"] == {
        "first_month": "2026-01-01",
        "last_month": "2026-12-01",
        "budget": "4500.00",
        "shipped": "2900.00",
        "share": 0.6444,
        "competitors": "1600.00",
    }


def test_the_api_gives_an_empty_year_without_months(manager_anna, budgeted):
    response = api_client(manager_anna).get(f"/api/clients/{budgeted.pk}/budget-months?year=2025")

    assert response.json() == {"year": 2025, "months": [], "quarters": [], "total": None}


@pytest.mark.parametrize(("persona", "status"), [
    ("manager_anna", 200), ("head_of_sales", 200),
    ("top_manager", 403), ("assistant_vera", 404), ("manager_boris", 404),
])  # fmt: skip
def test_who_sets_the_months_over_the_api(request, persona, status, budgeted):
    before = client_fields(budgeted)
    changes = Change.objects.count()

    response = api_client(request.getfixturevalue(persona)).put(
        f"/api/clients/{budgeted.pk}/budget-months",
        {"year": 2026, "months": ["100"] * 12},
        content_type="application/json",
    )

    assert response.status_code == status
    if status == 200:
        assert response.json()["total"]["budget"] == "1200.00"
        assert Change.objects.filter(source=ChangeSource.API).count() == 13
    else:
        assert client_fields(budgeted) == before
        assert Change.objects.count() == changes


@pytest.mark.parametrize(("payload", "loc"), [
    ({"year": 2026, "months": ["100"] * 11}, ["body", "payload", "months"]),
    ({"year": 2026, "months": ["-1", *["100"] * 11]}, ["body", "payload", "months", 0]),
    ({"year": 2026, "months": [*["100"] * 11, "1.234"]}, ["body", "payload", "months", 11]),
    ({"year": 1999, "months": ["100"] * 12}, ["body", "payload", "year"]),
])  # fmt: skip
def test_bad_months_over_the_api_name_the_field(manager_anna, budgeted, payload, loc):
    before = client_fields(budgeted)

    response = api_client(manager_anna).put(
        f"/api/clients/{budgeted.pk}/budget-months", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [loc]
    assert client_fields(budgeted) == before
