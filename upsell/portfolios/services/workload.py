"""The capacity and pool settings of the head of sales."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.portfolios.models import WorkloadSettings


def workload_settings_update(
    *, max_motivated_per_manager: int, pool_assistant: User | None, changed_by: User
) -> WorkloadSettings:
    """Put a new capacity and pool in force; earlier settings stay as history."""
    errors: dict[str, str] = {}
    if max_motivated_per_manager < 1:
        errors["max_motivated_per_manager"] = _("A manager serves at least one client.")
    if pool_assistant is not None and (
        pool_assistant.role != Role.ASSISTANT or not pool_assistant.is_active
    ):
        errors["pool_assistant"] = _("%(user)s is not an active assistant.") % {
            "user": pool_assistant
        }
    if errors:
        raise ValidationError(errors)
    return WorkloadSettings.objects.create(
        max_motivated_per_manager=max_motivated_per_manager,
        pool_assistant=pool_assistant,
        changed_by=changed_by,
    )
