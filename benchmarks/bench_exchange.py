"""1C's CommerceML exchange against the same data as CSV files, each on a fresh database.

    python -m benchmarks.bench_exchange                       # 100 000 documents, the goal
    python -m benchmarks.bench_exchange --documents 10000     # a quick run

It writes the documents 1C sends in the sale exchange (``Отпуск товара``, one to three lines
each, every buyer with its ИНН, windows-1251) and the same data as 1C's CSV files: the buyers as
a clients file, the lines as a shipments file. Then, for each database, in child processes of
their own on fresh databases (SQLite in a temporary file; PostgreSQL in a scratch database on
127.0.0.1, user postgres, created and dropped here), with the catalogue loaded first untimed:

- csv: ``import_path`` of the clients file, then of the shipments file;
- exchange: ``exchange_file_import`` of the documents file: read safely, turned into the
  import's tables, imported in one transaction; then the same file again (nothing changes).

The goal: the exchange within 2× of the CSV import.
"""

import argparse
import json
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from benchmarks import harness

GOAL = 2.0


def generate(work: Path, *, documents: int, seed: int = 1) -> int:
    """Write documents.xml, clients.csv, shipments.csv and products.csv; the line count."""
    rng = np.random.default_rng(seed)
    clients = max(50, documents // 20)
    tax_ids = harness.tax_ids(clients, rng)
    products = 400
    prices = rng.integers(50_00, 25_000_00, size=products)
    first = date(2024, 1, 1)
    xml = [
        '<?xml version="1.0" encoding="windows-1251"?>\n'
        '<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.08" '
        'ДатаФормирования="2026-12-01T09:30:00">\n'
    ]
    csv = ["Номер;Дата;Контрагент;ИНН;Артикул;Номенклатура;Количество;Цена;Сумма\n"]
    lines = 0
    for number in range(1, documents + 1):
        client = int(rng.integers(0, clients))
        day = (first + timedelta(days=int(rng.integers(0, 700)))).isoformat()
        name, tax_id = f"Компания {client}", tax_ids[client]
        goods = []
        for _line in range(int(rng.integers(1, 4))):
            product = int(rng.integers(0, products))
            quantity = int(rng.integers(1, 60))
            price = int(prices[product])
            amount = price * quantity
            sku, title = f"ART-{product:05d}", f"Товар номер {product}"
            money = f"{price // 100}.{price % 100:02d}"
            total = f"{amount // 100}.{amount % 100:02d}"
            goods.append(
                f"<Товар><Ид>{sku}</Ид><Артикул>{sku}</Артикул><Наименование>{title}"
                f'</Наименование><БазоваяЕдиница Код="796">шт</БазоваяЕдиница>'
                f"<ЦенаЗаЕдиницу>{money}</ЦенаЗаЕдиницу><Количество>{quantity}</Количество>"
                f"<Сумма>{total}</Сумма></Товар>\n"
            )
            csv.append(
                f"РТ-{number:06d};{day};{name};{tax_id};{sku};{title};{quantity};{money};{total}\n"
            )
            lines += 1
        xml.append(
            f"<Документ><Ид>{number}</Ид><Номер>РТ-{number:06d}</Номер><Дата>{day}</Дата>"
            "<ХозОперация>Отпуск товара</ХозОперация><Роль>Продавец</Роль><Валюта>RUB</Валюта>"
            "<Курс>1</Курс><Контрагенты><Контрагент>"
            f"<Ид>{client}</Ид><Наименование>{name}</Наименование><ПолноеНаименование>"
            f"ООО «{name}»</ПолноеНаименование><Роль>Покупатель</Роль><ИНН>{tax_id}</ИНН>"
            "</Контрагент></Контрагенты>\n<Товары>\n" + "".join(goods) + "</Товары></Документ>\n"
        )
    xml.append("</КоммерческаяИнформация>\n")
    (work / "documents.xml").write_bytes("".join(xml).encode("cp1251"))
    (work / "shipments.csv").write_text("".join(csv), encoding="utf-8")
    (work / "clients.csv").write_text(
        "Контрагент;ИНН\n"
        + "".join(f"Компания {c};{tax_id}\n" for c, tax_id in enumerate(tax_ids)),
        encoding="utf-8",
    )
    (work / "products.csv").write_text(
        "Артикул;Номенклатура\n"
        + "".join(f"ART-{p:05d};Товар номер {p}\n" for p in range(products)),
        encoding="utf-8",
    )
    return lines


# --- One database and one peer, in a child process (Django is set up once per process) ----


def _child(peer: str, work: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from upsell.accounts.models import Role, User
    from upsell.exchange.services import exchange_file_import, exchange_session_start
    from upsell.exchange.services import session_folder as folder_of
    from upsell.imports.models import ImportStatus
    from upsell.imports.services import import_path

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(username="1c-exchange", role=Role.HEAD_OF_SALES)
    assert import_path(path=work / "products.csv").status == ImportStatus.SUCCEEDED
    result: dict[str, float] = {}
    if peer == "csv":
        started = time.perf_counter()
        for name in ("clients.csv", "shipments.csv"):
            run = import_path(path=work / name, imported_by=user)
            if run.status != ImportStatus.SUCCEEDED:
                raise SystemExit(f"{name} failed: {run.errors[:5]}")
        result["seconds"] = time.perf_counter() - started
    else:
        settings.UPSELL_EXCHANGE_USER = user.username
        settings.UPSELL_EXCHANGE_DIR = work / f"exchange-{os.getpid()}"
        session = exchange_session_start(user=user)
        folder = folder_of(session)
        folder.mkdir(parents=True)
        (folder / "documents.xml").symlink_to(work / "documents.xml")
        started = time.perf_counter()
        exchange_file_import(session=session, file_name="documents.xml")
        result["seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        exchange_file_import(session=session, file_name="documents.xml")
        result["again"] = time.perf_counter() - started
    print(json.dumps(result))


def _measure(database: str, peer: str, work: Path) -> dict[str, float]:
    return harness.child_measured(
        database=database,
        module="benchmarks.bench_exchange",
        arguments=[peer, str(work)],
        sqlite_path=work / f"{peer}.sqlite3",
        # 100 000 documents are a file of about 100 MB, past the default limit of one file.
        environment={"UPSELL_FILE_MAX_MB": "500"},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        _child(options.child[0], Path(options.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="bench_exchange_") as directory:
        work = Path(directory)
        started = time.perf_counter()
        lines = generate(work, documents=options.documents)
        size = (work / "documents.xml").stat().st_size / 1e6
        print(
            f"generated {options.documents} documents, {lines} lines ({size:.0f} MB of XML) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        for database in options.databases.split(","):
            csv = _measure(database, "csv", work)
            exchange = _measure(database, "exchange", work)
            ratio = exchange["seconds"] / csv["seconds"]
            verdict = "MET" if ratio <= GOAL else "NOT MET"
            print(
                f"exchange {options.documents} documents  {database}: exchange "
                f"{exchange['seconds']:.1f} s, csv files {csv['seconds']:.1f} s, ratio "
                f"{ratio:.2f} (goal ≤ {GOAL:.0f}×: {verdict})  "
                f"(same exchange again: {exchange['again']:.1f} s)"
            )


if __name__ == "__main__":
    main()
