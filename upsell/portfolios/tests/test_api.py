"""The workload board over the REST API: the board, the capacity and pool, the rebalancing
proposal and its application, under the same access rules as the board's page."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.accounts.tokens import api_token_create
from upsell.clients.models import Client, ClientAssignmentChange, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence, ForecastCell
from upsell.history.models import ChangeSource
from upsell.portfolios.models import WorkloadSettings
from upsell.portfolios.services import workload_settings_update
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
from upsell.shipments.tests.factories import ShipmentFactory

NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def ref(user):
    return {"id": user.pk, "username": user.username, "full_name": user.full_name}


@pytest.fixture
def company(manager_anna, manager_boris, assistant_vera, head_of_sales):
    """Anna holds three motivated clients against a capacity of two, and one spontaneous client
    still without an assistant; Boris holds one motivated client in Kazan."""
    workload_settings_update(
        max_motivated_per_manager=2,
        pool_assistant=None,
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )
    clients = {
        "big": ClientFactory.create(name='ООО "Крупный"', tax_id="7701000001",
                                    manager=manager_anna, status=ClientStatus.VIP,
                                    region="Казань", segment="Опт"),
        "mid": ClientFactory.create(name='ООО "Средний"', manager=manager_anna,
                                    status=ClientStatus.REGULAR, region="Москва", segment="Опт"),
        "small": ClientFactory.create(name='ООО "Малый"', tax_id="7701000003",
                                      manager=manager_anna, status=ClientStatus.REGULAR,
                                      region="Казань", segment="Опт"),
        "once": ClientFactory.create(name='ООО "Разовый"', tax_id="7701000004",
                                     manager=manager_anna, status=ClientStatus.ONE_TIME),
        "boris": ClientFactory.create(name='ООО "Бета"', manager=manager_boris,
                                      status=ClientStatus.REGULAR, region="Казань", segment="Опт"),
    }  # fmt: skip
    for name, total, date in [
        ("big", "900000.00", dt.date(2025, 9, 1)),
        ("mid", "300000.00", dt.date(2026, 1, 10)),
        ("small", "50000.00", dt.date(2026, 2, 1)),
        # Older than a year: not in the revenue over 12 months.
        ("small", "70000.00", dt.date(2025, 3, 1)),
        ("once", "1000.00", dt.date(2025, 12, 1)),
    ]:
        ShipmentFactory.create(client=clients[name], total=Decimal(total), date=date)
    return clients


def assignments():
    return list(Client.objects.order_by("pk").values_list("name", "manager_id", "assistant_id"))


def test_the_head_of_sales_reads_the_board(
    company, manager_anna, manager_boris, assistant_vera, head_of_sales
):
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        OrderRequest.objects.create(
            client=company["once"], description="Гвозди", source=RequestSource.UI,
            assignee=manager_anna, routed_by_rule=RoutingRule.NO_ASSISTANT,
        )  # fmt: skip
    # Anna's amount where she set one, else the baseline, this month and the eleven after it.
    for month, baseline, amount, confidence in [
        (dt.date(2026, 3, 1), "80000.00", Decimal("100000.00"), Confidence.COMMIT),
        (dt.date(2026, 4, 1), "50000.00", None, ""),
        (dt.date(2027, 3, 1), "999999.00", None, ""),
    ]:
        ForecastCell.objects.create(
            client=company["mid"], month=month, manager=manager_anna,
            baseline=Decimal(baseline), baseline_high=Decimal(baseline), amount=amount,
            confidence=confidence,
        )  # fmt: skip

    response = api_client(head_of_sales).get("/api/workload")

    assert response.status_code == 200
    assert response.json() == [
        {
            "user": ref(assistant_vera), "role": "assistant", "motivated": 0, "spontaneous": 0,
            "revenue_12m": "0.00", "forecast_12m": None, "open_requests": 0,
            "oldest_request_at": None, "capacity": None, "load_percent": None,
            "overloaded": False,
        },
        {
            "user": ref(manager_anna), "role": "manager", "motivated": 3, "spontaneous": 1,
            "revenue_12m": "1251000.00", "forecast_12m": "150000.00", "open_requests": 1,
            "oldest_request_at": "2026-03-13T12:00:00Z", "capacity": 2, "load_percent": 150,
            "overloaded": True,
        },
        {
            "user": ref(manager_boris), "role": "manager", "motivated": 1, "spontaneous": 0,
            "revenue_12m": "0.00", "forecast_12m": "0.00", "open_requests": 0,
            "oldest_request_at": None, "capacity": 2, "load_percent": 50, "overloaded": False,
        },
    ]  # fmt: skip


def test_top_management_reads_the_board_and_its_settings(company, top_manager):
    caller = api_client(top_manager)

    board = caller.get("/api/workload")
    settings = caller.get("/api/workload/settings")

    assert board.status_code == 200
    assert [row["user"]["username"] for row in board.json()] == ["vera", "anna", "boris"]
    assert (settings.status_code, settings.json()) == (
        200,
        {"max_motivated_per_manager": 2, "pool_assistant": None},
    )


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "admin_adam"])
@pytest.mark.parametrize("path", ["/api/workload", "/api/workload/settings"])
def test_the_board_is_not_for_managers_assistants_or_the_administrator(
    request, company, persona, path
):
    response = api_client(request.getfixturevalue(persona)).get(path)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Only the head of sales and top management see the workload."},
    )


def test_the_head_of_sales_sets_capacity_and_pool(company, head_of_sales):
    polina = UserFactory.create(username="polina", full_name="Полина", role=Role.ASSISTANT)
    before = assignments()

    response = api_client(head_of_sales).put(
        "/api/workload/settings",
        {"max_motivated_per_manager": 45, "pool_assistant": polina.pk},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (
        200,
        {"max_motivated_per_manager": 45, "pool_assistant": ref(polina)},
    )
    assert list(
        WorkloadSettings.objects.values_list(
            "max_motivated_per_manager", "pool_assistant__username", "changed_by__username"
        )
    ) == [(45, "polina", "helen"), (2, None, "helen")]
    # Settings move no client by themselves: the next routing and proposal follow them.
    assert assignments() == before
    assert not ClientAssignmentChange.objects.exists()


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (
            {"max_motivated_per_manager": 0, "pool_assistant": None},
            {"loc": ["body", "payload", "max_motivated_per_manager"],
             "msg": "Input should be greater than or equal to 1", "type": "greater_than_equal"},
        ),
        (
            {"max_motivated_per_manager": "many", "pool_assistant": None},
            {"loc": ["body", "payload", "max_motivated_per_manager"],
             "msg": "Input should be a valid integer, unable to parse string as an integer",
             "type": "int_parsing"},
        ),
        (
            {"max_motivated_per_manager": 45},
            {"loc": ["body", "payload", "pool_assistant"], "msg": "Field required",
             "type": "missing"},
        ),
        (
            {"max_motivated_per_manager": 45, "pool_assistant": 987654},
            {"loc": ["body", "pool_assistant"], "msg": "No user has id 987654.",
             "type": "invalid"},
        ),
    ],
)  # fmt: skip
def test_a_bad_setting_is_refused_by_its_field_and_nothing_changes(
    company, head_of_sales, payload, error
):
    response = api_client(head_of_sales).put(
        "/api/workload/settings", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert [
        {key: detail[key] for key in ("loc", "msg", "type")} for detail in response.json()["detail"]
    ] == [error]
    assert WorkloadSettings.objects.count() == 1


def test_a_pool_assistant_must_be_an_active_assistant(company, head_of_sales, manager_boris):
    response = api_client(head_of_sales).put(
        "/api/workload/settings",
        {"max_motivated_per_manager": 45, "pool_assistant": manager_boris.pk},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (
        422,
        {
            "detail": [
                {
                    "loc": ["body", "pool_assistant"],
                    "msg": "Петров Борис is not an active assistant.",
                    "type": "invalid",
                }
            ]
        },
    )
    assert WorkloadSettings.objects.count() == 1


@pytest.mark.parametrize("persona", ["top_manager", "manager_anna", "assistant_vera"])
def test_only_the_head_of_sales_changes_the_settings(request, company, persona, assistant_vera):
    response = api_client(request.getfixturevalue(persona)).put(
        "/api/workload/settings",
        {"max_motivated_per_manager": 100, "pool_assistant": assistant_vera.pk},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Only the head of sales manages the workload."},
    )
    assert list(WorkloadSettings.objects.values_list("max_motivated_per_manager", flat=True)) == [2]


def test_the_head_of_sales_reads_the_proposal(
    company, manager_anna, manager_boris, assistant_vera, head_of_sales
):
    once, small = company["once"], company["small"]

    response = api_client(head_of_sales).get("/api/workload/proposal")

    assert response.status_code == 200
    assert response.json() == {
        "moves": [
            {
                "key": f"{once.pk}:assistant:{assistant_vera.pk}",
                "client": {"id": once.pk, "name": 'ООО "Разовый"', "tax_id": "7701000004"},
                "role": "assistant",
                "previous": None,
                "new": ref(assistant_vera),
                "reason": "Spontaneous client: to the least loaded assistant of its manager's team",
            },
            # The smallest of Anna's motivated clients goes to Boris, who serves Kazan wholesale.
            {
                "key": f"{small.pk}:manager:{manager_boris.pk}",
                "client": {"id": small.pk, "name": 'ООО "Малый"', "tax_id": "7701000003"},
                "role": "manager",
                "previous": ref(manager_anna),
                "new": ref(manager_boris),
                "reason": "Rebalancing: Иванова Анна is over capacity (2)",
            },
        ],
        "spontaneous_left_with_managers": 0,
    }


def test_the_proposal_counts_the_spontaneous_clients_no_assistant_can_take(
    manager_boris, head_of_sales
):
    ClientFactory.create(manager=manager_boris, status=ClientStatus.IRREGULAR)

    response = api_client(head_of_sales).get("/api/workload/proposal")

    assert response.json() == {"moves": [], "spontaneous_left_with_managers": 1}


def test_applying_the_kept_moves_moves_the_client_with_its_requests_and_forecast(
    company, manager_anna, manager_boris, assistant_vera, head_of_sales
):
    small = company["small"]
    waiting = OrderRequest.objects.create(
        client=small, description="Болты", source=RequestSource.UI, assignee=manager_anna,
        routed_by_rule=RoutingRule.MOTIVATED,
    )  # fmt: skip
    for month in (dt.date(2026, 3, 1), dt.date(2026, 4, 1)):
        ForecastCell.objects.create(client=small, month=month, manager=manager_anna)
    caller = api_client(head_of_sales)
    moves = caller.get("/api/workload/proposal").json()["moves"]

    response = caller.post(
        "/api/workload/proposal/apply",
        # The spontaneous client's move is left out; a key no longer proposed is skipped.
        {"keys": [moves[1]["key"], f"{small.pk}:manager:{manager_anna.pk}"]},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (200, {"applied": 1})
    small.refresh_from_db()
    company["once"].refresh_from_db()
    assert (small.manager, company["once"].assistant) == (manager_boris, None)
    assert list(
        ClientAssignmentChange.objects.values_list(
            "client__name", "role", "previous__username", "new__username", "changed_by__username"
        )
    ) == [('ООО "Малый"', "manager", "anna", "boris", "helen")]
    waiting.refresh_from_db()
    assert (waiting.assignee, waiting.routed_by_rule) == (manager_boris, RoutingRule.REBALANCING)
    assert list(
        ForecastCell.objects.filter(client=small)
        .order_by("month")
        .values_list("month", "manager__username")
    ) == [(dt.date(2026, 3, 1), "anna"), (dt.date(2026, 4, 1), "boris")]
    assert [move["key"] for move in caller.get("/api/workload/proposal").json()["moves"]] == [
        moves[0]["key"]
    ]


def test_keys_that_are_not_text_are_refused_by_their_field(company, head_of_sales):
    before = assignments()

    response = api_client(head_of_sales).post(
        "/api/workload/proposal/apply", {"keys": "all"}, content_type="application/json"
    )

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "payload", "keys"]]
    assert assignments() == before


@pytest.mark.parametrize("persona", ["top_manager", "manager_anna", "assistant_vera"])
def test_only_the_head_of_sales_sees_and_applies_the_proposal(
    request, company, persona, manager_boris, assistant_vera
):
    caller = api_client(request.getfixturevalue(persona))
    before = assignments()
    keys = [
        f"{company['once'].pk}:assistant:{assistant_vera.pk}",
        f"{company['small'].pk}:manager:{manager_boris.pk}",
    ]

    proposal = caller.get("/api/workload/proposal")
    applied = caller.post(
        "/api/workload/proposal/apply", {"keys": keys}, content_type="application/json"
    )

    refused = {"detail": "Only the head of sales manages the workload."}
    assert (proposal.status_code, proposal.json()) == (403, refused)
    assert (applied.status_code, applied.json()) == (403, refused)
    assert assignments() == before
    assert ClientAssignmentChange.objects.count() == 0
