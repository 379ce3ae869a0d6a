"""Use-cases that change clients. Pages, the API and tasks all call these."""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.models import AssignmentRole, Client, ClientAssignmentChange
from upsell.core.tax_ids import tax_id_problem


@dataclass(frozen=True, kw_only=True)
class ClientDetails:
    """The fields of a client its manager or the head of sales edits (not who serves it)."""

    name: str
    tax_id: str = ""
    region: str = ""
    segment: str = ""
    is_partner: bool = False
    plans_budget: bool = False
    annual_budget: Decimal | None = None
    budget_year: int | None = None


def _validate_details(details: ClientDetails, *, client: Client | None) -> None:
    errors: dict[str, str] = {}
    if not details.name.strip():
        errors["name"] = _("A client needs a name.")
    if details.tax_id:
        problem = tax_id_problem(details.tax_id)
        if problem is not None:
            errors["tax_id"] = _("Tax id %(tax_id)s: %(problem)s.") % {
                "tax_id": details.tax_id,
                "problem": _(problem),
            }
        else:
            taken = Client.objects.filter(tax_id=details.tax_id)
            if client is not None:
                taken = taken.exclude(pk=client.pk)
            if taken.exists():
                errors["tax_id"] = _("Another client has tax id %(tax_id)s.") % {
                    "tax_id": details.tax_id
                }
    if details.annual_budget is not None and details.annual_budget < 0:
        errors["annual_budget"] = _("A budget cannot be negative.")
    if (details.annual_budget is None) != (details.budget_year is None):
        errors["budget_year"] = _("A budget needs its year, and a year needs a budget.")
    if errors:
        raise ValidationError(errors)


def client_create(*, details: ClientDetails, created_by: User) -> Client:
    """A new client; a manager who creates one becomes its manager."""
    _validate_details(details, client=None)
    manager = created_by if created_by.role == Role.MANAGER else None
    with transaction.atomic():
        client = Client.objects.create(
            **{field.name: getattr(details, field.name) for field in fields(details)},
            manager=manager,
        )
        if manager is not None:
            ClientAssignmentChange.objects.create(
                client=client,
                role=AssignmentRole.MANAGER,
                previous=None,
                new=manager,
                changed_by=created_by,
                reason=_("Created by its manager"),
            )
    return client


def client_update(*, client: Client, details: ClientDetails) -> Client:
    _validate_details(details, client=client)
    changed = [
        field.name
        for field in fields(details)
        if getattr(client, field.name) != getattr(details, field.name)
    ]
    for name in changed:
        setattr(client, name, getattr(details, name))
    if changed:
        client.save(update_fields=[*changed, "updated_at"])
    return client


def client_reassign(
    *,
    client: Client,
    manager: User | None,
    assistant: User | None,
    changed_by: User,
    reason: str = "",
) -> Client:
    """Give ``client`` a new manager and/or assistant, recording each change with its reason."""
    errors: dict[str, str] = {}
    if manager is not None and (manager.role != Role.MANAGER or not manager.is_active):
        errors["manager"] = _("%(user)s is not an active manager.") % {"user": manager}
    if assistant is not None and (assistant.role != Role.ASSISTANT or not assistant.is_active):
        errors["assistant"] = _("%(user)s is not an active assistant.") % {"user": assistant}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Client.objects.select_for_update().get(pk=client.pk)
        changes = [
            (AssignmentRole.MANAGER, "manager", locked.manager, manager),
            (AssignmentRole.ASSISTANT, "assistant", locked.assistant, assistant),
        ]
        changed_fields = []
        for role, field, previous, new in changes:
            if previous == new:
                continue
            setattr(locked, field, new)
            changed_fields.append(field)
            ClientAssignmentChange.objects.create(
                client=locked,
                role=role,
                previous=previous,
                new=new,
                changed_by=changed_by,
                reason=reason,
            )
        if changed_fields:
            locked.save(update_fields=[*changed_fields, "updated_at"])
    return locked
