"""``upsell programs_load programs.json``: top management's programs, written down as a file.

The file is a list of programs, each with the fields of ``ProgramTerms`` (dates as
``YYYY-MM-DD``, amounts and rates as decimal text, tiers as ``{"threshold", "rate"}``). Every
program is created and put in force through the same services as on the screen, as the first
top-management user; a program of the same name and period is left as it is, so loading the
file again changes nothing. One program the services refuse refuses the whole file.
"""

import datetime as dt
import json
from dataclasses import fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.programs.selectors import program_of_period
from upsell.programs.services.terms import ProgramTerms, Tier, program_activate, program_create

_TERMS_FIELDS = frozenset(field.name for field in fields(ProgramTerms))


def _terms(entry: dict[str, Any]) -> ProgramTerms:
    """The terms an entry of the file states; ValueError (or KeyError, TypeError) for one that
    cannot be read."""
    unknown = sorted(set(entry) - _TERMS_FIELDS)
    if unknown:
        raise ValueError(_("unknown fields: {fields}").format(fields=", ".join(unknown)))
    values = dict(entry)
    values["period_start"] = dt.date.fromisoformat(entry["period_start"])
    values["period_end"] = dt.date.fromisoformat(entry["period_end"])
    values["tiers"] = tuple(
        Tier(threshold=Decimal(tier["threshold"]), rate=Decimal(tier["rate"]))
        for tier in entry.get("tiers", ())
    )
    for name in ("eligible_statuses", "eligible_segments", "eligible_regions"):
        values[name] = tuple(entry.get(name, ()))
    if entry.get("credit_limit") is not None:
        values["credit_limit"] = Decimal(entry["credit_limit"])
    return ProgramTerms(**values)


class Command(BaseCommand):
    help = (
        "Create and activate the sales programs of a JSON file as the first top-management "
        "user; a program of the same name and period is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, metavar="PATH")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from None
        if not isinstance(entries, list):
            raise CommandError(_("{path}: not a list of programs").format(path=path))
        programs = [self._read(path, number, entry) for number, entry in enumerate(entries, 1)]
        author = (
            User.objects.filter(role=Role.TOP_MANAGEMENT, is_active=True).order_by("pk").first()
        )
        if author is None:
            raise CommandError(_("no active top-management user: import the staff first"))
        with transaction.atomic():
            for number, terms in enumerate(programs, start=1):
                self._load(path, number, terms, author)

    def _read(self, path: Path, number: int, entry: object) -> ProgramTerms:
        try:
            if not isinstance(entry, dict):
                raise TypeError(_("not a program"))
            return _terms(entry)
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise CommandError(
                _("{path}, program {number}: {error}").format(path=path, number=number, error=error)
            ) from None

    def _load(self, path: Path, number: int, terms: ProgramTerms, author: User) -> None:
        if program_of_period(
            name=terms.name, period_start=terms.period_start, period_end=terms.period_end
        ):
            self.stdout.write(_("{name}: left as it is").format(name=terms.name))
            return
        try:
            program = program_activate(program=program_create(terms=terms, by=author), by=author)
        except ValidationError as refused:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in refused.message_dict.items()
            )
            raise CommandError(
                _("{path}, program {number} ({name}): {problems}").format(
                    path=path, number=number, name=terms.name, problems=problems
                )
            ) from None
        self.stdout.write(
            _("{name}: created and in force, {start}–{end}").format(
                name=program.name, start=program.period_start, end=program.period_end
            )
        )
