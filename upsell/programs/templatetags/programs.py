"""A member's progress in words on any page that lists memberships or clients, written by the
one presenter: ``{% progress_words membership %}``, and ``client|program_levers`` for a client
whose memberships and their progress were prefetched (``program_memberships__program``,
``program_memberships__progress``)."""

from django import template

from upsell.clients.models import Client
from upsell.programs.models import Membership, MembershipGroup, MembershipState
from upsell.programs.presenters import progress_sentence

register = template.Library()


@register.simple_tag
def progress_words(membership: Membership) -> str:
    return progress_sentence(membership)


@register.filter
def program_levers(client: Client) -> list[str]:
    """What the client's programs offer the manager now: each membership whose next tier the
    night found within reach, in words."""
    return [
        progress_sentence(membership)
        for membership in client.program_memberships.all()
        if membership.group == MembershipGroup.MEMBER
        and membership.state == MembershipState.ACTIVE
        and getattr(membership, "progress", None) is not None
        and membership.progress.within_reach
    ]
