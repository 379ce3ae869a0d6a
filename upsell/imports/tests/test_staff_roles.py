"""People and their roles are the administrator's alone: a staff file brought in by anyone
else changes nobody."""

from pathlib import Path

import pytest

from upsell.accounts.models import Role, User
from upsell.imports.models import ImportStatus
from upsell.imports.problems import Problem
from upsell.imports.services import import_path
from upsell.imports.tests.files import csv_write, table_counts


def _promoting_file(tmp_path: Path, head_of_sales: User, admin: User) -> Path:
    """The head of sales made administrator, the administrator a manager, someone new added."""
    return csv_write(
        tmp_path / "staff.csv",
        [
            ("ФИО", "Логин", "Роль"),
            (head_of_sales.full_name, head_of_sales.username, "Администратор"),
            (admin.full_name, admin.username, "Менеджер"),
            ("Новикова Нина", "novikova.n", "Руководитель отдела продаж"),
        ],
        delimiter=",",
    )


def _roles() -> list[tuple[str, str]]:
    return sorted(User.objects.values_list("username", "role"))


@pytest.mark.parametrize("persona", ["head_of_sales", "manager_anna", "top_manager"])
def test_only_the_administrator_changes_people_through_a_staff_file(
    request, tmp_path, head_of_sales, admin_adam, persona
):
    importer = request.getfixturevalue(persona)
    path = _promoting_file(tmp_path, head_of_sales, admin_adam)
    roles, before = _roles(), table_counts()

    run = import_path(path=path, imported_by=importer)

    assert run.status == ImportStatus.FAILED
    assert [Problem(**error).format(run.file_name) for error in run.errors] == [
        "staff.csv: only the administrator imports staff files: they add people and set their roles"
    ]
    assert (_roles(), table_counts()) == (roles, before)


def test_the_administrator_sets_roles_with_a_staff_file(tmp_path, head_of_sales, admin_adam):
    path = _promoting_file(tmp_path, head_of_sales, admin_adam)

    run = import_path(path=path, imported_by=admin_adam)

    assert run.status == ImportStatus.SUCCEEDED
    assert _roles() == [
        ("adam", Role.MANAGER),
        ("helen", Role.ADMIN),
        ("novikova.n", Role.HEAD_OF_SALES),
    ]
