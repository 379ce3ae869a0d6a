"""Shipments: the document lines of sales (реализации) and returns, as 1C exports them.

A document is identified by (Номер, Дата); its lines are the rows with that pair, in file
order. A document seen before is left alone when its content hash is the same, replaced
(lines deleted and inserted again) when it differs. Clients and managers the file names but
the database does not know yet are created; a new client is given the manager of its latest
document. Clients that exist are not changed here: the clients file owns them. A product code
the catalogue lacks is an error, unless the import is asked to create missing products.

Keeping the valid rows, a document is written whole or held back whole: held back when one of
its lines is rejected, or when a rejected row whose number or date cannot be read may be one
of its lines (see ``documents_held``: the parts it states are its number, its date and its
client's name; an ИНН missing or mistyped on one line does not make it another client's).

This is the file that runs to millions of rows, so every column is factorised (see Factor):
texts are cleaned, parsed, checked and looked up once per distinct value, and the rows carry
integer keys through the grouping and joining.
"""

from decimal import Decimal

import numpy as np
import polars as pl
from django.db import connection
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.models import HandOverRule
from upsell.core.bulk import bulk_load, ids_reserve, query_frame, rows_insert, rows_update
from upsell.core.digests import SEEDS, digests_hex, mix, rows_chained
from upsell.core.money import MONEY_LIMIT
from upsell.imports.changes import FIRST_ROW, MONEY
from upsell.imports.formats.readers import ROW
from upsell.imports.formats.values import (
    PROBLEM,
    VALUE,
    date_parse,
    money_column_parse,
    quantity_column_parse,
    quoted,
    tax_id_parse,
)
from upsell.imports.importers.base import (
    MAYBE_ROWS,
    MESSAGE,
    OWN_ROWS,
    TEXT,
    Factor,
    Importer,
    Parser,
    documents_held,
    held_back_reasons,
)
from upsell.imports.importers.references import (
    CANDIDATES,
    SHARED_TAX_ID,
    client_ambiguity_message,
    clients_create,
    clients_find,
    managers_complete,
    managers_find,
    products_create,
    products_find,
)
from upsell.imports.models import DocumentOutcome, ImportKind
from upsell.portfolios.services import NewClient, clients_hand_over
from upsell.shipments.models import Shipment, ShipmentLine

_TEXTS = ("number", "client", "manager", "sku", "product")
_PARSED: dict[str, Parser] = {
    "date": date_parse,
    "tax_id": tax_id_parse,
    "quantity": quantity_column_parse,
    "price": money_column_parse,
    "amount": money_column_parse,
}
_LIMITS = {"number": 64, "client": 300, "manager": 200, "sku": 64, "product": 300}
# A document key packs the number's key and the date's day; a client key, the name's key and
# the ИНН's (NO_TAX_ID without one).
_DAY_SPAN = 1 << 20
_DAY_OFFSET = 1 << 19
NO_TAX_ID = (1 << 32) - 1


