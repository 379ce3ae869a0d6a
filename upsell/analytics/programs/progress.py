"""Each member's progress in its sales program as of a date, written once as Ibis expressions.

The rules, for a member of a program with its period [period_start, period_end] (inclusive) as
of the date D. Documents (shipments, and returns as negative amounts) and payments dated after D
are not seen. An order is a document with a positive amount.

- Purchased: the sum of the client's documents dated in [period_start, min(D, period_end)],
  returns included, so it may be negative. Before the period starts it is 0.
- The measure a tier is reached by: for a volume discount the client's largest order in that
  span (0 without orders); for every other kind the purchased amount.
- Tier reached: the tier with the highest threshold ≤ the measure (none below the first
  threshold). Next tier: the one with the lowest threshold > the measure. Missing: the next
  threshold − the measure (null without a next tier).
- Expected rest of the period: over the months m of the period from D's month on, the sum of
  max(forecast(m) − shipped in m up to D, 0), where "shipped in m" is every document of the
  client in that month up to D (the forecast is the whole month's). A month without a forecast
  counts 0; once D is after period_end the rest is 0. Expected at the end = purchased + rest.
- Within reach: a next tier exists, D ≤ period_end and the expected end (for a volume
  discount, the measure) ≥ next threshold × (1 − reach share).
- Accrued, the bonus or discount earned so far, rounded half up (away from zero) to the kopeck
  once, on the member's sum:
  - retro bonus: purchased × the rate of the tier reached / 100;
  - cumulative discount: over the orders in the span, by date then order id, the order's
    amount × the rate of the tier that the purchases in the span before that order reach
    (returns before it lower them) / 100;
  - volume discount: over the orders in the span, amount × the rate of the tier the order's
    own amount reaches / 100;
  - advance discount: over the orders in the span that were paid before shipment, amount × the
    rate of the tier the order's amount reaches (the program's one tier, threshold 0) / 100.
    An order is paid before shipment when all the client's payments dated on or before its date
    cover all its documents up to and including it (all time, by date then order id);
  - credit line, client return, guaranteed stock: 0.
  A return is not an order: it earns and takes back nothing, it only lowers purchases.
- Credit line (null for other kinds): exposure = max(all documents up to D − all payments up to
  D, 0); available = credit limit − exposure (negative over the limit; null without a limit);
  oldest unpaid = the date of the earliest order whose running total of documents (all time, by
  date then order id) exceeds all payments, null when the exposure is 0; past delay = an oldest
  unpaid order exists and D − its date > the payment delay in days (false when none is unpaid,
  null when the program has no delay).
- Client return (null for other kinds): returned on = the date of the first order in
  [joined, min(D, period_end)], null while the client has not come back.

A client in several programs has a row in each, every row with its own program's figures. The
forecast must hold one row per client and month, as its contract says.

Inside the engines money is in kopecks and a rate in hundredths of a percent, so an accrual is
an exact integer of ten-thousandths of a kopeck until the one rounding; it stays exact while a
member's accrual is under 2^53 such units (about 9 000 000 000.00).
"""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import ibis
import pyarrow as pa

from upsell.analytics.arrow import day_number, table_from_engine
from upsell.analytics.engines import Engine, EngineSession, engine_session_use
from upsell.analytics.programs.contracts import PROGRESS_SCHEMA, ProgramKind
from upsell.analytics.programs.inputs import (
    documents_arrow_prepare,
    forecast_arrow_prepare,
    kind_code,
    members_arrow_prepare,
    payments_arrow_prepare,
    tiers_arrow_prepare,
)

if TYPE_CHECKING:
    from ibis.expr.types import BooleanValue, IntegerValue, Table

# The kinds as the engines see them.
ADVANCE_DISCOUNT = kind_code(kind=ProgramKind.ADVANCE_DISCOUNT)
CLIENT_RETURN = kind_code(kind=ProgramKind.CLIENT_RETURN)
CREDIT_LINE = kind_code(kind=ProgramKind.CREDIT_LINE)
CUMULATIVE_DISCOUNT = kind_code(kind=ProgramKind.CUMULATIVE_DISCOUNT)
RETRO_BONUS = kind_code(kind=ProgramKind.RETRO_BONUS)
VOLUME_DISCOUNT = kind_code(kind=ProgramKind.VOLUME_DISCOUNT)

