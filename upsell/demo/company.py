"""Generate the demo company: its staff, catalogue, clients, shipments and payments as files,
and the customer orders of its last days.

Clients are processed in chunks so that memory stays bounded however many there are. A first
pass plans every chunk's documents only to count them per day (document numbers run in date
order through the year, across chunks) and to size the VIPs' orders against everybody else's;
the second pass plans them again (the same random streams give the same plan), makes their
lines and writes them. Within a chunk, rows are in date order.
"""

import csv
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
from numpy.typing import NDArray
from openpyxl import Workbook
from openpyxl.xml.functions import tostring

from upsell.demo.behaviours import BEHAVIOURS, Behaviour, code_of
from upsell.demo.calendar import Calendar, calendar_build
from upsell.demo.catalogue import SEGMENTS, Catalogue, catalogue_build, price_table
from upsell.demo.contacts import contacts_write
from upsell.demo.lines import Lines, lines_build
from upsell.demo.names import REGIONS
from upsell.demo.orders import OpenOrders, open_orders_build
from upsell.demo.plan import VIP_REVENUE_SHARE, YEAR, OrderPlan, orders_plan
from upsell.demo.programs import PlantedLedger, StockLedger, programs_build, programs_write
from upsell.demo.roster import Roster, client_names, client_tax_ids, roster_build
from upsell.demo.staff import ROLE_TITLES, Staff, staff_build
from upsell.demo.text import csv_field, money_bytes, money_text, quantity_bytes

CHUNK_CLIENTS = 16_384
ROWS_PER_WRITE = 100_000
MIN_YEARS = 2

STAFF_HEADER = ("ФИО", "Логин", "Роль", "Руководитель", "E-mail")
PRODUCTS_HEADER = ("Артикул", "Номенклатура", "Группа", "Единица")
CLIENTS_HEADER = (
    "Контрагент",
    "ИНН",
    "Менеджер",
    "Регион",
    "Сегмент",
    "Партнёр",
    "Бюджетирование",
    "Годовой бюджет",
    "Год бюджета",
)
SHIPMENTS_HEADER = (
    "Дата",
    "Номер",
    "Контрагент",
    "ИНН",
    "Менеджер",
    "Артикул",
    "Номенклатура",
    "Количество",
    "Цена",
    "Сумма",
)
PAYMENTS_HEADER = ("Дата", "Номер", "Контрагент", "ИНН", "Сумма", "Срок оплаты")
ORDERS_HEADER = (
    "Номер заявки",
    "Дата",
    "Контрагент",
    "ИНН",
    "Артикул",
    "Номенклатура",
    "Количество",
    "Цена",
    "Скидка, %",
    "Отсрочка, дней",
    "Комментарий",
)
TRUTH_HEADER = ("tax_id", "client", "behaviour")

SHIPMENT_PREFIX = "РТ"  # реализация товаров
RETURN_PREFIX = "ВЗ"  # возврат от покупателя
PAYMENT_PREFIX = "ПП"  # платёжное поручение
ENCODING_1C = "cp1251"

# Independent random streams, so that one part can change without reshuffling the others.
(
    CATALOGUE_STREAM,
    STAFF_STREAM,
    ROSTER_STREAM,
    PLAN_STREAM,
    LINES_STREAM,
    ORDERS_STREAM,
    PROGRAMS_STREAM,
    CONTACTS_STREAM,
) = range(8)


@dataclass(frozen=True)
class DemoFiles:
    staff: Path
    products: Path
    clients: Path
    shipments: Path
    payments: Path
    # The clients' contact persons, as 1C's contact information of the partners.
    contacts: Path
    # The open customer orders: imported after the audit, as a company's new orders come in
    # once its clients have their statuses (which decide who takes a request).
    orders: Path
    truth: Path
    # The sales programs' terms, loaded by ``upsell programs_load`` after the history, and who
    # is in each, imported once the audit has given the clients their statuses.
    programs: Path
    memberships: Path
    # What the one program with a planted effect added to its members' shipments.
    programs_truth: Path

    def in_import_order(self) -> tuple[Path, ...]:
        """The history, in dependency order: what the audit reads."""
        return (
            self.staff,
            self.products,
            self.clients,
            self.shipments,
            self.payments,
            self.contacts,
        )


