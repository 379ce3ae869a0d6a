"""A load large next to its table rebuilds the table's indexes: same rows, same schema."""

from pathlib import Path

from django.db import connection
from django.test import override_settings

from upsell.imports.models import ImportStatus
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write
from upsell.shipments.models import Shipment, ShipmentLine


def _structure(table: str) -> dict[str, tuple[object, ...]]:
    """Every constraint and index of ``table``: its columns, kind and what it refers to."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        name: (
            tuple(details["columns"]),
            details["unique"],
            details["primary_key"],
            details["index"],
            details["foreign_key"],
        )
        for name, details in found.items()
    }


@override_settings(UPSELL_IMPORT_REBUILD_MIN_ROWS=1)
def test_a_rebuilding_load_writes_the_same_rows_and_keeps_the_schema(
    catalogue: object, tmp_path: Path
) -> None:
    # Given the tables' constraints and indexes, and a load big enough to rebuild them
    before = {
        table: _structure(table) for table in ("shipments_shipment", "shipments_shipmentline")
    }
    path = csv_write(
        tmp_path / "shipments.csv",
        [
            ("Дата", "Номер", "Контрагент", "Артикул", "Количество", "Сумма"),
            ("01.03.2025", "РТ-1", "ИП Сидоров", "A-1", "1", "10"),
            ("01.03.2025", "РТ-1", "ИП Сидоров", "A-2", "2", "30"),
            ("02.03.2025", "РТ-2", "ИП Петров", "A-1", "3", "30"),
        ],
    )

    # When it is imported, and imported again
    run = import_path(path=path)
    again = import_path(path=path)

    # Then the rows are written, and every constraint and index is there as before
    assert (run.status, again.counts["shipments"]) == (
        ImportStatus.SUCCEEDED,
        {"created": 0, "updated": 0, "unchanged": 2},
    )
    assert list(
        ShipmentLine.objects.order_by("shipment__number", "line_no").values_list(
            "shipment__number", "line_no", "product__sku"
        )
    ) == [("РТ-1", 1, "A-1"), ("РТ-1", 2, "A-2"), ("РТ-2", 1, "A-1")]
    assert Shipment.objects.count() == 2
    assert {
        table: _structure(table) for table in ("shipments_shipment", "shipments_shipmentline")
    } == before
