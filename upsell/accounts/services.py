"""Creating and updating users: from a company's files and on the administrator's Users page.

The staff file is the list of people (ФИО, login, role, whom an assistant serves); other
files name managers only by ФИО, and a manager they name who has no account yet gets one
(role manager). Accounts made this way have no usable password: an administrator sets one
(or the person resets it) before anyone logs in with it.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, Team, User

_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
        "я": "ia",
    }
)  # fmt: skip
_USERNAME_MAX = 150


class SaveOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class StaffMember:
    """One person of the staff file, as the file states it."""

    full_name: str
    role: Role
    # Blank: the file gives no login, one is made from the name.
    username: str = ""
    # None: the file has no e-mail column; the stored address stays as it is.
    email: str | None = None
    # The managers an assistant serves; None leaves its teams as they are.
    assists: tuple[User, ...] | None = None


def username_from_full_name(full_name: str) -> str:
    """``Иванова Анна Сергеевна`` → ``ivanova.as``: surname and initials, in Latin letters."""
    words = [
        re.sub(r"[^a-z0-9]", "", word.lower().translate(_TRANSLIT)) for word in full_name.split()
    ]
    words = [word for word in words if word]
    if not words:
        return "user"
    initials = "".join(word[0] for word in words[1:])
    return f"{words[0]}.{initials}" if initials else words[0]


def username_unique(*, full_name: str, taken: set[str]) -> str:
    """A login made from ``full_name`` that neither the database nor ``taken`` holds yet."""
    base = username_from_full_name(full_name)[: _USERNAME_MAX - 6]
    in_use = taken | set(
        User.objects.filter(username__startswith=base).values_list("username", flat=True)
    )
    candidate = base
    suffix = 1
    while candidate in in_use:
        suffix += 1
        candidate = f"{base}{suffix}"
    taken.add(candidate)
    return candidate


def managers_create(*, full_names: Iterable[str]) -> dict[str, User]:
    """An account (role manager, no usable password) for each ФИО; the new users by ФИО."""
    taken: set[str] = set()
    users = []
    for full_name in full_names:
        user = User(
            username=username_unique(full_name=full_name, taken=taken),
            full_name=full_name,
            role=Role.MANAGER,
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    return {user.full_name: user for user in users}


def can_change_users(by: User | None) -> bool:
    """Whether ``by`` may add people or change them, their roles first of all: the
    administrator alone (``None`` is the operator at the server's command line)."""
    return by is None or (by.is_active and by.is_admin_role)


@transaction.atomic
def staff_member_save(
    *, member: StaffMember, user: User | None, by: User | None
) -> tuple[User, SaveOutcome]:
    """Create the person's account, or bring ``user`` in line with what the file states."""
    if not can_change_users(by):
        raise PermissionDenied(_("Only the administrator adds people or changes them"))
    if user is None:
        user = User(
            username=member.username or username_unique(full_name=member.full_name, taken=set()),
            full_name=member.full_name,
            role=member.role,
            email=member.email or "",
        )
        user.set_unusable_password()
        user.save()
        if member.assists is not None:
            _assisted_managers_set(assistant=user, managers=member.assists)
        return user, SaveOutcome.CREATED
    wanted: dict[str, str] = {"full_name": member.full_name, "role": member.role}
    if member.username:
        wanted["username"] = member.username
    if member.email is not None:
        wanted["email"] = member.email
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, wanted[name])
    if changed:
        user.save(update_fields=changed)
    teams_changed = member.assists is not None and _assisted_managers_set(
        assistant=user, managers=member.assists
    )
    outcome = SaveOutcome.UPDATED if changed or teams_changed else SaveOutcome.UNCHANGED
    return user, outcome


def _assisted_managers_set(*, assistant: User, managers: Sequence[User]) -> bool:
    """Make ``assistant`` serve exactly ``managers``; whether anything changed."""
    current = set(Team.objects.filter(assistants=assistant).values_list("manager_id", flat=True))
    wanted = {manager.pk for manager in managers}
    if current == wanted:
        return False
    for team in Team.objects.filter(manager_id__in=current - wanted):
        team.assistants.remove(assistant)
    for manager in managers:
        if manager.pk not in current:
            team, _created = Team.objects.get_or_create(manager=manager)
            team.assistants.add(assistant)
    return True


def user_active_set(*, user: User, active: bool, by: User | None) -> bool:
    """Let ``user`` log in again, or stop them (people leave: their clients and history stay);
    whether anything changed. Nobody deactivates themselves, so an administrator remains."""
    if not can_change_users(by):
        raise PermissionDenied(_("Only the administrator adds people or changes them"))
    if not active and by is not None and by.pk == user.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    return True


def user_password_set(*, user: User, password: str, by: User | None) -> None:
    """Give ``user`` a password the administrator tells them (they change it after logging in);
    Django's password rules apply."""
    if not can_change_users(by):
        raise PermissionDenied(_("Only the administrator adds people or changes them"))
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
