"""The client card's status changes at month ends start from the first status the client had:
the months before it, with no status yet, are not changes."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.clients.models import ClientStatus, ClientStatusMonth


@pytest.fixture
def history(annas_client):
    for month, status in (
        (dt.date(2026, 2, 1), ""),
        (dt.date(2026, 3, 1), ""),
        (dt.date(2026, 4, 1), ClientStatus.NEW),
        (dt.date(2026, 5, 1), ClientStatus.REGULAR),
        (dt.date(2026, 6, 1), ClientStatus.REGULAR),
    ):
        ClientStatusMonth.objects.create(
            client=annas_client, month=month, status=status, status_rule="rule"
        )


def _timeline(user, client) -> list[str]:
    http = HttpClient()
    http.force_login(user)
    html = http.get(reverse("audit:client_status", args=[client.pk])).content.decode()
    timeline = re.search(r"<ul class=\"history\" data-timeline>(.*?)</ul>", html, re.S)
    if timeline is None:
        return []
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", "", item)).split())
        for item in re.findall(r"<li>(.*?)</li>", timeline.group(1), re.S)
    ]


def test_the_first_status_reads_as_the_start_and_months_without_one_are_left_out(
    manager_anna, annas_client, history
):
    assert _timeline(manager_anna, annas_client) == [
        "May 2026: New → Regular",
        "April 2026: New",
    ]


def test_a_history_without_any_status_shows_no_changes(manager_anna, annas_client):
    ClientStatusMonth.objects.create(
        client=annas_client, month=dt.date(2026, 5, 1), status="", status_rule="no_orders"
    )

    assert _timeline(manager_anna, annas_client) == []
