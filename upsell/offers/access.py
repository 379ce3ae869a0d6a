"""The one permission funnel for suggestions: whoever may see a client sees what to offer it.

The clients app's funnel decides: a manager its own clients, an assistant the spontaneous
clients assigned to it, the head of sales and top management every client; a client the user
may not see answers 404.
"""

from upsell.accounts.models import User
from upsell.clients.access import get_client_for_user
from upsell.clients.models import Client


def get_client_suggestions_for_user(user: User, client_id: int) -> Client:
    """The client whose suggestions ``user`` may read; 404 for a client it may not see."""
    return get_client_for_user(user, client_id)
