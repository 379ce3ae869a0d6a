"""Recording changes. The service that owns a write calls ``changes_record`` with the fields it
changed, in the same transaction as the write; a bulk write records all its changes in one
``bulk_create``."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from upsell.accounts.models import User
from upsell.history.models import Change, ChangeSource, Subject

BATCH = 2000

type Stored = str | int | float | bool | list[object] | None


@dataclass(frozen=True, kw_only=True)
class FieldChange:
    """One field of one thing, before and after."""

    subject: Subject
    object_id: int | None
    field: str
    before: object
    after: object
    month: dt.date | None = None


def value_stored(value: object) -> Stored:
    """``value`` as the JSON figure kept for it: decimals as their text, dates as ISO text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [value_stored(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} is not a value a change keeps")


def fields_changed(
    *,
    subject: Subject,
    object_id: int | None,
    before: Mapping[str, object],
    after: Mapping[str, object],
    month: dt.date | None = None,
) -> list[FieldChange]:
    """A change for each field of ``after`` whose stored value differs from ``before``'s."""
    return [
        FieldChange(
            subject=subject,
            object_id=object_id,
            month=month,
            field=name,
            before=before.get(name),
            after=value,
        )
        for name, value in after.items()
        if value_stored(before.get(name)) != value_stored(value)
    ]


def changes_record(*, changes: Iterable[FieldChange], by: User | None, source: ChangeSource) -> int:
    """Keep ``changes`` as made by ``by`` through ``source``, now; the rows written. A change
    whose value did not move is left out."""
    # Written last field first: pages list the newest first (by time, then id), and so read a
    # change's fields in the order the caller gave them.
    rows = [
        Change(
            subject=change.subject,
            object_id=change.object_id,
            month=change.month,
            field=change.field,
            before=before,
            after=after,
            source=source,
            changed_by=by,
        )
        for change in reversed(list(changes))
        if (before := value_stored(change.before)) != (after := value_stored(change.after))
    ]
    Change.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
