"""Typed readers of the environment: the one place settings come from outside."""

import os
import re
import secrets
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_log_level(name: str, default: str) -> str:
    level = os.environ.get(name) or default
    if level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ImproperlyConfigured(
            f"{name}={level!r} is not a log level (DEBUG, INFO, WARNING, ERROR or CRITICAL)"
        )
    return level.upper()


_RATE = re.compile(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)")


def env_rate(name: str, default: str) -> str:
    """A number of calls per period, ``600/min``; empty for no limit."""
    rate = os.environ.get(name, default).strip()
    if rate and not _RATE.fullmatch(rate):
        raise ImproperlyConfigured(
            f"{name}={rate!r} is not a rate: calls per s, min, hour or day, as 600/min"
        )
    return rate


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailer_from_env() -> dict[str, Any]:
    """The default mailer: ``MAIL_BACKEND`` (the console unless told), and for SMTP its server,
    login and encryption: ``MAIL_USE_TLS`` upgrades a plain connection with STARTTLS (port 587),
    ``MAIL_USE_SSL`` speaks TLS from the start (port 465)."""
    backend = env_str("MAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    if backend != SMTP_BACKEND:
        return {"BACKEND": backend}
    use_tls = env_bool("MAIL_USE_TLS", default=False)
    use_ssl = env_bool("MAIL_USE_SSL", default=False)
    if use_tls and use_ssl:
        raise ImproperlyConfigured(
            "MAIL_USE_TLS and MAIL_USE_SSL exclude each other: STARTTLS on 587 or TLS on 465"
        )
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "host": env_str("MAIL_HOST", "localhost"),
            "port": env_int("MAIL_PORT", 465 if use_ssl else 587 if use_tls else 25),
            "username": env_str("MAIL_USER", ""),
            "password": env_str("MAIL_PASSWORD", ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
            "timeout": env_int("MAIL_TIMEOUT", 30),
        },
    }


def installation_secret_key(path: Path) -> str:
    """The secret key kept at ``path``, made (readable by the owner only) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_urlsafe(50))
    return path.read_text().strip()
