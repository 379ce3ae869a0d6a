"""A member's progress in words, in the reader's language."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from upsell.programs.models import Membership, MembershipProgress
from upsell.programs.presenters import progress_sentence
from upsell.programs.services.memberships import membership_end, memberships_enrol
from upsell.programs.tests.factories import credit_line_terms, program_running, retro_bonus_terms

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 2, 10)


def member(program, client, head_of_sales, **progress):
    memberships_enrol(program=program, client_ids=[client.pk], by=head_of_sales, today=DAY)
    membership = Membership.objects.get(program=program, client=client)
    if progress:
        MembershipProgress.objects.create(
            membership=membership,
            as_of=dt.date(2026, 3, 2),
            accrued=progress.pop("accrued", Decimal(0)),
            expected_end=progress.pop("expected_end", Decimal(0)),
            **progress,
        )
    return Membership.objects.select_related("program", "progress").get(pk=membership.pk)


def test_the_distance_to_the_next_retro_bonus_tier_in_both_languages(
    annas_client, top_manager, head_of_sales
):
    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    membership = member(
        program, annas_client, head_of_sales,
        purchased=Decimal("2880000.00"), tier_threshold=Decimal("1000000.00"),
        tier_rate=Decimal("2.00"), next_threshold=Decimal("3000000.00"),
        next_rate=Decimal("3.00"), missing=Decimal("120000.00"), accrued=Decimal("57600.00"),
    )  # fmt: skip
    assert progress_sentence(membership) == (
        "₽120,000.00 more by 31 March 2026 reaches the 3\xa0% retro-bonus."
    )
    with translation.override("ru"):
        assert progress_sentence(membership) == (
            "Ещё 120\xa0000,00\xa0₽ до 31 марта 2026 — и ретро-бонус 3\xa0%."
        )


def test_a_top_tier_says_what_was_accrued(annas_client, top_manager, head_of_sales):
    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    membership = member(
        program, annas_client, head_of_sales,
        purchased=Decimal("3200000.00"), tier_threshold=Decimal("3000000.00"),
        tier_rate=Decimal("3.00"), accrued=Decimal("96000.00"),
    )  # fmt: skip
    assert progress_sentence(membership) == "Top tier reached: 3\xa0%; ₽96,000.00 accrued."


def test_a_credit_line_says_what_is_left_or_what_is_late(annas_client, top_manager, head_of_sales):
    program = program_running(terms=credit_line_terms(), by=top_manager)
    membership = member(
        program, annas_client, head_of_sales,
        purchased=Decimal(0), exposure=Decimal("130000.00"), available=Decimal("370000.00"),
        oldest_unpaid=dt.date(2026, 2, 20), past_delay=False,
    )  # fmt: skip
    assert progress_sentence(membership) == "₽370,000.00 of credit left; owes ₽130,000.00."
    MembershipProgress.objects.filter(pk=membership.pk).update(past_delay=True)
    membership.refresh_from_db()
    membership = Membership.objects.select_related("program", "progress").get(pk=membership.pk)
    assert progress_sentence(membership) == (
        "Past its payment delay: a shipment of 20 February 2026 is unpaid; owes ₽130,000.00."
    )


def test_without_progress_or_after_leaving(annas_client, top_manager, head_of_sales):
    program = program_running(terms=retro_bonus_terms(), by=top_manager)
    membership = member(program, annas_client, head_of_sales)
    assert progress_sentence(membership) == "Progress is measured tonight."
    membership_end(
        membership=membership, by=head_of_sales, reason="Закрылся", today=dt.date(2026, 3, 1)
    )
    membership.refresh_from_db()
    assert progress_sentence(membership) == "Left the program on 1 March 2026: Закрылся"
