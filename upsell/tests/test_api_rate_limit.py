"""API_RATE_LIMIT: each user's calls to the API are counted, and past the limit within its
period a call answers 429 with how long to wait, while other users go on."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings

from upsell.accounts.tokens import api_token_create

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _api_client(user):
    _, token = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(autouse=True)
def no_calls_counted_yet():
    cache.clear()
    yield
    cache.clear()


@override_settings(API_RATE_LIMIT="5/min")
def test_the_call_past_the_limit_in_a_minute_answers_429_until_the_minute_is_over(
    manager_anna, manager_boris
):
    anna, boris = _api_client(manager_anna), _api_client(manager_boris)

    with time_machine.travel(START, tick=False) as traveller:
        within = [anna.get("/api/me").status_code for _ in range(5)]
        past = anna.get("/api/me")
        boris_status = boris.get("/api/me").status_code
        traveller.shift(dt.timedelta(seconds=59))
        still_past = anna.get("/api/me").status_code
        traveller.shift(dt.timedelta(seconds=1))
        next_minute = anna.get("/api/me").status_code

    assert within == [200, 200, 200, 200, 200]
    assert past.status_code == 429
    assert past.json() == {"detail": "Too many requests."}
    assert past["Retry-After"] == "60"
    assert boris_status == 200
    assert still_past == 429
    assert next_minute == 200


@override_settings(API_RATE_LIMIT="5/min")
def test_a_browser_session_and_a_token_of_one_user_share_its_limit(manager_anna):
    token_client = _api_client(manager_anna)
    browser = Client()
    browser.force_login(manager_anna)

    with time_machine.travel(START, tick=False):
        by_token = [token_client.get("/api/me").status_code for _ in range(3)]
        in_browser = [browser.get("/api/me").status_code for _ in range(3)]

    assert by_token == [200, 200, 200]
    assert in_browser == [200, 200, 429]


@override_settings(API_RATE_LIMIT="")
def test_an_empty_limit_lets_every_call_through(manager_anna):
    anna = _api_client(manager_anna)

    with time_machine.travel(START, tick=False):
        statuses = {anna.get("/api/me").status_code for _ in range(50)}

    assert statuses == {200}
