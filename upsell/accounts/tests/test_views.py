"""Logging in and out, the start page of each role, the layout, passwords and the language."""

import re

import pytest

from upsell.accounts.models import Role
from upsell.accounts.tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def navigation(response):
    html = response.content.decode()
    return re.findall(r'<nav class="nav"[^>]*>(.*?)</nav>', html, flags=re.S)[0]


def nav_labels(response):
    """The navigation's links to the screens built here (other apps add theirs beside them)."""
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', navigation(response))
    built = ("/clients/", "/programs/", "/imports/", "/users/", "/admin/")
    return [label for url, label in links if url.startswith(built)]


def test_the_login_page_is_open_to_anybody(client, db):
    response = client.get("/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<input type="password" name="password"' in html
    assert 'action="/i18n/setlang/"' in html


@pytest.mark.parametrize(("persona", "start"), [
    ("manager_anna", "/today/"), ("assistant_vera", "/requests/"), ("head_of_sales", "/review/"),
    ("top_manager", "/review/company/"), ("admin_adam", "/imports/"),
])  # fmt: skip
def test_each_role_lands_on_its_start_page(client, request, persona, start):
    user = request.getfixturevalue(persona)

    logged_in = client.post("/login/", {"username": user.username, "password": PASSWORD})
    landed = client.get(logged_in["Location"])

    assert logged_in["Location"] == "/"
    assert landed.status_code == 302
    assert landed["Location"] == start


def test_a_wrong_password_keeps_the_user_out(client, manager_anna):
    response = client.post("/login/", {"username": "anna", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert client.get("/clients/").status_code == 302


def test_repeated_failures_lock_the_login(client, manager_anna):
    for _ in range(5):
        client.post("/login/", {"username": "anna", "password": "wrong"})

    response = client.post("/login/", {"username": "anna", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert client.get("/clients/").status_code == 302


def test_logging_out_ends_the_session(client, manager_anna):
    client.force_login(manager_anna)

    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/clients/")["Location"] == "/login/?next=/clients/"


def test_the_start_page_asks_anonymous_to_log_in(client, db):
    assert client.get("/")["Location"] == "/login/?next=/"


@pytest.mark.parametrize(("role", "staff", "labels"), [
    (Role.MANAGER, False, ["My clients", "Programs"]),
    (Role.ASSISTANT, False, ["My clients", "Programs"]),
    (Role.HEAD_OF_SALES, False, ["Clients", "Programs", "Imports"]),
    (Role.HEAD_OF_SALES, True, ["Clients", "Programs", "Imports", "Administration"]),
    (Role.TOP_MANAGEMENT, False, ["Clients", "Programs"]),
    (Role.ADMIN, True, ["Imports", "Users"]),
    (Role.ADMIN, False, ["Imports", "Users"]),
])  # fmt: skip
def test_the_navigation_shows_each_role_its_screens(client, db, role, staff, labels):
    client.force_login(UserFactory.create(role=role, is_staff=staff))

    page = client.get("/password/")

    assert nav_labels(page) == labels


def test_the_layout_names_the_user_and_its_role(client, head_of_sales):
    client.force_login(head_of_sales)

    html = client.get("/clients/").content.decode()

    assert '<span class="user-name">Кузнецова Елена</span>' in html
    assert '<span class="user-role">Head of sales</span>' in html
    assert '<a href="/clients/" aria-current="page">Clients</a>' in html


def test_a_user_changes_its_password(client, manager_anna):
    client.force_login(manager_anna)

    response = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-longer-secret-2026",
            "new_password2": "a-longer-secret-2026",
        },
        follow=True,
    )

    manager_anna.refresh_from_db()
    assert manager_anna.check_password("a-longer-secret-2026")
    assert "Your password has been changed." in response.content.decode()


def test_a_wrong_old_password_changes_nothing(client, manager_anna):
    client.force_login(manager_anna)

    response = client.post(
        "/password/",
        {
            "old_password": "wrong",
            "new_password1": "a-new-secret-99",
            "new_password2": "a-new-secret-99",
        },
    )

    manager_anna.refresh_from_db()
    assert response.status_code == 200
    assert manager_anna.check_password(PASSWORD)
    assert response.context["form"].errors == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]
    }


def test_the_password_page_needs_a_login(client, db):
    assert client.get("/password/")["Location"] == "/login/?next=/password/"


def test_the_language_switch_changes_the_language_and_returns_to_the_page(client, manager_anna):
    client.force_login(manager_anna)

    switched = client.post("/i18n/setlang/", {"language": "ru", "next": "/clients/?q=1"})
    russian = client.get("/clients/")
    client.post("/i18n/setlang/", {"language": "en", "next": "/clients/"})
    english = client.get("/clients/")

    assert switched["Location"] == "/clients/?q=1"
    assert russian["Content-Language"] == "ru"
    assert "<h1>Мои клиенты</h1>" in russian.content.decode()
    assert (
        '<button type="submit" name="language" value="ru" title="Русский" lang="ru"'
        ' aria-pressed="true">RU</button>'
    ) in russian.content.decode()
    assert english["Content-Language"] == "en"
    assert "<h1>My clients</h1>" in english.content.decode()


def test_the_browser_language_is_used_until_one_is_chosen(client, manager_anna):
    client.force_login(manager_anna)

    response = client.get("/clients/", headers={"Accept-Language": "ru-RU,ru;q=0.9"})

    assert "<h1>Мои клиенты</h1>" in response.content.decode()


def test_a_missing_page_keeps_the_layout(client, manager_anna):
    client.force_login(manager_anna)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()
    assert nav_labels(response) == ["My clients", "Programs"]


@pytest.mark.parametrize(("persona", "staff", "status"), [
    ("admin_adam", True, 200), ("head_of_sales", True, 403), ("manager_anna", True, 403),
    ("admin_adam", False, 302),
])  # fmt: skip
def test_only_administrators_manage_users_in_the_admin(client, request, persona, staff, status):
    user = request.getfixturevalue(persona)
    user.is_staff = staff
    user.save(update_fields=["is_staff"])
    client.force_login(user)

    assert client.get("/admin/accounts/user/").status_code == status


def test_the_users_admin_shows_roles_and_teams(client, admin_adam, assistant_vera, manager_anna):
    admin_adam.is_staff = True
    admin_adam.save(update_fields=["is_staff"])
    client.force_login(admin_adam)

    html = client.get("/admin/accounts/user/").content.decode()

    rows = re.findall(r'<th class="field-username"><a [^>]+>(\w+)</a></th>(.*?)</tr>', html, re.S)
    teams = {
        username: re.findall(r'<td class="field-team_names">([^<]*)</td>', cells)[0]
        for username, cells in rows
    }
    assert teams == {"adam": "—", "anna": "Смирнова Вера", "vera": "Иванова Анна"}


def test_the_users_item_opens_the_users_page_not_djangos_admin(client, admin_adam):
    client.force_login(admin_adam)

    response = client.get("/users/")

    assert '<a href="/users/" aria-current="page">Users</a>' in navigation(response)
