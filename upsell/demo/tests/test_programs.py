"""The demo company's sales programs: one of every kind, their members and control groups
eligible by the status each client's behaviour earns, and the uplift planted in one of them."""

import json
from collections import Counter
from datetime import date
from decimal import Decimal

from upsell.demo import Behaviour
from upsell.demo.behaviours import EXPECTED_STATUS
from upsell.demo.programs import (
    CONTROL,
    DAYS_A_MONTH,
    MEMBER,
    PLANTED_POOL,
    PLANTED_UPLIFT,
    STOCK_ABOUT,
    STOCK_MORE,
)
from upsell.demo.tests.recount import csv_rows

KINDS = [
    "cumulative_discount",
    "retro_bonus",
    "volume_discount",
    "advance_discount",
    "credit_line",
    "client_return",
    "guaranteed_stock",
]


def _programs(demo):
    return json.loads(demo.summary.files.programs.read_text(encoding="utf-8"))


def _memberships(demo):
    return csv_rows(demo.summary.files.memberships, encoding="utf-8-sig", delimiter=";")


def _truth(demo):
    return json.loads(demo.summary.files.programs_truth.read_text(encoding="utf-8"))


def test_one_program_of_every_kind_most_started_six_months_ago_or_earlier(demo):
    programs = _programs(demo)

    assert [program["kind"] for program in programs] == KINDS
    starts = {program["kind"]: date.fromisoformat(program["period_start"]) for program in programs}
    ends = {program["kind"]: date.fromisoformat(program["period_end"]) for program in programs}
    # The demo's today is 15 March 2026.
    assert (starts["cumulative_discount"], ends["cumulative_discount"]) == (
        date(2025, 9, 1), date(2026, 8, 31),
    )  # fmt: skip
    assert (starts["retro_bonus"], ends["retro_bonus"]) == (date(2026, 1, 1), date(2026, 3, 31))
    assert sum(start <= date(2025, 9, 15) for start in starts.values()) == 6
    for program in programs:
        thresholds = [Decimal(tier["threshold"]) for tier in program["tiers"]]
        rates = [Decimal(tier["rate"]) for tier in program["tiers"]]
        assert thresholds == sorted(set(thresholds)), program["name"]
        assert rates == sorted(set(rates)), program["name"]
    credit_line = programs[KINDS.index("credit_line")]
    assert (credit_line["payment_delay_days"], Decimal(credit_line["credit_limit"]) > 0) == (
        30, True,
    )  # fmt: skip


def test_members_and_controls_are_known_clients_each_eligible_by_its_behaviours_status(demo):
    programs = {program["name"]: program for program in _programs(demo)}
    rows = _memberships(demo)
    pairs = Counter((row["Программа"], row["ИНН"]) for row in rows)

    assert len(pairs) == demo.summary.memberships
    for row in rows:
        client = demo.clients[row["ИНН"]]
        assert row["Контрагент"] == client["Контрагент"]
        assert row["Группа"] in (MEMBER, CONTROL)
        behaviour = demo.behaviour[row["ИНН"]]
        # The smallest VIPs fall below the 80 % line of revenue and are only regular.
        statuses = {EXPECTED_STATUS[behaviour]} | ({"regular"} if behaviour == "vip" else set())
        program = programs[row["Программа"]]
        assert statuses & set(program["eligible_statuses"]), (row, behaviour)
        assert row["Дата вступления"] == date.fromisoformat(program["period_start"]).strftime(
            "%d.%m.%Y"
        )
    # Only a guaranteed-stock member is on more than one row: one per product kept.
    assert {name for (name, _), times in pairs.items() if times > 1} == {"Гарантированный запас"}
    for name in programs:
        groups = Counter(row["Группа"] for row in rows if row["Программа"] == name)
        assert groups[MEMBER] >= 1, name


