"""``{% progress_words membership %}``: a member's progress in words on any page that lists
memberships (the card, a program, the forecast grid), written by the one presenter."""

from django import template

from upsell.programs.models import Membership
from upsell.programs.presenters import progress_sentence

register = template.Library()


@register.simple_tag
def progress_words(membership: Membership) -> str:
    return progress_sentence(membership)
