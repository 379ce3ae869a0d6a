"""What an import did, document by document, for its summary: every document it created,
replaced or held back with its lines and total before and after, and every product it created.

The importers add frames as they go (a big shipments file creates hundreds of thousands of
documents, so no Python object is made per document); the run stores the first
MAX_STORED_CHANGES of each list, and the ``upsell import`` command prints them all.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

import polars as pl

from upsell.imports.models import DocumentOutcome

FIRST_ROW = "_first_row"
MONEY = pl.Decimal(38, 2)
DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    "outcome": pl.String(),
    "number": pl.String(),
    "date": pl.Date(),
    "client": pl.String(),
    "lines_before": pl.Int64(),
    "total_before": MONEY,
    "lines_after": pl.Int64(),
    "total_after": MONEY,
    # The rejected rows that hold a document back: its own, and those that may be its lines.
    "held_by": pl.List(pl.Int64()),
    # Where the document starts in the file, to list documents in the file's order.
    FIRST_ROW: pl.Int64(),
}
PRODUCT_SCHEMA: dict[str, pl.DataType] = {"sku": pl.String(), "name": pl.String()}
# Those that need a person's eye first.
_OUTCOME_ORDER = {
    DocumentOutcome.HELD_BACK: 0,
    DocumentOutcome.REPLACED: 1,
    DocumentOutcome.CREATED: 2,
}


class DocumentJSON(TypedDict):
    outcome: str
    number: str
    date: str | None
    client: str
    lines_before: int | None
    total_before: str | None
    lines_after: int | None
    total_after: str | None
    held_by: list[int]


class ProductJSON(TypedDict):
    sku: str
    name: str


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentChange:
    """One document of a run's summary, as pages and the command show it."""

    outcome: DocumentOutcome
    number: str
    date: dt.date | None
    client: str
    lines_before: int | None
    total_before: Decimal | None
    lines_after: int | None
    total_after: Decimal | None
    held_by: tuple[int, ...]

    @classmethod
    def from_json(cls, stored: DocumentJSON) -> "DocumentChange":
        def money(value: str | None) -> Decimal | None:
            return None if value is None else Decimal(value)

        return cls(
            outcome=DocumentOutcome(stored["outcome"]),
            number=stored["number"],
            date=dt.date.fromisoformat(stored["date"]) if stored["date"] else None,
            client=stored["client"],
            lines_before=stored["lines_before"],
            total_before=money(stored["total_before"]),
            lines_after=stored["lines_after"],
            total_after=money(stored["total_after"]),
            held_by=tuple(stored["held_by"]),
        )


class Changes:
    """The documents and products one import changed, gathered as the importer writes."""

    def __init__(self) -> None:
        self._documents: list[pl.DataFrame] = []
        self._products: list[pl.DataFrame] = []

    def documents_add(self, frame: pl.DataFrame, *, outcome: DocumentOutcome) -> None:
        """Documents of one outcome: ``frame`` has the columns of DOCUMENT_SCHEMA but the
        outcome, those it lacks being unknown (a created document has no "before")."""
        if frame.height:
            self._documents.append(
                frame.with_columns(pl.lit(outcome.value).alias("outcome")).select(
                    (
                        pl.col(name).cast(dtype)
                        if name in frame.columns or name == "outcome"
                        else pl.lit(None, dtype)
                    ).alias(name)
                    for name, dtype in DOCUMENT_SCHEMA.items()
                )
            )

    def products_add(self, frame: pl.DataFrame) -> None:
        """Products created: ``sku`` and ``name``."""
        if frame.height:
            self._products.append(frame.select(list(PRODUCT_SCHEMA)))

    def documents(self) -> pl.DataFrame:
        """Every document: held back first, then replaced, then created; each in file order."""
        if not self._documents:
            return pl.DataFrame(schema=DOCUMENT_SCHEMA)
        return pl.concat(self._documents).sort(
            pl.col("outcome").replace_strict(_OUTCOME_ORDER, return_dtype=pl.Int8),
            FIRST_ROW,
            "number",
        )

    def products(self) -> pl.DataFrame:
        if not self._products:
            return pl.DataFrame(schema=PRODUCT_SCHEMA)
        return pl.concat(self._products).sort("sku")


def documents_as_json(frame: pl.DataFrame) -> list[DocumentJSON]:
    def money(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return [
        {
            "outcome": row["outcome"],
            "number": row["number"],
            "date": row["date"].isoformat() if row["date"] else None,
            "client": row["client"],
            "lines_before": row["lines_before"],
            "total_before": money(row["total_before"]),
            "lines_after": row["lines_after"],
            "total_after": money(row["total_after"]),
            "held_by": row["held_by"] or [],
        }
        for row in frame.iter_rows(named=True)
    ]


def products_as_json(frame: pl.DataFrame) -> list[ProductJSON]:
    return [
        {"sku": sku, "name": name} for sku, name in frame.select(list(PRODUCT_SCHEMA)).iter_rows()
    ]


def document_changes(frame: pl.DataFrame) -> list[DocumentChange]:
    return [DocumentChange.from_json(stored) for stored in documents_as_json(frame)]
