"""A deal's life: opened from a forecast cell or by hand, edited while open, moved through its
stages, won or lost; and the list of reasons a deal is lost.

The stages (``OPEN_STAGES`` then ``CLOSED_STAGES``):

- among the open stages a deal moves forward and back freely, except that a deal at ORDER has
  its order: it goes on to WON or LOST only, never back to an earlier stage;
- any open deal may be won or lost; LOST names a reason in use from the head of sales' list;
- WON is final. A lost deal may be reopened by the head of sales alone (the client came back),
  to any open stage; the manager opens a new deal instead.

Every move writes a ``DealStageChange`` row and sets ``stage_changed_at`` and
``last_activity_at``; WON and LOST set ``closed_at``, a reopening clears it with the reason.
Every refusal is a ``ValidationError`` naming the field, and nothing is written.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.models import Client
from upsell.clients.motivation import client_is_motivated, managed_statuses_current
from upsell.core.money import money_problem
from upsell.core.months import date_problem, month_start, years_after
from upsell.deals.access import can_open_deal
from upsell.deals.models import (
    CLOSED_STAGES,
    OPEN_STAGES,
    Deal,
    DealSource,
    DealStage,
    DealStageChange,
    LostReason,
)
from upsell.forecasts.models import ForecastCell

TITLE_MAX = 300
LOST_NOTE_MAX = 500
REASON_NAME_MAX = 200
# A deal is expected within this many years from today.
YEARS_AHEAD = 3


def _amount_checked(amount: Decimal) -> Decimal:
    problem = money_problem(amount)
    if problem:
        raise ValidationError({"amount": problem})
    return amount


def _month_checked(month: dt.date) -> dt.date:
    month = month_start(month)
    problem = date_problem(month, latest=years_after(timezone.localdate(), YEARS_AHEAD))
    if problem:
        raise ValidationError({"month": problem})
    return month


def _title_checked(title: str) -> str:
    title = title.strip()
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("Describe the deal in at most %(max)s characters.") % {"max": TITLE_MAX}}
        )
    return title


def _client_checked(client: Client, by: User) -> None:
    """A deal is the expected order of a motivated client that ``by`` serves (or oversees)."""
    if not can_open_deal(by, client):
        raise ValidationError({"client": _("You do not serve %(client)s.") % {"client": client}})
    if client.manager_id is None:
        raise ValidationError(
            {"client": _("%(client)s has no manager to work the deal.") % {"client": client}}
        )
    if not client_is_motivated(client=client, managed_statuses=managed_statuses_current()):
        raise ValidationError(
            {
                "client": _(
                    "%(client)s is not a motivated client: deals are opened for motivated "
                    "clients only."
                )
                % {"client": client}
            }
        )


def _opened(
    *,
    client: Client,
    month: dt.date,
    amount: Decimal,
    title: str,
    source: DealSource,
    cell: ForecastCell | None,
    by: User,
) -> Deal:
    now = timezone.now()
    deal = Deal.objects.create(
        client=client,
        manager_id=client.manager_id,
        title=title,
        month=month,
        amount=amount,
        stage=DealStage.PREPARATION,
        source=source,
        forecast_cell=cell,
        created_by=by,
        stage_changed_at=now,
        last_activity_at=now,
    )
    DealStageChange.objects.create(
        deal=deal, stage_before="", stage_after=DealStage.PREPARATION, changed_by=by
    )
    return deal


def deal_open(
    *, client: Client, month: dt.date, amount: Decimal, title: str = "", by: User
) -> Deal:
    """A deal opened by hand for ``client``'s order expected in ``month``."""
    month = _month_checked(month)
    amount = _amount_checked(amount)
    title = _title_checked(title)
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        _client_checked(client, by)
        return _opened(
            client=client,
            month=month,
            amount=amount,
            title=title,
            source=DealSource.HAND,
            cell=None,
            by=by,
        )


