"""The project's URLs with a deal's page under its name, for tests of the pages that link to a
deal where the deal's own page is not part of the checkout."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, include, path

from upsell.config import urls as project
from upsell.deals import urls as deals


def _deal_page(request: HttpRequest, deal_id: int) -> HttpResponse:
    return HttpResponse(f"deal {deal_id}")


urlpatterns = [
    *(
        pattern
        for pattern in project.urlpatterns
        if not (isinstance(pattern, URLResolver) and pattern.app_name == "deals")
    ),
    path(
        "deals/",
        include(
            (
                [*deals.urlpatterns, path("<int:deal_id>/", _deal_page, name="detail")],
                "deals",
            )
        ),
    ),
]
