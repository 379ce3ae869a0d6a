"""Contact persons: 1C's contact information of the partners ("Контактные лица партнеров"), one
row per person, the client named by its ИНН or its exact name.

A person is known by its code in the file (Код) where the file gives one, else by its name
within its client: the same file imported again changes nothing, a corrected one only the
persons it corrects. A column the file lacks leaves what is stored as it is; a file never
deactivates anyone (a person who left is deactivated on the card). Nothing is created but
contacts: an unknown client is an error naming its row and column. Every value is held to the
rule of the card and the API (``contact_details_problems``) and written by the same service.
"""

import polars as pl
from django.utils.translation import gettext as _

from upsell.clients.contacts import (
    ContactDetails,
    contact_create,
    contact_details_problems,
    contact_update,
)
from upsell.clients.models import Client, Contact, ContactDecision
from upsell.core.bulk import LOOKUP_CHUNK
from upsell.imports.formats.columns import header_normalise
from upsell.imports.formats.readers import ROW
from upsell.imports.formats.values import quoted, tax_id_parse
from upsell.imports.importers.base import COLUMN, Importer, parsed_by_value, repeats_check
from upsell.imports.importers.references import CANDIDATES, client_named_check, clients_resolve
from upsell.imports.models import ImportKind

DETAILS = ("name", "position", "phones", "email", "messenger", "decision", "note", "external_id")
_KEY = "_contact_key"

# The words 1C and people write for the part a person takes in the decision to buy.
_DECISION_SPELLINGS: dict[str, tuple[str, ...]] = {
    ContactDecision.DECIDES: (
        "decides", "принимает решение", "лпр", "лицо, принимающее решение", "руководитель",
        "директор",
    ),
    ContactDecision.INFLUENCES: ("influences", "влияет", "влияет на решение", "лвр"),
    ContactDecision.BUYS: (
        "buys", "places orders", "размещает заказы", "закупщик", "снабженец", "заказывает",
    ),
    ContactDecision.PAYS: ("pays", "оплачивает", "бухгалтер", "бухгалтерия"),
    ContactDecision.USES: ("uses", "uses the goods", "пользователь", "пользуется товаром"),
    ContactDecision.OTHER: ("other", "другое", "прочее"),
}  # fmt: skip
DECISION_WORDS = {
    word: decision for decision, words in _DECISION_SPELLINGS.items() for word in words
}


