"""Client statuses, the rules that give them and the one precedence that decides between rules.

A client's status as of a date D is decided from its orders on or before D. An order is a shipment
document with a positive amount that no return has cancelled by D (see `audit.facts`). Day counts
are D − date, and a window of n days includes an order exactly n days old.

Precedence, first matching rule wins:

1. partner (`partner_flag`): the client is a partner by contract. Whatever its orders say, the
   company treats it as a partner; a partner with no orders yet is still a partner.
2. no status (`no_orders`): the client has no order as of D (never ordered, or its only orders
   were cancelled by returns). Its row is kept so that it can be listed, with a null status.
3. lost (`no_order_for_lost_days`): days since the last order ≥ `lost_days` (180). A single order
   older than the one-time window is therefore Lost, as the settings require lost ≤ one-time.
4. reanimated (`order_after_long_gap`): an order within the last `reanimated_recent_days` (90)
   came after a gap of ≥ `reanimated_gap_days` (180) since the order before it.
5. new (`first_order_recent`): days since the first order ≤ `new_days` (90): 90 days is still New.
6. lapsing (`last_order_overdue`): days since the last order > `lapsing_interval_factor` (2) ×
   the typical interval, and > `lapsing_min_days` (45). Exactly twice the interval is not yet
   lapsing. Lapsing outranks VIP and Regular: that is the warning the manager must see.
7. vip (`regular_in_abc_a`): Regular and in ABC class A.
8. regular (`enough_orders_in_window`): ≥ `regular_min_orders` (4) orders within the last
   `regular_window_days` (365): exactly 4 orders is Regular.
9. irregular (`repeat_orders`): two or more orders in all.
10. one_time (`single_order`): exactly one order, older than the new window (New comes first) and
    within the last `one_time_window_days` (365).

Lost comes before Reanimated and New only for settings where their windows overlap; with the
defaults they exclude each other. The columns each rule's explanation needs:

- partner_flag: is_partner (and the order columns, when there are orders).
- no_order_for_lost_days: last_order_date, days_since_last_order.
- order_after_long_gap: recent_gap_days, last_order_date, days_since_last_order.
- first_order_recent: first_order_date, days_since_first_order, orders_total.
- last_order_overdue: days_since_last_order, typical_interval_days.
- regular_in_abc_a: regular_window_orders, abc_class, revenue_share_365, typical_interval_days,
  days_since_last_order.
- enough_orders_in_window: regular_window_orders, typical_interval_days, days_since_last_order.
- repeat_orders: orders_total, regular_window_orders, days_since_last_order.
- single_order: first_order_date, days_since_first_order.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

import ibis

from upsell.analytics.settings import AuditSettings

if TYPE_CHECKING:
    from ibis.expr.types import BooleanValue, StringValue, Table


class Status(StrEnum):
    NEW = "new"
    ONE_TIME = "one_time"
    IRREGULAR = "irregular"
    REGULAR = "regular"
    VIP = "vip"
    PARTNER = "partner"
    REANIMATED = "reanimated"
    LAPSING = "lapsing"
    LOST = "lost"


class StatusRule(StrEnum):
    PARTNER_FLAG = "partner_flag"
    NO_ORDERS = "no_orders"
    NO_ORDER_FOR_LOST_DAYS = "no_order_for_lost_days"
    ORDER_AFTER_LONG_GAP = "order_after_long_gap"
    FIRST_ORDER_RECENT = "first_order_recent"
    LAST_ORDER_OVERDUE = "last_order_overdue"
    REGULAR_IN_ABC_A = "regular_in_abc_a"
    ENOUGH_ORDERS_IN_WINDOW = "enough_orders_in_window"
    REPEAT_ORDERS = "repeat_orders"
    SINGLE_ORDER = "single_order"


Condition = Callable[["Table", AuditSettings], "BooleanValue"]


def _regular(facts: "Table", settings: AuditSettings) -> "BooleanValue":
    return facts.regular_window_orders >= settings.regular_min_orders


# The single precedence of the method: the first rule whose condition holds gives the status.
PRECEDENCE: tuple[tuple[Status | None, StatusRule, Condition], ...] = (
    (Status.PARTNER, StatusRule.PARTNER_FLAG, lambda f, s: f.is_partner),
    (None, StatusRule.NO_ORDERS, lambda f, s: f.orders_total == 0),
    (
        Status.LOST,
        StatusRule.NO_ORDER_FOR_LOST_DAYS,
        lambda f, s: f.days_since_last_order >= s.lost_days,
    ),
    (
        Status.REANIMATED,
        StatusRule.ORDER_AFTER_LONG_GAP,
        lambda f, s: f.recent_gap_days >= s.reanimated_gap_days,
    ),
    (
        Status.NEW,
        StatusRule.FIRST_ORDER_RECENT,
        lambda f, s: f.days_since_first_order <= s.new_days,
    ),
    (
        Status.LAPSING,
        StatusRule.LAST_ORDER_OVERDUE,
        lambda f, s: (
            (f.days_since_last_order > f.typical_interval_days * s.lapsing_interval_factor)
            & (f.days_since_last_order > s.lapsing_min_days)
        ),
    ),
    (
        Status.VIP,
        StatusRule.REGULAR_IN_ABC_A,
        lambda f, s: _regular(f, s) & (f.abc_class == "A"),
    ),
    (Status.REGULAR, StatusRule.ENOUGH_ORDERS_IN_WINDOW, _regular),
    (Status.IRREGULAR, StatusRule.REPEAT_ORDERS, lambda f, s: f.orders_total >= 2),
    (
        Status.ONE_TIME,
        StatusRule.SINGLE_ORDER,
        lambda f, s: (f.orders_total == 1) & (f.days_since_first_order <= s.one_time_window_days),
    ),
)


def status_columns(
    *, facts: "Table", settings: AuditSettings
) -> tuple["StringValue", "StringValue"]:
    """The status and the rule that decided it, for every row of the facts.

    `facts` needs is_partner, orders_total, days_since_first_order, days_since_last_order,
    regular_window_orders, typical_interval_days, recent_gap_days and abc_class. A condition on
    a missing fact (a null interval, no recent order) does not hold.
    """
    decided = [
        (condition(facts, settings).fill_null(False), status, rule)
        for status, rule, condition in PRECEDENCE
    ]
    status = ibis.cases(
        *[
            (holds, ibis.literal(code.value if code else None, type="string"))
            for holds, code, _ in decided
        ],
        else_=ibis.literal(None, type="string"),
    )
    rule = ibis.cases(
        *[(holds, ibis.literal(rule.value, type="string")) for holds, _, rule in decided],
        else_=ibis.literal(None, type="string"),
    )
    return status, rule
