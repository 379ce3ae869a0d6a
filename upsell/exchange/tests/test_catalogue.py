"""The catalogue exchange: checkauth, init, file, import, as 1C calls them."""

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from upsell.exchange.models import ExchangeSession
from upsell.exchange.tests.samples import OneC, catalogue_xml, declared, offers_xml, zipped
from upsell.products.models import Product

Capture = Callable[..., AbstractContextManager[object]]
EXPECTED = [
    ("A-1", "Болт М8", "Болты", "шт"),
    ("B-2", "Гайка М8", "Крепёж", "шт"),
    ("b2000000-0000-0000-0000-000000000003", "Шайба плоская", "", "кг"),
]


def products() -> list[tuple[str, str, str, str]]:
    return list(Product.objects.order_by("sku").values_list("sku", "name", "group", "unit"))


def imported(one_c: OneC, capture: Capture, filename: str) -> list[tuple[int, str]]:
    """1C asks to import until the answer is no longer ``progress``."""
    with capture(execute=True):
        first = one_c.get("catalog", "import", filename=filename)
    return [first, one_c.get("catalog", "import", filename=filename)]


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8"])
def test_a_catalogue_becomes_products(
    one_c: OneC, django_capture_on_commit_callbacks: Capture, encoding: str
) -> None:
    assert one_c.checkauth()[:2] == ["200", "success"]
    assert one_c.checkauth()[2] == "upsell_exchange"
    assert one_c.get("catalog", "init") == (200, "zip=yes\nfile_limit=52428800")
    assert one_c.send("catalog", "import.xml", declared(catalogue_xml(), encoding)) == (
        200,
        "success",
    )
    assert one_c.send("catalog", "offers.xml", declared(offers_xml(), encoding)) == (
        200,
        "success",
    )

    assert imported(one_c, django_capture_on_commit_callbacks, "import.xml") == [
        (200, "progress\nimport.xml: importing"),
        (200, "success"),
    ]
    assert imported(one_c, django_capture_on_commit_callbacks, "offers.xml")[-1] == (
        200,
        "success",
    )
    assert products() == EXPECTED


def test_the_same_catalogue_twice_changes_nothing(
    one_c: OneC, django_capture_on_commit_callbacks: Capture
) -> None:
    for _ in range(2):
        one_c.checkauth()
        one_c.get("catalog", "init")
        one_c.send("catalog", "import.xml", declared(catalogue_xml(), "utf-8"))
        assert imported(one_c, django_capture_on_commit_callbacks, "import.xml")[-1] == (
            200,
            "success",
        )
        assert products() == EXPECTED


def test_a_zipped_catalogue_sent_in_parts(
    one_c: OneC, django_capture_on_commit_callbacks: Capture
) -> None:
    archive = zipped(
        {
            "import.xml": declared(catalogue_xml(), "cp1251"),
            "offers.xml": declared(offers_xml(), "cp1251"),
        }
    )
    one_c.checkauth()
    one_c.get("catalog", "init")
    half = len(archive) // 2
    assert one_c.send("catalog", "import.zip", archive[:half]) == (200, "success")
    assert one_c.send("catalog", "import.zip", archive[half:]) == (200, "success")
    assert imported(one_c, django_capture_on_commit_callbacks, "import.xml")[-1] == (
        200,
        "success",
    )
    assert imported(one_c, django_capture_on_commit_callbacks, "offers.xml")[-1] == (
        200,
        "success",
    )
    assert products() == EXPECTED


def test_wrong_password_is_a_failure_and_nothing_happens(exchange_user: object) -> None:
    intruder = OneC("1c-exchange", password="guess")

    assert intruder.checkauth() == ["403", "failure", "wrong exchange user name or password"]
    assert intruder.send("catalog", "import.xml", declared(catalogue_xml(), "utf-8")) == (
        403,
        "failure\nno exchange session: start with mode=checkauth",
    )
    assert ExchangeSession.objects.count() == 0
    assert products() == []


def test_another_user_with_the_right_password_is_refused(
    exchange_user: object, manager_anna: object
) -> None:
    assert OneC("anna").checkauth() == ["403", "failure", "wrong exchange user name or password"]


def test_offers_of_a_product_the_catalogue_lacks_fail(
    one_c: OneC, django_capture_on_commit_callbacks: Capture
) -> None:
    one_c.checkauth()
    one_c.get("catalog", "init")
    one_c.send("catalog", "offers.xml", declared(offers_xml(sku="Z-9"), "utf-8"))
    assert imported(one_c, django_capture_on_commit_callbacks, "offers.xml")[-1] == (
        200,
        "failure\noffers.xml: Предложение 1 (Ид b2000000-0000-0000-0000-000000000001): "
        "the product Z-9 is not in the catalogue; send import.xml first",
    )


def test_a_file_name_outside_the_folder_is_refused(one_c: OneC) -> None:
    one_c.checkauth()
    assert one_c.send("catalog", "../../etc/passwd.xml", b"<x/>") == (
        200,
        "failure\nfilename=../../etc/passwd.xml: not a file name of an exchange",
    )


def test_a_file_over_the_limit_is_refused(one_c: OneC, settings: object) -> None:
    settings.UPSELL_FILE_MAX_MB = 1  # type: ignore[attr-defined]
    one_c.checkauth()
    assert one_c.send("catalog", "import.xml", b" " * (1024 * 1024 + 1)) == (
        200,
        "failure\nimport.xml: the file is 1.0 MB; a file may be 1 MB at most",
    )
