"""The facts about each client as of each audit date, written once as Ibis expressions.

Every computation here runs over a grid of (client, as-of date) pairs, so the same expression
gives one audit date (`audit_clients`) or every month end of the history (`audit_history`).

Definitions:
- A document is a row of `orders`; documents dated after the audit date D are not seen.
- An order is a document with a positive amount. A return is a document with a negative amount.
- A return cancels an order when it returns the order's whole amount, on the order's date or
  later: it takes the latest order of that client and amount not yet cancelled (a stack, like
  brackets). From the return's date on, the cancelled order no longer counts as an order; before
  it, it does. A return that matches no order (a partial return) cancels nothing.
- Revenue is the sum of all documents' amounts (orders and returns alike) in the window.
- Windows are inclusive: "within n days" means D − date ≤ n.
- Intervals are gaps in days between consecutive distinct order dates (two documents on one day
  are two orders but make no interval of 0 days).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.arrow import cents_from_money, days_from_dates, months_from_dates
from upsell.analytics.audit.statuses import status_columns
from upsell.analytics.contracts import (
    CLIENTS_SCHEMA,
    ORDERS_SCHEMA,
    PAYMENTS_SCHEMA,
    table_conform,
)
from upsell.analytics.engines import DatabaseRows, EngineSession
from upsell.analytics.settings import AuditSettings

if TYPE_CHECKING:
    from ibis.expr.types import FloatingValue, IntegerValue, NumericValue, Table

GRID_KEY = ("client_id", "as_of_day")
XYZ_MONTHS = 12
REVENUE_SHORT_DAYS = 90
REVENUE_YEAR_DAYS = 365


def orders_arrow_prepare(*, orders: pa.Table) -> pa.Table:
    """The orders in engine form: client_id, order_id, day, month, year, cents."""
    orders = table_conform(table=orders, schema=ORDERS_SCHEMA, name="orders")
    dates = orders.column("date")
    return pa.table(
        {
            "client_id": orders.column("client_id"),
            "order_id": orders.column("order_id"),
            "day": days_from_dates(column=dates),
            "month": months_from_dates(column=dates),
            "year": pc.year(dates).cast(pa.int32()),
            "cents": cents_from_money(column=orders.column("amount")),
        }
    )


def clients_arrow_prepare(*, clients: pa.Table) -> pa.Table:
    """The clients in engine form: client_id, is_partner, plans_budget, budget_cents and
    budget_year."""
    clients = table_conform(table=clients, schema=CLIENTS_SCHEMA, name="clients")
    if pc.count_distinct(clients.column("client_id")).as_py() != clients.num_rows:
        raise ValueError("clients: column 'client_id' has repeated values")
    return pa.table(
        {
            "client_id": clients.column("client_id"),
            "is_partner": clients.column("is_partner"),
            "plans_budget": clients.column("plans_budget"),
            "budget_cents": cents_from_money(column=clients.column("annual_budget")),
            "budget_year": clients.column("budget_year"),
        }
    )


def payments_arrow_prepare(*, payments: pa.Table) -> pa.Table:
    """The payments in engine form: client_id, day, cents, due_day."""
    payments = table_conform(table=payments, schema=PAYMENTS_SCHEMA, name="payments")
    return pa.table(
        {
            "client_id": payments.column("client_id"),
            "day": days_from_dates(column=payments.column("date")),
            "cents": cents_from_money(column=payments.column("amount")),
            "due_day": days_from_dates(column=payments.column("due_date")),
        }
    )


@dataclass(frozen=True, kw_only=True)
class AuditInputs:
    """The audit's input rows in engine form: the Arrow tables of `orders_arrow_prepare`,
    `clients_arrow_prepare` and `payments_arrow_prepare`, or rows with the same columns and
    types that the engine reads itself from the database. `payments` is None when there are
    none; the clients' ids are unique."""

    documents: pa.Table | DatabaseRows
    clients: pa.Table | DatabaseRows
    payments: pa.Table | DatabaseRows | None

    @classmethod
    def from_arrow(
        cls, *, orders: pa.Table, clients: pa.Table, payments: pa.Table
    ) -> "AuditInputs":
        """The inputs from the contract's Arrow tables (`ORDERS_SCHEMA`, `CLIENTS_SCHEMA`,
        `PAYMENTS_SCHEMA`)."""
        payment_rows = payments_arrow_prepare(payments=payments)
        return cls(
            documents=orders_arrow_prepare(orders=orders),
            clients=clients_arrow_prepare(clients=clients),
            payments=payment_rows if payment_rows.num_rows > 0 else None,
        )

    def documents_until(self, *, day: int) -> pa.Table | DatabaseRows:
        """The documents dated on or before the day number."""
        if isinstance(self.documents, DatabaseRows):
            return self.documents.until(column="day", last=day)
        return self.documents.filter(pc.less_equal(self.documents.column("day"), day))