# A member travels through the engines as its number (`members_arrow_prepare`): joins and groups
# take one integer instead of the program and the client.
MEMBER_KEY = ["member"]
# A kopeck times a rate in hundredths of a percent is this many parts of a kopeck.
ACCRUAL_UNITS_PER_KOPECK = 10_000
# Wide enough for any sum of int64 values an engine may give.
SUM_DECIMAL = "decimal(38, 0)"
# The reach share is taken to this many parts of one, so that the comparison stays in integers.
REACH_SHARE_PARTS = 10_000

PROGRESS_DAY_COLUMNS = ("as_of", "oldest_unpaid", "returned_on")
# Rates, like money, are decimals with two places: both travel as integer hundredths.
PROGRESS_CENTS_COLUMNS = (
    "purchased",
    "tier_threshold",
    "tier_rate",
    "next_threshold",
    "next_rate",
    "missing",
    "accrued",
    "expected_end",
    "exposure",
    "available",
)


def program_progress(
    *,
    session: Engine | EngineSession,
    as_of: dt.date,
    members: pa.Table,
    tiers: pa.Table,
    orders: pa.Table,
    payments: pa.Table,
    forecast: pa.Table,
    reach_share: Decimal,
) -> pa.Table:
    """One row per member (`PROGRESS_SCHEMA`) as of the date, sorted by program and client;
    the rules are the module's."""
    reach_parts = reach_share_parts(reach_share=reach_share)
    as_of_day = day_number(day=as_of)
    with engine_session_use(engine=session) as engine:
        inputs = inputs_upload(
            engine=engine,
            as_of=as_of,
            tables={
                "members": members_arrow_prepare(members=members),
                "tiers": tiers_arrow_prepare(tiers=tiers),
                "documents": documents_arrow_prepare(orders=orders),
                "payments": payments_arrow_prepare(payments=payments),
                "forecast": forecast_arrow_prepare(forecast=forecast),
            },
        )
        parts = parts_store(engine=engine, inputs=inputs, as_of=as_of)
        result = engine.query_fetch(
            key=("program_progress", as_of_day, reach_parts),
            build=lambda: progress_assemble(
                members=inputs["members"],
                bands=inputs["bands"],
                forecast_ahead=inputs["forecast_ahead"],
                parts=parts,
                as_of=as_of,
                reach_parts=reach_parts,
            ),
        )
    return table_from_engine(
        table=result,
        schema=PROGRESS_SCHEMA,
        day_columns=PROGRESS_DAY_COLUMNS,
        cents_columns=PROGRESS_CENTS_COLUMNS,
        sort_keys=("member",),
    )


def inputs_upload(
    *, engine: EngineSession, as_of: dt.date, tables: dict[str, pa.Table]
) -> dict[str, "Table"]:
    """The engine-form tables in the session by name, with documents and payments cut at D
    (what is dated later is not seen), the tier bands, each client's shipments in D's month
    and the members' documents in period."""
    as_of_day = day_number(day=as_of)
    as_of_month_day = day_number(day=as_of.replace(day=1))
    uploaded = {
        name: engine.table_upload(name=f"upsell_programs_{name}", table=table)
        for name, table in tables.items()
    }
    documents, payments = uploaded["documents"], uploaded["payments"]
    uploaded["documents"] = documents.filter(documents.day <= as_of_day)
    uploaded["payments"] = payments.filter(payments.day <= as_of_day)
    uploaded["bands"] = engine.table_materialize(
        name="upsell_programs_bands",
        key=("tier_bands",),
        build=lambda: tier_bands(tiers=uploaded["tiers"]),
    )
    # Stored, the engine knows how few clients shipped in D's month and joins them to the
    # forecast by a small table.
    uploaded["month_shipped"] = engine.table_materialize(
        name="upsell_programs_month_shipped",
        key=("month_shipped", as_of_day),
        build=lambda: month_shipped(
            documents=uploaded["documents"], as_of_month_day=as_of_month_day
        ),
    )
    uploaded["forecast_ahead"] = engine.table_materialize(
        name="upsell_programs_forecast_ahead",
        key=("forecast_ahead", as_of_day),
        build=lambda: forecast_ahead(
            forecast=uploaded["forecast"],
            month_shipped=uploaded["month_shipped"],
            as_of_month_day=as_of_month_day,
        ),
    )
    uploaded["in_period"] = engine.table_materialize(
        name="upsell_programs_in_period",
        key=("documents_in_period", as_of_day),
        build=lambda: documents_in_period(
            documents=uploaded["documents"], members=uploaded["members"]
        ),
    )
    return uploaded


