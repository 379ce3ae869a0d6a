"""The forecast grid as its page draws it: every figure of a row written once, in Python.

A manager's grid holds some 3 600 cells and 15 000 figures. Drawn through template tags, each
cell cost a dozen variable lookups, ``if`` tags and ``amount`` filters, and the page took
seconds of server time. Here a cell becomes three strings, its id, its classes and its
content, with the amounts written by one ``AmountFormatter`` per page; the template places
them. The page and the single cells that htmx swaps in (after an edit, a cancel) come from the
same code, so they cannot drift apart.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from upsell.clients.models import Client
from upsell.core.money import AmountFormatter
from upsell.core.templatetags.formatting import percent
from upsell.forecasts.models import Confidence
from upsell.forecasts.selectors import GridCell, GridRow, RowTotal

COMMENT_SHOWN = 24  # characters of a comment in the cell; the whole of it in the tooltip


@dataclass(frozen=True, slots=True)
class CellView:
    dom_id: str
    css_class: str
    content: SafeString


@dataclass(frozen=True, slots=True)
class RowTotalView:
    client_id: int
    forecast: str
    # The fact and the forecast of the months that have both; blank before the first of them.
    compared_actual: str
    compared_forecast: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RowView:
    client: Client
    url: str
    perspective: int | None
    budget: str | None  # for clients that plan a purchase budget
    share_of_wallet: str | None
    cells: list[CellView]
    total: RowTotalView


def cells_url() -> str:
    """Where the cells live: a cell's URL is this followed by ``<client id>/<YYYY-MM>/``;
    reversed once per page rather than once for each of its thousands of cells."""
    return reverse("forecasts:cell", kwargs={"client_id": 1, "month": "2000-01"}).removesuffix(
        "1/2000-01/"
    )


def clients_url() -> str:
    """A client's card is this followed by ``<client id>/``."""
    return reverse("clients:detail", kwargs={"client_id": 1}).removesuffix("1/")


class GridPresenter:
    """Writes rows and cells in the active language; make one per response."""

    def __init__(self) -> None:
        self.amount = AmountFormatter()
        self.clients_url = clients_url()
        self._cells_url = escape(cells_url())
        self._confidence_labels = {value: escape(str(label)) for value, label in Confidence.choices}
        self._escaped_amounts: dict[Decimal, str] = {}
        self._month_keys: dict[dt.date, str] = {}

    def row(self, row: GridRow) -> RowView:
        client = row.client
        share = row.share_of_wallet
        return RowView(
            client=client,
            url=f"{self.clients_url}{client.pk}/",
            perspective=row.perspective,
            budget=self.amount(client.annual_budget) if client.plans_budget else None,
            share_of_wallet=None if share is None else percent(share),
            cells=[self.cell(gc) for gc in row.cells],
            total=self.row_total(
                RowTotal(
                    client_id=client.pk,
                    forecast=row.forecast,
                    compared_forecast=row.compared_forecast,
                    compared_actual=row.compared_actual,
                )
            ),
        )

    def row_total(self, total: RowTotal) -> RowTotalView:
        compared = bool(total.compared_actual or total.compared_forecast)
        return RowTotalView(
            client_id=total.client_id,
            forecast=self.amount(total.forecast),
            compared_actual=self.amount(total.compared_actual) if compared else "",
            compared_forecast=self.amount(total.compared_forecast) if compared else "",
        )

    def cell(self, gc: GridCell, *, saved: bool = False) -> CellView:
        """The cell's figures: the baseline; the manager's amount and confidence, and comment;
        for a month begun, the shipments; for a month over that had a forecast, shipments
        minus forecast; and the
        ✎ that opens the editor. Every value is escaped here, where the markup is written."""
        client_id, month_key = gc.client.pk, self._month_key(gc.month)
        html_amount = self._html_amount
        figures = gc.cell
        # A month nobody forecast shows no forecast, not a baseline of zero.
        lines = (
            [] if figures is None else [f'<div class="baseline">{html_amount(gc.baseline)}</div>']
        )
        if figures is not None and figures.amount is not None:
            confidence = escape(figures.confidence)
            label = self._confidence_labels.get(figures.confidence, confidence)
            lines.append(
                f'<div class="manager-amount"><strong>{html_amount(figures.amount)}</strong> '
                f'<span class="badge confidence-{confidence}">{label}</span></div>'
            )
        if figures is not None and figures.comment:
            shown = Truncator(figures.comment).chars(COMMENT_SHOWN)
            lines.append(
                f'<div class="comment" title="{escape(figures.comment)}">{escape(shown)}</div>'
            )
        if gc.actual is not None:
            lines.append(f'<div class="actual">{html_amount(gc.actual)}</div>')
        deviation = gc.deviation
        if deviation is not None:
            below = " below" if deviation < 0 else ""
            lines.append(f'<div class="deviation{below}">Δ {html_amount(deviation)}</div>')
        if gc.editable:
            lines.append(
                '<button type="button" class="link-button" '
                f'hx-get="{self._cells_url}{client_id}/{month_key}/?edit=1" '
                'hx-target="closest td" hx-swap="outerHTML">✎</button>'
            )
        css_class = "num forecast-cell"
        if gc.locked:
            css_class += " locked"
        if saved:
            css_class += " saved"
        return CellView(
            dom_id=f"cell-{client_id}-{month_key}",
            css_class=css_class,
            # Every value above is escaped; SafeString directly skips mark_safe's lazy check.
            content=SafeString("".join(lines)),
        )

    def _html_amount(self, value: Decimal) -> str:
        text = self._escaped_amounts.get(value)
        if text is None:
            text = self._escaped_amounts[value] = escape(self.amount(value))
        return text

    def _month_key(self, month: dt.date) -> str:
        key = self._month_keys.get(month)
        if key is None:
            key = self._month_keys[month] = f"{month:%Y-%m}"
        return key