def documents_cancel(*, documents: "Table") -> "Table":
    """The documents with `cancel_day`: the date of the return that cancels an order, or null.

    Within one client and amount, orders count +1 and returns −1 in date order (orders before
    returns on the same day). An order leaving the running balance at b is cancelled by the first
    later return that brings it to b − 1: the stack matching of brackets, computed set-wise.
    """
    returns = documents.filter(documents.cents < 0).select(
        "client_id", "order_id", "day", size=-documents.cents, step=ibis.literal(-1)
    )
    sizes = returns.select("client_id", "size").distinct()
    candidates = documents.filter(documents.cents > 0).select(
        "client_id", "order_id", "day", size=documents.cents, step=ibis.literal(1)
    )
    candidates = candidates.semi_join(sizes, ["client_id", "size"])
    events = candidates.union(returns)
    balance_window = ibis.cumulative_window(
        group_by=["client_id", "size"],
        order_by=[events.day, events.step.desc(), events.order_id],
    )
    events = events.mutate(balance=events.step.sum().over(balance_window))
    placed = events.filter(events.step == 1)
    taken = events.filter(events.step == -1)
    cancellations = (
        placed.join(
            taken,
            [
                placed.client_id == taken.client_id,
                placed.size == taken.size,
                taken.balance == placed.balance - 1,
                taken.day >= placed.day,
            ],
        )
        .group_by(client_id=placed.client_id, order_id=placed.order_id)
        .aggregate(cancel_day=taken.day.min())
    )
    return documents.left_join(cancellations, ["client_id", "order_id"]).drop(
        "client_id_right", "order_id_right"
    )


def _rounded(value: "NumericValue", digits: int) -> "FloatingValue":
    """Half-up rounding from plain IEEE operations, which every engine performs identically."""
    scale = 10**digits
    result: FloatingValue = (value * scale + 0.5).floor() / scale
    return result


def _whole(value: "NumericValue") -> "IntegerValue":
    result: IntegerValue = (value + 0.5).floor().cast("int32")
    return result


def documents_seen(*, documents: "Table", grid: "Table") -> "Table":
    """Each document of `documents_cancel` paired with every grid row of its client on or after
    its date, with its age in days and whether it counts as an order as of that grid date."""
    seen = documents.join(
        grid.select(*GRID_KEY, "budget_year", "xyz_last_month"),
        [documents.client_id == grid.client_id, documents.day <= grid.as_of_day],
    ).drop("client_id_right")
    return seen.mutate(
        age=seen.as_of_day - seen.day,
        is_order=(seen.cents > 0) & (seen.cancel_day.isnull() | (seen.cancel_day > seen.as_of_day)),
    )


GridBuild = Callable[["Table", "Table", "Table"], "Table"]


