"""A deal finds the request and the shipment that fulfil it: same client, same month, an amount
within 10 %; a link a person confirmed is never replaced."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from upsell.clients.tests.factories import ClientFactory
from upsell.core.months import month_add
from upsell.deals.models import DealStage, LinkState
from upsell.deals.services.deals import deal_open
from upsell.deals.services.matching import (
    deal_request_link,
    deal_shipment_link,
    deals_match,
)
from upsell.requests.models import OrderRequest, RequestSource, RequestStatus, RoutingRule
from upsell.shipments.tests.factories import ShipmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(motivated_boris_client, manager_boris, next_month):
    return deal_open(
        client=motivated_boris_client, month=next_month, amount=Decimal("100000.00"),
        by=manager_boris,
    )  # fmt: skip


def order(client, day, amount, **fields):
    return OrderRequest.objects.create(
        client=client,
        ordered_on=day,
        amount=Decimal(amount),
        source=RequestSource.FILE,
        routed_by_rule=RoutingRule.NO_ASSISTANT,
        **fields,
    )


def test_the_closest_agreeing_request_is_matched_and_the_deal_reaches_order(
    deal, motivated_boris_client, next_month
):
    client = motivated_boris_client
    order(client, next_month.replace(day=3), "111000.00")  # 11 % above: no
    order(client, month_add(next_month, 1), "100000.00")  # next month: no
    order(client, next_month.replace(day=9), "100000.00", status=RequestStatus.CANCELLED)
    order(ClientFactory.create(), next_month.replace(day=9), "100000.00")  # another client
    near = order(client, next_month.replace(day=20), "97000.00")
    nearer = order(client, next_month.replace(day=25), "102000.00")

    outcome = deals_match()

    deal.refresh_from_db()
    assert (outcome.requests, outcome.shipments) == (1, 0)
    assert (deal.request, deal.request_link, deal.stage) == (
        nearer,
        LinkState.MATCHED,
        DealStage.ORDER,
    )
    assert [change.changed_by for change in deal.stage_changes.order_by("pk")][1:] == [None]
    assert near.deals.count() == 0


def test_a_matched_shipment_wins_the_deal_and_a_second_run_changes_nothing(
    deal, motivated_boris_client, next_month
):
    shipment = ShipmentFactory.create(
        client=motivated_boris_client, date=next_month.replace(day=28), total=Decimal("90000.00")
    )

    assert deals_match().shipments == 1
    deal.refresh_from_db()
    assert (deal.shipment, deal.shipment_link, deal.stage) == (
        shipment,
        LinkState.MATCHED,
        DealStage.WON,
    )
    assert deal.closed_at is not None
    assert (deals_match().requests, deals_match().shipments) == (0, 0)


def test_a_confirmed_link_is_never_replaced_by_the_automatic_match(
    deal, motivated_boris_client, manager_boris, next_month
):
    chosen = order(motivated_boris_client, next_month.replace(day=2), "50000.00")
    deal_request_link(deal=deal, request=chosen, by=manager_boris)
    order(motivated_boris_client, next_month.replace(day=5), "100000.00")

    deals_match()

    deal.refresh_from_db()
    assert (deal.request, deal.request_link) == (chosen, LinkState.CONFIRMED)


def test_a_document_of_another_client_is_refused(deal, manager_boris, next_month):
    foreign = ShipmentFactory.create(date=next_month, total=Decimal("100000.00"))

    with pytest.raises(ValidationError) as error:
        deal_shipment_link(deal=deal, shipment=foreign, by=manager_boris)
    assert list(error.value.message_dict) == ["shipment"]
    deal.refresh_from_db()
    assert (deal.shipment, deal.stage) == (None, DealStage.PREPARATION)


def test_unlinking_by_hand_clears_the_link_and_the_automatic_match_leaves_it_off(
    deal, motivated_boris_client, manager_boris, next_month
):
    matched = order(motivated_boris_client, next_month, "100000.00")
    deals_match()
    deal.refresh_from_db()
    assert (deal.request, deal.stage) == (matched, DealStage.ORDER)

    deal_request_link(deal=deal, request=None, by=manager_boris)
    outcome = deals_match()

    deal.refresh_from_db()
    assert (deal.request, deal.request_link, deal.stage) == (
        None, LinkState.UNLINKED, DealStage.ORDER,
    )  # fmt: skip
    assert outcome.requests == 0
    # Linked by hand again, it is the person's link.
    deal_request_link(deal=deal, request=matched, by=manager_boris)
    deal.refresh_from_db()
    assert (deal.request, deal.request_link) == (matched, LinkState.CONFIRMED)
