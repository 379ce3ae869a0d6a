"""A request's life as its people see it: it waits from the client's order date, stops waiting
once finished, says who took and finished it, is cancelled only with a reason, stays in view the
day it is done, and the queue leaves as a workbook."""

import datetime as dt
import io
import re
from html import unescape

import openpyxl
import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.requests.forms import RequestReassignForm
from upsell.requests.models import (
    OrderRequest,
    OrderRequestStatusChange,
    RequestSource,
    RequestStatus,
)
from upsell.requests.services import RequestDetails, order_request_create

# 15:00 in Moscow, the site's time zone.
NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)


def signed_in(user):
    client = HttpClient()
    client.force_login(user)
    return client


def text(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def one_time(manager_anna, assistant_vera):
    return ClientFactory.create(
        name='=HYPERLINK("http://x","ООО Разовый")', manager=manager_anna,
        assistant=assistant_vera, status=ClientStatus.ONE_TIME, tax_id="7701234567",
    )  # fmt: skip


@pytest.fixture
def regular(manager_anna, assistant_vera):
    return ClientFactory.create(
        name='ООО "Постоянный"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.REGULAR,
    )  # fmt: skip


def taken(client, by, *, ordered_on=None, description="Болты", at=NOW):
    with time_machine.travel(at, tick=False):
        return order_request_create(
            client=client,
            details=RequestDetails(description=description, ordered_on=ordered_on),
            source=RequestSource.UI,
            created_by=by,
        )


def set_status(user, request, status, reason="", *, at=NOW):
    with time_machine.travel(at, tick=False):
        return signed_in(user).post(
            reverse("requests:status", kwargs={"request_id": request.pk}),
            {"status": status, "reason": reason},
        )


def card(user, request, *, at=NOW):
    with time_machine.travel(at, tick=False):
        return signed_in(user).get(reverse("requests:detail", kwargs={"request_id": request.pk}))


def test_a_request_waits_from_the_client_s_order_date(one_time, manager_anna, assistant_vera):
    # Taken today, at 15:00 in Moscow, for an order the client placed three days ago
    request = taken(one_time, manager_anna, ordered_on=dt.date(2026, 3, 13))

    with time_machine.travel(NOW, tick=False):
        page = text(signed_in(assistant_vera).get(reverse("requests:queues")))

    # It waits since that day's midnight in Moscow, not since it was typed in.
    assert request.waiting_since == dt.datetime(2026, 3, 12, 21, 0, tzinfo=dt.UTC)
    assert "Spontaneous client: its assistant 3 days, 15 hours" in page


def test_an_order_dated_ahead_waits_from_when_it_was_taken(one_time, manager_anna):
    request = taken(one_time, manager_anna, ordered_on=dt.date(2026, 3, 20))

    assert request.waiting_since == NOW


def test_a_finished_request_stops_waiting(one_time, manager_anna, assistant_vera):
    request = taken(one_time, manager_anna, at=NOW - dt.timedelta(days=2))
    set_status(assistant_vera, request, "done", at=NOW - dt.timedelta(days=1))

    pages = [
        text(card(assistant_vera, request, at=NOW + dt.timedelta(days=days))) for days in (0, 30)
    ]

    assert ["waited 1 day" in page for page in pages] == [True, True]
    assert ["waiting" in page for page in pages] == [False, False]


def test_the_history_says_who_took_and_finished_it_and_when(one_time, manager_anna, assistant_vera):
    request = taken(one_time, manager_anna, at=NOW - dt.timedelta(hours=3))
    set_status(assistant_vera, request, "in_work", at=NOW - dt.timedelta(hours=2))
    set_status(manager_anna, request, "done", at=NOW - dt.timedelta(hours=1))

    page = text(card(manager_anna, request))

    assert "Taken into work by Смирнова Вера, 03/16/2026 1 p.m.." in page
    assert "Done by Иванова Анна, 03/16/2026 2 p.m.." in page
    assert (
        "03/16/2026 2 p.m. Done In work Done — Иванова Анна "
        "03/16/2026 1 p.m. Taken into work Open In work — Смирнова Вера "
        "03/16/2026 noon Spontaneous client: its assistant — Смирнова Вера "
    ) in page


def test_cancelling_without_a_reason_is_refused_and_changes_nothing(
    one_time, manager_anna, assistant_vera
):
    request = taken(one_time, manager_anna)

    with time_machine.travel(NOW, tick=False):
        response = signed_in(assistant_vera).post(
            reverse("requests:status", kwargs={"request_id": request.pk}),
            {"status": "cancelled", "reason": "   "},
            follow=True,
        )

    request.refresh_from_db()
    assert (request.status, request.finished_at) == (RequestStatus.OPEN, None)
    assert OrderRequestStatusChange.objects.count() == 0
    assert "Say why the request is cancelled." in text(response)


def test_a_cancelled_request_keeps_its_reason_in_the_history(
    one_time, manager_anna, assistant_vera
):
    request = taken(one_time, manager_anna)

    set_status(assistant_vera, request, "cancelled", reason="Клиент купил у конкурента")

    request.refresh_from_db()
    assert (request.status, request.finished_at) == (RequestStatus.CANCELLED, NOW)
    page = text(card(manager_anna, request))
    assert "Cancelled by Смирнова Вера, 03/16/2026 3 p.m.: Клиент купил у конкурента" in page
    assert "Cancelled Open Cancelled Клиент купил у конкурента Смирнова Вера" in page


def test_requests_done_today_stay_in_the_queue(one_time, manager_anna, assistant_vera):
    yesterday = taken(one_time, manager_anna, description="Вчера", at=NOW - dt.timedelta(days=1))
    set_status(assistant_vera, yesterday, "done", at=NOW - dt.timedelta(days=1))
    # 00:30 in Moscow is already today there.
    early = taken(one_time, manager_anna, description="Рано", at=NOW - dt.timedelta(hours=14))
    set_status(assistant_vera, early, "done", at=NOW - dt.timedelta(hours=14, minutes=30))
    cancelled = taken(one_time, manager_anna, description="Отказ")
    set_status(assistant_vera, cancelled, "cancelled", reason="Передумал")

    with time_machine.travel(NOW, tick=False):
        response = signed_in(assistant_vera).get(reverse("requests:queues"))

    assert [item.pk for item in response.context["done_today"]] == [early.pk]
    assert "Done today 1" in text(response)


def test_the_client_is_a_link_to_its_card(one_time, manager_anna, assistant_vera):
    request = taken(one_time, manager_anna)
    client_url = reverse("clients:detail", kwargs={"client_id": one_time.pk})

    with time_machine.travel(NOW, tick=False):
        queue = signed_in(assistant_vera).get(reverse("requests:queues")).content.decode()
    request_card = card(assistant_vera, request).content.decode()

    assert f'<a href="{client_url}">' in queue
    assert f'<a href="{client_url}">' in request_card


def test_the_transfer_list_offers_only_who_may_take_the_request(
    one_time, regular, manager_anna, assistant_vera
):
    spontaneous = taken(one_time, manager_anna)
    motivated = taken(regular, manager_anna)

    def offered(request):
        field = RequestReassignForm(request=request)["assignee"]
        return [option.choice_label for option in field.subwidgets][1:]

    assert offered(spontaneous) == ["Иванова Анна (manager)", "Смирнова Вера (assistant)"]
    # A motivated client's request is its manager's alone.
    assert offered(motivated) == ["Иванова Анна (manager)"]


def naive(moment):
    """A moment as a spreadsheet holds it: the site's clock, no time zone."""
    return dt.datetime.fromisoformat(moment)


def test_the_queue_exports_to_excel_as_shown(one_time, regular, manager_anna, assistant_vera):
    waiting = taken(one_time, manager_anna, ordered_on=dt.date(2026, 3, 13))
    done = taken(regular, manager_anna, at=NOW - dt.timedelta(hours=2))
    set_status(manager_anna, done, "done", at=NOW - dt.timedelta(hours=1))

    with time_machine.travel(NOW, tick=False):
        response = signed_in(manager_anna).get(reverse("requests:export"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="requests-2026-03-16.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook[workbook.sheetnames[0]]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        ["Queue", "Request №", "Client", "Tax id", "Client's order number", "Ordered on",
         "Amount", "Lines", "Status", "Routed by", "Waiting since", "Waiting, days", "Done at"],
        ["Смирнова Вера", waiting.pk, '\'=HYPERLINK("http://x","ООО Разовый")', "7701234567",
         None, naive("2026-03-13T00:00"), 0, 0, "Open", "Spontaneous client: its assistant",
         naive("2026-03-13T00:00"), 3, None],
        ["Done today", done.pk, 'ООО "Постоянный"', regular.tax_id, None, None, 0, 0, "Done",
         "Motivated client: its manager", naive("2026-03-16T13:00"), 0,
         naive("2026-03-16T14:00")],
    ]  # fmt: skip


def test_the_export_is_not_for_an_administrator(admin_adam):
    assert signed_in(admin_adam).get(reverse("requests:export")).status_code == 403


def api(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def test_the_api_cancels_only_with_a_reason(one_time, manager_anna, assistant_vera):
    request = taken(one_time, manager_anna)
    url = f"/api/requests/{request.pk}/status"
    vera = api(assistant_vera)

    with time_machine.travel(NOW, tick=False):
        refused = vera.post(url, {"status": "cancelled"}, content_type="application/json")
        refused_state = OrderRequest.objects.get(pk=request.pk).status
        done = vera.post(
            url, {"status": "cancelled", "reason": "Дубль"}, content_type="application/json"
        )
    detail = vera.get(f"/api/requests/{request.pk}").json()

    assert (refused.status_code, refused_state) == (422, "open")
    assert "Say why the request is cancelled." in refused.content.decode()
    assert (done.status_code, done.json()["status"]) == (200, "cancelled")
    assert detail["finished_at"] == "2026-03-16T12:00:00Z"
    assert [
        {key: change[key] for key in ("previous", "new", "reason")}
        for change in detail["status_changes"]
    ] == [{"previous": "open", "new": "cancelled", "reason": "Дубль"}]


def test_another_manager_cannot_change_the_status_over_the_api(
    one_time, manager_anna, manager_boris
):
    request = taken(one_time, manager_anna)

    response = api(manager_boris).post(
        f"/api/requests/{request.pk}/status", {"status": "done"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert OrderRequest.objects.get(pk=request.pk).status == RequestStatus.OPEN
