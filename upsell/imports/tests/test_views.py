"""The import screen: upload, the run's live progress and summary, history, as each persona.

Test settings run tasks at once: an upload runs as soon as its transaction commits, which
``django_capture_on_commit_callbacks`` lets happen inside a test's transaction.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.imports.models import ImportRun, ImportStatus
from upsell.products.models import Product

GOOD_PRODUCTS = (
    "Артикул;Номенклатура;Группа;Единица\nSKU-1;Саморез;Крепёж;шт\nSKU-2;Дюбель;Крепёж;уп\n"
)
BAD_PRODUCTS = "Артикул;Номенклатура\n;Без артикула\nSKU-2;\nSKU-3;Профиль\n"
HTMX_RUN = {"HX-Request": "true", "HX-Target": "run"}


def upload(text, name="products.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def error_rows(response):
    html = response.content.decode().split('id="errors"')[1]
    return re.findall(
        r'<tr><td class="num">([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', html
    )


@pytest.mark.parametrize("persona", ["head_of_sales", "admin_adam"])
def test_importers_get_the_upload_form_and_the_history(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/imports/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Nothing imported yet." in html


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "top_manager"])
def test_the_import_screen_does_not_exist_for_other_roles(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/imports/").status_code == 404
    assert client.post("/imports/", {"file": upload(GOOD_PRODUCTS)}).status_code == 404
    assert ImportRun.objects.count() == 0
    assert Product.objects.count() == 0


def test_a_good_file_is_imported_and_its_summary_shown(
    client, head_of_sales, django_capture_on_commit_callbacks
):
    client.force_login(head_of_sales)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"file": upload(GOOD_PRODUCTS)})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{run.pk}/"
    assert (run.status, run.imported_by, run.file_name) == (
        ImportStatus.SUCCEEDED,
        head_of_sales,
        "products.csv",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Every row of the file is in." in page
    counts = r"<tr><td>([^<]+)</td>" + r'<td class="num">(\d+)</td>' * 3 + "</tr>"
    assert re.findall(counts, page) == [("Products", "2", "0", "0")]
    assert "hx-trigger" not in page
    assert sorted(Product.objects.values_list("sku", "name")) == [
        ("SKU-1", "Саморез"), ("SKU-2", "Дюбель"),
    ]  # fmt: skip


def test_a_bad_file_lists_every_error_and_changes_nothing(
    client, admin_adam, django_capture_on_commit_callbacks
):
    client.force_login(admin_adam)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"file": upload(BAD_PRODUCTS)})
    response = client.get(f"/imports/{ImportRun.objects.get().pk}/")

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert "The file has 2 errors." in html
    assert error_rows(response) == [
        ("2", "Артикул", "a value is required"),
        ("3", "Номенклатура", "a value is required"),
    ]
    assert Product.objects.count() == 0


def test_keeping_valid_rows_imports_them_and_offers_the_rejected_ones(
    client, head_of_sales, django_capture_on_commit_callbacks
):
    client.force_login(head_of_sales)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"file": upload(BAD_PRODUCTS), "keep_valid_rows": "on"})
    response = client.get(f"/imports/{ImportRun.objects.get().pk}/")

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.PARTIAL
    assert list(Product.objects.values_list("sku", flat=True)) == ["SKU-3"]
    html = response.content.decode()
    assert "Imported with rejected rows." in html
    assert f'href="/imports/{run.pk}/rejected/"' in html
    rejected = client.get(f"/imports/{run.pk}/rejected/")
    assert rejected["Content-Disposition"] == 'attachment; filename="products.rejected.csv"'
    lines = b"".join(rejected.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:2] == ["Артикул", "Номенклатура"]
    assert len(lines) == 3


def test_a_run_without_rejected_rows_has_nothing_to_download(
    client, head_of_sales, django_capture_on_commit_callbacks
):
    client.force_login(head_of_sales)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"file": upload(GOOD_PRODUCTS)})

    run = ImportRun.objects.get()

    assert client.get(f"/imports/{run.pk}/rejected/").status_code == 404


def test_the_upload_form_requires_a_file(client, head_of_sales):
    client.force_login(head_of_sales)

    response = client.post("/imports/", {"kind": "products"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["This field is required."]}
    assert ImportRun.objects.count() == 0


def test_a_running_import_polls_itself_until_it_is_finished(client, head_of_sales):
    run = ImportRun.objects.create(
        file_name="shipments.csv", kind="shipments", status=ImportStatus.RUNNING,
        stage="writing", rows_total=1000, rows_done=250, imported_by=head_of_sales,
    )  # fmt: skip
    client.force_login(head_of_sales)

    running = client.get(f"/imports/{run.pk}/", headers=HTMX_RUN).content.decode()
    run.status, run.rows_done, run.stage = ImportStatus.SUCCEEDED, 1000, "done"
    run.counts = {"shipments": {"created": 40, "updated": 0, "unchanged": 0}}
    run.save()
    finished = client.get(f"/imports/{run.pk}/", headers=HTMX_RUN).content.decode()

    assert running.lstrip().startswith(
        f'<div id="run" class="stack" hx-get="/imports/{run.pk}/" hx-trigger="every 1s"'
    )
    assert '<progress max="1000" value="250">25 %</progress>' in running
    assert "250 of 1,000 rows" in running
    assert "Writing to the database" in running
    assert finished.lstrip().startswith('<div id="run" class="stack" aria-live="polite">')
    assert "hx-trigger" not in finished
    assert "Every row of the file is in." in finished


def test_the_history_lists_runs_newest_first(client, admin_adam, head_of_sales):
    for name in ("staff.csv", "clients.csv"):
        ImportRun.objects.create(
            file_name=name, status=ImportStatus.SUCCEEDED, imported_by=head_of_sales
        )
    client.force_login(admin_adam)

    html = client.get("/imports/").content.decode()

    assert re.findall(r'<a href="/imports/\d+/">([^<]+)</a>', html) == ["clients.csv", "staff.csv"]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ASSISTANT, Role.TOP_MANAGEMENT])
def test_a_run_does_not_exist_for_other_roles(client, db, head_of_sales, role):
    run = ImportRun.objects.create(
        file_name="clients.csv", status=ImportStatus.FAILED, imported_by=head_of_sales,
        errors=[{"row": 2, "column": "ИНН", "message": "wrong check digit"}], error_count=1,
    )  # fmt: skip
    client.force_login(UserFactory.create(role=role))

    for url in (f"/imports/{run.pk}/", f"/imports/{run.pk}/rejected/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "clients.csv" not in response.content.decode()


def test_an_upload_may_ask_to_create_missing_products(
    client, head_of_sales, django_capture_on_commit_callbacks
):
    client.force_login(head_of_sales)
    shipments = "Дата;Номер;Контрагент;Артикул;Номенклатура;Количество;Сумма\n" + (
        "01.03.2025;РТ-1;ИП Сидоров;SKU-9;Анкер 10x100;2;20,00\n"
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/imports/", {"file": upload(shipments, "shipments.csv"), "create_products": "on"}
        )
    run = ImportRun.objects.get()
    html = client.get(f"/imports/{run.pk}/").content.decode()

    assert (run.status, run.create_products) == (ImportStatus.SUCCEEDED, True)
    assert "products the catalogue lacked added to it" in html
    products = html.split('id="products-created"')[1]
    assert re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", products) == [
        ("SKU-9", "Анкер 10x100")
    ]


def test_the_run_page_lists_each_document_with_its_figures_before_and_after(client, head_of_sales):
    def document(outcome, number, before, after, held_by=()):
        return {
            "outcome": outcome, "number": number, "date": "2025-03-01", "client": "ИП Сидоров",
            "lines_before": before[0] if before else None,
            "total_before": before[1] if before else None,
            "lines_after": after[0] if after else None,
            "total_after": after[1] if after else None,
            "held_by": list(held_by),
        }  # fmt: skip

    run = ImportRun.objects.create(
        file_name="shipments.csv", kind="shipments", status=ImportStatus.PARTIAL,
        keep_valid_rows=True, imported_by=head_of_sales, document_count=3,
        documents=[
            document("held_back", "РТ-1", (3, "1514.50"), (3, "1514.50"), (3, 7)),
            document("replaced", "РТ-2", (1, "5.00"), (2, "1234567.80")),
            document("created", "РТ-3", None, (1, "10.00")),
        ],
    )  # fmt: skip
    client.force_login(head_of_sales)

    html = client.get(f"/imports/{run.pk}/").content.decode()

    rows = html.split('id="documents"')[1].split("</table>")[0]
    cells = [
        re.findall(r"<td[^>]*>(?:<span[^>]*>)?([^<]*)", row)
        for row in re.findall(r"<tr data-outcome[^>]*>(.*?)</tr>", rows)
    ]
    assert cells == [
        ["РТ-1", "03/01/2025", "ИП Сидоров", "Held back", "3", "1,514.50", "3", "1,514.50",
         "3, 7"],
        ["РТ-2", "03/01/2025", "ИП Сидоров", "Replaced", "1", "5.00", "2", "1,234,567.80",
         "—"],
        ["РТ-3", "03/01/2025", "ИП Сидоров", "Created", "—", "—", "1", "10.00", "—"],
    ]  # fmt: skip
