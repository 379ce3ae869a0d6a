"""Objections on a deal and the library's record of each answer."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from upsell.deals.models import Deal, DealStage, Objection
from upsell.deals.selectors.objections import answer_library
from upsell.deals.services.deals import deal_move, deal_open
from upsell.deals.services.objections import (
    answer_add,
    answer_change,
    objection_log,
    objection_outcome_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(motivated_boris_client, manager_boris, next_month):
    return [
        deal_open(
            client=motivated_boris_client,
            month=next_month,
            amount=Decimal(amount),
            by=manager_boris,
        )
        for amount in ("1000.00", "2000.00", "3000.00")
    ]


def test_the_library_counts_uses_overcome_and_deals_won(deals, manager_boris, head_of_sales):
    tco = answer_add(category="price", text="Стоимость владения ниже", by=head_of_sales)
    other = answer_add(category="price", text="Скидка за объём", by=head_of_sales)
    first, second, third = deals
    objection_log(deal=first, category="price", client_words="Дорого", answer=tco,
                  outcome="overcome", by=manager_boris)  # fmt: skip
    objection_log(deal=second, category="price", client_words="Дорого", answer=tco,
                  outcome="not_overcome", by=manager_boris)  # fmt: skip
    logged = objection_log(deal=third, category="price", client_words="Дорого", answer=other,
                           by=manager_boris)  # fmt: skip
    deal_move(deal=first, stage=DealStage.WON, by=manager_boris)
    objection_outcome_set(objection=logged, outcome="overcome")

    library = answer_library(deals=Deal.objects.all())

    [price] = [category for category in library if category.category == "price"]
    assert [(r.answer.text, r.used, r.overcome, r.deals_won) for r in price.answers] == [
        ("Стоимость владения ниже", 2, 1, 1),
        ("Скидка за объём", 1, 1, 0),
    ]
    assert price.answers[0].overcome_share == 50
    # A manager's view counts only the deals it sees.
    assert [r.used for c in answer_library(deals=Deal.objects.none()) for r in c.answers] == [0, 0]


def test_an_answer_of_another_category_or_retired_is_refused(deals, manager_boris, head_of_sales):
    answer = answer_add(category="delivery", text="Доставим за 2 дня", by=head_of_sales)

    with pytest.raises(ValidationError) as error:
        objection_log(deal=deals[0], category="price", client_words="Дорого", answer=answer,
                      by=manager_boris)  # fmt: skip
    assert list(error.value.message_dict) == ["answer"]
    answer_change(answer=answer, active=False)
    with pytest.raises(ValidationError) as error:
        objection_log(deal=deals[0], category="delivery", client_words="Долго", answer=answer,
                      by=manager_boris)  # fmt: skip
    assert list(error.value.message_dict) == ["answer"]
    assert Objection.objects.count() == 0


def test_bad_input_names_the_field_and_a_closed_deal_takes_no_objection(deals, manager_boris):
    with pytest.raises(ValidationError) as error:
        objection_log(deal=deals[0], category="price", client_words="  ", by=manager_boris)
    assert list(error.value.message_dict) == ["client_words"]
    with pytest.raises(ValidationError) as error:
        objection_log(deal=deals[0], category="weather", client_words="x", by=manager_boris)
    assert list(error.value.message_dict) == ["category"]
    deal_move(deal=deals[0], stage=DealStage.WON, by=manager_boris)
    with pytest.raises(ValidationError) as error:
        objection_log(deal=deals[0], category="price", client_words="x", by=manager_boris)
    assert list(error.value.message_dict) == ["deal"]
    assert Objection.objects.count() == 0


def test_logging_an_objection_is_activity_on_the_deal(deals, manager_boris):
    later = deals[0].last_activity_at + dt.timedelta(days=3)

    with time_machine.travel(later, tick=False):
        objection_log(deal=deals[0], category="other", client_words="Подумаем", by=manager_boris)

    deals[0].refresh_from_db()
    assert deals[0].last_activity_at == later
