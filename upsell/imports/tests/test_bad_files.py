"""A corpus of bad files: each fails whole, with every error named by file, row and column,
and leaves every table as it was."""

import io
from pathlib import Path

import openpyxl
import pytest

from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportRun, ImportStatus
from upsell.imports.problems import Problem
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts
from upsell.products.models import Product

KINDS_DESCRIBED = (
    "staff: ФИО/full_name*, Логин/username, Роль/role*, Руководитель/manager, E-mail/email; "
    "products: Артикул/sku*, Номенклатура/product*, Группа/group, Единица/unit; "
    "clients: Контрагент/client*, ИНН/tax_id, КПП/kpp, Менеджер/manager, Регион/region, "
    "Сегмент/segment, Партнёр/partner, Бюджетирование/plans_budget, "
    "Годовой бюджет/annual_budget, Год бюджета/budget_year; "
    "shipments: Дата/date*, Номер/document*, Контрагент/client*, ИНН/tax_id, "
    "Менеджер/manager, Артикул/sku*, Номенклатура/product, Количество/quantity*, "
    "Цена/price, Сумма/amount*; "
    "payments: Дата/date*, Номер/document, Контрагент/client*, ИНН/tax_id, Сумма/amount*, "
    "Срок оплаты/due_date; "
    "orders: Номер заявки/request*, Дата/date*, Контрагент/client, ИНН/tax_id, Артикул/sku*, "
    "Номенклатура/product, Количество/quantity*, Цена/price*, Скидка, %/discount_percent, "
    "Отсрочка, дней/payment_delay_days, Комментарий/comment; "
    "credit_limits: Контрагент/client, ИНН/tax_id, Программа/program*, "
    "Лимит кредита/credit_limit, Отсрочка платежа (дней)/payment_delay_days; "
    "memberships: Программа/program*, ИНН/tax_id, Контрагент/client, Группа/group, "
    "Дата вступления/joined, Артикул/sku, Количество в месяц/monthly_quantity; "
    "client_budgets: Контрагент/client, ИНН/tax_id, Месяц/month*, Бюджет/budget*; "
    "contacts: Контрагент/client, ИНН/tax_id, Контактное лицо/contact*, Должность/position, "
    "Телефон/phone, Электронная почта/email, Мессенджер/messenger, Роль/decision, "
    "Комментарий/note, Код/code"
)


def _errors(run: ImportRun) -> list[str]:
    return [Problem(**error).format(run.file_name) for error in run.errors]


def _fails_with(path: Path, expected: list[str]) -> None:
    """Importing ``path`` fails with exactly ``expected`` and changes no table."""
    before = table_counts()

    run = import_path(path=path)

    assert _errors(run) == expected
    assert (run.status, run.error_count) == (ImportStatus.FAILED, len(expected))
    assert run.counts == {}
    assert table_counts() == before


