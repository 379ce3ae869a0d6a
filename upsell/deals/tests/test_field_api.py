"""Calls, meetings and visits over the REST API: the same service and funnel as the pages, a
manager seeing its own and those it goes to, an assistant none, a refusal changing nothing."""

import datetime as dt
import json

import pytest
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.deals.calendar import week_start
from upsell.deals.models import Activity, ActivityState, CalendarFeed
from upsell.deals.tests.field import at, contact_of, deal_of, planned

ACTIVITIES = "/api/deals/activities"


def call(user, method, path, payload=None, **query):
    _, token = api_token_create(user=user)
    client = HttpClient(headers={"Authorization": f"Bearer {token}"})
    if method == "GET":
        return client.get(path, query)
    return client.generic(method, path, json.dumps(payload or {}), content_type="application/json")


@pytest.fixture
def activities(manager_anna, manager_boris, head_of_sales, annas_client, boris_client, today):
    monday = week_start(today)
    return {
        "annas": planned(annas_client, manager_anna, starts_at=at(monday, 9)),
        "borises_with_anna": planned(
            boris_client,
            manager_boris,
            starts_at=at(monday + dt.timedelta(days=1), 9),
            participants=[manager_anna],
        ),
        "borises": planned(boris_client, manager_boris, starts_at=at(monday, 11)),
        "joint_next_week": planned(
            annas_client,
            head_of_sales,
            starts_at=at(monday + dt.timedelta(days=8), 10),
            participants=[head_of_sales],
        ),
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def _of(activities, *names) -> list[int]:
    return [activities[name].pk for name in names]


def test_a_manager_lists_its_own_and_those_it_goes_to(manager_anna, activities, today):
    response = call(manager_anna, "GET", ACTIVITIES)

    assert _ids(response) == _of(activities, "annas", "borises_with_anna", "joint_next_week")
    joint = response.json()["items"][2]
    assert (joint["joint"], joint["owner"]["username"], joint["state"]) == (
        True,
        "anna",
        "planned",
    )
    assert sorted(p["username"] for p in joint["participants"]) == ["anna", "helen"]


def test_filters_by_week_person_and_client(
    head_of_sales, manager_boris, annas_client, activities, today
):
    this_week = call(head_of_sales, "GET", ACTIVITIES, week=today.isoformat())
    borises = call(head_of_sales, "GET", ACTIVITIES, person=manager_boris.pk)
    annas_client_only = call(head_of_sales, "GET", ACTIVITIES, client=annas_client.pk)
    span = call(
        head_of_sales,
        "GET",
        ACTIVITIES,
        date_from=week_start(today).isoformat(),
        date_to=week_start(today).isoformat(),
    )

    assert _ids(this_week) == _of(activities, "annas", "borises", "borises_with_anna")
    assert _ids(borises) == _of(activities, "borises", "borises_with_anna")
    assert _ids(annas_client_only) == _of(activities, "annas", "joint_next_week")
    assert _ids(span) == _of(activities, "annas", "borises")


def test_an_assistant_sees_none(assistant_vera, activities):
    response = call(assistant_vera, "GET", ACTIVITIES)

    assert response.json()["count"] == 0
    assert call(assistant_vera, "GET", f"{ACTIVITIES}/{activities['annas'].pk}").status_code == 404


def test_planning_holding_and_cancelling(manager_anna, annas_client, today):
    contact = contact_of(annas_client, "Ким Ольга")
    deal = deal_of(annas_client, manager_anna, month=today)
    payload = {
        "client_id": annas_client.pk,
        "kind": "meeting",
        "starts_at": at(today, 14).isoformat(),
        "ends_at": at(today, 15).isoformat(),
        "place": "Переговорная",
        "contact_ids": [contact.pk],
        "deal_id": deal.pk,
    }

    created = call(manager_anna, "POST", ACTIVITIES, payload)
    activity_id = created.json()["id"]
    held = call(
        manager_anna,
        "POST",
        f"{ACTIVITIES}/{activity_id}/hold",
        {"outcome": "Договорились", "next_step": "КП"},
    )
    cancelled = call(manager_anna, "POST", f"{ACTIVITIES}/{activity_id}/cancel")

    assert created.status_code == 201
    assert created.json()["contacts"] == [{"id": contact.pk, "name": "Ким Ольга", "position": ""}]
    assert created.json()["deal_id"] == deal.pk
    assert held.status_code == 200
    assert (held.json()["state"], held.json()["outcome"], held.json()["next_step"]) == (
        "held",
        "Договорились",
        "КП",
    )
    assert cancelled.status_code == 422
    assert cancelled.json() == {
        "detail": [
            {
                "loc": ["body", "state"],
                "msg": "The activity is held: only a planned one changes.",
                "type": "invalid",
            }
        ]
    }


def test_a_meeting_that_ends_before_it_starts_is_refused(manager_anna, annas_client, today):
    response = call(
        manager_anna,
        "POST",
        ACTIVITIES,
        {
            "client_id": annas_client.pk,
            "kind": "meeting",
            "starts_at": at(today, 14).isoformat(),
            "ends_at": at(today, 13).isoformat(),
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "ends_at"], "msg": "It ends before it starts.", "type": "invalid"}
    ]
    assert Activity.objects.count() == 0


