"""Sales plans and forecast accuracy over the API: the grid's plan row and the accuracy page's
figures, under their rules; the head of sales alone sets plans, through the grid's service.

On 10 March 2026 January and February are over and locked. Anna forecast Гамма 1 000 and
Дельта 500 for January, Гамма 800 for February; they were shipped 1 200, 300 and 1 000. Boris
forecast Омега 100 for January and it was shipped 100.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence, SalesPlan
from upsell.forecasts.services import forecast_cell_save, forecast_snapshot_take
from upsell.history.models import Change, ChangeSource, Subject
from upsell.shipments.tests.factories import shipment_with_line

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def ref(user):
    return {"id": user.pk, "username": user.username, "full_name": user.full_name}


def client_ref(client):
    return {"id": client.pk, "name": client.name, "tax_id": client.tax_id}


def months_of_2026(amounts: dict[int, str]) -> list[dict[str, str | None]]:
    return [
        {"month": f"2026-{number:02}-01", "amount": amounts.get(number)} for number in range(1, 13)
    ]


# --- plans ----------------------------------------------------------------------------------


@pytest.fixture
def plans(manager_anna, manager_boris, head_of_sales):
    for manager, month, amount in (
        (manager_anna, JAN, "100000.00"),
        (manager_anna, MAR, "120000.50"),
        (manager_boris, MAR, "90000.00"),
    ):
        SalesPlan.objects.create(
            manager=manager, month=month, amount=Decimal(amount), set_by=head_of_sales
        )
    # Another year's plan stays out of 2026.
    SalesPlan.objects.create(manager=manager_anna, month=dt.date(2027, 1, 1), amount=Decimal(1))


def test_a_manager_reads_its_own_plans(manager_anna, plans):
    response = api_client(manager_anna).get("/api/forecasts/plans", {"year": 2026})

    assert response.status_code == 200
    assert response.json() == [
        {
            "manager": ref(manager_anna),
            "year": 2026,
            "months": months_of_2026({1: "100000.00", 3: "120000.50"}),
            "total": "220000.50",
        }
    ]


def test_the_head_of_sales_reads_every_managers_plans(
    head_of_sales, manager_anna, manager_boris, plans
):
    # Without a year: the year the grid opens on, this one in March.
    response = api_client(head_of_sales).get("/api/forecasts/plans")

    assert response.status_code == 200
    assert [(line["manager"]["username"], line["total"]) for line in response.json()] == [
        ("anna", "220000.50"),
        ("boris", "90000.00"),
    ]


def test_a_manager_does_not_find_another_managers_plans(manager_anna, manager_boris, plans):
    response = api_client(manager_anna).get("/api/forecasts/plans", {"manager": manager_boris.pk})

    assert response.status_code == 404


def test_an_assistant_reads_no_plans(assistant_vera, plans):
    assert api_client(assistant_vera).get("/api/forecasts/plans").status_code == 403


def test_the_head_of_sales_sets_a_managers_plans(head_of_sales, manager_anna, plans):
    response = api_client(head_of_sales).put(
        "/api/forecasts/plans",
        {"manager_id": manager_anna.pk, "year": 2026,
         "months": {"1": None, "3": "125000", "12": "80000.10"}},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 200
    assert response.json() == {
        "manager": ref(manager_anna),
        "year": 2026,
        "months": months_of_2026({3: "125000.00", 12: "80000.10"}),
        "total": "205000.10",
    }
    assert sorted(
        SalesPlan.objects.filter(manager=manager_anna).values_list("month", "amount", "set_by")
    ) == [
        (MAR, Decimal("125000.00"), head_of_sales.pk),
        (dt.date(2026, 12, 1), Decimal("80000.10"), head_of_sales.pk),
        (dt.date(2027, 1, 1), Decimal("1.00"), None),
    ]
    # Each plan that moved is in the plan's history, made over the API.
    assert sorted(
        Change.objects.filter(subject=Subject.SALES_PLAN, object_id=manager_anna.pk).values_list(
            "month", "before", "after", "source"
        )
    ) == [
        (JAN, "100000.00", None, ChangeSource.API),
        (MAR, "120000.50", "125000.00", ChangeSource.API),
        (dt.date(2026, 12, 1), None, "80000.10", ChangeSource.API),
    ]


@pytest.mark.parametrize("persona", ["manager_anna", "top_manager", "assistant_vera"])
def test_nobody_else_sets_plans(request, manager_anna, plans, persona):
    response = api_client(request.getfixturevalue(persona)).put(
        "/api/forecasts/plans",
        {"manager_id": manager_anna.pk, "year": 2026, "months": {"1": "1.00"}},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert SalesPlan.objects.get(manager=manager_anna, month=JAN).amount == Decimal("100000.00")
    assert not Change.objects.filter(subject=Subject.SALES_PLAN).exists()


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"months": {"3": "-1"}}, ["body", "payload", "months", "3"]),
        ({"months": {"3": "10000000000000"}}, ["body", "payload", "months", "3"]),
        ({"months": {"3": "1.001"}}, ["body", "payload", "months", "3"]),
        ({"months": {"13": "1"}}, ["body", "payload", "months", "13", "[key]"]),
        ({"year": 2029}, ["body", "year"]),
        ({"manager_id": "head"}, ["body", "manager_id"]),
    ],
)
def test_a_plan_that_cannot_be_is_refused_naming_its_field(
    head_of_sales, manager_anna, plans, change, loc
):
    payload = {"manager_id": manager_anna.pk, "year": 2026, "months": {"3": "1.00"}} | change
    if payload["manager_id"] == "head":
        payload["manager_id"] = head_of_sales.pk

    response = api_client(head_of_sales).put(
        "/api/forecasts/plans", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [loc]
    assert SalesPlan.objects.get(manager=manager_anna, month=MAR).amount == Decimal("120000.50")
    assert not Change.objects.filter(subject=Subject.SALES_PLAN).exists()


def test_a_locked_months_plan_is_refused_and_nothing_is_written(head_of_sales, manager_anna, plans):
    forecast_snapshot_take(month=MAR)

    response = api_client(head_of_sales).put(
        "/api/forecasts/plans",
        {"manager_id": manager_anna.pk, "year": 2026, "months": {"3": "1.00", "4": "2.00"}},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "months.3"],
                "msg": "The plan for 03.2026 cannot change: the month is locked.",
                "type": "invalid",
            }
        ]
    }
    assert sorted(
        SalesPlan.objects.filter(manager=manager_anna).values_list("month", "amount")
    ) == [
        (JAN, Decimal("100000.00")),
        (MAR, Decimal("120000.50")),
        (dt.date(2027, 1, 1), Decimal("1.00")),
    ]
    assert not Change.objects.filter(subject=Subject.SALES_PLAN).exists()


# --- accuracy -------------------------------------------------------------------------------


@pytest.fixture
def locked(manager_anna, manager_boris):
    gamma = ClientFactory.create(name='ООО "Гамма"', manager=manager_anna, status="regular")
    delta = ClientFactory.create(name='ООО "Дельта"', manager=manager_anna, status=ClientStatus.VIP)
    omega = ClientFactory.create(name='ООО "Омега"', manager=manager_boris, status="regular")
    with time_machine.travel(dt.datetime(2025, 12, 20, 12, tzinfo=dt.UTC), tick=False):
        for client, month, amount, manager in (
            (gamma, JAN, 1000, manager_anna),
            (delta, JAN, 500, manager_anna),
            (gamma, FEB, 800, manager_anna),
            (omega, JAN, 100, manager_boris),
        ):
            forecast_cell_save(
                client=client, month=month, amount=Decimal(amount),
                confidence=Confidence.COMMIT, comment="", expected_version=0, user=manager,
                source=ChangeSource.SCREEN,
            )  # fmt: skip
    for month in (JAN, FEB):
        forecast_snapshot_take(month=month)
    shipment_with_line(client=gamma, date=dt.date(2026, 1, 20), amount=Decimal(1200))
    shipment_with_line(client=delta, date=dt.date(2026, 1, 20), amount=Decimal(300))
    shipment_with_line(client=gamma, date=dt.date(2026, 2, 20), amount=Decimal(1000))
    shipment_with_line(client=omega, date=dt.date(2026, 1, 20), amount=Decimal(100))
    return {"gamma": gamma, "delta": delta, "omega": omega}


def test_a_manager_reads_its_own_accuracy_as_the_page_shows_it(manager_anna, locked):
    response = api_client(manager_anna).get("/api/forecasts/accuracy")

    assert response.status_code == 200
    # January: |1000 − 1200| + |500 − 300| = 400 over 1500 shipped, no bias; February 200 under.
    assert response.json() == [
        {
            "manager": ref(manager_anna),
            "year": 2026,
            "total": {"forecast": "2300.00", "actual": "2500.00", "wape": 24.0, "bias": -8.0},
            "by_month": [
                {"month": "2026-01-01", "forecast": "1500.00", "actual": "1500.00",
                 "wape": 26.7, "bias": 0.0},
                {"month": "2026-02-01", "forecast": "800.00", "actual": "1000.00",
                 "wape": 20.0, "bias": -20.0},
            ],
            "by_client": [
                {"client": client_ref(locked["gamma"]), "forecast": "1800.00",
                 "actual": "2200.00", "wape": 18.2, "bias": -18.2},
                {"client": client_ref(locked["delta"]), "forecast": "500.00",
                 "actual": "300.00", "wape": 66.7, "bias": 66.7},
            ],
        }
    ]  # fmt: skip


def test_top_management_reads_one_manager_or_every_manager(
    top_manager, manager_anna, manager_boris, locked
):
    http = api_client(top_manager)

    everyone = http.get("/api/forecasts/accuracy", {"year": 2026}).json()
    boris = http.get("/api/forecasts/accuracy", {"year": 2026, "manager": manager_boris.pk}).json()

    assert [(line["manager"]["username"], line["total"]["wape"]) for line in everyone] == [
        ("anna", 24.0),
        ("boris", 0.0),
    ]
    assert boris == [everyone[1]]


def test_a_year_without_locked_forecasts_has_no_figures(manager_anna, locked):
    [line] = api_client(manager_anna).get("/api/forecasts/accuracy", {"year": 2025}).json()

    assert (line["total"], line["by_month"], line["by_client"]) == (
        {"forecast": "0.00", "actual": "0.00", "wape": None, "bias": None},
        [],
        [],
    )


@pytest.mark.parametrize(("persona", "expected"), [("manager_anna", 404), ("admin_adam", 403)])
def test_nobody_else_reads_a_managers_accuracy(request, manager_boris, locked, persona, expected):
    response = api_client(request.getfixturevalue(persona)).get(
        "/api/forecasts/accuracy", {"manager": manager_boris.pk}
    )

    assert response.status_code == expected
    assert "Омега" not in response.content.decode()


def test_a_year_out_of_range_is_refused_naming_the_field(manager_anna, locked):
    response = api_client(manager_anna).get("/api/forecasts/accuracy", {"year": 1999})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", "year"]]
