"""Credit limits: each credit-line member's own limit and payment delay, as the accounting
system (1C's "Допустимая сумма задолженности", "Допустимое число дней задолженности") keeps
them.

A row names a client (by ИНН, else by name) and a credit-line program by its name; the client
must be an active member of it. Nothing is created: an unknown client, program or membership is
an error naming its row and column. Each value is held to the rule of the program's screens and
API (``credit_terms_problems``) and written by the same service (``membership_credit_set``). An
empty cell takes the program's term; a column the file lacks leaves the members' own as they
are. Importing the same file again changes nothing.
"""

from decimal import Decimal
from functools import partial

import polars as pl
from django.utils.translation import gettext as _

from upsell.core.bulk import LOOKUP_CHUNK
from upsell.imports.formats.readers import ROW
from upsell.imports.formats.values import (
    integer_parse,
    money_column_parse,
    quoted,
    tax_id_parse,
)
from upsell.imports.importers.base import (
    COLUMN,
    Importer,
    parsed_by_value,
    parsed_in_place,
    repeats_check,
)
from upsell.imports.importers.references import CANDIDATES, client_named_check, clients_resolve
from upsell.imports.models import ImportKind
from upsell.programs.access import can_set_member_terms
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    MembershipState,
    Program,
    ProgramKind,
)
from upsell.programs.services.memberships import credit_terms_problems, membership_credit_set

_OPTIONAL = ("client", "tax_id", "credit_limit", "payment_delay_days")
_TERMS = ("credit_limit", "payment_delay_days")
# Wide enough for any number a person writes: the rule of the terms says what is too long.
_DAYS_BOUND = 10**9


