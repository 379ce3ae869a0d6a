"""The workload board as the head of sales and as top management."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import ClientAssignmentChange, ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.portfolios.models import WorkloadSettings
from upsell.portfolios.selectors import workload_settings_current


def signed_in(user):
    client = HttpClient()
    client.force_login(user)
    return client


def text(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def once(manager_anna, assistant_vera):
    return ClientFactory.create(
        name='ООО "Разовый"', manager=manager_anna, status=ClientStatus.ONE_TIME
    )


def test_the_head_of_sales_sees_the_board_and_the_proposal(once, head_of_sales):
    response = signed_in(head_of_sales).get(reverse("portfolios:workload"))

    page = text(response)
    assert response.status_code == 200
    assert "Иванова Анна Manager 0 1 0 % 0.00 0.00 0 —" in page
    assert (
        'ООО "Разовый" Москва Розница Assistant — Смирнова Вера Spontaneous client: to the least '
        "loaded assistant of its manager's team" in page
    )


def test_applying_the_proposal_from_the_board(once, head_of_sales, assistant_vera):
    key = f"{once.pk}:assistant:{assistant_vera.pk}"

    response = signed_in(head_of_sales).post(reverse("portfolios:rebalance"), {"move": [key]})

    assert response.status_code == 302
    once.refresh_from_db()
    assert once.assistant == assistant_vera
    assert ClientAssignmentChange.objects.get(client=once).changed_by == head_of_sales


def test_the_head_of_sales_sets_capacity_and_pool(head_of_sales):
    pool = UserFactory.create(username="polina", role=Role.ASSISTANT)

    response = signed_in(head_of_sales).post(
        reverse("portfolios:settings"),
        {"max_motivated_per_manager": "45", "pool_assistant": pool.pk},
    )

    assert response.status_code == 302
    config = workload_settings_current()
    assert (config.max_motivated_per_manager, config.pool_assistant) == (45, pool)


def test_top_management_sees_the_board_but_neither_proposal_nor_changes(
    once, top_manager, assistant_vera
):
    browser = signed_in(top_manager)

    page = text(browser.get(reverse("portfolios:workload")))
    refused = browser.post(
        reverse("portfolios:rebalance"), {"move": [f"{once.pk}:assistant:{assistant_vera.pk}"]}
    )

    assert "Rebalancing proposal" not in page
    assert refused.status_code == 403
    once.refresh_from_db()
    assert once.assistant is None
    assert ClientAssignmentChange.objects.count() == 0
    assert WorkloadSettings.objects.count() == 0


def test_spontaneous_clients_no_assistant_can_take_are_counted_on_the_board(
    manager_boris, head_of_sales
):
    # Boris has no assistant, and no pool assistant is chosen.
    ClientFactory.create_batch(2, manager=manager_boris, status=ClientStatus.ONE_TIME)

    response = signed_in(head_of_sales).get(reverse("portfolios:workload"))

    assert response.context["left_with_managers"] == 2
    assert (
        "2 spontaneous clients stay with their managers: the managers have no assistant, and no "
        "pool assistant is chosen below." in text(response)
    )
    assert "every spontaneous client has an assistant" not in text(response)


def test_a_pool_assistant_leaves_no_spontaneous_client_with_its_manager(
    manager_boris, assistant_vera, head_of_sales
):
    ClientFactory.create_batch(2, manager=manager_boris, status=ClientStatus.ONE_TIME)
    WorkloadSettings.objects.create(pool_assistant=assistant_vera, changed_by=head_of_sales)

    response = signed_in(head_of_sales).get(reverse("portfolios:workload"))

    # The proposal hands both to the pool assistant; none is left over.
    assert [move.new for move in response.context["proposal"]] == [assistant_vera] * 2
    assert response.context["left_with_managers"] == 0


def test_the_board_reads_only_what_it_shows_of_each_client_whatever_their_number(
    manager_anna, assistant_vera, head_of_sales
):
    def board_queries():
        with CaptureQueriesContext(connection) as captured:
            response = signed_in(head_of_sales).get(reverse("portfolios:workload"))
        assert response.status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    ClientFactory.create_batch(3, manager=manager_anna, status=ClientStatus.REGULAR)
    few = board_queries()
    ClientFactory.create_batch(30, manager=manager_anna, status=ClientStatus.ONE_TIME)
    many = board_queries()

    assert len(many) == len(few)
    portfolio = next(sql for sql in many if 'FROM "clients_client"' in sql and "ORDER BY" in sql)
    assert "accounts_user" not in portfolio
    assert "created_at" not in portfolio
