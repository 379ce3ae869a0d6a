from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from upsell.accounts.models import User


def authenticated_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind ``login_required``, typed as our User."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    return user


def users_by_id(**user_ids: int | None) -> dict[str, User | None]:
    """The users a request names by id, field by field (None stays None); an id that names
    nobody is a validation error on its field."""
    found = User.objects.in_bulk([user_id for user_id in user_ids.values() if user_id is not None])
    missing = {
        field: _("No user has id %(id)s.") % {"id": user_id}
        for field, user_id in user_ids.items()
        if user_id is not None and user_id not in found
    }
    if missing:
        raise ValidationError(missing)
    return {
        field: None if user_id is None else found[user_id] for field, user_id in user_ids.items()
    }
