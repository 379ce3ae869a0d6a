"""Client budgets by month: what each budgeting client plans to spend on our kind of goods in
each month (its БДР line), one row per client and month.

A client is named by its ИНН or its exact name and must be known already: a budget never
creates a client. Each client's months go through the clients app's one service, which keeps
its annual budget the sum of its budget year's months and records every change in its history;
months the file does not name stay as they are, so the same file imported again changes nothing.
"""

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.clients.models import Client, ClientBudgetMonth
from upsell.clients.services import BUDGET_YEARS_AHEAD, client_budget_months_set
from upsell.core.months import EARLIEST
from upsell.history.models import ChangeSource
from upsell.imports.formats.readers import ROW
from upsell.imports.formats.values import money_column_parse, month_column_parse, tax_id_parse
from upsell.imports.importers.base import Importer, parsed_by_value, parsed_in_place, repeats_check
from upsell.imports.importers.references import CANDIDATES, client_named_check, clients_resolve
from upsell.imports.models import ImportKind

_KEY = "_client_month"


class ClientBudgetsImporter(Importer):
    kind = ImportKind.CLIENT_BUDGETS
    text_limits = {"client": 300}
    totals_fields = {"amount": 2}

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self.cleaned(frame)
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.String).alias(name)
            for name in ("client", "tax_id")
            if not self.columns.has(name)
        )
        frame = parsed_by_value(frame, "tax_id", tax_id_parse)
        frame = parsed_by_value(frame, "month", month_column_parse)
        frame = parsed_in_place(frame, "amount", money_column_parse)
        for name in ("tax_id", "month", "amount"):
            if self.columns.has(name):
                self.problems.add_parsed(frame, name)
        latest = timezone.localdate().year + BUDGET_YEARS_AHEAD
        self.problems.add(
            frame,
            where=~pl.col("month").dt.year().is_between(EARLIEST.year, latest),
            field="month",
            message=_("a budget month from {first} to {last}").format(
                first=EARLIEST.year, last=latest
            ),
        )
        self.problems.add(
            frame,
            where=pl.col("amount") < 0,
            field="amount",
            message=_("a budget cannot be negative"),
        )
        client_named_check(frame, problems=self.problems, columns=self.columns)
        return frame.select(ROW, "client", "tax_id", "month", "amount")

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = clients_resolve(
            frame,
            problems=self.problems,
            field="client" if self.columns.has("client") else "tax_id",
            missing=_("no such client: import it with the clients file first"),
        )
        frame = frame.with_columns(
            pl.concat_str(
                pl.col("client_id").cast(pl.String), pl.col("month").cast(pl.String), separator="|"
            ).alias(_KEY)
        )
        repeats_check(frame, self.problems, key=_KEY, field="month", among=pl.lit(value=True))
        return frame.drop(CANDIDATES, _KEY)

    def write(self, frame: pl.DataFrame) -> None:
        client_ids = frame.get_column("client_id").unique().to_list()
        stored = {
            (client_id, month): amount
            for client_id, month, amount in ClientBudgetMonth.objects.filter(
                client_id__in=client_ids
            ).values_list("client_id", "month", "amount")
        }
        clients = Client.objects.in_bulk(client_ids)
        created = updated = done = 0
        by_client = frame.group_by("client_id", maintain_order=True).agg("month", "amount")
        for client_id, months, amounts in by_client.iter_rows():
            for month, amount in zip(months, amounts, strict=True):
                before = stored.get((client_id, month))
                created += before is None
                updated += before is not None and before != amount
            client_budget_months_set(
                client=clients[client_id],
                months=dict(zip(months, amounts, strict=True)),
                changed_by=self.context.imported_by,
                source=ChangeSource.IMPORT,
            )
            done += len(months)
            self.context.progress(done, frame.height)
        self.counts.add(
            "budget_months",
            created=created,
            updated=updated,
            unchanged=frame.height - created - updated,
        )
