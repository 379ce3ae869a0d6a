"""What every kind of import shares: the rows as columns, the problems found, the counts.

An importer works in three steps. ``check`` parses and validates the file alone, column by
column, without touching the database; ``resolve`` looks up what the rows name (clients,
managers, products) inside the import's transaction; ``write`` writes the rows that passed.
Problems are collected, never raised one by one, so a person sees every error of a file.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar

import polars as pl
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.imports.changes import Changes
from upsell.imports.formats.columns import KIND_COLUMNS, ColumnMap
from upsell.imports.formats.readers import OVERFLOW, ROW, RawTable, cell_column
from upsell.imports.formats.values import CELL, PROBLEM, VALUE, decimal_parse, text_clean
from upsell.imports.problems import Problem

POSITION = "_position"
MESSAGE = "_message"
COLUMN = "_column"
# The words a totals row starts with (after "Итого:" loses its colon).
TOTALS_WORDS = ("итого", "всего", "total", "grand total")
_TOTALS_PATTERN = r"(?i)^\s*(?:итого|всего|total|grand total)\s*:?\s*$"

Progress = Callable[[int, int], None]


class Problems:
    """Every problem found in the rows of one file, as a frame ordered by row and column."""

    def __init__(self, columns: ColumnMap) -> None:
        self._columns = columns
        self._parts: list[pl.DataFrame] = []

    def add(
        self,
        frame: pl.DataFrame,
        *,
        where: pl.Expr,
        field: str | None,
        message: pl.Expr | str,
    ) -> None:
        """A problem in ``field`` (or in the row as a whole) of every row where ``where`` holds."""
        found = frame.filter(where.fill_null(value=False)).select(
            pl.col(ROW),
            (pl.lit(message) if isinstance(message, str) else message).alias(MESSAGE),
        )
        if found.height:
            self._parts.append(
                found.with_columns(
                    pl.lit(self._columns.position(field) if field else -1, pl.Int64).alias(
                        POSITION
                    ),
                    pl.lit(self._columns.header(field) if field else "").alias(COLUMN),
                )
            )

    def add_one(self, *, row: int, position: int, column: str, message: str) -> None:
        self._parts.append(
            pl.DataFrame(
                {ROW: [row], MESSAGE: [message], POSITION: [position], COLUMN: [column]},
                schema={ROW: pl.Int64, MESSAGE: pl.String, POSITION: pl.Int64, COLUMN: pl.String},
            )
        )

    def add_parsed(self, frame: pl.DataFrame, field: str) -> None:
        """The problems a parser left in the ``<field>__problem`` column."""
        problem = pl.col(f"{field}__problem")
        self.add(frame, where=problem.is_not_null(), field=field, message=problem)

    def add_rows(self, rows: pl.DataFrame, *, field: str | None) -> None:
        """Problems already found, as a frame of ROW and MESSAGE."""
        self.add(rows, where=pl.lit(value=True), field=field, message=pl.col(MESSAGE))

    def frame(self) -> pl.DataFrame:
        if not self._parts:
            return pl.DataFrame(
                schema={ROW: pl.Int64, MESSAGE: pl.String, POSITION: pl.Int64, COLUMN: pl.String}
            )
        return pl.concat(self._parts).sort(ROW, POSITION, maintain_order=True)

    def count(self) -> int:
        return sum(part.height for part in self._parts)

    def rows(self) -> pl.Series:
        """The rows with a problem."""
        return self.frame().get_column(ROW).unique()

    def as_list(self) -> list[Problem]:
        return [
            Problem(row=row, column=column, message=message)
            for row, message, _position, column in self.frame().iter_rows()
        ]


@dataclass
class Counts:
    """Created / updated / unchanged per kind of record, as ImportRun.counts stores them."""

    by_noun: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, noun: str, *, created: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        entry = self.by_noun.setdefault(noun, {"created": 0, "updated": 0, "unchanged": 0})
        entry["created"] += created
        entry["updated"] += updated
        entry["unchanged"] += unchanged


@dataclass
class ImportContext:
    columns: ColumnMap
    problems: Problems
    counts: Counts
    imported_by: User | None
    file_name: str
    today: date
    progress: Progress
    # Whether a product code the catalogue lacks is added to it (else it is an error).
    create_products: bool = False
    changes: Changes = field(default_factory=Changes)


def text_length_check(
    frame: pl.DataFrame, problems: Problems, limits: dict[str, int], columns: ColumnMap
) -> None:
    for name, limit in limits.items():
        if columns.has(name):
            problems.add(
                frame,
                where=pl.col(name).str.len_chars() > limit,
                field=name,
                message=_("longer than {limit} characters").format(limit=limit),
            )


Parser = Callable[[pl.DataFrame], pl.DataFrame]


def parsed_by_value(frame: pl.DataFrame, name: str, parser: Parser) -> pl.DataFrame:
    """Parse column ``name`` into itself and ``<name>__problem``, once per distinct value.

    Dates, ИНН and flags repeat on most rows of a big file: parsing the distinct values and
    joining them back is many times cheaper than parsing every cell.
    """
    lookup = parser(frame.select(pl.col(name).unique().alias(CELL))).rename(
        {VALUE: f"{name}__value", PROBLEM: f"{name}__problem"}
    )
    return (
        frame.join(
            lookup, left_on=name, right_on=CELL, how="left", nulls_equal=True, maintain_order="left"
        )
        .drop(name)
        .rename({f"{name}__value": name})
    )


def parsed_in_place(frame: pl.DataFrame, name: str, parser: Parser) -> pl.DataFrame:
    """Parse column ``name`` into itself and ``<name>__problem``, cell by cell."""
    parsed = parser(frame.select(pl.col(name).alias(CELL)))
    return frame.with_columns(
        parsed.get_column(VALUE).alias(name), parsed.get_column(PROBLEM).alias(f"{name}__problem")
    )


class Importer(ABC):
    kind: ClassVar[str]
    # Fields of text and the longest value the database takes for each.
    text_limits: ClassVar[dict[str, int]] = {}
    # Fields a trailing totals row ("Итого") may sum up, with their decimal places.
    totals_fields: ClassVar[dict[str, int]] = {}

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.columns = context.columns
        self.problems = context.problems
        self.counts = context.counts
        self.changes = context.changes

    def rows_frame(self, table: RawTable) -> pl.DataFrame:
        """The cells of the known columns by field name, as written, with the row number;
        a row longer than the header is a problem, a trailing totals row is settled."""
        frame = table.frame.select(
            pl.col(ROW),
            pl.col(OVERFLOW),
            *(
                pl.col(cell_column(position)).alias(name)
                for name, position in self.columns.positions.items()
            ),
        )
        self.problems.add(
            frame,
            where=pl.col(OVERFLOW),
            field=None,
            message=_("the row has more values than the header has columns"),
        )
        frame = frame.drop(OVERFLOW)
        totals = self._totals_rows(table)
        if totals.height:
            frame = frame.filter(~pl.col(ROW).is_in(totals.get_column(ROW).implode()))
            self._totals_check(totals, frame, table)
        return frame

    def cleaned(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Every cell without surrounding spaces (null when blank); required values present,
        text within the lengths the database takes."""
        frame = frame.with_columns(
            text_clean(pl.col(name)).alias(name) for name in self.columns.positions
        )
        for name in self._required():
            self.problems.add(
                frame, where=pl.col(name).is_null(), field=name, message=_("a value is required")
            )
        text_length_check(frame, self.problems, self.text_limits, self.columns)
        return frame

    def _required(self) -> Iterable[str]:
        return (
            spec.field
            for spec in KIND_COLUMNS[self.kind]
            if spec.required and self.columns.has(spec.field)
        )

    def _totals_rows(self, table: RawTable) -> pl.DataFrame:
        """Rows whose first non-empty cell says "Итого" (or "Всего", "Total"), and where it is."""
        width = len(table.headers)
        # Only a row with an empty first cell, or a totals word in it, can be one: a cheap
        # first pass keeps the per-cell work off the data rows.
        first = pl.col(cell_column(0))
        candidates = table.frame.filter(
            first.is_null() | first.str.contains(_TOTALS_PATTERN) | pl.col(OVERFLOW)
        )
        cleaned = [text_clean(pl.col(cell_column(position))) for position in range(width)]
        word = pl.coalesce(cleaned).str.to_lowercase().str.strip_chars_end(":").str.strip_chars()
        first_position = pl.coalesce(
            pl.when(cell.is_not_null()).then(position) for position, cell in enumerate(cleaned)
        )
        return candidates.filter(word.is_in(TOTALS_WORDS)).with_columns(
            first_position.alias(POSITION)
        )

    def _totals_check(self, totals: pl.DataFrame, data: pl.DataFrame, table: RawTable) -> None:
        """A totals row is skipped when it is last and the sums it states (if any) match the
        rows above it.

        1C puts "Итого" under a report; taken for data it would be a client, a product or a
        document named "Итого". Recognised safely it is dropped; a totals row in the middle of
        the data, or one whose sums differ from the rows' (a file cut short), is an error.
        """
        last_data_row = data.get_column(ROW).max()
        for total in totals.iter_rows(named=True):
            if last_data_row is not None and total[ROW] < last_data_row:
                message = _("a totals row in the middle of the data: only data rows belong here")
            else:
                mismatches = self._totals_compare(total, data)
                if not mismatches:
                    continue
                message = _("the totals row does not add up: {mismatches}").format(
                    mismatches="; ".join(mismatches)
                )
            self.problems.add_one(
                row=total[ROW],
                position=total[POSITION],
                column=table.headers[total[POSITION]],
                message=message,
            )

    def _totals_compare(self, total: dict[str, object], data: pl.DataFrame) -> list[str]:
        """The sums the totals row states that differ from the rows' sums."""
        mismatches = []
        for name, places in self.totals_fields.items():
            if not self.columns.has(name):
                continue
            cell = total[cell_column(self.columns.position(name))]
            if cell is None:
                continue
            stated = decimal_parse(
                pl.DataFrame({CELL: [cell]}, schema={CELL: pl.String}), places=places, max_digits=18
            ).item(0, VALUE)
            rows_sum = (
                decimal_parse(
                    data.select(text_clean(pl.col(name)).alias(CELL)), places=places, max_digits=18
                )
                .get_column(VALUE)
                .sum()
            )
            if stated != rows_sum:
                mismatches.append(
                    _("{column} is {stated}, the rows sum to {sum}").format(
                        column=self.columns.header(name),
                        stated=cell,
                        sum=_number_text(rows_sum, places),
                    )
                )
        return mismatches

    def refusal(self) -> str:
        """Why the importing user may not bring this kind of file in; empty when it may."""
        return ""

    @abstractmethod
    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Parse and validate the rows on their own; the parsed frame for the next steps."""

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Look up what the rows name in the database; may find more problems."""
        return frame

    def rejected_with(self, frame: pl.DataFrame, rejected: pl.Series) -> pl.DataFrame:
        """Rows that must be rejected along with ``rejected`` ones, as ROW and MESSAGE."""
        del frame, rejected
        return pl.DataFrame(schema={ROW: pl.Int64, MESSAGE: pl.String})

    @abstractmethod
    def write(self, frame: pl.DataFrame) -> None:
        """Write the rows that passed, counting what was created, updated, left unchanged."""


