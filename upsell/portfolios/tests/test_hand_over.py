"""Handing one client over by hand, on the card and through the API: the client changes hands
with its waiting requests and its future forecast, as a rebalancing moves them; past and locked
months and finished requests stay where they are."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.accounts.tokens import api_token_create
from upsell.clients.models import Client, ClientAssignmentChange, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.forecasts.models import Confidence, ForecastCell, ForecastLock
from upsell.notifications.models import Notification
from upsell.portfolios.services import client_hand_over
from upsell.requests.models import (
    OrderRequest,
    OrderRequestChange,
    RequestSource,
    RequestStatus,
    RoutingRule,
)

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
FEBRUARY, MARCH, APRIL = dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)
MAY, JUNE, JULY = dt.date(2026, 5, 1), dt.date(2026, 6, 1), dt.date(2026, 7, 1)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def assistant_polina(manager_boris):
    return UserFactory.create(
        username="polina", full_name="Белова Полина", role=Role.ASSISTANT, email="polina@example.ru"
    )


@pytest.fixture
def alpha(manager_anna, assistant_vera):
    """Anna's spontaneous client served by Vera, with everything a hand-over may take along:
    a simple request waiting for Vera, a complex one Anna works on, one done, and a forecast
    from February to July of which March and April are locked."""
    client = ClientFactory.create(
        name='ООО "Альфа"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.ONE_TIME,
    )  # fmt: skip
    requests = {
        "simple": (RequestStatus.OPEN, assistant_vera, RoutingRule.SPONTANEOUS),
        "complex": (RequestStatus.IN_WORK, manager_anna, RoutingRule.AMOUNT),
        "done": (RequestStatus.DONE, assistant_vera, RoutingRule.SPONTANEOUS),
    }
    for description, (status, assignee, rule) in requests.items():
        OrderRequest.objects.create(
            client=client, description=description, source=RequestSource.UI, status=status,
            assignee=assignee, routed_by_rule=rule, routing_note="routed at creation",
            complex_rule=rule if rule == RoutingRule.AMOUNT else "",
        )  # fmt: skip
    for month in (FEBRUARY, MARCH, APRIL, MAY, JUNE, JULY):
        ForecastCell.objects.create(
            client=client, month=month, manager=manager_anna, amount=Decimal("1000.00"),
            confidence=Confidence.COMMIT,
        )  # fmt: skip
    # Past the lock day the coming month is locked too: its forecast is final.
    ForecastLock.objects.create(month=MARCH)
    ForecastLock.objects.create(month=APRIL)
    return client


def requests_held(client):
    return dict(
        OrderRequest.objects.filter(client=client).values_list("description", "assignee__username")
    )


def forecasters(client):
    return dict(
        ForecastCell.objects.filter(client=client).values_list("month", "manager__username")
    )


def everything_of(client):
    """What a refused hand-over must leave as it was."""
    return {
        "client": Client.objects.filter(pk=client.pk).values().get(),
        "requests": list(OrderRequest.objects.filter(client=client).order_by("pk").values()),
        "cells": list(ForecastCell.objects.filter(client=client).order_by("month").values()),
        "history": ClientAssignmentChange.objects.count(),
        "request_history": OrderRequestChange.objects.count(),
        "notifications": Notification.objects.count(),
    }


def assert_handed_to_boris_and_polina(alpha, reason):
    """The client, its two waiting requests and its three open future months moved; the rest
    stayed, and each move is recorded with the reason."""
    alpha.refresh_from_db()
    assert (alpha.manager.username, alpha.assistant.username) == ("boris", "polina")
    assert list(
        ClientAssignmentChange.objects.filter(client=alpha)
        .order_by("role")
        .values_list(
            "role", "previous__username", "new__username", "changed_by__username", "reason"
        )
    ) == [
        ("assistant", "vera", "polina", "helen", reason),
        ("manager", "anna", "boris", "helen", reason),
    ]
    # Alpha is spontaneous: its simple request goes to the new assistant, the complex one to
    # the new manager; the finished one stays with whoever did it.
    assert requests_held(alpha) == {"simple": "polina", "complex": "boris", "done": "vera"}
    moved = f"Moved with its client: {reason}"
    assert list(
        OrderRequestChange.objects.order_by("request__description").values_list(
            "request__description",
            "previous__username",
            "new__username",
            "rule",
            "reason",
            "changed_by__username",
        )
    ) == [
        ("complex", "anna", "boris", RoutingRule.MANUAL, moved, "helen"),
        ("simple", "vera", "polina", RoutingRule.MANUAL, moved, "helen"),
    ]
    assert forecasters(alpha) == {
        FEBRUARY: "anna", MARCH: "anna", APRIL: "anna", MAY: "boris", JUNE: "boris", JULY: "boris",
    }  # fmt: skip


def notifications():
    return sorted(Notification.objects.values_list("user__username", "text", "url"))


def expected_notifications(alpha, reason):
    complex_id, simple_id = (
        OrderRequest.objects.get(client=alpha, description=description).pk
        for description in ("complex", "simple")
    )
    card = f"/clients/{alpha.pk}/"
    return sorted([
        ("boris", f'Кузнецова Елена hands ООО "Альфа" over to you: {reason}', card),
        ("boris", f'Request № {complex_id} of ООО "Альфа" is yours: Moved with its client: '
                  f"{reason}", f"/requests/{complex_id}/"),
        ("polina", f'Кузнецова Елена hands ООО "Альфа" over to you: {reason}', card),
        ("polina", f'Request № {simple_id} of ООО "Альфа" is yours: Moved with its client: '
                   f"{reason}", f"/requests/{simple_id}/"),
    ])  # fmt: skip


# --- the service -----------------------------------------------------------------------------


def test_a_hand_over_moves_the_waiting_requests_and_the_open_future_forecast(
    alpha, manager_boris, assistant_polina, head_of_sales, django_capture_on_commit_callbacks,
    mailoutbox,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        handed = client_hand_over(
            client=alpha,
            manager=manager_boris,
            assistant=assistant_polina,
            changed_by=head_of_sales,
            reason=" Anna is on leave ",
        )

    assert (handed.client.manager, handed.requests_moved, handed.cells_moved) == (
        manager_boris,
        2,
        3,
    )
    assert_handed_to_boris_and_polina(alpha, "Anna is on leave")
    assert notifications() == expected_notifications(alpha, "Anna is on leave")
    # Only Polina has an e-mail address: once committed, she gets both of hers by mail too.
    simple = OrderRequest.objects.get(client=alpha, description="simple")
    assert [(mail.to, mail.subject) for mail in mailoutbox] == [
        (["polina@example.ru"], 'Кузнецова Елена hands ООО "Альфа" over to you: Anna is on leave'),
        (
            ["polina@example.ru"],
            f'Request № {simple.pk} of ООО "Альфа" is yours: Moved with its client: Anna is on '
            "leave",
        ),
    ]


def test_a_new_assistant_alone_takes_the_simple_requests_and_leaves_the_forecast(
    alpha, assistant_polina, head_of_sales, manager_anna
):
    handed = client_hand_over(
        client=alpha, manager=manager_anna, assistant=assistant_polina, changed_by=head_of_sales
    )

    assert (handed.requests_moved, handed.cells_moved) == (1, 0)
    assert requests_held(alpha) == {"simple": "polina", "complex": "anna", "done": "vera"}
    assert set(forecasters(alpha).values()) == {"anna"}
    assert list(OrderRequestChange.objects.values_list("reason", "rule")) == [
        ("Moved with its client, reassigned by Кузнецова Елена", RoutingRule.MANUAL)
    ]
    assert [user for user, _text, _url in notifications()] == ["polina", "polina"]


def test_handing_a_client_to_the_people_who_serve_it_changes_nothing(
    alpha, manager_anna, assistant_vera, head_of_sales
):
    before = everything_of(alpha)

    handed = client_hand_over(
        client=alpha, manager=manager_anna, assistant=assistant_vera, changed_by=head_of_sales,
        reason="Again",
    )  # fmt: skip

    assert (handed.requests_moved, handed.cells_moved) == (0, 0)
    assert everything_of(alpha) == before


def test_an_assistant_chosen_as_manager_is_refused_and_nothing_moves(
    alpha, assistant_polina, head_of_sales
):
    before = everything_of(alpha)

    with pytest.raises(ValidationError) as refused:
        client_hand_over(
            client=alpha, manager=assistant_polina, assistant=None, changed_by=head_of_sales,
            reason="Wrong person",
        )  # fmt: skip

    assert refused.value.message_dict == {"manager": ["Белова Полина is not an active manager."]}
    assert everything_of(alpha) == before


# --- the card's form -------------------------------------------------------------------------


def signed_in(user):
    browser = HttpClient()
    browser.force_login(user)
    return browser


def reassign_url(client):
    return f"/workload/clients/{client.pk}/reassign/"


def test_the_card_s_form_hands_the_client_over_and_the_card_shows_the_history(
    alpha, manager_boris, assistant_polina, head_of_sales
):
    browser = signed_in(head_of_sales)

    response = browser.post(
        reassign_url(alpha),
        {
            "manager": manager_boris.pk,
            "assistant": assistant_polina.pk,
            "reason": "Anna is on leave",
        },
    )

    assert (response.status_code, response["Location"]) == (302, f"/clients/{alpha.pk}/")
    assert_handed_to_boris_and_polina(alpha, "Anna is on leave")
    assert notifications() == expected_notifications(alpha, "Anna is on leave")
    card = browser.get(f"/clients/{alpha.pk}/").content.decode()
    assert "Responsible people changed." in card
    assert "<strong>Manager</strong>: Иванова Анна → Петров Борис" in card
    assert "<strong>Assistant</strong>: Смирнова Вера → Белова Полина" in card
    assert '<div class="reason">Anna is on leave</div>' in card


def test_with_htmx_the_card_is_reloaded_once_the_client_is_handed_over(
    alpha, manager_boris, assistant_polina, head_of_sales
):
    response = signed_in(head_of_sales).post(
        reassign_url(alpha),
        {
            "manager": manager_boris.pk,
            "assistant": assistant_polina.pk,
            "reason": "Anna is on leave",
        },
        headers={"HX-Request": "true", "HX-Target": "responsible"},
    )

    assert (response.status_code, response["HX-Redirect"]) == (200, f"/clients/{alpha.pk}/")
    assert_handed_to_boris_and_polina(alpha, "Anna is on leave")


def test_with_htmx_a_refused_form_comes_back_in_its_panel_and_nothing_moves(
    alpha, assistant_polina, head_of_sales
):
    before = everything_of(alpha)

    response = signed_in(head_of_sales).post(
        reassign_url(alpha),
        {"manager": assistant_polina.pk, "assistant": "", "reason": "Wrong person"},
        headers={"HX-Request": "true", "HX-Target": "responsible"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="panel" id="responsible" ')
    assert "<h1>" not in html
    assert (
        '<ul class="errorlist" id="reassign_manager_error"><li>Select a valid choice. That choice '
        "is not one of the available choices.</li></ul>" in html
    )
    assert 'value="Wrong person"' in html
    assert everything_of(alpha) == before


def test_without_htmx_a_refused_form_comes_back_on_the_whole_card(
    alpha, assistant_polina, head_of_sales
):
    before = everything_of(alpha)

    response = signed_in(head_of_sales).post(
        reassign_url(alpha), {"manager": assistant_polina.pk, "assistant": assistant_polina.pk}
    )

    assert response.status_code == 200
    assert response.context["reassign_form"].errors == {
        "manager": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert "<h1>ООО &quot;Альфа&quot;</h1>" in response.content.decode()
    assert everything_of(alpha) == before


def test_the_card_s_form_posts_to_the_hand_over(client, head_of_sales, alpha):
    client.force_login(head_of_sales)

    html = client.get(f"/clients/{alpha.pk}/").content.decode()

    assert (
        f'action="{reassign_url(alpha)}" hx-post="{reassign_url(alpha)}" hx-target="#responsible"'
        in html
    )
    assert f'<option value="{alpha.manager_id}" selected>Иванова Анна</option>' in html


@pytest.mark.parametrize(("persona", "status"), [
    ("manager_anna", 403), ("assistant_vera", 403), ("top_manager", 403),
    ("manager_boris", 404), ("admin_adam", 404),
])  # fmt: skip
def test_only_the_head_of_sales_hands_a_client_over(request, persona, status, alpha, manager_boris):
    before = everything_of(alpha)

    response = signed_in(request.getfixturevalue(persona)).post(
        reassign_url(alpha), {"manager": manager_boris.pk, "reason": "Mine now"}
    )

    assert response.status_code == status
    assert everything_of(alpha) == before


def test_reassigning_is_a_post_only(head_of_sales, alpha):
    assert signed_in(head_of_sales).get(reassign_url(alpha)).status_code == 405


# --- the API ---------------------------------------------------------------------------------


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def test_the_api_hands_the_client_over_the_same_way(
    alpha, manager_boris, assistant_polina, head_of_sales
):
    response = api_client(head_of_sales).post(
        f"/api/clients/{alpha.pk}/reassign",
        {
            "manager": manager_boris.pk,
            "assistant": assistant_polina.pk,
            "reason": "Anna is on leave",
        },
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["manager"]["username"], response.json()["assistant"]["username"]) == (
        "boris",
        "polina",
    )
    assert_handed_to_boris_and_polina(alpha, "Anna is on leave")
    assert notifications() == expected_notifications(alpha, "Anna is on leave")


@pytest.mark.parametrize(("persona", "status"), [
    ("manager_boris", 404), ("admin_adam", 404),
    ("manager_anna", 403), ("assistant_vera", 403), ("top_manager", 403),
])  # fmt: skip
def test_only_the_head_of_sales_hands_a_client_over_through_the_api(
    request, persona, status, alpha, manager_boris
):
    before = everything_of(alpha)

    response = api_client(request.getfixturevalue(persona)).post(
        f"/api/clients/{alpha.pk}/reassign",
        {"manager": manager_boris.pk, "assistant": None},
        content_type="application/json",
    )

    assert response.status_code == status
    assert everything_of(alpha) == before


def test_the_api_refuses_someone_unknown_or_unfit_and_nothing_moves(
    alpha, head_of_sales, manager_boris, assistant_polina
):
    inactive = UserFactory.create(username="ivan", role=Role.ASSISTANT, is_active=False)
    before = everything_of(alpha)

    unknown = api_client(head_of_sales).post(
        f"/api/clients/{alpha.pk}/reassign",
        {"manager": 987654, "assistant": inactive.pk},
        content_type="application/json",
    )
    unfit = api_client(head_of_sales).post(
        f"/api/clients/{alpha.pk}/reassign",
        {"manager": assistant_polina.pk, "assistant": inactive.pk},
        content_type="application/json",
    )

    assert (unknown.status_code, unfit.status_code) == (422, 422)
    assert unknown.json()["detail"] == [
        {"loc": ["body", "manager"], "msg": "No user has id 987654.", "type": "invalid"}
    ]
    assert unfit.json()["detail"] == [
        {
            "loc": ["body", "manager"],
            "msg": "Белова Полина is not an active manager.",
            "type": "invalid",
        },
        {
            "loc": ["body", "assistant"],
            "msg": "Ivan is not an active assistant.",
            "type": "invalid",
        },
    ]
    assert everything_of(alpha) == before
