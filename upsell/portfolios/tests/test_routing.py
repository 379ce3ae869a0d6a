"""Portfolio routing after an audit: motivated clients with their managers, spontaneous ones
with the least loaded assistant of the team or the pool, every change recorded."""

import pytest
from django.core import mail

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import Client, ClientAssignmentChange, ClientStatus
from upsell.clients.services import portfolio_rules_update
from upsell.clients.tests.factories import ClientFactory
from upsell.history.models import ChangeSource
from upsell.notifications.models import Notification
from upsell.portfolios.services import (
    RoutingOutcome,
    portfolio_routing_apply,
    workload_settings_update,
)
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule


@pytest.fixture
def galina(manager_anna, assistant_vera):
    galina = UserFactory.create(username="galina", full_name="Орлова Галина", role=Role.ASSISTANT)
    manager_anna.team.assistants.add(galina)
    return galina


def served(client):
    client.refresh_from_db()
    return (client.manager.username if client.manager else None,
            client.assistant.username if client.assistant else None)  # fmt: skip


def history(client):
    return [
        (change.role, change.previous and change.previous.username,
         change.new and change.new.username, change.reason)
        for change in ClientAssignmentChange.objects.filter(client=client).order_by("id")
    ]  # fmt: skip


def test_motivated_clients_return_to_their_manager_and_it_is_told(
    manager_anna, assistant_vera, django_capture_on_commit_callbacks
):
    manager_anna.email = "anna@example.com"
    manager_anna.save(update_fields=["email"])
    regular = ClientFactory.create(
        name='ООО "Постоянный"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.REGULAR,
    )  # fmt: skip
    budgeting = ClientFactory.create(
        name='ООО "Бюджет"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.ONE_TIME, plans_budget=True,
    )  # fmt: skip
    request = OrderRequest.objects.create(
        client=regular, description="Болты", source=RequestSource.UI, assignee=assistant_vera,
        routed_by_rule=RoutingRule.SPONTANEOUS,
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        outcome = portfolio_routing_apply()

    assert outcome == RoutingOutcome(to_managers=2, to_assistants=0, requests_moved=1)
    assert served(regular) == ("anna", None)
    assert served(budgeting) == ("anna", None)
    assert history(regular) == [
        ("assistant", "vera", None, "Motivated: status Regular is managed; its manager serves it")
    ]
    assert history(budgeting) == [
        ("assistant", "vera", None, "Motivated: plans a purchase budget; its manager serves it")
    ]
    request.refresh_from_db()
    assert (request.assignee, request.routed_by_rule) == (manager_anna, RoutingRule.MOTIVATED)
    texts = list(Notification.objects.filter(user=manager_anna).values_list("text", flat=True))
    assert 'Back in your portfolio as motivated clients: ООО "Бюджет", ООО "Постоянный"' in texts
    # The manager hears of its clients before it hears of their requests.
    assert [(message.to, message.body) for message in mail.outbox] == [
        (["anna@example.com"],
         'Back in your portfolio as motivated clients: ООО "Бюджет", ООО "Постоянный"'),
        (["anna@example.com"],
         f'Request № {request.pk} of ООО "Постоянный" is yours: The client is motivated again: '
         "back to its manager"),
    ]  # fmt: skip


def test_spontaneous_clients_go_to_the_least_loaded_assistant_of_the_team(
    manager_anna, assistant_vera, galina
):
    kept = ClientFactory.create(
        name='ООО "А"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.IRREGULAR,
    )  # fmt: skip
    first = ClientFactory.create(name='ООО "Б"', manager=manager_anna, status=ClientStatus.ONE_TIME)
    second = ClientFactory.create(name='ООО "В"', manager=manager_anna, status=ClientStatus.LAPSING)
    unaudited = ClientFactory.create(name='ООО "Г"', manager=manager_anna)

    outcome = portfolio_routing_apply()

    assert outcome == RoutingOutcome(to_managers=0, to_assistants=2, requests_moved=0)
    assert served(kept) == ("anna", "vera")
    # Galina had none, Vera one: Galina takes the first, then they are even and the lower id wins.
    assert served(first) == ("anna", "galina")
    assert served(second) == ("anna", "vera")
    assert served(unaudited) == ("anna", None)
    assert history(first) == [
        ("assistant", None, "galina",
         "Spontaneous: status One-time is not managed; to the least loaded assistant of its "
         "manager's team"),
    ]  # fmt: skip
    assert history(kept) == []


def test_a_manager_without_assistants_hands_spontaneous_clients_to_the_pool(
    manager_boris, head_of_sales
):
    pool = UserFactory.create(username="polina", role=Role.ASSISTANT)
    client = ClientFactory.create(manager=manager_boris, status=ClientStatus.ONE_TIME)

    portfolio_routing_apply()
    assert served(client) == ("boris", None)

    workload_settings_update(
        max_motivated_per_manager=40,
        pool_assistant=pool,
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )
    portfolio_routing_apply()

    assert served(client) == ("boris", "polina")
    assert history(client)[0][3] == (
        "Spontaneous: status One-time is not managed; to the pool assistant, its manager has none"
    )


def test_the_managed_statuses_decide_and_a_second_run_changes_nothing(
    manager_anna, assistant_vera, head_of_sales
):
    lapsing = ClientFactory.create(manager=manager_anna, status=ClientStatus.LAPSING)
    portfolio_routing_apply()
    assert served(lapsing) == ("anna", "vera")

    portfolio_rules_update(
        managed_statuses=[ClientStatus.REGULAR, ClientStatus.LAPSING], changed_by=head_of_sales
    )
    first = portfolio_routing_apply()
    changes = ClientAssignmentChange.objects.count()
    second = portfolio_routing_apply()

    assert served(lapsing) == ("anna", None)
    assert first == RoutingOutcome(to_managers=1, to_assistants=0, requests_moved=0)
    assert second == RoutingOutcome(to_managers=0, to_assistants=0, requests_moved=0)
    assert ClientAssignmentChange.objects.count() == changes == 2
    assert Client.objects.filter(assistant__isnull=False).count() == 0
