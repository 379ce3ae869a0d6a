"""Customer orders: each row one line of a client's order, the rows of one order one request.

An order is identified by the client's own order number (Номер заявки) and the client, named by
its ИНН or its exact name as the other files name it; clients must be known already, and so
must products, unless the import is asked to create missing products. Every line is held to
the rule of a request's line on the screen and over the API (``request_line_problems``), and
every request is taken by the same use-case as one typed on the screen or sent over the API
(``order_request_create``), one call per order, so it is routed at once with its reason and its
assignee is told.

An order taken before, by an earlier file or over the API, is left as it is: the same file
imported again creates nothing. An order whose lines differ from the request it became is an
error, not a silent change: that request is in somebody's hands already.

Keeping the valid rows, an order is taken whole or held back whole: held back when one of its
lines is rejected, or when a rejected row whose number or client cannot be read may be one of
its lines (see ``documents_held``: the parts it states are its number, its date and its
client).
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from upsell.clients.models import Client
from upsell.core.money import MONEY_LIMIT
from upsell.imports.changes import FIRST_ROW, MONEY
from upsell.imports.formats.readers import ROW
from upsell.imports.formats.values import (
    date_parse,
    decimal_parse,
    integer_parse,
    money_column_parse,
    quantity_column_parse,
    quoted,
    tax_id_parse,
)
from upsell.imports.importers.base import (
    COLUMN,
    MAYBE_ROWS,
    MESSAGE,
    OWN_ROWS,
    Importer,
    document_lines_maybe,
    documents_held,
    held_back_reasons,
    parsed_by_value,
    parsed_in_place,
)
from upsell.imports.importers.references import (
    CANDIDATES,
    client_named_check,
    clients_resolve,
    products_create,
    products_find,
)
from upsell.imports.models import DocumentOutcome, ImportKind
from upsell.requests.access import can_create_requests, clients_for_requests
from upsell.requests.lines import RequestLineDetails, request_line_problems_by_field
from upsell.requests.models import OrderRequest, OrderRequestLine, RequestSource
from upsell.requests.services import RequestDetails, order_request_create

_OPTIONAL = ("client", "tax_id", "product", "discount_percent", "payment_delay_days", "comment")
_ORDER = ("number", "client_id")
# An order's key in one column: null where its number or its client cannot be read.
_DOCUMENT = "_document"
# Besides its number, the parts of an order a row states.
_PARTS = ("date", "client_id")
# The column of each field of a request's line (a line's amount is its price's doing).
_LINE_COLUMNS = {
    "product_code": "sku",
    "product_name": "product",
    "quantity": "quantity",
    "price": "price",
    "discount_percent": "discount_percent",
    "amount": "price",
}


class OrdersImporter(Importer):
    kind = ImportKind.ORDERS
    text_limits = {"number": 64, "client": 300, "sku": 64, "product": 300, "comment": 2000}

    def refusal(self) -> str:
        user = self.context.imported_by
        if user is None or can_create_requests(user):
            return ""
        return _(
            "your role does not take requests: the head of sales, a manager or an assistant "
            "imports customer orders"
        )

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self.cleaned(frame)
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.String).alias(name)
            for name in _OPTIONAL
            if not self.columns.has(name)
        )
        frame = parsed_by_value(frame, "date", date_parse)
        frame = parsed_by_value(frame, "tax_id", tax_id_parse)
        frame = parsed_in_place(frame, "quantity", quantity_column_parse)
        frame = parsed_in_place(frame, "price", money_column_parse)
        frame = parsed_by_value(
            frame, "discount_percent", partial(decimal_parse, places=2, max_digits=5)
        )
        frame = parsed_by_value(
            frame,
            "payment_delay_days",
            partial(
                integer_parse, low=0, high=3650, problem=_("not a number of days: {} (write 30)")
            ),
        )
        for name in (
            "date",
            "tax_id",
            "quantity",
            "price",
            "discount_percent",
            "payment_delay_days",
        ):
            if self.columns.has(name):
                self.problems.add_parsed(frame, name)
        client_named_check(frame, problems=self.problems, columns=self.columns)
        frame = self._lines_check(frame)
        return frame.select(
            ROW,
            "number",
            "date",
            "client",
            "tax_id",
            "sku",
            "product",
            "quantity",
            "price",
            "discount_percent",
            "payment_delay_days",
            "comment",
            "amount",
        )

    def _lines_check(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Every line held to the rule of a request's line on the screen and over the API, in
        its Decimal arithmetic; ``frame`` with the ``amount`` of each line the rule takes.

        One Decimal check per row is cheap for a file of orders (a week's, not a history's). A
        cell the parsing or the required check faulted already is not faulted again.
        """
        faulted = set(self.problems.frame().select(ROW, COLUMN).iter_rows())
        amounts: list[Decimal | None] = []
        for row, sku, product, quantity, price, discount, discount_problem in frame.select(
            ROW, "sku", "product", "quantity", "price", "discount_percent",
            "discount_percent__problem",
        ).iter_rows():  # fmt: skip
            if quantity is None or price is None or discount_problem is not None:
                amounts.append(None)
                continue
            line = RequestLineDetails(
                product_code=sku or "",
                product_name=product or "",
                quantity=quantity,
                price=price,
                discount_percent=Decimal(0) if discount is None else discount,
            )
            problems = request_line_problems_by_field(line)
            amounts.append(None if problems else line.amount)
            for problem in problems:
                name = _LINE_COLUMNS[problem.field]
                has = self.columns.has(name)
                column = self.columns.header(name) if has else ""
                if (row, column) in faulted:
                    continue
                self.problems.add_one(
                    row=row,
                    position=self.columns.position(name) if has else -1,
                    column=column,
                    # The rule's sentences end with a full stop; a file's problems do not.
                    message=problem.message.removesuffix("."),
                )
        return frame.with_columns(pl.Series("amount", amounts, dtype=MONEY))

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self._clients_resolve(frame)
        frame = frame.join(
            products_find(frame.get_column("sku")), on="sku", how="left", maintain_order="left"
        )
        if not self.context.create_products:
            self.problems.add(
                frame,
                where=pl.col("sku").is_not_null() & pl.col("product_id").is_null(),
                field="sku",
                message=pl.format(
                    _("no product has the code {}: import it with the products file first"),
                    quoted(pl.col("sku")),
                ),
            )
        frame = frame.with_columns(
            pl.concat_str(
                pl.col("number"), pl.col("client_id").cast(pl.String), separator="\x1f"
            ).alias(_DOCUMENT)
        )
        self._orders_check(frame)
        return self._taken_check(frame)

    def _clients_resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        field = "client" if self.columns.has("client") else "tax_id"
        frame = clients_resolve(
            frame,
            problems=self.problems,
            field=field,
            missing=_("no such client: import it with the clients or shipments file first"),
        )
        user = self.context.imported_by
        if user is not None:
            ids = frame.get_column("client_id").drop_nulls().unique().to_list()
            allowed = set(
                clients_for_requests(user).filter(pk__in=ids).values_list("pk", flat=True)
            )
            self.problems.add(
                frame,
                where=pl.col("client_id").is_not_null() & ~pl.col("client_id").is_in(list(allowed)),
                field=field,
                message=_("you do not take requests for this client"),
            )
        return frame.drop(CANDIDATES)

    def _orders_check(self, frame: pl.DataFrame) -> None:
        """The rows of one order agree on its date and payment delay, and its lines add up to
        an amount a request holds (their Decimal amounts, as a request adds them)."""
        rows = frame.filter(pl.col(_DOCUMENT).is_not_null())
        self.problems.add(
            rows,
            where=pl.col("amount").sum().over(_ORDER) >= MONEY_LIMIT,
            field="price",
            message=_("the order's lines add up to more than an amount can hold"),
        )
        for name in ("date", "payment_delay_days"):
            if not self.columns.has(name):
                continue
            first = rows.with_columns(
                pl.col(ROW).first().over(_ORDER).alias("first_row"),
                pl.col(name).first().over(_ORDER).alias("first_value"),
            )
            self.problems.add(
                first,
                where=pl.col(name).ne_missing(pl.col("first_value")),
                field=name,
                message=pl.format(
                    _("row {} of this order gives {}"),
                    pl.col("first_row"),
                    quoted(
                        pl.col("first_value").dt.strftime("%d.%m.%Y")
                        if name == "date"
                        else pl.col("first_value").cast(pl.String).fill_null("—")
                    ),
                ),
            )

    def _taken_check(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Mark the orders taken as requests before; one taken with other lines is an error.

        An order a row that cannot be placed may be a line of is not compared: its lines in the
        file may be short of that one, and the row's own error says what to mend.
        """
        orders = frame.filter(pl.col(_DOCUMENT).is_not_null()).select(_ORDER).unique()
        taken: dict[tuple[str, int], OrderRequest] = {}
        for client_ids, numbers in _chunks(orders):
            for request in OrderRequest.objects.filter(
                client_id__in=client_ids, number__in=numbers
            ).prefetch_related("lines"):
                taken[(request.number, request.client_id)] = request
        ids = pl.DataFrame(
            [(number, client_id, request.pk) for (number, client_id), request in taken.items()],
            schema={"number": pl.String, "client_id": pl.Int64, "taken_id": pl.Int64},
            orient="row",
        )
        frame = frame.join(ids, on=list(_ORDER), how="left", maintain_order="left")
        if not taken:
            return frame
        uncertain = (
            document_lines_maybe(frame, key=_DOCUMENT, number="number", parts=_PARTS)
            .get_column(_DOCUMENT)
            .implode()
        )
        compared = frame.filter(
            pl.col("taken_id").is_not_null() & ~pl.col(_DOCUMENT).is_in(uncertain)
        )
        differing = []
        for (number, client_id), rows in compared.group_by(_ORDER, maintain_order=True):
            request = taken[(str(number), int(str(client_id)))]
            if _content(rows) != _stored_content(request):
                differing.append(
                    rows.select(
                        ROW,
                        pl.lit(
                            _(
                                "the order was taken as request № {number} with other lines: "
                                "a taken request is not changed by a file"
                            ).format(number=request.pk)
                        ).alias(MESSAGE),
                    )
                )
        if differing:
            self.problems.add_rows(pl.concat(differing), field="number")
        return frame

    def rejected_with(self, frame: pl.DataFrame, rejected: pl.Series) -> pl.DataFrame:
        """The lines of the orders held back (see the module's docstring); they are listed in
        the summary with the rows that held them."""
        if rejected.is_empty():
            return pl.DataFrame(schema={ROW: pl.Int64, MESSAGE: pl.String})
        held = documents_held(
            frame, rejected=rejected, key=_DOCUMENT, number="number", parts=_PARTS
        )
        self._held_record(frame, held)
        return held_back_reasons(
            frame,
            rejected=rejected,
            held=held,
            key=_DOCUMENT,
            own=_("another line of this order is rejected (rows {})"),
            maybe=_("rejected rows {} may be lines of this order: it is held back whole"),
        )

    def _held_record(self, frame: pl.DataFrame, held: pl.DataFrame) -> None:
        """The orders held back, for the summary: a taken one with its request's lines and
        amount, which stay as they were."""
        orders = (
            frame.join(held, on=_DOCUMENT, how="inner")
            .group_by(_DOCUMENT)
            .agg(
                pl.col("number").first(),
                pl.col("client_id").first(),
                pl.col("date").drop_nulls().first(),
                pl.col("taken_id").first(),
                pl.col(ROW).min().alias(FIRST_ROW),
                pl.concat_list(pl.col(OWN_ROWS).first(), pl.col(MAYBE_ROWS).first())
                .list.sort()
                .alias("held_by"),
            )
        )
        clients = Client.objects.in_bulk(orders.get_column("client_id").to_list())
        requests = OrderRequest.objects.in_bulk(
            orders.get_column("taken_id").drop_nulls().to_list()
        )
        before = pl.DataFrame(
            [(request.pk, request.line_count, request.amount) for request in requests.values()],
            schema={"taken_id": pl.Int64, "lines_before": pl.Int64, "total_before": MONEY},
            orient="row",
        )
        orders = orders.join(before, on="taken_id", how="left").with_columns(
            pl.Series(
                "client",
                [clients[client_id].name for client_id in orders.get_column("client_id")],
                dtype=pl.String,
            ),
            pl.col("lines_before").alias("lines_after"),
            pl.col("total_before").alias("total_after"),
        )
        self.changes.documents_add(orders, outcome=DocumentOutcome.HELD_BACK)

    def write(self, frame: pl.DataFrame) -> None:
        fresh = frame.filter(pl.col("taken_id").is_null())
        if self.context.create_products:
            self._products_create(fresh)
        clients = Client.objects.select_related("manager", "assistant").in_bulk(
            fresh.get_column("client_id").unique().to_list()
        )
        done = frame.height - fresh.height
        created: list[tuple[str, dt.date | None, str, int, Decimal, int]] = []
        for (number, client_id), rows in fresh.group_by(_ORDER, maintain_order=True):
            client = clients[int(str(client_id))]
            request = order_request_create(
                client=client,
                details=_details(str(number), rows),
                source=RequestSource.FILE,
                created_by=self.context.imported_by,
            )
            created.append(
                (
                    request.number, request.ordered_on, client.name, request.line_count,
                    request.amount, int(str(rows.get_column(ROW).min())),
                )
            )  # fmt: skip
            done += rows.height
            self.context.progress(done, frame.height)
        self.changes.documents_add(
            pl.DataFrame(
                created,
                schema={
                    "number": pl.String,
                    "date": pl.Date,
                    "client": pl.String,
                    "lines_after": pl.Int64,
                    "total_after": MONEY,
                    FIRST_ROW: pl.Int64,
                },
                orient="row",
            ),
            outcome=DocumentOutcome.CREATED,
        )
        taken = frame.filter(pl.col("taken_id").is_not_null())
        self.counts.add(
            "requests", created=len(created), unchanged=taken.get_column("taken_id").n_unique()
        )
        self.counts.add("request_lines", created=fresh.height, unchanged=taken.height)
        self.context.progress(frame.height, frame.height)

    def _products_create(self, frame: pl.DataFrame) -> None:
        """Add to the catalogue the product codes it lacks, named as the file first names
        each (by its code where it does not); the requests find them there by code."""
        missing = (
            frame.filter(pl.col("product_id").is_null())
            .sort(ROW)
            .group_by("sku", maintain_order=True)
            .agg(pl.col("product").drop_nulls().first())
            .select("sku", pl.coalesce("product", "sku").alias("name"))
        )
        created = products_create(missing)
        self.changes.products_add(created)
        known = frame.get_column("sku").n_unique() - created.height
        self.counts.add("products", created=created.height, unchanged=known)


def _chunks(orders: pl.DataFrame, size: int = 5000) -> Iterator[tuple[list[int], list[str]]]:
    for start in range(0, orders.height, size):
        part = orders.slice(start, size)
        yield part.get_column("client_id").to_list(), part.get_column("number").to_list()


def _lines(rows: pl.DataFrame) -> list[RequestLineDetails]:
    return [
        RequestLineDetails(
            product_code=row["sku"],
            product_name=row["product"] or "",
            quantity=row["quantity"],
            price=row["price"],
            discount_percent=row["discount_percent"] or Decimal(0),
        )
        for row in rows.sort(ROW).iter_rows(named=True)
    ]


def _details(number: str, rows: pl.DataFrame) -> RequestDetails:
    first: dict[str, Any] = rows.sort(ROW).row(0, named=True)
    comments = rows.sort(ROW).get_column("comment").drop_nulls().unique(maintain_order=True)
    return RequestDetails(
        number=number,
        ordered_on=first["date"],
        description="\n".join(comments.to_list()),
        payment_delay_days=first["payment_delay_days"] or 0,
        lines=tuple(_lines(rows)),
    )


def _content(rows: pl.DataFrame) -> tuple[object, ...]:
    """What an order asks for, to compare with the request it became."""
    details = _details("", rows)
    return (
        details.ordered_on,
        details.payment_delay_days,
        tuple(_line_content(line.product_code, line.quantity, line.price, line.discount_percent)
              for line in details.lines),
    )  # fmt: skip


def _stored_content(request: OrderRequest) -> tuple[object, ...]:
    lines: list[OrderRequestLine] = sorted(request.lines.all(), key=lambda line: line.line_number)
    return (
        request.ordered_on,
        request.payment_delay_days,
        tuple(_line_content(line.product_code, line.quantity, line.price, line.discount_percent)
              for line in lines),
    )  # fmt: skip


def _line_content(
    code: str | None, quantity: Decimal | None, price: Decimal | None, discount: Decimal
) -> tuple[object, ...]:
    # Decimals compare by value: 10 and 10.000 are the same quantity. A value the file got wrong
    # is None, which differs from any stored one.
    return (
        code,
        *(
            value.normalize() if value is not None else None
            for value in (quantity, price, discount)
        ),
    )
