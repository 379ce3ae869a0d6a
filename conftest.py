"""Personas shared by every test: Anna and Boris manage their own clients and must never
see each other's; Vera assists Anna; Helen is the head of sales; Tom is top management;
Adam administers users and imports."""

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation

from upsell.accounts.models import Role, User
from upsell.accounts.tests.factories import TeamFactory, UserFactory
from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.tests import hand_over_guard
from upsell.tests.calendar import calendar_day


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for ``today`` depends on the calendar: it carries the ``calendar``
    mark, which `make test-calendar` selects."""
    for item in items:
        if "today" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.calendar)


@pytest.fixture(autouse=True)
def calendar_frozen(request: pytest.FixtureRequest) -> Iterator[None]:
    """The clock of a test that asks for ``today``, frozen at noon of that day in the site's
    time zone before any other fixture reads it. A live server's requests and a browser's
    waits need time to pass, so there the clock starts at noon and runs on."""
    if "today" not in request.fixturenames:
        yield
        return
    noon = dt.datetime.combine(calendar_day(), dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(noon, tick="live_server" in request.fixturenames):
        yield


@pytest.fixture
def today() -> dt.date:
    """The frozen day of a test that depends on the calendar (``calendar_frozen``)."""
    return timezone.localdate()


@pytest.fixture(autouse=True)
def site_language() -> Iterator[None]:
    """Every test starts in the site's language: a request in Russian (LocaleMiddleware)
    leaves its language active in the thread, which would leak into the next test."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(scope="session", autouse=True)
def clients_handed_over_by_one_service() -> Iterator[None]:
    """Only ``portfolios`` hand-over service writes who serves a client, on every path a test
    walks (``upsell.tests.hand_over_guard``)."""
    with hand_over_guard.clients_hand_over_guarded():
        yield


@pytest.fixture(autouse=True)
def no_foreign_hand_over() -> Iterator[None]:
    """A write the guard refused fails its test, even where the code under test caught it."""
    hand_over_guard.refused.clear()
    yield
    assert not hand_over_guard.refused, hand_over_guard.refused


@pytest.fixture
def manager_anna(db: None) -> User:
    return UserFactory.create(username="anna", full_name="Иванова Анна", role=Role.MANAGER)


@pytest.fixture
def manager_boris(db: None) -> User:
    return UserFactory.create(username="boris", full_name="Петров Борис", role=Role.MANAGER)


@pytest.fixture
def assistant_vera(manager_anna: User) -> User:
    vera = UserFactory.create(username="vera", full_name="Смирнова Вера", role=Role.ASSISTANT)
    TeamFactory.create(manager=manager_anna).assistants.add(vera)
    return vera


@pytest.fixture
def head_of_sales(db: None) -> User:
    return UserFactory.create(
        username="helen", full_name="Кузнецова Елена", role=Role.HEAD_OF_SALES
    )


@pytest.fixture
def top_manager(db: None) -> User:
    return UserFactory.create(username="tom", full_name="Орлов Тимофей", role=Role.TOP_MANAGEMENT)


@pytest.fixture
def admin_adam(db: None) -> User:
    return UserFactory.create(username="adam", full_name="Админов Адам", role=Role.ADMIN)


@pytest.fixture
def annas_client(manager_anna: User, assistant_vera: User) -> Client:
    return ClientFactory.create(name='ООО "Альфа"', manager=manager_anna, assistant=assistant_vera)


@pytest.fixture
def boris_client(manager_boris: User) -> Client:
    return ClientFactory.create(name='ООО "Бета"', manager=manager_boris)
