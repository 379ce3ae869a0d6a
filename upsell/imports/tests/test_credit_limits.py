"""Credit limits from 1C: each credit-line member's own limit and delay, set by the terms' one
service; a client that is unknown or not a member, or a bad term, refuses the file whole."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportKind, ImportRun, ImportStatus
from upsell.imports.services import import_path, import_path_outcome
from upsell.imports.tests.files import csv_write, xlsx_write
from upsell.programs.models import Membership
from upsell.programs.services.memberships import membership_credit_set, memberships_enrol
from upsell.programs.tests.factories import (
    credit_line_terms,
    program_running,
    retro_bonus_terms,
)

pytestmark = pytest.mark.django_db
HEADER_1C = (
    "Контрагент",
    "ИНН",
    "Программа",
    "Допустимая сумма задолженности",
    "Допустимое число дней задолженности",
)
LINE = "Кредитная линия 2026"


@pytest.fixture
def alpha(manager_anna):
    return ClientFactory.create(name='ООО "Альфа"', tax_id="7707083893", manager=manager_anna)


@pytest.fixture
def petrov(manager_anna):
    return ClientFactory.create(name="ИП Петров", tax_id="", manager=manager_anna)


@pytest.fixture
def credit_line(top_manager, head_of_sales, alpha, petrov):
    program = program_running(terms=credit_line_terms(), by=top_manager)
    memberships_enrol(
        program=program,
        client_ids=[alpha.pk, petrov.pk],
        by=head_of_sales,
        today=dt.date(2026, 1, 15),
    )
    return program


def terms_stored():
    return list(
        Membership.objects.order_by("client__name").values_list(
            "client__name", "credit_limit", "payment_delay_days"
        )
    )


def test_a_1c_export_sets_each_members_terms_and_again_changes_nothing(
    tmp_path, credit_line, head_of_sales
):
    path = csv_write(
        tmp_path / "limits.csv",
        [
            HEADER_1C,
            ('ООО "Альфа"', "7707083893", LINE, "750 000,00", "45"),
            ("ИП Петров", "", LINE, "", "30"),
        ],
        encoding="cp1251",
        newline="\r\n",
    )

    run = import_path(path=path, imported_by=head_of_sales)
    again = import_path(path=path, imported_by=head_of_sales)

    assert (run.status, run.kind, run.errors) == (
        ImportStatus.SUCCEEDED,
        ImportKind.CREDIT_LIMITS,
        [],
    )
    assert terms_stored() == [
        ("ИП Петров", None, 30),
        ('ООО "Альфа"', Decimal("750000.00"), 45),
    ]
    assert run.counts == {"memberships": {"created": 0, "updated": 2, "unchanged": 0}}
    assert again.counts == {"memberships": {"created": 0, "updated": 0, "unchanged": 2}}


def test_a_workbook_with_english_headers_and_numbers_in_its_cells(
    tmp_path, credit_line, alpha, petrov
):
    membership_credit_set(
        membership=credit_line.memberships.get(client=petrov),
        credit_limit=Decimal("90000.00"),
        payment_delay_days=14,
    )
    path = xlsx_write(
        tmp_path / "limits.xlsx",
        [
            ("client", "tax_id", "program", "credit_limit"),
            ("Ignored name", 7707083893, LINE, 120000.5),
            ("ИП Петров", None, LINE, None),
        ],
    )

    run = import_path(path=path)

    assert (run.status, run.errors) == (ImportStatus.SUCCEEDED, [])
    # The file has no delay column: each member keeps its own; an empty limit is the program's.
    assert terms_stored() == [
        ("ИП Петров", None, 14),
        ('ООО "Альфа"', Decimal("120000.50"), None),
    ]


def test_a_negative_limit_an_unknown_client_and_a_stranger_refuse_the_whole_file(
    tmp_path, credit_line, manager_boris
):
    ClientFactory.create(name="ООО Гамма", tax_id="", manager=manager_boris)
    path = csv_write(
        tmp_path / "limits.csv",
        [
            HEADER_1C,
            ('ООО "Альфа"', "7707083893", LINE, "-100,00", "30"),
            ("ИП Петров", "", LINE, "50 000", "4000"),
            ("ООО Неизвестный", "", LINE, "10 000", "10"),
            ("ООО Гамма", "", LINE, "10 000", "10"),
            ("ИП Петров", "", "Кредитная линия 2025", "10 000", "10"),
            ("ИП Петров", "", LINE, "60 000", "20"),
        ],
    )

    run = import_path(path=path)

    assert run.status == ImportStatus.FAILED
    assert run.errors == [
        {
            "row": 2,
            "column": "Допустимая сумма задолженности",
            "message": "An amount cannot be negative",
        },
        {
            "row": 3,
            "column": "Допустимое число дней задолженности",
            "message": "A payment delay is from 0 to 3650 days",
        },
        {
            "row": 4,
            "column": "Контрагент",
            "message": "no such client: import it with the clients or shipments file first",
        },
        {
            "row": 5,
            "column": "Контрагент",
            "message": "the client is not a member of «Кредитная линия 2026»: the head of sales "
            "enrols it first",
        },
        {
            "row": 6,
            "column": "Программа",
            "message": "no credit line is named «Кредитная линия 2025»",
        },
        {"row": 7, "column": "Контрагент", "message": "repeats row 3"},
    ]
    assert terms_stored() == [("ИП Петров", None, None), ('ООО "Альфа"', None, None)]
    assert Membership.objects.count() == 2


def test_with_valid_rows_kept_the_good_members_get_their_terms(tmp_path, credit_line):
    path = csv_write(
        tmp_path / "limits.csv",
        [
            HEADER_1C,
            ('ООО "Альфа"', "7707083893", LINE, "200 000", "60"),
            ("ИП Петров", "", LINE, "abc", "30"),
        ],
    )

    outcome = import_path_outcome(path=path, keep_valid_rows=True)

    assert outcome.run.status == ImportStatus.PARTIAL
    assert [problem.as_json() for problem in outcome.problems] == [
        {
            "row": 3,
            "column": "Допустимая сумма задолженности",
            "message": "not a number: «abc» (write 1 234,56)",
        }
    ]
    assert terms_stored() == [
        ("ИП Петров", None, None),
        ('ООО "Альфа"', Decimal("200000.00"), 60),
    ]


def test_a_file_without_a_term_or_a_client_column_is_refused(tmp_path, credit_line):
    path = csv_write(
        tmp_path / "limits.csv",
        [("ИНН", "Программа", "Регион"), ("7707083893", LINE, "Москва")],
    )

    run = import_path(path=path, kind=ImportKind.CREDIT_LIMITS)

    assert run.status == ImportStatus.FAILED
    assert run.errors == [
        {
            "row": 1,
            "column": "",
            "message": "the file sets no term: give a Лимит кредита or an Отсрочка платежа "
            "(дней) column",
        }
    ]


def test_the_program_must_be_a_credit_line(tmp_path, credit_line, top_manager, alpha):
    program_running(terms=retro_bonus_terms(name="Ретро"), by=top_manager)
    path = csv_write(
        tmp_path / "limits.csv",
        [("ИНН", "Программа", "Лимит кредита"), ("7707083893", "Ретро", "1000")],
    )

    run = import_path(path=path)

    assert run.errors == [
        {"row": 2, "column": "Программа", "message": "no credit line is named «Ретро»"}
    ]


def test_the_import_screen_takes_a_credit_limits_file_and_counts_the_members(
    client, credit_line, head_of_sales, django_capture_on_commit_callbacks
):
    client.force_login(head_of_sales)
    text = "ИНН;Программа;Лимит кредита\n7707083893;Кредитная линия 2026;300 000\n"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/",
            {"file": SimpleUploadedFile("limits.csv", text.encode(), content_type="text/csv")},
        )

    run = ImportRun.objects.get()
    assert (run.status, run.kind) == (ImportStatus.SUCCEEDED, ImportKind.CREDIT_LIMITS)
    page = client.get(response["Location"]).content.decode()
    counts = r"<tr><td>([^<]+)</td>" + r'<td class="num">(\d+)</td>' * 3 + "</tr>"
    assert re.findall(counts, page) == [("Credit-line members", "0", "1", "0")]
    assert terms_stored() == [
        ("ИП Петров", None, None),
        ('ООО "Альфа"', Decimal("300000.00"), None),
    ]


def test_an_administrator_s_file_sets_no_member_s_terms(tmp_path, credit_line, admin_adam):
    path = csv_write(
        tmp_path / "limits.csv",
        [HEADER_1C, ('ООО "Альфа"', "7707083893", LINE, "750 000,00", "45")],
        encoding="cp1251",
        newline="\r\n",
    )

    run = import_path(path=path, imported_by=admin_adam)

    assert run.status == ImportStatus.FAILED
    assert [error["message"] for error in run.errors] == [
        "only top management and the head of sales set a member's credit terms"
    ]
    assert terms_stored() == [("ИП Петров", None, None), ('ООО "Альфа"', None, None)]
