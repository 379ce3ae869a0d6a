"""Uploaded files: queued on a run, imported by the task after commit, safe to run twice."""

from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile

from upsell.accounts.models import User
from upsell.imports.models import ImportRun, ImportStage, ImportStatus
from upsell.imports.services import import_path, import_run_create, import_run_execute
from upsell.imports.tests.files import csv_write
from upsell.products.models import Product

PRODUCTS = "Артикул;Номенклатура\nA-1;Болт\nB-2;\n".encode()


def test_an_upload_is_queued_and_imported_once_the_transaction_commits(
    db: None, admin_adam: User, django_capture_on_commit_callbacks: Any
) -> None:
    # Given an uploaded products file
    # When the run is created (the test settings run tasks at once)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = import_run_create(
            upload=ContentFile(PRODUCTS),
            file_name="C:\\Users\\adam\\products.csv",
            imported_by=admin_adam,
            keep_valid_rows=True,
        )

    # Then it waits, queued, with the file stored, until the transaction commits
    assert (run.status, run.file_name, Product.objects.count()) == (
        ImportStatus.QUEUED,
        "products.csv",
        0,
    )
    assert run.stored_file.read() == PRODUCTS
    assert len(callbacks) == 1

    # When it commits, the task imports it
    callbacks[0]()
    run.refresh_from_db()
    assert (run.status, run.stage, run.rows_total, run.rows_done) == (
        ImportStatus.PARTIAL,
        ImportStage.DONE,
        2,
        2,
    )
    assert list(Product.objects.values_list("sku", flat=True)) == ["A-1"]
    # and its rejected rows are kept in the storage beside the upload
    assert run.rejected_file.endswith("products.rejected.csv")
    rejected = run.stored_file.storage.open(run.rejected_file).read()
    assert rejected.decode("utf-8-sig") == (
        "Артикул;Номенклатура;row;reason\r\nB-2;;3;Номенклатура: a value is required\r\n"
    )


def test_a_run_that_is_not_queued_is_left_alone(
    db: None, admin_adam: User, django_capture_on_commit_callbacks: Any
) -> None:
    # Given an upload already imported by the task
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_create(
            upload=ContentFile("Артикул;Номенклатура\nA-1;Болт\n".encode()),
            file_name="products.csv",
            imported_by=admin_adam,
        )
    run.refresh_from_db()
    finished = (run.status, run.finished_at, run.counts)

    # When the task runs a second time
    Product.objects.all().delete()
    again = import_run_execute(run=run)

    # Then nothing is imported again and the run is as it was
    assert (again.status, again.finished_at, again.counts) == finished
    assert Product.objects.count() == 0


def test_progress_is_reported_while_importing(catalogue: object, tmp_path: Path) -> None:
    # Given a shipments file and a progress callback
    path = csv_write(
        tmp_path / "s.csv",
        [
            ("Дата", "Номер", "Контрагент", "Артикул", "Количество", "Сумма"),
            *[("01.03.2025", f"РТ-{i}", "ИП Сидоров", "A-1", "1", "10") for i in range(5)],
        ],
    )
    reported: list[tuple[int, int]] = []

    # When it is imported
    run = import_path(path=path, progress=lambda done, total: reported.append((done, total)))

    # Then progress runs from nothing to every row
    assert reported == [(0, 5), (5, 5)]
    assert (run.rows_total, run.rows_done, run.stage) == (5, 5, ImportStage.DONE)


def test_a_file_that_cannot_be_opened_is_a_failed_run(db: None, tmp_path: Path) -> None:
    run = import_path(path=tmp_path / "missing.csv")

    assert (run.status, run.errors) == (
        ImportStatus.FAILED,
        [{"row": None, "column": "", "message": "cannot open the file: No such file or directory"}],
    )
    assert ImportRun.objects.get() == run
