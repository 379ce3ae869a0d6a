"""Moving whole columns between polars and the database, on Django's own connection.

An import writes up to millions of rows. Model instances and ``bulk_create`` would spend
most of the time building Python objects, so rows go in through each database's own bulk
path instead: ``executemany`` on SQLite, ``COPY`` (psycopg 3's ``cursor.copy()``) on
PostgreSQL, inside the caller's transaction. Ids are reserved up front, so a new row's id is
known without reading it back, and rows referring to it are joined to it in polars.
"""

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import NOT_PROVIDED, DateTimeField, Field, Model, QuerySet
from django.utils import timezone
from polars._typing import PolarsDataType
from psycopg.copy import QueuedLibpqWriter

CHUNK_ROWS = 100_000
# Bound on the values of one ``IN (...)``: within SQLite's limit on parameters.
LOOKUP_CHUNK = 10_000
# Values bound by one multi-row INSERT on SQLite (its own limit before 3.32). More make it no
# faster: a million lines went in 1.8 s a hundred rows a statement, 2.9 s at the 250 000
# values SQLite now allows (a longer program, and Django rewriting every placeholder of it).
SQLITE_VALUES_PER_STATEMENT = 999


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], attname: str) -> str:
    field = model._meta.get_field(attname)
    if not isinstance(field, Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{attname} is not a column")
    return connection.ops.quote_name(field.column)


def ids_reserve(*, model: type[Model], count: int) -> pl.Series:
    """``count`` fresh primary keys of ``model``'s table, for rows about to be inserted.

    The table is locked against other writers until the import's transaction ends, so the
    range taken stays the import's own and the ids are consecutive.
    """
    if count == 0:
        return pl.Series("id", [], dtype=pl.Int64)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Other inserts (and the ids their defaults draw) wait for this lock, so moving
            # the sequence past the range in one step is safe.
            cursor.execute(f"LOCK TABLE {_table(model)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [model._meta.db_table, model._meta.db_table, count],
            )
            (last,) = cursor.fetchone()
            first = last - count + 1
        else:
            # SQLite has one writer at a time: the import's transaction holds the write lock.
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {_table(model)}")  # noqa: S608
            (highest,) = cursor.fetchone()
            cursor.execute(
                "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = %s",
                [model._meta.db_table],
            )
            (sequence,) = cursor.fetchone()
            first = max(highest, sequence) + 1
    return pl.Series("id", range(first, first + count), dtype=pl.Int64)


def _database_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Values in the form each database stores what the ORM would give it.

    Dates as ISO text; times in UTC (naive on SQLite). Decimals go to PostgreSQL as their
    exact text; SQLite's ``decimal`` columns keep numbers as REAL (or INTEGER when whole)
    whether given text or a float, so they go as floats, which bind several times faster.
    """
    if connection.vendor == "postgresql":
        return frame.with_columns(
            pl.col(pl.Date).dt.to_string("%Y-%m-%d"),
            pl.col(pl.Datetime).dt.to_string("%Y-%m-%d %H:%M:%S%.6f%:z"),
            pl.col(pl.Decimal).cast(pl.String),
        )
    return frame.with_columns(
        pl.col(pl.Date).dt.to_string("%Y-%m-%d"),
        pl.col(pl.Datetime)
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
        .dt.to_string("%Y-%m-%d %H:%M:%S%.6f"),
        pl.col(pl.Decimal).cast(pl.Float64),
    )


def _moment(value: datetime) -> pl.Expr:
    return pl.lit(value, dtype=pl.Datetime("us", "UTC"))


def _literal(value: object) -> pl.Expr:
    """A field's default as a column value, in the form the database takes it."""
    match value:
        case None:
            return pl.lit(None, dtype=pl.String)
        case datetime():
            return _moment(value)
        case Decimal():
            return pl.lit(str(value))
        case dict() | list():
            return pl.lit(json.dumps(value))
        case _:
            return pl.lit(value)


def _defaults_complete(model: type[Model], frame: pl.DataFrame) -> pl.DataFrame:
    """Add the columns ``frame`` lacks with the values the ORM would give them.

    Django keeps most defaults in Python, not in the table: a row written without the ORM
    must carry them itself, whatever fields the model gains later.
    """
    now = timezone.now()
    missing = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in frame.columns:
            continue
        if field.db_default is not NOT_PROVIDED:
            continue
        if isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):
            missing[field.attname] = _moment(now)
            continue
        # The ORM's own default: the declared one, else "" for text, else NULL.
        default = field.get_default()
        if default is None:
            if not field.null:
                raise ValueError(
                    f"{model.__name__}.{field.name} has no default: the rows must give it"
                )
            # The column is NULL without being named: a row names only what it gives.
            continue
        missing[field.attname] = _literal(default)
    return frame.with_columns(value.alias(name) for name, value in missing.items())


