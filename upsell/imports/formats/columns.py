"""The columns of each kind of file, and telling the kind of a file from its header row.

Headers are recognised in Russian or English, whatever the case, with surrounding spaces
ignored and ``ё`` read as ``е``. Columns no kind knows are ignored, so a 1C export with a
few extra columns (warehouse, VAT, …) imports as it is.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from upsell.imports.formats.sheets import header_normalise as header_normalise
from upsell.imports.models import ImportKind
from upsell.imports.problems import FileRejected, Problem


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    russian: str
    english: str
    required: bool = False

    @property
    def names(self) -> frozenset[str]:
        return frozenset({header_normalise(self.russian), header_normalise(self.english)})

    def label(self) -> str:
        mark = "*" if self.required else ""
        return f"{self.russian}/{self.english}{mark}"


KIND_COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    ImportKind.STAFF: (
        ColumnSpec("full_name", "ФИО", "full_name", required=True),
        ColumnSpec("username", "Логин", "username"),
        ColumnSpec("role", "Роль", "role", required=True),
        ColumnSpec("supervisor", "Руководитель", "manager"),
        ColumnSpec("email", "E-mail", "email"),
    ),
    ImportKind.PRODUCTS: (
        ColumnSpec("sku", "Артикул", "sku", required=True),
        ColumnSpec("name", "Номенклатура", "product", required=True),
        ColumnSpec("group", "Группа", "group"),
        ColumnSpec("unit", "Единица", "unit"),
    ),
    ImportKind.CLIENTS: (
        ColumnSpec("client", "Контрагент", "client", required=True),
        ColumnSpec("tax_id", "ИНН", "tax_id"),
        ColumnSpec("kpp", "КПП", "kpp"),
        ColumnSpec("manager", "Менеджер", "manager"),
        ColumnSpec("region", "Регион", "region"),
        ColumnSpec("segment", "Сегмент", "segment"),
        ColumnSpec("partner", "Партнёр", "partner"),
        ColumnSpec("plans_budget", "Бюджетирование", "plans_budget"),
        ColumnSpec("annual_budget", "Годовой бюджет", "annual_budget"),
        ColumnSpec("budget_year", "Год бюджета", "budget_year"),
    ),
    ImportKind.SHIPMENTS: (
        ColumnSpec("date", "Дата", "date", required=True),
        ColumnSpec("number", "Номер", "document", required=True),
        ColumnSpec("client", "Контрагент", "client", required=True),
        ColumnSpec("tax_id", "ИНН", "tax_id"),
        ColumnSpec("manager", "Менеджер", "manager"),
        ColumnSpec("sku", "Артикул", "sku", required=True),
        ColumnSpec("product", "Номенклатура", "product"),
        ColumnSpec("quantity", "Количество", "quantity", required=True),
        ColumnSpec("price", "Цена", "price"),
        ColumnSpec("amount", "Сумма", "amount", required=True),
    ),
    ImportKind.PAYMENTS: (
        ColumnSpec("date", "Дата", "date", required=True),
        ColumnSpec("number", "Номер", "document"),
        ColumnSpec("client", "Контрагент", "client", required=True),
        ColumnSpec("tax_id", "ИНН", "tax_id"),
        ColumnSpec("amount", "Сумма", "amount", required=True),
        ColumnSpec("due_date", "Срок оплаты", "due_date"),
    ),
    # One row per line of a customer's order; the rows of one order make one request. The
    # client is named by Контрагент or ИНН, at least one of them.
    ImportKind.ORDERS: (
        ColumnSpec("number", "Номер заявки", "request", required=True),
        ColumnSpec("date", "Дата", "date", required=True),
        ColumnSpec("client", "Контрагент", "client"),
        ColumnSpec("tax_id", "ИНН", "tax_id"),
        ColumnSpec("sku", "Артикул", "sku", required=True),
        ColumnSpec("product", "Номенклатура", "product"),
        ColumnSpec("quantity", "Количество", "quantity", required=True),
        ColumnSpec("price", "Цена", "price", required=True),
        ColumnSpec("discount_percent", "Скидка, %", "discount_percent"),
        ColumnSpec("payment_delay_days", "Отсрочка, дней", "payment_delay_days"),
        ColumnSpec("comment", "Комментарий", "comment"),
    ),
    # A credit-line member's own terms; the client is named by Контрагент or ИНН, at least one
    # of them, and at least one of the terms is given.
    ImportKind.CREDIT_LIMITS: (
        ColumnSpec("client", "Контрагент", "client"),
        ColumnSpec("tax_id", "ИНН", "tax_id"),
        ColumnSpec("program", "Программа", "program", required=True),
        ColumnSpec("credit_limit", "Лимит кредита", "credit_limit"),
        ColumnSpec("payment_delay_days", "Отсрочка платежа (дней)", "payment_delay_days"),
    ),
    # Who is in a sales program and who is its control group; the client is named by
    # Контрагент or ИНН, at least one of them.
    ImportKind.MEMBERSHIPS: (
        ColumnSpec("program", "Программа", "program", required=True),
        ColumnSpec("tax_id", "ИНН", "tax_id"),
        ColumnSpec("client", "Контрагент", "client"),
        ColumnSpec("group", "Группа", "group"),
        ColumnSpec("joined_on", "Дата вступления", "joined"),
        ColumnSpec("sku", "Артикул", "sku"),
        ColumnSpec("monthly_quantity", "Количество в месяц", "monthly_quantity"),
    ),
    # One row per client and month of its purchase budget. The client is named by Контрагент or
    # ИНН, at least one of them.
    ImportKind.CLIENT_BUDGETS: (
        ColumnSpec("client", "Контрагент", "client"),
        ColumnSpec("tax_id", "ИНН", "tax_id"),
        ColumnSpec("month", "Месяц", "month", required=True),
        ColumnSpec("amount", "Бюджет", "budget", required=True),
    ),
    # 1C's contact information of the partners: one row per person, the client named by
    # Контрагент (or Партнер) or ИНН, at least one of them.
    ImportKind.CONTACTS: (
        ColumnSpec("client", "Контрагент", "client"),
        ColumnSpec("tax_id", "ИНН", "tax_id"),
        ColumnSpec("name", "Контактное лицо", "contact", required=True),
        ColumnSpec("position", "Должность", "position"),
        ColumnSpec("phones", "Телефон", "phone"),
        ColumnSpec("email", "Электронная почта", "email"),
        ColumnSpec("messenger", "Мессенджер", "messenger"),
        ColumnSpec("decision", "Роль", "decision"),
        ColumnSpec("note", "Комментарий", "note"),
        ColumnSpec("external_id", "Код", "code"),
    ),
}

# "e-mail" and "email" are both written in the wild.
_EXTRA_NAMES = {
    ("staff", "email"): frozenset({"email", "e-mail", "e mail"}),
    ("orders", "number"): frozenset(
        {"номер заказа", "заказ покупателя", "order", "order number", "request number"}
    ),
    ("orders", "discount_percent"): frozenset({"скидка", "скидка %", "discount", "discount, %"}),
    ("orders", "payment_delay_days"): frozenset(
        {"отсрочка", "отсрочка платежа", "отсрочка, дн.", "payment delay", "payment delay, days"}
    ),
    ("orders", "comment"): frozenset({"комментарий", "примечание", "comment", "note"}),
    # 1C keeps a contract's credit terms as "the admissible debt" and "its admissible days".
    ("credit_limits", "credit_limit"): frozenset(
        {"допустимая сумма задолженности", "кредитный лимит", "лимит", "credit limit"}
    ),
    ("credit_limits", "payment_delay_days"): frozenset(
        {
            "допустимое число дней задолженности",
            "отсрочка платежа",
            "отсрочка платежа, дней",
            "отсрочка, дней",
            "payment delay",
            "payment delay, days",
        }
    ),
    ("credit_limits", "program"): frozenset({"программа продаж", "sales program"}),
    ("client_budgets", "month"): frozenset({"месяц", "период", "month", "period"}),
    ("client_budgets", "amount"): frozenset({"бюджет", "сумма", "budget", "amount"}),
    ("contacts", "client"): frozenset({"контрагент", "партнер", "client", "partner"}),
    ("contacts", "name"): frozenset(
        {
            "контактное лицо",
            "контактное лицо (фио)",
            "фио контактного лица",
            "contact",
            "contact person",
        }
    ),
    ("contacts", "phones"): frozenset({"телефон", "телефоны", "phone", "phones"}),
    ("contacts", "email"): frozenset(
        {"электронная почта", "email", "e-mail", "адрес электронной почты"}
    ),
    ("contacts", "decision"): frozenset(
        {"роль", "роль контактного лица", "роль в решении", "decision", "role"}
    ),
    ("contacts", "note"): frozenset({"комментарий", "примечание", "note", "comment"}),
    ("contacts", "external_id"): frozenset(
        {"код", "код контактного лица", "code", "contact code", "external_id"}
    ),
}


def _names(kind: str, spec: ColumnSpec) -> frozenset[str]:
    return spec.names | _EXTRA_NAMES.get((kind, spec.field), frozenset())


KNOWN_HEADERS: frozenset[str] = frozenset(
    name for kind, specs in KIND_COLUMNS.items() for spec in specs for name in _names(kind, spec)
)


@dataclass(frozen=True)
class ColumnMap:
    """Where each known column of one kind sits in a file, and how the file spells it."""

    kind: str
    positions: dict[str, int]
    headers: dict[str, str]

    def has(self, field: str) -> bool:
        return field in self.positions

    def header(self, field: str) -> str:
        return self.headers[field]

    def position(self, field: str) -> int:
        return self.positions[field]


def headers_shape(headers: tuple[str, ...]) -> str:
    """What files of the same shape share: their set of headers, normalised (a digest of it)."""
    names = sorted({header_normalise(header) for header in headers if header.strip()})
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def mapping_problems(*, kind: str, headers: tuple[str, ...], fields: dict[str, str]) -> list[str]:
    """Why ``fields`` (a file's header → a field of ``kind``) cannot read files of ``headers``;
    empty when it can."""
    specs = {spec.field: spec for spec in KIND_COLUMNS[kind]}
    names = {header_normalise(header): header for header in headers if header.strip()}
    problems = []
    taken: dict[str, str] = {}
    for header, field in fields.items():
        if header_normalise(header) not in names:
            problems.append(_("the file has no column «{header}»").format(header=header))
        elif field not in specs:
            problems.append(
                _("«{header}»: a file of this kind has no field «{field}»").format(
                    header=header, field=field
                )
            )
        elif field in taken:
            problems.append(
                _("«{header}» and «{other}» are both {field}: a field is one column").format(
                    header=header, other=taken[field], field=specs[field].label()
                )
            )
        else:
            taken[field] = header
    problems.extend(
        _("no column is {field}, which the file needs").format(field=spec.label())
        for spec in specs.values()
        if spec.required and spec.field not in taken
    )
    return problems


def _fields_by_position(
    kind: str, headers: tuple[str, ...], mapping: dict[str, str] | None = None
) -> dict[int, ColumnSpec]:
    if mapping is not None:
        specs = {spec.field: spec for spec in KIND_COLUMNS[kind]}
        return {
            position: specs[mapping[header_normalise(header)]]
            for position, header in enumerate(headers)
            if mapping.get(header_normalise(header)) in specs
        }
    lookup = {name: spec for spec in KIND_COLUMNS[kind] for name in _names(kind, spec)}
    found = {}
    for position, header in enumerate(headers):
        spec = lookup.get(header_normalise(header))
        if spec is not None:
            found[position] = spec
    return found


def _kinds_described() -> str:
    return "; ".join(
        f"{kind}: {', '.join(spec.label() for spec in specs)}"
        for kind, specs in KIND_COLUMNS.items()
    )


def kind_detect(headers: tuple[str, ...]) -> str:
    """The one kind these headers describe.

    The kind recognising the most of the file's columns wins, so a shipments file that lacks
    a quantity is still a shipments file (with an error), never a payments file; on a tie a
    kind with all its required columns beats one without. Still tied: the person chooses.
    """
    scored = []
    for kind in KIND_COLUMNS:
        found = _fields_by_position(kind, headers)
        fields = {spec.field for spec in found.values()}
        complete = all(spec.field in fields for spec in KIND_COLUMNS[kind] if spec.required)
        scored.append((len(fields), complete, kind))
    scored.sort(reverse=True)
    best_count, best_complete, best_kind = scored[0]
    if best_count == 0:
        raise FileRejected.whole_file(
            _(
                "none of its columns ({headers}) is a column the import knows; "
                "the columns of each kind (* required) are — {kinds}"
            ).format(headers=", ".join(h for h in headers if h) or "—", kinds=_kinds_described())
        )
    tied = [
        kind for count, complete, kind in scored if (count, complete) == (best_count, best_complete)
    ]
    if len(tied) > 1:
        raise FileRejected.whole_file(
            _(
                "its columns fit several kinds of file ({kinds}): choose the kind; "
                "the columns of each kind (* required) are — {described}"
            ).format(kinds=", ".join(sorted(tied)), described=_kinds_described())
        )
    return best_kind


def columns_map(
    *,
    headers: tuple[str, ...],
    kind: str = "",
    header_row: int = 1,
    mapping: dict[str, str] | None = None,
) -> ColumnMap:
    """Map the header row to the fields of ``kind`` (detected when not given), by the names the
    import knows or by ``mapping`` (a normalised header → a field of ``kind``) when given.

    Raises FileRejected naming every missing required column and every repeated one, at the
    header's row ``header_row``.
    """
    kind = kind or kind_detect(headers)
    found = _fields_by_position(kind, headers, mapping)
    problems = []
    positions: dict[str, int] = {}
    for position, spec in sorted(found.items()):
        if spec.field in positions:
            problems.append(
                Problem(
                    row=header_row,
                    column=headers[position],
                    message=_("the column is repeated (first as column {number})").format(
                        number=positions[spec.field] + 1
                    ),
                )
            )
            continue
        positions[spec.field] = position
    english = sum(
        header_normalise(headers[p]) == header_normalise(found[p].english)
        for p in positions.values()
    )
    in_english = english * 2 > len(positions)
    for spec in KIND_COLUMNS[kind]:
        if spec.required and spec.field not in positions:
            problems.append(
                Problem(
                    row=header_row,
                    column=spec.english if in_english else spec.russian,
                    message=_("required column is missing"),
                )
            )
    if problems:
        raise FileRejected(problems)
    return ColumnMap(
        kind=kind,
        positions=positions,
        headers={field: headers[position] for field, position in positions.items()},
    )
