"""Shipments are seen through their client: whoever sees the client sees its shipments."""

from django.db.models import QuerySet
from django.http import Http404

from upsell.accounts.models import User
from upsell.clients.access import clients_visible_to
from upsell.shipments.models import Shipment


def shipments_visible_to(user: User) -> QuerySet[Shipment]:
    return Shipment.objects.filter(client__in=clients_visible_to(user))


def get_shipment_for_user(user: User, shipment_id: int) -> Shipment:
    try:
        return shipments_visible_to(user).select_related("client", "manager").get(pk=shipment_id)
    except Shipment.DoesNotExist:
        raise Http404("No such shipment") from None
