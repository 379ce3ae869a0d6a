"""The Django admin, opened by role: who may look at what, and who may change it."""

import pytest

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.clients.models import Client
from upsell.imports.models import ImportRun, ImportStatus
from upsell.products.models import Product
from upsell.products.tests.factories import ProductFactory


@pytest.fixture
def staff(db):
    """One staff account per role: the admin site admits staff only."""
    return {role: UserFactory.create(role=role, is_staff=True) for role in Role}


ADMIN_PAGES = {
    "users": "/admin/accounts/user/",
    "teams": "/admin/accounts/team/",
    "products": "/admin/products/product/",
    "clients": "/admin/clients/client/",
    "imports": "/admin/imports/importrun/",
}


@pytest.mark.parametrize(("role", "statuses"), [
    #                     users teams products clients imports
    (Role.ADMIN,          (200,  200,  200,     403,    200)),
    (Role.HEAD_OF_SALES,  (403,  200,  200,     200,    200)),
    (Role.TOP_MANAGEMENT, (403,  403,  200,     200,    403)),
    (Role.MANAGER,        (403,  403,  200,     403,    403)),
    (Role.ASSISTANT,      (403,  403,  200,     403,    403)),
])  # fmt: skip
def test_each_role_sees_its_part_of_the_admin(client, staff, role, statuses):
    client.force_login(staff[role])

    responses = {name: client.get(url).status_code for name, url in ADMIN_PAGES.items()}

    assert responses == dict(zip(ADMIN_PAGES, statuses, strict=True))


def test_clients_are_read_only_in_the_admin_even_for_a_superuser(client, db, annas_client):
    superuser = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = f"/admin/clients/client/{annas_client.pk}/change/"

    page = client.get(url)
    response = client.post(url, {"name": "Переименован"})

    assert page.status_code == 200
    assert f'href="/clients/{annas_client.pk}/"' in page.content.decode()
    assert response.status_code == 403
    assert Client.objects.get(pk=annas_client.pk).name == 'ООО "Альфа"'
    assert client.get("/admin/clients/client/add/").status_code == 403


def test_products_are_saved_through_the_catalogue_service(client, staff):
    ProductFactory.create(sku="KR-1")
    client.force_login(staff[Role.HEAD_OF_SALES])

    created = client.post(
        "/admin/products/product/add/",
        {"sku": "KR-2", "name": "Саморез", "group": "Крепёж", "unit": "уп"},
    )
    taken = client.post(
        "/admin/products/product/add/", {"sku": "KR-1", "name": "Дубль", "group": "", "unit": ""}
    )

    assert created.status_code == 302
    assert Product.objects.filter(sku="KR-2").values_list("name", "group", "unit").get() == (
        "Саморез",
        "Крепёж",
        "уп",
    )
    assert taken.status_code == 200
    assert Product.objects.filter(sku="KR-1").count() == 1


def test_a_manager_cannot_change_products_in_the_admin(client, staff):
    product = ProductFactory.create(sku="KR-1", name="Саморез")
    client.force_login(staff[Role.MANAGER])

    response = client.post(
        f"/admin/products/product/{product.pk}/change/",
        {"sku": "KR-1", "name": "Иное", "group": "", "unit": ""},
    )

    assert response.status_code == 403
    assert Product.objects.get(pk=product.pk).name == "Саморез"


def test_import_runs_are_shown_not_edited(client, staff):
    run = ImportRun.objects.create(file_name="clients.csv", status=ImportStatus.SUCCEEDED)
    client.force_login(staff[Role.ADMIN])

    assert client.get(f"/admin/imports/importrun/{run.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/imports/importrun/{run.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert ImportRun.objects.filter(pk=run.pk).exists()
