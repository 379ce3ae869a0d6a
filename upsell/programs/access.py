"""The one permission funnel for sales programs.

Top management designs programs: creates, edits, activates and closes them. The head of sales
sees every program, drafts proposals for top management, and decides memberships. A member's own
terms (credit limit and delay, guaranteed stock) are set by either. Managers and
assistants see the programs in force and the memberships of the clients they may see (a
membership belongs to its client); a manager proposes its own clients. An administrator manages
users and imports, not sales.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.clients.access import clients_visible_to
from upsell.clients.models import Client
from upsell.programs.models import Membership, Program, ProgramState


def programs_visible_to(user: User) -> QuerySet[Program]:
    programs = Program.objects.all()
    if not user.is_authenticated or not user.is_active:
        return programs.none()
    if user.role in (Role.HEAD_OF_SALES, Role.TOP_MANAGEMENT):
        return programs
    if user.role in (Role.MANAGER, Role.ASSISTANT):
        return programs.exclude(state=ProgramState.DRAFT)
    return programs.none()


def memberships_visible_to(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(
        client__in=clients_visible_to(user), program__in=programs_visible_to(user)
    )


def can_design_programs(user: User) -> bool:
    return user.is_active and user.role == Role.TOP_MANAGEMENT


def can_propose_programs(user: User) -> bool:
    return user.is_active and user.role in (Role.TOP_MANAGEMENT, Role.HEAD_OF_SALES)


def can_decide_memberships(user: User) -> bool:
    return user.is_active and user.role == Role.HEAD_OF_SALES


def can_set_member_terms(user: User) -> bool:
    """A member's own terms (its credit limit and delay, the stock kept for it) are agreed with
    the client within the program's: by top management or the head of sales."""
    return user.is_active and user.role in (Role.TOP_MANAGEMENT, Role.HEAD_OF_SALES)


def can_propose_membership(user: User, client: Client) -> bool:
    if not user.is_active:
        return False
    if user.role == Role.HEAD_OF_SALES:
        return True
    return user.role == Role.MANAGER and client.manager_id == user.pk


def get_program_for_user(user: User, program_id: int, *, design: bool = False) -> Program:
    """The program if ``user`` may see it (and change its terms, with ``design``): 404 for one
    it may not see, 403 for one it may see but not change."""
    try:
        program = programs_visible_to(user).get(pk=program_id)
    except Program.DoesNotExist:
        raise Http404("No such program") from None
    if design and not can_design_programs(user):
        raise PermissionDenied(_("Only top management changes a program's terms"))
    return program


def get_membership_for_user(user: User, membership_id: int) -> Membership:
    try:
        return (
            memberships_visible_to(user)
            .select_related("program", "client", "client__manager")
            .get(pk=membership_id)
        )
    except Membership.DoesNotExist:
        raise Http404("No such membership") from None
