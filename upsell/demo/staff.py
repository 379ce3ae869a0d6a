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
# The managers each assistant serves (by number): every manager has one, some share theirs, so
# that after the audit every spontaneous client is with an assistant.
ASSISTED_MANAGERS = ((0, 1), (2, 6), (3, 4), (5, 7))
# How the staff file lists several managers in one Руководитель cell.
NAME_SEPARATOR = "; "

_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
TRANSLITERATION = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.split(" "), strict=True))


@dataclass(frozen=True)
class StaffMember:
    full_name: str  # ФИО, as the clients and shipments files name a manager
    username: str
    role: StaffRole
    # Whom the person reports to; for an assistant, the managers it assists (ФИО, "; " between).
    reports_to: str
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
        + [StaffRole.ASSISTANT] * len(ASSISTED_MANAGERS)
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
    by_role: dict[StaffRole, list[str]] = {role: [] for role in StaffRole}
    for name, role in zip(names, roles, strict=True):
        by_role[role].append(name)
    managers = by_role[StaffRole.MANAGER]
    supervisors = {
        StaffRole.HEAD_OF_SALES: by_role[StaffRole.TOP_MANAGEMENT][0],
        StaffRole.MANAGER: by_role[StaffRole.HEAD_OF_SALES][0],
    }
    assisted = iter(
        NAME_SEPARATOR.join(managers[number] for number in served) for served in ASSISTED_MANAGERS
    )
    members = []
    usernames: set[str] = set()
    for name, role in zip(names, roles, strict=True):
        surname, first_name, _ = name.split(" ", 2)
        username = f"{transliterate(surname)}.{transliterate(first_name)[0]}"
        while username in usernames:
            username += "1"
        usernames.add(username)
        members.append(
            StaffMember(
                full_name=name,
                username=username,
                role=role,
                reports_to=(
                    next(assisted) if role == StaffRole.ASSISTANT else supervisors.get(role, "")
                ),
                email=f"{username}@{EMAIL_DOMAIN}",
            )
        )
    return Staff(members=tuple(members))
