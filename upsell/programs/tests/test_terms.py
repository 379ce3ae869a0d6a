"""Top management's terms: checked whole, each error naming its field, nothing half-written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from upsell.history.models import Change, Subject
from upsell.programs.models import Program, ProgramKind, ProgramState, ProgramTier
from upsell.programs.services.terms import (
    Tier,
    program_activate,
    program_close,
    program_create,
    program_update,
)
from upsell.programs.tests.factories import credit_line_terms, retro_bonus_terms

pytestmark = pytest.mark.django_db


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


def test_a_program_is_drafted_activated_and_closed_with_who_and_when(top_manager):
    program = program_create(terms=retro_bonus_terms(), by=top_manager)
    assert (program.state, program.created_by, program.kind) == (
        ProgramState.DRAFT, top_manager, ProgramKind.RETRO_BONUS,
    )  # fmt: skip
    assert list(program.tiers.values_list("threshold", "rate")) == [
        (Decimal("1000000.00"), Decimal("2.00")),
        (Decimal("3000000.00"), Decimal("3.00")),
    ]

    program_activate(program=program, by=top_manager)
    program.refresh_from_db()
    assert (program.state, program.activated_by) == (ProgramState.ACTIVE, top_manager)
    assert program.activated_at is not None

    program_close(program=program, by=top_manager)
    program.refresh_from_db()
    assert (program.state, program.closed_by) == (ProgramState.CLOSED, top_manager)
    assert errors_of(lambda: program_activate(program=program, by=top_manager)) == {
        "state": ["A closed program cannot be activated again."]
    }


def test_bad_terms_name_their_fields_and_nothing_is_written(top_manager):
    terms = retro_bonus_terms(
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 3, 31),
        tiers=(
            Tier(threshold=Decimal("1000000"), rate=Decimal("2")),
            Tier(threshold=Decimal("1000000"), rate=Decimal("3")),
        ),
        min_perspective=120,
        eligible_statuses=("regular", "sleeping"),
    )
    assert errors_of(lambda: program_create(terms=terms, by=top_manager)) == {
        "period_end": ["The period ends before it starts."],
        "tiers": ["Two tiers start at 1000000: tiers cannot overlap."],
        "min_perspective": ["A perspective is from 0 to 100."],
        "eligible_statuses": ["Unknown statuses: sleeping."],
    }
    assert (Program.objects.count(), ProgramTier.objects.count()) == (0, 0)


def test_tiers_must_grow_and_rates_be_percents(top_manager):
    terms = retro_bonus_terms(
        tiers=(
            Tier(threshold=Decimal("1000000"), rate=Decimal("3")),
            Tier(threshold=Decimal("3000000"), rate=Decimal("2")),
            Tier(threshold=Decimal("5000000"), rate=Decimal("101")),
        )
    )
    assert errors_of(lambda: program_create(terms=terms, by=top_manager)) == {
        "tiers": [
            "Tier 3: a rate is above 0 and at most 100 %, with 2 decimals.",
            "The tier from 3000000 gives no more than the tier from 1000000.",
        ]
    }


def test_a_credit_limit_below_zero_is_refused(top_manager):
    terms = credit_line_terms(credit_limit=Decimal("-1"))
    assert errors_of(lambda: program_create(terms=terms, by=top_manager)) == {
        "credit_limit": ["An amount cannot be negative."]
    }
    assert Program.objects.count() == 0


def test_an_advance_payment_discount_has_one_rate_from_zero(top_manager):
    terms = retro_bonus_terms(kind=ProgramKind.ADVANCE_DISCOUNT)
    assert errors_of(lambda: program_create(terms=terms, by=top_manager)) == {
        "tiers": ["An advance-payment discount has one rate, from zero."]
    }


def test_a_client_return_offer_is_for_lapsing_and_lost_clients(top_manager):
    program = program_create(
        terms=retro_bonus_terms(kind=ProgramKind.CLIENT_RETURN, tiers=()), by=top_manager
    )
    assert program.eligible_statuses == ["lapsing", "lost"]
    terms = retro_bonus_terms(
        kind=ProgramKind.CLIENT_RETURN, tiers=(), eligible_statuses=("regular",)
    )
    assert errors_of(lambda: program_create(terms=terms, by=top_manager)) == {
        "eligible_statuses": ["A client-return offer is for Lapsing and Lost clients."]
    }


def test_changed_terms_are_kept_in_the_history_and_a_closed_program_keeps_its_own(top_manager):
    program = program_create(terms=retro_bonus_terms(), by=top_manager)
    new_tiers = (Tier(threshold=Decimal("2000000.00"), rate=Decimal("2.50")),)
    program_update(
        program=program, terms=retro_bonus_terms(name="Бонус Q1", tiers=new_tiers), by=top_manager
    )
    assert sorted(
        Change.objects.filter(subject=Subject.PROGRAM, object_id=program.pk).values_list(
            "field", "before", "after"
        )
    ) == [
        ("name", "Ретро-бонус I квартал", "Бонус Q1"),
        ("tiers", ["1000000.00:2.00", "3000000.00:3.00"], ["2000000.00:2.50"]),
    ]
    program_close(program=program, by=top_manager)
    assert errors_of(
        lambda: program_update(program=program, terms=retro_bonus_terms(), by=top_manager)
    ) == {"state": ["A closed program cannot change."]}
    assert Program.objects.get().name == "Бонус Q1"
