"""What the coaching screens and the API read: the periods a person may see, a period's notes,
joined meetings and measured effects, each effect in words."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.core.money import format_money
from upsell.deals.access import coaching_visible_to
from upsell.deals.models import Activity, CoachingEffect, CoachingMetric, CoachingPeriod

# The interval the nightly measure gives.
CONFIDENCE_PERCENT = 90


def coaching_list(*, user: User) -> QuerySet[CoachingPeriod]:
    return (
        coaching_visible_to(user)
        .select_related("manager", "coach")
        .annotate(note_count=Count("notes", distinct=True))
        .order_by("-starts_on", "id")
    )


def coaching_meetings_joined(*, period: CoachingPeriod) -> list[Activity]:
    return list(
        period.activities.select_related("client", "owner")
        .prefetch_related("participants")
        .order_by("starts_at", "id")
    )


def _number(value: float, places: int = 1) -> str:
    return number_format(round(value, places), decimal_pos=places)


def figure_value(*, metric: str, value: float | None) -> str:
    """A side's figure as the page shows it: a rate in percent, days, or money a month."""
    if value is None:
        return "—"
    if metric in (CoachingMetric.WIN_RATE, CoachingMetric.ATTAINMENT):
        return f"{_number(value)} %"
    if metric == CoachingMetric.CYCLE_DAYS:
        return _("%(value)s days") % {"value": _number(value)}
    return _("%(money)s a month") % {"money": format_money(Decimal(str(round(value, 2))))}


def _too_little_words(reason: str) -> str:
    code, side, found, needed = [*reason.split(":"), "", "", ""][:4]
    numbers = {"found": found, "needed": needed}
    before = side == "before"
    words = {
        "no_month_after": _("no complete month after the start yet"),
        "few_controls": _(
            "%(found)s managers not coached have the figure before and after; "
            "at least %(needed)s are needed"
        )
        % numbers,
        "few_closed": (
            _("%(found)s deals closed before the start; at least %(needed)s are needed")
            if before
            else _("%(found)s deals closed since the start; at least %(needed)s are needed")
        )
        % numbers,
        "few_won": (
            _("%(found)s deals won before the start; at least %(needed)s are needed")
            if before
            else _("%(found)s deals won since the start; at least %(needed)s are needed")
        )
        % numbers,
        "no_forecast": (
            _("no locked forecast before the start")
            if before
            else _("no locked forecast since the start")
        ),
        "no_motivated": _("no motivated revenue before the start"),
    }
    return words.get(code, _("the figure is missing before or after the start"))


def effect_words(*, effect: CoachingEffect) -> str:
    """The effect in one sentence: how much more the figure moved than the other managers',
    its interval, or why there is too little data."""
    if effect.too_little or effect.effect is None:
        return _("Too little data: %(reason)s.") % {"reason": _too_little_words(effect.too_little)}
    days = effect.metric == CoachingMetric.CYCLE_DAYS
    unit = _("days") if days else _("points")
    values = {
        "figure": effect.get_metric_display(),
        "size": _number(abs(effect.effect)),
        "unit": unit,
        "low": _number(effect.effect_low) if effect.effect_low is not None else "—",
        "high": _number(effect.effect_high) if effect.effect_high is not None else "—",
        "confidence": CONFIDENCE_PERCENT,
    }
    if effect.effect >= 0:
        sentence = _(
            "%(figure)s rose by %(size)s %(unit)s more than the other managers' "
            "[%(low)s; %(high)s], %(confidence)s %% interval."
        )
    else:
        sentence = _(
            "%(figure)s fell by %(size)s %(unit)s more than the other managers' "
            "[%(low)s; %(high)s], %(confidence)s %% interval."
        )
    return sentence % values


@dataclass(frozen=True, kw_only=True)
class EffectLine:
    metric: str
    name: str
    words: str
    measured: bool
    coached_before: str
    coached_after: str
    control_before: str
    control_after: str
    control_managers: int


def coaching_effect_lines(*, period: CoachingPeriod) -> list[EffectLine]:
    """The period's figures in the metrics' order."""
    order = {metric: number for number, metric in enumerate(CoachingMetric.values)}
    effects = sorted(period.effects.all(), key=lambda effect: order[effect.metric])
    return [
        EffectLine(
            metric=effect.metric,
            name=effect.get_metric_display(),
            words=effect_words(effect=effect),
            measured=effect.effect is not None,
            coached_before=figure_value(metric=effect.metric, value=effect.coached_before),
            coached_after=figure_value(metric=effect.metric, value=effect.coached_after),
            control_before=figure_value(metric=effect.metric, value=effect.control_before),
            control_after=figure_value(metric=effect.metric, value=effect.control_after),
            control_managers=effect.control_managers,
        )
        for effect in effects
    ]