def facts_compute(
    *,
    session: EngineSession,
    documents: pa.Table | DatabaseRows,
    clients: pa.Table | DatabaseRows,
    calendar: pa.Table,
    payments: pa.Table | DatabaseRows | None,
    grid_build: tuple[str, GridBuild],
    settings: AuditSettings,
    detailed: bool,
) -> "Table":
    """One row per grid row (client_id, as_of_day, …) with the client's facts and status.

    The inputs are those of `AuditInputs` and the Arrow table of `calendar_arrow`. `grid_build`
    names and makes the grid from the cancelled documents, the clients and the calendar: each
    grid row carries the client's attributes (is_partner, plans_budget, budget_cents,
    budget_year) and an audit date's as_of_day, as_of_month, xyz_last_month (the last complete
    month as of that day) and month_day. `detailed` adds what only the audit of one date shows:
    monthly variability, budget, payments, RFM and perspective. The steps are stored in the
    session one by one: each reads the stored rows of the one before instead of an ever larger
    expression.
    """
    documents_table = session.table_upload(name="upsell_audit_documents", table=documents)
    clients_table = session.table_upload(name="upsell_audit_clients", table=clients)
    calendar_table = session.table_upload(name="upsell_audit_calendar", table=calendar)
    payments_table = (
        None
        if payments is None
        else session.table_upload(name="upsell_audit_payments", table=payments)
    )
    cancelled = session.table_materialize(
        name="upsell_audit_cancelled",
        key=("documents_cancel",),
        build=lambda: documents_cancel(documents=documents_table),
    )
    grid_name, build_grid = grid_build
    grid = session.table_materialize(
        name="upsell_audit_grid",
        key=("grid", grid_name),
        build=lambda: build_grid(cancelled, clients_table, calendar_table),
    )
    seen = session.table_materialize(
        name="upsell_audit_seen",
        key=("documents_seen",),
        build=lambda: documents_seen(documents=cancelled, grid=grid),
    )
    totals = session.table_materialize(
        name="upsell_audit_totals",
        key=("totals", settings, detailed),
        build=lambda: _totals(seen=seen, settings=settings, detailed=detailed),
    )
    intervals = session.table_materialize(
        name="upsell_audit_intervals",
        key=("intervals", settings),
        build=lambda: _intervals(seen=seen, settings=settings),
    )
    facts = session.table_materialize(
        name="upsell_audit_statuses",
        key=("statuses", settings, detailed),
        build=lambda: _statuses(
            grid=grid, totals=totals, intervals=intervals, settings=settings, detailed=detailed
        ),
    )
    if not detailed:
        return facts

    def details() -> "Table":
        with_details = _details_add(facts=facts, settings=settings)
        if payments_table is None:
            return with_details
        return _payments_add(
            facts=with_details, payments=payments_table, grid=grid, settings=settings
        )

    facts = session.table_materialize(
        name="upsell_audit_details",
        key=("details", settings, payments_table is None),
        build=details,
    )
    return _perspective_add(
        facts=facts, settings=settings, with_payments=payments_table is not None
    )


def _totals(*, seen: "Table", settings: AuditSettings, detailed: bool) -> "Table":
    orders = seen.is_order
    metrics = {
        "orders_total": seen.day.count(where=orders),
        "orders_90": seen.day.count(where=orders & (seen.age <= REVENUE_SHORT_DAYS)),
        "orders_365": seen.day.count(where=orders & (seen.age <= REVENUE_YEAR_DAYS)),
        "regular_window_orders": seen.day.count(
            where=orders & (seen.age <= settings.regular_window_days)
        ),
        "first_day": seen.day.min(where=orders),
        "last_day": seen.day.max(where=orders),
        "months_active": seen.month.nunique(where=orders),
        "revenue_total": seen.cents.sum(),
        "revenue_90": seen.cents.sum(where=seen.age <= REVENUE_SHORT_DAYS),
        "revenue_365": seen.cents.sum(where=seen.age <= REVENUE_YEAR_DAYS),
    }
    if detailed:
        metrics |= {
            "revenue_prev_365": seen.cents.sum(
                where=(seen.age > REVENUE_YEAR_DAYS) & (seen.age <= 2 * REVENUE_YEAR_DAYS)
            ),
            "bought_budget_year": seen.cents.sum(where=seen.year == seen.budget_year),
            "shipped_before_terms": seen.cents.sum(where=seen.age >= settings.payment_terms_days),
            "first_month": seen.month.min(where=orders),
        } | {
            f"month_{back}": seen.cents.sum(where=seen.month == seen.xyz_last_month - back)
            for back in range(XYZ_MONTHS)
        }
    return seen.group_by(GRID_KEY).aggregate(**metrics)


def _intervals(*, seen: "Table", settings: AuditSettings) -> "Table":
    order_days = seen.filter(seen.is_order).select(*GRID_KEY, "day").distinct()
    order_days = order_days.mutate(
        gap=order_days.day
        - order_days.day.lag().over(ibis.window(group_by=GRID_KEY, order_by="day"))
    )
    recent = (order_days.as_of_day - order_days.day) <= settings.reanimated_recent_days
    return order_days.group_by(GRID_KEY).aggregate(
        typical_interval_days=order_days.gap.median().cast("float64"),
        gaps=order_days.gap.count(),
        gaps_sum=order_days.gap.sum(),
        gaps_square_sum=(order_days.gap * order_days.gap).sum(),
        recent_gap_days=order_days.gap.max(where=recent),
    )


