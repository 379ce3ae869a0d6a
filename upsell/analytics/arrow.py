"""Conversions between the contract's Arrow types and the integers the engines compute with.

Inside an engine, money is an int64 number of kopecks and a date is an int32 number of days since
1970-01-01. Integer sums and differences are exact on every engine, so DuckDB and Spark give
bit-identical answers, and day arithmetic needs no engine-specific date functions.
"""

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from upsell.analytics.contracts import table_conform

EPOCH = dt.date(1970, 1, 1)


def cents_from_money(*, column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Kopecks of a decimal column with two decimal places, exactly."""
    return units_from_decimal(column=column, scale=2, what="money")


def money_from_cents(*, column: pa.ChunkedArray | pa.Array, money_type: pa.DataType) -> pa.Array:
    """The decimal with two decimal places that the kopecks make, checked to fit `money_type`."""
    return decimal_from_units(column=column, scale=2, decimal_type=money_type)


def units_from_decimal(*, column: pa.ChunkedArray | pa.Array, scale: int, what: str) -> pa.Array:
    """The decimal column as int64 multiples of its last decimal place (kopecks of money,
    thousandths of a quantity, hundredths of a rate), exactly; `what` names it in the error."""
    values = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    decimal_type = values.type
    if not isinstance(decimal_type, pa.Decimal128Type) or decimal_type.scale != scale:
        raise ValueError(
            f"{what} must be a decimal with {scale} decimal places, not {decimal_type}"
        )
    # The unscaled 128-bit integers are the units: each is two 64-bit words, the low one and its
    # sign when it fits in 64 bits. Read directly they cost a fraction of Arrow's cast.
    words = np.frombuffer(
        values.buffers()[1], dtype=np.int64, count=2 * (values.offset + len(values))
    ).reshape(-1, 2)[values.offset :]
    units = np.ascontiguousarray(words[:, 0])
    fits = words[:, 1] == units >> 63
    validity = None
    if values.null_count:
        valid = pc.is_valid(values)
        validity = valid.buffers()[1]
        empty = ~valid.to_numpy(zero_copy_only=False)
        units[empty] = 0
        fits |= empty
    if not fits.all():
        raise ValueError(f"{what} {values[int(np.argmin(fits))]} does not fit in 64-bit units")
    return pa.Array.from_buffers(
        pa.int64(), len(values), [validity, pa.py_buffer(units)], null_count=values.null_count
    )


def decimal_from_units(
    *, column: pa.ChunkedArray | pa.Array, scale: int, decimal_type: pa.DataType
) -> pa.Array:
    """The decimal with `scale` decimal places whose last place the integers count, checked to
    fit `decimal_type`."""
    if not isinstance(decimal_type, pa.Decimal128Type) or decimal_type.scale != scale:
        raise ValueError(f"{decimal_type} is not a decimal with {scale} decimal places")
    units = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    units = units.cast(pa.int64())
    low, high = (value.as_py() for value in pc.min_max(units).values())
    for value in (low, high):
        if value is not None and abs(value) >= 10**decimal_type.precision:
            raise ValueError(f"{value} units of {scale} decimal places do not fit {decimal_type}")
    # A decimal128 is its unscaled integer in two little-endian 64-bit words, the int64 and its
    # sign: written directly they cost a fraction of Arrow's casts through decimal128(19, 0).
    values = np.frombuffer(units.buffers()[1], dtype=np.int64, count=units.offset + len(units))
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = values[units.offset :]
    words[:, 1] = words[:, 0] >> 63
    # The validity bits must start at the first value, as the words do.
    validity = None if not units.null_count else pc.is_valid(units).buffers()[1]
    return pa.Array.from_buffers(
        decimal_type, len(units), [validity, pa.py_buffer(words)], null_count=units.null_count
    )


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
    # The conversions keep the order of the keys, so the engine's rows are sorted first, in one
    # piece each, and by integers: Arrow takes rows from chunks and from decimals much slower.
    table = table.combine_chunks()
    table = table.take(sort_indices(table=table, keys=sort_keys))
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
    return table_conform(table=pa.table(converted), schema=schema, name="result")


def sort_indices(*, table: pa.Table, keys: tuple[str, ...]) -> pa.Array | np.ndarray:
    """The stable ascending order of the rows by the keys, nulls first.

    Integer and date keys without nulls are ordered by numpy, several times faster than Arrow
    on a million rows."""
    columns = [table.column(key) for key in keys]
    if all(_numpy_sortable(column=column) for column in columns):
        return np.lexsort([column.to_numpy() for column in reversed(columns)])
    return pc.sort_indices(
        table, sort_keys=[(key, "ascending") for key in keys], null_placement="at_start"
    )


def rows_repeated(*, table: pa.Table, keys: tuple[str, ...]) -> bool:
    """Whether two rows have the same keys."""
    columns = [table.column(key) for key in keys]
    if table.num_rows < 2 or not all(_numpy_sortable(column=column) for column in columns):
        return bool(
            table.select(list(keys)).group_by(list(keys)).aggregate([]).num_rows < table.num_rows
        )
    values = [column.to_numpy() for column in columns]
    order = np.lexsort(values[::-1])
    same = np.ones(table.num_rows - 1, dtype=bool)
    for column in values:
        ordered = column[order]
        same &= ordered[1:] == ordered[:-1]
    return bool(same.any())


def _numpy_sortable(*, column: pa.ChunkedArray) -> bool:
    kind = column.type
    return not column.null_count and (pa.types.is_integer(kind) or pa.types.is_date32(kind))
