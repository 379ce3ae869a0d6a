import numpy as np

from upsell.demo.text import csv_field, money_bytes, money_text, quantity_bytes


def test_money_is_written_as_1c_writes_it():
    kopecks = np.array([0, 5, 99_999, 123_456, -123_456, 100_000_000, 123_456_789_012])

    spelled = money_bytes(kopecks)

    assert [value.decode("cp1251") for value in spelled] == [
        "0,00",
        "0,05",
        "999,99",
        "1\xa0234,56",
        "-1\xa0234,56",
        "1\xa0000\xa0000,00",
        "1\xa0234\xa0567\xa0890,12",
    ]


def test_quantities_are_whole_or_carry_one_decimal():
    thousandths = np.array([1_000, 12_500, 12_000, -1_250_000, 1_234_567_800])
    decimals = np.array([0, 1, 1, 1, 1])

    spelled = quantity_bytes(thousandths, decimals)

    assert [value.decode("cp1251") for value in spelled] == [
        "1",
        "12,5",
        "12",
        "-1\xa0250",
        "1\xa0234\xa0567,8",
    ]


def test_money_text_uses_the_separator_it_is_given():
    assert money_text(425_000_000) == "4 250 000,00"
    assert money_text(-123_456, separator="\xa0") == "-1\xa0234,56"


def test_csv_field_quotes_only_what_must_be_quoted():
    assert csv_field('ООО "Альфа"', delimiter=";") == '"ООО ""Альфа"""'
    assert csv_field("ИП Иванов Иван Иванович", delimiter=";") == "ИП Иванов Иван Иванович"
    assert csv_field("a;b", delimiter=";") == '"a;b"'