def deal_open_from_cell(*, cell: ForecastCell, by: User, title: str = "") -> Deal:
    """A deal born from a forecast cell: the cell's month and its forecast as the amount. A cell
    makes one open deal at a time."""
    title = _title_checked(title)
    with transaction.atomic():
        cell = ForecastCell.objects.select_for_update().select_related("client").get(pk=cell.pk)
        _client_checked(cell.client, by)
        if Deal.objects.filter(forecast_cell=cell, stage__in=OPEN_STAGES).exists():
            raise ValidationError(
                {
                    "forecast_cell": _(
                        "An open deal was made from this forecast already: work that one."
                    )
                }
            )
        return _opened(
            client=cell.client,
            month=_month_checked(cell.month),
            amount=_amount_checked(cell.forecast),
            title=title,
            source=DealSource.FORECAST,
            cell=cell,
            by=by,
        )


def _locked(deal: Deal) -> Deal:
    return Deal.objects.select_for_update().select_related("client").get(pk=deal.pk)


def deal_edit(
    *,
    deal: Deal,
    by: User,
    amount: Decimal | None = None,
    month: dt.date | None = None,
    title: str | None = None,
) -> Deal:
    """Change what an open deal expects (``None`` keeps a field); a won or lost deal is history."""
    with transaction.atomic():
        deal = _locked(deal)
        if not deal.is_open:
            raise ValidationError({"stage": _("A won or lost deal is no longer changed.")})
        changed = []
        if amount is not None and amount != deal.amount:
            deal.amount = _amount_checked(amount)
            changed.append("amount")
        if month is not None and month_start(month) != deal.month:
            deal.month = _month_checked(month)
            changed.append("month")
        if title is not None and title.strip() != deal.title:
            deal.title = _title_checked(title)
            changed.append("title")
        if changed:
            deal.last_activity_at = timezone.now()
            deal.save(update_fields=[*changed, "last_activity_at"])
        return deal


def stage_refusal(*, deal: Deal, stage: str, by: User | None) -> str | None:
    """Why ``deal`` may not move to ``stage`` (the rules in the module's docstring), or None.
    The board asks it too, to offer only the moves the server takes."""
    if stage not in DealStage.values:
        return _("%(stage)s is not a stage.") % {"stage": stage}
    current = deal.stage
    if current == DealStage.WON:
        return _("A won deal is final.")
    if current == DealStage.LOST:
        if stage == DealStage.LOST:
            return None
        if by is None or by.role != Role.HEAD_OF_SALES:
            return _("Only the head of sales reopens a lost deal.")
        return None
    if current == DealStage.ORDER and stage in OPEN_STAGES and stage != DealStage.ORDER:
        return _(
            "The client has ordered: the deal is won or lost now, never back before the order."
        )
    return None


def deal_move(
    *,
    deal: Deal,
    stage: str,
    by: User | None,
    lost_reason: LostReason | None = None,
    lost_note: str = "",
) -> Deal:
    """Move ``deal`` to ``stage``; a move to the stage it is at changes nothing."""
    with transaction.atomic():
        deal = _locked(deal)
        if stage == deal.stage and stage != DealStage.LOST:
            return deal
        refusal = stage_refusal(deal=deal, stage=stage, by=by)
        if refusal:
            raise ValidationError({"stage": refusal})
        if stage == DealStage.LOST:
            if lost_reason is None:
                raise ValidationError({"lost_reason": _("Say why the deal is lost.")})
            if not LostReason.objects.filter(pk=lost_reason.pk, active=True).exists():
                raise ValidationError(
                    {"lost_reason": _("%(reason)s is no longer in use.") % {"reason": lost_reason}}
                )
            if len(lost_note) > LOST_NOTE_MAX:
                raise ValidationError(
                    {
                        "lost_note": _("Say what happened in at most %(max)s characters.")
                        % {"max": LOST_NOTE_MAX}
                    }
                )
            if deal.stage == DealStage.LOST and deal.lost_reason_id == lost_reason.pk:
                return deal
        now = timezone.now()
        before = deal.stage
        deal.stage = stage
        deal.stage_changed_at = now
        deal.last_activity_at = now
        deal.closed_at = now if stage in CLOSED_STAGES else None
        if stage == DealStage.LOST:
            deal.lost_reason = lost_reason
            deal.lost_note = lost_note.strip()
        else:
            deal.lost_reason = None
            deal.lost_note = ""
        deal.save(
            update_fields=[
                "stage",
                "stage_changed_at",
                "last_activity_at",
                "closed_at",
                "lost_reason",
                "lost_note",
            ]
        )
        DealStageChange.objects.create(
            deal=deal, stage_before=before, stage_after=stage, changed_by=by
        )
        return deal