def parts_store(
    *, engine: EngineSession, inputs: dict[str, "Table"], as_of: dt.date
) -> dict[str, "Table"]:
    """The per-member parts of the progress, each stored in the session: totals with the
    order accruals, expected rest and credit position."""
    as_of_day = day_number(day=as_of)
    members, documents, payments = inputs["members"], inputs["documents"], inputs["payments"]
    builds = {
        "totals": lambda: period_figures(
            in_period=inputs["in_period"],
            bands=inputs["bands"],
            paid_ahead=orders_paid_ahead(documents=documents, payments=payments, members=members),
        ),
        "rest": lambda: partial_rest(
            forecast_ahead=inputs["forecast_ahead"],
            month_shipped=inputs["month_shipped"],
            forecast=inputs["forecast"],
            members=members,
            as_of_day=as_of_day,
            as_of_month_day=day_number(day=as_of.replace(day=1)),
        ),
        "credit": lambda: credit_position(
            documents=documents, payments=payments, members=members, as_of_day=as_of_day
        ),
    }
    return {
        name: engine.table_materialize(
            name=f"upsell_programs_{name}",
            key=("program_progress", name, as_of_day),
            build=build,
        )
        for name, build in builds.items()
    }


def reach_share_parts(*, reach_share: Decimal) -> int:
    """1 − the reach share in ten-thousandths; the share must be in [0, 1] to that precision."""
    parts = (Decimal(1) - reach_share) * REACH_SHARE_PARTS
    if not 0 <= reach_share <= 1 or parts != parts.to_integral_value():
        raise ValueError(f"reach_share must be from 0 to 1 in steps of 0.0001, not {reach_share}")
    return int(parts)


def tier_bands(*, tiers: "Table") -> "Table":
    """Each program's measures cut into bands [lower, upper) (a null bound is open), each with
    the tier reached in it and the next tier: one band per tier, and one below the first."""
    by_threshold = ibis.window(group_by="program_id", order_by="threshold")
    ranked = tiers.mutate(
        above=tiers.threshold.lead().over(by_threshold),
        above_rate=tiers.rate.lead().over(by_threshold),
        below=tiers.threshold.lag().over(by_threshold),
    )
    reached = ranked.select(
        "program_id",
        lower=ranked.threshold,
        upper=ranked.above,
        tier_threshold=ranked.threshold,
        tier_rate=ranked.rate,
        next_threshold=ranked.above,
        next_rate=ranked.above_rate,
    )
    firsts = ranked.filter(ranked.below.isnull())
    none = ibis.literal(None, type="int64")
    under = firsts.select(
        "program_id",
        lower=none,
        upper=firsts.threshold,
        tier_threshold=none,
        tier_rate=none,
        next_threshold=firsts.threshold,
        next_rate=firsts.rate,
    )
    return reached.union(under)


def tier_reached(*, rows: "Table", measure: str, bands: "Table") -> "Table":
    """The rows with the tier their program's `measure` column reaches and the next tier
    (nulls for a program without tiers)."""
    value = rows[measure]
    joined = rows.left_join(
        bands,
        [
            rows.program_id == bands.program_id,
            bands.lower.isnull() | (bands.lower <= value),
            bands.upper.isnull() | (value < bands.upper),
        ],
    )
    return joined.drop("program_id_right", "lower", "upper")


def documents_in_period(*, documents: "Table", members: "Table") -> "Table":
    """Each member's documents dated from its period's start (or the day it joined, when
    earlier) to the period's end; documents after D are already gone."""
    spans = members.select(
        *MEMBER_KEY, "program_id", "client_id", "kind", "start_day", "joined_day", "end_day"
    )
    joined = spans.join(documents, "client_id")
    inside = joined.filter(
        (joined.day >= ibis.least(joined.start_day, joined.joined_day))
        & (joined.day <= joined.end_day)
    )
    return inside.select(
        *MEMBER_KEY,
        "program_id",
        "client_id",
        "kind",
        "start_day",
        "joined_day",
        "order_id",
        "day",
        "cents",
    )


def period_totals(*, in_period: "Table") -> "Table":
    """Per member: purchased (all documents in the period), its largest order, and for a
    client return the first order since joining."""
    in_span = in_period.day >= in_period.start_day
    is_order = in_period.cents > 0
    return in_period.group_by(MEMBER_KEY).aggregate(
        purchased=money_sum(cents=in_period.cents, where=in_span),
        largest=in_period.cents.max(where=in_span & is_order),
        returned_on=in_period.day.min(
            where=(in_period.kind == CLIENT_RETURN)
            & is_order
            & (in_period.day >= in_period.joined_day)
        ),
    )


