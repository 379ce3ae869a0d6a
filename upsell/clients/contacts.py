"""A client's contact persons: the one place that reads and writes them.

Whoever sees a client sees its contacts; whoever may change the client (its manager, the head
of sales: ``can_change_client``) adds, edits and deactivates them. A contact is deactivated,
not deleted, so that the calls and meetings that name it keep their word of who was met. The
card, the API and the contact information file all write through here.
"""

from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.clients.access import can_change_client
from upsell.clients.models import Client, Contact, ContactDecision

# The longest value each text field takes, as its column does.
TEXT_LIMITS = {
    "name": 200,
    "position": 200,
    "phones": 300,
    "email": 254,
    "messenger": 200,
    "note": 500,
    "external_id": 64,
}


@dataclass(frozen=True, kw_only=True)
class ContactDetails:
    name: str
    position: str = ""
    phones: str = ""
    email: str = ""
    messenger: str = ""
    decision: str = ""
    note: str = ""
    external_id: str = ""

    def cleaned(self) -> "ContactDetails":
        return ContactDetails(
            **{field.name: " ".join(getattr(self, field.name).split()) for field in fields(self)}
        )


def contact_details_problems(details: ContactDetails) -> dict[str, str]:
    """Why each field of ``details`` cannot be stored, by field; empty when all can."""
    problems: dict[str, str] = {}
    if not details.name:
        problems["name"] = _("Give the contact person's name.")
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(details, name)) > limit:
            problems[name] = _("At most %(limit)s characters.") % {"limit": limit}
    if details.email and "email" not in problems:
        try:
            validate_email(details.email)
        except ValidationError:
            problems["email"] = _("%(email)s is not an e-mail address.") % {"email": details.email}
    if details.decision and details.decision not in ContactDecision.values:
        problems["decision"] = _("%(value)s is not a part in the decision: one of %(values)s.") % {
            "value": details.decision,
            "values": ", ".join(ContactDecision.values),
        }
    return problems


def contacts_of(*, client: Client, inactive: bool = False) -> QuerySet[Contact]:
    """The client's contact persons by name: those who work with us, or everyone."""
    contacts = Contact.objects.filter(client=client).order_by("-active", "name", "id")
    return contacts if inactive else contacts.filter(active=True)


def _require_change(user: User | None, client: Client) -> None:
    """An import run by the server (no user) writes; a person must be allowed to change the
    client."""
    if user is not None and not can_change_client(user, client):
        raise PermissionDenied(_("Only the client's manager or the head of sales changes it."))


def _external_id_check(client: Client, details: ContactDetails, *, pk: int | None) -> None:
    if not details.external_id:
        return
    taken = Contact.objects.filter(client=client, external_id=details.external_id)
    if pk is not None:
        taken = taken.exclude(pk=pk)
    if taken.exists():
        raise ValidationError(
            {"external_id": _("Another contact of this client has the code %(code)s.")
             % {"code": details.external_id}}
        )  # fmt: skip


def contact_create(*, client: Client, details: ContactDetails, by: User | None) -> Contact:
    _require_change(by, client)
    details = details.cleaned()
    problems = contact_details_problems(details)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        _external_id_check(client, details, pk=None)
        return Contact.objects.create(client=client, **vars(details))


def contact_update(*, contact: Contact, details: ContactDetails, by: User | None) -> Contact:
    """Replace the contact's details; a contact with the same details is left as it is."""
    _require_change(by, contact.client)
    details = details.cleaned()
    problems = contact_details_problems(details)
    if problems:
        raise ValidationError(problems)
    changed = [name for name, value in vars(details).items() if getattr(contact, name) != value]
    if not changed:
        return contact
    with transaction.atomic():
        _external_id_check(contact.client, details, pk=contact.pk)
        for name in changed:
            setattr(contact, name, getattr(details, name))
        contact.save(update_fields=[*changed, "updated_at"])
    return contact


def contact_active_set(*, contact: Contact, active: bool, by: User | None) -> Contact:
    """Deactivate a contact who left (or take one back); the meetings that named it keep it."""
    _require_change(by, contact.client)
    if contact.active != active:
        contact.active = active
        contact.save(update_fields=["active", "updated_at"])
    return contact


def get_contact_of_client(*, client: Client, contact_id: int) -> Contact:
    """One contact of a client the caller reached through the clients' funnel; 404 otherwise."""
    try:
        return Contact.objects.select_related("client").get(pk=contact_id, client=client)
    except Contact.DoesNotExist:
        raise Http404("No such contact of this client") from None