def _xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Артикул", "Номенклатура"])
    sheet.append(["A-1", "Болт"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("blank.csv", b" \r\n\r\n", "blank.csv: the file is empty"),
        (
            "truncated.xlsx",
            _xlsx_bytes()[:700],
            "truncated.xlsx: the workbook is damaged or truncated",
        ),
        (
            "picture.xlsx",
            PNG,
            "picture.xlsx: the file is not an Excel workbook, whatever its name says",
        ),
        (
            "broken.csv",
            "Дт;Нмр;Кнтрг\r\n01.03.2025;РТ-1;ИП Сидоров\r\n".encode("cp1251"),
            "broken.csv: cannot read the file: it is neither a workbook nor text in UTF-8, "
            "UTF-16 or Windows-1251 with a header row the import knows",
        ),
        (
            "picture.csv",
            PNG,
            "picture.csv: the file is not text: it holds binary data",
        ),
        (
            "unknown.csv",
            b"Foo;Bar\n1;2\n",
            "unknown.csv: none of its columns (Foo, Bar) is a column the import knows; "
            f"the columns of each kind (* required) are — {KINDS_DESCRIBED}",
        ),
        (
            "ambiguous.csv",
            "Дата;Сумма\n01.03.2025;10\n".encode(),
            "ambiguous.csv: its columns fit several kinds of file (payments, shipments): "
            f"choose the kind; the columns of each kind (* required) are — {KINDS_DESCRIBED}",
        ),
    ],
)
def test_an_unreadable_file_fails_with_a_clear_error_naming_it(
    db: None, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    _fails_with(path, [expected])


def test_missing_and_repeated_columns_are_errors_of_row_1(db: None, tmp_path: Path) -> None:
    path = csv_write(
        tmp_path / "s.csv",
        [
            ("Дата", "Номер", "Контрагент", "Артикул", "Контрагент", "Сумма"),
            ("01.03.2025", "РТ-1", "ИП Сидоров", "A-1", "ИП Сидоров", "10"),
        ],
    )

    _fails_with(
        path,
        [
            "s.csv:1:Контрагент: the column is repeated (first as column 3)",
            "s.csv:1:Количество: required column is missing",
        ],
    )


def test_every_row_error_of_a_shipments_file_is_reported(catalogue: object, tmp_path: Path) -> None:
    good = ["Иванова Анна", "A-1", "2", "10,00", "20,00"]
    path = csv_write(
        tmp_path / "s.csv",
        [
            (
                "Дата",
                "Номер",
                "Контрагент",
                "ИНН",
                "Менеджер",
                "Артикул",
                "Количество",
                "Цена",
                "Сумма",
            ),
            ("01.03.2025", "РТ-1", "ООО Альфа", "7707083893", *good),
            ("", "РТ-2", "ООО Альфа", "7707083893", *good),
            ("31.02.2025", "РТ-3", "ООО Альфа", "7707083893", *good),
            (
                "01.03.2025",
                "РТ-4",
                "ООО Альфа",
                "7707083893",
                "Иванова Анна",
                "A-1",
                "два",
                "10,00",
                "20,00",
            ),
            (
                "01.03.2025",
                "РТ-5",
                "ООО Альфа",
                "7707083893",
                "Иванова Анна",
                "A-1",
                "2",
                "10,00",
                "20,005",
            ),
            ("01.03.2025", "РТ-6", "ООО Альфа", "7707083894", *good),
            ("01.03.2025", "РТ-7", "ООО Альфа", "77070", *good),
            (
                "01.03.2025",
                "РТ-8",
                "ООО Альфа",
                "7707083893",
                "Иванова Анна",
                "A-1",
                "2",
                "10,00",
                "-20,00",
            ),
            (
                "01.03.2025",
                "РТ-9",
                "ООО Альфа",
                "7707083893",
                "Иванова Анна",
                "A-1",
                "2",
                "-10,00",
                "20,00",
            ),
            ("01.03.2025", "РТ-10", "ООО Альфа", "7707083893", *good),
            ("01.03.2025", "РТ-10", "ООО Бета", "", *good),
            ("01.03.2025", "РТ-11", "ООО Альфа", "7707083893", *good, "лишнее"),
            (
                "01.03.2025",
                "",
                "ООО Альфа",
                "7707083893",
                "Иванова Анна",
                "",
                "2",
                "10,00",
                "20,00",
            ),
        ],
    )

    _fails_with(
        path,
        [
            "s.csv:3:Дата: a value is required",
            "s.csv:4:Дата: not a date: «31.02.2025» (write 31.12.2025)",
            "s.csv:5:Количество: not a number: «два» (write 1 234,56)",
            "s.csv:6:Сумма: more than 2 digits after the decimal point: «20,005»",
            "s.csv:7:ИНН: the ИНН's check digits are wrong: «7707083894»",
            "s.csv:8:ИНН: an ИНН has 10 or 12 digits: «77070»",
            "s.csv:9:Сумма: its sign differs from that of Количество: a return has both negative",
            "s.csv:10:Цена: a price cannot be negative",
            "s.csv:12:Контрагент: the document's row 11 names another client: «ООО Альфа»",
            "s.csv:13: the row has more values than the header has columns",
            "s.csv:14:Номер: a value is required",
            "s.csv:14:Артикул: a value is required",
        ],
    )


def test_a_document_naming_two_managers_is_an_error(catalogue: object, tmp_path: Path) -> None:
    path = csv_write(
        tmp_path / "s.csv",
        [
            ("Дата", "Номер", "Контрагент", "Менеджер", "Артикул", "Количество", "Сумма"),
            ("01.03.2025", "РТ-1", "ИП Сидоров", "Иванова Анна", "A-1", "1", "10"),
            ("01.03.2025 0:00:00", "РТ-1", "ИП Сидоров", "Петров Борис", "A-2", "1", "10"),
        ],
    )

    _fails_with(
        path, ["s.csv:3:Менеджер: the document's row 2 names another manager: «Иванова Анна»"]
    )


def test_totals_rows_that_are_not_safely_a_trailing_total_are_errors(
    catalogue: object, tmp_path: Path
) -> None:
    path = csv_write(
        tmp_path / "s.csv",
        [
            ("Дата", "Номер", "Контрагент", "Артикул", "Количество", "Сумма"),
            ("01.03.2025", "РТ-1", "ИП Сидоров", "A-1", "2", "20,00"),
            ("Итого", "", "", "", "2", "20,00"),
            ("02.03.2025", "РТ-2", "ИП Сидоров", "A-1", "1", "10,00"),
            ("Итого:", "", "", "", "3", "35,00"),
        ],
    )

    _fails_with(
        path,
        [
            "s.csv:3:Дата: a totals row in the middle of the data: only data rows belong here",
            "s.csv:5:Дата: the totals row does not add up: Сумма is 35,00, the rows sum to 30,00",
        ],
    )


def test_a_trailing_totals_row_of_a_file_without_sums_is_skipped(db: None, tmp_path: Path) -> None:
    # Given a products list ending with 1C's totals row, which counts the lines
    path = csv_write(
        tmp_path / "p.csv",
        [("Артикул", "Номенклатура"), ("A-1", "Болт"), ("Итого:", "1")],
    )

    run = import_path(path=path)

    # Then it is neither an error nor a product
    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    assert list(Product.objects.values_list("sku", "name")) == [("A-1", "Болт")]


def test_products_errors(db: None, tmp_path: Path) -> None:
    path = csv_write(
        tmp_path / "p.csv",
        [
            ("Артикул", "Номенклатура", "Единица"),
            ("A-1", "Болт", "шт"),
            ("A-1", "Болт другой", "шт"),
            ("", "Гайка", "шт"),
            ("B-1", "", "шт"),
            ("C-1", "Шайба", "упаковка по сто штук!"),
        ],
    )

    _fails_with(
        path,
        [
            "p.csv:3:Артикул: repeats row 2",
            "p.csv:4:Артикул: a value is required",
            "p.csv:5:Номенклатура: a value is required",
            "p.csv:6:Единица: longer than 20 characters",
        ],
    )


def test_clients_errors(db: None, tmp_path: Path) -> None:
    path = csv_write(
        tmp_path / "c.csv",
        [
            ("Контрагент", "ИНН", "Партнёр", "Годовой бюджет", "Год бюджета"),
            ("ООО Альфа", "7707083893", "Да", "100 000", "2025"),
            ("ООО Альфа-2", "7707083893", "Нет", "", ""),
            ("ООО Бета", "", "Может быть", "", ""),
            ("ООО Гамма", "", "", "-5", "2025"),
            ("ООО Дельта", "", "", "1000", "25"),
            ("ООО Эпсилон", "", "", "", "2025"),
            ("ООО Бета", "", "", "", ""),
        ],
    )

    _fails_with(
        path,
        [
            "c.csv:3:ИНН: repeats row 2",
            "c.csv:4:Партнёр: not yes or no: «Может быть» (write Да or Нет)",
            "c.csv:5:Годовой бюджет: a budget cannot be negative",
            "c.csv:6:Год бюджета: not a year: «25» (write 2025)",
            "c.csv:7:Год бюджета: a budget year without an annual budget",
            "c.csv:8:Контрагент: repeats row 4",
        ],
    )


def test_staff_errors(db: None, tmp_path: Path) -> None:
    path = csv_write(
        tmp_path / "staff.csv",
        [
            ("ФИО", "Логин", "Роль", "Руководитель", "E-mail"),
            ("Иванова Анна Сергеевна", "ivanova", "Менеджер", "", "ivanova@example.com"),
            ("Петров Пётр", "ivanova", "Менеджер", "", ""),
            ("Смирнова Вера", "vera", "Ассистент", "Сидоров Сидор", "vera@example.com"),
            ("Кузнецова Елена", "helen", "Директор", "", ""),
            ("Орлов Тимофей", "tom", "ТОП-менеджмент", "", "tom(at)example"),
            ("Белова Ольга", "olga", "Ассистент", "Орлов Тимофей", ""),
            ("Иванова Анна Сергеевна", "anna2", "Менеджер", "", ""),
        ],
        delimiter=",",
    )

    _fails_with(
        path,
        [
            "staff.csv:3:Логин: repeats row 2",
            "staff.csv:4:Руководитель: no manager has the full name «Сидоров Сидор»",
            "staff.csv:5:Роль: unknown role «Директор»: write one of Руководитель отдела продаж, "
            "ТОП-менеджмент, Менеджер, Ассистент, Администратор",
            "staff.csv:6:E-mail: not an e-mail address: «tom(at)example»",
            "staff.csv:7:Руководитель: «Орлов Тимофей» is not a manager",
            "staff.csv:8:ФИО: repeats row 2",
        ],
    )


def test_payments_errors(db: None, tmp_path: Path) -> None:
    ClientFactory.create(name="ООО Альфа", tax_id="7707083893")
    path = csv_write(
        tmp_path / "payments.csv",
        [
            ("Дата", "Номер", "Контрагент", "ИНН", "Сумма", "Срок оплаты"),
            ("01.03.2025", "ПП-1", "ООО Альфа", "7707083893", "100,00", "15.03.2025"),
            ("01.03.2025", "ПП-2", "ООО Неизвестное", "", "100,00", ""),
            ("01.03.2025", "ПП-3", "ООО Альфа", "7707083893", "0", ""),
            ("01.03.2025", "ПП-4", "ООО Альфа", "7707083893", "50", "32.03.2025"),
        ],
        encoding="cp1251",
        newline="\r\n",
    )

    _fails_with(
        path,
        [
            "payments.csv:3:Контрагент: no such client: import it with the clients or "
            "shipments file first",
            "payments.csv:4:Сумма: a payment of zero is no payment",
            "payments.csv:5:Срок оплаты: not a date: «32.03.2025» (write 31.12.2025)",
        ],
    )


def test_errors_beyond_the_first_thousand_are_counted_not_stored(db: None, tmp_path: Path) -> None:
    path = csv_write(
        tmp_path / "p.csv",
        [("Артикул", "Номенклатура"), *[(f"A-{i}", "") for i in range(1200)]],
    )

    run = import_path(path=path)

    assert (run.status, run.error_count, len(run.errors)) == (ImportStatus.FAILED, 1200, 1000)
    assert run.errors[-1] == {
        "row": 1001,
        "column": "Номенклатура",
        "message": "a value is required",
    }