class ContactsImporter(Importer):
    kind = ImportKind.CONTACTS
    text_limits = {"client": 300}

    def check(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = self.cleaned(frame)
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.String).alias(name)
            for name in ("client", "tax_id", *DETAILS)
            if not self.columns.has(name)
        )
        frame = parsed_by_value(frame, "tax_id", tax_id_parse)
        if self.columns.has("tax_id"):
            self.problems.add_parsed(frame, "tax_id")
        client_named_check(frame, problems=self.problems, columns=self.columns)
        frame = self._decisions(frame)
        self._details_check(frame)
        return frame.select(ROW, "client", "tax_id", *DETAILS)

    def _decisions(self, frame: pl.DataFrame) -> pl.DataFrame:
        words = pl.DataFrame(
            {"_word": list(DECISION_WORDS), "_decision": list(DECISION_WORDS.values())}
        )
        frame = frame.with_columns(
            pl.col("decision").map_elements(header_normalise, return_dtype=pl.String).alias("_word")
        ).join(words, on="_word", how="left", maintain_order="left")
        self.problems.add(
            frame,
            where=pl.col("decision").is_not_null() & pl.col("_decision").is_null(),
            field="decision",
            message=pl.format(
                _("{} is not a part in the decision: write ЛПР, влияет, закупщик, бухгалтер, "
                  "пользователь or другое"),
                quoted(pl.col("decision")),
            ),
        )  # fmt: skip
        return frame.with_columns(pl.col("_decision").alias("decision")).drop("_word", "_decision")

    def _details_check(self, frame: pl.DataFrame) -> None:
        """Each row held to the rule of a contact's details; a cell faulted already is not
        faulted again."""
        faulted = set(self.problems.frame().select(ROW, COLUMN).iter_rows())
        for row in frame.select(ROW, *DETAILS).iter_rows(named=True):
            details = ContactDetails(**{name: row[name] or "" for name in DETAILS})
            for name, message in contact_details_problems(details).items():
                if not self.columns.has(name):
                    continue
                column = self.columns.header(name)
                if (row[ROW], column) in faulted:
                    continue
                self.problems.add_one(
                    row=row[ROW],
                    position=self.columns.position(name),
                    column=column,
                    message=str(message).removesuffix("."),
                )

    def resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        field = "client" if self.columns.has("client") else "tax_id"
        frame = clients_resolve(
            frame,
            problems=self.problems,
            field=field,
            missing=_("no such client: import it with the clients or shipments file first"),
        ).drop(CANDIDATES)
        frame = frame.with_columns(
            pl.concat_str(
                pl.col("client_id").cast(pl.String),
                pl.when(pl.col("external_id").is_not_null())
                .then(pl.concat_str(pl.lit("code:"), pl.col("external_id")))
                .otherwise(pl.concat_str(pl.lit("name:"), pl.col("name"))),
                separator="|",
            ).alias(_KEY)
        )
        repeats_check(
            frame,
            self.problems,
            key=_KEY,
            field="external_id" if self.columns.has("external_id") else "name",
            among=pl.col("client_id").is_not_null(),
        )
        return self._stored_resolve(frame.drop(_KEY))

    def _stored_resolve(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``contact_id``: the stored person each row is, by code, else by name; a name several
        stored persons of the client have is an error."""
        client_ids = frame.get_column("client_id").drop_nulls().unique().to_list()
        stored = [
            row
            for start in range(0, len(client_ids), LOOKUP_CHUNK)
            for row in Contact.objects.filter(
                client_id__in=client_ids[start : start + LOOKUP_CHUNK]
            ).values_list("id", "client_id", "name", "external_id")
        ]
        by_code = {(client, code): pk for pk, client, _name, code in stored if code}
        by_name: dict[tuple[int, str], list[int]] = {}
        for pk, client, name, _code in stored:
            by_name.setdefault((client, name), []).append(pk)
        found: list[int | None] = []
        for row, client, name, code in frame.select(
            ROW, "client_id", "name", "external_id"
        ).iter_rows():
            if client is None:
                found.append(None)
            elif code is not None:
                found.append(by_code.get((client, code)))
            else:
                same = by_name.get((client, name), [])
                found.append(same[0] if len(same) == 1 else None)
                if len(same) > 1:
                    self.problems.add_one(
                        row=row,
                        position=self.columns.position("name"),
                        column=self.columns.header("name"),
                        message=_(
                            "{count} contacts of the client have this name: give the Код to "
                            "tell which"
                        ).format(count=len(same)),
                    )
        return frame.with_columns(pl.Series("contact_id", found, dtype=pl.Int64))

    def write(self, frame: pl.DataFrame) -> None:
        present = [name for name in DETAILS if self.columns.has(name)]
        contacts = Contact.objects.select_related("client").in_bulk(
            frame.get_column("contact_id").drop_nulls().to_list()
        )
        clients = Client.objects.in_bulk(frame.get_column("client_id").unique().to_list())
        created = updated = 0
        for done, row in enumerate(frame.iter_rows(named=True), start=1):
            contact = contacts.get(row["contact_id"])
            given = {name: row[name] or "" for name in present}
            if contact is None:
                contact_create(
                    client=clients[row["client_id"]],
                    details=ContactDetails(**given),
                    by=None,
                )
                created += 1
            else:
                details = ContactDetails(
                    **({name: getattr(contact, name) for name in DETAILS} | given)
                )
                if details.cleaned() != ContactDetails(
                    **{name: getattr(contact, name) for name in DETAILS}
                ):
                    contact_update(contact=contact, details=details, by=None)
                    updated += 1
            self.context.progress(done, frame.height)
        self.counts.add(
            "contacts", created=created, updated=updated, unchanged=frame.height - created - updated
        )
