from django.http import HttpRequest
from ninja import Router

from upsell.accounts.http import authenticated_user
from upsell.accounts.models import User
from upsell.accounts.schemas import MeOut, error_responses

router = Router(tags=["accounts"])


@router.get("/me", response={200: MeOut, **error_responses(401)})
def get_me(request: HttpRequest) -> User:
    """Who the caller is and its role."""
    return authenticated_user(request)