def deal_touch(*, deal: Deal) -> None:
    """Something was done on the deal (an objection logged, a meeting held): it is not stuck."""
    Deal.objects.filter(pk=deal.pk).update(last_activity_at=timezone.now())


# --- the reasons a deal is lost -------------------------------------------------------------


def _reason_name_checked(name: str, *, other_than: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the reason.")})
    if len(name) > REASON_NAME_MAX:
        raise ValidationError(
            {"name": _("Name the reason in at most %(max)s characters.") % {"max": REASON_NAME_MAX}}
        )
    # Compared here, not by the database: SQLite folds the case of Latin letters alone.
    reasons = LostReason.objects.all()
    if other_than is not None:
        reasons = reasons.exclude(pk=other_than)
    others = reasons.values_list("name", flat=True)
    if name.casefold() in {other.casefold() for other in others}:
        raise ValidationError(
            {"name": _("The list has the reason %(name)s already.") % {"name": name}}
        )
    return name


def lost_reason_add(*, name: str) -> LostReason:
    """A new reason, at the end of the list."""
    with transaction.atomic():
        name = _reason_name_checked(name)
        last = LostReason.objects.aggregate(last=Max("position"))["last"]
        return LostReason.objects.create(name=name, position=0 if last is None else last + 1)


def lost_reason_change(
    *, reason: LostReason, name: str | None = None, active: bool | None = None
) -> LostReason:
    """Rename a reason, retire it (the deals lost for it keep it) or bring it back."""
    with transaction.atomic():
        reason = LostReason.objects.select_for_update().get(pk=reason.pk)
        changed = []
        if name is not None and name.strip() != reason.name:
            reason.name = _reason_name_checked(name, other_than=reason.pk)
            changed.append("name")
        if active is not None and active != reason.active:
            reason.active = active
            changed.append("active")
        if changed:
            reason.save(update_fields=changed)
        return reason


def lost_reasons_order(*, reason_ids: Sequence[int]) -> list[LostReason]:
    """Put the list in the order given: every reason, each once."""
    with transaction.atomic():
        reasons = {reason.pk: reason for reason in LostReason.objects.select_for_update()}
        if sorted(reason_ids) != sorted(reasons):
            raise ValidationError({"reason_ids": _("Give every reason of the list, each once.")})
        for position, reason_id in enumerate(reason_ids):
            reasons[reason_id].position = position
        LostReason.objects.bulk_update(list(reasons.values()), ["position"])
        return [reasons[reason_id] for reason_id in reason_ids]


def deals_follow_clients(*, client_ids: Sequence[int], manager: User | None) -> int:
    """The open deals of these clients go to ``manager``, their new manager; won and lost deals
    stay with whoever won or lost them. The hand-over calls it."""
    if manager is None:
        # A deal is worked by someone: a client left without a manager keeps its deals with the
        # manager who had them until the head of sales gives the client a new one.
        return 0
    return (
        Deal.objects.filter(client_id__any_of=list(client_ids), stage__in=OPEN_STAGES)
        .exclude(manager=manager)
        .update(manager=manager)
    )
