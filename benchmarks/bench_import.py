"""Import of shipment lines against the raw bulk load of the same rows, on both databases.

    python -m benchmarks.bench_import                  # 100 000 lines, a quick run
    python -m benchmarks.bench_import --lines 1000000  # the figure that matters
    python -m benchmarks.bench_import --demo           # the demo company's shipments file

It writes a 1C-style shipments CSV (Windows-1251, semicolons, CRLF, "31.12.2025 0:00:00"
dates, non-breaking-space thousands and decimal commas), then for each database, in a child
process of its own on a fresh database (SQLite in a temporary file; PostgreSQL in a scratch
database on 127.0.0.1, user postgres, created and dropped here):

- raw: the same rows, already parsed, loaded into a plain table of the file's columns in one
  transaction — ``executemany`` on SQLite, ``COPY`` on PostgreSQL; only the load is timed;
- upsell: ``import_path`` of the CSV, asked to create missing products, as the task worker
  runs an uploaded file (its URLconf loaded at start; the upload limit raised to the file's
  size): read, decode, validate, create the clients, managers and products it names, hand the
  new clients to their managers, write documents and lines; everything is timed;
- again: the same file imported a second time (nothing changes).

Goal: the import within 2× of the raw load on each database.
"""

import argparse
import json
import math
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks import harness

GOAL = 2.0
PLAIN_TABLE = "bench_raw_shipments"
PLAIN_COLUMNS = (
    ("date", "date"),
    ("number", "text"),
    ("client", "text"),
    ("tax_id", "text"),
    ("manager", "text"),
    ("sku", "text"),
    ("product", "text"),
    ("quantity", "decimal(15, 3)"),
    ("price", "decimal(16, 2)"),
    ("amount", "decimal(16, 2)"),
)
HEADER = "Дата;Номер;Контрагент;ИНН;Менеджер;Артикул;Номенклатура;Количество;Цена;Сумма"
MANAGERS = (
    "Иванова Анна Сергеевна",
    "Петров Борис Николаевич",
    "Смирнова Ольга Викторовна",
    "Кузнецов Дмитрий Андреевич",
    "Соколова Мария Игоревна",
    "Попов Алексей Петрович",
    "Лебедева Екатерина Олеговна",
    "Козлов Игорь Владимирович",
)


def _ru_number(values: np.ndarray, places: int) -> list[str]:
    """``1 234,56`` with a non-breaking space, as 1C writes numbers."""
    unit = 10**places
    return [
        f"{'-' if v < 0 else ''}{abs(v) // unit:,}".replace(",", "\u00a0")
        + (f",{abs(v) % unit:0{places}d}" if places else "")
        for v in values.tolist()
    ]


