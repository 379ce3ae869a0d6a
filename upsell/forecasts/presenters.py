"""The forecast grid as its page draws it: every row written once, in Python.

A manager's grid holds some 300 rows, 3 600 cells and 15 000 figures. Drawn through template
tags, each cell cost a dozen variable lookups, ``if`` tags and ``amount`` filters, each row two
dozen more, and the page took seconds of server time. Here a row becomes four strings: its
client's heading, its "accept the baseline" form, its cells and its year total, with the
amounts written by one ``AmountFormatter`` and the page's words looked up once per page. The
template places them, and names the programs' levers under the few clients in a program (the
programs app writes those). The page and the single cells and totals that htmx swaps in (after
an edit, a cancel, a save) come from the same code, so they cannot drift apart.

Every value is escaped where the markup is written; the strings are then ``SafeString``
directly, which skips ``mark_safe``'s checks.
"""

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from upsell.clients.models import Client, ClientStatus
from upsell.core.money import AmountFormatter
from upsell.core.templatetags.formatting import percent
from upsell.forecasts.models import Confidence
from upsell.forecasts.selectors import Grid, GridCell, GridRow, RowTotal

COMMENT_SHOWN = 24  # characters of a comment in the cell; the whole of it in the tooltip
# How the lines of a row's heading are indented on the page, for whoever reads its source.
HEADING_LINE = "\n            "
HEADING_END = "\n          "


