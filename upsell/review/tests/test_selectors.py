"""The Monday review's figures on the small company of ``conftest``, each worked out by hand."""

import datetime as dt
from decimal import Decimal

from upsell.clients.models import ClientStatus
from upsell.review.presenters import stagnation_sentence, stagnation_texts
from upsell.review.selectors import (
    StatusChangeCount,
    StatusChangeFilters,
    accuracy_per_manager,
    closing_figures,
    manager_workload,
    monday_review,
    oldest_waiting,
    plan_review,
    stagnation,
    status_change_counts,
    status_changes,
    status_history,
    waiting_total,
)
from upsell.review.tests.conftest import JUNE, MAY, MAY_LAST_YEAR, NOW, TODAY

SINCE = dt.date(2026, 6, 10)


def test_status_changes_compare_the_last_month_end_before_the_date_with_now(company, head_of_sales):
    changed = status_changes(user=head_of_sales, filters=StatusChangeFilters(since=SINCE))

    assert [(c.name, c.status_before, c.status) for c in changed] == [  # type: ignore[attr-defined]
        ('ООО "Альфа"', ClientStatus.NEW, ClientStatus.REGULAR),
        ('ООО "Бета"', ClientStatus.REGULAR, ClientStatus.LAPSING),
        ('ООО "Дельта"', "", ClientStatus.NEW),
    ]


def test_status_changes_narrow_to_one_change_and_one_manager(company, head_of_sales, manager_boris):
    lapsing = StatusChangeFilters(since=SINCE, change=(ClientStatus.REGULAR, ClientStatus.LAPSING))
    borises = StatusChangeFilters(since=SINCE, manager_id=manager_boris.pk)

    assert [c.name for c in status_changes(user=head_of_sales, filters=lapsing)] == ['ООО "Бета"']
    assert [c.name for c in status_changes(user=head_of_sales, filters=borises)] == [
        'ООО "Бета"',
        'ООО "Дельта"',
    ]


def test_status_changes_are_counted_per_change_in_the_statuses_order(company, head_of_sales):
    assert status_change_counts(user=head_of_sales, since=SINCE) == [
        StatusChangeCount(from_status="", to_status=ClientStatus.NEW, clients=1),
        StatusChangeCount(from_status=ClientStatus.NEW, to_status=ClientStatus.REGULAR, clients=1),
        StatusChangeCount(
            from_status=ClientStatus.REGULAR, to_status=ClientStatus.LAPSING, clients=1
        ),
    ]


def test_no_change_is_claimed_before_the_history_reaches_the_date(company, head_of_sales):
    # The history has no month end before 10 February 2026 (January is not stored).
    since = dt.date(2026, 2, 10)

    lapsing = (ClientStatus.REGULAR, ClientStatus.LAPSING)
    filters = StatusChangeFilters(since=since, change=lapsing)

    assert list(status_changes(user=head_of_sales, filters=filters)) == []
    assert status_change_counts(user=head_of_sales, since=since) == []


def test_plan_forecast_and_fact_per_manager_with_the_team_totals(
    company, manager_anna, manager_boris
):
    review = plan_review(today=TODAY)

    figures = {line.manager.username: line.figures for line in review.managers}
    assert review.month == JUNE
    assert (figures["anna"].plan, figures["anna"].forecast, figures["anna"].fact) == (
        Decimal("1000000.00"), Decimal("900000.00"), Decimal("450000.00"),
    )  # fmt: skip
    # June's forecast is the one locked; the cells edited since do not count. Бета, lapsing,
    # is no longer his motivated client, so its 50 000 are not his fact.
    assert (figures["boris"].plan, figures["boris"].forecast, figures["boris"].fact) == (
        Decimal("500000.00"), Decimal("400000.00"), Decimal("100000.00"),
    )  # fmt: skip
    assert figures["anna"].fact_percent == Decimal(45)
    assert figures["boris"].fact_percent == Decimal(20)
    assert (review.team.plan, review.team.forecast, review.team.fact) == (
        Decimal("1500000.00"), Decimal("1300000.00"), Decimal("550000.00"),
    )  # fmt: skip
    assert [month.month for month in review.months] == [
        dt.date(2026, month, 1) for month in range(1, 13)
    ]
    july = review.months[6].figures
    assert (july.plan, july.forecast, july.fact) == (None, Decimal("0.00"), None)


def test_accuracy_per_manager_is_the_accuracy_page_s_total(company, manager_anna, manager_boris):
    lines = {
        line.manager.username: line
        for line in accuracy_per_manager(managers=[manager_anna, manager_boris], today=TODAY)
    }

    boris = lines["boris"].line
    assert (lines["boris"].year, boris.forecast, boris.actual, boris.absolute_error) == (
        2026, Decimal("200000.00"), Decimal("150000.00"), Decimal("50000.00"),
    )  # fmt: skip
    assert boris.wape is not None
    assert round(boris.wape, 2) == Decimal("33.33")
    assert lines["anna"].line.wape is None


def test_stagnation_names_the_managers_and_clients_whose_shipments_stopped_growing(
    company, head_of_sales
):
    three, six, twelve = stagnation(user=head_of_sales, today=TODAY)

    assert (three.first, three.middle, three.end) == (
        dt.date(2025, 12, 1), dt.date(2026, 3, 1), JUNE,
    )  # fmt: skip
    assert (three.company.before, three.company.after) == (
        Decimal("400000.00"), Decimal("299000.00"),
    )  # fmt: skip
    assert [(line.name, line.before, line.after) for line in three.managers] == [
        ("Петров Борис", Decimal("300000.00"), Decimal("150000.00")),
    ]
    assert [(line.name, line.before, line.after) for line in three.clients] == [
        ('ООО "Бета"', Decimal("300000.00"), Decimal("150000.00")),
        ('ООО "Гамма"', Decimal("100000.00"), Decimal("99000.00")),
    ]
    assert [(line.name, line.before, line.after) for line in six.clients] == [
        ('ООО "Гамма"', Decimal("500000.00"), Decimal("199000.00")),
    ]
    assert [line.name for line in six.managers] == ["Иванова Анна"]
    assert twelve.managers == []
    assert twelve.clients == []