def _auto_now_complete(model: type[Model], frame: pl.DataFrame) -> pl.DataFrame:
    now = _moment(timezone.now())
    return frame.with_columns(
        now.alias(field.attname)
        for field in model._meta.concrete_fields
        if isinstance(field, DateTimeField) and field.auto_now and field.attname not in frame
    )


def rows_insert(
    *,
    model: type[Model],
    frame: pl.DataFrame,
    progress: Callable[[int], None] | None = None,
    ids_reserved: bool = False,
) -> None:
    """Insert every row of ``frame``, whose columns are attnames of ``model``'s fields.

    With ``ids_reserved``, rows without an id are given ids reserved all at once on
    PostgreSQL (see ``ids_reserve``, which locks the table against other writers until the
    transaction ends): ``COPY`` drawing each row's id from the sequence took a fifth of the
    time of a million lines' ``COPY``. SQLite numbers its rows faster than it binds ids.
    """
    if frame.height == 0:
        return
    if ids_reserved and connection.vendor == "postgresql" and "id" not in frame.columns:
        frame = frame.with_columns(ids_reserve(model=model, count=frame.height))
    frame = _database_ready(_defaults_complete(model, frame))
    columns = ", ".join(_column(model, name) for name in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A writer thread sends each chunk while the next one is being formatted.
            # Non-numeric values are quoted, so an empty string stays apart from NULL.
            with cursor.cursor.copy(
                f"COPY {_table(model)} ({columns}) FROM STDIN (FORMAT csv)",
                writer=QueuedLibpqWriter(cursor.cursor),
            ) as copy:
                for chunk in frame.iter_slices(CHUNK_ROWS):
                    copy.write(chunk.write_csv(include_header=False, quote_style="non_numeric"))
                    if progress:
                        progress(chunk.height)
            return
        # Many rows per statement: SQLite then binds and steps through a statement per
        # hundred rows instead of per row, several times faster than one row at a time.
        limit = min(SQLITE_VALUES_PER_STATEMENT, connection.features.max_query_params or 999)
        per_statement = max(1, limit // frame.width)
        for chunk in frame.iter_slices(CHUNK_ROWS):
            for statement, parameters in _statements(chunk, per_statement):
                sql = f"INSERT INTO {_table(model)} ({columns}) VALUES {statement}"  # noqa: S608
                # Django's SQLite cursor takes any iterable here, the stubs say Sequence.
                cursor.executemany(sql, parameters)  # type: ignore[arg-type]
            if progress:
                progress(chunk.height)


def _statements(
    frame: pl.DataFrame, per_statement: int
) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    """(VALUES list, parameters of each statement) to insert ``frame`` ``per_statement`` rows
    a statement, then the rows left over in one statement of their own."""
    width = frame.width
    flat: list[Any] = [None] * (frame.height * width)
    for position, series in enumerate(frame.iter_columns()):
        flat[position::width] = series.to_list()
    step = per_statement * width
    full = len(flat) - len(flat) % step
    row = "(" + ", ".join(["%s"] * width) + ")"
    if full:
        yield (
            ", ".join([row] * per_statement),
            (tuple(flat[start : start + step]) for start in range(0, full, step)),
        )
    if full < len(flat):
        rest = (len(flat) - full) // width
        yield ", ".join([row] * rest), iter([tuple(flat[full:])])


def _tuples(frame: pl.DataFrame) -> Iterator[tuple[Any, ...]]:
    # Column lists zipped are several times faster than polars building row tuples.
    return zip(*(series.to_list() for series in frame.iter_columns()), strict=True)


def rows_update(*, model: type[Model], frame: pl.DataFrame) -> None:
    """Set the other columns of ``frame`` on the rows whose ``id`` it holds."""
    if frame.height == 0:
        return
    frame = _database_ready(_auto_now_complete(model, frame))
    fields = [name for name in frame.columns if name != "id"]
    assignments = ", ".join(f"{_column(model, name)} = %s" for name in fields)
    sql = f"UPDATE {_table(model)} SET {assignments} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in frame.select(*fields, "id").iter_slices(CHUNK_ROWS):
            cursor.executemany(sql, _tuples(chunk))  # type: ignore[arg-type]


def values_frame(
    queryset: QuerySet[Any],
    *,
    fields: Sequence[str],
    schema: Mapping[str, PolarsDataType],
) -> pl.DataFrame:
    """The ``fields`` of the rows of ``queryset`` as a frame, through the ORM's converters."""
    rows = list(queryset.values_list(*fields))
    return pl.DataFrame(rows, schema=schema, orient="row")


def rows_where_in(
    *,
    model: type[Model],
    lookup: str,
    values: Sequence[str | int],
    fields: Sequence[str],
    schema: Mapping[str, PolarsDataType],
) -> pl.DataFrame:
    """The ``fields`` of ``model``'s rows whose ``lookup`` is one of ``values``.

    The values go in as one parameter (an array on PostgreSQL, JSON on SQLite), not as one
    placeholder each: tens of thousands of names or ИНН are a usual lookup here.
    """
    if not values:
        return pl.DataFrame(schema=schema)
    columns = ", ".join(_column(model, name) for name in fields)
    condition, parameter = _where_in(model, lookup, values)
    return query_frame(
        f"SELECT {columns} FROM {_table(model)} WHERE {condition}",  # noqa: S608
        [parameter],
        schema=schema,
    )


def column_set_where_in(*, model: type[Model], field: str, value: str, ids: Sequence[int]) -> int:
    """Set ``field`` to ``value`` on the rows whose id is one of ``ids``, in one statement
    whatever their number (the ids go in as one parameter); the rows set."""
    if not ids:
        return 0
    condition, parameter = _where_in(model, "id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(model)} SET {_column(model, field)} = %s WHERE {condition}",  # noqa: S608
            [value, parameter],
        )
        updated: int = cursor.rowcount
    return updated


def _where_in(
    model: type[Model], lookup: str, values: Sequence[str | int]
) -> tuple[str, str | list[str | int]]:
    """The condition that ``lookup`` is one of ``values``, and its one parameter: an array on
    PostgreSQL, JSON on SQLite."""
    if connection.vendor == "postgresql":
        return f"{_column(model, lookup)} = ANY(%s)", list(values)
    return (
        f"{_column(model, lookup)} IN (SELECT value FROM json_each(%s))",  # noqa: S608
        json.dumps(list(values), ensure_ascii=False),
    )


def query_frame(
    sql: str, params: Sequence[Any], *, schema: Mapping[str, PolarsDataType]
) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _rows_estimate(model: type[Model]) -> int:
    """Roughly how many rows the table holds, without counting them (ids are not reused)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) - coalesce(min(id), 0) FROM {_table(model)}")  # noqa: S608
        (spread,) = cursor.fetchone()
    return int(spread)


def _secondary_structures(model: type[Model]) -> list[tuple[str, str]]:
    """(drop, create) statements for the table's secondary indexes, and on PostgreSQL its
    unique constraints and foreign keys, all as the database itself describes them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                SELECT format('DROP INDEX %%I', i.relname), pg_get_indexdef(x.indexrelid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                UNION ALL
                SELECT format('ALTER TABLE %%I DROP CONSTRAINT %%I', %s, c.conname),
                       format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', %s, c.conname,
                              pg_get_constraintdef(c.oid))
                FROM pg_constraint c
                WHERE c.conrelid = %s::regclass
                  AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS (
                      SELECT 1 FROM pg_constraint r
                      WHERE r.contype = 'f' AND r.conindid = c.conindid)))
                """,
                [table, table, table, table],
            )
        else:
            cursor.execute(
                "SELECT format('DROP INDEX \"%%w\"', name), sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        return [(drop, create) for drop, create in cursor.fetchall()]


@contextmanager
def bulk_load(*, model: type[Model], rows: int) -> Iterator[None]:
    """Load ``rows`` new rows into ``model``'s table the way a large load goes fastest.

    When the rows are many next to what the table holds (the first import of a company's
    history), keeping every index and foreign key up to date row by row costs several times
    the load itself. So, inside the caller's transaction, the secondary indexes — and on
    PostgreSQL the unique constraints and foreign keys too — are dropped and built again once
    the rows are in, each in one pass that also checks every row, new and old. The rebuild
    holds the table exclusively until the transaction ends; a smaller load keeps them all.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("a bulk load runs inside the import's transaction")
    threshold = settings.UPSELL_IMPORT_REBUILD_MIN_ROWS
    if rows < threshold or rows < _rows_estimate(model) // 2:
        yield
        return
    structures = _secondary_structures(model)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Checks still pending from this transaction's earlier writes would forbid
            # altering the tables: run them now (Django's constraints start deferred again).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for drop, _create in structures:
            cursor.execute(drop)
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _drop, create in structures:
            cursor.execute(create)
