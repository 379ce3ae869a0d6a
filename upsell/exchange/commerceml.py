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
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate, chain, compress, repeat
from operator import itemgetter, methodcaller
from xml.etree.ElementTree import Element, ParseError, XMLParser, iterparse

import polars as pl
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
# The columns of the import's files the documents become (as docs/import.md names them).
CLIENT_HEADERS = ("client", "tax_id", "КПП")
ORDER_HEADERS = (
    "request", "date", "client", "tax_id", "sku", "product", "quantity", "price",
    "discount_percent", "comment",
)  # fmt: skip
SHIPMENT_HEADERS = (
    "document", "date", "client", "tax_id", "sku", "product", "quantity", "price", "amount",
)  # fmt: skip
_DEFAULT_NAMESPACE = re.compile(rb"""(?<=\s)xmlns\s*=\s*["'][^"']*["']""")
# Where the root element's start tag is, in any file 1C writes.
_HEAD = 2048
_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# An element's children as a list, taken in C.
_CHILDREN = itemgetter(slice(None))
# A large file's tree is far larger than the processor's cache: it is walked this many of the
# root's children at a time, every column of a batch taken while its elements are still cached,
# rather than in one sweep of the whole tree per column (about twice as fast).
_BATCH = 1024
# The file is handed to the parser in pieces this long, without being copied whole.
_PIECE = 1 << 16


class CommerceMLError(Exception):
    """The file cannot be taken; the message says why, naming the element."""


@dataclass(frozen=True)
class Table:
    """The rows of one import file, with the element each row came from."""

    kind: str
    # A text column per header of the import's file, "" for an empty cell; a row per element.
    frame: pl.DataFrame
    # The element a row (counted from 0) came from; told only for the rows a problem names, so
    # a file's hundreds of thousands of places are never all written out.
    place_of: Callable[[int], str]

    @classmethod
    def of_rows(
        cls, kind: str, headers: tuple[str, ...], rows: list[tuple[str, ...]], places: list[str]
    ) -> "Table":
        frame = pl.DataFrame(rows, schema=_text_columns(headers), orient="row")
        return cls(kind, frame, places.__getitem__)

    def place(self, index: int) -> str:
        """The element the row ``index`` (counted from 0) came from, "" past the last row."""
        return self.place_of(index) if 0 <= index < self.frame.height else ""


def _text_columns(headers: tuple[str, ...]) -> dict[str, pl.DataType]:
    return dict.fromkeys(headers, pl.String())


# Columns of text by name.
Columns = dict[str, list[str]]


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _encoding_check(data: bytes) -> tuple[str, str]:
    """The encoding the file declares (its name as written, and Python's), when it is one an
    exchange file is in and the file is not plainly in another (see ``_written_in``)."""
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
    return declared, codec


def _written_in(data: bytes, declared: str, codec: str) -> None:
    """CommerceMLError naming the line of the first bytes that are not text in ``codec``.

    The parser refuses such bytes too (it decodes with the same codec, and takes a byte it
    cannot decode for a broken file), so this runs only once it has, to say why in 1C's words.
    """
    try:
        data.decode(codec)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CommerceMLError(
            _(
                "the file declares the encoding {encoding} but is not written in it (line {line})"
            ).format(encoding=declared, line=line)
        ) from None


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
    """CommerceMLError for nesting past MAX_DEPTH, naming the first element in the file's order
    that is too deep."""
    children = _CHILDREN(root)
    for start in range(0, len(children), _BATCH):
        level = children[start : start + _BATCH]
        for _depth in range(1, MAX_DEPTH):
            # Each level's children gathered in C: most elements are leaves, which ``len``
            # passes.
            level = list(chain.from_iterable(map(_CHILDREN, filter(len, level))))
            if not level:
                break
        else:
            raise CommerceMLError(
                _("the element {element} nests deeper than {depth} levels").format(
                    element=_local(level[0].tag), depth=MAX_DEPTH
                )
            )


def _tree(data: bytes) -> Element:
    """The file's tree, read without the root's default namespace (``xmlns="urn:1C.ru:
    commerceml_2"``) so that its tags are read plain at no cost per element."""
    # The C parser builds the tree of a large file many times faster than a parser that calls
    # Python for every element; the file has no DTD (checked before), and the encodings taken
    # are ASCII-compatible, so that check sees what the parser reads.
    parser = XMLParser()  # noqa: S314 - no DTD; see above
    parser.feed(_DEFAULT_NAMESPACE.sub(b"", data[:_HEAD], count=1))
    view = memoryview(data)
    for start in range(_HEAD, len(data), _PIECE):
        parser.feed(view[start : start + _PIECE])
    return parser.close()


def _tags_plain(root: Element) -> None:
    """Every tag without its namespace (a file declaring its default one, as 1C's do)."""
    if root.tag.startswith("{"):
        for element in root.iter():
            element.tag = _local(element.tag)


