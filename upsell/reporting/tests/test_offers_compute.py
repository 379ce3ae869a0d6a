"""The nightly suggestions on a small world with a planted co-purchase (``offers_world``)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from upsell.offers.models import Suggestion, SuggestionLevel, SuggestionRun
from upsell.offers.tests.world import AS_OF, offers_world
from upsell.reporting.offers import offers_compute
from upsell.shipments.models import ShipmentLine


@pytest.fixture
def world(annas_client, boris_client, manager_anna):
    return offers_world(annas_client=annas_client, boris_client=boris_client, anna=manager_anna)


def _rows(client, run):
    return list(
        Suggestion.objects.filter(client=client, run=run)
        .order_by("rank")
        .values_list("rank", "product__sku", "group", "buyers", "among", "because_of__sku",
                     "because_of_group")
    )  # fmt: skip


def test_a_client_is_offered_what_the_buyers_of_its_products_buy(world):
    computed = offers_compute(as_of=AS_OF)

    products = computed.products
    assert (products.level, products.as_of, products.model, products.too_little_data) == (
        SuggestionLevel.PRODUCTS, AS_OF, "itemknn", False
    )  # fmt: skip
    assert (products.clients, products.items, products.clients_scored, products.k) == (7, 4, 2, 10)
    assert products.backtest["itemknn"]["ndcg_at_k"] == 1.0
    assert products.backtest["itemknn"]["recall_at_k"] == 1.0
    # Epsilon's dowel is popularity's first pick too; Eta's drill only its third.
    assert products.backtest["popular"]["recall_at_k"] == 1.0
    assert products.backtest["popular"]["ndcg_at_k"] == pytest.approx((1 + 0.5) / 2)
    assert set(products.backtest) == {"popular", "itemknn", "ease"}
    assert _rows(world.clients["beta"], products) == [
        (1, "D-1", "", 4, 5, "A-1", ""),
        (2, "S-1", "", 2, 7, None, ""),
        (3, "T-1", "", 2, 7, None, ""),
    ]
    # Each buyer of each of them spent 100.00 on it over the year: 8.33 a month at stake.
    assert (
        list(
            Suggestion.objects.filter(client=world.clients["beta"], run=products)
            .order_by("rank")
            .values_list("monthly_amount", flat=True)
        )
        == [Decimal("8.33")] * 3
    )

    groups = computed.groups
    assert (groups.model, groups.clients, groups.items, groups.clients_scored) == (
        "itemknn", 7, 3, 1
    )  # fmt: skip
    assert _rows(world.clients["beta"], groups) == [
        (1, None, "Инструмент", 2, 7, None, ""),
        (2, None, "Метизы", 2, 7, None, ""),
    ]
    assert _rows(world.clients["eta"], groups) == [(1, None, "Крепёж", 5, 7, None, "")]


def test_no_client_is_offered_a_product_or_group_it_already_bought(world):
    offers_compute(as_of=AS_OF)

    bought = set(
        ShipmentLine.objects.filter(shipment__date__lte=AS_OF).values_list(
            "shipment__client_id", "product_id"
        )
    )
    groups_bought = set(
        ShipmentLine.objects.filter(shipment__date__lte=AS_OF).values_list(
            "shipment__client_id", "product__group"
        )
    )
    offered = set(
        Suggestion.objects.filter(product__isnull=False).values_list("client_id", "product_id")
    )
    groups_offered = set(
        Suggestion.objects.filter(product__isnull=True).values_list("client_id", "group")
    )
    assert len(offered) == 7 * 4 - len(bought) == 15
    assert not offered & bought
    assert len(groups_offered) == 7 * 3 - len(groups_bought) == 12
    assert not groups_offered & groups_bought


def test_a_rerun_replaces_the_suggestions_and_keeps_the_runs(world):
    first = offers_compute(as_of=AS_OF)
    stored = set(
        Suggestion.objects.values_list("client_id", "product_id", "group", "rank", "buyers")
    )

    second = offers_compute(as_of=AS_OF)

    assert SuggestionRun.objects.count() == 4
    assert set(Suggestion.objects.values_list("run_id", flat=True)) == {
        second.products.pk, second.groups.pk
    }  # fmt: skip
    assert not Suggestion.objects.filter(run__in=[first.products, first.groups]).exists()
    assert (
        set(Suggestion.objects.values_list("client_id", "product_id", "group", "rank", "buyers"))
        == stored
    )
    assert (second.products.suggestions, second.groups.suggestions) == (15, 12)


def test_without_shipments_a_run_records_too_little_data(db):
    computed = offers_compute(as_of=AS_OF)

    for run in (computed.products, computed.groups):
        assert (run.too_little_data, run.model, run.suggestions, run.clients) == (True, "", 0, 0)
        assert run.note == "no shipment line on or before 2026-06-30"
    assert not Suggestion.objects.exists()


def test_a_history_without_a_holdout_records_too_little_data_and_clears_the_last_night(world):
    offers_compute(as_of=AS_OF)

    computed = offers_compute(as_of=dt.date(2026, 3, 1))

    assert computed.products.too_little_data
    assert computed.products.note == ("no line on or before the calibration end 2025-12-01")
    assert computed.products.clients == 7
    assert not Suggestion.objects.exists()


def test_the_command_computes_the_suggestions_as_of_a_date(world, capsys):
    call_command("offers_compute", "--as-of", "2026-06-30")

    assert capsys.readouterr().out.splitlines() == [
        "Suggestions of products: model itemknn, 15 suggestions for 7 clients among 4 items",
        "Suggestions of groups: model itemknn, 12 suggestions for 7 clients among 3 items",
    ]
    assert SuggestionRun.objects.get(level=SuggestionLevel.PRODUCTS).as_of == AS_OF
