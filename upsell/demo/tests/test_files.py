import re
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from stdnum.ru import inn

from upsell.demo import Behaviour, company, generate
from upsell.demo.behaviours import behaviour_counts
from upsell.demo.catalogue import SEGMENTS
from upsell.demo.names import REGIONS
from upsell.demo.tests.conftest import DEMO_CLIENTS, DEMO_TODAY
from upsell.demo.tests.recount import csv_rows, day, documents_read

NBSP = "\xa0"
MONEY = re.compile(r"-?\d{1,3}(\xa0\d{3})*,\d\d")
QUANTITY = re.compile(r"-?\d{1,3}(\xa0\d{3})*(,\d)?")
DATE = re.compile(r"\d\d\.\d\d\.\d{4}")


def test_each_file_has_exactly_the_import_headers_in_its_encoding(demo):
    files = demo.summary.files

    shipments = files.shipments.read_bytes()
    payments = files.payments.read_bytes()
    clients = files.clients.read_bytes()

    assert shipments.decode("cp1251").split("\r\n", 1)[0] == (
        "Дата;Номер;Контрагент;ИНН;Менеджер;Артикул;Номенклатура;Количество;Цена;Сумма"
    )
    assert payments.decode("cp1251").split("\r\n", 1)[0] == (
        "Дата;Номер;Контрагент;ИНН;Сумма;Срок оплаты"
    )
    assert clients.startswith("\ufeff".encode())
    assert clients.decode("utf-8-sig").split("\r\n", 1)[0] == (
        "Контрагент;ИНН;Менеджер;Регион;Сегмент;Партнёр;Бюджетирование;Годовой бюджет;Год бюджета"
    )
    assert files.staff.read_text(encoding="utf-8").split("\n", 1)[0] == (
        "ФИО,Логин,Роль,Руководитель,E-mail"
    )
    assert files.truth.read_text(encoding="utf-8").split("\n", 1)[0] == "tax_id,client,behaviour"
    sheet = openpyxl.load_workbook(files.products, read_only=True).worksheets[0]
    assert next(sheet.iter_rows(max_row=1, values_only=True)) == (
        "Артикул",
        "Номенклатура",
        "Группа",
        "Единица",
    )


def test_shipments_and_payments_are_1c_exports_with_crlf_line_ends(demo):
    for path in (demo.summary.files.shipments, demo.summary.files.payments):
        raw = path.read_bytes()

        assert raw.count(b"\n") == raw.count(b"\r\n")
        assert raw.endswith(b"\r\n")
        assert "\xa0".encode("cp1251") in raw  # thousands separated by a non-breaking space


def test_every_shipment_row_is_in_russian_formats(demo):
    rows = 0
    for document in demo.documents:
        assert re.fullmatch(r"(РТ|ВЗ)-\d{6}", document.number)
        assert 1 <= len(document.lines) <= 12
    for row in csv_rows(demo.summary.files.shipments, encoding="cp1251", delimiter=";"):
        rows += 1
        assert DATE.fullmatch(row["Дата"])
        assert MONEY.fullmatch(row["Цена"]), row["Цена"]
        assert MONEY.fullmatch(row["Сумма"]), row["Сумма"]
        assert QUANTITY.fullmatch(row["Количество"]), row["Количество"]
    assert rows == demo.summary.lines


def test_price_times_quantity_is_the_amount_on_every_line(demo):
    mismatches = [
        line
        for document in demo.documents
        for line in document.lines
        if (line.price * line.quantity).quantize(Decimal("0.01"), ROUND_HALF_UP) != line.amount
    ]

    assert mismatches == []
    assert sum(len(document.lines) for document in demo.documents) == demo.summary.lines


def test_quantities_are_whole_for_pieces_and_packs_and_tenths_for_kilograms_and_metres(demo):
    sheet = openpyxl.load_workbook(demo.summary.files.products, read_only=True).worksheets[0]
    unit = {str(sku): str(unit) for sku, _, _, unit in sheet.iter_rows(min_row=2, values_only=True)}
    decimals: dict[str, set[int]] = defaultdict(set)

    for document in demo.documents:
        for line in document.lines:
            exponent = line.quantity.normalize().as_tuple().exponent
            assert isinstance(exponent, int)
            decimals[unit[line.sku]].add(max(0, -exponent))

    assert decimals == {"шт": {0}, "упак": {0}, "кг": {0, 1}, "м": {0, 1}}


