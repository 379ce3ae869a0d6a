"""The history in the Django admin: read by the roles that see all sales, changed by nobody."""

import pytest

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory
from upsell.history.models import Change, ChangeSource, Subject

CHANGES = "/admin/history/change/"


@pytest.fixture
def change(db: None) -> Change:
    return Change.objects.create(
        subject=Subject.CLIENT, object_id=1, field="region", before="Москва", after="Тула",
        source=ChangeSource.IMPORT,
    )  # fmt: skip


@pytest.mark.parametrize(("role", "status"), [
    (Role.HEAD_OF_SALES, 200),
    (Role.TOP_MANAGEMENT, 200),
    (Role.ADMIN, 403),
    (Role.MANAGER, 403),
    (Role.ASSISTANT, 403),
])  # fmt: skip
def test_the_roles_that_see_all_sales_read_the_history(client, change, role, status):
    client.force_login(UserFactory.create(role=role, is_staff=True))

    assert client.get(CHANGES).status_code == status


def test_no_one_adds_changes_or_deletes_a_change_in_the_admin(client, change):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))

    page = client.get(f"{CHANGES}{change.pk}/change/")
    edited = client.post(f"{CHANGES}{change.pk}/change/", {"after": '"Казань"'})
    deleted = client.post(f"{CHANGES}{change.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert (edited.status_code, deleted.status_code) == (403, 403)
    assert client.get(f"{CHANGES}add/").status_code == 403
    assert Change.objects.values_list("after", flat=True).get() == "Тула"