def _number_text(value: object, places: int) -> str:
    """``-1 234,56``: the way the file writes a number."""
    text = f"{Decimal(str(value)):,.{places}f}"
    return text.replace(",", " ").replace(".", ",")


def repeats_check(
    frame: pl.DataFrame, problems: Problems, *, key: str, field: str, among: pl.Expr
) -> None:
    """A key that must be unique in the file: every later row repeating it is a problem."""
    keyed = frame.filter(among & pl.col(key).is_not_null()).with_columns(
        pl.col(ROW).first().over(key).alias("_first_row")
    )
    problems.add(
        keyed,
        where=pl.col(ROW) != pl.col("_first_row"),
        field=field,
        message=pl.format(_("repeats row {}"), pl.col("_first_row")),
    )


TEXT = "text"


@dataclass
class Factor:
    """A column of a big file as keys into its distinct values.

    Whatever is worked out per value — cleaning, parsing, checking, looking up — is done once
    per distinct value and taken back to the rows by key, so the rows only ever carry small
    integers. Cells that differ only by surrounding spaces share a key; a blank cell has none.
    """

    # Per row: the key of the cell's cleaned text, null when the cell is blank.
    keys: pl.Series
    # Row k describes key k: its TEXT and whatever is added per value.
    values: pl.DataFrame

    @classmethod
    def of_columns(cls, frame: pl.DataFrame, names: Sequence[str]) -> dict[str, "Factor"]:
        """The factors of several columns, hashed side by side on polars' threads."""
        if not names:
            return {}
        distinct = frame.select(pl.col(name).unique().drop_nulls().implode() for name in names)
        raws = {name: distinct.get_column(name)[0] for name in names}
        codes = frame.select(pl.col(name).cast(pl.Enum(raws[name])).to_physical() for name in names)
        return {name: cls._cleaned(raws[name], codes.get_column(name)) for name in names}

    @classmethod
    def _cleaned(cls, raw: pl.Series, codes: pl.Series) -> "Factor":
        """From codes into the raw texts to keys into the cleaned ones."""
        cleaned = raw.to_frame(CELL).select(text_clean(pl.col(CELL))).to_series()
        if cleaned.equals(raw, check_names=False):
            # Cells written clean (the usual file): the codes are the keys already.
            return cls(keys=codes.cast(pl.UInt32), values=raw.rename(TEXT).to_frame())
        distinct = cleaned.drop_nulls().unique(maintain_order=True)
        key_of_code = cleaned.cast(pl.Enum(distinct)).to_physical().cast(pl.UInt32)
        return cls(keys=key_of_code.gather(codes), values=distinct.to_frame(TEXT))

    @classmethod
    def empty(cls, height: int) -> "Factor":
        return cls(
            keys=pl.repeat(None, height, dtype=pl.UInt32, eager=True),
            values=pl.DataFrame(schema={TEXT: pl.String}),
        )

    def parse(self, parser: Parser) -> None:
        """Add the parsed VALUE and PROBLEM of every value."""
        parsed = parser(self.values.select(pl.col(TEXT).alias(CELL)))
        self.values = self.values.with_columns(parsed.get_column(VALUE), parsed.get_column(PROBLEM))

    def take(self, name: str, keys: pl.Series | None = None) -> pl.Series:
        """Column ``name`` of the values, for each of ``keys`` (by default every row's)."""
        return self.values.get_column(name).gather(self.keys if keys is None else keys)


