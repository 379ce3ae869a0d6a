import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from upsell.accounts.tokens import api_token_create
from upsell.imports.models import ImportRun
from upsell.products.models import Product

PRODUCTS_FILE = "Артикул;Номенклатура;Группа\nBOLT-M8;Болт М8;Крепёж\nNUT-M8;Гайка М8;Крепёж\n"
UPLOADED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def api_client(user):
    _, token = api_token_create(user=user)
    return HttpClient(headers={"Authorization": f"Bearer {token}"})


def upload(client, content, *, name="products.csv", **fields):
    return client.post(
        "/api/imports",
        {"file": SimpleUploadedFile(name, content.encode()), **fields},
    )


@pytest.mark.parametrize("persona", ["head_of_sales", "admin_adam"])
def test_an_upload_is_queued_and_then_imported(
    persona, request, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(persona)
    client = api_client(user)

    with (
        time_machine.travel(UPLOADED, tick=False),
        django_capture_on_commit_callbacks(execute=True) as queued,
    ):
        response = upload(client, PRODUCTS_FILE)

    assert response.status_code == 202
    run = ImportRun.objects.get()
    assert response.json() == {
        "id": run.pk,
        "file_name": "products.csv",
        "kind": "",
        "status": "queued",
        "stage": None,
        "keep_valid_rows": False,
        "create_products": False,
        "imported_by": {"id": user.pk, "username": user.username, "full_name": user.full_name},
        "created_at": "2026-03-02T09:30:00Z",
        "started_at": None,
        "finished_at": None,
        "rows_total": 0,
        "rows_done": 0,
        "counts": {},
        "error_count": 0,
        "errors": [],
        "document_count": 0,
        "documents": [],
        "products_created": [],
    }
    assert len(queued) == 1

    done = client.get(f"/api/imports/{run.pk}").json()

    assert (done["status"], done["kind"], done["rows_total"], done["rows_done"]) == (
        "succeeded",
        "products",
        2,
        2,
    )
    assert done["counts"]["products"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["BOLT-M8", "NUT-M8"]


def test_a_bad_file_fails_with_every_error(head_of_sales, django_capture_on_commit_callbacks):
    client = api_client(head_of_sales)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "Артикул;Номенклатура\nBOLT-M8;\n;Гайка\n", kind="products")
    run = client.get(f"/api/imports/{response.json()['id']}").json()

    assert (run["status"], run["kind"], run["error_count"]) == ("failed", "products", 2)
    assert [(error["row"], error["column"]) for error in run["errors"]] == [
        (2, "Номенклатура"),
        (3, "Артикул"),
    ]
    assert Product.objects.count() == 0


def test_an_upload_keeps_the_options_it_was_given(head_of_sales):
    response = upload(
        api_client(head_of_sales),
        PRODUCTS_FILE,
        kind="products",
        keep_valid_rows="true",
        create_products="true",
    )

    assert response.status_code == 202
    run = ImportRun.objects.get()
    assert (run.kind, run.keep_valid_rows, run.create_products, run.status) == (
        "products",
        True,
        True,
        "queued",
    )


SHIPMENTS_FILE = (
    "Дата;Номер;Контрагент;Артикул;Номенклатура;Количество;Сумма\n"
    "01.03.2025;РТ-1;ИП Сидоров;BOLT-M8;Болт М8;2;20,00\n"
    "01.03.2025;РТ-1;ИП Сидоров;NUT-M8;Гайка М8;1;5,50\n"
)


def test_a_run_shows_the_documents_and_products_it_created(
    head_of_sales, django_capture_on_commit_callbacks
):
    client = api_client(head_of_sales)

    with django_capture_on_commit_callbacks(execute=True):
        refused = upload(client, SHIPMENTS_FILE, name="shipments.csv")
        created = upload(client, SHIPMENTS_FILE, name="shipments.csv", create_products="true")
    refused_run = client.get(f"/api/imports/{refused.json()['id']}").json()
    run = client.get(f"/api/imports/{created.json()['id']}").json()

    assert (refused_run["status"], refused_run["errors"]) == (
        "failed",
        [
            {
                "row": row,
                "column": "Артикул",
                "message": f"no product has the code «{sku}»: import it with the products "
                "file first",
            }
            for row, sku in ((2, "BOLT-M8"), (3, "NUT-M8"))
        ],
    )
    assert (run["status"], run["create_products"], run["document_count"]) == (
        "succeeded",
        True,
        1,
    )
    assert run["documents"] == [
        {
            "outcome": "created", "number": "РТ-1", "date": "2025-03-01", "client": "ИП Сидоров",
            "lines_before": None, "total_before": None, "lines_after": 2,
            "total_after": "25.50", "held_by": [],
        }
    ]  # fmt: skip
    assert run["products_created"] == [
        {"sku": "BOLT-M8", "name": "Болт М8"},
        {"sku": "NUT-M8", "name": "Гайка М8"},
    ]


def test_an_unknown_kind_is_refused(head_of_sales):
    response = upload(api_client(head_of_sales), PRODUCTS_FILE, kind="contracts")

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["form", "kind"]]
    assert ImportRun.objects.count() == 0


def test_an_upload_without_a_file_is_refused(head_of_sales):
    response = api_client(head_of_sales).post("/api/imports", {"kind": "products"})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["file", "file"]]
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "top_manager"])
def test_sales_staff_do_not_import(persona, request, django_capture_on_commit_callbacks):
    user = request.getfixturevalue(persona)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = upload(api_client(user), PRODUCTS_FILE)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Your role does not import files."},
    )
    assert (ImportRun.objects.count(), Product.objects.count(), len(queued)) == (0, 0, 0)


@pytest.fixture
def runs(head_of_sales, admin_adam):
    return [
        ImportRun.objects.create(file_name=f"file-{n}.csv", imported_by=head_of_sales)
        for n in range(3)
    ] + [ImportRun.objects.create(file_name="staff.csv", imported_by=admin_adam)]


def test_the_head_of_sales_lists_every_run_newest_first(runs, head_of_sales):
    response = api_client(head_of_sales).get("/api/imports?page_size=3")

    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (4, 1, 3)
    assert [item["file_name"] for item in body["items"]] == [
        "staff.csv",
        "file-2.csv",
        "file-1.csv",
    ]


@pytest.mark.parametrize("persona", ["manager_anna", "assistant_vera", "top_manager"])
def test_sales_staff_see_no_runs(runs, persona, request):
    client = api_client(request.getfixturevalue(persona))

    listed = client.get("/api/imports")
    one = client.get(f"/api/imports/{runs[0].pk}")

    assert (listed.status_code, listed.json()["count"], listed.json()["items"]) == (200, 0, [])
    assert (one.status_code, one.json()) == (404, {"detail": "Not Found"})
