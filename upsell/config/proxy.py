"""Who is calling, when Upsell runs behind reverse proxies that terminate TLS.

``UPSELL_TRUSTED_PROXIES`` says how many proxies stand in front of the web server. Each one
appends the address it was called from to ``X-Forwarded-For``, so with N proxies the client's
own address is the N-th from the right; anything further left was written by the client and
proves nothing. With no proxy (the default) the header is ignored: anybody can send one.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address of the client behind the trusted proxies, for login throttling."""
    proxies: int = settings.UPSELL_TRUSTED_PROXIES
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded_for:
        return request.META.get("REMOTE_ADDR")
    addresses = [address.strip() for address in forwarded_for.split(",")]
    return addresses[-min(proxies, len(addresses))] or request.META.get("REMOTE_ADDR")
