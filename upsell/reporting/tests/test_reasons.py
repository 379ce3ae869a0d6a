import pytest
from django.utils import translation

from upsell.reporting.reasons import status_reason

METRICS = {
    "regular_window_orders": 7,
    "orders_total": 11,
    "typical_interval_days": 41.0,
    "days_since_last_order": 12,
    "days_since_first_order": 700,
    "recent_gap_days": 230,
    "revenue_share_365": 0.0412,
}


@pytest.mark.parametrize(
    ("rule", "english", "russian"),
    [
        (
            "enough_orders_in_window",
            "Regular: 7 orders in 365 days, typical interval 41 days, last order 12 days ago",
            "Постоянный: 7 заказов за 365 дней, типичный интервал 41 день, "
            "последний заказ 12 дней назад",
        ),
        (
            "order_after_long_gap",
            "Reanimated: ordered again 12 days ago after a gap of 230 days",
            "Реанимированный: снова заказал 12 дней назад после перерыва 230 дней",
        ),
        (
            "no_order_for_lost_days",
            "Lost: last order 12 days ago, no order for 180 days or more",
            "Потерянный: последний заказ 12 дней назад, нет заказов 180 дней и больше",
        ),
    ],
)
def test_reasons_name_the_facts_in_both_languages(rule, english, russian):
    thresholds = {"regular_window_days": 365, "lost_days": 180}
    with translation.override("en"):
        assert status_reason(rule=rule, metrics=METRICS, thresholds=thresholds) == english
    with translation.override("ru"):
        assert status_reason(rule=rule, metrics=METRICS, thresholds=thresholds) == russian


def test_a_partner_with_orders_gets_its_orders_named():
    with translation.override("en"):
        reason = status_reason(rule="partner_flag", metrics=METRICS, thresholds={})

    assert reason == (
        "Partner: a dealer or a client with a long-term agreement; 7 orders in 365 days, "
        "last order 12 days ago"
    )
