"""Reading the demo files back with nothing but the standard library, and recounting statuses.

The recount is an independent, plain-Python statement of the default status rules of
DESIGN.md (an order is a shipment document with a positive amount; returns are documents of
their own that lower revenue), with the precedence partner > lost > reanimated > new >
lapsing > VIP > regular > irregular > one-time.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from statistics import median

NEW_DAYS = 90
WINDOW_DAYS = 365
REGULAR_ORDERS = 4
LAPSING_FACTOR = 2
LAPSING_MIN_DAYS = 45
LOST_DAYS = 180
REANIMATED_GAP_DAYS = 180
REANIMATED_RECENT_DAYS = 90
ABC_A_SHARE = Decimal("0.8")


def number(text: str) -> Decimal:
    """ "-1 234,56" (spaces or non-breaking spaces between groups) as a Decimal."""
    return Decimal(text.replace("\xa0", "").replace(" ", "").replace(",", "."))


def day(text: str) -> date:
    return datetime.strptime(text, "%d.%m.%Y").date()  # noqa: DTZ007 - a calendar date


def csv_rows(path: Path, *, encoding: str, delimiter: str) -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: Decimal
    price: Decimal
    amount: Decimal


@dataclass
class Document:
    number: str
    date: date
    tax_id: str
    client: str
    manager: str
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def is_return(self) -> bool:
        return self.total < 0


def documents_read(path: Path) -> list[Document]:
    """The shipment documents of a shipments file: its rows grouped by (Номер, Дата)."""
    documents: dict[tuple[str, str], Document] = {}
    for row in csv_rows(path, encoding="cp1251", delimiter=";"):
        key = (row["Номер"], row["Дата"])
        if key not in documents:
            documents[key] = Document(
                number=row["Номер"],
                date=day(row["Дата"]),
                tax_id=row["ИНН"],
                client=row["Контрагент"],
                manager=row["Менеджер"],
            )
        documents[key].lines.append(
            Line(
                sku=row["Артикул"],
                quantity=number(row["Количество"]),
                price=number(row["Цена"]),
                amount=number(row["Сумма"]),
            )
        )
    return list(documents.values())


@dataclass
class History:
    orders: list[tuple[date, Decimal]] = field(default_factory=list)
    returns: list[tuple[date, Decimal]] = field(default_factory=list)

    def order_dates(self) -> list[date]:
        return sorted(order_date for order_date, _ in self.orders)

    def revenue(self, *, today: date, first_day_back: int, last_day_back: int) -> Decimal:
        """Net revenue of the days from ``first_day_back`` to ``last_day_back`` - 1 ago."""
        return sum(
            (
                amount
                for when, amount in self.orders + self.returns
                if first_day_back <= (today - when).days < last_day_back
            ),
            Decimal(0),
        )

    def orders_within(self, *, today: date, days: int) -> int:
        return sum(1 for when, _ in self.orders if (today - when).days < days)


def histories_build(documents: list[Document]) -> dict[str, History]:
    histories: dict[str, History] = defaultdict(History)
    for document in documents:
        target = histories[document.tax_id]
        (target.returns if document.is_return else target.orders).append(
            (document.date, document.total)
        )
    return dict(histories)


def abc_a(revenues: dict[str, Decimal]) -> set[str]:
    """Clients whose cumulative share of revenue, largest first, stays within 80 %."""
    total = sum(revenues.values(), Decimal(0))
    chosen: set[str] = set()
    running = Decimal(0)
    for tax_id, revenue in sorted(revenues.items(), key=lambda item: -item[1]):
        running += revenue
        if running > ABC_A_SHARE * total:
            break
        chosen.add(tax_id)
    return chosen


def status_recount(
    history: History, *, today: date, is_partner: bool, in_class_a: bool
) -> str | None:
    dates = history.order_dates()
    if not dates:
        return None
    if is_partner:
        return "partner"
    since_last = (today - dates[-1]).days
    if since_last >= LOST_DAYS:
        return "lost"
    gaps = [(later - earlier).days for earlier, later in pairwise(dates)]
    recent = [when for when in dates if (today - when).days <= REANIMATED_RECENT_DAYS]
    if recent and len(recent) < len(dates):
        before_comeback = dates[len(dates) - len(recent) - 1]
        if (recent[0] - before_comeback).days >= REANIMATED_GAP_DAYS:
            return "reanimated"
    if (today - dates[0]).days <= NEW_DAYS:
        return "new"
    if gaps and since_last > LAPSING_FACTOR * median(gaps) and since_last > LAPSING_MIN_DAYS:
        return "lapsing"
    regular = history.orders_within(today=today, days=WINDOW_DAYS) >= REGULAR_ORDERS
    if regular and in_class_a:
        return "vip"
    if regular:
        return "regular"
    if len(dates) >= 2:
        return "irregular"
    return "one_time"
