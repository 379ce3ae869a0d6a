"""The menu counts the requests waiting in a person's own queue beside its Requests item."""

import re
from decimal import Decimal

from django.urls import reverse

from upsell.clients.tests.factories import ClientFactory
from upsell.requests.models import OrderRequest, RequestSource, RequestStatus, RoutingRule


def _count_in_menu(client, user) -> str | None:
    client.force_login(user)
    html = client.get(reverse("requests:queues")).content.decode()
    found = re.search(r'class="nav-count"[^>]*>(\d+)</span>', html)
    return found.group(1) if found else None


def _request(client, assignee, status=RequestStatus.OPEN):
    return OrderRequest.objects.create(
        client=client,
        amount=Decimal("1000.00"),
        source=RequestSource.API,
        assignee=assignee,
        routed_by_rule=RoutingRule.NO_ASSISTANT,
        status=status,
    )


def test_an_assistant_sees_how_many_requests_wait_in_its_queue(
    client, assistant_vera, manager_anna, head_of_sales
):
    # Given two requests waiting for Vera, one she finished, and one waiting for Anna
    spontaneous = ClientFactory.create(manager=manager_anna, assistant=assistant_vera)
    _request(spontaneous, assistant_vera)
    _request(spontaneous, assistant_vera, RequestStatus.IN_WORK)
    _request(spontaneous, assistant_vera, RequestStatus.DONE)
    _request(ClientFactory.create(manager=manager_anna), manager_anna)

    # Then each sees its own queue's count; the head of sales has no queue of her own
    assert _count_in_menu(client, assistant_vera) == "2"
    assert _count_in_menu(client, manager_anna) == "1"
    assert _count_in_menu(client, head_of_sales) is None
