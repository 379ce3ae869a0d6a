"""Behind a reverse proxy (UPSELL_TRUSTED_PROXIES), failed logins count against the client's own
address from X-Forwarded-For, and HTTPS is what the proxy says; without one the header is the
caller's word and is ignored."""

import pytest
from django.test import Client, override_settings

PASSWORD = "correct-horse-battery"
PROXY = "10.0.0.2"


def _client_behind_the_proxy(address: str) -> Client:
    # The proxy calls from its own address and appends the client's to X-Forwarded-For.
    return Client(REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": address})


def _fail_five_logins(client: Client) -> None:
    """Five wrong passwords for anna: the fifth locks her login from that address."""
    statuses = [
        client.post("/login/", {"username": "anna", "password": "wrong"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


@override_settings(UPSELL_TRUSTED_PROXIES=1)
def test_two_clients_behind_the_proxy_are_throttled_separately(manager_anna):
    locked_out = _client_behind_the_proxy("203.0.113.5")
    elsewhere = _client_behind_the_proxy("198.51.100.7")
    _fail_five_logins(locked_out)

    locked = locked_out.post("/login/", {"username": "anna", "password": PASSWORD})
    logged_in = elsewhere.post("/login/", {"username": "anna", "password": PASSWORD})

    assert locked.status_code == 429
    assert logged_in.status_code == 302
    assert elsewhere.get("/clients/").status_code == 200


@override_settings(UPSELL_TRUSTED_PROXIES=1)
def test_an_address_the_client_wrote_itself_does_not_escape_the_lockout(manager_anna):
    _fail_five_logins(_client_behind_the_proxy("203.0.113.5"))
    # The same client, claiming another address: the proxy appended the real one after it.
    forged = _client_behind_the_proxy("198.51.100.7, 203.0.113.5")

    response = forged.post("/login/", {"username": "anna", "password": PASSWORD})

    assert response.status_code == 429


@override_settings(UPSELL_TRUSTED_PROXIES=0)
def test_without_a_proxy_the_forwarded_address_is_ignored(manager_anna):
    _fail_five_logins(Client(REMOTE_ADDR="192.0.2.9", headers={"X-Forwarded-For": "203.0.113.5"}))
    # Another X-Forwarded-For from the same address is the same caller.
    same_caller = Client(REMOTE_ADDR="192.0.2.9", headers={"X-Forwarded-For": "198.51.100.7"})
    another_caller = Client(REMOTE_ADDR="192.0.2.10")

    assert (
        same_caller.post("/login/", {"username": "anna", "password": PASSWORD}).status_code == 429
    )
    assert (
        another_caller.post("/login/", {"username": "anna", "password": PASSWORD}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("proxies", "forwarded_proto", "secure"),
    [(1, "https", True), (1, "http", False), (0, "https", False)],
)
def test_a_request_is_secure_when_the_trusted_proxy_received_it_over_https(
    proxies, forwarded_proto, secure, manager_anna, settings
):
    settings.UPSELL_TRUSTED_PROXIES = proxies
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if proxies else None
    settings.SECURE_SSL_REDIRECT = True

    response = Client(REMOTE_ADDR=PROXY, headers={"X-Forwarded-Proto": forwarded_proto}).get(
        "/login/"
    )

    if secure:
        assert response.status_code == 200
    else:
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/login/"
