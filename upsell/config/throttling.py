"""The API's rate limit: ``API_RATE_LIMIT`` calls per user (``600/min`` by default), shared by
the web server's processes through the cache; past it a call answers 429 with Retry-After."""

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import UserRateThrottle


class UserRateLimit(UserRateThrottle):
    """Ninja's per-user throttle, at the rate the settings give when the call comes."""

    def __init__(self) -> None:
        super().__init__(rate="1/s")

    def allow_request(self, request: HttpRequest) -> bool:
        rate: str = settings.API_RATE_LIMIT
        if not rate:
            return True
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)
