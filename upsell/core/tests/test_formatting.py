"""Numbers, money and dates as each language writes them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from upsell.core.templatetags.formatting import amount, money, number, percent, quantity, short_date


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", ["1\xa0234\xa0567,89\xa0₽", "-1\xa0234,50\xa0₽", "0,00\xa0₽", "—"]),
    ("en", ["₽1,234,567.89", "-₽1,234.50", "₽0.00", "—"]),
])  # fmt: skip
def test_money_puts_the_symbol_where_the_language_does(language, expected):
    with translation.override(language):
        assert [
            money(Decimal("1234567.89")), money(Decimal("-1234.5")), money(0), money(None),
        ] == expected  # fmt: skip


def test_the_currency_comes_from_the_settings(settings):
    settings.UPSELL_CURRENCY = "USD"

    with translation.override("en"):
        assert money(Decimal("99.5")) == "$99.50"
    with translation.override("ru"):
        assert money(Decimal("99.5")) == "99,50\xa0$"


def test_an_unknown_currency_shows_its_code(settings):
    settings.UPSELL_CURRENCY = "CHF"

    with translation.override("en"):
        assert money(Decimal(10)) == "CHF10.00"


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", ["1\xa0234\xa0567,89", "1\xa0235", "1\xa0250,125", "0,5", "12", "35\xa0%"]),
    ("en", ["1,234,567.89", "1,235", "1,250.125", "0.5", "12", "35\xa0%"]),
])  # fmt: skip
def test_numbers_group_thousands_and_keep_the_decimals_they_need(language, expected):
    with translation.override(language):
        assert [
            amount(Decimal("1234567.89")), number(Decimal("1234.5")),
            quantity(Decimal("1250.125")), quantity(Decimal("0.500")),
            quantity(Decimal("12.000")), percent(34.6),
        ] == expected  # fmt: skip


def test_dates_are_short_and_datetimes_local(settings):
    settings.TIME_ZONE = "Europe/Moscow"
    moment = dt.datetime(2025, 12, 31, 21, 30, tzinfo=dt.UTC)  # 1 January, 00:30 in Moscow

    with translation.override("ru"):
        assert short_date(dt.date(2025, 12, 31)) == "31.12.2025"
        assert short_date(moment) == "01.01.2026 00:30"
    with translation.override("en"):
        assert short_date(dt.date(2025, 12, 31)) == "12/31/2025"
    assert short_date(None) == "—"


def test_the_filters_work_in_templates():
    template = Template("{% load formatting %}{{ value|money }} · {% currency %}")

    with translation.override("ru"):
        assert template.render(Context({"value": Decimal(1500)})) == "1\xa0500,00\xa0₽ · ₽"
