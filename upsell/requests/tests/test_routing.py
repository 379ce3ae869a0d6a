"""Order requests are routed the moment they arrive: a motivated client's to its manager, a
spontaneous client's to its assistant unless a complex rule sends it to the manager."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from upsell.clients.models import ClientAudit, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.history.models import ChangeSource
from upsell.notifications.models import Notification
from upsell.requests.models import (
    OrderRequest,
    OrderRequestChange,
    RequestSource,
    RoutingRule,
)
from upsell.requests.selectors import ComplexRules
from upsell.requests.services import (
    RequestDetails,
    complex_rules_update,
    order_request_create,
    order_request_reassign,
    order_requests_follow_clients,
)


@pytest.fixture
def regular(manager_anna):
    return ClientFactory.create(
        name='ООО "Постоянный"', manager=manager_anna, status=ClientStatus.REGULAR
    )


@pytest.fixture
def one_time(manager_anna, assistant_vera):
    return ClientFactory.create(
        name='ООО "Разовый"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.ONE_TIME,
    )  # fmt: skip


def take(client, user, **details):
    return order_request_create(
        client=client,
        details=RequestDetails(description="Болты М8", **details),
        source=RequestSource.UI,
        created_by=user,
    )


def placed(request):
    return (request.assignee.username, request.routed_by_rule, request.routing_reason)


def test_a_motivated_client_s_request_goes_to_its_manager(regular, manager_anna):
    request = take(regular, manager_anna, amount=Decimal(100))

    assert placed(request) == (
        "anna", RoutingRule.MOTIVATED, "Motivated client: served by its manager"
    )  # fmt: skip
    assert list(OrderRequestChange.objects.values_list("new__username", "rule")) == [
        ("anna", RoutingRule.MOTIVATED)
    ]


def test_a_simple_request_of_a_spontaneous_client_goes_to_its_assistant_who_is_told(
    one_time, manager_anna, assistant_vera, django_capture_on_commit_callbacks
):
    assistant_vera.email = "vera@example.com"
    assistant_vera.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        request = take(one_time, manager_anna, amount=Decimal("12000.00"), line_count=3)

    assert placed(request) == (
        "vera", RoutingRule.SPONTANEOUS, "Spontaneous client, simple order: its assistant"
    )  # fmt: skip
    text = (
        f'Request № {request.pk} of ООО "Разовый" is yours: '
        "Spontaneous client, simple order: its assistant"
    )
    assert list(Notification.objects.filter(user=assistant_vera).values_list("text", "url")) == [
        (text, f"/requests/{request.pk}/")
    ]
    assert [(message.to, message.body) for message in mail.outbox] == [(["vera@example.com"], text)]


@pytest.mark.parametrize(
    ("details", "rule", "reason"),
    [
        ({"amount": Decimal("500000.01")}, RoutingRule.AMOUNT,
         "Amount ₽500,000.01 is above ₽500,000.00"),
        ({"line_count": 21}, RoutingRule.LINES, "21 lines, more than 20"),
        ({"product_groups": ("Крепёж", "Станки")}, RoutingRule.PRODUCT_GROUPS,
         "Products from groups the manager handles: Станки"),
        ({"discount_percent": Decimal("7.50")}, RoutingRule.DISCOUNT,
         "Discount 7.50 % beyond the standard 5.00 %"),
        ({"payment_delay_days": 45}, RoutingRule.PAYMENT_DELAY,
         "Payment delay of 45 days beyond the standard 30"),
    ],
)  # fmt: skip
def test_a_complex_request_of_a_spontaneous_client_goes_to_its_manager(
    one_time, assistant_vera, head_of_sales, details, rule, reason
):
    complex_rules_update(
        rules=ComplexRules(product_groups=("Станки",)),
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )

    request = take(one_time, assistant_vera, **details)

    assert placed(request) == ("anna", rule, reason)


def test_at_the_threshold_a_request_is_still_simple(one_time, assistant_vera):
    request = take(
        one_time, assistant_vera, amount=Decimal(500_000), line_count=20,
        discount_percent=Decimal(5), payment_delay_days=30,
    )  # fmt: skip

    assert placed(request)[:2] == ("vera", RoutingRule.SPONTANEOUS)


def test_overdue_debt_makes_a_request_complex_unless_the_rule_is_off(
    one_time, assistant_vera, head_of_sales
):
    ClientAudit.objects.create(
        client=one_time, as_of=dt.date(2026, 3, 1), status_rule="one_time",
        overdue_debt=Decimal("15300.00"),
    )  # fmt: skip

    complex_request = take(one_time, assistant_vera, amount=Decimal(100))
    complex_rules_update(
        rules=ComplexRules(overdue_debt=False), changed_by=head_of_sales, source=ChangeSource.SCREEN
    )
    simple_request = take(one_time, assistant_vera, amount=Decimal(100))

    assert placed(complex_request) == (
        "anna", RoutingRule.OVERDUE_DEBT, "The client owes ₽15,300.00 past its terms"
    )  # fmt: skip
    assert placed(simple_request)[:2] == ("vera", RoutingRule.SPONTANEOUS)


def test_a_spontaneous_client_without_an_assistant_is_served_by_its_manager(manager_anna):
    client = ClientFactory.create(manager=manager_anna, status=ClientStatus.IRREGULAR)

    request = take(client, manager_anna)

    assert placed(request)[:2] == ("anna", RoutingRule.NO_ASSISTANT)


def test_a_request_needs_something_to_do(one_time, assistant_vera):
    with pytest.raises(ValidationError) as refused:
        order_request_create(
            client=one_time, details=RequestDetails(), source=RequestSource.API,
            created_by=assistant_vera,
        )  # fmt: skip

    assert refused.value.message_dict == {
        "description": ["Say what the client asks for, or give its amount or lines."]
    }
    assert OrderRequest.objects.count() == 0


def test_reassigning_by_hand_records_who_and_why(one_time, assistant_vera, head_of_sales):
    request = take(one_time, assistant_vera, amount=Decimal(100))

    order_request_reassign(
        request=request, assignee=None, changed_by=head_of_sales, reason="Клиент просит Анну"
    )

    request.refresh_from_db()
    assert placed(request) == ("anna", RoutingRule.MANUAL, "Клиент просит Анну")
    assert list(
        request.changes.order_by("id").values_list(
            "previous__username", "new__username", "rule", "changed_by__username"
        )
    ) == [
        (None, "vera", RoutingRule.SPONTANEOUS, "vera"),
        ("vera", "anna", RoutingRule.MANUAL, "helen"),
    ]


def test_a_motivated_client_s_request_is_never_handed_to_an_assistant(
    regular, manager_anna, assistant_vera, head_of_sales
):
    regular.assistant = assistant_vera
    regular.save(update_fields=["assistant"])
    request = take(regular, manager_anna)

    with pytest.raises(ValidationError) as refused:
        order_request_reassign(
            request=request, assignee=assistant_vera, changed_by=head_of_sales, reason=""
        )

    assert refused.value.message_dict == {
        "assignee": ["A motivated client's requests stay with its manager."]
    }
    request.refresh_from_db()
    assert placed(request)[:2] == ("anna", RoutingRule.MOTIVATED)
    assert request.changes.count() == 1


def test_a_request_goes_to_nobody_outside_the_client_s_people(
    one_time, manager_boris, head_of_sales, assistant_vera
):
    request = take(one_time, assistant_vera, amount=Decimal(100))

    with pytest.raises(ValidationError) as refused:
        order_request_reassign(
            request=request, assignee=manager_boris, changed_by=head_of_sales, reason=""
        )

    assert refused.value.message_dict == {
        "assignee": ["Only the client's manager or assistant can take its requests."]
    }
    request.refresh_from_db()
    assert request.assignee == assistant_vera


def test_a_complex_request_stays_complex_when_it_follows_its_client(
    one_time, assistant_vera, manager_boris, head_of_sales
):
    request = take(one_time, assistant_vera, amount=Decimal("600000"))
    one_time.manager = manager_boris
    one_time.save()

    moved = order_requests_follow_clients(
        client_ids=[one_time.pk],
        rule=RoutingRule.MANUAL,
        reason="Moved with its client",
        changed_by=head_of_sales,
    )
    # The assistant stays; following again changes nothing: it is still the manager's.
    again = order_requests_follow_clients(
        client_ids=[one_time.pk], rule=RoutingRule.REBALANCING, reason="", changed_by=None
    )

    request.refresh_from_db()
    assert (moved, again) == (1, 0)
    assert placed(request) == ("boris", RoutingRule.MANUAL, "Moved with its client")
    assert (request.complex_rule, request.complex_reason) == (
        RoutingRule.AMOUNT,
        "Amount ₽600,000.00 is above ₽500,000.00",
    )
    assert [
        (change.previous and change.previous.username, change.new and change.new.username,
         change.rule, change.reason_text)
        for change in OrderRequestChange.objects.filter(request=request).order_by("id")
    ] == [
        (None, "anna", RoutingRule.AMOUNT, "Amount ₽600,000.00 is above ₽500,000.00"),
        ("anna", "boris", RoutingRule.MANUAL, "Moved with its client"),
    ]  # fmt: skip


def test_a_simple_request_that_follows_its_client_says_why(
    one_time, assistant_vera, manager_boris, head_of_sales
):
    request = take(one_time, assistant_vera, amount=Decimal(100))
    one_time.assistant = None
    one_time.save()

    order_requests_follow_clients(
        client_ids=[one_time.pk],
        rule=RoutingRule.MANUAL,
        reason="Moved with its client",
        changed_by=head_of_sales,
    )

    request.refresh_from_db()
    assert placed(request) == ("anna", RoutingRule.MANUAL, "Moved with its client")
