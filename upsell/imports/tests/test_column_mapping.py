"""Files whose headers the import does not know: the person maps their columns once, and every
file with the same columns imports directly, on the screen and over the API."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from upsell.clients.models import Client
from upsell.imports.models import ColumnMapping, ImportRun, ImportStatus
from upsell.imports.services import column_mapping_save, import_path
from upsell.imports.tests.files import csv_write, table_counts
from upsell.imports.tests.test_api import api_client

HEADERS = ("Покупатель", "ИНН покупателя", "Область")
ROWS = [HEADERS, ("ООО Альфа", "7707083893", "Москва"), ("ИП Петров", "500100732259", "")]
MAPPING = {"Покупатель": "client", "ИНН покупателя": "tax_id", "Область": "region"}


def test_a_file_of_unknown_headers_imports_once_its_columns_are_mapped(
    db: None, tmp_path: Path
) -> None:
    # Given a file the import cannot read by its headers
    path = csv_write(tmp_path / "clients.csv", ROWS)
    assert import_path(path=path).status == ImportStatus.FAILED

    # When its columns are mapped to the fields of a clients file
    column_mapping_save(kind="clients", headers=HEADERS, fields=MAPPING, by=None)
    run = import_path(path=path)

    # Then it imports as a clients file
    assert (run.status, run.kind, run.errors) == (ImportStatus.SUCCEEDED, "clients", [])
    assert list(Client.objects.order_by("name").values_list("name", "tax_id", "region")) == [
        ("ИП Петров", "500100732259", ""),
        ("ООО Альфа", "7707083893", "Москва"),
    ]


def test_a_file_of_the_same_columns_imports_directly_and_errors_name_its_own_columns(
    db: None, tmp_path: Path
) -> None:
    column_mapping_save(kind="clients", headers=HEADERS, fields=MAPPING, by=None)
    before = table_counts()

    # Given another file with the same columns in another order and other case, with a bad ИНН
    run = import_path(
        path=csv_write(
            tmp_path / "march.csv",
            [("область", "ПОКУПАТЕЛЬ", "ИНН покупателя"), ("Москва", "ООО Бета", "7707083894")],
        )
    )

    # Then the mapping reads it, and the error names the file's own row and column
    assert (run.status, run.errors) == (
        ImportStatus.FAILED,
        [
            {
                "row": 2,
                "column": "ИНН покупателя",
                "message": "the ИНН's check digits are wrong: «7707083894»",
            }
        ],
    )
    assert table_counts() == before


def test_a_mapping_names_every_column_it_cannot_take(db: None) -> None:
    with pytest.raises(ValidationError) as refused:
        column_mapping_save(
            kind="clients",
            headers=HEADERS,
            fields={"ИНН покупателя": "tax_id", "Область": "tax_id", "Склад": "region"},
            by=None,
        )

    problems = refused.value.message_dict["mapping"]
    assert problems == [
        "«Область» and «ИНН покупателя» are both ИНН/tax_id: a field is one column",
        "the file has no column «Склад»",
        "no column is Контрагент/client*, which the file needs",
    ]
    assert ColumnMapping.objects.count() == 0


def test_the_import_screen_asks_for_the_columns_once(
    client, head_of_sales, django_capture_on_commit_callbacks
) -> None:
    client.force_login(head_of_sales)
    file = "\n".join(";".join(row) for row in ROWS) + "\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"file": SimpleUploadedFile("clients.csv", file.encode())})
    failed = ImportRun.objects.get()
    assert "/columns/" in client.get(f"/imports/{failed.pk}/").content.decode()

    # When the person chooses the kind, then the field of each column
    page = client.get(f"/imports/{failed.pk}/columns/", {"kind": "clients"}).content.decode()
    assert [header in page for header in HEADERS] == [True, True, True]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/imports/{failed.pk}/columns/",
            {"kind": "clients", "column_0": "client", "column_1": "tax_id", "column_2": "region"},
        )

    # Then the file is imported again with them, and the next such file imports directly
    again = ImportRun.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == f"/imports/{again.pk}/"
    assert (again.status, again.kind) == (ImportStatus.SUCCEEDED, "clients")
    assert Client.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"file": SimpleUploadedFile("more.csv", file.encode())})
    assert ImportRun.objects.get(file_name="more.csv").status == ImportStatus.SUCCEEDED


def test_a_mapping_without_a_required_field_is_asked_again(client, head_of_sales) -> None:
    client.force_login(head_of_sales)
    run = ImportRun.objects.create(
        file_name="clients.csv",
        status=ImportStatus.FAILED,
        stored_file=SimpleUploadedFile("clients.csv", "Покупатель;Область\nА;Б\n".encode()),
    )

    response = client.post(f"/imports/{run.pk}/columns/", {"kind": "clients", "column_1": "region"})

    assert response.status_code == 200
    assert "no column is Контрагент/client*, which the file needs" in response.content.decode()
    assert (ColumnMapping.objects.count(), ImportRun.objects.count()) == (0, 1)


def test_the_api_takes_a_mapping_with_the_file(
    head_of_sales, django_capture_on_commit_callbacks
) -> None:
    file = "\n".join(";".join(row) for row in ROWS) + "\n"
    api = api_client(head_of_sales)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/imports",
            {
                "file": SimpleUploadedFile("clients.csv", file.encode()),
                "kind": "clients",
                "columns": '{"Покупатель": "client", "ИНН покупателя": "tax_id"}',
            },
        )

    assert response.status_code == 202
    run = ImportRun.objects.get(pk=response.json()["id"])
    assert (run.status, Client.objects.count()) == (ImportStatus.SUCCEEDED, 2)
    assert ColumnMapping.objects.get().fields == {
        "покупатель": "client",
        "инн покупателя": "tax_id",
    }


def test_the_api_refuses_a_mapping_it_cannot_take(head_of_sales) -> None:
    api = api_client(head_of_sales)

    response = api.post(
        "/api/imports",
        {
            "file": SimpleUploadedFile("clients.csv", "Покупатель;Область\nА;Б\n".encode()),
            "kind": "clients",
            "columns": '{"Область": "region"}',
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "columns"],
            "msg": "no column is Контрагент/client*, which the file needs",
            "type": "invalid",
        }
    ]
    assert (ColumnMapping.objects.count(), ImportRun.objects.count()) == (0, 0)


@pytest.mark.parametrize("persona", ["head_of_sales", "admin_adam"])
def test_the_api_lists_the_mappings_remembered(request, persona, head_of_sales) -> None:
    column_mapping_save(kind="clients", headers=HEADERS, fields=MAPPING, by=head_of_sales)
    mapping = ColumnMapping.objects.get()

    response = api_client(request.getfixturevalue(persona)).get("/api/imports/mappings")

    assert response.status_code == 200
    page = response.json()
    # The API writes times to the millisecond.
    updated_at = mapping.updated_at.replace(
        microsecond=mapping.updated_at.microsecond // 1000 * 1000
    )
    assert dt.datetime.fromisoformat(page["items"][0].pop("updated_at")) == updated_at
    assert page == {
        "count": 1,
        "page": 1,
        "page_size": 50,
        "items": [
            {
                "id": mapping.pk,
                "kind": "clients",
                "headers": ["Покупатель", "ИНН покупателя", "Область"],
                "columns": {
                    "Покупатель": "client",
                    "ИНН покупателя": "tax_id",
                    "Область": "region",
                },
                "mapped_by": {
                    "id": head_of_sales.pk,
                    "username": "helen",
                    "full_name": "Кузнецова Елена",
                },
            }
        ],
    }


def test_a_mapping_forgotten_over_the_api_no_longer_reads_its_files(
    head_of_sales, tmp_path: Path
) -> None:
    column_mapping_save(kind="clients", headers=HEADERS, fields=MAPPING, by=head_of_sales)
    mapping = ColumnMapping.objects.get()
    api = api_client(head_of_sales)

    response = api.delete(f"/api/imports/mappings/{mapping.pk}")

    assert (response.status_code, ColumnMapping.objects.count()) == (204, 0)
    assert import_path(path=csv_write(tmp_path / "clients.csv", ROWS)).status == (
        ImportStatus.FAILED
    )
    assert api.delete(f"/api/imports/mappings/{mapping.pk}").status_code == 404


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "top_manager"])
def test_only_who_imports_sees_or_forgets_mappings(request, persona, head_of_sales) -> None:
    column_mapping_save(kind="clients", headers=HEADERS, fields=MAPPING, by=head_of_sales)
    mapping = ColumnMapping.objects.get()
    api = api_client(request.getfixturevalue(persona))

    assert api.get("/api/imports/mappings").status_code == 403
    assert api.delete(f"/api/imports/mappings/{mapping.pk}").status_code == 403
    assert ColumnMapping.objects.count() == 1
