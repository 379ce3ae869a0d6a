from django.http import HttpRequest

from upsell.accounts.models import User


def authenticated_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind ``login_required``, typed as our User."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    return user
