"""A retro-bonus is settled once, after its period, on what the night measured."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from upsell.clients.tests.factories import ClientFactory
from upsell.programs.models import BonusPayout, Membership, MembershipProgress
from upsell.programs.services.memberships import memberships_enrol
from upsell.programs.services.settlement import program_bonuses_settle
from upsell.programs.tests.factories import program_running, retro_bonus_terms

pytestmark = pytest.mark.django_db


def test_members_past_a_tier_are_paid_once_and_the_others_not(
    manager_anna, top_manager, head_of_sales
):
    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    reached = ClientFactory.create(name="Альфа", manager=manager_anna)
    short = ClientFactory.create(name="Бета", manager=manager_anna)
    memberships_enrol(
        program=program,
        client_ids=[reached.pk, short.pk],
        by=head_of_sales,
        today=dt.date(2026, 1, 5),
    )
    for client, purchased, rate, accrued in [
        (reached, "3200000.00", "3.00", "96000.00"),
        (short, "800000.00", None, "0.00"),
    ]:
        MembershipProgress.objects.create(
            membership=Membership.objects.get(client=client), as_of=dt.date(2026, 4, 1),
            purchased=Decimal(purchased), tier_rate=rate and Decimal(rate),
            accrued=Decimal(accrued), expected_end=Decimal(purchased),
        )  # fmt: skip

    with pytest.raises(ValidationError) as raised:
        program_bonuses_settle(program=program, paid_on=dt.date(2026, 3, 31), by=top_manager)
    assert raised.value.message_dict == {
        "paid_on": ["A retro-bonus is settled after its period, which ends on 2026-03-31."]
    }
    assert (
        program_bonuses_settle(program=program, paid_on=dt.date(2026, 4, 10), by=top_manager) == 1
    )
    assert (
        program_bonuses_settle(program=program, paid_on=dt.date(2026, 4, 11), by=top_manager) == 0
    )
    assert list(
        BonusPayout.objects.values_list(
            "membership__client__name", "purchased", "rate", "amount", "paid_on"
        )
    ) == [
        ("Альфа", Decimal("3200000.00"), Decimal("3.00"), Decimal("96000.00"), dt.date(2026, 4, 10))
    ]


def test_top_management_records_the_payouts_on_the_page_and_over_the_api(
    client, manager_anna, top_manager, head_of_sales
):
    import json

    from django.test import Client as HttpClient

    from upsell.accounts.tokens import api_token_create

    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    alfa = ClientFactory.create(name="Альфа", manager=manager_anna)
    memberships_enrol(
        program=program, client_ids=[alfa.pk], by=head_of_sales, today=dt.date(2026, 1, 5)
    )
    MembershipProgress.objects.create(
        membership=Membership.objects.get(), as_of=dt.date(2026, 4, 1),
        purchased=Decimal("1500000.00"), tier_rate=Decimal("2.00"), accrued=Decimal("30000.00"),
        expected_end=Decimal("1500000.00"),
    )  # fmt: skip
    _, token = api_token_create(user=head_of_sales)
    api = HttpClient(headers={"Authorization": f"Bearer {token}"})
    payload = json.dumps({"paid_on": "2026-04-10"})
    assert (
        api.post(
            f"/api/programs/{program.pk}/settlement", payload, content_type="application/json"
        ).status_code
        == 403
    )
    assert BonusPayout.objects.count() == 0

    client.force_login(top_manager)
    with time_machine.travel(dt.datetime(2026, 4, 12, 12, tzinfo=dt.UTC)):
        assert 'id="program-settle"' in client.get(f"/programs/{program.pk}/").content.decode()
        response = client.post(f"/programs/{program.pk}/settle/", {"paid_on": "2026-04-10"})
    assert response.status_code == 302
    assert list(BonusPayout.objects.values_list("amount", "paid_on", "recorded_by")) == [
        (Decimal("30000.00"), dt.date(2026, 4, 10), top_manager.pk)
    ]
    _, token = api_token_create(user=top_manager)
    api = HttpClient(headers={"Authorization": f"Bearer {token}"})
    response = api.post(
        f"/api/programs/{program.pk}/settlement", payload, content_type="application/json"
    )
    assert (response.status_code, response.json()) == (200, {"payouts": 0})