def period_figures(*, in_period: "Table", bands: "Table", paid_ahead: "Table") -> "Table":
    """Per member: its period totals with the accrual units of its orders (0 without any)."""
    totals = period_totals(in_period=in_period)
    accruals = order_accruals(in_period=in_period, bands=bands, paid_ahead=paid_ahead)
    figures = totals.left_join(accruals, MEMBER_KEY).drop("member_right")
    return figures.mutate(units=figures.units.fill_null(0))


def orders_paid_ahead(*, documents: "Table", payments: "Table", members: "Table") -> "Table":
    """The orders (client_id, order_id) of advance-discount clients that were paid before
    shipment: payments are counted before the documents of their own day."""
    clients = members.filter(members.kind == ADVANCE_DISCOUNT)
    clients = clients.select("client_id").distinct()
    zero = ibis.literal(0, type="int64")
    shipped = documents.semi_join(clients, "client_id").select(
        "client_id",
        "order_id",
        "day",
        step=ibis.literal(1, type="int8"),
        shipped=documents.cents,
        paid=zero,
    )
    paid = payments.semi_join(clients, "client_id").select(
        "client_id",
        "day",
        order_id=zero,
        step=ibis.literal(0, type="int8"),
        shipped=zero,
        paid=payments.cents,
    )
    events = shipped.union(paid.select(*shipped.columns))
    running = ibis.cumulative_window(
        group_by="client_id", order_by=[events.day, events.step, events.order_id]
    )
    events = events.mutate(
        paid_so_far=events.paid.sum().over(running),
        shipped_so_far=events.shipped.sum().over(running),
    )
    ahead = events.filter(
        (events.step == 1) & (events.shipped > 0) & (events.paid_so_far >= events.shipped_so_far)
    )
    return ahead.select("client_id", "order_id", paid_ahead=ibis.literal(True))


def order_accruals(*, in_period: "Table", bands: "Table", paid_ahead: "Table") -> "Table":
    """Per member of a cumulative, volume or advance discount: the sum over its orders of
    amount × rate, in ten-thousandths of a kopeck."""
    in_period = in_period.filter(in_period.day >= in_period.start_day)
    cumulative = in_period.filter(in_period.kind == CUMULATIVE_DISCOUNT)
    running = ibis.cumulative_window(
        group_by=MEMBER_KEY, order_by=[cumulative.day, cumulative.order_id]
    )
    cumulative = cumulative.mutate(before=cumulative.cents.sum().over(running) - cumulative.cents)
    cumulative = tier_reached(
        rows=cumulative.filter(cumulative.cents > 0), measure="before", bands=bands
    )
    own = in_period.filter(
        in_period.kind.isin(
            [
                VOLUME_DISCOUNT,
                ADVANCE_DISCOUNT,
            ]
        )
        & (in_period.cents > 0)
    )
    own = own.left_join(paid_ahead, ["client_id", "order_id"]).drop(
        "client_id_right", "order_id_right"
    )
    own = own.filter((own.kind == VOLUME_DISCOUNT) | own.paid_ahead.fill_null(False))
    own = tier_reached(rows=own, measure="cents", bands=bands)
    rated = cumulative.select(*MEMBER_KEY, "cents", "tier_rate").union(
        own.select(*MEMBER_KEY, "cents", "tier_rate")
    )
    return rated.group_by(MEMBER_KEY).aggregate(
        units=money_sum(cents=rated.cents * rated.tier_rate.fill_null(0))
    )


def month_shipped(*, documents: "Table", as_of_month_day: int) -> "Table":
    """Per client that has documents in D's month up to D: their sum."""
    shipped = documents.filter(documents.day >= as_of_month_day)
    return shipped.group_by("client_id").aggregate(shipped=money_sum(cents=shipped.cents))


