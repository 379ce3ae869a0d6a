"""From transactions (customer, date, amount) to the per-customer summaries BTYD models take.

Purchases are counted per period (a day or an ISO week): several documents of one customer
in one period are one transaction, with their amounts added. As of a calibration end, each
customer who had bought by then has x (repeat periods with a purchase), t_x (periods from the
first to the last purchase), T (periods from the first purchase to the calibration end), the
mean spend of the repeat purchases (the Gamma-Gamma input) and of all purchases.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.btyd.types import FloatArray

Freq = Literal["D", "W"]
IntArray = npt.NDArray[np.int64]
_EPOCH = dt.date(1970, 1, 1)
_DAYS_PER_PERIOD = {"D": 1, "W": 7}
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


@dataclass(frozen=True, eq=False)
class Transactions:
    """Purchases as arrays: customer codes into ``customers``, days since 1970-01-01, amounts."""

    customers: npt.NDArray[np.str_]
    customer_code: IntArray
    day: IntArray
    amount: FloatArray


@dataclass(frozen=True, eq=False)
class CustomerSummary:
    """One entry per customer who had bought by the calibration end, in the same order."""

    customer_code: IntArray
    customer: npt.NDArray[np.str_]
    frequency: FloatArray
    recency: FloatArray
    age: FloatArray
    monetary_value: FloatArray  # mean spend of the repeat purchases, 0 without any
    average_spend: FloatArray  # mean spend of all purchases up to the calibration end
    freq: Freq

    def to_arrow(self) -> pa.Table:
        return pa.table(
            {
                "customer": self.customer,
                "frequency": self.frequency,
                "recency": self.recency,
                "T": self.age,
                "monetary_value": self.monetary_value,
                "average_spend": self.average_spend,
            }
        )


def date_to_day(value: dt.date) -> int:
    return (value - _EPOCH).days


def day_to_date(day: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=day)


def period_length(*, start: dt.date, end: dt.date, freq: Freq) -> float:
    """Length of (start, end] in periods, the time unit of a summary."""
    return (end - start).days / _DAYS_PER_PERIOD[freq]


def _period(day: IntArray, freq: Freq) -> IntArray:
    if freq == "D":
        return day
    # 1970-01-01 was a Thursday: shifting by 3 days makes weeks run Monday to Sunday.
    return (day + 3) // 7


def _first_null(column: pa.ChunkedArray) -> int:
    return int(pc.index(pc.is_null(column), True).as_py())


def _days(column: pa.ChunkedArray, name: str) -> IntArray:
    kind = column.type
    if pa.types.is_timestamp(kind):
        column = pc.cast(pc.floor_temporal(column, unit="day"), pa.timestamp(kind.unit))
        column = pc.cast(column, pa.date32())
    elif pa.types.is_date(kind):
        column = pc.cast(column, pa.date32())
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        parsed = None
        for date_format in _DATE_FORMATS:
            try:
                parsed = pc.cast(pc.strptime(column, format=date_format, unit="s"), pa.date32())
                break
            except pa.ArrowInvalid:
                continue
        if parsed is None:
            raise ValueError(f"column {name!r}: dates must be written as YYYY-MM-DD or DD.MM.YYYY")
        column = parsed
    else:
        raise ValueError(f"column {name!r} holds {kind}, not dates")
    return np.asarray(column.to_numpy(), dtype="datetime64[D]").astype(np.int64)


def transactions_from_table(
    *, table: pa.Table, customer_column: str, date_column: str, amount_column: str
) -> Transactions:
    """Check and convert a table with one row per purchase.

    Raises ``ValueError`` naming the column (and the first bad row, counting data rows
    from 1) when a column is missing, empty in some row or of the wrong kind.
    """
    for name in (customer_column, date_column, amount_column):
        if name not in table.column_names:
            raise ValueError(f"no column {name!r}; the columns are {table.column_names}")
        column = table.column(name)
        if column.null_count:
            raise ValueError(f"column {name!r} is empty in row {_first_null(column) + 1}")
    if table.num_rows == 0:
        raise ValueError("there are no transactions")
    amount_type = table.column(amount_column).type
    if not (pa.types.is_integer(amount_type) or pa.types.is_floating(amount_type)):
        raise ValueError(f"column {amount_column!r} holds {amount_type}, not amounts")
    encoded = pc.dictionary_encode(
        pc.cast(table.column(customer_column), pa.string())
    ).combine_chunks()
    return Transactions(
        customers=np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=np.str_),
        customer_code=np.asarray(encoded.indices.to_numpy(), dtype=np.int64),
        day=_days(table.column(date_column), date_column),
        amount=np.asarray(
            pc.cast(table.column(amount_column), pa.float64()).to_numpy(), dtype=np.float64
        ),
    )


def _per_period(
    transactions: Transactions, freq: Freq, keep: npt.NDArray[np.bool_]
) -> tuple[IntArray, IntArray, FloatArray]:
    """(customer code, period, summed amount) for each customer-period with a purchase."""
    code = transactions.customer_code[keep]
    period = _period(transactions.day[keep], freq)
    if code.size == 0:
        return code, period, np.zeros(0)
    low = int(period.min())
    width = int(period.max()) - low + 1
    key = code * width + (period - low)
    distinct, inverse = np.unique(key, return_inverse=True)
    amount = np.bincount(inverse, weights=transactions.amount[keep], minlength=distinct.size)
    return distinct // width, distinct % width + low, amount


def transactions_summarize(
    *, transactions: Transactions, calibration_end: dt.date, freq: Freq
) -> CustomerSummary:
    """Summaries as of ``calibration_end`` (inclusive) of every customer who had bought by then."""
    end_day = date_to_day(calibration_end)
    code, period, amount = _per_period(transactions, freq, transactions.day <= end_day)
    if code.size == 0:
        raise ValueError(f"no purchase on or before {calibration_end.isoformat()}")
    # Rows are sorted by customer, then period: each customer's block starts at a change.
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    ends = np.r_[starts[1:], code.size] - 1
    purchases = ends - starts + 1
    first = period[starts]
    total = np.add.reduceat(amount, starts)
    repeat_total = total - amount[starts]
    frequency = (purchases - 1).astype(np.float64)
    end_period = int(_period(np.array([end_day]), freq)[0])
    customer_code = code[starts]
    return CustomerSummary(
        customer_code=customer_code,
        customer=transactions.customers[customer_code],
        frequency=frequency,
        recency=(period[ends] - first).astype(np.float64),
        age=(end_period - first).astype(np.float64),
        monetary_value=np.divide(
            repeat_total, frequency, out=np.zeros_like(repeat_total), where=frequency > 0
        ),
        average_spend=total / purchases,
        freq=freq,
    )


def transactions_window(
    *,
    transactions: Transactions,
    customer_code: IntArray,
    start: dt.date,
    end: dt.date,
    freq: Freq,
) -> tuple[FloatArray, FloatArray]:
    """Per customer of ``customer_code``: purchases (periods) and spend in (start, end]."""
    keep = (transactions.day > date_to_day(start)) & (transactions.day <= date_to_day(end))
    code, _, amount = _per_period(transactions, freq, keep)
    size = transactions.customers.size
    counts = np.bincount(code, minlength=size).astype(np.float64)
    spend = np.bincount(code, weights=amount, minlength=size)
    return counts[customer_code], spend[customer_code]