def test_a_deal_of_another_client_or_an_unknown_contact_is_refused(
    manager_anna, manager_boris, annas_client, boris_client, today
):
    borises_deal = deal_of(boris_client, manager_boris, month=today)
    base = {
        "client_id": annas_client.pk,
        "kind": "call",
        "starts_at": at(today, 14).isoformat(),
        "ends_at": at(today, 14).isoformat(),
    }

    deal = call(manager_anna, "POST", ACTIVITIES, base | {"deal_id": borises_deal.pk})
    contact = call(manager_anna, "POST", ACTIVITIES, base | {"contact_ids": [987654]})

    assert deal.json()["detail"][0]["loc"] == ["body", "deal_id"]
    assert contact.json()["detail"] == [
        {"loc": ["body", "contact_ids"], "msg": "No such id: 987654.", "type": "invalid"}
    ]
    assert Activity.objects.count() == 0


def test_another_managers_client_is_not_found_and_top_management_changes_nothing(
    manager_anna, top_manager, boris_client, activities, today
):
    payload = {
        "client_id": boris_client.pk,
        "kind": "call",
        "starts_at": at(today, 14).isoformat(),
        "ends_at": at(today, 14).isoformat(),
    }

    annas = call(manager_anna, "POST", ACTIVITIES, payload)
    toms = call(top_manager, "POST", ACTIVITIES, payload)
    toms_hold = call(
        top_manager, "POST", f"{ACTIVITIES}/{activities['borises'].pk}/hold", {"outcome": "Да"}
    )

    assert (annas.status_code, toms.status_code, toms_hold.status_code) == (404, 403, 403)
    assert Activity.objects.count() == 4
    assert Activity.objects.get(pk=activities["borises"].pk).state == ActivityState.PLANNED


def test_the_feed_address_is_given_and_renewed_over_the_api(manager_anna, assistant_vera):
    given = call(manager_anna, "GET", "/api/deals/calendar-feed")
    assert given.status_code == 200
    feed = CalendarFeed.objects.get(user=manager_anna)
    assert given.json() == {"url": f"http://testserver/deals/calendar/{feed.secret}.ics"}
    assert HttpClient().get(given.json()["url"]).status_code == 200

    renewed = call(manager_anna, "POST", "/api/deals/calendar-feed/renew")
    assert renewed.status_code == 200
    feed.refresh_from_db()
    assert renewed.json() == {"url": f"http://testserver/deals/calendar/{feed.secret}.ics"}
    assert renewed.json() != given.json()
    # The old address reads nothing any more
    assert HttpClient().get(given.json()["url"]).status_code == 404

    # An assistant keeps no calendar: no feed is made
    assert call(assistant_vera, "GET", "/api/deals/calendar-feed").status_code == 403
    assert not CalendarFeed.objects.filter(user=assistant_vera).exists()
