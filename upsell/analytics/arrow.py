"""Conversions between the contract's Arrow types and the integers the engines compute with.

Inside an engine, money is an int64 number of kopecks and a date is an int32 number of days since
1970-01-01. Integer sums and differences are exact on every engine, so DuckDB and Spark give
bit-identical answers, and day arithmetic needs no engine-specific date functions.
"""

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.contracts import table_conform

EPOCH = dt.date(1970, 1, 1)


def cents_from_money(*, column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Kopecks of a decimal column with two decimal places, exactly."""
    money = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    money_type = money.type
    if not isinstance(money_type, pa.Decimal128Type) or money_type.scale != 2:
        raise ValueError(f"money must be a decimal with 2 decimal places, not {money_type}")
    # The same 128-bit integers read with scale 0 are the kopecks.
    unscaled = pa.Array.from_buffers(
        pa.decimal128(money_type.precision, 0), len(money), money.buffers(), offset=money.offset
    )
    return unscaled.cast(pa.int64())


def money_from_cents(*, column: pa.ChunkedArray | pa.Array, money_type: pa.DataType) -> pa.Array:
    """The decimal with two decimal places that the kopecks make, checked to fit `money_type`."""
    cents = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    unscaled = cents.cast(pa.int64()).cast(pa.decimal128(19, 0))
    money = pa.Array.from_buffers(
        pa.decimal128(19, 2), len(unscaled), unscaled.buffers(), offset=unscaled.offset
    )
    return money.cast(money_type)


def days_from_dates(*, column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    return column.cast(pa.date32()).cast(pa.int32())


def dates_from_days(*, column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    return column.cast(pa.int32()).cast(pa.date32())


def months_from_dates(*, column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Months counted from year 0 (year × 12 + month − 1): consecutive months differ by one."""
    years = pc.year(column).cast(pa.int32())
    months = pc.month(column).cast(pa.int32())
    return pc.add(pc.multiply(years, 12), pc.subtract(months, 1))


def day_number(*, day: dt.date) -> int:
    return (day - EPOCH).days


def month_number(*, day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_first_day(*, month: int) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 1)


def month_last_day(*, month: int) -> dt.date:
    return month_first_day(month=month + 1) - dt.timedelta(days=1)


def table_from_engine(
    *,
    table: pa.Table,
    schema: pa.Schema,
    day_columns: tuple[str, ...],
    cents_columns: tuple[str, ...],
    sort_keys: tuple[str, ...],
) -> pa.Table:
    """An engine's result in the contract's types, sorted by its key (nulls first)."""
    converted = {
        name: (
            dates_from_days(column=table.column(name))
            if name in day_columns
            else money_from_cents(column=table.column(name), money_type=schema.field(name).type)
            if name in cents_columns
            else table.column(name).cast(schema.field(name).type)
        )
        for name in schema.names
    }
    result = table_conform(table=pa.table(converted), schema=schema, name="result")
    return result.sort_by([(key, "ascending", "at_start") for key in sort_keys])
