import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from upsell.accounts.models import ApiToken
from upsell.accounts.tokens import LAST_USED_RESOLUTION, api_token_create, api_token_user


def api_client(user):
    _, token = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_me_answers_who_the_token_belongs_to(manager_anna):
    response = api_client(manager_anna).get("/api/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": manager_anna.pk,
        "username": "anna",
        "full_name": "Иванова Анна",
        "email": "",
        "role": "manager",
        "role_label": "Manager",
        "sees_all_sales": False,
    }


def test_me_of_the_head_of_sales_says_it_sees_all_sales(head_of_sales):
    response = api_client(head_of_sales).get("/api/me")

    assert (response.json()["role"], response.json()["sees_all_sales"]) == ("head_of_sales", True)


def test_only_a_digest_of_the_token_is_stored(manager_anna):
    api_token, token = api_token_create(user=manager_anna, name="website")

    assert token.startswith(f"{api_token.prefix}.")
    assert len(token) == 12 + 1 + 43
    stored = ApiToken.objects.get()
    assert (stored.user, stored.name, stored.last_used_at) == (manager_anna, "website", None)
    assert token not in {stored.prefix, stored.digest}
    assert stored.digest != token.split(".")[1]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer not-a-token",
        "Basic YW5uYTpjb3JyZWN0LWhvcnNlLWJhdHRlcnk=",
        "Bearer 000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "Bearer \x00",
    ],
)
def test_a_missing_or_wrong_token_answers_401(manager_anna, authorization):
    api_token_create(user=manager_anna)
    headers = {} if authorization is None else {"Authorization": authorization}

    response = Client(headers=headers).get("/api/me")

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_token_with_a_right_prefix_and_a_wrong_secret_answers_401(manager_anna):
    api_token, _ = api_token_create(user=manager_anna)
    forged = f"{api_token.prefix}.{'A' * 43}"

    response = Client(headers={"Authorization": f"Bearer {forged}"}).get("/api/me")

    assert response.status_code == 401
    assert ApiToken.objects.get().last_used_at is None


def test_the_token_of_a_deactivated_user_stops_working(manager_anna):
    client = api_client(manager_anna)
    manager_anna.is_active = False
    manager_anna.save(update_fields=["is_active"])

    response = client.get("/api/me")

    assert response.status_code == 401


def test_last_use_is_recorded_at_most_once_per_resolution(manager_anna):
    _, token = api_token_create(user=manager_anna)
    first_use = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    with time_machine.travel(first_use, tick=False):
        assert api_token_user(token=token) == manager_anna
    with time_machine.travel(first_use + LAST_USED_RESOLUTION / 2, tick=False):
        assert api_token_user(token=token) == manager_anna
    assert ApiToken.objects.get().last_used_at == first_use

    with time_machine.travel(first_use + LAST_USED_RESOLUTION, tick=False):
        api_token_user(token=token)
    assert ApiToken.objects.get().last_used_at == first_use + LAST_USED_RESOLUTION


def test_a_browser_session_reads_the_api(manager_anna):
    client = Client()
    client.force_login(manager_anna)

    response = client.get("/api/me")

    assert (response.status_code, response.json()["username"]) == (200, "anna")


def test_a_browser_session_must_send_the_csrf_token_to_change_anything(manager_anna):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_anna)
    csrf_token = "a" * 32  # as a page of the site would have set it
    client.cookies["csrftoken"] = csrf_token
    payload = {"name": 'ООО "Гамма"'}

    refused = client.post("/api/clients", payload, content_type="application/json")
    accepted = client.post(
        "/api/clients",
        payload,
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token},
    )

    assert (refused.status_code, refused.json()) == (403, {"detail": "CSRF check Failed"})
    assert accepted.status_code == 201
    assert accepted.json()["name"] == 'ООО "Гамма"'


def test_a_bearer_token_needs_no_csrf_token(manager_anna):
    _, token = api_token_create(user=manager_anna)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})

    response = client.post("/api/clients", {"name": 'ООО "Гамма"'}, content_type="application/json")

    assert response.status_code == 201


def test_an_anonymous_change_answers_401_not_a_csrf_failure(db):
    response = Client(enforce_csrf_checks=True).post(
        "/api/clients", {"name": 'ООО "Гамма"'}, content_type="application/json"
    )

    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


def test_token_command_prints_a_working_token(manager_boris, capsys):
    call_command("token", "boris", "--name", "website")

    out, err = capsys.readouterr()
    token = out.strip()
    assert api_token_user(token=token) == manager_boris
    assert ApiToken.objects.get().name == "website"
    assert f"Authorization: Bearer {token}" in err


def test_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("token", "nobody")

    assert ApiToken.objects.count() == 0


def test_token_command_refuses_an_inactive_user(manager_boris):
    manager_boris.is_active = False
    manager_boris.save(update_fields=["is_active"])

    with pytest.raises(CommandError, match="boris is not active"):
        call_command("token", "boris")

    assert ApiToken.objects.count() == 0


def test_token_command_revokes_every_token_of_the_user(manager_anna, manager_boris, capsys):
    _, boris_token = api_token_create(user=manager_boris)
    api_token_create(user=manager_boris)
    _, anna_token = api_token_create(user=manager_anna)

    call_command("token", "boris", "--revoke")

    assert capsys.readouterr().out == "Revoked 2 token(s) of boris.\n"
    assert api_token_user(token=boris_token) is None
    assert api_token_user(token=anna_token) == manager_anna
