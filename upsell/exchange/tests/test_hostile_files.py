"""Files 1C never sends, or sends broken: each a clear failure in 1C's log, nothing written."""

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from upsell.exchange.tests.samples import OneC, catalogue_xml, declared
from upsell.imports.models import ImportRun
from upsell.products.models import Product

Capture = Callable[..., AbstractContextManager[object]]

BILLION_LAUGHS = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<КоммерческаяИнформация ВерсияСхемы="2.08"><Каталог><Товары><Товар>
<Артикул>A-1</Артикул><Наименование>&lol3;</Наименование></Товар></Товары></Каталог>
</КоммерческаяИнформация>
""".encode()
EXTERNAL_ENTITY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<КоммерческаяИнформация ВерсияСхемы="2.08"><Каталог><Товары><Товар>
<Артикул>A-1</Артикул><Наименование>&secret;</Наименование></Товар></Товары></Каталог>
</КоммерческаяИнформация>
""".encode()
WHOLE = declared(catalogue_xml(), "utf-8")
CUT = WHOLE[: WHOLE.index("Гайка М8".encode())]


def answer(one_c: OneC, capture: Capture, data: bytes) -> tuple[int, str]:
    one_c.checkauth()
    one_c.get("catalog", "init")
    one_c.send("catalog", "import.xml", data)
    with capture(execute=True):
        one_c.get("catalog", "import", filename="import.xml")
    return one_c.get("catalog", "import", filename="import.xml")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(
            BILLION_LAUGHS,
            "import.xml: the file declares a DTD or entities, which an exchange file never has",
            id="billion-laughs",
        ),
        pytest.param(
            EXTERNAL_ENTITY,
            "import.xml: the file declares a DTD or entities, which an exchange file never has",
            id="external-entity",
        ),
        pytest.param(
            CUT,
            "import.xml: the file is cut off or broken inside the element "
            "КоммерческаяИнформация/Каталог/Товары/Товар/Наименование (line 38, column 22)",
            id="cut-in-the-middle",
        ),
        pytest.param(
            WHOLE.replace(b'encoding="UTF-8"', b'encoding="windows-1251"'),
            "import.xml: the file declares the encoding windows-1251 but is written in UTF-8",
            id="utf-8-declared-windows-1251",
        ),
        pytest.param(
            declared(catalogue_xml(), "cp1251").replace(b"windows-1251", b"UTF-8"),
            "import.xml: the file declares the encoding UTF-8 but is not written in it (line 2)",
            id="windows-1251-declared-utf-8",
        ),
        pytest.param(
            catalogue_xml()
            .join(('<?xml version="1.0" encoding="koi8-r"?>\n', ""))
            .encode("koi8-r"),
            "import.xml: the file declares the encoding koi8-r; an exchange file is in UTF-8 "
            "or windows-1251",
            id="another-encoding",
        ),
        pytest.param(
            declared(catalogue_xml(version="3.1"), "utf-8"),
            'import.xml: КоммерческаяИнформация ВерсияСхемы="3.1": this schema version is not '
            "known (known: 2.03, 2.04, 2.05, 2.06, 2.07, 2.08, 2.09, 2.10)",
            id="unknown-version",
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="UTF-8"?><Order><Id>1</Id></Order>',
            "import.xml: the file's root element is Order, not КоммерческаяИнформация",
            id="not-commerceml",
        ),
    ],
)
def test_a_hostile_or_broken_file_fails_and_writes_nothing(
    one_c: OneC, django_capture_on_commit_callbacks: Capture, data: bytes, reason: str
) -> None:
    assert answer(one_c, django_capture_on_commit_callbacks, data) == (200, f"failure\n{reason}")
    assert Product.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_nesting_past_the_limit_fails(
    one_c: OneC, django_capture_on_commit_callbacks: Capture
) -> None:
    deep = (
        '<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.08">'
        + "<Группа>" * 70
        + "</Группа>" * 70
        + "</КоммерческаяИнформация>"
    ).encode()
    assert answer(one_c, django_capture_on_commit_callbacks, deep) == (
        200,
        "failure\nimport.xml: the element Группа nests deeper than 64 levels",
    )


def test_nesting_past_the_limit_after_a_thousand_shallow_elements_fails(
    one_c: OneC, django_capture_on_commit_callbacks: Capture
) -> None:
    # A large file's tree is checked a part at a time: the part holding the deep element fails.
    deep = (
        '<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.08">'
        + "<Каталог><Ид>1</Ид></Каталог>" * 1500
        + "<Классификатор>"
        + "<Группа>" * 70
        + "</Группа>" * 70
        + "</Классификатор></КоммерческаяИнформация>"
    ).encode()
    assert answer(one_c, django_capture_on_commit_callbacks, deep) == (
        200,
        "failure\nimport.xml: the element Группа nests deeper than 64 levels",
    )
    assert Product.objects.count() == 0
