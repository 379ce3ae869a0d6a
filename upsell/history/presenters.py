"""Changes as a page shows them: each field by its label, each value in the reader's language.

The app that owns the thing says how its fields read (``FieldShape``); this module knows no
app's fields.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from upsell.core.money import format_money
from upsell.history.models import Change

EMPTY = "—"

type ValueText = Callable[[object], str]


def plain_text(value: object) -> str:
    if value is None or value == "":
        return EMPTY
    return str(value)


def number_text(value: object) -> str:
    """A count or a threshold (a decimal kept as its text too), with the reader's decimal
    separator."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return plain_text(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return formats.number_format(value)
    return plain_text(value)


def list_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or EMPTY
    return plain_text(value)


def money_text(value: object) -> str:
    return EMPTY if value is None else format_money(Decimal(str(value)))


def yes_no_text(value: object) -> str:
    if value is None:
        return EMPTY
    return _("yes") if value else _("no")


def choice_text(choices: Iterable[tuple[str, StrOrPromise]]) -> ValueText:
    """A stored code (or a list of codes) by its label."""
    labels = {code: str(label) for code, label in choices}

    def text(value: object) -> str:
        if isinstance(value, list):
            return ", ".join(labels.get(str(code), str(code)) for code in value) or EMPTY
        return EMPTY if value in (None, "") else labels.get(str(value), str(value))

    return text


@dataclass(frozen=True)
class FieldShape:
    label: StrOrPromise
    text: ValueText = plain_text


@dataclass(frozen=True)
class ChangeLine:
    change: Change
    label: str
    before: str
    after: str


def change_lines(changes: Iterable[Change], shapes: Mapping[str, FieldShape]) -> list[ChangeLine]:
    lines = []
    for change in changes:
        shape = shapes.get(change.field, FieldShape(change.field))
        lines.append(
            ChangeLine(
                change=change,
                label=str(shape.label),
                before=shape.text(change.before),
                after=shape.text(change.after),
            )
        )
    return lines


# A page shows this many changes of a thing, newest first, and a link to all of them.
CHANGES_SHOWN = 10


@dataclass(frozen=True)
class ChangeList:
    lines: list[ChangeLine]
    # How many older changes the list leaves out (0 when it shows all).
    hidden: int


def change_list(
    changes: QuerySet[Change], shapes: Mapping[str, FieldShape], *, everything: bool
) -> ChangeList:
    """The newest ``CHANGES_SHOWN`` changes (all of them with ``everything``), as lines."""
    if everything:
        return ChangeList(lines=change_lines(changes, shapes), hidden=0)
    shown = list(changes[: CHANGES_SHOWN + 1])
    if len(shown) <= CHANGES_SHOWN:
        return ChangeList(lines=change_lines(shown, shapes), hidden=0)
    return ChangeList(
        lines=change_lines(shown[:CHANGES_SHOWN], shapes), hidden=changes.count() - CHANGES_SHOWN
    )