@dataclass(frozen=True)
class DemoSummary:
    files: DemoFiles
    start: date  # the first day of the history
    today: date  # its last day
    seed: int
    years: int
    staff: int
    products: int
    clients: int
    documents: int  # shipment documents: the orders
    returns: int  # return documents
    lines: int  # rows of the shipments file, returns included
    payments: int
    contacts: int  # contact persons
    requests: int  # open customer orders
    request_lines: int
    programs: int
    memberships: int
    behaviours: dict[Behaviour, int]
    vip_revenue_share: float  # of the last 365 days' net revenue


class _Numbering:
    """Document numbers restarting every year, in date order across all chunks."""

    def __init__(self, *, calendar: Calendar, per_day: NDArray[np.int64], prefix: str) -> None:
        # Indexed by the chronological day t = days - offset (0 is the history's first day).
        year = calendar.year[::-1]
        before = np.cumsum(per_day) - per_day
        year_start = np.searchsorted(year, year, side="left")
        self.base = before - before[year_start]
        yearly = np.bincount(year - year.min(), per_day)
        self.width = max(6, len(str(int(yearly.max(initial=0)))))
        self.seen = np.zeros_like(per_day)
        self.prefix = f"{prefix}-".encode(ENCODING_1C)

    def assign(self, chronological: NDArray[np.int64]) -> NDArray[np.object_]:
        """Numbers for documents already sorted by date, as cp1251 bytes ("РТ-000123")."""
        rank = np.arange(chronological.size) - np.searchsorted(
            chronological, chronological, side="left"
        )
        numbers = self.base[chronological] + self.seen[chronological] + rank + 1
        self.seen += np.bincount(chronological, minlength=self.seen.size)
        digits = np.char.zfill(numbers.astype(np.bytes_), self.width)
        spelled: NDArray[np.object_] = np.char.add(self.prefix, digits).astype(object)
        return spelled


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def _chunks(clients: int) -> Iterator[tuple[int, int, int]]:
    for number, start in enumerate(range(0, clients, CHUNK_CLIENTS)):
        yield number, start, min(start + CHUNK_CLIENTS, clients)


def _local_today() -> date:
    return datetime.now(UTC).astimezone().date()


