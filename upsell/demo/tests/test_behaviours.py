"""Each behaviour in truth.csv, recounted from the shipments file as the status rules see it."""

from collections import Counter
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from upsell.demo import Behaviour, generate
from upsell.demo.behaviours import EXPECTED_STATUS, REGULAR_BEHAVIOURS
from upsell.demo.tests.conftest import Demo, demo_read
from upsell.demo.tests.recount import Document, History, abc_a, number, status_recount

YEAR = 365


def _statuses(demo: Demo) -> dict[str, str | None]:
    in_class_a = abc_a(_revenues(demo))
    return {
        tax_id: status_recount(
            demo.histories[tax_id],
            today=demo.today,
            is_partner=demo.clients[tax_id]["Партнёр"] == "Да",
            in_class_a=tax_id in in_class_a,
        )
        for tax_id in demo.behaviour
    }


def _revenues(demo: Demo) -> dict[str, Decimal]:
    return {
        tax_id: history.revenue(today=demo.today, first_day_back=0, last_day_back=YEAR)
        for tax_id, history in demo.histories.items()
    }


def _disagreements(demo: Demo) -> Counter[tuple[Behaviour, str | None]]:
    statuses = _statuses(demo)
    return Counter(
        (behaviour, statuses[tax_id])
        for tax_id, behaviour in demo.behaviour.items()
        if statuses[tax_id] != EXPECTED_STATUS[behaviour]
    )


def _days_since_last_order(demo: Demo, history: History) -> int:
    return (demo.today - history.order_dates()[-1]).days


def test_the_status_rules_recognise_every_behaviour_but_a_few_vips(demo):
    disagreements = _disagreements(demo)

    # VIPs carry 85 % of the revenue: the smallest of the nine falls past the 80 % of class A.
    assert len(demo.of(Behaviour.VIP)) == 9
    assert disagreements == {(Behaviour.VIP, "regular"): 1}


@pytest.mark.parametrize(
    ("seed", "demo_day", "clients", "years"),
    [
        (2, date(2026, 1, 15), 200, 3),  # winter: the seasonal clients' slow months
        (3, date(2024, 2, 29), 150, 2),  # a leap day, the shortest history
        (4, date(2025, 7, 1), 400, 4),
    ],
)
def test_the_behaviours_hold_for_other_seeds_days_and_sizes(
    tmp_path, seed, demo_day, clients, years
):
    demo = demo_read(generate(tmp_path, clients=clients, seed=seed, today=demo_day, years=years))

    disagreements = _disagreements(demo)

    assert set(disagreements) <= {(Behaviour.VIP, "regular")}
    assert disagreements[(Behaviour.VIP, "regular")] <= max(1, 0.1 * len(demo.of(Behaviour.VIP)))
    assert demo.summary.vip_revenue_share > 0.8


def test_regular_clients_order_four_times_a_year_and_lately(demo):
    for tax_id in demo.of(*REGULAR_BEHAVIOURS):
        history = demo.histories[tax_id]

        assert history.orders_within(today=demo.today, days=YEAR) >= 4
        assert _days_since_last_order(demo, history) <= 35
        assert (demo.today - history.order_dates()[0]).days > 180
        assert max(b - a for a, b in pairwise(history.order_dates())).days < 180


def test_growing_clients_buy_a_third_more_than_the_year_before(demo):
    for tax_id in demo.of(Behaviour.GROWING):
        history = demo.histories[tax_id]
        last_year = history.revenue(today=demo.today, first_day_back=0, last_day_back=YEAR)
        year_before = history.revenue(today=demo.today, first_day_back=YEAR, last_day_back=730)

        assert last_year >= Decimal("1.3") * year_before


def test_stagnating_clients_buy_no_more_than_the_year_before(demo):
    for tax_id in demo.of(Behaviour.STAGNATING):
        history = demo.histories[tax_id]
        last_year = history.revenue(today=demo.today, first_day_back=0, last_day_back=YEAR)
        year_before = history.revenue(today=demo.today, first_day_back=YEAR, last_day_back=730)

        assert 0 < last_year <= year_before


def test_seasonal_clients_buy_mostly_in_the_building_season(demo):
    def in_season_share(behaviour: Behaviour) -> float:
        dates: list[date] = [
            when for tax_id in demo.of(behaviour) for when in demo.histories[tax_id].order_dates()
        ]
        return sum(4 <= when.month <= 10 for when in dates) / len(dates)

    assert in_season_share(Behaviour.SEASONAL) > 0.72
    assert in_season_share(Behaviour.STEADY) < 0.65


