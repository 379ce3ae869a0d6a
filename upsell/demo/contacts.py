"""The demo company's contact persons: one to three per client, as 1C exports its partners'
contact information — the person who decides, often a buyer, sometimes an accountant."""

import csv
from pathlib import Path

import numpy as np

from upsell.demo.names import person_capacity, person_name
from upsell.demo.roster import Roster, client_names, client_tax_ids
from upsell.demo.staff import transliterate

CONTACTS_HEADER = (
    "Партнер",
    "ИНН",
    "Контактное лицо",
    "Должность",
    "Телефон",
    "Электронная почта",
    "Роль",
    "Код",
)
# (position, role) of each person a client may have, in the order they are listed.
_PEOPLE = (
    (("Генеральный директор", "Директор", "Коммерческий директор", "Владелец"), "ЛПР"),
    (("Менеджер по закупкам", "Начальник отдела снабжения", "Снабженец"), "Закупщик"),
    (("Главный бухгалтер", "Бухгалтер"), "Бухгалтер"),
)
_OPERATORS = (495, 499, 812, 903, 915, 916, 925, 926, 977, 985)
_MAIL_DOMAINS = ("mail.ru", "yandex.ru", "bk.ru", "gmail.com")


def _phone(rng: np.random.Generator) -> str:
    operator = _OPERATORS[int(rng.integers(len(_OPERATORS)))]
    number = int(rng.integers(10_000_000))
    return f"+7 {operator} {number // 10_000:03d}-{number // 100 % 100:02d}-{number % 100:02d}"


def contacts_write(*, path: Path, roster: Roster, rng: np.random.Generator) -> int:
    """Write contacts.csv for every client of ``roster``; how many persons it names."""
    clients = len(roster)
    counts = rng.integers(1, len(_PEOPLE) + 1, size=clients)
    # Distinct people across the company: no two contacts share a name.
    people = rng.choice(2 * person_capacity(), size=int(counts.sum()), replace=False)
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(CONTACTS_HEADER)
        for client in range(clients):
            name = client_names(roster=roster, start=client, stop=client + 1)[0]
            tax_id = client_tax_ids(roster=roster, start=client, stop=client + 1)[0]
            for slot in range(int(counts[client])):
                person = int(people[written])
                female = bool(person % 2)
                full_name = person_name(person // 2, female=female)
                positions, role = _PEOPLE[slot]
                position = positions[int(rng.integers(len(positions)))]
                surname, first = full_name.split()[:2]
                email = (
                    f"{transliterate(first)[0]}.{transliterate(surname)}@"
                    f"{_MAIL_DOMAINS[int(rng.integers(len(_MAIL_DOMAINS)))]}"
                    if rng.random() < 0.6
                    else ""
                )
                writer.writerow(
                    (name, tax_id, full_name, position, _phone(rng), email, role,
                     f"КЛ-{written + 1:06d}")
                )  # fmt: skip
                written += 1
    return written