def test_stagnation_in_words(company, head_of_sales):
    three = stagnation(user=head_of_sales, today=TODAY)[0]

    assert [stagnation_sentence(line) for line in three.clients] == [
        'ООО "Бета": shipments of the last 3 months 0.2 M, down from 0.3 M in the 3 before '
        "(−50\xa0%)",
        'ООО "Гамма": shipments of the last 3 months 0.1 M, the same as the 3 before (−1\xa0%)',
    ]
    assert stagnation_texts([three])[0].company == (
        "The company: shipments of the last 3 months 0.3 M, down from 0.4 M in the 3 before "
        "(−25\xa0%)"
    )


def test_workload_is_the_board_s_line_of_each_manager(company):
    loads = {load.user.username: load for load in manager_workload(today=TODAY)}

    assert (loads["anna"].motivated, loads["anna"].spontaneous, loads["anna"].open_requests) == (
        2, 0, 1,
    )  # fmt: skip
    assert (loads["boris"].motivated, loads["boris"].spontaneous) == (1, 1)


def test_the_oldest_waiting_requests_come_first_and_finished_ones_not_at_all(
    company, head_of_sales
):
    assert [request.client.name for request in oldest_waiting(user=head_of_sales)] == [
        'ООО "Альфа"',
        'ООО "Бета"',
    ]
    assert waiting_total(user=head_of_sales) == 2


def test_status_history_sums_revenue_by_month_end_status_and_the_migration(company, head_of_sales):
    history = status_history(user=head_of_sales)

    assert history.months == [MAY_LAST_YEAR, MAY]
    assert [(t.month, t.status, t.clients, t.revenue_365) for t in history.totals] == [
        (MAY_LAST_YEAR, ClientStatus.IRREGULAR, 1, Decimal("200000.00")),
        (MAY_LAST_YEAR, ClientStatus.REGULAR, 1, Decimal("400000.00")),
        (MAY, ClientStatus.NEW, 1, Decimal("100000.00")),
        (MAY, ClientStatus.REGULAR, 2, Decimal("800000.00")),
    ]
    assert [(m.from_status, m.to_status, m.clients) for m in history.migration] == [
        ("", ClientStatus.NEW, 1),
        (ClientStatus.IRREGULAR, ClientStatus.REGULAR, 1),
        (ClientStatus.REGULAR, ClientStatus.REGULAR, 1),
    ]


def test_the_active_programs_come_with_their_members_reach_accrual_and_effect(
    programs_and_deals, head_of_sales
):
    review = monday_review(
        user=head_of_sales, filters=StatusChangeFilters(since=SINCE), today=TODAY
    )

    assert [
        (line.program.name, line.members, line.within_reach, line.accrued)
        for line in review.programs
    ] == [
        ("Кредитная линия", 1, 0, Decimal("0.00")),
        ("Ретро-бонус 2026", 2, 1, Decimal("10000.50")),
    ]
    retro_effect = review.programs[1].effect
    assert retro_effect is not None
    assert (retro_effect.method, retro_effect.uplift, retro_effect.low, retro_effect.high) == (
        "random", Decimal("12000.00"), Decimal("2000.00"), Decimal("22000.00"),
    )  # fmt: skip
    assert review.programs[0].effect is None


def test_the_pipeline_the_deals_closed_since_the_date_and_the_stuck_ones(
    programs_and_deals, head_of_sales, manager_anna, manager_boris
):
    closing = closing_figures(user=head_of_sales, since=SINCE, now=NOW)

    assert [(stage.stage, stage.deals, stage.amount) for stage in closing.pipeline] == [
        ("preparation", 1, Decimal("100000.00")),
        ("offer", 1, Decimal("300000.00")),
        ("objections", 1, Decimal("200000.00")),
        ("terms_agreed", 0, Decimal("0.00")),
        ("order", 1, Decimal("50000.00")),
    ]
    assert (closing.pipeline_deals, closing.pipeline_amount) == (4, Decimal("650000.00"))
    closed = closing.closed
    assert (closed.won, closed.won_amount, closed.lost, closed.lost_amount) == (
        1, Decimal("150000.00"), 3, Decimal("220000.00"),
    )  # fmt: skip
    assert [(reason.name, reason.deals, reason.amount) for reason in closed.lost_reasons] == [
        ("Дорого", 2, Decimal("160000.00")),
        ("Выбрали конкурента", 1, Decimal("60000.00")),
    ]
    assert closing.stuck_after_days == 14
    assert [(line.manager, line.deals, line.amount) for line in closing.stuck] == [
        (manager_boris, 2, Decimal("150000.00")),
        (manager_anna, 1, Decimal("200000.00")),
    ]
    assert closing.stuck_total == 3


def test_a_later_date_leaves_the_earlier_closings_out(programs_and_deals, head_of_sales):
    closed = closing_figures(user=head_of_sales, since=dt.date(2026, 6, 14), now=NOW).closed

    assert (closed.won, closed.lost, closed.lost_amount) == (0, 2, Decimal("100000.00"))
    assert [(reason.name, reason.deals) for reason in closed.lost_reasons] == [
        ("Выбрали конкурента", 1), ("Дорого", 1),
    ]  # fmt: skip
