"""SQLite made to treat text like PostgreSQL does where the screens rely on it."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def sqlite_lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def sqlite_unicode_lower(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """SQLite's own LOWER folds only ASCII letters, so a search for "вектор" would miss
    "Вектор"; PostgreSQL folds every alphabet. Python's lower() makes them agree."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("LOWER", 1, sqlite_lower, deterministic=True)
