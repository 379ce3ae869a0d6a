"""API tokens: how an integration proves who it calls the REST API as, and how a browser does.

A token reads ``<prefix>.<secret>``: the prefix finds the stored row, the SHA-256 digest of the
whole token proves it. The secret has 256 random bits, so a plain digest is as safe as a slow
password hash would be, and checking it costs nothing per request.
"""

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from upsell.accounts.models import ApiToken, User

_TOKEN_SHAPE = re.compile(r"(?P<prefix>[0-9a-f]{12})\.[A-Za-z0-9_-]{43}")
# Recording every use would make each read request a write; a token's owner only needs to
# know roughly when it was last used, to spot the ones nobody uses any more.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row, and the token itself, which is shown only once."""
    prefix = secrets.token_hex(6)
    token = f"{prefix}.{secrets.token_urlsafe(32)}"
    api_token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=_digest(token))
    return api_token, token


def api_tokens_revoke(*, user: User) -> int:
    """Delete every token of ``user``; how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_token_user(*, token: str) -> User | None:
    """The active user ``token`` belongs to, or None for a malformed, unknown or revoked token."""
    shape = _TOKEN_SHAPE.fullmatch(token)
    if shape is None:
        return None
    api_token = ApiToken.objects.select_related("user").filter(prefix=shape["prefix"]).first()
    if api_token is None or not hmac.compare_digest(api_token.digest, _digest(token)):
        return None
    if not api_token.user.is_active:
        return None
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``, for integrations."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token=token)
        if user is not None:
            # Views read the caller from request.user whichever way it signed in.
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in user of the browser session, with Django's CSRF check on unsafe methods.

    The CSRF check runs only for a signed-in session: a request without one is anonymous and
    answers 401, not a CSRF failure.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        user = super().__call__(request)
        return user if isinstance(user, User) else None
