"""A deal's request and shipment: the order that fulfils it and the document that ships it.

A request or a shipment *agrees* with a deal when
- it is the deal's client's;
- it falls in the deal's month: a request's ``ordered_on`` (its creation day when the client's
  order carries no date), a shipment's document date;
- its amount is within ``TOLERANCE`` (10 %) of the deal's amount either way: a request's
  ``amount``, a shipment's ``total``;
- no other deal has it (a cancelled request agrees with nothing).
Of several that agree, the one with the closest amount wins, then the earliest, then the first
stored.

The automatic match (``deals_match``) links agreeing documents to the open deals that lack one
and marks the link MATCHED; it never touches a link a person set (CONFIRMED) or took off
(UNLINKED), nor a MATCHED link already made. It runs after every shipments or orders file is
imported and in the nightly work. A person confirms a matched link, links another document by
hand (CONFIRMED, even where the amounts differ: the person knows), or unlinks one (UNLINKED:
until a person links one again, no document fulfils the deal).

What a link means for the deal's stage: a linked request is the client's order, so an open deal
before ORDER moves to ORDER; a linked shipment is the order fulfilled, so an open deal is WON.
Both moves are written as any move is, by the person who linked or by nobody for the automatic
match. A lost deal is never matched.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.core.months import month_add
from upsell.deals.models import OPEN_STAGES, Deal, DealStage, LinkState
from upsell.deals.services.deals import deal_move
from upsell.requests.models import OrderRequest, RequestStatus
from upsell.shipments.models import Shipment

TOLERANCE = Decimal("0.10")


@dataclass(frozen=True, kw_only=True)
class MatchOutcome:
    requests: int = 0
    shipments: int = 0


def _amount_range(amount: Decimal) -> tuple[Decimal, Decimal]:
    return amount * (1 - TOLERANCE), amount * (1 + TOLERANCE)


def _month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    return month, month_add(month, 1) - dt.timedelta(days=1)


def requests_agreeing(deal: Deal) -> QuerySet[OrderRequest]:
    """The client's requests that agree with ``deal`` and no other deal has, best first."""
    low, high = _amount_range(deal.amount)
    first, last = _month_range(deal.month)
    in_month = Q(ordered_on__range=(first, last)) | Q(
        ordered_on__isnull=True, created_at__date__range=(first, last)
    )
    return (
        OrderRequest.objects.filter(in_month, client_id=deal.client_id, amount__range=(low, high))
        .exclude(status=RequestStatus.CANCELLED)
        .exclude(deals__isnull=False)
        .order_by("created_at", "pk")
    )


def shipments_agreeing(deal: Deal) -> QuerySet[Shipment]:
    """The client's shipments that agree with ``deal`` and no other deal has, best first."""
    low, high = _amount_range(deal.amount)
    return (
        Shipment.objects.filter(
            client_id=deal.client_id,
            date__range=_month_range(deal.month),
            total__range=(low, high),
        )
        .exclude(deals__isnull=False)
        .order_by("date", "pk")
    )


def _closest[T: (OrderRequest, Shipment)](
    candidates: Iterable[T], deal: Deal, amount_of: str
) -> T | None:
    ordered = sorted(candidates, key=lambda item: abs(getattr(item, amount_of) - deal.amount))
    return ordered[0] if ordered else None


def _stage_follows(deal: Deal, by: User | None) -> Deal:
    if not deal.is_open:
        return deal
    if deal.shipment_id is not None:
        return deal_move(deal=deal, stage=DealStage.WON, by=by)
    if deal.request_id is not None and deal.stage != DealStage.ORDER:
        return deal_move(deal=deal, stage=DealStage.ORDER, by=by)
    return deal


def deals_match(*, deals: QuerySet[Deal] | None = None) -> MatchOutcome:
    """Link the agreeing request and shipment to every open deal that lacks one; safe to run
    twice (a linked deal is left as it is)."""
    requests = shipments = 0
    chosen = (Deal.objects.all() if deals is None else deals).filter(stage__in=OPEN_STAGES)
    request_free = Q(request__isnull=True) & ~Q(request_link=LinkState.UNLINKED)
    shipment_free = Q(shipment__isnull=True) & ~Q(shipment_link=LinkState.UNLINKED)
    pending = chosen.filter(request_free | shipment_free).order_by("month", "pk")
    for deal_id in pending.values_list("pk", flat=True):
        with transaction.atomic():
            deal = Deal.objects.select_for_update().get(pk=deal_id)
            if not deal.is_open:
                continue
            fields = []
            if deal.request_id is None and deal.request_link != LinkState.UNLINKED:
                request = _closest(requests_agreeing(deal), deal, "amount")
                if request is not None:
                    deal.request, deal.request_link = request, LinkState.MATCHED
                    fields += ["request", "request_link"]
                    requests += 1
            if deal.shipment_id is None and deal.shipment_link != LinkState.UNLINKED:
                shipment = _closest(shipments_agreeing(deal), deal, "total")
                if shipment is not None:
                    deal.shipment, deal.shipment_link = shipment, LinkState.MATCHED
                    fields += ["shipment", "shipment_link"]
                    shipments += 1
            if fields:
                deal.save(update_fields=fields)
                _stage_follows(deal, None)
    return MatchOutcome(requests=requests, shipments=shipments)


def deal_request_link(*, deal: Deal, request: OrderRequest | None, by: User) -> Deal:
    """Confirm, change or remove (``None``) the request of ``deal`` by hand."""
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=deal.pk)
        if deal.stage == DealStage.LOST:
            raise ValidationError({"request": _("A lost deal links to no order.")})
        if request is None:
            deal.request, deal.request_link = None, LinkState.UNLINKED
        else:
            if request.client_id != deal.client_id:
                raise ValidationError({"request": _("The request is another client's.")})
            if Deal.objects.filter(request=request).exclude(pk=deal.pk).exists():
                raise ValidationError({"request": _("Another deal has this request.")})
            deal.request, deal.request_link = request, LinkState.CONFIRMED
        deal.save(update_fields=["request", "request_link"])
        return _stage_follows(deal, by)


def deal_shipment_link(*, deal: Deal, shipment: Shipment | None, by: User) -> Deal:
    """Confirm, change or remove (``None``) the shipment of ``deal`` by hand."""
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=deal.pk)
        if deal.stage == DealStage.LOST:
            raise ValidationError({"shipment": _("A lost deal links to no shipment.")})
        if shipment is None:
            deal.shipment, deal.shipment_link = None, LinkState.UNLINKED
        else:
            if shipment.client_id != deal.client_id:
                raise ValidationError({"shipment": _("The shipment is another client's.")})
            if Deal.objects.filter(shipment=shipment).exclude(pk=deal.pk).exists():
                raise ValidationError({"shipment": _("Another deal has this shipment.")})
            deal.shipment, deal.shipment_link = shipment, LinkState.CONFIRMED
        deal.save(update_fields=["shipment", "shipment_link"])
        return _stage_follows(deal, by)
