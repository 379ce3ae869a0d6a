"""The demo distributor's sales department: who sells, who assists, who runs it."""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from upsell.demo.names import person_capacity, person_name

EMAIL_DOMAIN = "promsnab.example"


class StaffRole(StrEnum):
    HEAD_OF_SALES = "head_of_sales"
    TOP_MANAGEMENT = "top_management"
    MANAGER = "manager"
    ASSISTANT = "assistant"
    ADMIN = "admin"


# As the staff file spells each role (the Russian names the import recognises).
ROLE_TITLES = {
    StaffRole.HEAD_OF_SALES: "Руководитель отдела продаж",
    StaffRole.TOP_MANAGEMENT: "ТОП-менеджмент",
    StaffRole.MANAGER: "Менеджер",
    StaffRole.ASSISTANT: "Ассистент",
    StaffRole.ADMIN: "Администратор",
}

MANAGERS = 8
# Assistant k serves manager k; the managers after these work without an assistant.
ASSISTANTS = 4

_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
TRANSLITERATION = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.split(" "), strict=True))


@dataclass(frozen=True)
class StaffMember:
    full_name: str  # ФИО, as the clients and shipments files name a manager
    username: str
    role: StaffRole
    reports_to: str  # for an assistant, the ФИО of the manager it assists
    email: str


@dataclass(frozen=True)
class Staff:
    members: tuple[StaffMember, ...]

    @property
    def managers(self) -> tuple[StaffMember, ...]:
        return tuple(member for member in self.members if member.role == StaffRole.MANAGER)


def transliterate(text: str) -> str:
    return "".join(TRANSLITERATION.get(char, char) for char in text.lower()).replace("-", "")


def staff_build(*, rng: np.random.Generator) -> Staff:
    roles = (
        [StaffRole.TOP_MANAGEMENT, StaffRole.HEAD_OF_SALES, StaffRole.ADMIN]
        + [StaffRole.MANAGER] * MANAGERS
        + [StaffRole.ASSISTANT] * ASSISTANTS
    )
    # Sales managers are men and women alike; assistants here are mostly women.
    female = rng.random(len(roles)) < np.array(
        [0.3 if role != StaffRole.ASSISTANT else 0.8 for role in roles]
    )
    indices = rng.choice(person_capacity(), size=len(roles), replace=False)
    names = [
        person_name(int(index), female=bool(is_female))
        for index, is_female in zip(indices, female, strict=True)
    ]
    managers = [name for name, role in zip(names, roles, strict=True) if role == StaffRole.MANAGER]
    members = []
    usernames: set[str] = set()
    assistant_number = 0
    for name, role in zip(names, roles, strict=True):
        surname, first_name, _ = name.split(" ", 2)
        username = f"{transliterate(surname)}.{transliterate(first_name)[0]}"
        while username in usernames:
            username += "1"
        usernames.add(username)
        reports_to = ""
        if role == StaffRole.ASSISTANT:
            reports_to = managers[assistant_number]
            assistant_number += 1
        members.append(
            StaffMember(
                full_name=name,
                username=username,
                role=role,
                reports_to=reports_to,
                email=f"{username}@{EMAIL_DOMAIN}",
            )
        )
    return Staff(members=tuple(members))
