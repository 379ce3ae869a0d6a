"""The elements of a page, or of an htmx response, by their id: what a browser would find."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

HTML_WHITE_SPACE = re.compile(r"[ \t\n\f\r]+")

# Elements that never hold content, so they never close.
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, a space between the texts of its elements and white space collapsed,
        as a browser lays it out (a no-break space is not white space: it stays)."""
        return HTML_WHITE_SPACE.sub(" ", " ".join(self.parts)).strip(" ")


class _ByIdParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, Element] = {}
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag=tag, attrs=dict(attrs))
        if element.attrs.get("id"):
            self.found[str(element.attrs["id"])] = element
        if tag not in VOID_ELEMENTS:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.parts.append(data)


def elements_by_id(html: str) -> dict[str, Element]:
    parser = _ByIdParser()
    parser.feed(html)
    parser.close()
    return parser.found


def texts_by_id(html: str, prefix: str = "") -> dict[str, str]:
    """The text of every element whose id starts with ``prefix``."""
    return {
        element_id: element.text
        for element_id, element in elements_by_id(html).items()
        if element_id.startswith(prefix)
    }
