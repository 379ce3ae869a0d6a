from django.conf import settings
from django.http import HttpRequest


def upsell(request: HttpRequest) -> dict[str, object]:
    return {"currency": settings.UPSELL_CURRENCY}