def generate(
    out_dir: Path,
    *,
    clients: int = 2000,
    years: int = 3,
    seed: int = 1,
    today: date | None = None,
) -> DemoSummary:
    """Write the demo company's files into ``out_dir`` (created if missing).

    The same arguments always give byte-identical files.
    """
    if clients < 1:
        raise ValueError("the demo company needs at least one client")
    if years < MIN_YEARS:
        raise ValueError(f"the demo company needs at least {MIN_YEARS} years of history")
    today = today or _local_today()
    out_dir.mkdir(parents=True, exist_ok=True)
    files = DemoFiles(
        staff=out_dir / "staff.csv",
        products=out_dir / "products.xlsx",
        clients=out_dir / "clients.csv",
        shipments=out_dir / "shipments.csv",
        payments=out_dir / "payments.csv",
        contacts=out_dir / "contacts.csv",
        orders=out_dir / "orders.csv",
        truth=out_dir / "truth.csv",
        programs=out_dir / "programs.json",
        memberships=out_dir / "memberships.csv",
        programs_truth=out_dir / "programs_truth.json",
    )
    calendar = calendar_build(today=today, years=years)
    catalogue = catalogue_build(rng=_rng(seed, CATALOGUE_STREAM))
    staff = staff_build(rng=_rng(seed, STAFF_STREAM))
    roster = roster_build(clients=clients, rng=_rng(seed, ROSTER_STREAM))
    programs = programs_build(roster=roster, today=today, rng=_rng(seed, PROGRAMS_STREAM))
    ledger = PlantedLedger(programs=programs, calendar=calendar)
    stock = StockLedger(programs=programs, today=today)

    _staff_write(path=files.staff, staff=staff)
    contacts = contacts_write(path=files.contacts, roster=roster, rng=_rng(seed, CONTACTS_STREAM))
    _products_write(path=files.products, catalogue=catalogue, today=today)

    days = calendar.days
    per_day = {
        name: np.zeros(days + 1, dtype=np.int64) for name in ("orders", "returns", "payments")
    }
    others_revenue = 0.0
    is_vip = roster.behaviour == code_of(Behaviour.VIP)
    for number, start, stop in _chunks(clients):
        plan = orders_plan(
            roster=roster,
            calendar=calendar,
            start=start,
            stop=stop,
            vip_revenue=0.0,
            uplift=programs.uplift,
            uplift_from=programs.planted_from,
            rng=_rng(seed, PLAN_STREAM, number),
        )
        per_day["orders"] += np.bincount(days - plan.day, minlength=days + 1)
        per_day["returns"] += np.bincount(days - plan.return_day, minlength=days + 1)
        per_day["payments"] += np.bincount(days - plan.payment_day, minlength=days + 1)
        others_revenue += float(plan.value[(plan.day < YEAR) & ~is_vip[plan.client]].sum())
    vip_weights = float(roster.vip_weight.sum())
    vip_revenue = (
        VIP_REVENUE_SHARE / (1 - VIP_REVENUE_SHARE) * others_revenue / vip_weights
        if vip_weights
        else 0.0
    )

    prices = price_table(catalogue=catalogue, quarters=int(calendar.quarters_back.max()))
    with ExitStack() as opened:
        writer = _ChunkWriter(
            opened=opened,
            files=files,
            calendar=calendar,
            catalogue=catalogue,
            staff=staff,
            roster=roster,
            numbering=(
                _Numbering(calendar=calendar, per_day=per_day["orders"], prefix=SHIPMENT_PREFIX),
                _Numbering(calendar=calendar, per_day=per_day["returns"], prefix=RETURN_PREFIX),
                _Numbering(calendar=calendar, per_day=per_day["payments"], prefix=PAYMENT_PREFIX),
            ),
        )
        for number, start, stop in _chunks(clients):
            plan = orders_plan(
                roster=roster,
                calendar=calendar,
                start=start,
                stop=stop,
                vip_revenue=vip_revenue,
                uplift=programs.uplift,
                uplift_from=programs.planted_from,
                rng=_rng(seed, PLAN_STREAM, number),
            )
            lines = lines_build(
                plan=plan,
                roster=roster,
                catalogue=catalogue,
                calendar=calendar,
                prices=prices,
                rng=_rng(seed, LINES_STREAM, number),
            )
            writer.write(plan=plan, lines=lines)
            ledger.add(plan=plan, lines=lines)
            stock.add(plan=plan, lines=lines)

    orders = open_orders_build(
        roster=roster, catalogue=catalogue, prices=prices, rng=_rng(seed, ORDERS_STREAM)
    )
    _orders_write(
        path=files.orders, orders=orders, roster=roster, catalogue=catalogue, calendar=calendar
    )

    held = sorted(
        {
            client
            for program in programs.programs
            for client in (*program.members.tolist(), *program.controls.tolist())
        }
    )
    memberships = programs_write(
        programs=programs,
        ledger=ledger,
        stock=stock,
        skus=catalogue.skus,
        today=today,
        tax_ids={c: client_tax_ids(roster=roster, start=c, stop=c + 1)[0] for c in held},
        names={c: client_names(roster=roster, start=c, stop=c + 1)[0] for c in held},
        programs_path=files.programs,
        memberships_path=files.memberships,
        truth_path=files.programs_truth,
    )

    revenue = writer.revenue
    total_revenue = float(revenue.sum())
    return DemoSummary(
        files=files,
        start=calendar.start,
        today=today,
        seed=seed,
        years=years,
        staff=len(staff.members),
        products=len(catalogue),
        clients=clients,
        documents=writer.documents,
        returns=writer.returns,
        lines=writer.rows,
        payments=writer.payments,
        contacts=contacts,
        requests=orders.client.size,
        request_lines=orders.order.size,
        programs=len(programs.programs),
        memberships=memberships,
        behaviours={
            behaviour: int(np.count_nonzero(roster.behaviour == code))
            for code, behaviour in enumerate(BEHAVIOURS)
        },
        vip_revenue_share=float(revenue[is_vip].sum()) / total_revenue if total_revenue else 0.0,
    )