OWN_ROWS = "_own_rows"
MAYBE_ROWS = "_maybe_rows"


def document_lines_maybe(
    frame: pl.DataFrame, *, key: str, number: str, parts: Sequence[str]
) -> pl.DataFrame:
    """For each row whose document key is not whole, the documents of the file it may be a
    line of: ROW and ``key``.

    ``key`` is the document's key, null on a row where a part of it cannot be read (blank or
    unreadable); ``number`` and ``parts`` are the parts of a document a row may state — its
    number, and its date and client — each null where the row's is unreadable. Such a row may
    be a line of a document of the file when every part it does state agrees with the
    document's, and

    - with its number: of every such document, wherever it is in the file;
    - without it: of the documents of the rows next to it, the nearest row above and the
      nearest below whose key is whole. 1C exports a document's lines together, so a line
      that lost its number sits among its document's lines; a date or a client alone is shared
      by too many documents to tell one.
    """
    stated = [number, *parts]
    rows = (
        frame.select(ROW, key, *stated)
        .sort(ROW)
        .with_columns(
            pl.col(key).forward_fill().alias("_above"),
            pl.col(key).backward_fill().alias("_below"),
        )
    )
    documents = (
        rows.filter(pl.col(key).is_not_null())
        .group_by(key)
        .agg(pl.col(name).drop_nulls().first().alias(f"{name}_document") for name in stated)
    )
    broken = rows.filter(pl.col(key).is_null()).drop(key)
    by_number = broken.filter(pl.col(number).is_not_null()).join(
        documents, left_on=number, right_on=f"{number}_document", how="inner"
    )
    by_place = (
        broken.filter(pl.col(number).is_null())
        .unpivot(index=[ROW, *stated], on=["_above", "_below"], value_name=key)
        .drop_nulls(key)
        .join(documents.drop(f"{number}_document"), on=key, how="inner")
    )
    agree = pl.all_horizontal(
        pl.lit(value=True),
        *((pl.col(name) == pl.col(f"{name}_document")).fill_null(value=True) for name in parts),
    )
    return (
        pl.concat(
            [by_number.filter(agree).select(ROW, key), by_place.filter(agree).select(ROW, key)]
        )
        .unique()
        .sort(ROW, key)
    )