def test_vips_and_only_vips_make_the_top_80_percent_of_revenue(demo):
    revenues = _revenues(demo)
    vips = set(demo.of(Behaviour.VIP))
    vip_revenue = sum((revenues[tax_id] for tax_id in vips), Decimal(0))

    share = vip_revenue / sum(revenues.values(), Decimal(0))

    assert Decimal("0.84") < share < Decimal("0.86")
    assert float(share) == pytest.approx(demo.summary.vip_revenue_share, abs=1e-9)
    assert min(revenues[tax_id] for tax_id in vips) > max(
        revenue for tax_id, revenue in revenues.items() if tax_id not in vips
    )
    assert abc_a(revenues) < vips


def test_partners_are_flagged_and_order_regularly(demo):
    partners = set(demo.of(Behaviour.PARTNER))

    assert {tax_id for tax_id, row in demo.clients.items() if row["Партнёр"] == "Да"} == partners
    assert {demo.clients[tax_id]["Сегмент"] for tax_id in partners} == {"Дилер"}


def test_budgeting_clients_buy_20_to_60_percent_of_this_years_budget_from_us(demo):
    budgeting = set(demo.of(Behaviour.BUDGETING))
    flagged = {tax_id for tax_id, row in demo.clients.items() if row["Бюджетирование"] == "Да"}

    assert flagged == budgeting
    assert all(
        row["Годовой бюджет"] == "" and row["Год бюджета"] == ""
        for tax_id, row in demo.clients.items()
        if tax_id not in budgeting
    )
    for tax_id in budgeting:
        row = demo.clients[tax_id]
        bought = demo.histories[tax_id].revenue(
            today=demo.today, first_day_back=0, last_day_back=YEAR
        )

        assert row["Год бюджета"] == str(demo.today.year)
        assert Decimal("0.2") <= bought / number(row["Годовой бюджет"]) <= Decimal("0.6")


def test_irregular_clients_order_two_or_three_times_a_year_without_lapsing(demo):
    for tax_id in demo.of(Behaviour.IRREGULAR):
        history = demo.histories[tax_id]
        dates = history.order_dates()
        gaps = [(later - earlier).days for earlier, later in pairwise(dates)]

        assert history.orders_within(today=demo.today, days=YEAR) in (2, 3)
        assert len(dates) > history.orders_within(today=demo.today, days=YEAR)
        assert 5 <= _days_since_last_order(demo, history) <= 60
        assert min(gaps) >= 125
        assert max(gaps) <= 175


def test_one_time_clients_have_a_single_document_100_to_170_days_ago(demo):
    documents = Counter(document.tax_id for document in demo.documents)

    for tax_id in demo.of(Behaviour.ONE_TIME):
        assert documents[tax_id] == 1
        assert 100 <= _days_since_last_order(demo, demo.histories[tax_id]) <= 170


def test_new_clients_order_one_to_three_times_since_their_first_order_in_90_days(demo):
    orders = Counter(len(demo.histories[tax_id].order_dates()) for tax_id in demo.of(Behaviour.NEW))

    assert set(orders) == {1, 2, 3}
    for tax_id in demo.of(Behaviour.NEW):
        assert (demo.today - demo.histories[tax_id].order_dates()[0]).days <= 85


def test_lost_clients_ordered_for_a_while_then_stopped_200_to_700_days_ago(demo):
    for tax_id in demo.of(Behaviour.LOST):
        history = demo.histories[tax_id]

        assert len(history.order_dates()) >= 2
        assert 200 <= _days_since_last_order(demo, history) <= 700


def test_reanimated_clients_came_back_after_200_days_without_orders(demo):
    for tax_id in demo.of(Behaviour.REANIMATED):
        dates = demo.histories[tax_id].order_dates()
        recent = [when for when in dates if (demo.today - when).days <= 60]
        before = dates[: len(dates) - len(recent)]

        assert len(recent) in (1, 2)
        assert before
        assert (recent[0] - before[-1]).days >= 200


def test_returns_take_back_part_of_an_earlier_shipment_of_a_regular_client(demo):
    shipments: dict[str, list[Document]] = {}
    for document in demo.documents:
        if not document.is_return:
            shipments.setdefault(document.tax_id, []).append(document)

    for document in (item for item in demo.documents if item.is_return):
        assert demo.behaviour[document.tax_id] in REGULAR_BEHAVIOURS
        assert len(demo.histories[document.tax_id].orders) >= 8
        origins = [
            shipment
            for shipment in shipments[document.tax_id]
            if 0 < (document.date - shipment.date).days <= 21
            and len(shipment.lines) > len(document.lines)
            and all(
                any(
                    line.sku == shipped.sku
                    and line.price == shipped.price
                    and -line.quantity <= shipped.quantity
                    for shipped in shipment.lines
                )
                for line in document.lines
            )
        ]
        assert origins, document.number