def forecast_ahead(*, forecast: "Table", month_shipped: "Table", as_of_month_day: int) -> "Table":
    """Per client with a forecast from D's month on: the sum of its settled months (D's month
    less what the client shipped in it up to D, each month at least 0) and the last month.

    Each month is settled on its own, but only D's month needs the client's shipments: the
    later months are summed first and the client's sum is joined to its shipments once."""
    ahead = forecast.filter(forecast.month_day >= as_of_month_day)
    is_current = ahead.month_day == as_of_month_day
    sums = ahead.group_by("client_id").aggregate(
        later=money_sum(cents=ibis.greatest(ahead.cents, 0), where=~is_current),
        current=ahead.cents.max(where=is_current),
        last_month=ahead.month_day.max(),
    )
    sums = sums.left_join(month_shipped, "client_id").drop("client_id_right")
    current = ibis.greatest(sums.current - sums.shipped.fill_null(0), 0)
    return sums.select(
        "client_id",
        "last_month",
        rest=sums.later.fill_null(0) + current.fill_null(0),
    )


def rest_holds_all(*, rows: "Table", as_of_month_day: int) -> "BooleanValue":
    """Whether the member's period holds all its client's forecast months from D's on, whose
    sum (`forecast_ahead`) is then the member's expected rest."""
    holds_all: BooleanValue = (rows.start_month_day <= as_of_month_day) & (
        rows.last_month <= rows.end_day
    )
    return holds_all


def partial_rest(
    *,
    forecast_ahead: "Table",
    forecast: "Table",
    month_shipped: "Table",
    members: "Table",
    as_of_day: int,
    as_of_month_day: int,
) -> "Table":
    """Per member whose period has not ended and holds only some of its client's forecast
    months from D's on: the sum of those months, D's month less what was already shipped in
    it, each month at least 0. Most members hold all their client's months and take the
    client's sum (`rest_holds_all`): only a member whose period starts after D's month or
    ends before the last month of any forecast is looked up among its client's months."""
    may_miss_months = (members.start_month_day > as_of_month_day) | (
        members.end_day < forecast_ahead.last_month.max()
    )
    open_members = members.filter((members.end_day >= as_of_day) & may_miss_months).select(
        *MEMBER_KEY, "client_id", "start_month_day", "end_day"
    )
    open_members = open_members.join(forecast_ahead.select("client_id", "last_month"), "client_id")
    partial = open_members.filter(
        ~rest_holds_all(rows=open_members, as_of_month_day=as_of_month_day)
    ).select(*MEMBER_KEY, "client_id", "start_month_day", "end_day")
    months = partial.join(
        forecast.filter(forecast.month_day >= as_of_month_day).select(
            "client_id", "month_day", "cents"
        ),
        "client_id",
    )
    months = months.filter(
        (months.month_day >= months.start_month_day) & (months.month_day <= months.end_day)
    )
    months = months.left_join(month_shipped, "client_id").drop("client_id_right")
    shipped_before = ibis.ifelse(months.month_day == as_of_month_day, months.shipped, None)
    settled = ibis.greatest(months.cents - shipped_before.fill_null(0), 0)
    months = months.mutate(settled=settled)
    return months.group_by(MEMBER_KEY).aggregate(member_rest=money_sum(cents=months.settled))


def credit_position(
    *, documents: "Table", payments: "Table", members: "Table", as_of_day: int
) -> "Table":
    """Per credit-line member: exposure, available, oldest unpaid order and past delay.

    The exposure is the client's grouped sums; only a client that owes anything has its
    documents ordered for the running total that finds the oldest unpaid order."""
    lines = members.filter(members.kind == CREDIT_LINE).select(
        *MEMBER_KEY, "client_id", "limit_cents", "delay_days"
    )
    clients = lines.select("client_id").distinct()
    paid = payments.semi_join(clients, "client_id")
    paid = paid.group_by("client_id").aggregate(paid=money_sum(cents=paid.cents))
    shipped = documents.semi_join(clients, "client_id")
    shipped = shipped.group_by("client_id").aggregate(shipped=money_sum(cents=shipped.cents))
    balances = shipped.left_join(paid, "client_id").drop("client_id_right")
    balances = balances.select(
        "client_id",
        paid=balances.paid.fill_null(0),
        exposure=ibis.greatest(balances.shipped - balances.paid.fill_null(0), 0),
    )
    owing = balances.filter(balances.exposure > 0)
    unpaid = documents.join(owing.select("client_id", "paid"), "client_id")
    running = ibis.cumulative_window(group_by="client_id", order_by=[unpaid.day, unpaid.order_id])
    unpaid = unpaid.mutate(running=unpaid.cents.sum().over(running))
    unpaid = unpaid.group_by("client_id").aggregate(
        first_unpaid=unpaid.day.min(where=(unpaid.cents > 0) & (unpaid.running > unpaid.paid))
    )
    position = lines.left_join(balances, "client_id").drop("client_id_right")
    position = position.left_join(unpaid, "client_id").drop("client_id_right")
    exposure = position.exposure.fill_null(0)
    oldest_unpaid = ibis.ifelse(exposure > 0, position.first_unpaid, ibis.null("int32"))
    late: BooleanValue = (as_of_day - oldest_unpaid) > position.delay_days
    return position.select(
        *MEMBER_KEY,
        exposure=exposure,
        oldest_unpaid=oldest_unpaid,
        available=position.limit_cents - exposure,
        past_delay=ibis.ifelse(oldest_unpaid.isnull(), False, late),
    )


