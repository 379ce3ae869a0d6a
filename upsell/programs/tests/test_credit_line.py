"""A credit line makes a request complex when it is above the credit left or the client is
past its delay; the rule names the line."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.payments.models import Payment
from upsell.programs.selectors import client_credit_standing
from upsell.programs.services.memberships import membership_credit_set, memberships_enrol
from upsell.programs.tests.factories import credit_line_terms, program_running
from upsell.requests.models import RequestSource, RoutingRule
from upsell.requests.services import RequestDetails, order_request_create
from upsell.shipments.tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


@pytest.fixture
def one_time(manager_anna, assistant_vera):
    return ClientFactory.create(
        name='ООО "Разовый"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.ONE_TIME,
    )  # fmt: skip


@pytest.fixture
def on_credit(one_time, top_manager, head_of_sales):
    program = program_running(terms=credit_line_terms(), by=top_manager)
    memberships_enrol(program=program, client_ids=[one_time.pk], by=head_of_sales, today=DAY)
    ShipmentFactory.create(client=one_time, date=dt.date(2026, 4, 1), total=Decimal("300000.00"))
    ShipmentFactory.create(client=one_time, date=dt.date(2026, 5, 5), total=Decimal("150000.00"))
    Payment.objects.create(
        client=one_time, date=dt.date(2026, 4, 25), amount=Decimal("320000.00"), natural_key="p1"
    )
    return program


def take(client, user, amount):
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC)):
        return order_request_create(
            client=client,
            details=RequestDetails(description="Болты М8", amount=Decimal(amount)),
            source=RequestSource.UI,
            created_by=user,
        )


def test_exposure_is_shipped_less_paid_and_the_oldest_unpaid_shipment_is_found(one_time, on_credit):
    standing = client_credit_standing(client=one_time, day=DAY)
    assert standing is not None
    assert (standing.exposure, standing.available, standing.oldest_unpaid) == (
        Decimal("130000.00"), Decimal("370000.00"), dt.date(2026, 5, 5),
    )  # fmt: skip
    assert (standing.days_unpaid(DAY), standing.past_delay(DAY)) == (15, False)


def test_a_request_within_the_credit_left_stays_simple(one_time, on_credit, assistant_vera):
    request = take(one_time, assistant_vera, "370000.00")
    assert (request.complex_rule, request.assignee.username) == ("", "vera")


def test_a_request_above_the_credit_left_is_complex_and_names_the_line(
    one_time, on_credit, assistant_vera
):
    request = take(one_time, assistant_vera, "370000.01")
    assert (request.complex_rule, request.assignee.username) == (RoutingRule.CREDIT_LIMIT, "anna")
    assert request.routing_reason == (
        "Amount ₽370,000.01 is above the ₽370,000.00 of credit left on «Кредитная линия 2026» "
        "(limit ₽500,000.00, owed ₽130,000.00)"
    )


def test_a_client_past_its_delay_is_complex_whatever_the_amount(
    one_time, on_credit, assistant_vera
):
    membership = on_credit.memberships.get()
    membership_credit_set(membership=membership, credit_limit=None, payment_delay_days=10)
    request = take(one_time, assistant_vera, "100.00")
    assert request.complex_rule == RoutingRule.CREDIT_DELAY
    assert request.routing_reason == (
        "A shipment of 05/05/2026 is unpaid for 15 days, past the 10 days of «Кредитная линия 2026»"
    )


def test_without_a_credit_line_nothing_changes(one_time, assistant_vera):
    assert client_credit_standing(client=one_time, day=DAY) is None
    assert take(one_time, assistant_vera, "370000.01").complex_rule == ""
