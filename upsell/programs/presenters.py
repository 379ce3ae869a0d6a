"""A member's progress in words, the manager's lever: what it reached, what is missing and by
when, what it earned. Written in the reader's language when the page is read, from the figures
the nightly run stored."""

import datetime as dt
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from upsell.core.money import format_money
from upsell.core.months import month_add, month_start
from upsell.core.templatetags.formatting import quantity
from upsell.programs.models import (
    Membership,
    MembershipGroup,
    MembershipProgress,
    MembershipState,
    Program,
    ProgramKind,
    StockMonth,
)


def _day(value: dt.date) -> str:
    return date_format(value, "j E Y")


def _rate(value: Decimal) -> str:
    return f"{number_format(value.normalize(), force_grouping=False)}\xa0%"


def _tiered(program: Program, progress: MembershipProgress) -> str:
    kind = program.kind
    period_over = progress.as_of > program.period_end
    if progress.next_threshold is None or progress.next_rate is None or progress.missing is None:
        if progress.tier_rate is None:
            return _("Purchased %(purchased)s in the period.") % {
                "purchased": format_money(progress.purchased)
            }
        return _("Top tier reached: %(rate)s; %(accrued)s accrued.") % {
            "rate": _rate(progress.tier_rate),
            "accrued": format_money(progress.accrued),
        }
    figures = {
        "missing": format_money(progress.missing),
        "end": _day(program.period_end),
        "rate": _rate(progress.next_rate),
        "threshold": format_money(progress.next_threshold),
    }
    if period_over:
        return _("The period ended %(missing)s short of the %(rate)s tier.") % figures
    if kind == ProgramKind.RETRO_BONUS:
        return _("%(missing)s more by %(end)s reaches the %(rate)s retro-bonus.") % figures
    if kind == ProgramKind.CUMULATIVE_DISCOUNT:
        return _("%(missing)s more by %(end)s brings the next orders' discount to %(rate)s.") % (
            figures
        )
    if kind == ProgramKind.VOLUME_DISCOUNT:
        return _("An order from %(threshold)s gets %(rate)s off, until %(end)s.") % figures
    return _("Paid before shipment, an order gets %(rate)s off.") % figures


def _credit(program: Program, progress: MembershipProgress) -> str:
    if progress.available is None or progress.exposure is None:
        return _("Owes %(exposure)s; no limit set.") % {
            "exposure": format_money(progress.exposure or 0)
        }
    figures = {
        "available": format_money(max(progress.available, Decimal(0))),
        "exposure": format_money(progress.exposure),
    }
    if progress.past_delay and progress.oldest_unpaid is not None:
        return _(
            "Past its payment delay: a shipment of %(oldest)s is unpaid; owes %(exposure)s."
        ) % {**figures, "oldest": _day(progress.oldest_unpaid)}
    if progress.available < 0:
        return _("Over its limit: owes %(exposure)s.") % figures
    return _("%(available)s of credit left; owes %(exposure)s.") % figures


def _stock(membership: Membership, progress: MembershipProgress) -> str:
    """This month's take of the stock kept against what is kept, and last month's: the
    products summed, as the client committed to them together. Once the period is over, its
    last month is this month."""
    this_month = month_start(min(progress.as_of, membership.program.period_end))
    last_month = month_add(this_month, -1)
    taken: dict[dt.date, tuple[Decimal, Decimal]] = {}
    row: StockMonth
    for row in membership.stock_months.all():
        if row.month in (this_month, last_month):
            consumed, committed = taken.get(row.month, (Decimal(0), Decimal(0)))
            taken[row.month] = (consumed + row.consumed, committed + row.committed)
    if this_month not in taken:
        return _("No products kept yet.")
    consumed, committed = taken[this_month]
    figures = {"consumed": quantity(consumed), "committed": quantity(committed)}
    if last_month not in taken:
        return _("This month %(consumed)s of %(committed)s kept taken.") % figures
    last_consumed, last_committed = taken[last_month]
    return _(
        "This month %(consumed)s of %(committed)s kept taken; last month %(last_consumed)s"
        " of %(last_committed)s."
    ) % {
        **figures,
        "last_consumed": quantity(last_consumed),
        "last_committed": quantity(last_committed),
    }


def progress_sentence(membership: Membership) -> str:
    """The member's progress in one sentence; what there is to say when it has none yet."""
    program = membership.program
    if membership.group == MembershipGroup.CONTROL:
        return _("Held out as the control group: the program's terms do not apply.")
    if membership.state == MembershipState.PROPOSED:
        return _("Proposed, waiting for the head of sales.")
    if membership.state == MembershipState.ENDED:
        return _("Left the program on %(day)s: %(reason)s") % {
            "day": _day(membership.ended_on) if membership.ended_on else "—",
            "reason": membership.end_reason,
        }
    progress: MembershipProgress | None = getattr(membership, "progress", None)
    if progress is None:
        return _("Progress is measured tonight.")
    if program.is_tiered:
        return _tiered(program, progress)
    if program.kind == ProgramKind.CREDIT_LINE:
        return _credit(program, progress)
    if program.kind == ProgramKind.GUARANTEED_STOCK:
        return _stock(membership, progress)
    if program.kind == ProgramKind.CLIENT_RETURN:
        if progress.returned_on is not None:
            return _("Ordered again on %(day)s.") % {"day": _day(progress.returned_on)}
        return _("No order yet; the offer is open until %(end)s.") % {
            "end": _day(program.period_end)
        }
    return _("Purchased %(purchased)s in the period.") % {
        "purchased": format_money(progress.purchased)
    }
