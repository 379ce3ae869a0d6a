"""A real installation for tests: its own data folder, the ``upsell`` command run as a separate
process with the production settings, and gunicorn serving it on a free loopback port."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

# What the test runner sets that an installation does not have.
_TEST_ONLY = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "PYTEST_XDIST")


def installation_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of an installation keeping everything in ``data_dir`` (SQLite)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(_TEST_ONLY)}
    env.update(
        DJANGO_SETTINGS_MODULE="upsell.config.settings",
        UPSELL_DATA_DIR=str(data_dir),
        DEBUG="0",
        UPSELL_WEB_WORKERS="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


def upsell(
    env: Mapping[str, str], *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``upsell ARGS`` in its own process; fails the test with its output when it fails."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "upsell", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"upsell {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(env: Mapping[str, str], log: Path) -> Iterator[int]:
    """``upsell serve`` on a free loopback port, until the block ends; gives the port."""
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "upsell", "serve"],
            env={**env, "UPSELL_BIND": f"127.0.0.1:{port}"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_answering(port, server, log)
            yield port
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def _wait_until_answering(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"upsell serve stopped:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"upsell serve did not answer in 60 s:\n{log.read_text()}")


def fetch(
    port: int, method: str, path: str, *, body: str = "", headers: Mapping[str, str] = {}
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request to the served installation: status, headers (lower-case names), body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body.encode(), headers=dict(headers))
        response = connection.getresponse()
        return (
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            response.read(),
        )
    finally:
        connection.close()


class Browser:
    """A browser's part of HTTP against a served installation: it keeps the cookies it is
    given and sends the CSRF token back with each form."""

    def __init__(self, port: int, cookies: Mapping[str, str] = {}) -> None:
        self.port = port
        self.cookies = dict(cookies)

    def request(
        self,
        method: str,
        path: str,
        *,
        fields: Mapping[str, str] = {},
        files: Mapping[str, tuple[str, bytes]] = {},
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Accept-Language": "en", "Referer": f"http://127.0.0.1:{self.port}/"}
        body = b""
        if method == "POST":
            boundary = secrets.token_hex(16)
            body = _multipart(
                boundary, {"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields}, files
            )
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    for morsel in SimpleCookie(value).values():
                        self.cookies[morsel.key] = morsel.value
            return (
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                response.read(),
            )
        finally:
            connection.close()


def _multipart(
    boundary: str, fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes]]
) -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts += [
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
        for name, (file_name, content) in files.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode()
