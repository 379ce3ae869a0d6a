"""Reading CommerceML 2 files safely, and turning them into the tables the import reads.

A file is refused before anything is written when it is in another encoding than UTF-8 or
windows-1251 or than the one it declares, has a DTD (so no entity is ever expanded, none is
fetched), nests deeper than ``MAX_DEPTH``, is cut off before its last element closes, or is of a
schema version this reader does not know. Each
refusal names the element it is about.

What the file holds becomes the rows of the import's own files (products, clients, customer
orders, shipments), each row remembering the element it came from, so that the import's
problems are told to 1C by element rather than by row of a file 1C never saw:
- import.xml: ``Каталог/Товары/Товар`` → products (Артикул, or Ид when it has none; the group's
  name from ``Классификатор/Группы``; the unit from ``БазоваяЕдиница``);
- offers.xml: ``ПакетПредложений/Предложения/Предложение`` → the products they offer, which the
  catalogue must hold (Upsell keeps no price list or stock);
- documents: ``Документ`` with ``ХозОперация`` «Заказ товара» → customer orders, «Отпуск
  товара» (a sale, Реализация) → shipments; each document's buyer (``Контрагенты/Контрагент``)
  with an ИНН → a client.
"""

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse

from django.utils.translation import gettext as _

from upsell.imports.models import ImportKind

ROOT = "КоммерческаяИнформация"
# The schema versions 1C writes that this reader knows the shape of.
VERSIONS = frozenset({"2.03", "2.04", "2.05", "2.06", "2.07", "2.08", "2.09", "2.10"})
# Deeper than any CommerceML file nests (groups within groups included).
MAX_DEPTH = 64
# The encodings 1C writes CommerceML in (Python's names).
ENCODINGS = frozenset({"utf-8", "cp1251"})
ORDER_OPERATION = "Заказ товара"
SALE_OPERATION = "Отпуск товара"
_DEFAULT_NAMESPACE = re.compile(rb"""(?<=\s)xmlns\s*=\s*["'][^"']*["']""")
# Where the root element's start tag is, in any file 1C writes.
_HEAD = 2048
_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class CommerceMLError(Exception):
    """The file cannot be taken; the message says why, naming the element."""


@dataclass
class Table:
    """The rows of one import file, in its columns, with the element each row came from."""

    kind: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    def add(self, place: str, *cells: str) -> None:
        self.rows.append(cells)
        self.places.append(place)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _encoding_check(data: bytes) -> str:
    """The encoding the file declares, once its bytes are known to be written in it."""
    if data.startswith(codecs.BOM_UTF8):
        declared = "utf-8"
    else:
        match = _DECLARATION.match(data[:200])
        declared = match.group(1).decode("ascii") if match else "utf-8"
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        codec = ""
    if codec not in ENCODINGS:
        raise CommerceMLError(
            _("the file declares the encoding {encoding}; an exchange file is in UTF-8 or "
              "windows-1251").format(encoding=declared)
        )  # fmt: skip
    if codec != "utf-8" and not data.isascii():
        # Windows-1251 reads nearly any bytes: a UTF-8 file declared so would be gibberish.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise CommerceMLError(
                _("the file declares the encoding {encoding} but is written in UTF-8").format(
                    encoding=declared
                )
            )
    try:
        data.decode(codec)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CommerceMLError(
            _(
                "the file declares the encoding {encoding} but is not written in it (line {line})"
            ).format(encoding=declared, line=line)
        ) from None
    return codec


def _broken(data: bytes, error: ParseError) -> str:
    """Where a file that is not well-formed breaks, with the elements open there."""
    line, column = error.position
    opened: list[str] = []
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end")):  # noqa: S314
            if event == "start":
                opened.append(_local(element.tag))
            else:
                opened.pop()
    except ParseError:
        pass
    if opened:
        return _(
            "the file is cut off or broken inside the element {element} "
            "(line {line}, column {column})"
        ).format(element="/".join(opened), line=line, column=column)
    return _("the file is not XML (line {line}, column {column})").format(line=line, column=column)


