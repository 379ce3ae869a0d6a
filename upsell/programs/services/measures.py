"""What the nightly run measured of the programs, stored for the pages to read: each member's
progress, each guaranteed-stock month, each program's effect. Each store replaces the previous
night's figures whole, so running the night twice leaves the same rows."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from upsell.programs.models import (
    EffectMethod,
    MembershipProgress,
    Program,
    ProgramEffect,
    StockMonth,
)

BATCH = 2000


@dataclass(frozen=True, kw_only=True)
class EffectFigures:
    method: EffectMethod
    members: int
    controls: int
    months: int
    uplift: Decimal
    low: Decimal
    high: Decimal
    too_little_data: bool
    cost: Decimal
    means: dict[str, str]

    @property
    def net(self) -> Decimal:
        """What the program brought beyond what it cost: the uplift of every member in every
        month measured, less the discounts and bonuses accrued."""
        return self.uplift * self.members * self.months - self.cost


@transaction.atomic
def program_effect_store(
    *, program: Program, as_of: dt.date, figures: EffectFigures
) -> ProgramEffect:
    effect, _ = ProgramEffect.objects.update_or_create(
        program=program,
        defaults={
            "as_of": as_of,
            "method": figures.method,
            "members": figures.members,
            "controls": figures.controls,
            "months": figures.months,
            "uplift": figures.uplift,
            "low": figures.low,
            "high": figures.high,
            "too_little_data": figures.too_little_data,
            "cost": figures.cost,
            "net": figures.net,
            "means": figures.means,
        },
    )
    return effect


def program_effect_forget(*, program: Program) -> None:
    """No measure this night (too early, or nobody to compare): the page says so rather than
    showing an old figure."""
    ProgramEffect.objects.filter(program=program).delete()


@transaction.atomic
def memberships_progress_replace(
    *, progress: Iterable[MembershipProgress], stock: Iterable[StockMonth]
) -> int:
    """The night's progress of every member and its stock months, in place of the last
    night's; the rows written."""
    MembershipProgress.objects.all().delete()
    StockMonth.objects.all().delete()
    rows = MembershipProgress.objects.bulk_create(progress, batch_size=BATCH)
    StockMonth.objects.bulk_create(stock, batch_size=BATCH)
    return len(rows)
