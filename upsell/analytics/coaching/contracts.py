"""The Arrow tables the coaching measure takes in and gives out."""

import pyarrow as pa

from upsell.analytics.contracts import MONEY, MONEY_SUM

# One row per deal: whose it is, when it was opened and, once won or lost, when it was closed
# and whether it was won.
DEALS_SCHEMA = pa.schema(
    [
        pa.field("deal_id", pa.int64(), nullable=False),
        pa.field("manager_id", pa.int64(), nullable=False),
        pa.field("created", pa.date32(), nullable=False),
        pa.field("closed", pa.date32()),
        pa.field("won", pa.bool_()),
    ]
)

# The forecast as it was locked at each month's start: one row per client and month, counted in
# the forecast of the manager it names.
FORECAST_SCHEMA = pa.schema(
    [
        pa.field("manager_id", pa.int64(), nullable=False),
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("amount", MONEY, nullable=False),
    ]
)

# Net shipped per client and month; a month without a row shipped nothing.
SHIPPED_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("amount", MONEY_SUM, nullable=False),
    ]
)

# Each client with the manager who serves it and whether it is motivated.
CLIENTS_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("manager_id", pa.int64()),
        pa.field("motivated", pa.bool_(), nullable=False),
    ]
)

# A manager's figures in one month (a month with nothing has no row).
MANAGER_MONTHS_SCHEMA = pa.schema(
    [
        pa.field("manager_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("closed", pa.int64(), nullable=False),
        pa.field("won", pa.int64(), nullable=False),
        pa.field("won_days", pa.int64(), nullable=False),
        pa.field("forecast", MONEY_SUM, nullable=False),
        pa.field("attained", MONEY_SUM, nullable=False),
        pa.field("motivated", MONEY_SUM, nullable=False),
    ]
)

# The deals won or lost, one row each, with the month they closed in and their cycle in days.
CLOSED_DEALS_SCHEMA = pa.schema(
    [
        pa.field("manager_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("won", pa.bool_(), nullable=False),
        pa.field("days", pa.int64(), nullable=False),
    ]
)

# Every manager who may be coached or stand as a control.
MANAGERS_SCHEMA = pa.schema([pa.field("manager_id", pa.int64(), nullable=False)])

# The coaching periods: the manager and the first and last day.
PERIODS_SCHEMA = pa.schema(
    [
        pa.field("period_id", pa.int64(), nullable=False),
        pa.field("manager_id", pa.int64(), nullable=False),
        pa.field("starts_on", pa.date32(), nullable=False),
        pa.field("ends_on", pa.date32(), nullable=False),
    ]
)

# One row per period and figure.
EFFECTS_SCHEMA = pa.schema(
    [
        pa.field("period_id", pa.int64(), nullable=False),
        pa.field("metric", pa.string(), nullable=False),
        pa.field("months", pa.int32(), nullable=False),
        pa.field("months_after", pa.int32(), nullable=False),
        pa.field("coached_before", pa.float64()),
        pa.field("coached_after", pa.float64()),
        pa.field("control_before", pa.float64()),
        pa.field("control_after", pa.float64()),
        pa.field("effect", pa.float64()),
        pa.field("effect_low", pa.float64()),
        pa.field("effect_high", pa.float64()),
        pa.field("control_managers", pa.int32(), nullable=False),
        pa.field("too_little", pa.string(), nullable=False),
    ]
)
