"""The administrator's Users page: list, create, edit, deactivate; nobody else gets anywhere."""

import re
from html import unescape

import pytest

from upsell.accounts.models import Role, Team, User
from upsell.accounts.tests.factories import UserFactory


def people(response):
    """(full name, login, role, team) of each row of the users table, in order."""
    html = response.content.decode()
    rows = re.findall(r'<tr data-user="[^"]+">(.*?)</tr>', html, flags=re.S)
    table = []
    for row in rows:
        cells = [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        table.append(cells[:4])
    return table


def snapshot():
    return list(
        User.objects.order_by("pk").values_list(
            "username", "full_name", "email", "role", "is_active", "password"
        )
    )


def test_the_administrator_lists_everybody_with_role_and_team(
    client, admin_adam, manager_anna, assistant_vera, head_of_sales
):
    UserFactory.create(username="gone", full_name="Ушедший Иван", is_active=False)
    client.force_login(admin_adam)

    response = client.get("/users/")

    assert response.status_code == 200
    assert people(response) == [
        ["Админов Адам", "adam", "Administrator", "—"],
        ["Иванова Анна", "anna", "Manager", "Смирнова Вера"],
        ["Кузнецова Елена", "helen", "Head of sales", "—"],
        ["Смирнова Вера", "vera", "Assistant", "Иванова Анна"],
        ["Ушедший Иван Deactivated", "gone", "Manager", "—"],
    ]


def test_the_administrator_creates_an_assistant_of_a_manager_with_a_password(
    client, admin_adam, manager_anna
):
    client.force_login(admin_adam)

    response = client.post(
        "/users/new/",
        {
            "full_name": "Сидорова  Ольга Петровна",
            "username": "",
            "email": "olga@example.com",
            "role": "assistant",
            "assists": [manager_anna.pk],
            "password": "a-longer-secret-2026",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/users/"
    olga = User.objects.get(full_name="Сидорова Ольга Петровна")
    assert (olga.username, olga.email, olga.role, olga.is_active) == (
        "sidorova.op",
        "olga@example.com",
        Role.ASSISTANT,
        True,
    )
    assert olga.check_password("a-longer-secret-2026")
    assert list(Team.objects.filter(assistants=olga).values_list("manager", flat=True)) == [
        manager_anna.pk
    ]


def test_the_administrator_changes_a_persons_name_email_and_role(
    client, admin_adam, manager_anna, assistant_vera
):
    client.force_login(admin_adam)
    form = client.get(f"/users/{assistant_vera.pk}/").content.decode()
    assert 'value="Смирнова Вера"' in form
    assert f'value="{manager_anna.pk}" id="id_assists_0" checked' in form

    response = client.post(
        f"/users/{assistant_vera.pk}/",
        {
            "full_name": "Смирнова Вера Андреевна",
            "username": "vera",
            "email": "vera@example.com",
            "role": "manager",
            "password": "",
        },
    )

    assert response.status_code == 302
    assistant_vera.refresh_from_db()
    assert (assistant_vera.full_name, assistant_vera.email, assistant_vera.role) == (
        "Смирнова Вера Андреевна",
        "vera@example.com",
        Role.MANAGER,
    )
    # A manager assists nobody: the former assistant left Anna's team.
    assert list(Team.objects.get(manager=manager_anna).assistants.all()) == []
    assert assistant_vera.check_password("correct-horse-battery")


def test_a_login_or_full_name_another_person_has_is_refused_and_nothing_changes(
    client, admin_adam, manager_anna, manager_boris
):
    client.force_login(admin_adam)
    before = snapshot()

    response = client.post(
        f"/users/{manager_boris.pk}/",
        {"full_name": "Иванова Анна", "username": "anna", "email": "", "role": "manager"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Another person has this login." in html
    assert "Another person has this full name" in html
    assert snapshot() == before


def test_a_weak_password_is_refused_and_no_one_is_created(client, admin_adam):
    client.force_login(admin_adam)
    before = snapshot()

    response = client.post(
        "/users/new/",
        {"full_name": "Новиков Пётр", "username": "", "email": "", "role": "manager",
         "password": "123"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert snapshot() == before


def test_the_administrator_deactivates_a_person_and_takes_them_back(
    client, admin_adam, manager_boris
):
    client.force_login(admin_adam)

    response = client.post(f"/users/{manager_boris.pk}/active/", {"active": "0"}, follow=True)

    manager_boris.refresh_from_db()
    assert manager_boris.is_active is False
    assert "Петров Борис deactivated." in response.content.decode()

    client.post(f"/users/{manager_boris.pk}/active/", {"active": "1"})

    manager_boris.refresh_from_db()
    assert manager_boris.is_active is True


def test_the_administrator_cannot_deactivate_themselves(client, admin_adam):
    client.force_login(admin_adam)

    response = client.post(f"/users/{admin_adam.pk}/active/", {"active": "0"}, follow=True)

    admin_adam.refresh_from_db()
    assert admin_adam.is_active is True
    assert "You cannot deactivate yourself." in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["manager_anna", "assistant_vera", "head_of_sales", "top_manager"]
)
def test_nobody_else_finds_the_users_pages_nor_changes_anyone(
    client, request, persona, manager_boris
):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()

    answers = [
        client.get("/users/").status_code,
        client.get("/users/new/").status_code,
        client.get(f"/users/{manager_boris.pk}/").status_code,
        client.post(
            "/users/new/",
            {"full_name": "Захватов Захар", "role": "admin", "password": "a-longer-secret-2026"},
        ).status_code,
        client.post(
            f"/users/{manager_boris.pk}/",
            {"full_name": "Петров Борис", "username": "boris", "role": "admin"},
        ).status_code,
        client.post(f"/users/{manager_boris.pk}/active/", {"active": "0"}).status_code,
    ]

    assert answers == [404] * 6
    assert snapshot() == before


def test_an_unknown_person_is_not_found(client, admin_adam):
    client.force_login(admin_adam)

    assert client.get("/users/999999/").status_code == 404
    assert client.post("/users/999999/active/", {"active": "0"}).status_code == 404
