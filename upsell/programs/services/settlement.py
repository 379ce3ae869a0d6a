"""A retro-bonus is accrued as its period goes and settled once at its end: the payout records
the purchases it was paid on, the rate, the amount, the day it was paid and who recorded it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.programs.models import (
    BonusPayout,
    MembershipGroup,
    MembershipProgress,
    MembershipState,
    Program,
    ProgramKind,
)


def _settlement_problem(program: Program, paid_on: dt.date) -> str | None:
    if program.kind != ProgramKind.RETRO_BONUS:
        return _("Only a retro-bonus is settled.")
    if paid_on <= program.period_end:
        return _("A retro-bonus is settled after its period, which ends on %(end)s.") % {
            "end": program.period_end.isoformat()
        }
    return None


@transaction.atomic
def program_bonuses_settle(*, program: Program, paid_on: dt.date, by: User) -> int:
    """Record the payout of every member whose bonus the night measured after the period's end;
    a member paid already keeps its payout. The payouts recorded."""
    if problem := _settlement_problem(program, paid_on):
        raise ValidationError({"paid_on": problem})
    settled = MembershipProgress.objects.filter(
        membership__program=program,
        membership__group=MembershipGroup.MEMBER,
        membership__state__in=[MembershipState.ACTIVE, MembershipState.ENDED],
        membership__payout__isnull=True,
        as_of__gt=program.period_end,
        tier_rate__isnull=False,
        accrued__gt=0,
    ).select_related("membership")
    payouts = [
        BonusPayout(
            membership=progress.membership,
            purchased=progress.purchased,
            rate=progress.tier_rate,
            amount=progress.accrued,
            paid_on=paid_on,
            recorded_by=by,
        )
        for progress in settled
        if progress.tier_rate is not None
    ]
    BonusPayout.objects.bulk_create(payouts)
    return len(payouts)
