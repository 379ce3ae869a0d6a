"""Mail goes to a real SMTP server with the login and the encryption the environment gives
(MAIL_USER, MAIL_PASSWORD, MAIL_USE_TLS for STARTTLS, MAIL_USE_SSL for TLS from the start)."""

import smtplib
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, mailers, send_mail

from upsell.config.env import mailer_from_env
from upsell.core.tests.installation import free_port

USER, PASSWORD = "upsell@example.ru", "s3cret-mail"


@dataclass
class Mailbox:
    """What the server received: each message's login, envelope and text."""

    received: list[dict[str, Any]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received.append(
            {
                "login": session.auth_data.login.decode() if session.auth_data else None,
                "encrypted": session.ssl is not None,
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "text": envelope.content.decode(),
            }
        )
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    valid = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(),
        auth_data.password.decode(),
    ) == (USER, PASSWORD)
    return AuthResult(success=valid, handled=False, auth_data=auth_data)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, made by openssl for these tests."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def trusting_the_certificate(certificate, monkeypatch) -> None:
    # The client checks the server's certificate against the system's authorities; this one
    # is the only authority for the test.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def starttls_server(certificate) -> Iterator[tuple[int, Mailbox]]:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(certificate),
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
        auth_required=True,
    )
    controller.start()
    yield port, mailbox
    controller.stop()


@pytest.fixture
def tls_server(certificate) -> Iterator[tuple[int, Mailbox]]:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        ssl_context=_server_context(certificate),
        authenticator=_authenticate,
        # The connection is encrypted from the start; the server only checks for STARTTLS.
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    yield port, mailbox
    controller.stop()


def _mail_settings(monkeypatch, settings, port: int, **mail: str) -> None:
    for name, value in {
        "MAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": str(port),
        "MAIL_USER": USER,
        "MAIL_PASSWORD": PASSWORD,
        **mail,
    }.items():
        monkeypatch.setenv(name, value)
    settings.MAILERS = {"default": mailer_from_env()}


def test_mail_logs_in_after_starttls(
    starttls_server, trusting_the_certificate, monkeypatch, settings
):
    port, mailbox = starttls_server
    _mail_settings(monkeypatch, settings, port, MAIL_USE_TLS="1")

    sent = send_mail("Новая заявка", "Заявка ЗК-00017 ждёт вас.", USER, ["anna@example.ru"])

    assert sent == 1
    [message] = mailbox.received
    assert message["login"] == USER
    assert message["encrypted"] is True
    assert message["from"] == USER
    assert message["to"] == ["anna@example.ru"]
    assert "Subject: =?utf-8?b?" in message["text"]


# The server is TLS from the start; aiosmtpd warns because it only knows of STARTTLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_mail_logs_in_over_tls_from_the_start(
    tls_server, trusting_the_certificate, monkeypatch, settings
):
    port, mailbox = tls_server
    _mail_settings(monkeypatch, settings, port, MAIL_USE_SSL="1")

    sent = send_mail("Новая заявка", "Заявка ЗК-00017 ждёт вас.", USER, ["anna@example.ru"])

    assert sent == 1
    [message] = mailbox.received
    assert message["login"] == USER
    # The server speaks nothing but TLS: the message came through it.
    assert message["to"] == ["anna@example.ru"]


def test_a_wrong_password_is_refused_and_nothing_is_sent(
    starttls_server, trusting_the_certificate, monkeypatch, settings
):
    port, mailbox = starttls_server
    _mail_settings(monkeypatch, settings, port, MAIL_USE_TLS="1", MAIL_PASSWORD="wrong")
    connection = mailers.default

    message = EmailMessage("Новая заявка", "Заявка ЗК-00017 ждёт вас.", USER, ["anna@example.ru"])

    with pytest.raises(smtplib.SMTPAuthenticationError):
        connection.send_messages([message])
    # The refused connection stays half open until closed.
    connection.close()

    assert mailbox.received == []


def test_a_server_whose_certificate_is_not_trusted_gets_no_password(
    starttls_server, monkeypatch, settings
):
    port, mailbox = starttls_server
    _mail_settings(monkeypatch, settings, port, MAIL_USE_TLS="1")

    with pytest.raises(ssl.SSLCertVerificationError):
        send_mail("Новая заявка", "Заявка ЗК-00017 ждёт вас.", USER, ["anna@example.ru"])

    assert mailbox.received == []


def test_mail_settings_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("MAIL_HOST", "smtp.example.ru")
    monkeypatch.setenv("MAIL_USE_TLS", "1")

    assert mailer_from_env() == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.ru",
            "port": 587,
            "username": "",
            "password": "",
            "use_tls": True,
            "use_ssl": False,
            "timeout": 30,
        },
    }

    monkeypatch.setenv("MAIL_USE_SSL", "1")
    with pytest.raises(ImproperlyConfigured, match="MAIL_USE_TLS and MAIL_USE_SSL exclude"):
        mailer_from_env()