def _statuses(
    *,
    grid: "Table",
    totals: "Table",
    intervals: "Table",
    settings: AuditSettings,
    detailed: bool,
) -> "Table":
    facts = grid.left_join(totals, list(GRID_KEY)).drop("client_id_right", "as_of_day_right")
    facts = facts.left_join(intervals, list(GRID_KEY)).drop("client_id_right", "as_of_day_right")
    measured = set(totals.columns) - {*GRID_KEY, "first_day", "last_day", "first_month"}
    facts = facts.mutate(**{name: facts[name].fill_null(0) for name in sorted(measured)})
    facts = facts.mutate(
        days_since_first_order=facts.as_of_day - facts.first_day,
        days_since_last_order=facts.as_of_day - facts.last_day,
        interval_cv=ibis.ifelse(
            (facts.gaps >= 2) & (facts.gaps_sum > 0),
            _rounded(
                (
                    (facts.gaps * facts.gaps_square_sum - facts.gaps_sum * facts.gaps_sum)
                    / (facts.gaps * (facts.gaps - 1))
                ).sqrt()
                / (facts.gaps_sum / facts.gaps),
                4,
            ),
            ibis.null("float64"),
        ),
    )
    if detailed:
        # Months before the first order are not the client's: a client that started 5 months
        # ago is judged on those 5 months.
        months = ibis.least(facts.xyz_last_month - facts.first_month + 1, XYZ_MONTHS)
        facts = facts.mutate(
            xyz_months=months,
            xyz_total=sum(
                (
                    ibis.ifelse(back < months, facts[f"month_{back}"], 0)
                    for back in range(1, XYZ_MONTHS)
                ),
                facts.month_0,
            ),
        )
    facts = _abc_classify(facts=facts, settings=settings)
    status, rule = status_columns(facts=facts, settings=settings)
    return facts.mutate(status=status, status_rule=rule)


def _abc_classify(*, facts: "Table", settings: AuditSettings) -> "Table":
    """ABC over the revenue of the last 365 days, within each audit date.

    Clients are ranked by that revenue (ties by client id); a client is A while the clients ranked
    above it hold less than `abc_a_percent` of the total, so the client that crosses the line is
    still A. Clients with no positive revenue in the window are C; without orders, no class.
    """
    ranked = facts.select(*GRID_KEY, "revenue_365", "orders_total")
    revenue = ranked.revenue_365
    positive = revenue > 0
    total = revenue.sum(where=positive).over(ibis.window(group_by="as_of_day"))
    running = revenue.sum().over(
        ibis.cumulative_window(group_by="as_of_day", order_by=[revenue.desc(), ranked.client_id])
    )
    above = running - revenue
    classes = ranked.select(
        *GRID_KEY,
        abc_class=ibis.cases(
            (ranked.orders_total == 0, ibis.literal(None, type="string")),
            (~positive, "C"),
            (above * 100 < total * settings.abc_a_percent, "A"),
            (above * 100 < total * settings.abc_b_percent, "B"),
            else_="C",
        ),
        revenue_share_365=ibis.ifelse(
            positive & (ranked.orders_total > 0),
            _rounded(revenue.cast("float64") / total.cast("float64"), 6),
            ibis.null("float64"),
        ),
    )
    return _joined(facts=facts, columns=classes)


def _joined(*, facts: "Table", columns: "Table") -> "Table":
    """The facts with the columns computed for their grid rows.

    Window functions run on a narrow table and join back: DuckDB copies every column of its
    input through a window, which costs more than the window itself on wide rows.
    """
    return facts.join(columns, list(GRID_KEY))


