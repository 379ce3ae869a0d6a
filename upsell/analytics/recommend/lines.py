"""From a table of sales lines (client, item, date, quantity, amount) to client × item matrices.

A client has bought an item over a period when its net quantity of the item in that period is
positive: a return (a negative line) cancels the purchase it returns, and an item returned in
full counts as never bought. Clients and items are coded in the order of their ids, by number
when every id is an integer and as text otherwise, so that "ties broken by item id" means what a
reader expects.
"""

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Weighting = Literal["binary", "log"]

EPOCH = dt.date(1970, 1, 1)
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
_DATE_WORDS = "YYYY-MM-DD or DD.MM.YYYY"
# The header is the file's row 1: the first data row is row 2, as a spreadsheet shows it.
FIRST_DATA_ROW = 2


@dataclass(frozen=True, eq=False)
class Lines:
    """Sales lines as arrays: client and item codes into ``clients`` and ``items``, days since
    1970-01-01, quantities and amounts (negative on a return)."""

    clients: npt.NDArray[np.str_]
    items: npt.NDArray[np.str_]
    client_code: IntArray
    item_code: IntArray
    day: IntArray
    quantity: FloatArray
    amount: FloatArray

    @property
    def shape(self) -> tuple[int, int]:
        return self.clients.size, self.items.size


def date_to_day(value: dt.date) -> int:
    return (value - EPOCH).days


def _row(index: int) -> int:
    return index + FIRST_DATA_ROW


def _ids_coded(values: pa.ChunkedArray) -> tuple[npt.NDArray[np.str_], IntArray]:
    """The distinct ids in their order (numeric when all are integers) and each row's code."""
    labels, codes = np.unique(
        np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.str_), return_inverse=True
    )
    try:
        numbers = labels.astype(np.int64)
    except (ValueError, OverflowError):
        return labels, codes.astype(np.int64)
    order = np.argsort(numbers, kind="stable")
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    return labels[order], position[codes].astype(np.int64)


def _days(column: pa.ChunkedArray, name: str) -> IntArray:
    """Days since 1970-01-01 of a text column of dates, each in one of the accepted formats."""
    text = pc.utf8_trim_whitespace(column)
    parsed = pc.coalesce(
        *(
            pc.strptime(text, format=date_format, unit="s", error_is_null=True)
            for date_format in _DATE_FORMATS
        )
    )
    if parsed.null_count:
        first = int(pc.index(pc.is_null(parsed), True).as_py())
        raise ValueError(
            f"column {name!r}, row {_row(first)}: {column[first].as_py()!r} is not a date "
            f"({_DATE_WORDS})"
        )
    days = pc.cast(pc.cast(parsed, pa.date32()), pa.int32())
    return np.asarray(days.to_numpy(), dtype=np.int64)


def _number(text: str) -> float:
    for space in (" ", "\u00a0", "\u202f"):
        text = text.replace(space, "")
    return float(text.replace(",", "."))


def _numbers(column: pa.ChunkedArray, name: str) -> FloatArray:
    """A text column of numbers, with a point or a comma before the decimals and spaces
    between the thousands (1 234,5)."""
    text = column
    for space in (" ", "\u00a0", "\u202f"):
        text = pc.replace_substring(text, space, "")
    text = pc.replace_substring(text, ",", ".")
    try:
        values = np.asarray(pc.cast(text, pa.float64()).to_numpy(), dtype=np.float64)
    except pa.ArrowInvalid:
        values = np.full(len(column), np.nan)
    if np.all(np.isfinite(values)):
        return values
    # Arrow read some cell as no number: the cells are read one by one to name the first.
    for index, cell in enumerate(column.to_pylist()):
        try:
            values[index] = _number(cell)
        except ValueError:
            values[index] = np.nan
        if not math.isfinite(values[index]):
            raise ValueError(f"column {name!r}, row {_row(index)}: {cell!r} is not a number")
    return values


