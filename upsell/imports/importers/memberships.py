"""Program memberships: who is in a sales program and who is its control group, as a company
that drew its hold-out outside Upsell decided it.

A row names a program by its exact name, a client by its ИНН or its exact name as the other
files name it, its group (member unless it says control) and the day it joined (the day of the
import when empty). Programs and clients must be known already: the import creates neither.
Every row is held to what the programs app asks of a membership (``memberships_store_problems``:
the program's eligibility, a group that never changes, a membership that ended) and stored
through the same use-case (``memberships_store``), so the same file imported again changes
nothing.

A guaranteed-stock program's file may also name the products kept for each member (Артикул
and Количество в месяц): the member is then on one row per product, with the same group on
each, and its products replace the ones it had (``membership_stock_set``) unless they are the
same already; a member on a row without Артикул keeps its products as they are.

A membership file is written whole or not at all, even when the valid rows are to be kept: a
control group half stored would measure the program against the wrong clients.
"""

from decimal import Decimal

import polars as pl
from django.utils.translation import gettext as _

from upsell.imports.formats.readers import ROW
from upsell.imports.formats.values import date_parse, quantity_column_parse, tax_id_parse
from upsell.imports.importers.base import (
    MESSAGE,
    ImportContext,
    Importer,
    parsed_by_value,
    parsed_in_place,
)
from upsell.imports.importers.references import (
    CANDIDATES,
    KPP_ADDED,
    SHARED_TAX_ID,
    client_ambiguity_message,
    client_named_check,
    clients_find,
    products_find,
)
from upsell.imports.models import ImportKind
from upsell.programs.access import can_decide_memberships
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    Program,
    ProgramKind,
    ProgramState,
)
from upsell.programs.services.memberships import (
    MembershipRow,
    StockLine,
    membership_stock_set,
    memberships_store,
    memberships_store_problems,
)

_OPTIONAL = ("client", "tax_id", "group", "joined_on", "sku", "monthly_quantity")
# The words of each group, lower case, «ё» read as «е».
_GROUP_WORDS = {
    "участник": MembershipGroup.MEMBER,
    "member": MembershipGroup.MEMBER,
    "контроль": MembershipGroup.CONTROL,
    "контрольная группа": MembershipGroup.CONTROL,
    "control": MembershipGroup.CONTROL,
    "control group": MembershipGroup.CONTROL,
}