def document_read(data: bytes) -> Element:
    """The root element of a CommerceML file, read safely, tags without their namespace."""
    declared, codec = _encoding_check(data)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        # Without a DTD no entity can be declared: none is expanded, none is fetched.
        _written_in(data, declared, codec)
        raise CommerceMLError(
            _("the file declares a DTD or entities, which an exchange file never has")
        )
    try:
        root = _tree(data)
    except ParseError as error:
        _written_in(data, declared, codec)
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
    rows: list[tuple[str, ...]] = []
    places: list[str] = []
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
            rows.append(
                (
                    _product_code(product),
                    _text(product, "Наименование"),
                    groups.get(group_id, ""),
                    _unit(product),
                )
            )
            places.append(place)
    return [Table.of_rows(ImportKind.PRODUCTS, ("sku", "product", "group", "unit"), rows, places)]


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


def _texts(elements: list[Element], tag: str) -> list[str]:
    """The text of each element's first child ``tag``, stripped ("" without one): a column of a
    table taken in C, not element by element in Python, for a file's hundreds of thousands."""
    return list(map(str.strip, map(methodcaller("findtext", tag, ""), elements)))


def _repeated[T](values: Iterable[T], counts: list[int]) -> list[T]:
    """Each value as many times as its count says, in order."""
    return list(chain.from_iterable(map(repeat, values, counts)))


def _buyers(document: Element) -> list[Element]:
    return [
        counterparty
        for counterparties in document.findall("Контрагенты")
        for counterparty in counterparties
        if counterparty.tag == "Контрагент" and _text(counterparty, "Роль") in ("", "Покупатель")
    ]


def _lines(document: Element) -> list[Element]:
    goods = document.find("Товары")
    return [] if goods is None else goods.findall("Товар")


def _documents_place(numbers: list[str]) -> Callable[[int], str]:
    """The place of a document, by its index (from 0) in the file's order."""
    template = _("Документ {number} (Номер {document})")
    return lambda index: template.format(number=index + 1, document=numbers[index])


def _documents_checked(
    documents: list[Element], operations: list[str], place_of: Callable[[int], str], first: int
) -> tuple[list[Element], list[list[Element]]]:
    """Each document's buyer and lines; CommerceMLError for the first document, in the file's
    order, of an operation the exchange does not take, without one buyer, or without lines.
    ``first`` is the index in the file of the first of ``documents``."""
    buyers, lines = [], []
    for index, (operation, document) in enumerate(zip(operations, documents, strict=True), first):
        if operation not in (ORDER_OPERATION, SALE_OPERATION):
            raise CommerceMLError(
                _(
                    "{place}: ХозОперация «{operation}» is not taken; the exchange takes "
                    "«{order}» and «{sale}»"
                ).format(
                    place=place_of(index),
                    operation=operation,
                    order=ORDER_OPERATION,
                    sale=SALE_OPERATION,
                )
            )
        found = _buyers(document)
        if len(found) != 1:
            raise CommerceMLError(
                _(
                    "{place}: Контрагенты must name one buyer (Роль «Покупатель»), not {count}"
                ).format(place=place_of(index), count=len(found))
            )
        goods = _lines(document)
        if not goods:
            raise CommerceMLError(
                _("{place}: the document has no Товары/Товар").format(place=place_of(index))
            )
        buyers.append(found[0])
        lines.append(goods)
    return buyers, lines


class _Rows:
    """The rows of one operation's table, gathered a batch of documents at a time: each
    document's index in the file, its own cells (those its lines repeat) and count of lines,
    and the cells of each line."""

    def __init__(self) -> None:
        self.indices: list[int] = []
        self.counts: list[int] = []
        self.own: Columns = {}
        self.of_lines: Columns = {}

    def extend(
        self, indices: Iterable[int], lines: list[list[Element]], own: Columns, of_lines: Columns
    ) -> None:
        self.indices.extend(indices)
        self.counts.extend(map(len, lines))
        for gathered, batch in ((self.own, own), (self.of_lines, of_lines)):
            for name, column in batch.items():
                gathered.setdefault(name, []).extend(column)

    def table(self, kind: str, headers: tuple[str, ...], place_of: Callable[[int], str]) -> Table:
        """A row per line, in ``headers``' order: its document's own cells, repeated on each of
        its lines, and its own; a row's place is its document's (``place_of`` its index in the
        file) and its number among the document's lines."""
        counts = self.counts
        owner = pl.Series(_repeated(range(len(counts)), counts), dtype=pl.UInt32)
        frame = pl.concat(
            [
                pl.DataFrame(self.own, schema=_text_columns(tuple(self.own))).select(
                    pl.all().gather(owner)
                ),
                pl.DataFrame(self.of_lines, schema=_text_columns(tuple(self.of_lines))),
            ],
            how="horizontal",
        ).select(headers)
        ends = list(accumulate(counts))
        indices = self.indices
        template = _("Товар {number}")

        def place(row: int) -> str:
            document = bisect_right(ends, row)
            number = row - ends[document] + counts[document] + 1
            return f"{place_of(indices[document])}/{template.format(number=number)}"

        return Table(kind, frame, place)


