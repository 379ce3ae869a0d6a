"""A deal's life through its services: opened from a forecast cell or by hand, moved through the
stages by the rules, edited while open, and the list of reasons a deal is lost."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from upsell.clients.models import ClientStatus, HandOverRule
from upsell.clients.tests.factories import ClientFactory
from upsell.core.months import month_add
from upsell.deals.models import Deal, DealSource, DealStage, DealStageChange, LostReason
from upsell.deals.services.deals import (
    deal_edit,
    deal_move,
    deal_open,
    deal_open_from_cell,
    lost_reason_add,
    lost_reason_change,
    lost_reasons_order,
)
from upsell.portfolios.services.handover import ClientChange, clients_hand_over

pytestmark = pytest.mark.django_db


def refused(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_a_forecast_cell_makes_a_deal_of_its_month_and_forecast(boris_cell, manager_boris):
    deal = deal_open_from_cell(cell=boris_cell, by=manager_boris)

    assert (deal.month, deal.amount, deal.source) == (
        boris_cell.month,
        Decimal("150000.00"),
        DealSource.FORECAST,
    )
    assert (deal.manager, deal.stage, deal.forecast_cell) == (
        manager_boris,
        DealStage.PREPARATION,
        boris_cell,
    )
    assert list(deal.stage_changes.values_list("stage_before", "stage_after")) == [
        ("", DealStage.PREPARATION)
    ]


def test_a_cell_without_the_managers_amount_gives_its_baseline(boris_cell, manager_boris):
    boris_cell.amount, boris_cell.confidence = None, ""
    boris_cell.save()

    assert deal_open_from_cell(cell=boris_cell, by=manager_boris).amount == Decimal("90000.00")


def test_a_cell_makes_one_open_deal_at_a_time(boris_cell, manager_boris, price_reason):
    first = deal_open_from_cell(cell=boris_cell, by=manager_boris)

    with pytest.raises(ValidationError) as error:
        deal_open_from_cell(cell=boris_cell, by=manager_boris)
    assert list(refused(error)) == ["forecast_cell"]
    assert Deal.objects.count() == 1

    deal_move(deal=first, stage=DealStage.LOST, by=manager_boris, lost_reason=price_reason)
    assert deal_open_from_cell(cell=boris_cell, by=manager_boris).pk != first.pk


def test_a_deal_for_a_client_the_manager_does_not_serve_is_refused(
    boris_cell, manager_anna, motivated_boris_client, next_month
):
    with pytest.raises(ValidationError) as error:
        deal_open_from_cell(cell=boris_cell, by=manager_anna)
    assert refused(error) == {"client": ['You do not serve ООО "Гамма".']}
    with pytest.raises(ValidationError):
        deal_open(
            client=motivated_boris_client, month=next_month, amount=Decimal(1), by=manager_anna
        )
    assert Deal.objects.count() == 0


def test_a_spontaneous_client_gets_no_deal(manager_boris, next_month):
    client = ClientFactory.create(name="ИП Разовый", manager=manager_boris, status="one_time")

    with pytest.raises(ValidationError) as error:
        deal_open(client=client, month=next_month, amount=Decimal(1000), by=manager_boris)
    assert list(refused(error)) == ["client"]
    assert "not a motivated client" in refused(error)["client"][0]
    assert Deal.objects.count() == 0


def test_a_deal_by_hand_takes_the_month_of_any_day(
    motivated_boris_client, manager_boris, head_of_sales, next_month
):
    deal = deal_open(
        client=motivated_boris_client,
        month=next_month.replace(day=17),
        amount=Decimal("2500.50"),
        title="Болты на квартал",
        by=head_of_sales,
    )

    assert (deal.month, deal.amount, deal.title, deal.manager, deal.source) == (
        next_month,
        Decimal("2500.50"),
        "Болты на квартал",
        manager_boris,
        DealSource.HAND,
    )


@pytest.mark.parametrize(
    ("amount", "field"),
    [(Decimal("-1"), "amount"), (Decimal("0.001"), "amount"), (Decimal(10) ** 13, "amount")],
)
def test_a_bad_amount_is_refused_naming_it(
    motivated_boris_client, manager_boris, next_month, amount, field
):
    with pytest.raises(ValidationError) as error:
        deal_open(client=motivated_boris_client, month=next_month, amount=amount, by=manager_boris)
    assert list(refused(error)) == [field]
    assert Deal.objects.count() == 0


def test_a_month_out_of_range_is_refused(motivated_boris_client, manager_boris):
    with pytest.raises(ValidationError) as error:
        deal_open(
            client=motivated_boris_client,
            month=dt.date(1999, 1, 1),
            amount=Decimal(1),
            by=manager_boris,
        )
    assert list(refused(error)) == ["month"]


@pytest.fixture
def deal(boris_cell, manager_boris):
    return deal_open_from_cell(cell=boris_cell, by=manager_boris)


def test_a_deal_moves_forward_and_back_among_the_open_stages(deal, manager_boris):
    deal_move(deal=deal, stage=DealStage.TERMS_AGREED, by=manager_boris)
    deal_move(deal=deal, stage=DealStage.OFFER, by=manager_boris)
    moved = deal_move(deal=deal, stage=DealStage.ORDER, by=manager_boris)

    assert moved.stage == DealStage.ORDER
    assert moved.closed_at is None
    assert list(
        DealStageChange.objects.filter(deal=deal)
        .order_by("pk")
        .values_list("stage_before", "stage_after", "changed_by")
    ) == [
        ("", DealStage.PREPARATION, manager_boris.pk),
        (DealStage.PREPARATION, DealStage.TERMS_AGREED, manager_boris.pk),
        (DealStage.TERMS_AGREED, DealStage.OFFER, manager_boris.pk),
        (DealStage.OFFER, DealStage.ORDER, manager_boris.pk),
    ]


def test_a_move_to_the_same_stage_writes_nothing(deal, manager_boris):
    deal_move(deal=deal, stage=DealStage.PREPARATION, by=manager_boris)

    assert deal.stage_changes.count() == 1


@pytest.mark.parametrize("back_to", [DealStage.PREPARATION, DealStage.TERMS_AGREED])
def test_a_deal_at_order_never_goes_back(deal, manager_boris, head_of_sales, back_to):
    deal_move(deal=deal, stage=DealStage.ORDER, by=manager_boris)

    with pytest.raises(ValidationError) as error:
        deal_move(deal=deal, stage=back_to, by=head_of_sales)
    assert list(refused(error)) == ["stage"]
    deal.refresh_from_db()
    assert deal.stage == DealStage.ORDER
    assert deal.stage_changes.count() == 2


def test_a_won_deal_is_closed_and_final(deal, manager_boris, head_of_sales, price_reason):
    deal_move(deal=deal, stage=DealStage.ORDER, by=manager_boris)
    won = deal_move(deal=deal, stage=DealStage.WON, by=manager_boris)

    assert won.closed_at is not None
    assert won.closed_at == won.stage_changed_at == won.last_activity_at
    for stage, reason in ((DealStage.ORDER, None), (DealStage.LOST, price_reason)):
        with pytest.raises(ValidationError) as error:
            deal_move(deal=deal, stage=stage, by=head_of_sales, lost_reason=reason)
        assert refused(error) == {"stage": ["A won deal is final."]}


def test_a_lost_deal_names_an_active_reason(deal, manager_boris, price_reason):
    with pytest.raises(ValidationError) as error:
        deal_move(deal=deal, stage=DealStage.LOST, by=manager_boris)
    assert list(refused(error)) == ["lost_reason"]

    lost_reason_change(reason=price_reason, active=False)
    with pytest.raises(ValidationError) as error:
        deal_move(deal=deal, stage=DealStage.LOST, by=manager_boris, lost_reason=price_reason)
    assert list(refused(error)) == ["lost_reason"]
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason, deal.closed_at) == (DealStage.PREPARATION, None, None)

    lost_reason_change(reason=price_reason, active=True)
    lost = deal_move(
        deal=deal,
        stage=DealStage.LOST,
        by=manager_boris,
        lost_reason=price_reason,
        lost_note="Взяли у конкурента",
    )
    assert (lost.stage, lost.lost_reason, lost.lost_note) == (
        DealStage.LOST,
        price_reason,
        "Взяли у конкурента",
    )


def test_only_the_head_of_sales_reopens_a_lost_deal(
    deal, manager_boris, head_of_sales, price_reason
):
    deal_move(deal=deal, stage=DealStage.LOST, by=manager_boris, lost_reason=price_reason)

    with pytest.raises(ValidationError) as error:
        deal_move(deal=deal, stage=DealStage.OFFER, by=manager_boris)
    assert list(refused(error)) == ["stage"]

    reopened = deal_move(deal=deal, stage=DealStage.OFFER, by=head_of_sales)
    assert (reopened.stage, reopened.lost_reason, reopened.closed_at) == (
        DealStage.OFFER,
        None,
        None,
    )


def test_an_open_deal_is_edited_and_a_closed_one_is_not(
    deal, manager_boris, next_month, price_reason
):
    edited = deal_edit(
        deal=deal,
        by=manager_boris,
        amount=Decimal("175000.00"),
        month=month_add(next_month, 1),
        title="Крепёж",
    )
    assert (edited.amount, edited.month, edited.title) == (
        Decimal("175000.00"),
        month_add(next_month, 1),
        "Крепёж",
    )

    deal_move(deal=deal, stage=DealStage.LOST, by=manager_boris, lost_reason=price_reason)
    with pytest.raises(ValidationError) as error:
        deal_edit(deal=deal, by=manager_boris, amount=Decimal(1))
    assert list(refused(error)) == ["stage"]
    deal.refresh_from_db()
    assert deal.amount == Decimal("175000.00")


def test_the_head_of_sales_keeps_the_list_of_reasons(price_reason):
    budget = lost_reason_add(name="Нет бюджета")
    late = lost_reason_add(name="Сроки поставки")

    assert (budget.position, late.position) == (1, 2)
    with pytest.raises(ValidationError) as error:
        lost_reason_add(name="  нет БЮДЖЕТА ")
    assert list(refused(error)) == ["name"]
    with pytest.raises(ValidationError) as error:
        lost_reason_change(reason=late, name="Нет бюджета")
    assert list(refused(error)) == ["name"]

    lost_reason_change(reason=late, name="Сроки")
    lost_reasons_order(reason_ids=[late.pk, price_reason.pk, budget.pk])
    assert list(LostReason.objects.values_list("name", "position")) == [
        ("Сроки", 0),
        ("Цена выше, чем у конкурента", 1),
        ("Нет бюджета", 2),
    ]
    with pytest.raises(ValidationError) as error:
        lost_reasons_order(reason_ids=[late.pk])
    assert list(refused(error)) == ["reason_ids"]


def test_a_new_manager_takes_the_clients_open_deals_and_not_the_closed_ones(
    deal, manager_boris, manager_anna, head_of_sales, motivated_boris_client, next_month,
    price_reason,
):  # fmt: skip
    lost = deal_open(
        client=motivated_boris_client, month=next_month, amount=Decimal(100), by=manager_boris
    )
    deal_move(deal=lost, stage=DealStage.LOST, by=manager_boris, lost_reason=price_reason)

    clients_hand_over(
        changes=[ClientChange(client_id=motivated_boris_client.pk, manager=manager_anna)],
        rule=HandOverRule.MANUAL,
        by=head_of_sales,
    )

    deal.refresh_from_db()
    lost.refresh_from_db()
    assert (deal.manager, lost.manager) == (manager_anna, manager_boris)


def test_a_client_status_is_read_as_the_head_of_sales_set_it(manager_boris, next_month):
    client = ClientFactory.create(manager=manager_boris, status=ClientStatus.NEW)

    assert deal_open(client=client, month=next_month, amount=Decimal(5), by=manager_boris).pk
