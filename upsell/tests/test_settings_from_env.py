"""A setting given a value it cannot take stops the start with a message naming it."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from upsell.config.env import env_log_level, env_rate


@pytest.mark.parametrize(("given", "read"), [("600/min", "600/min"), ("20/s", "20/s"), ("", "")])
def test_an_api_rate_limit_is_calls_per_period_or_none(given, read, monkeypatch):
    monkeypatch.setenv("API_RATE_LIMIT", given)

    assert env_rate("API_RATE_LIMIT", "600/min") == read


def test_the_api_rate_limit_is_600_a_minute_unless_told(monkeypatch):
    monkeypatch.delenv("API_RATE_LIMIT", raising=False)

    assert env_rate("API_RATE_LIMIT", "600/min") == "600/min"


@pytest.mark.parametrize("given", ["600", "600/fortnight", "0/min", "many/min"])
def test_a_rate_that_is_not_one_is_refused(given, monkeypatch):
    monkeypatch.setenv("API_RATE_LIMIT", given)

    with pytest.raises(ImproperlyConfigured) as refused:
        env_rate("API_RATE_LIMIT", "600/min")

    assert str(refused.value) == (
        f"API_RATE_LIMIT={given!r} is not a rate: calls per s, min, hour or day, as 600/min"
    )


def test_a_log_level_is_one_of_pythons(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "info")
    assert env_log_level("LOG_LEVEL", "WARNING") == "INFO"

    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(ImproperlyConfigured) as refused:
        env_log_level("LOG_LEVEL", "WARNING")

    assert str(refused.value) == (
        "LOG_LEVEL='verbose' is not a log level (DEBUG, INFO, WARNING, ERROR or CRITICAL)"
    )
