"""The client card's "What to offer" section, served to the card through htmx."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from upsell.accounts.http import authenticated_user
from upsell.offers.access import get_client_suggestions_for_user
from upsell.offers.selectors import client_suggestions


@require_GET
@login_required
def client_section(request: HttpRequest, client_id: int) -> HttpResponse:
    """The products and product groups to offer the client, each with its reason."""
    client = get_client_suggestions_for_user(authenticated_user(request), client_id)
    context = {"client": client, "suggestions": client_suggestions(client=client)}
    return render(request, "offers/client_offers.html", context)