class CreditLimitsImporter(Importer):
    kind = ImportKind.CREDIT_LIMITS
    text_limits = {"client": 300, "program": 200}

    def refusal(self) -> str:
        user = self.context.imported_by
        if user is None or can_set_member_terms(user):
            return ""
        return _("only top management and the head of sales set a member's credit terms")

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self.cleaned(frame)
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.String).alias(name)
            for name in _OPTIONAL
            if not self.columns.has(name)
        )
        frame = parsed_by_value(frame, "tax_id", tax_id_parse)
        frame = parsed_in_place(frame, "credit_limit", money_column_parse)
        frame = parsed_by_value(
            frame,
            "payment_delay_days",
            partial(
                integer_parse,
                low=-_DAYS_BOUND,
                high=_DAYS_BOUND,
                problem=_("not a number of days: {} (write 30)"),
            ),
        )
        for name in ("tax_id", *_TERMS):
            if self.columns.has(name):
                self.problems.add_parsed(frame, name)
        self._named_check(frame)
        self._terms_check(frame)
        return frame.select(ROW, "client", "tax_id", "program", *_TERMS)

    def _named_check(self, frame: pl.DataFrame) -> None:
        """A client named somehow, and a term to set."""
        client_named_check(frame, problems=self.problems, columns=self.columns)
        if not any(self.columns.has(name) for name in _TERMS):
            self.problems.add_one(
                row=1,
                position=-1,
                column="",
                message=_(
                    "the file sets no term: give a Лимит кредита or an Отсрочка платежа (дней) "
                    "column"
                ),
            )

    def _terms_check(self, frame: pl.DataFrame) -> None:
        """Each row's terms held to the rule of a member's credit terms; a cell its parsing
        faulted already is not faulted again."""
        faulted = set(self.problems.frame().select(ROW, COLUMN).iter_rows())
        for row, credit_limit, payment_delay_days in frame.select(ROW, *_TERMS).iter_rows():
            problems = credit_terms_problems(
                credit_limit=credit_limit, payment_delay_days=payment_delay_days
            )
            for name, message in problems.items():
                column = self.columns.header(name)
                if (row, column) in faulted:
                    continue
                self.problems.add_one(
                    row=row,
                    position=self.columns.position(name),
                    column=column,
                    # The rule's sentences end with a full stop; a file's problems do not.
                    message=str(message).removesuffix("."),
                )

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self._clients_resolve(frame)
        frame = self._programs_resolve(frame)
        frame = self._memberships_resolve(frame)
        repeats_check(
            frame,
            self.problems,
            key="membership_id",
            field="client" if self.columns.has("client") else "tax_id",
            among=pl.lit(value=True),
        )
        return frame

    def _clients_resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = clients_resolve(
            frame,
            problems=self.problems,
            field="client" if self.columns.has("client") else "tax_id",
            missing=_("no such client: import it with the clients or shipments file first"),
        )
        return frame.drop(CANDIDATES)

    def _programs_resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``program`` (a credit line's name) → ``program_id``; a name that no credit line or
        several have is an error."""
        names = frame.get_column("program").drop_nulls().unique()
        stored = pl.DataFrame(
            list(
                Program.objects.filter(
                    kind=ProgramKind.CREDIT_LINE, name__in=names.to_list()
                ).values_list("name", "id")
            ),
            schema={"program": pl.String, "program_id": pl.Int64},
            orient="row",
        )
        found = stored.group_by("program").agg(
            pl.col("program_id").min(), pl.len().cast(pl.Int64).alias(CANDIDATES)
        )
        frame = frame.join(found, on="program", how="left", maintain_order="left")
        self.problems.add(
            frame,
            where=pl.col("program").is_not_null() & pl.col(CANDIDATES).is_null(),
            field="program",
            message=pl.format(_("no credit line is named {}"), quoted(pl.col("program"))),
        )
        self.problems.add(
            frame,
            where=pl.col(CANDIDATES) > 1,
            field="program",
            message=pl.format(
                _("{} credit lines are named {}: rename one of them"),
                pl.col(CANDIDATES),
                quoted(pl.col("program")),
            ),
        )
        return frame.drop(CANDIDATES)

    def _memberships_resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The client's active membership of the program, ``membership_id``. A client outside
        the program (or held out as its control group, or whose membership ended or is only
        proposed) is an error."""
        client_ids = frame.get_column("client_id").drop_nulls().unique().to_list()
        members = pl.DataFrame(
            [
                row
                for start in range(0, len(client_ids), LOOKUP_CHUNK)
                for row in Membership.objects.filter(
                    client_id__in=client_ids[start : start + LOOKUP_CHUNK],
                    group=MembershipGroup.MEMBER,
                    state=MembershipState.ACTIVE,
                ).values_list("client_id", "program_id", "id")
            ],
            schema={"client_id": pl.Int64, "program_id": pl.Int64, "membership_id": pl.Int64},
            orient="row",
        )
        frame = frame.join(
            members, on=["client_id", "program_id"], how="left", maintain_order="left"
        )
        self.problems.add(
            frame,
            where=pl.col("client_id").is_not_null()
            & pl.col("program_id").is_not_null()
            & pl.col("membership_id").is_null(),
            field="client" if self.columns.has("client") else "tax_id",
            message=pl.format(
                _("the client is not a member of {}: the head of sales enrols it first"),
                quoted(pl.col("program")),
            ),
        )
        return frame

    def write(self, frame: pl.DataFrame) -> None:
        memberships = Membership.objects.select_related("program").in_bulk(
            frame.get_column("membership_id").to_list()
        )
        updated = 0
        for done, (membership_id, limit, delay) in enumerate(
            frame.select("membership_id", *_TERMS).iter_rows(), start=1
        ):
            membership = memberships[membership_id]
            credit_limit: Decimal | None = (
                limit if self.columns.has("credit_limit") else membership.credit_limit
            )
            payment_delay_days: int | None = (
                delay if self.columns.has("payment_delay_days") else membership.payment_delay_days
            )
            if (credit_limit, payment_delay_days) != (
                membership.credit_limit,
                membership.payment_delay_days,
            ):
                membership_credit_set(
                    membership=membership,
                    credit_limit=credit_limit,
                    payment_delay_days=payment_delay_days,
                )
                updated += 1
            self.context.progress(done, frame.height)
        self.counts.add("memberships", updated=updated, unchanged=frame.height - updated)
