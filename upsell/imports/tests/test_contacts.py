"""Contact persons from 1C's contact information file: known clients only, all or nothing, the
same file again changing nothing, every error named by row and column."""

from collections.abc import Sequence
from pathlib import Path

import pytest

from upsell.clients.models import Contact
from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportKind, ImportStatus
from upsell.imports.problems import Problem
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts, xlsx_write

HEADER = ("Партнер", "ИНН", "Контактное лицо", "Должность", "Телефон", "Email", "Роль")


def _file(tmp_path: Path, rows: Sequence[Sequence[str]], *, header=HEADER, name="contacts.csv"):
    return csv_write(tmp_path / name, [header, *rows], encoding="cp1251", newline="\r\n")


@pytest.fixture
def alpha(db):
    return ClientFactory.create(name='ООО "Альфа"', tax_id="7707083893")


@pytest.fixture
def petrov(db):
    return ClientFactory.create(name="ИП Петров", tax_id="")


def _contacts():
    return list(
        Contact.objects.order_by("client__name", "name").values_list(
            "client__name", "name", "position", "phones", "email", "decision", "external_id"
        )
    )


ROWS = [
    ('ООО "Альфа"', "7707083893", "Соколов Игорь Петрович", "Генеральный директор",
     "+7 495 123-45-67", "sokolov@alfa.ru", "ЛПР"),
    ("", "7707083893", "Ким Ольга", "Менеджер по закупкам", "+7 916 000-00-01", "", "Закупщик"),
    ("ИП Петров", "", "Петров Сергей", "", "8 (800) 555-35-35", "", "принимает решение"),
]  # fmt: skip


def test_the_persons_are_stored_under_their_clients(alpha, petrov, admin_adam, tmp_path):
    run = import_path(path=_file(tmp_path, ROWS), imported_by=admin_adam)

    assert (run.kind, run.status, run.errors) == (ImportKind.CONTACTS, ImportStatus.SUCCEEDED, [])
    assert run.counts == {"contacts": {"created": 3, "updated": 0, "unchanged": 0}}
    assert _contacts() == [
        ("ИП Петров", "Петров Сергей", "", "8 (800) 555-35-35", "", "decides", ""),
        ('ООО "Альфа"', "Ким Ольга", "Менеджер по закупкам", "+7 916 000-00-01", "", "buys", ""),
        ('ООО "Альфа"', "Соколов Игорь Петрович", "Генеральный директор", "+7 495 123-45-67",
         "sokolov@alfa.ru", "decides", ""),
    ]  # fmt: skip


def test_the_same_file_again_changes_nothing_and_a_corrected_one_its_persons(
    alpha, petrov, tmp_path
):
    import_path(path=_file(tmp_path, ROWS))
    stored = {contact.pk: contact.updated_at for contact in Contact.objects.all()}

    again = import_path(path=_file(tmp_path, ROWS))
    corrected = import_path(
        path=_file(
            tmp_path,
            [("", "7707083893", "Ким Ольга", "Руководитель закупок", "+7 916 000-00-01", "", "")],
            name="corrected.csv",
        )
    )

    assert again.counts == {"contacts": {"created": 0, "updated": 0, "unchanged": 3}}
    assert corrected.counts == {"contacts": {"created": 0, "updated": 1, "unchanged": 0}}
    assert Contact.objects.count() == 3
    kim = Contact.objects.get(name="Ким Ольга")
    assert (kim.position, kim.decision) == ("Руководитель закупок", "")
    assert {contact.pk: contact.updated_at for contact in Contact.objects.exclude(pk=kim.pk)} == {
        pk: at for pk, at in stored.items() if pk != kim.pk
    }


def test_a_code_keys_the_person_through_a_change_of_name(alpha, tmp_path):
    header = ("client", "tax_id", "contact", "position", "code")
    import_path(path=_file(tmp_path, [("", "7707083893", "Ким Ольга", "", "К-1")], header=header))

    run = import_path(
        path=xlsx_write(
            tmp_path / "contacts.xlsx",
            [header, ("", "7707083893", "Ким-Ли Ольга", "Закупщик", "К-1")],
        )
    )

    assert (run.kind, run.counts) == (
        ImportKind.CONTACTS,
        {"contacts": {"created": 0, "updated": 1, "unchanged": 0}},
    )
    assert list(Contact.objects.values_list("name", "position", "external_id")) == [
        ("Ким-Ли Ольга", "Закупщик", "К-1")
    ]


def test_a_bad_file_imports_nothing_and_names_every_problem(alpha, tmp_path):
    before = table_counts()
    rows = [
        ("ООО Неизвестное", "", "Иванов Иван", "", "", "", ""),
        ('ООО "Альфа"', "7707083893", "", "", "", "", ""),
        ('ООО "Альфа"', "7707083893", "Ким Ольга", "", "", "kim@", "начальник"),
        ('ООО "Альфа"', "7707083893", "Ким Ольга", "", "", "", ""),
    ]

    run = import_path(path=_file(tmp_path, rows))

    assert run.status == ImportStatus.FAILED
    assert [Problem(**error).format(run.file_name) for error in run.errors] == [
        "contacts.csv:2:Партнер: no such client: import it with the clients or "
        "shipments file first",
        "contacts.csv:3:Контактное лицо: a value is required",
        "contacts.csv:4:Email: kim@ is not an e-mail address",
        "contacts.csv:4:Роль: «начальник» is not a part in the decision: write "
        "ЛПР, влияет, закупщик, бухгалтер, пользователь or другое",
        "contacts.csv:5:Контактное лицо: repeats row 4",
    ]
    assert table_counts() == before