def documents_held(
    frame: pl.DataFrame,
    *,
    rejected: pl.Series,
    key: str,
    number: str,
    parts: Sequence[str],
) -> pl.DataFrame:
    """The documents of the file that rejected rows hold back: ``key``, OWN_ROWS (its own
    lines rejected) and MAYBE_ROWS (rejected rows that may be its lines), lists of rows.

    A document is written whole or not at all, and a stored one is never shrunk or changed on
    the strength of a file with rejected rows that may belong to it: a document with a
    rejected line, or a rejected row that may be one of its lines (``document_lines_maybe``),
    is held back whole — neither created, replaced nor changed.
    """
    is_rejected = pl.col(ROW).is_in(rejected.implode())
    own = frame.filter(is_rejected & pl.col(key).is_not_null()).select(
        ROW, key, pl.lit(value=True).alias("_own")
    )
    maybe = document_lines_maybe(frame, key=key, number=number, parts=parts)
    maybe = maybe.filter(is_rejected).with_columns(pl.lit(value=False).alias("_own"))
    return (
        pl.concat([own, maybe.select(ROW, key, "_own")])
        .group_by(key)
        .agg(
            pl.col(ROW).filter(pl.col("_own")).unique().sort().alias(OWN_ROWS),
            pl.col(ROW).filter(~pl.col("_own")).unique().sort().alias(MAYBE_ROWS),
            pl.col(ROW).min().alias("_first_held"),
        )
        .sort("_first_held")
        .drop("_first_held")
    )


def held_back_reasons(
    frame: pl.DataFrame,
    *,
    rejected: pl.Series,
    held: pl.DataFrame,
    key: str,
    own: str,
    maybe: str,
) -> pl.DataFrame:
    """Why each row not rejected itself goes with its held-back document, as ROW and MESSAGE:
    ``own`` and ``maybe`` are messages whose ``{}`` takes the rows that held it."""

    def rows_text(name: str, template: str) -> pl.Expr:
        rows = pl.col(name).list.eval(pl.element().cast(pl.String)).list.join(", ")
        return pl.when(pl.col(name).list.len() > 0).then(pl.format(template, rows))

    return (
        frame.filter(~pl.col(ROW).is_in(rejected.implode()))
        .select(ROW, key)
        .join(held, on=key, how="inner")
        .sort(ROW)
        .select(
            ROW,
            pl.concat_str(
                rows_text(OWN_ROWS, own),
                rows_text(MAYBE_ROWS, maybe),
                separator="; ",
                ignore_nulls=True,
            ).alias(MESSAGE),
        )
    )
