"""Payments: money received from clients (and refunds, negative), with the date it was due.

The files carry no id of a payment, so its identity is derived: a digest of the client, the
date, the amount, the due date, the document number and which of the file's identical rows
it is (two equal payments on one day are two payments). The same file imported again finds
every key stored and changes nothing. Payments name clients that must already be known.
"""

import hashlib

import polars as pl
from django.utils.translation import gettext as _

from upsell.core.bulk import rows_insert, rows_where_in
from upsell.imports.formats.readers import ROW
from upsell.imports.formats.values import (
    date_parse,
    money_column_parse,
    tax_id_parse,
)
from upsell.imports.importers.base import Importer, parsed_by_value, parsed_in_place
from upsell.imports.importers.references import (
    CANDIDATES,
    KPP_ADDED,
    SHARED_TAX_ID,
    client_ambiguity_message,
    clients_find,
)
from upsell.imports.models import ImportKind
from upsell.payments.models import Payment

_IDENTITY = ("client_id", "date", "amount", "due_date", "number")


class PaymentsImporter(Importer):
    kind = ImportKind.PAYMENTS
    text_limits = {"number": 64, "client": 300}
    totals_fields = {"amount": 2}

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self.cleaned(frame)
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.String).alias(name)
            for name in ("number", "tax_id", "due_date")
            if not self.columns.has(name)
        )
        frame = parsed_by_value(frame, "date", date_parse)
        frame = parsed_by_value(frame, "due_date", date_parse)
        frame = parsed_by_value(frame, "tax_id", tax_id_parse)
        frame = parsed_in_place(frame, "amount", money_column_parse)
        for name in ("date", "due_date", "tax_id", "amount"):
            if self.columns.has(name):
                self.problems.add_parsed(frame, name)
        self.problems.add(
            frame,
            where=pl.col("amount") == 0,
            field="amount",
            message=_("a payment of zero is no payment"),
        )
        return frame.select(ROW, "date", "number", "client", "tax_id", "amount", "due_date")

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        clients = clients_find(frame.select("client", "tax_id"))
        frame = frame.join(
            clients, on=["client", "tax_id"], how="left", nulls_equal=True, maintain_order="left"
        )
        self.problems.add(
            frame,
            where=pl.col(CANDIDATES) > 1,
            field="client",
            message=client_ambiguity_message(),
        )
        self.problems.add(
            frame,
            where=pl.col("client").is_not_null() & (pl.col(CANDIDATES) == 0),
            field="client",
            message=_("no such client: import it with the clients or shipments file first"),
        )
        return frame.drop(CANDIDATES, SHARED_TAX_ID, KPP_ADDED)

    def write(self, frame: pl.DataFrame) -> None:
        frame = frame.with_columns(
            pl.col("number").fill_null(""),
            pl.int_range(pl.len(), dtype=pl.Int64).over(_IDENTITY).alias("occurrence"),
        )
        identity = frame.select(
            pl.concat_str(
                pl.col("client_id").cast(pl.String),
                pl.col("date").cast(pl.String),
                "amount",
                pl.col("due_date").cast(pl.String).fill_null(""),
                "number",
                pl.col("occurrence").cast(pl.String),
                separator="|",
            )
        ).to_series()
        frame = frame.with_columns(
            pl.Series(
                "natural_key",
                [hashlib.sha256(text.encode()).hexdigest() for text in identity],
                dtype=pl.String,
            )
        )
        stored = rows_where_in(
            model=Payment,
            lookup="natural_key",
            values=frame.get_column("natural_key").to_list(),
            fields=("natural_key",),
            schema={"natural_key": pl.String},
        )
        new = frame.join(stored, on="natural_key", how="anti", maintain_order="left")
        rows_insert(
            model=Payment,
            frame=new.select(
                "date",
                "client_id",
                "amount",
                "due_date",
                "number",
                "natural_key",
            ),
        )
        self.context.progress(frame.height, frame.height)
        self.counts.add("payments", created=new.height, unchanged=frame.height - new.height)
