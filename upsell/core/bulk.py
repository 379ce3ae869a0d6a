"""Writing many rows at the database's own bulk speed.

``bulk_create`` builds a model instance and a parameter list per row; for the hundreds of
thousands of rows an import or an audit writes, that costs several times the database's own
bulk path. These helpers hand plain tuples to ``executemany`` (SQLite) or ``COPY`` (PostgreSQL)
on Django's connection, inside the caller's transaction. Values must already be what the
column stores (str, int, Decimal, date, bool, None; JSON as a string).
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

COPY_BATCH_ROWS = 10_000


def rows_insert(
    *, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``) into ``model``'s table; the count."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
    quoted = ", ".join(connection.ops.quote_name(str(column)) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == COPY_BATCH_ROWS:
                    cursor.executemany(
                        f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",  # noqa: S608
                        batch,
                    )
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(
                    f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",  # noqa: S608
                    batch,
                )
                count += len(batch)
    return count
