import factory
from factory.django import DjangoModelFactory

from upsell.accounts.models import Role, Team, User


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda user: user.username.title())
    role = Role.MANAGER
    password = factory.django.Password("correct-horse-battery")


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    manager = factory.SubFactory(UserFactory, role=Role.MANAGER)