def _depth_check(root: Element) -> None:
    """CommerceMLError for nesting past MAX_DEPTH."""
    level = [root]
    for _depth in range(MAX_DEPTH):
        level = [child for element in level for child in element]
        if not level:
            return
    raise CommerceMLError(
        _("the element {element} nests deeper than {depth} levels").format(
            element=_local(level[0].tag), depth=MAX_DEPTH
        )
    )


def _default_namespace_dropped(data: bytes) -> bytes:
    """The file without the root's default namespace (``xmlns="urn:1C.ru:commerceml_2"``), so
    that its tags are read plain at no cost per element."""
    head = _DEFAULT_NAMESPACE.sub(b"", data[:_HEAD], count=1)
    return head + data[_HEAD:] if len(head) != len(data[:_HEAD]) else data


def _tags_plain(root: Element) -> None:
    """Every tag without its namespace (a file declaring its default one, as 1C's do)."""
    if root.tag.startswith("{"):
        for element in root.iter():
            element.tag = _local(element.tag)


def document_read(data: bytes) -> Element:
    """The root element of a CommerceML file, read safely, tags without their namespace."""
    _encoding_check(data)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        # Without a DTD no entity can be declared: none is expanded, none is fetched.
        raise CommerceMLError(
            _("the file declares a DTD or entities, which an exchange file never has")
        )
    try:
        # The C parser builds the tree of a large file many times faster than a parser that
        # calls Python for every element; the file has no DTD (checked above), and the
        # encodings taken are ASCII-compatible, so the check sees what the parser would.
        root = fromstring(_default_namespace_dropped(data))  # noqa: S314 - no DTD; see above
    except ParseError as error:
        raise CommerceMLError(_broken(data, error)) from None
    _depth_check(root)
    _tags_plain(root)
    if root.tag != ROOT:
        raise CommerceMLError(
            _("the file's root element is {element}, not {expected}").format(
                element=root.tag, expected=ROOT
            )
        )
    version = root.get("ВерсияСхемы", "")
    if version not in VERSIONS:
        raise CommerceMLError(
            _(
                '{root} ВерсияСхемы="{version}": this schema version is not known (known: {known})'
            ).format(root=ROOT, version=version, known=", ".join(sorted(VERSIONS)))
        )
    return root


def _text(element: Element, path: str) -> str:
    return (element.findtext(path) or "").strip()


def _product_code(product: Element) -> str:
    """A product's SKU: its Артикул, or 1C's Ид when the catalogue gives it none."""
    return _text(product, "Артикул") or _text(product, "Ид")


def _unit(product: Element) -> str:
    unit = product.find("БазоваяЕдиница")
    if unit is None:
        return ""
    return (unit.text or "").strip() or unit.get("НаименованиеКраткое", "").strip()


def _groups(root: Element) -> dict[str, str]:
    """Every group of the classifier, nested ones too: its Ид → its name."""
    return {
        _text(group, "Ид"): _text(group, "Наименование")
        for group in root.iterfind("Классификатор/Группы//Группа")
    }


def catalogue_tables(root: Element) -> list[Table]:
    """import.xml: the catalogue's products."""
    catalogues = root.findall("Каталог")
    if not catalogues:
        return []
    groups = _groups(root)
    products = Table(ImportKind.PRODUCTS, ("sku", "product", "group", "unit"))
    template = _("Товар {number} (Ид {id})")
    for catalogue in catalogues:
        for number, product in enumerate(catalogue.iterfind("Товары/Товар"), start=1):
            place = template.format(number=number, id=_text(product, "Ид"))
            group_id = _text(product, "Группы/Ид")
            if group_id and group_id not in groups:
                raise CommerceMLError(
                    _("{place}: Группы/Ид {id} is not a group of the Классификатор").format(
                        place=place, id=group_id
                    )
                )
            products.add(
                place,
                _product_code(product),
                _text(product, "Наименование"),
                groups.get(group_id, ""),
                _unit(product),
            )
    return [products]