def generate(path: Path, *, lines: int, seed: int = 1) -> None:
    """Write a synthetic 1C shipments CSV of ``lines`` rows."""
    rng = np.random.default_rng(seed)
    clients = max(50, lines // 60)
    sizes = rng.integers(1, 13, size=lines)  # 1..12 lines per document
    ends = np.cumsum(sizes)
    documents = int(np.searchsorted(ends, lines)) + 1
    sizes = sizes[:documents]
    sizes[-1] -= int(ends[documents - 1] - lines)
    document_of_line = np.repeat(np.arange(documents), sizes)
    first = date(2023, 1, 1)
    days = np.sort(rng.integers(0, 3 * 365, size=documents))
    client_of_document = rng.integers(0, clients, size=documents)
    returns = rng.random(documents) < 0.02
    tax_ids = harness.tax_ids(clients, rng)
    product_of_line = rng.integers(0, 400, size=lines)
    prices = rng.integers(50_00, 25_000_00, size=400)  # kopecks
    quantity = rng.integers(1, 60, size=lines) * 1000  # thousandths
    sign = np.where(returns[document_of_line], -1, 1)
    quantity = quantity * sign
    price = prices[product_of_line]
    amount = price * quantity // 1000
    client = client_of_document[document_of_line]
    dates = [first + timedelta(days=int(d)) for d in days]
    numbers = [f"{'ВЗ' if is_return else 'РТ'}-{i + 1:06d}" for i, is_return in enumerate(returns)]
    frame = pl.DataFrame(
        {
            "date": [dates[d] for d in document_of_line.tolist()],
            "number": [numbers[d] for d in document_of_line.tolist()],
            "client": [f'ООО "Компания {c}"' for c in client.tolist()],
            "tax_id": [tax_ids[c] for c in client.tolist()],
            "manager": [MANAGERS[c % len(MANAGERS)] for c in client.tolist()],
            "sku": [f"ART-{p:05d}" for p in product_of_line.tolist()],
            "product": [f"Товар номер {p}" for p in product_of_line.tolist()],
            "quantity": quantity,
            "price": price,
            "amount": amount,
        }
    )
    text = frame.select(
        pl.col("date").dt.to_string("%d.%m.%Y 0:00:00"),
        "number",
        "client",
        "tax_id",
        "manager",
        "sku",
        "product",
        pl.Series(_ru_number(quantity // 1000, 0)).alias("quantity"),
        pl.Series(_ru_number(price, 2)).alias("price"),
        pl.Series(_ru_number(amount, 2)).alias("amount"),
    ).write_csv(include_header=False, separator=";", line_terminator="\r\n")
    path.write_bytes((HEADER + "\r\n" + text).encode("cp1251"))


def demo_generate(path: Path, *, lines: int) -> None:
    """The demo company's shipments file, its client count chosen for about ``lines`` rows."""
    from upsell.demo import generate as company_generate

    company = company_generate(path.parent / "demo", clients=max(20, lines // 35), seed=1)
    company.files.shipments.rename(path)


def rows_parse(path: Path) -> pl.DataFrame:
    """The rows of a 1C shipments CSV as typed values: what the raw load inserts."""
    text = path.read_bytes().decode("cp1251").encode()
    frame = pl.read_csv(text, separator=";", infer_schema=False)
    frame = frame.rename(
        dict(zip(frame.columns, [name for name, _kind in PLAIN_COLUMNS], strict=False))
    )
    return frame.select(
        pl.col("date").str.slice(0, 10).str.to_date("%d.%m.%Y"),
        *(pl.col(name) for name in ("number", "client", "tax_id", "manager", "sku", "product")),
        *(
            pl.col(name)
            .str.replace_all("[ \u00a0]", "")
            .str.replace(",", ".")
            .cast(pl.Decimal(16, 3))
            .cast(pl.String)
            for name in ("quantity", "price", "amount")
        ),
    )


# --- One database, in a child process (Django is set up once per process) ----------------


def _raw_load(rows: pl.DataFrame) -> float:
    """Seconds to load ``rows`` into a plain table in one transaction: the floor to beat."""
    from django.db import connection, transaction

    columns = ", ".join(f"{name} {kind}" for name, kind in PLAIN_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {PLAIN_TABLE} ({columns})")
    if connection.vendor == "postgresql":
        data = rows.write_csv(include_header=False, quote_style="non_numeric")
        started = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.copy(f"COPY {PLAIN_TABLE} FROM STDIN (FORMAT csv)") as copy,
        ):
            copy.write(data)
        return time.perf_counter() - started
    tuples = list(
        zip(
            *(
                s.to_list()
                for s in rows.with_columns(pl.col("date").cast(pl.String)).iter_columns()
            ),
            strict=True,
        )
    )
    placeholders = ", ".join(["%s"] * len(PLAIN_COLUMNS))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {PLAIN_TABLE} VALUES ({placeholders})", tuples)
    return time.perf_counter() - started


def _child(csv_path: Path, rows_path: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.urls import get_resolver

    from upsell.imports.models import ImportStatus
    from upsell.imports.services import import_path

    call_command("migrate", verbosity=0)
    # An uploaded file is imported by the task worker, which loads the URLconf when it starts
    # (``upsell db_worker``): the import's notifications link pages without paying for it.
    get_resolver().url_patterns  # noqa: B018 - importing the URLconf imports every view
    raw = _raw_load(pl.read_parquet(rows_path))
    started = time.perf_counter()
    run = import_path(path=csv_path, create_products=True)
    upsell = time.perf_counter() - started
    if run.status != ImportStatus.SUCCEEDED:
        raise SystemExit(f"import failed: {run.errors[:5]}")
    started = time.perf_counter()
    again_run = import_path(path=csv_path, create_products=True)
    again = time.perf_counter() - started
    assert again_run.counts["shipment_lines"]["unchanged"] == run.rows_total
    print(json.dumps({"raw": raw, "upsell": upsell, "again": again, "counts": run.counts}))


def _measure(database: str, csv_path: Path, rows_path: Path, work: Path) -> dict[str, float]:
    # A file past the upload limit is imported by an administrator who raised the limit.
    limit_mb = max(100, math.ceil(csv_path.stat().st_size / 2**20) + 1)
    return harness.child_measured(
        database=database,
        module="benchmarks.bench_import",
        arguments=[str(csv_path), str(rows_path)],
        sqlite_path=work / "bench.sqlite3",
        environment={"UPSELL_FILE_MAX_MB": str(limit_mb)},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--demo", action="store_true", help="the demo company's shipments, not a synthetic file"
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        _child(*options.child)
        return
    with tempfile.TemporaryDirectory(prefix="bench_import_") as directory:
        work = Path(directory)
        csv_path = work / "shipments.csv"
        rows_path = work / "rows.parquet"
        started = time.perf_counter()
        (demo_generate if options.demo else generate)(csv_path, lines=options.lines)
        rows = rows_parse(csv_path)
        rows.write_parquet(rows_path)
        lines = rows.height
        print(
            f"generated {lines} lines ({csv_path.stat().st_size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        for database in options.databases.split(","):
            result = _measure(database, csv_path, rows_path, work)
            baseline = "raw executemany" if database == "sqlite" else "raw COPY"
            ratio = result["upsell"] / result["raw"]
            print(
                f"import {lines} lines  {database}: upsell {result['upsell']:.1f} s, "
                f"{baseline} {result['raw']:.1f} s, ratio {ratio:.2f} "
                f"(goal <= {GOAL:.0f}x: {harness.verdict(ratio, GOAL)})"
                f"  (same file again: {result['again']:.1f} s)"
            )


if __name__ == "__main__":
    main()
