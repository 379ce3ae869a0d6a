"""Who may exchange: the one exchange user named by ``UPSELL_EXCHANGE_USER``, by its password
(HTTP Basic authentication, counted against lock-outs as a sign-in is), then by the session
cookie ``checkauth`` gave it."""

import base64
import binascii

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest

from upsell.accounts.models import User
from upsell.exchange.models import ExchangeSession

COOKIE = "upsell_exchange"


def _exchange_user_active(user: User) -> bool:
    name = settings.UPSELL_EXCHANGE_USER
    return bool(name) and user.is_active and user.get_username() == name


def exchange_user_authenticate(request: HttpRequest) -> User | None:
    """The exchange user, when the request's Basic credentials are its own."""
    scheme, _space, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not settings.UPSELL_EXCHANGE_USER:
        return None
    try:
        username, colon, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not colon or username != settings.UPSELL_EXCHANGE_USER:
        return None
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User) or not _exchange_user_active(user):
        return None
    return user


def exchange_session_of(request: HttpRequest) -> ExchangeSession | None:
    """The session whose cookie the request carries, while its user is still the exchange's."""
    token = request.COOKIES.get(COOKIE, "")
    if not token:
        return None
    session = ExchangeSession.objects.select_related("user").filter(token=token).first()
    if session is None or not _exchange_user_active(session.user):
        return None
    return session
