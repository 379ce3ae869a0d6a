"""The Arrow tables the progress of sales programs takes in and gives out.

Money, orders and payments are the analytics package's own (`upsell.analytics.contracts`). A
rate is a percentage with two decimals; a quantity has three decimals.
"""

from enum import StrEnum

import pyarrow as pa

from upsell.analytics.contracts import MONEY, MONEY_SUM

RATE = pa.decimal128(5, 2)
QUANTITY = pa.decimal128(15, 3)


class ProgramKind(StrEnum):
    VOLUME_DISCOUNT = "volume_discount"
    CUMULATIVE_DISCOUNT = "cumulative_discount"
    ADVANCE_DISCOUNT = "advance_discount"
    RETRO_BONUS = "retro_bonus"
    CREDIT_LINE = "credit_line"
    CLIENT_RETURN = "client_return"
    GUARANTEED_STOCK = "guaranteed_stock"


# One row per active member of a program (the control group is not passed). The period runs
# from period_start to period_end inclusive; joined is the day the membership began.
MEMBERS_SCHEMA = pa.schema(
    [
        pa.field("program_id", pa.int64(), nullable=False),
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("period_start", pa.date32(), nullable=False),
        pa.field("period_end", pa.date32(), nullable=False),
        pa.field("joined", pa.date32(), nullable=False),
        pa.field("credit_limit", MONEY),
        pa.field("payment_delay_days", pa.int32()),
    ]
)

# The tiers of each program: thresholds strictly increasing, the first may be 0.
TIERS_SCHEMA = pa.schema(
    [
        pa.field("program_id", pa.int64(), nullable=False),
        pa.field("threshold", MONEY, nullable=False),
        pa.field("rate", RATE, nullable=False),
    ]
)

# The expected shipments of a client in a month (its first day): the manager's forecast cell,
# else the baseline. One row per client and month.
FORECAST_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("amount", MONEY, nullable=False),
    ]
)

# Shipment lines, for the guaranteed stock.
LINES_SCHEMA = pa.schema(
    [
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("product_id", pa.int64(), nullable=False),
        pa.field("quantity", QUANTITY, nullable=False),
    ]
)

# The quantity of a product the company keeps in stock for a member every month.
COMMITMENTS_SCHEMA = pa.schema(
    [
        pa.field("program_id", pa.int64(), nullable=False),
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("product_id", pa.int64(), nullable=False),
        pa.field("monthly_quantity", QUANTITY, nullable=False),
    ]
)

PROGRESS_SCHEMA = pa.schema(
    [
        pa.field("program_id", pa.int64(), nullable=False),
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("as_of", pa.date32(), nullable=False),
        pa.field("purchased", MONEY_SUM, nullable=False),
        pa.field("tier_threshold", MONEY),
        pa.field("tier_rate", RATE),
        pa.field("next_threshold", MONEY),
        pa.field("next_rate", RATE),
        pa.field("missing", MONEY_SUM),
        pa.field("accrued", MONEY_SUM, nullable=False),
        pa.field("expected_end", MONEY_SUM, nullable=False),
        pa.field("within_reach", pa.bool_(), nullable=False),
        pa.field("exposure", MONEY_SUM),
        pa.field("available", MONEY_SUM),
        pa.field("oldest_unpaid", pa.date32()),
        pa.field("past_delay", pa.bool_()),
        pa.field("returned_on", pa.date32()),
    ]
)

STOCK_SCHEMA = pa.schema(
    [
        pa.field("program_id", pa.int64(), nullable=False),
        pa.field("client_id", pa.int64(), nullable=False),
        pa.field("product_id", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("committed", QUANTITY, nullable=False),
        pa.field("consumed", QUANTITY, nullable=False),
    ]
)
