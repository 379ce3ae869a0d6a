"""The board's cards as markup, written in Python once per card.

A board of 500 deals is 500 cards of a dozen values each; the template language would resolve
and translate every one of them again. The labels, the URLs' prefixes and the amounts'
formatting are looked up once per response here, every value escaped where the markup is
written, and the template places each card whole (as the forecast grid does its cells).
"""

import datetime as dt

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from upsell.core.money import SYMBOL_AFTER_AMOUNT, AmountFormatter, currency_symbol
from upsell.deals.models import Deal, DealStage
from upsell.deals.selectors.deals import days_without_activity
from upsell.deals.stuck import deal_is_stuck


class BoardPresenter:
    """Writes the cards of one response in the active language."""

    def __init__(self, *, now: dt.datetime, stuck_after: int, works: bool, sees_all: bool) -> None:
        self.now = now
        self.stuck_after = stuck_after
        self.works = works
        self.sees_all = sees_all
        self.amount = AmountFormatter()
        self._symbol = escape(currency_symbol())
        self._symbol_after = (get_language() or "").split("-")[0] in SYMBOL_AFTER_AMOUNT
        self._detail = reverse("deals:detail", kwargs={"deal_id": 1}).removesuffix("1/")
        self._move = reverse("deals:move", kwargs={"deal_id": 1}).removesuffix("1/move/")
        self._stages = {value: escape(str(label)) for value, label in DealStage.choices}
        self._back = escape(_("To the previous stage"))
        self._next = escape(_("To the next stage"))
        self._won = escape(str(DealStage.WON.label))
        self._lost = escape(str(DealStage.LOST.label))

    def money(self, value: object) -> str:
        text = self.amount(value)  # type: ignore[arg-type]
        return f"{text}\xa0{self._symbol}" if self._symbol_after else f"{self._symbol}{text}"

    def card(self, deal: Deal) -> SafeString:
        pk = deal.pk
        stage = deal.stage
        client = escape(deal.client.name)
        amount = self.money(deal.amount)
        label = self._stages[stage]
        movable = self.works and stage != DealStage.WON
        attributes = (
            f'class="deal-card{"" if deal.is_open else " closed"}" id="deal-{pk}" '
            f'data-deal="{pk}" data-stage="{stage}" data-move="{self._move}{pk}/move/"'
            f"{' tabindex="0" draggable="true"' if movable else ''} "
            f'aria-label="{client}, {amount}, {label}"'
        )
        lines = [f'<a class="deal-client" href="{self._detail}{pk}/">{client}</a>']
        if deal.title:
            lines.append(f'<div class="deal-title">{escape(deal.title)}</div>')
        lines.append(
            f'<div class="deal-figures"><strong>{amount}</strong> '
            f'<span class="muted">{deal.month:%m.%Y}</span></div>'
        )
        if self.sees_all:
            manager = escape(str(deal.manager)) if deal.manager else "—"
            lines.append(f'<div class="muted deal-manager">{manager}</div>')
        if deal.is_open:
            idle = days_without_activity(deal, now=self.now)
            stuck = deal_is_stuck(deal, now=self.now, after_days=self.stuck_after)
            stale = " stale" if stuck else ""
            words = escape(
                ngettext("%(days)s day without activity", "%(days)s days without activity", idle)
                % {"days": idle}
            )
            lines.append(f'<div class="deal-idle{stale}">{words}</div>')
        if deal.lost_reason_id is not None:
            lines.append(f'<div class="deal-idle">{escape(str(deal.lost_reason))}</div>')
        if movable and stage != DealStage.LOST:
            buttons = []
            if stage not in (DealStage.PREPARATION, DealStage.ORDER):
                buttons.append(
                    f'<button type="button" class="button small" data-step="-1" '
                    f'aria-label="{self._back}">←</button>'
                )
            forward = self._won if stage == DealStage.ORDER else self._next
            buttons.append(
                f'<button type="button" class="button small" data-step="1" '
                f'aria-label="{forward}">→</button>'
            )
            buttons.append(
                f'<button type="button" class="button small" data-to="lost">{self._lost}</button>'
            )
            lines.append(f'<div class="deal-moves">{"".join(buttons)}</div>')
        return SafeString(f"<li {attributes}>{''.join(lines)}</li>")