@dataclass(frozen=True, slots=True, kw_only=True)
class RowAccept:
    """What each row's "accept the baseline" form posts besides its client."""

    url: str
    manager_id: int
    year: int
    csrf_token: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RowView:
    client: Client
    # Whether the client is in a sales program, whose levers the template names under it.
    in_programs: bool
    # The client's name and, under it, its status, perspective, budget and share of wallet.
    heading: SafeString
    # The row's "accept the baseline" form; nothing in a grid its reader cannot change.
    accept: SafeString
    cells: SafeString  # the row's month cells, one after the other
    total: SafeString  # the row's last cell: its year


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

    def __init__(self, *, accept: RowAccept | None = None) -> None:
        self.amount = AmountFormatter()
        self._cells_url = escape(cells_url())
        self._clients_url = escape(clients_url())
        self._confidence_labels = {value: escape(str(label)) for value, label in Confidence.choices}
        self._status_labels = {value: escape(str(label)) for value, label in ClientStatus.choices}
        self._perspective = escape(_("perspective"))
        self._budget = escape(_("budget"))
        self._share_of_wallet = escape(_("share of wallet"))
        self._share_of_wallet_title = escape(
            _("Bought from us this budget year, as a share of the purchase budget")
        )
        self._compared_title = escape(
            _(
                "Shipped in the months begun that have a forecast, "
                "against the forecast of those months"
            )
        )
        self._compared_words = escape(_("fact %(fact)s of %(forecast)s"))
        self._accept_start = self._accept_end = ""
        if accept is not None:
            self._accept_start = (
                f'<form method="post" action="{escape(accept.url)}" class="row-accept">'
                '<input type="hidden" name="csrfmiddlewaretoken" '
                f'value="{escape(accept.csrf_token)}">'
                f'<input type="hidden" name="manager" value="{accept.manager_id}">'
                f'<input type="hidden" name="year" value="{accept.year}">'
                '<input type="hidden" name="client" value="'
            )
            fill_title = escape(
                _("Fill this client's empty cells that can still change with their baseline")
            )
            accept_words = escape(_("accept the baseline"))
            self._accept_end = (
                f'"><button type="submit" class="link-button" title="{fill_title}">'
                f"{accept_words}</button></form>"
            )
        # An amount is digits, a sign and the language's separators: written as it is where these
        # need no escaping, as in every language the product speaks.
        sample = self.amount(Decimal("-1234567.89"))
        self._html_amount: Callable[[Decimal], str] = (
            self.amount if escape(sample) == sample else self._escaped_amount
        )
        self._month_keys: dict[dt.date, str] = {}

    def rows(self, grid: Grid, *, in_programs: Collection[int]) -> list[RowView]:
        """The grid's rows; ``in_programs``: the ids of the clients in a sales program."""
        return [self.row(row, in_programs=row.client.pk in in_programs) for row in grid.rows]

    def row(self, row: GridRow, *, in_programs: bool = False) -> RowView:
        client = row.client
        client_id, write_cell, month_key = client.pk, self._cell, self._month_key
        return RowView(
            client=client,
            in_programs=in_programs,
            heading=self._heading(row),
            accept=SafeString(
                f"{self._accept_start}{client.pk}{self._accept_end}" if self._accept_start else ""
            ),
            cells=SafeString(
                "".join([write_cell(gc, client_id, month_key(gc.month)) for gc in row.cells])
            ),
            total=self.row_total(row.total()),
        )

    def _heading(self, row: GridRow) -> SafeString:
        client = row.client
        status = ""
        if client.status:
            label = self._status_labels.get(client.status) or escape(client.status)
            status = f'<span class="badge status-{escape(client.status)}">{label}</span>'
        perspective = row.perspective
        budget = self.amount(client.annual_budget) if client.plans_budget else None
        share = row.share_of_wallet
        figures = [
            status,
            ""
            if perspective is None
            else f'<span class="row-figure">{self._perspective} {perspective}/100</span>',
            ""
            if budget is None
            else f'<span class="row-figure">{self._budget} {escape(budget)}</span>',
            ""
            if share is None
            else (
                f'<span class="row-figure" title="{self._share_of_wallet_title}">'
                f"{self._share_of_wallet} {escape(percent(share))}</span>"
            ),
        ]
        return SafeString(
            f'<a href="{self._clients_url}{client.pk}/">{escape(client.name)}</a>'
            f'{HEADING_END}<div class="muted">{HEADING_LINE}'
            f"{HEADING_LINE.join(figures)}{HEADING_END}</div>"
        )

    def row_total(self, total: RowTotal, *, oob: bool = False) -> SafeString:
        """The row's last cell: the year's forecast and, once a month with a forecast has begun,
        the fact beside the forecast of those months; ``oob`` when htmx swaps it in beside a
        saved cell."""
        compared = ""
        if total.compared_actual or total.compared_forecast:
            words = self._compared_words % {
                "fact": self._html_amount(total.compared_actual),
                "forecast": self._html_amount(total.compared_forecast),
            }
            compared = f'<div class="actual" title="{self._compared_title}">{words}</div>'
        swap = ' hx-swap-oob="true"' if oob else ""
        return SafeString(
            f'<td id="row-total-{total.client_id}" class="num row-total"{swap}>'
            f"<strong>{self._html_amount(total.forecast)}</strong>{compared}</td>"
        )

    def cell(self, gc: GridCell, *, saved: bool = False) -> SafeString:
        """The cell's ``<td>``: the baseline; the manager's amount and confidence, and comment;
        for a month begun, the shipments; for a month over that had a forecast, shipments
        minus forecast; and the ✎ that opens the editor."""
        return self._cell(gc, gc.client.pk, self._month_key(gc.month), saved=saved)

    def _cell(
        self, gc: GridCell, client_id: int, month_key: str, *, saved: bool = False
    ) -> SafeString:
        html_amount = self._html_amount
        figures, actual = gc.cell, gc.actual
        # A month nobody forecast shows no forecast, not a baseline of zero.
        forecast = comment = shipped = edit = ""
        if figures is not None:
            forecast = f'<div class="baseline">{html_amount(figures.baseline)}</div>'
            if figures.amount is not None:
                confidence = escape(figures.confidence)
                label = self._confidence_labels.get(figures.confidence, confidence)
                forecast += (
                    f'<div class="manager-amount"><strong>{html_amount(figures.amount)}</strong> '
                    f'<span class="badge confidence-{confidence}">{label}</span></div>'
                )
            if figures.comment:
                shown = Truncator(figures.comment).chars(COMMENT_SHOWN)
                comment = (
                    f'<div class="comment" title="{escape(figures.comment)}">{escape(shown)}</div>'
                )
        if actual is not None:
            shipped = f'<div class="actual">{html_amount(actual)}</div>'
            deviation = gc.deviation
            if deviation is not None:
                below = " below" if deviation < 0 else ""
                shipped += f'<div class="deviation{below}">Δ {html_amount(deviation)}</div>'
        if gc.editable:
            edit = (
                '<button type="button" class="link-button" '
                f'hx-get="{self._cells_url}{client_id}/{month_key}/?edit=1" '
                'hx-target="closest td" hx-swap="outerHTML">✎</button>'
            )
        return SafeString(
            f'<td id="cell-{client_id}-{month_key}" class="num forecast-cell'
            f'{" locked" if gc.locked else ""}{" saved" if saved else ""}">'
            f"{forecast}{comment}{shipped}{edit}</td>"
        )

    def _escaped_amount(self, value: Decimal) -> str:
        return escape(self.amount(value))

    def _month_key(self, month: dt.date) -> str:
        key = self._month_keys.get(month)
        if key is None:
            key = self._month_keys[month] = f"{month:%Y-%m}"
        return key