def test_the_planted_program_splits_steady_clients_half_and_half(demo):
    truth = _truth(demo)
    rows = [row for row in _memberships(demo) if row["Программа"] == truth["program"]]
    groups = {
        group: {row["ИНН"] for row in rows if row["Группа"] == group} for group in (MEMBER, CONTROL)
    }

    # 300 clients hold 42 steady, 24 seasonal and 24 budgeting ones.
    assert (len(groups[MEMBER]), len(groups[CONTROL])) == (45, 45)
    assert (truth["members"], truth["controls"]) == (45, 45)
    assert {demo.behaviour[tax_id] for tax_id in groups[MEMBER] | groups[CONTROL]} == set(
        PLANTED_POOL
    )
    assert set(truth["added"]) == groups[MEMBER]
    assert truth["months"] == ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]


def test_members_buy_the_planted_share_more_from_the_programs_start(demo):
    truth = _truth(demo)
    members = set(truth["added"])
    start = date(2025, 9, 1)
    shipped = sum(
        (
            document.total
            for document in demo.documents
            if document.tax_id in members and document.date >= start and not document.is_return
        ),
        Decimal(0),
    )
    added = sum(Decimal(amount) for months in truth["added"].values() for amount in months.values())
    measured = [
        Decimal(months.get(month, "0"))
        for months in truth["added"].values()
        for month in truth["months"]
    ]

    # What a raised document holds beyond its amount without the program, less what came back.
    share = Decimal(PLANTED_UPLIFT) / (1 + Decimal(PLANTED_UPLIFT))
    assert shipped * share * Decimal("0.98") < added <= shipped * share
    assert all(month >= "2025-09" for months in truth["added"].values() for month in months)
    mean = sum(measured, Decimal(0)) / len(measured)
    assert Decimal(truth["uplift_per_member_month"]) == mean.quantize(Decimal("0.01"))
    assert {Behaviour(demo.behaviour[tax_id]) for tax_id in members} <= set(PLANTED_POOL)


def test_each_guaranteed_stock_member_keeps_its_most_bought_products_near_what_it_takes(demo):
    stock = next(program for program in _programs(demo) if program["kind"] == "guaranteed_stock")
    start = date.fromisoformat(stock["period_start"])
    rows = [row for row in _memberships(demo) if row["Программа"] == stock["name"]]
    kept: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["Группа"] == MEMBER:
            kept.setdefault(row["ИНН"], {})[row["Артикул"]] = int(row["Количество в месяц"])
    taken: dict[str, Counter[str]] = {tax_id: Counter() for tax_id in kept}
    for document in demo.documents:
        if document.tax_id in kept and start <= document.date <= demo.today:
            for line in document.lines:
                taken[document.tax_id][line.sku] += line.quantity
    months = Decimal((demo.today - start).days) / Decimal(DAYS_A_MONTH)

    # Controls keep nothing; each member keeps two or three products, the ones it took most of
    assert {
        (row["Артикул"], row["Количество в месяц"]) for row in rows if row["Группа"] == CONTROL
    } == {("", "")}
    assert {len(products) for products in kept.values()} == {2, 3}
    for tax_id, products in kept.items():
        most = [sku for sku, _ in taken[tax_id].most_common(len(products))]
        assert {taken[tax_id][sku] for sku in products} == {taken[tax_id][sku] for sku in most}
    # Each kept at about what it takes a month, or more; both kinds of member are there
    ratios = {
        tax_id: [
            quantity / (taken[tax_id][sku] / months)
            for sku, quantity in products.items()
            if quantity >= 20
        ]
        for tax_id, products in kept.items()
    }
    low, high = Decimal(str(STOCK_ABOUT[0])), Decimal(str(STOCK_MORE[1]))
    assert all(
        low * Decimal("0.98") < ratio < high * Decimal("1.02")
        for member in ratios.values() for ratio in member
    )  # fmt: skip
    about = [tax_id for tax_id, member in ratios.items() if member and max(member) < 1.15]
    more = [tax_id for tax_id, member in ratios.items() if member and min(member) > 1.25]
    assert len(about) > len(more) > 0
