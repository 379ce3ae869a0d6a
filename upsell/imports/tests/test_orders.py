"""Customer orders: each order of the file becomes one request with its lines, routed at once by
the same rules as a request typed on the screen; the same file again creates nothing."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from upsell.clients.models import ClientStatus
from upsell.clients.tests.factories import ClientFactory
from upsell.history.models import ChangeSource
from upsell.imports.models import ImportKind, ImportRun, ImportStatus
from upsell.imports.problems import Problem
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts, xlsx_write
from upsell.notifications.models import Notification
from upsell.products.tests.factories import ProductFactory
from upsell.requests.models import OrderRequest, RequestSource, RoutingRule
from upsell.requests.selectors import ComplexRules
from upsell.requests.services import complex_rules_update

HEADER = (
    "Номер заявки", "Дата", "Контрагент", "ИНН", "Артикул", "Номенклатура", "Количество", "Цена",
    "Скидка, %", "Отсрочка, дней", "Комментарий",
)  # fmt: skip
ONE_TIME_INN = "7707083893"
REGULAR_INN = "7728168971"


@pytest.fixture
def company(manager_anna, manager_boris, assistant_vera, head_of_sales):
    """Anna's one-time client served by Vera, Anna's regular client, Boris's client without
    an assistant; twelve fasteners and a drill; requests over ten lines are complex."""
    clients = {
        "one_time": ClientFactory.create(
            name='ООО "Разовый"', tax_id=ONE_TIME_INN, manager=manager_anna,
            assistant=assistant_vera, status=ClientStatus.ONE_TIME,
        ),
        "regular": ClientFactory.create(
            name='ООО "Постоянный"', tax_id=REGULAR_INN, manager=manager_anna,
            status=ClientStatus.REGULAR,
        ),
        "boris": ClientFactory.create(
            name='ООО "Бета"', tax_id="", manager=manager_boris, status=ClientStatus.IRREGULAR
        ),
    }  # fmt: skip
    for number in range(1, 13):
        ProductFactory.create(sku=f"КР-{number:03d}", name=f"Болт {number}", group="Крепёж")
    ProductFactory.create(sku="ЭИ-001", name="Перфоратор", group="Электроинструмент")
    complex_rules_update(
        rules=ComplexRules(lines_above=10), changed_by=head_of_sales, source=ChangeSource.SCREEN
    )
    return clients


def good_rows():
    return [
        HEADER,
        ("З-101", "14.03.2026", 'ООО "Разовый"', ONE_TIME_INN, "КР-001", "Болт М8 оцинк.", "10",
         "12,50", "", "", "Срочно"),
        ("З-101", "14.03.2026", 'ООО "Разовый"', ONE_TIME_INN, "КР-002", "", "2", "1\xa0000,00",
         "", "", ""),
        ("З-102", "15.03.2026", "", REGULAR_INN, "ЭИ-001", "Перфоратор", "1", "9\xa0990,00", "3",
         "14", "До пятницы"),
        *[("З-103", "15.03.2026", 'ООО "Бета"', "", f"КР-{n:03d}", "", "1,5", "100", "", "", "")
          for n in range(1, 13)],
    ]  # fmt: skip


def orders_csv(tmp_path, rows=None, name="orders.csv"):
    return csv_write(tmp_path / name, rows or good_rows(), encoding="cp1251", newline="\r\n")


def placed(number):
    request = OrderRequest.objects.get(number=number)
    assert request.assignee is not None
    return (
        request.client.name, request.assignee.username, request.routed_by_rule,
        request.routing_reason, request.amount, request.line_count, request.source,
    )  # fmt: skip


def errors(run):
    return [Problem(**error).format(run.file_name) for error in run.errors]


def test_a_file_of_orders_becomes_requests_routed_by_the_request_rules(
    company, tmp_path, head_of_sales, assistant_vera
):
    run = import_path(path=orders_csv(tmp_path), imported_by=head_of_sales)

    assert (run.kind, run.status, errors(run)) == (ImportKind.ORDERS, ImportStatus.SUCCEEDED, [])
    assert run.counts == {
        "requests": {"created": 3, "updated": 0, "unchanged": 0},
        "request_lines": {"created": 15, "updated": 0, "unchanged": 0},
    }
    assert placed("З-101") == (
        'ООО "Разовый"', "vera", RoutingRule.SPONTANEOUS,
        "Spontaneous client, simple order: its assistant", Decimal("2125.00"), 2,
        RequestSource.FILE,
    )  # fmt: skip
    assert placed("З-102") == (
        'ООО "Постоянный"', "anna", RoutingRule.MOTIVATED,
        "Motivated client: served by its manager", Decimal("9690.30"), 1, RequestSource.FILE,
    )  # fmt: skip
    assert placed("З-103") == (
        'ООО "Бета"', "boris", RoutingRule.LINES, "12 lines, more than 10", Decimal("1800.00"),
        12, RequestSource.FILE,
    )  # fmt: skip
    first = OrderRequest.objects.get(number="З-101")
    assert (first.ordered_on, first.description, first.created_by) == (
        dt.date(2026, 3, 14), "Срочно", head_of_sales,
    )  # fmt: skip
    assert list(
        first.lines.values_list(
            "line_number", "product__sku", "product_name", "quantity", "price", "amount"
        )
    ) == [
        (1, "КР-001", "Болт М8 оцинк.", Decimal("10.000"), Decimal("12.50"), Decimal("125.00")),
        (2, "КР-002", "", Decimal("2.000"), Decimal("1000.00"), Decimal("2000.00")),
    ]
    second = OrderRequest.objects.get(number="З-102")
    assert (second.discount_percent, second.payment_delay_days, second.product_groups) == (
        Decimal("3.00"), 14, ["Электроинструмент"],
    )  # fmt: skip
    told = Notification.objects.filter(user=assistant_vera).values_list("text", flat=True)
    assert told.get() == (
        f'Request № {first.pk} of ООО "Разовый" is yours: '
        "Spontaneous client, simple order: its assistant"
    )  # fmt: skip


def test_the_same_file_again_creates_nothing(company, tmp_path, head_of_sales):
    path = orders_csv(tmp_path)
    import_path(path=path, imported_by=head_of_sales)
    before = table_counts()

    again = import_path(path=path, imported_by=head_of_sales)

    assert (again.status, again.counts) == (
        ImportStatus.SUCCEEDED,
        {
            "requests": {"created": 0, "updated": 0, "unchanged": 3},
            "request_lines": {"created": 0, "updated": 0, "unchanged": 15},
        },
    )
    assert table_counts() == before
    assert Notification.objects.count() == 3


def test_an_order_taken_before_with_other_lines_is_an_error_not_a_change(
    company, tmp_path, head_of_sales
):
    import_path(path=orders_csv(tmp_path), imported_by=head_of_sales)
    taken = OrderRequest.objects.get(number="З-101")
    rows = good_rows()
    rows[2] = (*rows[2][:6], "3", *rows[2][7:])
    before = table_counts()

    run = import_path(path=orders_csv(tmp_path, rows), imported_by=head_of_sales)

    message = (
        f"the order was taken as request № {taken.pk} with other lines: "
        "a taken request is not changed by a file"
    )
    assert (run.status, errors(run)) == (
        ImportStatus.FAILED,
        [f"orders.csv:2:Номер заявки: {message}", f"orders.csv:3:Номер заявки: {message}"],
    )
    assert table_counts() == before
    assert taken.lines.get(line_number=2).quantity == Decimal(2)


def test_a_taken_order_with_a_wrong_line_is_reported_not_compared_blindly(
    company, tmp_path, head_of_sales
):
    import_path(path=orders_csv(tmp_path), imported_by=head_of_sales)
    rows = good_rows()
    rows[2] = (*rows[2][:6], "два", *rows[2][7:])

    run = import_path(path=orders_csv(tmp_path, rows), imported_by=head_of_sales)

    assert run.status == ImportStatus.FAILED
    assert errors(run)[1:3] == [
        f"orders.csv:3:Номер заявки: the order was taken as request № "
        f"{OrderRequest.objects.get(number='З-101').pk} with other lines: a taken request is "
        "not changed by a file",
        "orders.csv:3:Количество: not a number: «два» (write 1 234,56)",
    ]


def test_a_bad_file_names_every_error_by_row_and_column_and_writes_nothing(
    company, tmp_path, head_of_sales
):
    rows = [
        HEADER,
        ("З-201", "14.03.2026", 'ООО "Нет такого"', "", "КР-001", "", "1", "10", "", "", ""),
        ("З-202", "14.03.2026", 'ООО "Разовый"', "", "НЕТ-1", "", "1", "10", "", "", ""),
        ("З-202", "14.03.2026", 'ООО "Разовый"', "", "КР-001", "", "много", "10", "", "", ""),
        ("З-202", "15.03.2026", 'ООО "Разовый"', "", "КР-002", "", "0", "10", "150", "", ""),
        ("", "14.03.2026", "", "", "КР-001", "", "1", "-5", "", "abc", ""),
    ]
    before = table_counts()

    run = import_path(path=orders_csv(tmp_path, rows), imported_by=head_of_sales)

    assert (run.status, run.counts) == (ImportStatus.FAILED, {})
    assert errors(run) == [
        "orders.csv:2:Контрагент: no such client: import it with the clients or shipments "
        "file first",
        "orders.csv:3:Артикул: no product has the code «НЕТ-1»: import it with the products "
        "file first",
        "orders.csv:4:Количество: not a number: «много» (write 1 234,56)",
        "orders.csv:5:Дата: row 3 of this order gives «14.03.2026»",
        "orders.csv:5:Количество: the quantity must be more than zero",
        "orders.csv:5:Скидка, %: a discount is between 0 and 100 %",
        "orders.csv:6:Номер заявки: a value is required",
        "orders.csv:6:Контрагент: a value is required: the client's name or its ИНН",
        "orders.csv:6:Цена: a price cannot be negative",
        "orders.csv:6:Отсрочка, дней: not a number of days: «abc» (write 30)",
    ]
    assert table_counts() == before
    assert Notification.objects.count() == 0


def test_an_order_adding_up_beyond_any_amount_is_an_error(company, tmp_path):
    # Each line within the largest amount (9 999 999 999 999,99), the two together beyond it.
    big = ("З-9", "14.03.2026", 'ООО "Разовый"', "", "КР-001", "", "1 000 000", "6 000 000",
           "", "", "")  # fmt: skip

    run = import_path(path=orders_csv(tmp_path, [HEADER, big, big]))

    message = "Цена: the order's lines add up to more than an amount can hold"
    assert (run.status, errors(run)) == (
        ImportStatus.FAILED,
        [f"orders.csv:2:{message}", f"orders.csv:3:{message}"],
    )


def test_a_file_that_names_no_client_is_refused_at_its_header(company, tmp_path):
    rows = [("Номер заявки", "Дата", "Артикул", "Количество", "Цена"),
            ("З-1", "14.03.2026", "КР-001", "1", "10")]  # fmt: skip

    run = import_path(path=orders_csv(tmp_path, rows))

    assert (run.kind, run.status, errors(run)) == (
        ImportKind.ORDERS,
        ImportStatus.FAILED,
        ["orders.csv:1: the file names no client: give a Контрагент or an ИНН column"],
    )
    assert OrderRequest.objects.count() == 0


def test_keeping_the_valid_rows_takes_the_good_orders_and_rejects_a_bad_one_whole(
    company, tmp_path, head_of_sales
):
    rows = good_rows()[:4]
    rows[2] = (*rows[2][:4], "НЕТ-1", *rows[2][5:])

    run = import_path(
        path=orders_csv(tmp_path, rows), imported_by=head_of_sales, keep_valid_rows=True
    )

    assert run.status == ImportStatus.PARTIAL
    assert list(OrderRequest.objects.values_list("number", flat=True)) == ["З-102"]
    rejected = (tmp_path / "orders.rejected.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert [line.rsplit(";", 2)[1:] for line in rejected[1:]] == [
        ["2", "another line of this order is rejected (rows 3)"],
        ["3", "Артикул: no product has the code «НЕТ-1»: import it with the products file first"],
    ]


def test_an_xlsx_with_english_headers_and_typed_cells_is_read(company, tmp_path, head_of_sales):
    path = xlsx_write(
        tmp_path / "orders.xlsx",
        [
            ("request", "date", "tax_id", "sku", "quantity", "price", "discount"),
            ("W-1", dt.date(2026, 3, 14), int(ONE_TIME_INN), "КР-001", 4, 12.5, 2.5),
            ("W-1", dt.date(2026, 3, 14), int(ONE_TIME_INN), "КР-002", 1.5, 99.99, None),
        ],
    )

    run = import_path(path=path, imported_by=head_of_sales)

    assert (run.kind, run.status, errors(run)) == (ImportKind.ORDERS, ImportStatus.SUCCEEDED, [])
    request = OrderRequest.objects.get()
    assert (
        request.client.tax_id, request.ordered_on, request.amount, request.discount_percent,
    ) == (
        ONE_TIME_INN, dt.date(2026, 3, 14), Decimal("198.74"), Decimal("2.50"),
    )  # fmt: skip


def test_an_administrator_who_takes_no_requests_imports_no_orders(company, tmp_path, admin_adam):
    before = table_counts()

    run = import_path(path=orders_csv(tmp_path), imported_by=admin_adam)

    assert (run.status, errors(run)) == (
        ImportStatus.FAILED,
        [
            "orders.csv: your role does not take requests: the head of sales, a manager or an "
            "assistant imports customer orders"
        ],
    )
    assert table_counts() == before


def test_a_manager_takes_orders_of_its_own_clients_only(company, tmp_path, manager_boris):
    before = table_counts()

    run = import_path(path=orders_csv(tmp_path), imported_by=manager_boris)

    assert run.status == ImportStatus.FAILED
    assert errors(run)[:3] == [
        "orders.csv:2:Контрагент: you do not take requests for this client",
        "orders.csv:3:Контрагент: you do not take requests for this client",
        "orders.csv:4:Контрагент: you do not take requests for this client",
    ]
    assert table_counts() == before


def test_the_import_command_recognises_an_orders_file(company, tmp_path):
    out = io.StringIO()

    call_command("import", str(orders_csv(tmp_path)), stdout=out, stderr=io.StringIO())

    assert out.getvalue().splitlines()[:4] == [
        f"{tmp_path / 'orders.csv'}: orders, Succeeded, 15 rows",
        "                     created   updated unchanged",
        "  requests                 3         0         0",
        "  request_lines           15         0         0",
    ]
    assert OrderRequest.objects.filter(created_by=None).count() == 3


def test_the_head_of_sales_uploads_orders_on_the_import_screen(
    client, company, head_of_sales, django_capture_on_commit_callbacks
):
    client.force_login(head_of_sales)
    content = "\r\n".join(";".join(row) for row in good_rows()).encode("cp1251")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/", {"file": SimpleUploadedFile("orders.csv", content, "text/csv")}
        )

    run = ImportRun.objects.get()
    assert (run.kind, run.status) == (ImportKind.ORDERS, ImportStatus.SUCCEEDED)
    page = client.get(response["Location"]).content.decode()
    counts = r"<tr><td>([^<]+)</td>" + r'<td class="num">(\d+)</td>' * 3 + "</tr>"
    assert re.findall(counts, page) == [
        ("Order requests", "3", "0", "0"),
        ("Request lines", "15", "0", "0"),
    ]
    assert OrderRequest.objects.filter(created_by=head_of_sales).count() == 3


def test_the_summary_lists_every_order_taken_with_its_lines_and_amount(
    company, tmp_path, head_of_sales
):
    run = import_path(path=orders_csv(tmp_path), imported_by=head_of_sales)

    assert run.documents == [
        {
            "outcome": "created", "number": number, "date": date, "client": client,
            "lines_before": None, "total_before": None, "lines_after": lines,
            "total_after": total, "held_by": [],
        }
        for number, date, client, lines, total in (
            ("З-101", "2026-03-14", 'ООО "Разовый"', 2, "2125.00"),
            ("З-102", "2026-03-15", 'ООО "Постоянный"', 1, "9690.30"),
            ("З-103", "2026-03-15", 'ООО "Бета"', 12, "1800.00"),
        )
    ]  # fmt: skip
    assert (run.document_count, run.products_created) == (3, [])


def test_a_product_code_the_catalogue_lacks_is_created_only_when_asked(
    company, tmp_path, head_of_sales
):
    rows = [
        HEADER,
        ("З-301", "14.03.2026", 'ООО "Разовый"', "", "КР-001", "", "1", "10", "", "", ""),
        ("З-301", "14.03.2026", 'ООО "Разовый"', "", "КР-999", "Саморез 4,2x16", "2", "3,50",
         "", "", ""),
    ]  # fmt: skip
    path = orders_csv(tmp_path, rows)
    before = table_counts()

    refused = import_path(path=path, imported_by=head_of_sales)

    assert (refused.status, errors(refused)) == (
        ImportStatus.FAILED,
        [
            "orders.csv:3:Артикул: no product has the code «КР-999»: import it with the "
            "products file first"
        ],
    )
    assert table_counts() == before

    run = import_path(path=path, imported_by=head_of_sales, create_products=True)

    assert (run.status, run.products_created) == (
        ImportStatus.SUCCEEDED,
        [{"sku": "КР-999", "name": "Саморез 4,2x16"}],
    )
    assert run.counts["products"] == {"created": 1, "updated": 0, "unchanged": 1}
    line = (
        OrderRequest.objects.get(number="З-301").lines.select_related("product").get(line_number=2)
    )
    assert line.product is not None
    assert (line.product.sku, line.product.name, line.amount) == (
        "КР-999", "Саморез 4,2x16", Decimal("7.00"),
    )  # fmt: skip


# The second line of the taken З-101, damaged: its number lost, its date lost, its client
# mistyped.
DAMAGED_LINES = {
    "number blank": ("", "14.03.2026", 'ООО "Разовый"', ONE_TIME_INN),
    "date blank": ("З-101", "", 'ООО "Разовый"', ONE_TIME_INN),
    "client unknown": ("З-101", "14.03.2026", 'ООО "Разовый!"', ""),
}


@pytest.mark.parametrize("damage", list(DAMAGED_LINES))
def test_a_damaged_line_of_a_taken_order_holds_it_back_while_the_others_are_taken(
    company, tmp_path, head_of_sales, damage
):
    import_path(path=orders_csv(tmp_path, name="first.csv"), imported_by=head_of_sales)
    taken = OrderRequest.objects.get(number="З-101")
    lines = list(taken.lines.values_list("pk", "quantity", "amount"))
    first, second = good_rows()[1:3]
    rows = [
        HEADER,
        first,
        (*DAMAGED_LINES[damage], *second[4:]),
        ("З-104", "16.03.2026", 'ООО "Разовый"', ONE_TIME_INN, "КР-003", "", "4", "25", "10", "",
         ""),
    ]  # fmt: skip

    run = import_path(
        path=orders_csv(tmp_path, rows), imported_by=head_of_sales, keep_valid_rows=True
    )

    assert run.status == ImportStatus.PARTIAL
    taken.refresh_from_db()
    assert (taken.amount, taken.line_count) == (Decimal("2125.00"), 2)
    assert list(taken.lines.values_list("pk", "quantity", "amount")) == lines
    assert run.documents == [
        {
            "outcome": "held_back", "number": "З-101", "date": "2026-03-14",
            "client": 'ООО "Разовый"', "lines_before": 2, "total_before": "2125.00",
            "lines_after": 2, "total_after": "2125.00", "held_by": [3],
        },
        {
            "outcome": "created", "number": "З-104", "date": "2026-03-16",
            "client": 'ООО "Разовый"', "lines_before": None, "total_before": None,
            "lines_after": 1, "total_after": "90.00", "held_by": [],
        },
    ]  # fmt: skip
    assert OrderRequest.objects.count() == 4


def test_a_new_order_whose_line_lost_its_number_is_not_taken_short(
    company, tmp_path, head_of_sales
):
    path = xlsx_write(
        tmp_path / "orders.xlsx",
        [
            ("request", "date", "tax_id", "sku", "quantity", "price"),
            ("W-7", dt.date(2026, 3, 14), ONE_TIME_INN, "КР-001", 4, 12.5),
            (None, dt.date(2026, 3, 14), ONE_TIME_INN, "КР-002", 1, 99.99),
            ("W-7", dt.date(2026, 3, 14), ONE_TIME_INN, "КР-003", 2, 10),
            ("W-8", dt.date(2026, 3, 15), REGULAR_INN, "КР-001", 1, 12.5),
        ],
    )

    run = import_path(path=path, imported_by=head_of_sales, keep_valid_rows=True)

    assert list(OrderRequest.objects.values_list("number", flat=True)) == ["W-8"]
    assert [
        (d["outcome"], d["number"], d["lines_before"], d["held_by"]) for d in run.documents
    ] == [
        ("held_back", "W-7", None, [3]),
        ("created", "W-8", None, []),
    ]
    rejected = (tmp_path / "orders.rejected.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert [line.rsplit(";", 2)[1:] for line in rejected[1:]] == [
        ["2", "rejected rows 3 may be lines of this order: it is held back whole"],
        ["3", "request: a value is required"],
        ["4", "rejected rows 3 may be lines of this order: it is held back whole"],
    ]
