"""A client's status over the API says what its card's status section says, to whom the card
says it; the head of sales alone sets it by hand and lifts that, as on the card.

The audit of 15 June 2026 found Anna's Альфа VIP (at the end of March it had no status yet,
then New at April's and Regular at May's) and Boris's Бета New, its first order 30 days before.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import (
    ClientAudit,
    ClientStatus,
    ClientStatusMonth,
    ClientStatusOverride,
)
from upsell.clients.services import client_statuses_refresh
from upsell.reporting.overrides import status_override_set

AS_OF = dt.date(2026, 6, 15)
TODAY = dt.date(2026, 6, 16)
NOW = dt.datetime(2026, 6, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def audited(annas_client, boris_client):
    ClientAudit.objects.create(
        client=annas_client, as_of=AS_OF, computed_status=ClientStatus.VIP,
        status_rule="regular_in_abc_a", perspective=72, abc_class="A", xyz_class="X",
        regular_window_orders=5, revenue_share_365=0.986, typical_interval_days=41,
        days_since_last_order=12,
    )  # fmt: skip
    ClientAudit.objects.create(
        client=boris_client, as_of=AS_OF, computed_status=ClientStatus.NEW,
        status_rule="first_order_recent",
        days_since_first_order=30, orders_total=1,
    )  # fmt: skip
    for month, status in (
        (dt.date(2026, 3, 1), ""),
        (dt.date(2026, 4, 1), ClientStatus.NEW),
        (dt.date(2026, 5, 1), ClientStatus.REGULAR),
    ):
        ClientStatusMonth.objects.create(
            client=annas_client, month=month, status=status, status_rule="rule"
        )
    client_statuses_refresh(today=TODAY)
    for client in (annas_client, boris_client):
        client.refresh_from_db()


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def ref(user):
    return {"id": user.pk, "username": user.username, "full_name": user.full_name}


def test_the_status_gives_the_card_s_section(manager_anna, head_of_sales, annas_client, audited):
    status_override_set(
        client=annas_client, status=ClientStatus.PARTNER, reason="Дилерский договор",
        expires_on=dt.date(2026, 9, 30), set_by=head_of_sales, today=TODAY,
    )  # fmt: skip

    response = api_client(manager_anna).get(f"/api/clients/{annas_client.pk}/status")

    assert response.status_code == 200
    assert response.json() == {
        "client_id": annas_client.pk,
        "status": "partner",
        "audit": {
            "as_of": "2026-06-15",
            "computed_status": "vip",
            "status_rule": "regular_in_abc_a",
            "reason": (
                "VIP: 5 orders in 365 days, class A with 98.6 % of revenue, typical interval "
                "41 days, last order 12 days ago"
            ),
            "perspective": 72,
            "abc_class": "A",
            "xyz_class": "X",
        },
        "override": {
            "status": "partner",
            "reason": "Дилерский договор",
            "set_by": ref(head_of_sales),
            "set_at": "2026-06-16T09:00:00Z",
            "expires_on": "2026-09-30",
        },
        "month_end_changes": [
            {"month": "2026-04-01", "from_status": None, "to_status": "new"},
            {"month": "2026-05-01", "from_status": "new", "to_status": "regular"},
        ],
    }


def test_a_status_set_by_hand_that_ended_is_not_shown(head_of_sales, boris_client, audited):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        status_override_set(
            client=boris_client, status=ClientStatus.LOST, reason="Закрылись",
            expires_on=dt.date(2026, 6, 15), set_by=head_of_sales, today=dt.date(2026, 6, 1),
        )  # fmt: skip

    body = api_client(head_of_sales).get(f"/api/clients/{boris_client.pk}/status").json()

    assert body["override"] is None


def test_another_managers_client_s_status_is_not_found(manager_anna, boris_client, audited):
    response = api_client(manager_anna).get(f"/api/clients/{boris_client.pk}/status")

    assert response.status_code == 404


def test_the_head_of_sales_sets_a_status_by_hand(head_of_sales, boris_client, audited):
    response = api_client(head_of_sales).post(
        f"/api/clients/{boris_client.pk}/status/override",
        {"status": "partner", "reason": "  Дилерский договор ", "expires_on": None},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["audit"]["computed_status"]) == ("partner", "new")
    assert body["override"] == {
        "status": "partner",
        "reason": "Дилерский договор",
        "set_by": ref(head_of_sales),
        "set_at": "2026-06-16T09:00:00Z",
        "expires_on": None,
    }
    boris_client.refresh_from_db()
    assert boris_client.status == "partner"


@pytest.mark.parametrize(("persona", "expected"), [("manager_boris", 403), ("manager_anna", 404)])
def test_nobody_else_sets_a_status_by_hand(request, boris_client, audited, persona, expected):
    response = api_client(request.getfixturevalue(persona)).post(
        f"/api/clients/{boris_client.pk}/status/override",
        {"status": "lost", "reason": "Потому что", "expires_on": None},
        content_type="application/json",
    )

    assert response.status_code == expected
    assert ClientStatusOverride.objects.count() == 0
    boris_client.refresh_from_db()
    assert boris_client.status == "new"


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"reason": "   "}, ["body", "reason"]),
        ({"expires_on": "2026-06-15"}, ["body", "expires_on"]),
        ({"expires_on": "2099-01-01"}, ["body", "expires_on"]),
        ({"status": "gold"}, ["body", "payload", "status"]),
    ],
)
def test_a_status_set_by_hand_needs_a_status_a_reason_and_an_end_to_come(
    head_of_sales, boris_client, audited, change, loc
):
    payload = {"status": "partner", "reason": "Дилерский договор", "expires_on": None} | change

    response = api_client(head_of_sales).post(
        f"/api/clients/{boris_client.pk}/status/override", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [loc]
    assert ClientStatusOverride.objects.count() == 0


def test_the_head_of_sales_lifts_a_status_set_by_hand(head_of_sales, boris_client, audited):
    override = status_override_set(
        client=boris_client, status=ClientStatus.PARTNER, reason="Дилерский договор",
        expires_on=None, set_by=head_of_sales, today=TODAY,
    )  # fmt: skip

    response = api_client(head_of_sales).delete(f"/api/clients/{boris_client.pk}/status/override")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["override"]) == ("new", None)
    override.refresh_from_db()
    assert (override.lifted_by, override.lifted_at) == (head_of_sales, NOW)


def test_a_manager_cannot_lift_a_status_set_by_hand(
    manager_boris, head_of_sales, boris_client, audited
):
    override = status_override_set(
        client=boris_client, status=ClientStatus.PARTNER, reason="Дилерский договор",
        expires_on=None, set_by=head_of_sales, today=TODAY,
    )  # fmt: skip

    response = api_client(manager_boris).delete(f"/api/clients/{boris_client.pk}/status/override")

    assert response.status_code == 403
    override.refresh_from_db()
    assert override.lifted_at is None
    boris_client.refresh_from_db()
    assert boris_client.status == "partner"
