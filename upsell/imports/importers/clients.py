"""Clients: the client base, with manager, region, segment, partner flag and purchase budget.

A client is matched by ИНН and КПП, else by ИНН, else by exact name
(``references.clients_find``). The file updates only the fields it has columns for (an empty
cell in such a column clears the field; an ИНН or a КПП is only ever added), and adds the
clients not stored yet. An organisation's branches share its ИНН, each with its own КПП: each
is a client of its own under its head organisation (``client_heads_settle``). A manager is
named by full name and must be an active manager (the staff file adds people; this one never
does). Who serves a client is written by
``portfolios.clients_hand_over``, as on the client's card: the change is recorded in the
client's assignment history (a new client's first manager too), and its waiting requests and
future forecast go with it.
"""

from functools import partial

import polars as pl
from django.utils.translation import gettext as _
from polars._typing import PolarsDataType

from upsell.accounts.models import User
from upsell.clients.models import Client, HandOverRule
from upsell.clients.selectors import budget_year_totals
from upsell.clients.services import clients_details_store
from upsell.core.bulk import LOOKUP_CHUNK, rows_update, values_frame
from upsell.core.tax_ids import KPP_HEAD_REASONS
from upsell.history.models import ChangeSource
from upsell.imports.changes import MONEY
from upsell.imports.formats.readers import ROW
from upsell.imports.formats.values import (
    FALSE_WORDS,
    TRUE_WORDS,
    bool_parse,
    integer_parse,
    kpp_parse,
    money_column_parse,
    tax_id_parse,
)
from upsell.imports.importers.base import (
    Importer,
    parsed_by_value,
    parsed_in_place,
    repeats_check,
)
from upsell.imports.importers.references import (
    CANDIDATES,
    KPP_ADDED,
    SHARED_TAX_ID,
    active_managers_find,
    client_ambiguity_message,
    clients_create,
    clients_find,
)
from upsell.imports.models import ImportKind
from upsell.portfolios.services import ClientChange, NewClient, clients_hand_over

# File field → Client field, for the fields stored as the file states them (who serves a client
# is handed over, not stored).
_STORED = {
    "client": "name",
    "region": "region",
    "segment": "segment",
    "partner": "is_partner",
    "plans_budget": "plans_budget",
    "annual_budget": "annual_budget",
    "budget_year": "budget_year",
}


def _holds_names(cells: pl.Series) -> bool:
    """Whether most of the column's filled cells are words other than yes and no, and at least
    two different ones: a lone odd word is a slip in a yes/no column, named as an error."""
    words = cells.drop_nulls().str.to_lowercase()
    other = words.filter(~words.is_in(TRUE_WORDS + FALSE_WORDS))
    return other.len() * 2 > words.len() and other.n_unique() >= 2