def test_products_are_about_400_skus_in_12_groups_with_four_units(demo):
    sheet = openpyxl.load_workbook(demo.summary.files.products, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))

    assert len(rows) == demo.summary.products == 386
    assert len({sku for sku, _, _, _ in rows}) == 386
    assert len({group for _, _, group, _ in rows}) == 12
    assert {unit for _, _, _, unit in rows} == {"шт", "упак", "кг", "м"}


def test_every_tax_id_is_valid_and_unique_and_every_client_has_a_truth(demo):
    tax_ids = list(demo.clients)

    assert len(tax_ids) == DEMO_CLIENTS
    assert all(inn.is_valid(tax_id) for tax_id in tax_ids)
    assert {len(tax_id) for tax_id in tax_ids} == {10, 12}
    assert all(
        (len(tax_id) == 12) == demo.clients[tax_id]["Контрагент"].startswith("ИП ")
        for tax_id in tax_ids
    )
    assert set(demo.behaviour) == set(tax_ids)
    assert len({row["Контрагент"] for row in demo.clients.values()}) == DEMO_CLIENTS


def test_behaviours_follow_their_shares_and_all_are_present(demo):
    counts = Counter(demo.behaviour.values())

    assert counts == behaviour_counts(clients=DEMO_CLIENTS)
    assert set(counts) == set(Behaviour)
    assert counts[Behaviour.IRREGULAR] == 45
    assert counts[Behaviour.VIP] == 9


def test_clients_name_staff_managers_known_regions_and_segments(demo):
    managers = {row["ФИО"] for row in demo.staff if row["Роль"] == "Менеджер"}

    assert {row["Менеджер"] for row in demo.clients.values()} == managers
    assert {row["Регион"] for row in demo.clients.values()} <= {r.name for r in REGIONS}
    assert {row["Сегмент"] for row in demo.clients.values()} == set(SEGMENTS)
    assert all(
        document.manager == demo.clients[document.tax_id]["Менеджер"]
        and document.client == demo.clients[document.tax_id]["Контрагент"]
        for document in demo.documents
    )


def test_staff_has_every_role_and_every_manager_an_assistant(demo):
    roles = Counter(row["Роль"] for row in demo.staff)
    by_role = defaultdict(list)
    for row in demo.staff:
        by_role[row["Роль"]].append(row["ФИО"])
    managers = by_role["Менеджер"]
    reports_to = {row["ФИО"]: row["Руководитель"] for row in demo.staff}

    assert roles == {
        "ТОП-менеджмент": 1,
        "Руководитель отдела продаж": 1,
        "Администратор": 1,
        "Менеджер": 8,
        "Ассистент": 4,
    }
    assert [reports_to[name] for name in by_role["Ассистент"]] == [
        f"{managers[0]}; {managers[1]}",
        f"{managers[2]}; {managers[6]}",
        f"{managers[3]}; {managers[4]}",
        f"{managers[5]}; {managers[7]}",
    ]
    assert {reports_to[name] for name in managers} == set(by_role["Руководитель отдела продаж"])
    assert reports_to[by_role["Руководитель отдела продаж"][0]] == by_role["ТОП-менеджмент"][0]
    assert len({row["ФИО"] for row in demo.staff}) == len({row["Логин"] for row in demo.staff})
    assert all(len(row["ФИО"].split()) == 3 for row in demo.staff)
    assert all(row["E-mail"] == f"{row['Логин']}@promsnab.example" for row in demo.staff)


def test_document_numbers_run_from_one_each_year_and_identify_a_document(demo):
    numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
    for document in demo.documents:
        prefix, digits = document.number.split("-")
        numbers[(prefix, document.date.year)].append(int(digits))

    assert {key: sorted(found) for key, found in numbers.items()} == {
        key: list(range(1, len(found) + 1)) for key, found in numbers.items()
    }
    assert {year for _, year in numbers} == {2023, 2024, 2025, 2026}


def test_about_two_percent_of_documents_are_returns(demo):
    returns = [document for document in demo.documents if document.is_return]

    assert demo.summary.returns == len(returns)
    assert demo.summary.documents == len(demo.documents) - len(returns)
    assert 0.015 < len(returns) / len(demo.documents) < 0.025
    assert all(document.number.startswith("ВЗ-") for document in returns)
    assert all(
        line.quantity < 0 and line.amount < 0 for document in returns for line in document.lines
    )