def _staff_write(*, path: Path, staff: Staff) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(STAFF_HEADER)
        for member in staff.members:
            writer.writerow(
                (
                    member.full_name,
                    member.username,
                    ROLE_TITLES[member.role],
                    member.reports_to,
                    member.email,
                )
            )


def _products_write(*, path: Path, catalogue: Catalogue, today: date) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Номенклатура")
    sheet.append(PRODUCTS_HEADER)
    for row in zip(catalogue.skus, catalogue.names, catalogue.groups, catalogue.units, strict=True):
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    # An XLSX is a zip: fixed entry times and document dates make it byte-identical every run.
    stamp = datetime(today.year, today.month, today.day)  # noqa: DTZ001 - XLSX dates are naive
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    core = tostring(workbook.properties.to_tree())
    with ZipFile(buffer) as source, ZipFile(path, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = core if entry.filename == "docProps/core.xml" else source.read(entry)
            fixed = ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            target.writestr(fixed, data, compress_type=ZIP_DEFLATED)


def _orders_write(
    *, path: Path, orders: OpenOrders, roster: Roster, catalogue: Catalogue, calendar: Calendar
) -> None:
    """As a website or an ERP exports orders: 1C's encoding and number formats, a row a line."""
    clients = orders.client.tolist()
    names = [client_names(roster=roster, start=c, stop=c + 1)[0] for c in clients]
    tax_ids = [client_tax_ids(roster=roster, start=c, stop=c + 1)[0] for c in clients]
    dates = calendar.date_text(orders.day)
    quantities = quantity_bytes(orders.quantity, catalogue.decimals[orders.product])
    prices = money_bytes(orders.price)
    numbers = orders.numbers
    with path.open("w", encoding=ENCODING_1C, newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(ORDERS_HEADER)
        for line, order in enumerate(orders.order.tolist()):
            product = int(orders.product[line])
            discount = int(orders.discount[line])
            delay = int(orders.payment_delay[order])
            writer.writerow(
                (
                    numbers[order],
                    dates[order].decode("ascii"),
                    names[order],
                    tax_ids[order],
                    catalogue.skus[product],
                    catalogue.names[product],
                    quantities[line].decode(ENCODING_1C),
                    prices[line].decode(ENCODING_1C),
                    str(discount) if discount else "",
                    str(delay) if delay else "",
                    orders.comment[order],
                )
            )


class _ChunkWriter:
    """Writes the shipments, payments, clients and truth files chunk by chunk.

    A client's documents all fall in its chunk, so its row of clients.csv (with a budget sized
    on what it bought) follows right after them.
    """

    def __init__(
        self,
        *,
        opened: ExitStack,
        files: DemoFiles,
        calendar: Calendar,
        catalogue: Catalogue,
        staff: Staff,
        roster: Roster,
        numbering: tuple[_Numbering, _Numbering, _Numbering],
    ) -> None:
        self.shipments = opened.enter_context(files.shipments.open("wb"))
        self.shipments.write(";".join(SHIPMENTS_HEADER).encode(ENCODING_1C) + b"\r\n")
        self.payments_file = opened.enter_context(files.payments.open("wb"))
        self.payments_file.write(";".join(PAYMENTS_HEADER).encode(ENCODING_1C) + b"\r\n")
        self.clients_csv = csv.writer(
            opened.enter_context(files.clients.open("w", encoding="utf-8-sig", newline="")),
            delimiter=";",
            lineterminator="\r\n",
        )
        self.clients_csv.writerow(CLIENTS_HEADER)
        self.truth_csv = csv.writer(
            opened.enter_context(files.truth.open("w", encoding="utf-8", newline="")),
            lineterminator="\n",
        )
        self.truth_csv.writerow(TRUTH_HEADER)
        self.calendar = calendar
        self.roster = roster
        self.numbering = numbering
        self.managers = [manager.full_name for manager in staff.managers]
        self.product_fields = np.array(
            [
                f"{csv_field(sku, delimiter=';')};{csv_field(name, delimiter=';')}".encode(
                    ENCODING_1C
                )
                for sku, name in zip(catalogue.skus, catalogue.names, strict=True)
            ],
            dtype=object,
        )
        self.decimals = catalogue.decimals
        self.revenue = np.zeros(len(roster))  # kopecks over the last 365 days, net of returns
        self.documents = self.returns = self.rows = self.payments = 0

    def write(self, *, plan: OrderPlan, lines: Lines) -> None:
        names = client_names(roster=self.roster, start=plan.start, stop=plan.stop)
        tax_ids = client_tax_ids(roster=self.roster, start=plan.start, stop=plan.stop)
        managers = [self.managers[index] for index in self.roster.manager[plan.start : plan.stop]]
        self._shipments_write(
            plan=plan, lines=lines, names=names, tax_ids=tax_ids, managers=managers
        )
        self._payments_write(plan=plan, lines=lines, names=names, tax_ids=tax_ids)
        self._revenue_add(plan=plan, lines=lines)
        self._clients_write(plan=plan, names=names, tax_ids=tax_ids, managers=managers)

    def _shipments_write(
        self,
        *,
        plan: OrderPlan,
        lines: Lines,
        names: list[str],
        tax_ids: list[str],
        managers: list[str],
    ) -> None:
        days = self.calendar.days
        orders, returns, _ = self.numbering
        order_numbers = orders.assign(days - plan.day)
        return_numbers = returns.assign(days - plan.return_day)
        client_fields = np.array(
            [
                f"{csv_field(name, delimiter=';')};{tax_id};{manager}".encode(ENCODING_1C)
                for name, tax_id, manager in zip(names, tax_ids, managers, strict=True)
            ],
            dtype=object,
        )
        returned = lines.return_index
        shipped = lines.document.size
        day = np.concatenate([plan.day[lines.document], plan.return_day[returned]])
        # Shipments before returns on the same day, each kind in number order.
        order = np.lexsort(
            (
                np.arange(day.size),
                np.arange(day.size) >= shipped,
                -day,
            )
        )
        columns = {
            "day": day,
            "number": np.concatenate([order_numbers[lines.document], return_numbers[returned]]),
            "client": np.concatenate(
                [plan.client[lines.document], plan.client[plan.returned[returned]]]
            )
            - plan.start,
            "product": np.concatenate([lines.product, lines.return_product]),
            "quantity": np.concatenate([lines.quantity, -lines.return_quantity]),
            "price": np.concatenate([lines.price, lines.return_price]),
            "amount": np.concatenate([lines.amount, -lines.return_amount]),
        }
        for begin in range(0, order.size, ROWS_PER_WRITE):
            rows = order[begin : begin + ROWS_PER_WRITE]
            product = columns["product"][rows]
            fields = zip(
                self.calendar.date_text(columns["day"][rows]),
                columns["number"][rows],
                client_fields[columns["client"][rows]],
                self.product_fields[product],
                quantity_bytes(columns["quantity"][rows], self.decimals[product]),
                money_bytes(columns["price"][rows]),
                money_bytes(columns["amount"][rows]),
                strict=True,
            )
            self.shipments.write(b"\r\n".join(map(b";".join, fields)) + b"\r\n")
        self.documents += plan.day.size
        self.returns += plan.returned.size
        self.rows += order.size

    def _payments_write(
        self, *, plan: OrderPlan, lines: Lines, names: list[str], tax_ids: list[str]
    ) -> None:
        days = self.calendar.days
        numbers = self.numbering[2].assign(days - plan.payment_day)
        document = plan.payment_document
        net = lines.total - lines.returned_total
        is_rest = np.isnan(plan.payment_share)
        share = np.where(is_rest, 1.0, plan.payment_share)
        amount = np.maximum(1, np.rint(net[document] * share).astype(np.int64))
        first_part = np.zeros(net.size, dtype=np.int64)
        first_part[document[~is_rest]] = amount[~is_rest]
        amount = np.where(is_rest, net[document] - first_part[document], amount)
        client = plan.client[document] - plan.start
        due = plan.day[document] - self.roster.payment_term[plan.client[document]]
        client_fields = np.array(
            [
                f"{csv_field(name, delimiter=';')};{tax_id}".encode(ENCODING_1C)
                for name, tax_id in zip(names, tax_ids, strict=True)
            ],
            dtype=object,
        )
        for begin in range(0, document.size, ROWS_PER_WRITE):
            rows = slice(begin, begin + ROWS_PER_WRITE)
            fields = zip(
                self.calendar.date_text(plan.payment_day[rows]),
                numbers[rows],
                client_fields[client[rows]],
                money_bytes(amount[rows]),
                self.calendar.date_text(due[rows]),
                strict=True,
            )
            self.payments_file.write(b"\r\n".join(map(b";".join, fields)) + b"\r\n")
        self.payments += document.size

    def _revenue_add(self, *, plan: OrderPlan, lines: Lines) -> None:
        recent = plan.day < YEAR
        self.revenue += np.bincount(
            plan.client[recent], lines.total[recent], minlength=self.revenue.size
        )
        returned_amount = np.bincount(
            lines.return_index, lines.return_amount, minlength=plan.returned.size
        )
        recent_returns = plan.return_day < YEAR
        self.revenue -= np.bincount(
            plan.client[plan.returned[recent_returns]],
            returned_amount[recent_returns],
            minlength=self.revenue.size,
        )

    def _clients_write(
        self, *, plan: OrderPlan, names: list[str], tax_ids: list[str], managers: list[str]
    ) -> None:
        roster = self.roster
        span = slice(plan.start, plan.stop)
        partner = roster.behaviour[span] == code_of(Behaviour.PARTNER)
        budget_share = roster.budget_share[span]
        # A budget in whole thousands of roubles, of which the client spends its share with us.
        budget = np.rint(self.revenue[span] / np.where(budget_share > 0, budget_share, 1) / 100_000)
        year = str(self.calendar.today.year)
        for index, (name, tax_id, manager) in enumerate(zip(names, tax_ids, managers, strict=True)):
            budgeting = bool(budget_share[index] > 0)
            client = plan.start + index
            self.clients_csv.writerow(
                (
                    name,
                    tax_id,
                    manager,
                    REGIONS[roster.region[client]].name,
                    SEGMENTS[roster.segment[client]],
                    "Да" if partner[index] else "Нет",
                    "Да" if budgeting else "Нет",
                    money_text(int(budget[index]) * 100_000) if budgeting else "",
                    year if budgeting else "",
                )
            )
            self.truth_csv.writerow((tax_id, name, BEHAVIOURS[roster.behaviour[client]].value))
