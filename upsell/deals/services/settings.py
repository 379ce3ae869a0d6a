"""The closing settings of the head of sales: every change a new row, the latest in force."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from upsell.accounts.models import User
from upsell.deals.models import ClosingSettings
from upsell.deals.stuck import closing_settings_latest

# A deal waiting more than a year is not stuck, it is forgotten: the setting stops there.
STUCK_AFTER_DAYS_MAX = 365


def closing_settings_update(*, stuck_after_days: int, changed_by: User) -> ClosingSettings:
    """Put a new number of days after which an open deal without activity is stuck in force.
    The settings in force come back unchanged when the number is the same."""
    if not 1 <= stuck_after_days <= STUCK_AFTER_DAYS_MAX:
        raise ValidationError(
            {
                "stuck_after_days": _("Give a number of days from 1 to %(max)s.")
                % {"max": STUCK_AFTER_DAYS_MAX}
            }
        )
    with transaction.atomic():
        latest = closing_settings_latest()
        if latest is not None and latest.stuck_after_days == stuck_after_days:
            return latest
        return ClosingSettings.objects.create(
            stuck_after_days=stuck_after_days, changed_by=changed_by
        )