def offers_codes(root: Element) -> list[tuple[str, str]]:
    """offers.xml: each offer's place and the SKU of the product it offers."""
    return [
        (
            _("Предложение {number} (Ид {id})").format(number=number, id=_text(offer, "Ид")),
            _product_code(offer),
        )
        for number, offer in enumerate(
            root.iterfind("ПакетПредложений/Предложения/Предложение"), start=1
        )
    ]


def _documents(root: Element) -> Iterator[tuple[str, Element]]:
    template = _("Документ {number} (Номер {document})")
    for number, document in enumerate(root.iterfind("Документ"), start=1):
        yield template.format(number=number, document=_text(document, "Номер")), document


def _buyer(place: str, document: Element) -> Element:
    counterparties = document.findall("Контрагенты/Контрагент")
    buyers = [c for c in counterparties if _text(c, "Роль") in ("", "Покупатель")]
    if len(buyers) != 1:
        raise CommerceMLError(
            _("{place}: Контрагенты must name one buyer (Роль «Покупатель»), not {count}").format(
                place=place, count=len(buyers)
            )
        )
    return buyers[0]


def _children(element: Element) -> dict[str, Element]:
    """An element's own elements by tag, the first of each."""
    return {child.tag: child for child in reversed(element)}


def _client_name(counterparty: Element) -> str:
    return _text(counterparty, "Наименование") or _text(counterparty, "ПолноеНаименование")


def _discount_percent(line: Element) -> str:
    return _text(line, "Скидки/Скидка/Процент")


def documents_tables(root: Element) -> list[Table]:
    """The documents' buyers (those with an ИНН), customer orders and shipments, in the order
    they are imported."""
    clients = Table(ImportKind.CLIENTS, ("client", "tax_id", "КПП"))
    orders = Table(
        ImportKind.ORDERS,
        ("request", "date", "client", "tax_id", "sku", "product", "quantity", "price",
         "discount_percent", "comment"),
    )  # fmt: skip
    shipments = Table(
        ImportKind.SHIPMENTS,
        ("document", "date", "client", "tax_id", "sku", "product", "quantity", "price", "amount"),
    )
    seen_clients: set[tuple[str, str, str]] = set()
    line_template = _("Товар {number}")
    for place, document in _documents(root):
        operation = _text(document, "ХозОперация")
        if operation not in (ORDER_OPERATION, SALE_OPERATION):
            raise CommerceMLError(
                _(
                    "{place}: ХозОперация «{operation}» is not taken; the exchange takes "
                    "«{order}» and «{sale}»"
                ).format(
                    place=place, operation=operation, order=ORDER_OPERATION, sale=SALE_OPERATION
                )
            )
        buyer = _buyer(place, document)
        name, tax_id = _client_name(buyer), _text(buyer, "ИНН")
        if tax_id:
            key = (name, tax_id, _text(buyer, "КПП"))
            if key not in seen_clients:
                seen_clients.add(key)
                clients.add(f"{place}/Контрагент", *key)
        goods = _children(document).get("Товары")
        lines = [] if goods is None else [line for line in goods if line.tag == "Товар"]
        if not lines:
            raise CommerceMLError(
                _("{place}: the document has no Товары/Товар").format(place=place)
            )
        number, date = _text(document, "Номер"), _text(document, "Дата")
        for line_number, line in enumerate(lines, start=1):
            line_place = f"{place}/" + line_template.format(number=line_number)
            # A line's own elements by tag, read once: the file's hundreds of thousands of
            # lines are where the time goes.
            texts = {child.tag: (child.text or "").strip() for child in reversed(line)}
            product = (texts.get("Артикул") or texts.get("Ид", ""), texts.get("Наименование", ""))
            quantity, price = texts.get("Количество", ""), texts.get("ЦенаЗаЕдиницу", "")
            if operation == ORDER_OPERATION:
                orders.add(
                    line_place, number, date, name, tax_id, *product, quantity, price,
                    _discount_percent(line), _text(document, "Комментарий"),
                )  # fmt: skip
            else:
                shipments.add(
                    line_place, number, date, name, tax_id, *product, quantity, price,
                    texts.get("Сумма", ""),
                )  # fmt: skip
    return [table for table in (clients, orders, shipments) if table.rows]
