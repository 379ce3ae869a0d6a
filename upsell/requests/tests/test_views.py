"""The request screens: the form, the queues with waiting times, the card and the rules."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.requests.models import (
    ComplexOrderRules,
    OrderRequest,
    RequestSource,
    RequestStatus,
    RoutingRule,
)
from upsell.requests.selectors import complex_rules_current

NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)


def signed_in(user):
    client = HttpClient()
    client.force_login(user)
    return client


# The lines table's management form, as the page sends it with no line filled in.
NO_LINES = {"lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0"}


def text(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def one_time(manager_anna, assistant_vera):
    return ClientFactory.create(
        name='ООО "Разовый"', manager=manager_anna, assistant=assistant_vera,
        status=ClientStatus.ONE_TIME,
    )  # fmt: skip


@pytest.fixture
def regular(manager_anna):
    return ClientFactory.create(
        name='ООО "Постоянный"', manager=manager_anna, status=ClientStatus.REGULAR
    )


def test_a_request_taken_on_the_form_goes_to_the_assistant(one_time, manager_anna, assistant_vera):
    response = signed_in(manager_anna).post(
        reverse("requests:create"),
        {"client": one_time.pk, "description": "Болты", "amount": "1200", "line_count": "2",
         "product_groups": "Крепёж, Метизы", "discount_percent": "0", "payment_delay_days": "0",
         **NO_LINES},
    )  # fmt: skip

    request = OrderRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("requests:detail", kwargs={"request_id": request.pk})
    assert (request.assignee, request.source, request.product_groups) == (
        assistant_vera, RequestSource.UI, ["Крепёж", "Метизы"]
    )  # fmt: skip


def test_a_manager_cannot_take_a_request_for_another_manager_s_client(manager_boris, one_time):
    response = signed_in(manager_boris).post(
        reverse("requests:create"), {"client": one_time.pk, "description": "Болты",
        "amount": "0", "line_count": "0", "discount_percent": "0", "payment_delay_days": "0",
        **NO_LINES},
    )  # fmt: skip

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert OrderRequest.objects.count() == 0


def test_queues_show_the_rule_and_the_waiting_time(
    one_time, regular, manager_anna, assistant_vera, django_assert_max_num_queries
):
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        OrderRequest.objects.create(
            client=one_time, description="Болты", amount=Decimal(700), source=RequestSource.UI,
            assignee=assistant_vera, routed_by_rule=RoutingRule.SPONTANEOUS,
        )  # fmt: skip
        OrderRequest.objects.create(
            client=regular, description="Гайки", source=RequestSource.UI,
            assignee=manager_anna, routed_by_rule=RoutingRule.MOTIVATED,
        )  # fmt: skip

    with time_machine.travel(NOW, tick=False):
        vera = signed_in(assistant_vera)
        # The waiting, the done today, and which client cards the user may open.
        with django_assert_max_num_queries(10):
            response = vera.get(reverse("requests:queues"))

    page = text(response)
    assert 'ООО "Разовый" 700.00 — Open Spontaneous client: its assistant 2 days' in page
    assert "Постоянный" not in page


def test_the_card_shows_which_rule_routed_the_request(one_time, manager_anna):
    request = OrderRequest.objects.create(
        client=one_time, description="Станок", source=RequestSource.API, assignee=manager_anna,
        routed_by_rule=RoutingRule.PRODUCT_GROUPS, routing_facts={"groups": ["Станки"]},
        complex_rule=RoutingRule.PRODUCT_GROUPS, complex_facts={"groups": ["Станки"]},
    )  # fmt: skip

    response = signed_in(manager_anna).get(
        reverse("requests:detail", kwargs={"request_id": request.pk})
    )

    assert (
        "Complex: products from chosen groups : Products from groups the manager handles: Станки"
        in text(response)
    )


def test_the_head_of_sales_edits_the_complex_rules(head_of_sales):
    response = signed_in(head_of_sales).post(
        reverse("requests:rules"),
        {"amount_above": "250000", "lines_above": "", "product_groups": "Станки; Краны",
         "standard_discount_percent": "3", "standard_payment_delay_days": "14"},
    )  # fmt: skip

    assert response.status_code == 302
    rules = complex_rules_current()
    assert (
        rules.amount_above, rules.lines_above, rules.product_groups,
        rules.standard_discount_percent, rules.standard_payment_delay_days, rules.overdue_debt,
    ) == (Decimal("250000.00"), None, ("Краны", "Станки"), Decimal("3.00"), 14, False)  # fmt: skip


def test_top_management_reads_the_rules_but_does_not_change_them(top_manager):
    browser = signed_in(top_manager)

    assert browser.get(reverse("requests:rules")).status_code == 200
    assert browser.post(reverse("requests:rules"), {"amount_above": "1"}).status_code == 403
    assert ComplexOrderRules.objects.count() == 0


def test_the_assignee_takes_a_request_into_work_and_finishes_it(one_time, assistant_vera):
    request = OrderRequest.objects.create(
        client=one_time, description="Болты", source=RequestSource.UI, assignee=assistant_vera,
        routed_by_rule=RoutingRule.SPONTANEOUS,
    )  # fmt: skip
    url = reverse("requests:status", kwargs={"request_id": request.pk})
    vera = signed_in(assistant_vera)

    statuses = []
    for status in ("in_work", "done", "open"):
        vera.post(url, {"status": status})
        request.refresh_from_db()
        statuses.append(request.status)

    # A finished request does not reopen.
    assert statuses == ["in_work", "done", "done"]


def test_nobody_is_told_of_a_request_it_takes_itself(regular, manager_anna):
    signed_in(manager_anna).post(
        reverse("requests:create"),
        {"client": regular.pk, "description": "Болты", "amount": "0", "line_count": "0",
         "discount_percent": "0", "payment_delay_days": "0", **NO_LINES},
    )  # fmt: skip

    assert OrderRequest.objects.get().assignee == manager_anna
    assert manager_anna.notifications.count() == 0


def test_the_client_card_lists_the_clients_waiting_requests(manager_anna, annas_client):
    OrderRequest.objects.bulk_create(
        OrderRequest(
            client=annas_client, description=description, source=RequestSource.UI,
            status=status, assignee=manager_anna, routed_by_rule=RoutingRule.MOTIVATED,
        )
        for description, status in (
            ("Саморезы", RequestStatus.OPEN), ("Дюбели", RequestStatus.IN_WORK),
            ("Отгружено", RequestStatus.DONE),
        )
    )  # fmt: skip
    http = HttpClient()
    http.force_login(manager_anna)

    response = http.get(reverse("requests:client_requests", kwargs={"client_id": annas_client.pk}))

    assert [item.description for item in response.context["waiting"]] == ["Саморезы", "Дюбели"]
    assert f'href="/requests/new/?client={annas_client.pk}"' in response.content.decode()
    form = http.get(f"/requests/new/?client={annas_client.pk}").context["form"]
    assert str(form["client"].value()) == str(annas_client.pk)


def test_the_requests_section_is_not_for_an_administrator_or_another_manager(
    admin_adam, manager_boris, annas_client
):
    url = reverse("requests:client_requests", kwargs={"client_id": annas_client.pk})
    for user in (admin_adam, manager_boris):
        http = HttpClient()
        http.force_login(user)
        assert http.get(url).status_code == 404
