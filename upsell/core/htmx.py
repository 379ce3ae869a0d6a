"""The one rule by which a view serves its whole page or just the part htmx asked for."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def wants_part(request: HtmxHttpRequest, part: str) -> bool:
    """Whether htmx asked for the element ``#part`` alone (not a whole page, not a reload)."""
    return (
        bool(request.htmx)
        and not request.htmx.history_restore_request
        and (request.htmx.target == part)
    )