def _score(
    *,
    value: "IntegerValue",
    ascending: bool,
    bins: int,
    group_by: list[str],
    count: "IntegerValue",
) -> "IntegerValue":
    """1..bins by the share of the `count` clients whose value is no better: ties share the
    higher score."""
    window = ibis.window(group_by=group_by, order_by=value.desc() if ascending else value.asc())
    strictly_better = ibis.rank().over(window)
    no_better = count - strictly_better
    result: IntegerValue = ((no_better * bins + count - 1) // count).cast("int32")
    return result


def _details_add(*, facts: "Table", settings: AuditSettings) -> "Table":
    """RFM scores, XYZ, trend, average order value and the budget measures.

    RFM ranks the clients with orders within each audit date: recency by days since the last
    order, frequency by orders within 365 days, money by revenue over 365 days; a score is the
    share of clients whose value is no better, in `rfm_bins` steps, so ties share the higher
    score. The budget measures count revenue in the calendar year `budget_year` up to D.
    """
    facts = facts.mutate(has_orders=facts.orders_total > 0)
    ranked = ["as_of_day", "has_orders"]
    scores = facts.select(
        *GRID_KEY, "has_orders", "days_since_last_order", "orders_365", "revenue_365"
    )
    scores = scores.mutate(
        ranked_clients=scores.client_id.count().over(ibis.window(group_by=ranked))
    )
    scoring = {"bins": settings.rfm_bins, "group_by": ranked, "count": scores.ranked_clients}
    scores = scores.select(
        *GRID_KEY,
        "ranked_clients",
        r_score=_score(value=scores.days_since_last_order, ascending=False, **scoring),
        f_score=_score(value=scores.orders_365, ascending=True, **scoring),
        m_score=_score(value=scores.revenue_365, ascending=True, **scoring),
        revenue_rank=ibis.rank().over(ibis.window(group_by=ranked, order_by=scores.revenue_365)),
    )
    facts = _joined(facts=facts, columns=scores)
    has_orders = facts.has_orders
    months = facts.xyz_months
    mean = facts.xyz_total.cast("float64") / months
    squares = sum(
        (
            ibis.ifelse(
                back < months,
                (facts[f"month_{back}"] - mean) * (facts[f"month_{back}"] - mean),
                0.0,
            )
            for back in range(XYZ_MONTHS)
        ),
        ibis.literal(0.0),
    )
    monthly_cv = ibis.ifelse(
        has_orders & (months >= settings.xyz_min_months) & (facts.xyz_total > 0),
        _rounded((squares / months).sqrt() / mean, 4),
        ibis.null("float64"),
    )
    facts = facts.mutate(
        monthly_revenue_cv=monthly_cv,
        average_order_value=ibis.ifelse(
            has_orders,
            (facts.revenue_total / facts.orders_total + 0.5).floor(),
            ibis.null("int64"),
        ),
        trend=ibis.ifelse(
            has_orders & (facts.revenue_prev_365 > 0),
            _rounded(facts.revenue_365 / facts.revenue_prev_365, 4),
            ibis.null("float64"),
        ),
    )
    budgeting = facts.plans_budget & facts.budget_cents.notnull()
    facts = facts.mutate(
        xyz_class=ibis.cases(
            (~has_orders | (months < settings.xyz_min_months), ibis.literal(None, type="string")),
            (facts.monthly_revenue_cv <= settings.xyz_x_max_cv, "X"),
            (facts.monthly_revenue_cv <= settings.xyz_y_max_cv, "Y"),
            else_="Z",
        ),
        r_score=ibis.ifelse(has_orders, facts.r_score, ibis.null("int32")),
        f_score=ibis.ifelse(has_orders, facts.f_score, ibis.null("int32")),
        m_score=ibis.ifelse(has_orders, facts.m_score, ibis.null("int32")),
        budget_cents=ibis.ifelse(facts.plans_budget, facts.budget_cents, ibis.null("int64")),
        budget_year=ibis.ifelse(facts.plans_budget, facts.budget_year, ibis.null("int32")),
        bought_budget_year=ibis.ifelse(budgeting, facts.bought_budget_year, ibis.null("int64")),
        share_of_wallet=ibis.ifelse(
            budgeting & (facts.budget_cents > 0),
            _rounded(facts.bought_budget_year / facts.budget_cents, 4),
            ibis.null("float64"),
        ),
        competitors_amount=ibis.ifelse(
            budgeting,
            ibis.greatest(facts.budget_cents - facts.bought_budget_year, 0),
            ibis.null("int64"),
        ),
    )
    return facts.mutate(
        rfm_code=ibis.ifelse(
            has_orders,
            facts.r_score.cast("string")
            + facts.f_score.cast("string")
            + facts.m_score.cast("string"),
            ibis.null("string"),
        )
    )


def _payments_add(
    *, facts: "Table", payments: "Table", grid: "Table", settings: AuditSettings
) -> "Table":
    """Payment discipline and debt as of each audit date.

    Debt is everything shipped (net of returns) minus everything paid; negative when the client
    paid in advance. Overdue debt is what was shipped at least `payment_terms_days` before D and
    is still unpaid, payments settling the oldest shipments first. Days late of a payment are the
    days from its due date to its date (0 when on time); payments without a due date count for
    debt only.
    """
    keys = grid.select(*GRID_KEY)
    paid = payments.join(
        keys, [payments.client_id == keys.client_id, payments.day <= keys.as_of_day]
    ).drop("client_id_right")
    with_due = paid.due_day.notnull()
    paid_totals = paid.group_by(GRID_KEY).aggregate(
        payments_count=paid.day.count(),
        paid_cents=paid.cents.sum(),
        due_count=paid.day.count(where=with_due),
        late_days=ibis.greatest(paid.day - paid.due_day, 0).sum(where=with_due),
        late_count=paid.day.count(where=paid.day > paid.due_day),
    )
    facts = facts.left_join(paid_totals, list(GRID_KEY)).drop("client_id_right", "as_of_day_right")
    paid_cents = facts.paid_cents.fill_null(0)
    has_due = facts.due_count > 0
    return facts.mutate(
        payments_count=facts.payments_count.fill_null(0),
        avg_days_late=ibis.ifelse(
            has_due, _rounded(facts.late_days / facts.due_count, 1), ibis.null("float64")
        ),
        late_payments_share=ibis.ifelse(
            has_due, _rounded(facts.late_count / facts.due_count, 4), ibis.null("float64")
        ),
        debt=facts.revenue_total - paid_cents,
        overdue_debt=ibis.greatest(facts.shipped_before_terms - paid_cents, 0),
    )


def _perspective_add(*, facts: "Table", settings: AuditSettings, with_payments: bool) -> "Table":
    """The perspective score 0–100 and its components, each 0–100 (null without orders).

    - solvency: the client's percentile of revenue over 365 days among clients with orders
      (share of them that bought strictly less; the only client scores 100);
    - discipline: 100 on time, falling linearly to 0 at `discipline_zero_days_late` average days
      late; null when no payment has a due date;
    - stability: regularity of purchases, 100 for a coefficient of variation of the intervals of
      0, falling linearly to 0 at `stability_zero_cv`; 0 when there are fewer than three order
      dates, as regularity is not shown yet;
    - trend: 50 × (revenue of the last 365 days / the 365 before), capped at 100; 50 (flat) when
      the earlier year had no revenue to compare with;
    - tenure: days since the first order, reaching 100 at `tenure_full_days`.

    The perspective is the mean of the known components weighted by the `weight_*` settings.
    """
    if not with_payments:
        facts = facts.mutate(
            payments_count=ibis.literal(0, type="int64"),
            avg_days_late=ibis.null("float64"),
            late_payments_share=ibis.null("float64"),
            debt=ibis.null("int64"),
            overdue_debt=ibis.null("int64"),
        )
    has_orders = facts.has_orders
    none = ibis.null("int32")
    zero_cv = settings.stability_zero_cv
    zero_late = settings.discipline_zero_days_late
    full_tenure = settings.tenure_full_days
    facts = facts.mutate(
        solvency_score=ibis.cases(
            (~has_orders, none),
            (facts.ranked_clients == 1, ibis.literal(100, type="int32")),
            else_=_whole(facts.revenue_rank * 100 / (facts.ranked_clients - 1)),
        ),
        discipline_score=ibis.ifelse(
            has_orders & facts.avg_days_late.notnull(),
            _whole(100 * (1 - ibis.least(facts.avg_days_late, zero_late) / zero_late)),
            none,
        ),
        stability_score=ibis.cases(
            (~has_orders, none),
            (facts.interval_cv.isnull(), ibis.literal(0, type="int32")),
            else_=_whole(100 * (1 - ibis.least(facts.interval_cv, zero_cv) / zero_cv)),
        ),
        trend_score=ibis.cases(
            (~has_orders, none),
            (facts.trend.isnull(), ibis.literal(50, type="int32")),
            else_=_whole(50 * ibis.least(ibis.greatest(facts.trend, 0), 2)),
        ),
        tenure_score=ibis.ifelse(
            has_orders,
            _whole(100 * ibis.least(facts.days_since_first_order, full_tenure) / full_tenure),
            none,
        ),
    )
    known = (
        settings.weight_solvency
        + settings.weight_stability
        + settings.weight_trend
        + settings.weight_tenure
    )
    weighted = (
        facts.solvency_score * settings.weight_solvency
        + facts.stability_score * settings.weight_stability
        + facts.trend_score * settings.weight_trend
        + facts.tenure_score * settings.weight_tenure
    )
    has_discipline = facts.discipline_score.notnull()
    return facts.mutate(
        perspective=ibis.ifelse(
            has_orders,
            _whole(
                (weighted + facts.discipline_score.fill_null(0) * settings.weight_discipline)
                / ibis.ifelse(has_discipline, known + settings.weight_discipline, known)
            ),
            none,
        )
    )