class ShipmentsImporter(Importer):
    kind = ImportKind.SHIPMENTS
    text_limits = _LIMITS
    totals_fields = {"quantity": 3, "amount": 2}

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        present = [name for name in (*_TEXTS, *_PARSED) if self.columns.has(name)]
        self.factors = Factor.of_columns(frame, present) | {
            name: Factor.empty(frame.height) for name in (*_TEXTS, *_PARSED) if name not in present
        }
        for name, parser in _PARSED.items():
            self.factors[name].parse(parser)
        rows = pl.DataFrame({ROW: frame.get_column(ROW)}).with_columns(
            self.factors[name].keys.alias(f"{name}_key") for name in self.factors
        )
        self._values_check(rows)
        days = self.factors["date"].take(VALUE).cast(pl.Int32).cast(pl.Int64)
        tax_keys = self.factors["tax_id"].keys.cast(pl.Int64).fill_null(NO_TAX_ID)
        rows = rows.with_columns(
            self.factors["date"].take(VALUE).alias("date"),
            self.factors["quantity"].take(VALUE).alias("quantity"),
            self.factors["amount"].take(VALUE).alias("amount"),
            self.factors["price"].take(VALUE).alias("price"),
            (pl.col("number_key").cast(pl.Int64) * _DAY_SPAN + days + _DAY_OFFSET).alias("doc"),
            (pl.col("client_key").cast(pl.Int64) * (1 << 32) + tax_keys).alias("client_pair"),
        )
        self._lines_check(rows)
        self._documents_check(rows)
        # Without a price, the line's own average is its price: |amount| / |quantity|.
        quantity, amount = pl.col("quantity"), pl.col("amount")
        derived = (
            pl.when(quantity != 0)
            .then((amount.abs() / quantity.abs()).round(2))
            .otherwise(pl.lit(0))
            .cast(pl.Decimal(38, 2))
        )
        price = pl.col("price").cast(pl.Decimal(38, 2))
        # Dividing a million decimals is worth it only when some line lacks its price.
        if rows.get_column("price").null_count():
            price = pl.coalesce(price, derived)
        rows = rows.with_columns(price.alias("price"))
        self.problems.add(
            rows,
            where=pl.col("price") >= float(MONEY_LIMIT),
            field="amount",
            message=_("the price this amount and quantity make is too large"),
        )
        return rows

    def _values_check(self, rows: pl.DataFrame) -> None:
        """Required values present, texts within their lengths, every value parsed."""
        for name in ("number", "client", "sku", "date", "quantity", "amount"):
            self.problems.add(
                rows,
                where=pl.col(f"{name}_key").is_null(),
                field=name,
                message=_("a value is required"),
            )
        for name, limit in _LIMITS.items():
            too_long = self.factors[name].values.select(pl.col(TEXT).str.len_chars() > limit)
            self._values_problems(
                rows,
                name,
                too_long.to_series(),
                _("longer than {limit} characters").format(limit=limit),
            )
        for name in _PARSED:
            factor = self.factors[name]
            self._values_problems(
                rows, name, factor.values.get_column(PROBLEM).is_not_null(), pl.col(PROBLEM)
            )

    def _values_problems(
        self, rows: pl.DataFrame, name: str, bad: pl.Series, message: pl.Expr | str
    ) -> None:
        """A problem on every row whose value of ``name`` is one of the ``bad`` ones."""
        if not self.columns.has(name) or not bad.any():
            return
        values = self.factors[name].values.with_row_index("_key").filter(bad)
        messages = (pl.lit(message) if isinstance(message, str) else message).alias(MESSAGE)
        found = (
            rows.select(ROW, pl.col(f"{name}_key").alias("_key"))
            .join(values.select(pl.col("_key").cast(pl.UInt32), messages), on="_key")
            .sort(ROW)
        )
        self.problems.add_rows(found, field=name)

    def _lines_check(self, rows: pl.DataFrame) -> None:
        quantity, amount = pl.col("quantity"), pl.col("amount")
        self.problems.add(
            rows,
            where=((quantity > 0) & (amount < 0)) | ((quantity < 0) & (amount > 0)),
            field="amount",
            message=_(
                "its sign differs from that of {quantity}: a return has both negative"
            ).format(quantity=self.columns.header("quantity")),
        )
        if self.columns.has("price"):
            self.problems.add(
                rows,
                where=pl.col("price") < 0,
                field="price",
                message=_("a price cannot be negative"),
            )

    def _documents_check(self, rows: pl.DataFrame) -> None:
        """Every line of a document names the same client and the same manager."""
        documents = (
            rows.filter(pl.col("doc").is_not_null())
            .group_by("doc")
            .agg(
                pl.col("client_pair").n_unique().alias("clients"),
                pl.col("manager_key").n_unique().alias("managers"),
                pl.col("client_pair").first().alias("first_client"),
                pl.col("manager_key").first().alias("first_manager"),
                pl.col("client_key").first().alias("first_client_key"),
                pl.col(ROW).first().alias("first_row"),
            )
            .filter((pl.col("clients") > 1) | (pl.col("managers") > 1))
        )
        if documents.height == 0:
            return
        involved = rows.join(documents, on="doc", how="inner").sort(ROW)
        names = self.factors["client"].values.get_column(TEXT)
        first_names = names.gather(involved.get_column("first_client_key")).fill_null("—")
        involved = involved.with_columns(first_names.alias("first_name"))
        self.problems.add(
            involved,
            where=pl.col("client_pair") != pl.col("first_client"),
            field="client",
            message=pl.format(
                _("the document's row {} names another client: {}"),
                pl.col("first_row"),
                quoted(pl.col("first_name")),
            ),
        )
        managers = self.factors["manager"].values.get_column(TEXT)
        involved = involved.with_columns(
            managers.gather(involved.get_column("first_manager")).fill_null("—").alias("first_mgr")
        )
        self.problems.add(
            involved,
            where=pl.col("manager_key").ne_missing(pl.col("first_manager")),
            field="manager",
            message=pl.format(
                _("the document's row {} names another manager: {}"),
                pl.col("first_row"),
                quoted(pl.col("first_mgr")),
            ),
        )

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        managers = self.factors["manager"]
        found = managers_find(managers.values.get_column(TEXT))
        managers.values = managers.values.join(
            found, left_on=TEXT, right_on="manager", how="left", maintain_order="left"
        )
        self._values_problems(
            frame,
            "manager",
            managers.values.get_column(CANDIDATES) > 1,
            pl.format(
                _("{} users have this full name: give each a distinct one in the staff file"),
                pl.col(CANDIDATES),
            ),
        )
        products = self.factors["sku"]
        products.values = products.values.join(
            products_find(products.values.get_column(TEXT)),
            left_on=TEXT,
            right_on="sku",
            how="left",
            maintain_order="left",
        )
        frame = frame.with_columns(
            managers.take("manager_id", frame.get_column("manager_key")).alias("manager_id"),
            products.take("product_id", frame.get_column("sku_key")).alias("product_id"),
        )
        if not self.context.create_products:
            self._values_problems(
                frame,
                "sku",
                products.values.get_column("product_id").is_null(),
                pl.format(
                    _("no product has the code {}: import it with the products file first"),
                    quoted(pl.col(TEXT)),
                ),
            )
        return self._clients_resolve(frame)

    def _clients_resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Each (name, ИНН) pair of the file: its stored client, if one matches."""
        pairs = (
            frame.filter(pl.col("client_key").is_not_null())
            .select("client_pair", "client_key", "tax_id_key")
            .unique("client_pair")
        )
        names = self.factors["client"].values.get_column(TEXT)
        tax_ids = self.factors["tax_id"].values.get_column(VALUE)
        pairs = pairs.with_columns(
            names.gather(pairs.get_column("client_key")).alias("client"),
            tax_ids.gather(pairs.get_column("tax_id_key")).alias("tax_id"),
        )
        pairs = pairs.join(
            clients_find(pairs.select("client", "tax_id")),
            on=["client", "tax_id"],
            how="left",
            nulls_equal=True,
        )
        self.pairs = pairs
        frame = frame.join(
            pairs.select("client_pair", "client_id", CANDIDATES, SHARED_TAX_ID),
            on="client_pair",
            how="left",
            maintain_order="left",
        )
        self.problems.add(
            frame,
            where=pl.col(CANDIDATES) > 1,
            field="client",
            message=client_ambiguity_message(),
        )
        return frame.drop(CANDIDATES, SHARED_TAX_ID)

    def rejected_with(self, frame: pl.DataFrame, rejected: pl.Series) -> pl.DataFrame:
        """The lines of the documents held back (see the module's docstring); they are listed
        in the summary with the rows that held them."""
        if rejected.is_empty():
            return pl.DataFrame(schema={ROW: pl.Int64, MESSAGE: pl.String})
        held = documents_held(
            frame, rejected=rejected, key="doc", number="number_key", parts=("date", "client_key")
        )
        self._held_record(frame, held)
        return held_back_reasons(
            frame,
            rejected=rejected,
            held=held,
            key="doc",
            own=_("another line of this document is rejected (rows {})"),
            maybe=_("rejected rows {} may be lines of this document: it is held back whole"),
        )

    def _held_record(self, frame: pl.DataFrame, held: pl.DataFrame) -> None:
        """The documents held back, for the summary: each with its stored lines and total,
        which stay as they were."""
        documents = (
            frame.join(held, on="doc", how="inner")
            .group_by("doc")
            .agg(
                pl.col("number_key").first(),
                pl.col("date").first(),
                pl.col("client_key").drop_nulls().first(),
                pl.col(ROW).min().alias(FIRST_ROW),
                pl.concat_list(pl.col(OWN_ROWS).first(), pl.col(MAYBE_ROWS).first())
                .list.sort()
                .alias("held_by"),
            )
        )
        documents = self._named(documents)
        stored = self._stored_documents(documents)
        documents = documents.join(stored, on=["number", "date"], how="left")
        self.changes.documents_add(
            documents.with_columns(
                pl.col("stored_lines").alias("lines_before"),
                pl.col("stored_total").alias("total_before"),
                pl.col("stored_lines").alias("lines_after"),
                pl.col("stored_total").alias("total_after"),
            ),
            outcome=DocumentOutcome.HELD_BACK,
        )

    def _named(self, documents: pl.DataFrame) -> pl.DataFrame:
        """``documents`` with the ``number`` and the ``client`` as the file writes them."""
        numbers = self.factors["number"].values.get_column(TEXT)
        clients = self.factors["client"].values.get_column(TEXT)
        return documents.with_columns(
            numbers.gather(documents.get_column("number_key")).alias("number"),
            clients.gather(documents.get_column("client_key")).alias("client"),
        )

    def write(self, frame: pl.DataFrame) -> None:
        frame = self._managers_complete(frame)
        frame = self._clients_complete(frame)
        frame = self._products_complete(frame)
        self._documents_write(frame)

    def _managers_complete(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Give every manager the written rows name but no user matched an account."""
        managers = self.factors["manager"]
        used = frame.get_column("manager_key").drop_nulls().unique().implode()
        values = managers.values.with_row_index("manager_key")
        named = values.filter(pl.col("manager_key").is_in(used))
        completed = managers_complete(
            named.select("manager_key", pl.col(TEXT).alias("manager"), "manager_id"), self.counts
        )
        managers.values = (
            values.join(
                completed.select("manager_key", pl.col("manager_id").alias("completed_id")),
                on="manager_key",
                how="left",
                maintain_order="left",
            )
            .with_columns(pl.coalesce("manager_id", "completed_id").alias("manager_id"))
            .drop("manager_key", "completed_id")
        )
        keys = frame.get_column("manager_key")
        return frame.with_columns(managers.take("manager_id", keys).alias("manager_id"))

    def _clients_complete(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Create the clients no stored one matched: one per ИНН, or per name without one,
        with the name and manager of its latest document."""
        latest = (
            frame.filter(pl.col("client_id").is_null())
            .sort("date", ROW)
            .group_by("client_pair")
            .agg(pl.col("date").last(), pl.col(ROW).last(), pl.col("manager_id").last())
        )
        new_pairs = self.pairs.join(latest, on="client_pair", how="inner").with_columns(
            pl.coalesce(pl.col("tax_id"), pl.lit("name:") + pl.col("client")).alias("identity")
        )
        new = (
            new_pairs.sort("date", ROW)
            .group_by("identity")
            .agg(
                pl.col("client").last().alias("name"),
                pl.col("tax_id").last().fill_null(""),
                pl.col("manager_id").last(),
            )
            .sort("identity")
        )
        created = clients_create(new.drop("identity", "manager_id")).with_columns(
            new.get_column("identity"), new.get_column("manager_id")
        )
        self._new_clients_hand_over(created)
        known = frame.get_column("client_id").drop_nulls().n_unique()
        self.counts.add("clients", created=created.height, unchanged=known)
        new_ids = new_pairs.join(
            created.select("identity", pl.col("id").alias("new_client_id")), on="identity"
        ).select("client_pair", "new_client_id")
        return (
            frame.join(new_ids, on="client_pair", how="left", maintain_order="left")
            .with_columns(pl.coalesce("client_id", "new_client_id").alias("client_id"))
            .drop("new_client_id")
        )

    def _new_clients_hand_over(self, created: pl.DataFrame) -> None:
        """A new client goes to the manager of its latest document when that person is an
        active manager; else nobody serves it until the head of sales decides."""
        named = created.filter(pl.col("manager_id").is_not_null())
        managers = User.objects.filter(
            pk__in=named.get_column("manager_id").unique().to_list(),
            role=Role.MANAGER,
            is_active=True,
        ).in_bulk()
        clients_hand_over(
            new=[
                NewClient(client_id=client_id, name=name, manager=managers[manager_id])
                for client_id, name, manager_id in named.select(
                    "id", "name", "manager_id"
                ).iter_rows()
                if manager_id in managers
            ],
            rule=HandOverRule.IMPORT,
            reason=_("Imported from {file}").format(file=self.context.file_name),
            by=self.context.imported_by,
        )

    def _products_complete(self, frame: pl.DataFrame) -> pl.DataFrame:
        products = self.factors["sku"]
        names = self.factors["product"].values.get_column(TEXT)
        used = frame.group_by("sku_key").agg(pl.col("product_key").drop_nulls().first())
        values = products.values.with_row_index("sku_key").join(
            used, on="sku_key", how="inner", maintain_order="left"
        )
        missing = values.filter(pl.col("product_id").is_null())
        new = missing.select(
            pl.col(TEXT).alias("sku"),
            pl.coalesce(names.gather(missing.get_column("product_key")), pl.col(TEXT)).alias(
                "name"
            ),
        )
        created = products_create(new)
        self.changes.products_add(created)
        self.counts.add(
            "products", created=created.height, unchanged=values.height - created.height
        )
        products.values = (
            products.values.join(
                created.select(pl.col("sku").alias(TEXT), pl.col("id").alias("new_product_id")),
                on=TEXT,
                how="left",
                maintain_order="left",
            )
            .with_columns(pl.coalesce("product_id", "new_product_id").alias("product_id"))
            .drop("new_product_id")
        )
        keys = frame.get_column("sku_key")
        return frame.with_columns(products.take("product_id", keys).alias("product_id"))

    def _documents_write(self, frame: pl.DataFrame) -> None:
        total_rows = frame.height
        order = frame.select("doc").unique(maintain_order=True).with_row_index("doc_index")
        # The lines sorted by document: a line's number counts from its document's first
        # line, found where the document changes, without grouping a million rows again.
        position = pl.int_range(pl.len(), dtype=pl.Int64)
        first = pl.col("doc_index").ne_missing(pl.col("doc_index").shift())
        lines = (
            frame.join(order, on="doc", how="left", maintain_order="left")
            .sort("doc_index", ROW)
            .with_columns(
                (position - pl.when(first).then(position).forward_fill() + 1).alias("line_no")
            )
        )
        documents = lines.group_by("doc_index", maintain_order=True).agg(
            pl.col("number_key").first(),
            pl.col("date").first(),
            pl.col("client_id").first(),
            pl.col("manager_id").first(),
            pl.col("amount").sum().alias("total"),
            pl.len().cast(pl.Int64).alias("line_count"),
            pl.col("client_key").first(),
            pl.col(ROW).first().alias(FIRST_ROW),
        )
        documents = self._named(documents).with_columns(
            _content_hashes(lines, documents).alias("content_hash")
        )
        stored = self._stored_documents(documents)
        documents = documents.join(stored, on=["number", "date"], how="left", maintain_order="left")
        is_new = pl.col("id").is_null()
        is_changed = ~is_new & (pl.col("content_hash") != pl.col("stored_hash"))
        new = documents.filter(is_new).drop("id")
        new = new.with_columns(ids_reserve(model=Shipment, count=new.height))
        changed = documents.filter(is_changed)
        unchanged_lines = int(
            documents.filter(~is_new & ~is_changed).get_column("line_count").sum()
        )
        done = unchanged_lines
        self.context.progress(done, total_rows)

        shipment_columns = (
            "id", "number", "date", "client_id", "manager_id",
            "total", "line_count", "content_hash",
        )  # fmt: skip
        money = pl.col("total").cast(pl.Decimal(16, 2))
        rows_update(
            model=Shipment,
            frame=changed.select(
                *[c for c in shipment_columns if c not in ("number", "date")]
            ).with_columns(money),
        )
        replaced = changed.get_column("id").to_list()
        for start in range(0, len(replaced), 10_000):
            ShipmentLine.objects.filter(shipment_id__in=replaced[start : start + 10_000]).delete()

        written = pl.concat([new.select("doc_index", "id"), changed.select("doc_index", "id")])
        to_insert = lines.join(written, on="doc_index", how="inner", maintain_order="left").select(
            pl.col("id").alias("shipment_id"),
            "line_no",
            "product_id",
            pl.col("quantity").cast(pl.Decimal(15, 3)),
            pl.col("price").cast(pl.Decimal(16, 2)),
            pl.col("amount").cast(pl.Decimal(16, 2)),
        )

        def advance(rows: int) -> None:
            nonlocal done
            done += rows
            self.context.progress(done, total_rows)

        with (
            bulk_load(model=Shipment, rows=new.height),
            bulk_load(model=ShipmentLine, rows=to_insert.height),
        ):
            rows_insert(model=Shipment, frame=new.select(*shipment_columns).with_columns(money))
            # Only imports write lines: locking the table for their ids keeps nobody waiting.
            rows_insert(model=ShipmentLine, frame=to_insert, progress=advance, ids_reserved=True)
        self.changes.documents_add(
            new.with_columns(
                pl.col("line_count").alias("lines_after"), pl.col("total").alias("total_after")
            ),
            outcome=DocumentOutcome.CREATED,
        )
        self.changes.documents_add(
            changed.with_columns(
                pl.col("stored_lines").alias("lines_before"),
                pl.col("stored_total").alias("total_before"),
                pl.col("line_count").alias("lines_after"),
                pl.col("total").alias("total_after"),
            ),
            outcome=DocumentOutcome.REPLACED,
        )
        self.counts.add(
            "shipments",
            created=new.height,
            updated=changed.height,
            unchanged=documents.height - new.height - changed.height,
        )
        self.counts.add(
            "shipment_lines",
            created=int(new.get_column("line_count").sum()),
            updated=int(changed.get_column("line_count").sum()),
            unchanged=unchanged_lines,
        )

    def _stored_documents(self, documents: pl.DataFrame) -> pl.DataFrame:
        """The stored documents dated within ``documents``' dates: id, number, date, hash,
        and the lines and total they have."""
        schema = {
            "id": pl.Int64,
            "number": pl.String,
            "date": pl.Date,
            "stored_hash": pl.String,
            "stored_lines": pl.Int64,
            "stored_kopecks": pl.Int64,
        }
        dates = documents.get_column("date").drop_nulls()
        if dates.is_empty():
            stored = pl.DataFrame(schema=schema)
        else:
            table = connection.ops.quote_name(Shipment._meta.db_table)
            # The total in whole kopecks: SQLite keeps a decimal column as a float.
            stored = query_frame(
                "SELECT id, number, date, content_hash, line_count, "  # noqa: S608
                f"CAST(ROUND(total * 100) AS BIGINT) FROM {table} WHERE date BETWEEN %s AND %s",
                [dates.min(), dates.max()],
                schema=schema,
            )
        return stored.with_columns(
            (pl.col("stored_kopecks").cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.01")))
            .cast(MONEY)
            .alias("stored_total")
        ).drop("stored_kopecks")


def _content_hashes(lines: pl.DataFrame, documents: pl.DataFrame) -> pl.Series:
    """A 128-bit digest per document of its client, manager and lines (product, quantity,
    price, amount, each at its line number), so that a re-import tells an unchanged document
    from a corrected one without reading its lines back.

    Computed a million lines at a time with numpy: each line's fields are chained through
    SplitMix64, the lines of a document summed in two differently mixed lanes (order counts
    through the line number), and each sum mixed with the client, manager and line count.
    Not cryptographic, and needing not be: it only compares a document with its own earlier
    version.
    """
    with np.errstate(over="ignore"):
        fields = [
            lines.get_column("line_no").to_numpy().astype(np.uint64),
            lines.get_column("product_id").to_numpy().astype(np.uint64),
            *(
                lines.select((pl.col(name) * 10**places).cast(pl.Int64))
                .to_series()
                .to_numpy()
                .astype(np.uint64)
                for name, places in (("quantity", 3), ("price", 2), ("amount", 2))
            ),
        ]
        header = [
            documents.get_column(name).fill_null(-1).to_numpy().astype(np.uint64)
            for name in ("client_id", "manager_id", "line_count")
        ]
        starts = np.concatenate(
            ([0], np.cumsum(documents.get_column("line_count").to_numpy())[:-1])
        ).astype(np.int64)
        line = rows_chained(fields, seed=SEEDS[0])
        lanes = []
        for per_line in (line, mix(line ^ np.uint64(SEEDS[1]))):
            document = np.add.reduceat(per_line, starts) if lines.height else per_line
            for field in header:
                document = mix(document ^ field)
            lanes.append(document)
    return pl.Series(digests_hex(lanes), dtype=pl.Binary).cast(pl.String)