class MembershipsImporter(Importer):
    kind = ImportKind.MEMBERSHIPS
    text_limits = {"program": 200, "client": 300, "sku": 64}

    def __init__(self, context: ImportContext) -> None:
        super().__init__(context)
        # The programs the file names, each by the one name it has.
        self.programs: dict[int, Program] = {}

    def refusal(self) -> str:
        user = self.context.imported_by
        if user is None or can_decide_memberships(user):
            return ""
        return _("only the head of sales imports memberships: it decides who is in a program")

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self.cleaned(frame)
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.String).alias(name)
            for name in _OPTIONAL
            if not self.columns.has(name)
        )
        frame = parsed_by_value(frame, "tax_id", tax_id_parse)
        frame = parsed_by_value(frame, "joined_on", date_parse)
        frame = parsed_in_place(frame, "monthly_quantity", quantity_column_parse)
        for name in ("tax_id", "joined_on", "monthly_quantity"):
            if self.columns.has(name):
                self.problems.add_parsed(frame, name)
        word = pl.col("group").str.to_lowercase().str.replace_all("ё", "е")
        frame = frame.with_columns(
            word.replace_strict(_GROUP_WORDS, default=None, return_dtype=pl.String).alias(
                "group_value"
            )
        )
        self.problems.add(
            frame,
            where=pl.col("group").is_not_null() & pl.col("group_value").is_null(),
            field="group",
            message=_("not a group: write участник (member) or контроль (control)"),
        )
        client_named_check(frame, problems=self.problems, columns=self.columns)
        self._stock_check(frame)
        return frame.select(
            ROW,
            "program",
            "client",
            "tax_id",
            pl.col("group_value").fill_null(MembershipGroup.MEMBER.value).alias("group"),
            "joined_on",
            "sku",
            "monthly_quantity",
        )

    def _stock_check(self, frame: pl.DataFrame) -> None:
        """A product and its monthly quantity come together, the quantity above nothing."""
        quantity = pl.col("monthly_quantity")
        self.problems.add(
            frame,
            where=quantity <= 0,
            field="monthly_quantity",
            message=_("a monthly quantity is above 0"),
        )
        if self.columns.has("sku"):
            self.problems.add(
                frame,
                where=pl.col("sku").is_not_null()
                & quantity.is_null()
                & pl.col("monthly_quantity__problem").is_null(),
                field="monthly_quantity" if self.columns.has("monthly_quantity") else "sku",
                message=_("a value is required: the quantity kept of the product each month"),
            )
        if self.columns.has("monthly_quantity"):
            self.problems.add(
                frame,
                where=pl.col("sku").is_null() & quantity.is_not_null(),
                field="sku" if self.columns.has("sku") else "monthly_quantity",
                message=_("a value is required: the Артикул of the product kept"),
            )

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self._programs_resolve(frame)
        frame = self._clients_resolve(frame)
        frame = self._products_resolve(frame)
        member = ("program_id", "client_id")
        keyed = frame.filter(
            pl.col("program_id").is_not_null() & pl.col("client_id").is_not_null()
        ).with_columns(
            pl.col(ROW).first().over(member).alias("_first_row"),
            pl.col("sku").first().over(member).alias("_first_sku"),
            pl.col("group").first().over(member).alias("_first_group"),
        )
        repeat = pl.col(ROW) != pl.col("_first_row")
        # A member of a guaranteed-stock program is on one row per product it keeps.
        by_product = pl.col("sku").is_not_null() & pl.col("_first_sku").is_not_null()
        self.problems.add(
            keyed,
            where=repeat & ~by_product,
            field="tax_id" if self.columns.has("tax_id") else "client",
            message=pl.format(_("the client is in this program on row {} already"), "_first_row"),
        )
        self.problems.add(
            keyed,
            where=repeat & by_product & (pl.col("group") != pl.col("_first_group")),
            field="group" if self.columns.has("group") else None,
            message=pl.format(
                _("the client is in another group on row {}: its rows share one group"),
                "_first_row",
            ),
        )
        self._products_repeated_check(keyed)
        repeated = keyed.filter(repeat).get_column(ROW)
        self._stored_check(frame.filter(~pl.col(ROW).is_in(repeated.implode())))
        return frame

    def _products_resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The products named, known already, on the members of a guaranteed-stock program."""
        frame = frame.join(
            products_find(frame.get_column("sku")), on="sku", how="left", maintain_order="left"
        )
        named = pl.col("sku").is_not_null()
        self.problems.add(
            frame,
            where=named & pl.col("product_id").is_null(),
            field="sku",
            message=_("no such product: import it with the products file first"),
        )
        kinds = pl.DataFrame(
            [(pk, program.kind) for pk, program in self.programs.items()],
            schema={"program_id": pl.Int64, "_kind": pl.String},
            orient="row",
        )
        kind = frame.join(kinds, on="program_id", how="left", maintain_order="left")
        self.problems.add(
            kind,
            where=named & pl.col("_kind").is_not_null()
            & (pl.col("_kind") != ProgramKind.GUARANTEED_STOCK.value),
            field="sku",
            message=_("only a guaranteed-stock program keeps products: leave Артикул empty"),
        )  # fmt: skip
        self.problems.add(
            kind,
            where=named & (pl.col("_kind") == ProgramKind.GUARANTEED_STOCK.value)
            & (pl.col("group") == MembershipGroup.CONTROL.value),
            field="sku",
            message=_("the control group gets no stock: leave Артикул empty"),
        )  # fmt: skip
        return frame

    def _products_repeated_check(self, keyed: pl.DataFrame) -> None:
        named = keyed.filter(pl.col("product_id").is_not_null()).with_columns(
            pl.col(ROW).first().over("program_id", "client_id", "product_id").alias("_sku_row")
        )
        self.problems.add(
            named,
            where=pl.col(ROW) != pl.col("_sku_row"),
            field="sku",
            message=pl.format(
                _("the product is kept for this client on row {} already"), "_sku_row"
            ),
        )

    def _programs_resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        names = frame.get_column("program").drop_nulls().unique().to_list()
        found: dict[str, list[Program]] = {}
        for program in Program.objects.filter(name__in=names).order_by("id"):
            found.setdefault(program.name, []).append(program)
        self.programs = {
            programs[0].pk: programs[0] for programs in found.values() if len(programs) == 1
        }
        lookup = pl.DataFrame(
            [
                (name, programs[0].pk if len(programs) == 1 else None, len(programs),
                 programs[0].state == ProgramState.CLOSED)
                for name, programs in found.items()
            ],
            schema={"program": pl.String, "program_id": pl.Int64, "_programs": pl.Int64,
                    "_closed": pl.Boolean},
            orient="row",
        )  # fmt: skip
        frame = frame.join(lookup, on="program", how="left", maintain_order="left")
        named = pl.col("program").is_not_null()
        self.problems.add(
            frame,
            where=named & pl.col("_programs").is_null(),
            field="program",
            message=_("no such program: top management creates it first"),
        )
        self.problems.add(
            frame,
            where=pl.col("_programs") > 1,
            field="program",
            message=pl.format(_("{} programs have this name: rename all but one"), "_programs"),
        )
        self.problems.add(
            frame,
            where=(pl.col("_programs") == 1) & pl.col("_closed"),
            field="program",
            message=_("the program is closed: it takes no members"),
        )
        return frame.drop("_programs", "_closed")

    def _clients_resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
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
        for field in ("tax_id", "client"):
            # A row with an ИНН is told by it; a row without one by the client's name.
            named = pl.col(field).is_not_null()
            if field == "client":
                named &= pl.col("tax_id").is_null()
            self.problems.add(
                frame,
                where=named & (pl.col(CANDIDATES) == 0),
                field=field,
                message=_("no such client: import it with the clients or shipments file first"),
            )
        return frame.drop(CANDIDATES, SHARED_TAX_ID, KPP_ADDED)

    def _rows_of(self, frame: pl.DataFrame) -> dict[int, list[tuple[int, MembershipRow]]]:
        """The first row of each known client in each known program, as the programs app
        takes it, by program, with its row number."""
        by_program: dict[int, list[tuple[int, MembershipRow]]] = {}
        for row, program_id, client_id, group, joined_on in (
            frame.filter(pl.col("program_id").is_not_null() & pl.col("client_id").is_not_null())
            .unique(["program_id", "client_id"], keep="first", maintain_order=True)
            .select(ROW, "program_id", "client_id", "group", "joined_on")
            .iter_rows()
        ):
            by_program.setdefault(program_id, []).append(
                (
                    row,
                    MembershipRow(
                        client_id=client_id, group=MembershipGroup(group), joined_on=joined_on
                    ),
                )
            )
        return by_program

    def _stored_check(self, frame: pl.DataFrame) -> None:
        """What the programs app would refuse of each row, on the row."""
        with_tax_id = set(frame.filter(pl.col("tax_id").is_not_null()).get_column(ROW).to_list())
        for program_id, rows in self._rows_of(frame).items():
            program = self.programs[program_id]
            if program.state == ProgramState.CLOSED:
                continue
            problems = memberships_store_problems(
                program=program, rows=[membership for _, membership in rows]
            )
            for row, membership in rows:
                if (why := problems.get(membership.client_id)) is not None:
                    field = "tax_id" if row in with_tax_id else "client"
                    self.problems.add_one(
                        row=row,
                        position=self.columns.position(field),
                        column=self.columns.header(field),
                        message=why,
                    )

    def rejected_with(self, frame: pl.DataFrame, rejected: pl.Series) -> pl.DataFrame:
        """Every other row, when any is rejected: a membership file is written whole."""
        if rejected.is_empty():
            return super().rejected_with(frame, rejected)
        return frame.filter(~pl.col(ROW).is_in(rejected.implode())).select(
            ROW,
            pl.lit(
                _("held back: a membership file is imported whole or not at all"), pl.String
            ).alias(MESSAGE),
        )

    def write(self, frame: pl.DataFrame) -> None:
        for program_id, rows in self._rows_of(frame).items():
            stored = memberships_store(
                program=self.programs[program_id],
                rows=[membership for _, membership in rows],
                by=self.context.imported_by,
                today=self.context.today,
            )
            self.counts.add(
                "memberships",
                created=stored.created,
                updated=stored.updated,
                unchanged=stored.unchanged,
            )
        self._stock_write(frame)
        self.context.progress(frame.height, frame.height)

    def _stock_write(self, frame: pl.DataFrame) -> None:
        """Each member's products, when the file names them: set anew only when they differ
        from the ones kept, so that the same file again changes nothing."""
        lines: dict[tuple[int, int], list[StockLine]] = {}
        for program_id, client_id, sku, quantity in (
            frame.filter(pl.col("sku").is_not_null())
            .select("program_id", "client_id", "sku", "monthly_quantity")
            .iter_rows()
        ):
            lines.setdefault((program_id, client_id), []).append(
                StockLine(sku=sku, monthly_quantity=Decimal(quantity))
            )
        for (program_id, client_id), member_lines in lines.items():
            membership = Membership.objects.get(program_id=program_id, client_id=client_id)
            kept = {
                commitment.product.sku: commitment.monthly_quantity
                for commitment in membership.stock_commitments.select_related("product")
            }
            if kept == {line.sku: line.monthly_quantity for line in member_lines}:
                self.counts.add("member_stock", unchanged=1)
                continue
            membership_stock_set(membership=membership, lines=member_lines)
            self.counts.add("member_stock", created=0 if kept else 1, updated=1 if kept else 0)