def money_sum(*, cents: "IntegerValue", where: "BooleanValue | None" = None) -> "IntegerValue":
    """The sum of kopecks as int64, as Spark gives it.

    DuckDB widens an int64 sum to 128 bits, which the joins of the stored parts and the
    result's conversion then pay for. Ibis types the sum int64 already and would drop a plain
    cast, so it goes through a decimal; a sum that does not fit fails instead of wrapping. A
    running sum over a window is left as it is: the cast of every row costs more than it
    saves."""
    total: IntegerValue = cents.sum(where=where).cast(SUM_DECIMAL).cast("int64")
    return total


def kopecks_half_up(*, units: "IntegerValue") -> "IntegerValue":
    """Ten-thousandths of a kopeck to kopecks, half away from zero, in integers (the division
    is of an exact multiple)."""
    size = units.abs()
    remainder = size % ACCRUAL_UNITS_PER_KOPECK
    whole = ((size - remainder) / ACCRUAL_UNITS_PER_KOPECK).cast("int64") + ibis.ifelse(
        remainder * 2 >= ACCRUAL_UNITS_PER_KOPECK, 1, 0
    )
    result: IntegerValue = ibis.ifelse(units < 0, -whole, whole)
    return result


def progress_assemble(
    *,
    members: "Table",
    bands: "Table",
    forecast_ahead: "Table",
    parts: dict[str, "Table"],
    as_of: dt.date,
    reach_parts: int,
) -> "Table":
    """One row per member from the stored parts and its client's forecast ahead."""
    as_of_day = day_number(day=as_of)
    rows = members.select(
        *MEMBER_KEY, "program_id", "client_id", "kind", "start_month_day", "end_day"
    )
    for part in parts.values():
        rows = rows.left_join(part, MEMBER_KEY).drop("member_right")
    rows = rows.left_join(forecast_ahead, "client_id").drop("client_id_right")
    holds_all = rest_holds_all(rows=rows, as_of_month_day=day_number(day=as_of.replace(day=1)))
    open_rest = ibis.ifelse(holds_all, rows.rest, rows.member_rest).fill_null(0)
    is_volume = rows.kind == VOLUME_DISCOUNT
    rows = rows.mutate(
        purchased=rows.purchased.fill_null(0),
        rest=ibis.ifelse(rows.end_day >= as_of_day, open_rest, 0),
    )
    rows = rows.mutate(measure=ibis.ifelse(is_volume, rows.largest.fill_null(0), rows.purchased))
    rows = tier_reached(rows=rows, measure="measure", bands=bands)
    expected_end = rows.purchased + rows.rest
    reach_value = ibis.ifelse(rows.kind == VOLUME_DISCOUNT, rows.measure, expected_end)
    units = ibis.cases(
        (
            rows.kind == RETRO_BONUS,
            rows.purchased * rows.tier_rate.fill_null(0),
        ),
        (
            rows.kind.isin(
                [
                    CUMULATIVE_DISCOUNT,
                    VOLUME_DISCOUNT,
                    ADVANCE_DISCOUNT,
                ]
            ),
            rows.units.fill_null(0),
        ),
        else_=ibis.literal(0, type="int64"),
    )
    return rows.select(
        *MEMBER_KEY,
        "program_id",
        "client_id",
        "purchased",
        "tier_threshold",
        "tier_rate",
        "next_threshold",
        "next_rate",
        "exposure",
        "available",
        "oldest_unpaid",
        "past_delay",
        "returned_on",
        as_of=ibis.literal(as_of_day, type="int32"),
        missing=rows.next_threshold - rows.measure,
        accrued=kopecks_half_up(units=units),
        expected_end=expected_end,
        within_reach=rows.next_threshold.notnull()
        & (rows.end_day >= as_of_day)
        & (reach_value * REACH_SHARE_PARTS >= rows.next_threshold * reach_parts),
    )
