"""Payments are seen through their client: whoever sees the client sees its payments."""

from django.db.models import QuerySet
from django.http import Http404

from upsell.accounts.models import User
from upsell.clients.access import clients_visible_to
from upsell.payments.models import Payment


def payments_visible_to(user: User) -> QuerySet[Payment]:
    return Payment.objects.filter(client__in=clients_visible_to(user))


def get_payment_for_user(user: User, payment_id: int) -> Payment:
    try:
        return payments_visible_to(user).select_related("client").get(pk=payment_id)
    except Payment.DoesNotExist:
        raise Http404("No such payment") from None
