"""Today over the API: the same list, ranking and decisions as the page, under the same rules."""

import json

import pytest
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.deals.models import Activity, ActivityState
from upsell.today.models import ActionDecision

pytestmark = pytest.mark.django_db


def call(user, method, path, payload=None, **query):
    _, token = api_token_create(user=user)
    client = HttpClient(headers={"Authorization": f"Bearer {token}"})
    if method == "GET":
        return client.get(path, query)
    return client.post(path, json.dumps(payload), content_type="application/json")


def test_the_list_is_the_pages_list(world, manager_anna, frozen):
    response = call(manager_anna, "GET", "/api/today/", kind="wallet")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    assert [(item["key"], item["client"]["id"], item["stake"], item["weight"], item["score"])
            for item in body["items"]] == [
        (f"wallet:{world.gamma.pk}:2026-06", world.gamma.pk, "42000.00", "1", "42000.00")
    ]  # fmt: skip
    assert {entry["kind"]: entry["count"] for entry in body["counts"]} == {
        "past_interval": 1, "forecast_empty": 2, "forecast_unshipped": 1, "wallet": 1,
        "program_tier": 1, "stuck_deal": 1, "meeting": 1, "request": 1,
    }  # fmt: skip


def test_a_manager_asking_for_another_managers_list_is_not_found(
    world, manager_anna, manager_boris, assistant_vera, frozen
):
    assert call(manager_anna, "GET", "/api/today/", manager=manager_boris.pk).status_code == 404
    assert call(assistant_vera, "GET", "/api/today/").status_code == 404


def test_a_decision_over_the_api(world, manager_anna, frozen):
    key = f"meeting:{world.meeting.pk}"

    response = call(
        manager_anna,
        "POST",
        "/api/today/decisions",
        {"client_id": world.gamma.pk, "key": key, "decision": "done", "note": "Договорились"},
    )

    assert response.status_code == 201
    assert response.json()["activity_id"] == world.meeting.pk
    assert Activity.objects.get().state == ActivityState.HELD


def test_a_refused_decision_names_its_field(world, manager_anna, manager_boris, frozen):
    key = f"past_interval:{world.alfa.pk}:2026-05-14"
    payload = {"client_id": world.alfa.pk, "key": key, "decision": "postponed", "note": ""}

    refused = call(manager_anna, "POST", "/api/today/decisions", payload)
    foreign = call(manager_boris, "POST", "/api/today/decisions", payload | {"until": "2026-06-20"})

    assert refused.status_code == 422
    assert [error["loc"] for error in refused.json()["detail"]] == [["body", "until"]]
    assert foreign.status_code == 404
    assert ActionDecision.objects.count() == 0