def test_payments_are_due_14_30_or_45_days_after_a_shipment_of_their_client(demo):
    shipped_on = defaultdict(set)
    for document in demo.documents:
        if not document.is_return:
            shipped_on[document.tax_id].add(document.date)

    terms: Counter[int] = Counter()
    late = 0
    for payment in demo.payments:
        paid, due = day(payment["Дата"]), day(payment["Срок оплаты"])
        terms.update(
            (due - shipped).days
            for shipped in shipped_on[payment["ИНН"]]
            if (due - shipped).days in (14, 30, 45)
        )
        late += paid > due
        assert paid <= DEMO_TODAY
        assert MONEY.fullmatch(payment["Сумма"])
        assert not payment["Сумма"].startswith("-")
        assert payment["Контрагент"] == demo.clients[payment["ИНН"]]["Контрагент"]
    assert set(terms) == {14, 30, 45}
    assert 0.05 < late / len(demo.payments) < 0.3
    assert len(demo.payments) == demo.summary.payments


def test_payments_cover_most_shipments_some_in_two_parts(demo):
    orders_due_by_now = {
        (document.tax_id, document.date)
        for document in demo.documents
        if not document.is_return and (DEMO_TODAY - document.date).days > 120
    }
    parts = Counter((payment["ИНН"], payment["Срок оплаты"]) for payment in demo.payments)

    assert len(parts) > 0.95 * len(orders_due_by_now)
    assert 0.02 < sum(1 for count in parts.values() if count == 2) / len(parts) < 0.15
    assert max(parts.values()) == 2


def test_the_same_seed_and_day_write_byte_identical_files(demo, tmp_path):
    again = generate(tmp_path, clients=DEMO_CLIENTS, seed=1, today=DEMO_TODAY)

    for name in ("staff", "products", "clients", "shipments", "payments", "orders", "truth"):
        first: Path = getattr(demo.summary.files, name)
        second: Path = getattr(again.files, name)
        assert second.read_bytes() == first.read_bytes(), name


def test_another_seed_writes_another_company(demo, tmp_path):
    other = generate(tmp_path, clients=DEMO_CLIENTS, seed=2, today=DEMO_TODAY)

    assert other.files.shipments.read_bytes() != demo.summary.files.shipments.read_bytes()
    assert other.files.truth.read_bytes() != demo.summary.files.truth.read_bytes()
    assert other.files.orders.read_bytes() != demo.summary.files.orders.read_bytes()


@pytest.mark.parametrize(("clients", "years"), [(0, 3), (10, 1)])
def test_a_company_without_clients_or_history_is_refused_and_nothing_written(
    tmp_path, clients, years
):
    out = tmp_path / "demo"

    with pytest.raises(ValueError, match="at least"):
        generate(out, clients=clients, years=years, today=DEMO_TODAY)

    assert not out.exists()


def test_a_company_written_in_chunks_numbers_its_documents_across_them(tmp_path, monkeypatch):
    monkeypatch.setattr(company, "CHUNK_CLIENTS", 64)

    summary = generate(tmp_path, clients=200, seed=3, today=DEMO_TODAY)

    documents = documents_read(summary.files.shipments)
    numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
    for document in documents:
        prefix, digits = document.number.split("-")
        numbers[(prefix, document.date.year)].append(int(digits))
    assert {key: sorted(found) for key, found in numbers.items()} == {
        key: list(range(1, len(found) + 1)) for key, found in numbers.items()
    }
    payment_numbers = Counter(
        (row["Номер"], row["Дата"][-4:])
        for row in csv_rows(summary.files.payments, encoding="cp1251", delimiter=";")
    )
    assert set(payment_numbers.values()) == {1}
    assert len({document.tax_id for document in documents}) == 200
    assert len(documents) == summary.documents + summary.returns


def test_prices_rise_5_to_10_percent_a_year_in_quarterly_steps(demo):
    first_price: dict[tuple[str, str], tuple[int, Decimal]] = {}
    yearly_rises = []
    for document in sorted(demo.documents, key=lambda item: item.date):
        quarter = document.date.year * 4 + (document.date.month - 1) // 3
        for line in document.lines:
            key = (document.tax_id, line.sku)
            if key not in first_price:
                first_price[key] = (quarter, line.price)
                continue
            since, price = first_price[key]
            if quarter - since >= 4:
                yearly_rises.append(float(line.price / price) ** (4 / (quarter - since)) - 1)

    assert len(yearly_rises) > 900
    assert min(yearly_rises) > 0.049
    assert max(yearly_rises) < 0.101
