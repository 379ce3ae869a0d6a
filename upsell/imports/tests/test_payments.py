"""Payments: no id in the file, so an identity derived from the row keeps re-imports exact."""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from upsell.clients.tests.factories import ClientFactory
from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write
from upsell.payments.models import Payment

HEADER = ("Дата", "Номер", "Контрагент", "ИНН", "Сумма", "Срок оплаты")


def _file(tmp_path: Path, rows: Sequence[Sequence[str]], name: str = "payments.csv") -> Path:
    return csv_write(tmp_path / name, [HEADER, *rows], encoding="cp1251", newline="\r\n")


def test_payments_are_imported_and_identical_rows_are_two_payments(
    db: None, tmp_path: Path
) -> None:
    # Given two clients, one known by ИНН, one by name only
    alpha = ClientFactory.create(name='ООО "Альфа"', tax_id="7707083893")
    petrov = ClientFactory.create(name="ИП Петров", tax_id="")
    rows = [
        ("12.12.2025", "ПП-1", 'ООО "Альфа"', "7707083893", "53\u00a0179,91", "20.12.2025"),
        ("12.12.2025", "", "ИП Петров", "", "1 000", ""),
        ("12.12.2025", "", "ИП Петров", "", "1 000", ""),
        ("13.12.2025", "", "ИП Петров", "", "-200,50", ""),
    ]

    # When the payments file is imported
    run = import_path(path=_file(tmp_path, rows))

    # Then each row is a payment, the two identical ones included
    assert run.status == ImportStatus.SUCCEEDED
    assert list(
        Payment.objects.order_by("date", "client__name", "pk").values_list(
            "date", "client", "amount", "due_date", "number"
        )
    ) == [
        (datetime.date(2025, 12, 12), petrov.pk, Decimal("1000.00"), None, ""),
        (datetime.date(2025, 12, 12), petrov.pk, Decimal("1000.00"), None, ""),
        (
            datetime.date(2025, 12, 12),
            alpha.pk,
            Decimal("53179.91"),
            datetime.date(2025, 12, 20),
            "ПП-1",
        ),
        (datetime.date(2025, 12, 13), petrov.pk, Decimal("-200.50"), None, ""),
    ]
    assert len(set(Payment.objects.values_list("natural_key", flat=True))) == 4
    assert run.counts == {"payments": {"created": 4, "updated": 0, "unchanged": 0}}


def test_payments_again_change_nothing_and_a_longer_file_adds_only_its_new_rows(
    db: None, tmp_path: Path
) -> None:
    # Given payments imported once
    ClientFactory.create(name="ИП Петров", tax_id="")
    rows = [("12.12.2025", "", "ИП Петров", "", "1 000", "")] * 2
    import_path(path=_file(tmp_path, rows))
    keys = set(Payment.objects.values_list("natural_key", flat=True))

    # When the same file comes again, then a later export with one more identical payment
    again = import_path(path=_file(tmp_path, rows))
    later = import_path(path=_file(tmp_path, rows * 2, name="later.csv"))

    # Then the first changes nothing, the second adds the two payments it has in excess
    assert again.counts == {"payments": {"created": 0, "updated": 0, "unchanged": 2}}
    assert later.counts == {"payments": {"created": 2, "updated": 0, "unchanged": 2}}
    assert keys < set(Payment.objects.values_list("natural_key", flat=True))
    assert Payment.objects.count() == 4