def lines_from_table(
    *,
    table: pa.Table,
    client_column: str,
    item_column: str,
    date_column: str,
    quantity_column: str,
    amount_column: str,
) -> Lines:
    """Check and convert a table of text cells with one row per sales line.

    Raises ``ValueError`` naming the column, and the row (the header being row 1) for a cell
    that is empty or cannot be read.
    """
    columns = (client_column, item_column, date_column, quantity_column, amount_column)
    for name in columns:
        if name not in table.column_names:
            raise ValueError(f"no column {name!r}; the columns are {table.column_names}")
    if table.num_rows == 0:
        raise ValueError("the file has a header but no lines")
    for name in columns:
        column = pc.cast(table.column(name), pa.string())
        empty = pc.or_kleene(pc.is_null(column), pc.equal(pc.utf8_trim_whitespace(column), ""))
        if pc.any(empty).as_py():
            first = int(pc.index(empty, True).as_py())
            raise ValueError(f"column {name!r} is empty in row {_row(first)}")
    text = {name: pc.cast(table.column(name), pa.string()) for name in columns}
    clients, client_code = _ids_coded(pc.utf8_trim_whitespace(text[client_column]))
    items, item_code = _ids_coded(pc.utf8_trim_whitespace(text[item_column]))
    return Lines(
        clients=clients,
        items=items,
        client_code=client_code,
        item_code=item_code,
        day=_days(text[date_column], date_column),
        quantity=_numbers(text[quantity_column], quantity_column),
        amount=_numbers(text[amount_column], amount_column),
    )


def _window(lines: Lines, start: dt.date | None, end: dt.date) -> npt.NDArray[np.bool_]:
    keep = lines.day <= date_to_day(end)
    if start is not None:
        keep &= lines.day > date_to_day(start)
    return keep


def net_quantities(*, lines: Lines, start: dt.date | None, end: dt.date) -> sp.csr_matrix:
    """Each client's net quantity of each item over (start, end] (from the first line when
    ``start`` is None); clients × items, all clients and items of the file."""
    keep = _window(lines, start, end)
    matrix = sp.csr_matrix(
        (lines.quantity[keep], (lines.client_code[keep], lines.item_code[keep])),
        shape=lines.shape,
    )
    matrix.sum_duplicates()
    return matrix


def bought(
    *, lines: Lines, start: dt.date | None, end: dt.date, weighting: Weighting = "binary"
) -> sp.csr_matrix:
    """The clients × items matrix of what each client bought over (start, end]: 1 where the net
    quantity is positive (``binary``) or log(1 + net quantity) (``log``), 0 elsewhere."""
    net = net_quantities(lines=lines, start=start, end=end)
    net.data[net.data <= 0] = 0
    net.eliminate_zeros()
    if weighting == "binary":
        net.data[:] = 1.0
    else:
        net.data = np.log1p(net.data)
    return net.astype(np.float64)


def clients_known(*, lines: Lines, end: dt.date) -> npt.NDArray[np.bool_]:
    """Per client: whether it has any line on or before ``end``."""
    known = np.zeros(lines.clients.size, dtype=bool)
    known[lines.client_code[lines.day <= date_to_day(end)]] = True
    return known


def monthly_spend_per_buyer(*, lines: Lines, end: dt.date, months: int = 12) -> FloatArray:
    """Per item, what a client who bought it over the ``months`` before ``end`` spent on it in
    an average month of them (net amounts; 0 for an item nobody bought then)."""
    start = dt.date.fromordinal(end.toordinal() - round(months * 365.25 / 12))
    keep = _window(lines, start, end)
    spent = np.bincount(
        lines.item_code[keep], weights=lines.amount[keep], minlength=lines.items.size
    )
    buyers = (bought(lines=lines, start=start, end=end) > 0).sum(axis=0).A1.astype(np.float64)
    per_buyer = np.divide(spent, buyers, out=np.zeros_like(spent), where=buyers > 0)
    monthly: FloatArray = np.maximum(per_buyer / months, 0.0)
    return monthly
