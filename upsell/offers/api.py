"""A client's suggestions over the REST API: the same access funnel and selector as the card,
mounted under ``/clients``."""

from django.http import HttpRequest
from ninja import Path, Router

from upsell.accounts.http import authenticated_user
from upsell.accounts.schemas import ObjectId, error_responses
from upsell.offers.access import get_client_suggestions_for_user
from upsell.offers.schemas import ClientSuggestionsOut
from upsell.offers.selectors import ClientSuggestions, client_suggestions

router = Router(tags=["offers"])


@router.get(
    "/{client_id}/suggestions",
    response={200: ClientSuggestionsOut, **error_responses(401, 404, 422)},
)
def list_client_suggestions(request: HttpRequest, client_id: Path[ObjectId]) -> ClientSuggestions:
    """What to offer the client: products and product groups by rank, each with its reason,
    from the latest nightly run; 404 for a client the caller may not see."""
    client = get_client_suggestions_for_user(authenticated_user(request), client_id)
    return client_suggestions(client=client)
