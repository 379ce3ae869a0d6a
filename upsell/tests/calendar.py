"""The day the tests that depend on the calendar run on.

A test that reads the date asks for the ``today`` fixture (``conftest.py``), which freezes the
clock at noon of this day. It is ``DEFAULT_TODAY`` unless ``UPSELL_TEST_TODAY`` names another;
`make test-calendar` runs those tests again on the days that stress the calendar.
"""

import datetime as dt
import os

DEFAULT_TODAY = dt.date(2026, 6, 17)


def calendar_day() -> dt.date:
    day = os.environ.get("UPSELL_TEST_TODAY")
    return dt.date.fromisoformat(day) if day else DEFAULT_TODAY


def on_default_day() -> bool:
    """Whether this run is the everyday one, whose screenshots the docs show."""
    return calendar_day() == DEFAULT_TODAY