def _line_cells(lines: list[Element]) -> Columns:
    """The cells every line has: SKU (its Артикул, or 1C's Ид), product, quantity, price."""
    articles = _texts(lines, "Артикул")
    return {
        # Nearly every line has its Артикул: 1C's Ид is looked up only for those without.
        "sku": [
            article or _text(line, "Ид") for article, line in zip(articles, lines, strict=True)
        ],
        "product": _texts(lines, "Наименование"),
        "quantity": _texts(lines, "Количество"),
        "price": _texts(lines, "ЦенаЗаЕдиницу"),
    }


def _order_cells(documents: list[Element], lines: list[Element]) -> tuple[Columns, Columns]:
    """An order's own cells besides those of every document, and its lines' cells."""
    # Few lines have a discount: only those with Скидки are looked into.
    discounts = [
        "" if discounts is None else _text(line, "Скидки/Скидка/Процент")
        for line, discounts in zip(lines, map(methodcaller("find", "Скидки"), lines), strict=True)
    ]
    own = {"comment": _texts(documents, "Комментарий")}
    return own, {**_line_cells(lines), "discount_percent": discounts}


def _shipment_cells(_documents: list[Element], lines: list[Element]) -> tuple[Columns, Columns]:
    """A shipment's lines' cells (it has no own cells besides those of every document)."""
    return {}, {**_line_cells(lines), "amount": _texts(lines, "Сумма")}


@dataclass(frozen=True)
class _Operation:
    """An operation the exchange takes: the import file its documents become, the column their
    Номер goes to, and how the rest of their cells are taken."""

    name: str
    kind: str
    headers: tuple[str, ...]
    number: str
    cells: Callable[[list[Element], list[Element]], tuple[Columns, Columns]]


_OPERATIONS = (
    _Operation(ORDER_OPERATION, ImportKind.ORDERS, ORDER_HEADERS, "request", _order_cells),
    _Operation(SALE_OPERATION, ImportKind.SHIPMENTS, SHIPMENT_HEADERS, "document", _shipment_cells),
)


def documents_tables(root: Element) -> list[Table]:
    """The documents' buyers (those with an ИНН), customer orders and shipments, in the order
    they are imported.

    The file's hundreds of thousands of elements are where the time goes: the documents are
    taken in batches (see ``_BATCH``), each column of a batch for all its elements at once (see
    ``_texts``), the documents checked one by one in the file's order so the first problem is
    the one told, and the place of a row written out only for the rows a problem names."""
    elements = root.findall("Документ")
    numbers: list[str] = []
    place_of = _documents_place(numbers)
    clients: list[str] = []
    tax_ids: list[str] = []
    kpps: list[str] = []
    rows = {operation.name: _Rows() for operation in _OPERATIONS}
    for first in range(0, len(elements), _BATCH):
        batch = elements[first : first + _BATCH]
        numbers.extend(_texts(batch, "Номер"))
        operations = _texts(batch, "ХозОперация")
        buyers, lines = _documents_checked(batch, operations, place_of, first)
        batch_clients = [
            # Nearly every buyer has its short name: the full one is looked up only without.
            name or _text(buyer, "ПолноеНаименование")
            for name, buyer in zip(_texts(buyers, "Наименование"), buyers, strict=True)
        ]
        batch_tax_ids = _texts(buyers, "ИНН")
        clients.extend(batch_clients)
        tax_ids.extend(batch_tax_ids)
        kpps.extend(_texts(buyers, "КПП"))
        own = {
            "number": numbers[first:],
            "date": _texts(batch, "Дата"),
            "client": batch_clients,
            "tax_id": batch_tax_ids,
        }
        for operation in _OPERATIONS:
            if operation.name not in operations:
                continue
            chosen = [each == operation.name for each in operations]
            documents = list(compress(batch, chosen))
            document_lines = list(compress(lines, chosen))
            own_more, of_lines = operation.cells(
                documents, list(chain.from_iterable(document_lines))
            )
            chosen_own = {
                (operation.number if name == "number" else name): list(compress(column, chosen))
                for name, column in own.items()
            }
            rows[operation.name].extend(
                compress(range(first, first + len(batch)), chosen),
                document_lines,
                {**chosen_own, **own_more},
                of_lines,
            )
    tables = _clients_tables(place_of, clients, tax_ids, kpps)
    for operation in _OPERATIONS:
        if rows[operation.name].indices:
            tables.append(rows[operation.name].table(operation.kind, operation.headers, place_of))
    return tables


def _clients_tables(
    place_of: Callable[[int], str], clients: list[str], tax_ids: list[str], kpps: list[str]
) -> list[Table]:
    """The buyers with an ИНН, each once, at the first document naming it."""
    first: dict[tuple[str, ...], int] = {}
    for index, client in enumerate(zip(clients, tax_ids, kpps, strict=True)):
        if client[1] and client not in first:
            first[client] = index
    if not first:
        return []
    frame = pl.DataFrame(list(first), schema=_text_columns(CLIENT_HEADERS), orient="row")
    documents = list(first.values())
    return [Table(ImportKind.CLIENTS, frame, lambda row: f"{place_of(documents[row])}/Контрагент")]
