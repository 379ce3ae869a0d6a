"""Where the history shows: the client card's Changes, the client's forecast (↺ a month), the
grid's plan, the status rules' page, and the API, each with the access of what changed."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.models import User
from upsell.accounts.tokens import api_token_create
from upsell.clients.models import Client, ClientStatus
from upsell.clients.services import ClientDetails, client_update
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.forecasts.services import forecast_cell_save, sales_plan_set
from upsell.forecasts.tests.elements import elements_by_id
from upsell.history.models import Change, ChangeSource
from upsell.history.presenters import CHANGES_SHOWN

NOW = dt.datetime(2026, 2, 10, 9, 30, tzinfo=dt.UTC)
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
WHEN = "02/10/2026 12:30 p.m."  # NOW in Moscow, as the English short format writes it


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _as(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def _api(user: User) -> HttpClient:
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def _text(html: bytes, element_id: str) -> str:
    return elements_by_id(html.decode())[element_id].text


def _region(client: Client, region: str, by: User) -> None:
    client_update(
        client=client,
        details=ClientDetails(name=client.name, tax_id=client.tax_id, region=region,
                              segment=client.segment),
        changed_by=by,
        source=ChangeSource.SCREEN,
    )  # fmt: skip


def test_an_edit_on_the_card_shows_in_its_changes(annas_client, manager_anna):
    http = _as(manager_anna)
    response = http.post(
        reverse("clients:edit", kwargs={"client_id": annas_client.pk}),
        {"name": annas_client.name, "tax_id": annas_client.tax_id, "region": "Тула",
         "segment": annas_client.segment, "is_partner": "on", "annual_budget": "1500000.50",
         "budget_year": "2026"},
    )  # fmt: skip
    assert response.status_code == 302

    card = http.get(reverse("clients:detail", kwargs={"client_id": annas_client.pk}))

    who = f"{WHEN} · Иванова Анна · Screen"
    assert _text(card.content, "changes") == (
        f"Changes Region: Москва → Тула {who} "
        f"Partner: no → yes {who} "
        f"Annual budget: — → ₽1,500,000.50 {who} "
        f"Budget year: — → 2026 {who}"
    )


def test_the_card_shows_the_latest_changes_and_all_on_asking(annas_client, manager_anna):
    for number in range(CHANGES_SHOWN + 2):
        _region(annas_client, f"Регион {number}", manager_anna)
    url = reverse("clients:detail", kwargs={"client_id": annas_client.pk})

    card = _text(_as(manager_anna).get(url).content, "changes")
    everything = _as(manager_anna).get(
        f"{url}?changes=all", headers={"HX-Request": "true", "HX-Target": "changes"}
    )

    assert card.count("Region:") == CHANGES_SHOWN
    assert card.startswith("Changes Region: Регион 10 → Регион 11 ")
    assert card.endswith("2 earlier changes")
    assert _text(everything.content, "changes").count("Region:") == CHANGES_SHOWN + 2
    assert "Регион 0" in _text(everything.content, "changes")


def test_the_api_lists_a_clients_changes_to_those_who_see_it(
    annas_client, manager_anna, manager_boris
):
    _region(annas_client, "Тула", manager_anna)

    mine = _api(manager_anna).get(f"/api/clients/{annas_client.pk}/changes")
    theirs = _api(manager_boris).get(f"/api/clients/{annas_client.pk}/changes")

    assert mine.status_code == 200
    assert mine.json() == {
        "count": 1, "page": 1, "page_size": 50,
        "items": [{
            "field": "region", "month": None, "before": "Москва", "after": "Тула",
            "changed_by": {"id": manager_anna.pk, "username": "anna",
                           "full_name": "Иванова Анна"},
            "source": "screen", "changed_at": "2026-02-10T09:30:00Z",
        }],
    }  # fmt: skip
    assert theirs.status_code == 404


def test_an_api_edit_is_kept_as_such_and_a_refused_one_keeps_nothing(
    annas_client, manager_anna, manager_boris, top_manager
):
    payload = {"name": annas_client.name, "tax_id": annas_client.tax_id, "region": "Казань",
               "segment": annas_client.segment}  # fmt: skip

    refused = [
        _api(user)
        .put(f"/api/clients/{annas_client.pk}", payload, content_type="application/json")
        .status_code
        for user in (manager_boris, top_manager)
    ]
    assert (refused, Change.objects.count()) == ([404, 403], 0)

    done = _api(manager_anna).put(
        f"/api/clients/{annas_client.pk}", payload, content_type="application/json"
    )

    assert done.status_code == 200
    assert list(Change.objects.values_list("field", "before", "after", "changed_by", "source")) == [
        ("region", "Москва", "Казань", manager_anna.pk, "api")
    ]


@pytest.fixture
def motivated(annas_client: Client) -> Client:
    Client.objects.filter(pk=annas_client.pk).update(status=ClientStatus.REGULAR)
    annas_client.refresh_from_db()
    return annas_client


def _cell(client: Client, user: User, amount: str, version: int, month: dt.date = MARCH) -> None:
    forecast_cell_save(
        client=client, month=month, amount=Decimal(amount), confidence=Confidence.PROBABLE,
        comment="", expected_version=version, user=user, source=ChangeSource.SCREEN,
    )  # fmt: skip


def test_the_clients_forecast_opens_a_months_changes(motivated, manager_anna, head_of_sales):
    _cell(motivated, manager_anna, "1000", 0)
    _cell(motivated, head_of_sales, "1200", 1)
    http = _as(manager_anna)

    section = http.get(reverse("forecasts:client_forecast", kwargs={"client_id": motivated.pk}))
    changes_url = reverse("forecasts:client_forecast_changes", kwargs={"client_id": motivated.pk})
    march = http.get(
        f"{changes_url}?month=2026-03",
        headers={"HX-Request": "true", "HX-Target": "forecast-changes"},
    )

    links = [line for line in section.content.decode().splitlines() if "↺" in line]
    assert [f"{changes_url}?month=2026-03" in line for line in links] == [True]
    assert _text(march.content, "forecast-changes") == (
        "Changes of the forecast for 03.2026 "
        f"03.2026 · Forecast: ₽1,000.00 → ₽1,200.00 {WHEN} · Кузнецова Елена · Screen "
        f"03.2026 · Forecast: — → ₽1,000.00 {WHEN} · Иванова Анна · Screen "
        f"03.2026 · Confidence: — → Probable {WHEN} · Иванова Анна · Screen"
    )


def test_forecast_changes_follow_the_forecasts_access(
    motivated, manager_anna, manager_boris, assistant_vera
):
    _cell(motivated, manager_anna, "1000", 0)
    _cell(motivated, manager_anna, "500", 0, month=APRIL)
    # April was forecast by another manager before the client came to Anna
    ForecastCell.objects.filter(month=APRIL).update(manager=manager_boris)
    url = reverse("forecasts:client_forecast_changes", kwargs={"client_id": motivated.pk})

    anna = _api(manager_anna).get(f"/api/forecasts/clients/{motivated.pk}/changes")
    march = _api(manager_anna).get(
        f"/api/forecasts/clients/{motivated.pk}/changes", {"month": "2026-03-01"}
    )

    assert [(item["month"], item["field"], item["after"]) for item in anna.json()["items"]] == [
        ("2026-03-01", "amount", "1000.00"),
        ("2026-03-01", "confidence", "probable"),
    ]
    assert march.json()["count"] == 2
    section = _as(manager_anna).get(
        reverse("forecasts:client_forecast", kwargs={"client_id": motivated.pk})
    )
    assert [
        line.count(f"{url}?month=2026-03") > 0
        for line in section.content.decode().splitlines()
        if "↺" in line
    ] == [True]
    assert (
        _api(manager_boris).get(f"/api/forecasts/clients/{motivated.pk}/changes").status_code == 404
    )
    assert _as(manager_boris).get(url).status_code == 404
    assert _as(assistant_vera).get(url).status_code == 404


def test_the_grid_shows_its_plans_changes_and_a_new_plan_adds_to_them(manager_anna, head_of_sales):
    sales_plan_set(
        manager=manager_anna, month=MARCH, amount=Decimal(100000), set_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )  # fmt: skip
    http = _as(head_of_sales)

    grid = http.get(reverse("forecasts:grid"), {"manager": manager_anna.pk, "year": 2026})
    saved = http.post(
        reverse("forecasts:plan"),
        {"manager": manager_anna.pk, "month": "2026-04", "amount": "120000"},
        headers={"HX-Request": "true"},
    )

    who = f"{WHEN} · Кузнецова Елена · Screen"
    assert _text(grid.content, "plan-changes") == (
        f"Changes of Иванова Анна's plan for 2026 03.2026 · Plan: — → ₽100,000.00 {who}"
    )
    assert _text(saved.content, "plan-changes") == (
        f"Changes of Иванова Анна's plan for 2026 "
        f"04.2026 · Plan: — → ₽120,000.00 {who} "
        f"03.2026 · Plan: — → ₽100,000.00 {who}"
    )


def test_the_complex_order_rules_page_shows_what_changed(head_of_sales, top_manager):
    response = _api(head_of_sales).put(
        "/api/requests/rules",
        {"amount_above": "750000", "lines_above": 20, "product_groups": ["Станки"],
         "standard_discount_percent": "5", "standard_payment_delay_days": 30,
         "overdue_debt": False},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200

    page = _as(top_manager).get(reverse("requests:rules"))

    who = f"{WHEN} · Кузнецова Елена · API"
    assert _text(page.content, "changes") == (
        "Changes "
        f"Amount above: ₽500,000.00 → ₽750,000.00 {who} "
        f"Product groups the manager handles: — → Станки {who} "
        f"A client with overdue debt: yes → no {who}"
    )


def test_a_refused_rules_change_keeps_nothing(manager_anna, top_manager):
    for user in (manager_anna, top_manager):
        response = _api(user).put(
            "/api/requests/rules",
            {"amount_above": "1", "lines_above": 1, "product_groups": [],
             "standard_discount_percent": "1", "standard_payment_delay_days": 1,
             "overdue_debt": False},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 403

    assert Change.objects.count() == 0


def test_the_workload_page_shows_the_capacity_and_pool_as_they_changed(
    head_of_sales, top_manager, assistant_vera
):
    http = _as(head_of_sales)
    saved = http.post(
        reverse("portfolios:settings"),
        {"max_motivated_per_manager": "40", "pool_assistant": assistant_vera.pk},
    )
    assert saved.status_code == 302

    page = _as(top_manager).get(reverse("portfolios:workload"))

    who = f"{WHEN} · Кузнецова Елена · Screen"
    assert list(Change.objects.values_list("field", "before", "after")) == [
        ("max_motivated_per_manager", 60, 40),
        ("pool_assistant", None, assistant_vera.pk),
    ]
    assert _text(page.content, "changes") == (
        "Changes of the capacity and pool "
        f"Motivated clients per manager, at most: 60 → 40 {who} "
        f"Pool assistant: — → Смирнова Вера {who}"
    )


def test_the_capacity_set_over_the_api_is_kept_as_such_and_a_refused_one_keeps_nothing(
    head_of_sales, top_manager, manager_anna
):
    payload = {"max_motivated_per_manager": 35, "pool_assistant": None}

    refused = [
        _api(user).put("/api/workload/settings", payload, content_type="application/json")
        for user in (top_manager, manager_anna)
    ]
    assert ([response.status_code for response in refused], Change.objects.count()) == (
        [403, 403],
        0,
    )

    done = _api(head_of_sales).put(
        "/api/workload/settings", payload, content_type="application/json"
    )

    assert done.status_code == 200
    assert list(
        Change.objects.values_list("subject", "field", "before", "after", "changed_by", "source")
    ) == [("workload", "max_motivated_per_manager", 60, 35, head_of_sales.pk, "api")]
