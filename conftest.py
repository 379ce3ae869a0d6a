"""Personas shared by every test: Anna and Boris manage their own clients and must never
see each other's; Vera assists Anna; Helen is the head of sales; Tom is top management;
Adam administers users and imports."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation

from upsell.accounts.models import Role, User
from upsell.accounts.tests.factories import TeamFactory, UserFactory
from upsell.clients.models import Client
from upsell.clients.tests.factories import ClientFactory
from upsell.tests import hand_over_guard


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
