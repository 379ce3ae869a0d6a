"""Logins for the demo company: imported staff get a known password so people can try it."""

from dataclasses import dataclass

from django.db import transaction

from upsell.accounts.models import Role, User

DEMO_PASSWORD = "upsell-demo"  # noqa: S105 - printed to whoever runs the demo, by design

# Which staff the demo prints, in this order: the head of sales, two managers, an assistant…
DEMO_PERSONAS: tuple[tuple[Role, int], ...] = (
    (Role.HEAD_OF_SALES, 1),
    (Role.MANAGER, 2),
    (Role.ASSISTANT, 1),
    (Role.TOP_MANAGEMENT, 1),
    (Role.ADMIN, 1),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    name: str


def demo_logins_prepare() -> list[DemoLogin]:
    """Give the demo personas the demo password, unless they already have a password of their own.

    Only accounts without a usable password (as the staff import creates them) are touched, so
    running this against a real company's database cannot take over anybody's account.
    """
    logins = []
    with transaction.atomic():
        for role, how_many in DEMO_PERSONAS:
            users = User.objects.filter(role=role, is_active=True).order_by("id")[:how_many]
            for user in users:
                if not user.has_usable_password():
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                if user.check_password(DEMO_PASSWORD):
                    logins.append(
                        DemoLogin(
                            username=user.username,
                            password=DEMO_PASSWORD,
                            role=str(Role(user.role).label),
                            name=str(user),
                        )
                    )
    return logins