class ClientsImporter(Importer):
    kind = ImportKind.CLIENTS
    text_limits = {"client": 300, "manager": 200, "region": 200, "segment": 200}

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self.cleaned(frame)
        columns = self.columns
        if not columns.has("tax_id"):
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("tax_id"))
        frame = parsed_by_value(frame, "tax_id", tax_id_parse)
        if columns.has("kpp"):
            frame = parsed_by_value(frame, "kpp", kpp_parse)
            self._kpp_check(frame)
        else:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("kpp"))
        if columns.has("partner") and _holds_names(frame.get_column("partner")):
            # 1C:Trade Management 11's «Партнер» is the company a client belongs to, not the
            # yes/no flag: a column whose cells are mostly names says nothing of the flag.
            frame = frame.drop("partner")
        for flag in ("partner", "plans_budget"):
            if flag in frame.columns:
                frame = parsed_by_value(frame, flag, bool_parse)
        if columns.has("annual_budget"):
            frame = parsed_in_place(frame, "annual_budget", money_column_parse)
        if columns.has("budget_year"):
            frame = parsed_by_value(
                frame,
                "budget_year",
                partial(
                    integer_parse, low=1900, high=2199, problem=_("not a year: {} (write 2025)")
                ),
            )
        for name in ("tax_id", "kpp", "partner", "plans_budget", "annual_budget", "budget_year"):
            if columns.has(name) and name in frame.columns:
                self.problems.add_parsed(frame, name)
        if columns.has("annual_budget"):
            self.problems.add(
                frame,
                where=pl.col("annual_budget") < 0,
                field="annual_budget",
                message=_("a budget cannot be negative"),
            )
            # A budget without a year is this year's budget.
            this_year = pl.lit(self.context.today.year, pl.Int64)
            year = pl.col("budget_year") if columns.has("budget_year") else pl.lit(None, pl.Int64)
            frame = frame.with_columns(
                pl.when(pl.col("annual_budget").is_not_null())
                .then(pl.coalesce(year, this_year))
                .otherwise(year)
                .alias("budget_year")
            )
        if columns.has("budget_year"):
            budget = pl.col("annual_budget") if columns.has("annual_budget") else pl.lit(None)
            self.problems.add(
                frame,
                where=pl.col("budget_year").is_not_null() & budget.is_null(),
                field="budget_year",
                message=_("a budget year without an annual budget"),
            )
        with_tax_id = pl.col("tax_id").is_not_null()
        identity = pl.concat_str("tax_id", pl.col("kpp").fill_null(""), separator="/")
        repeats_check(
            frame.with_columns(identity.alias("_identity")),
            self.problems,
            key="_identity",
            field="kpp" if columns.has("kpp") else "tax_id",
            among=with_tax_id & pl.col("kpp__problem").is_null()
            if columns.has("kpp")
            else with_tax_id,
        )
        repeats_check(frame, self.problems, key="client", field="client", among=~with_tax_id)
        return frame.drop(f"{name}__problem" for name in self._problem_columns(frame))

    def _kpp_check(self, frame: pl.DataFrame) -> None:
        """A КПП is an organisation's: it comes with a 10-digit ИНН."""
        kpp = pl.col("kpp").is_not_null()
        self.problems.add(
            frame,
            where=kpp & pl.col("tax_id").is_null() & pl.col("tax_id__problem").is_null(),
            field="kpp",
            message=_("a КПП needs the client's ИНН"),
        )
        self.problems.add(
            frame,
            where=kpp & (pl.col("tax_id").str.len_chars() == 12),
            field="kpp",
            message=_("an individual entrepreneur (a 12-digit ИНН) has no КПП"),
        )

    @staticmethod
    def _problem_columns(frame: pl.DataFrame) -> list[str]:
        return [
            name.removesuffix("__problem") for name in frame.columns if name.endswith("__problem")
        ]

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        clients = clients_find(frame.select("client", "tax_id", "kpp"))
        frame = frame.join(
            clients,
            on=["client", "tax_id", "kpp"],
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
        frame = _kpp_claims_settle(frame)
        self.problems.add(
            frame,
            where=pl.col(CANDIDATES) > 1,
            field="client",
            message=client_ambiguity_message(),
        )
        repeats_check(
            frame,
            self.problems,
            key="client_id",
            field="client",
            among=pl.col("client_id").is_not_null(),
        )
        frame = frame.drop(CANDIDATES, SHARED_TAX_ID, KPP_ADDED)
        if self.columns.has("annual_budget"):
            self._budget_months_check(frame)
        if self.columns.has("manager"):
            frame = frame.join(
                active_managers_find(frame.get_column("manager")),
                on="manager",
                how="left",
                maintain_order="left",
            )
            self.problems.add(
                frame,
                where=pl.col(CANDIDATES) > 1,
                field="manager",
                message=pl.format(
                    _("{} users have this full name: give each a distinct one in the staff file"),
                    pl.col(CANDIDATES),
                ),
            )
            self.problems.add(
                frame,
                where=pl.col("manager").is_not_null() & (pl.col(CANDIDATES) == 0),
                field="manager",
                message=pl.format(
                    _("no active manager has the full name «{}»: add them with the staff file"),
                    pl.col("manager"),
                ),
            )
            frame = frame.drop(CANDIDATES)
        return frame

    def _budget_months_check(self, frame: pl.DataFrame) -> None:
        """The annual budget of a year a client planned by month is the sum of its months: the
        file may state it, not change it (the months change it, with the budgets file)."""
        planned = pl.DataFrame(
            budget_year_totals(),
            schema={"client_id": pl.Int64, "budget_year": pl.Int64, "planned": MONEY},
            orient="row",
        )
        compared = frame.join(planned, on=["client_id", "budget_year"], how="inner")
        self.problems.add(
            compared,
            where=pl.col("annual_budget") != pl.col("planned"),
            field="annual_budget",
            message=pl.format(
                _("the budget of {} is the sum of its months, {}: import the months instead"),
                pl.col("budget_year"),
                pl.col("planned").cast(pl.String),
            ),
        )

    def write(self, frame: pl.DataFrame) -> None:
        present = {
            name: stored
            for name, stored in _STORED.items()
            if name in frame.columns
            and (name != "budget_year" or self.columns.has("annual_budget"))
        }
        frame = frame.with_columns(
            pl.col(name).fill_null("") for name in ("region", "segment") if name in present
        )
        if "annual_budget" in present:
            frame = frame.with_columns(pl.col("annual_budget").cast(pl.String))
        known = frame.filter(pl.col("client_id").is_not_null())
        updated = self._known_update(known, present)
        new = frame.filter(pl.col("client_id").is_null()).select(
            *(pl.col(name).alias(stored) for name, stored in present.items()),
            pl.col("tax_id").fill_null(""),
            pl.col("kpp").fill_null(""),
        )
        created = clients_create(new)
        if self.columns.has("kpp"):
            placed = client_heads_settle(tax_ids=frame.get_column("tax_id"))
            updated |= placed & set(known.get_column("client_id").to_list())
        if self.columns.has("manager"):
            updated |= self._managers_hand_over(known, created, frame)
        self.counts.add(
            "clients",
            created=new.height,
            updated=len(updated),
            unchanged=known.height - len(updated),
        )
        self.context.progress(frame.height, frame.height)

    def _managers_hand_over(
        self, known: pl.DataFrame, created: pl.DataFrame, frame: pl.DataFrame
    ) -> set[int]:
        """Each client to the manager the file names (an empty cell: to nobody); the ids of the
        stored clients that changed hands."""
        new = frame.filter(pl.col("client_id").is_null()).select(
            created.get_column("id"), created.get_column("name"), "manager_id"
        )
        managers = User.objects.in_bulk(
            pl.concat([known.get_column("manager_id"), new.get_column("manager_id")])
            .drop_nulls()
            .unique()
            .to_list()
        )

        def manager(manager_id: int | None) -> User | None:
            return None if manager_id is None else managers[manager_id]

        outcome = clients_hand_over(
            changes=[
                ClientChange(client_id=client_id, manager=manager(manager_id))
                for client_id, manager_id in known.select("client_id", "manager_id").iter_rows()
            ],
            new=[
                NewClient(client_id=client_id, name=name, manager=manager(manager_id))
                for client_id, name, manager_id in new.iter_rows()
            ],
            rule=HandOverRule.IMPORT,
            reason=_("Imported from {file}").format(file=self.context.file_name),
            by=self.context.imported_by,
        )
        known_ids = set(known.get_column("client_id").to_list())
        return {change.client_id for change in outcome.handed} & known_ids

    def _known_update(self, known: pl.DataFrame, present: dict[str, str]) -> set[int]:
        """Store the fields the file changes on the clients it has already; their ids."""
        stored_fields = ("id", "tax_id", "kpp", *present.values())
        schema: dict[str, PolarsDataType] = {
            "id": pl.Int64,
            "tax_id": pl.String,
            "kpp": pl.String,
            "name": pl.String,
            "manager_id": pl.Int64,
            "region": pl.String,
            "segment": pl.String,
            "is_partner": pl.Boolean,
            "plans_budget": pl.Boolean,
            "annual_budget": pl.Decimal(16, 2),
            "budget_year": pl.Int64,
        }
        ids = known.get_column("client_id").to_list()
        stored = pl.concat(
            [
                values_frame(
                    Client.objects.filter(id__in=ids[start : start + LOOKUP_CHUNK]),
                    fields=stored_fields,
                    schema={name: schema[name] for name in stored_fields},
                )
                for start in range(0, len(ids), LOOKUP_CHUNK)
            ]
            or [pl.DataFrame(schema={name: schema[name] for name in stored_fields})]
        ).with_columns(pl.col(pl.Decimal).cast(pl.String))
        stored = stored.rename({name: f"stored_{name}" for name in stored.columns if name != "id"})
        compared = known.join(
            stored, left_on="client_id", right_on="id", how="left", maintain_order="left"
        ).with_columns(
            # An ИНН is identity: the file adds a missing one, never clears or changes one.
            pl.when(pl.col("stored_tax_id") == "")
            .then(pl.col("tax_id").fill_null(""))
            .otherwise(pl.col("stored_tax_id"))
            .alias("tax_id"),
            # So is a КПП.
            pl.when(pl.col("stored_kpp") == "")
            .then(pl.col("kpp").fill_null(""))
            .otherwise(pl.col("stored_kpp"))
            .alias("kpp"),
        )
        targets = {**present, "tax_id": "tax_id", "kpp": "kpp"}
        changed = compared.filter(
            pl.any_horizontal(
                pl.col(name).ne_missing(pl.col(f"stored_{stored}"))
                for name, stored in targets.items()
            )
        )
        clients_details_store(
            frame=changed.select(
                pl.col("client_id").alias("id"),
                *(pl.col(name).alias(stored) for name, stored in targets.items()),
            ),
            stored=changed.select(
                pl.col("client_id").alias("id"),
                *(pl.col(f"stored_{stored}").alias(stored) for stored in targets.values()),
            ),
            changed_by=self.context.imported_by,
            source=ChangeSource.IMPORT,
        )
        return set(changed.get_column("client_id").to_list())


def _kpp_claims_settle(frame: pl.DataFrame) -> pl.DataFrame:
    """A client stored without a КПП is given one once: of the file's rows with its ИНН and a
    КПП no stored client has, the head organisation's row takes it (the one whose КПП has the
    head's form, else the first); the others are its branches, new clients."""
    claims = (
        frame.filter(pl.col(KPP_ADDED))
        .sort(
            ~_head_form(),
            ROW,
        )
        .group_by("tax_id", maintain_order=True)
        .agg(pl.col(ROW).first().alias("_claim_row"))
    )
    return (
        frame.join(claims, on="tax_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col(KPP_ADDED) & (pl.col(ROW) != pl.col("_claim_row")))
            .then(None)
            .otherwise(pl.col("client_id"))
            .alias("client_id")
        )
        .drop("_claim_row")
    )


def client_heads_settle(*, tax_ids: pl.Series) -> set[int]:
    """Place the clients of each of ``tax_ids`` under their head organisation; the ids of those
    whose head changed.

    Of the clients sharing an ИНН, the head organisation is the one whose КПП has the head's
    form (``kpp_is_head``: the reason 01 or 50), the first stored when several have or none
    has; each of the others is its branch. A client alone with its ИНН has no head.
    """
    stored = pl.concat(
        [
            values_frame(
                Client.objects.filter(tax_id__in=chunk),
                fields=("id", "tax_id", "kpp", "head_id"),
                schema={"id": pl.Int64, "tax_id": pl.String, "kpp": pl.String, "head_id": pl.Int64},
            )
            for chunk in _chunks(tax_ids.drop_nulls().unique().sort().to_list())
        ]
        or [
            pl.DataFrame(
                schema={"id": pl.Int64, "tax_id": pl.String, "kpp": pl.String, "head_id": pl.Int64}
            )
        ]
    )
    heads = (
        stored.sort(~_head_form(), "id")
        .group_by("tax_id")
        .agg(pl.col("id").first().alias("head"), pl.len().alias("_shared"))
    )
    settled = stored.join(heads, on="tax_id").with_columns(
        pl.when((pl.col("_shared") > 1) & (pl.col("id") != pl.col("head")))
        .then(pl.col("head"))
        .alias("new_head_id")
    )
    changed = settled.filter(pl.col("new_head_id").ne_missing(pl.col("head_id")))
    rows_update(model=Client, frame=changed.select("id", pl.col("new_head_id").alias("head_id")))
    return set(changed.get_column("id").to_list())


def _head_form() -> pl.Expr:
    """Whether ``kpp`` has the form of a head organisation's (``tax_ids.kpp_is_head``)."""
    return pl.col("kpp").str.slice(4, 2).is_in(sorted(KPP_HEAD_REASONS)).fill_null(value=False)


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[start : start + LOOKUP_CHUNK] for start in range(0, len(values), LOOKUP_CHUNK)]
