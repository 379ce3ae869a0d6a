from pathlib import Path
from typing import Any

import pytest

from upsell.accounts.models import Role, User
from upsell.accounts.tests.factories import UserFactory
from upsell.exchange.tests.samples import OneC


@pytest.fixture
def exchange_user(db: None, settings: Any, tmp_path: Path) -> User:
    settings.UPSELL_EXCHANGE_USER = "1c-exchange"
    settings.UPSELL_EXCHANGE_DIR = tmp_path / "exchange"
    return UserFactory.create(
        username="1c-exchange", full_name="Обмен с 1С", role=Role.HEAD_OF_SALES
    )


@pytest.fixture
def one_c(exchange_user: User) -> OneC:
    return OneC(exchange_user.username)
