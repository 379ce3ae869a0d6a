"""The capacity and pool settings of the head of sales."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from upsell.accounts.models import Role, User
from upsell.history.models import ChangeSource, Subject
from upsell.history.services import changes_record, fields_changed
from upsell.portfolios.models import WorkloadSettings
from upsell.portfolios.selectors import workload_settings_current


def workload_settings_update(
    *,
    max_motivated_per_manager: int,
    pool_assistant: User | None,
    changed_by: User,
    source: ChangeSource,
) -> WorkloadSettings:
    """Put a new capacity and pool in force; earlier settings stay as history, and each that
    moved is kept in their history of changes (the pool assistant by id)."""
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
    current = workload_settings_current()
    with transaction.atomic():
        stored = WorkloadSettings.objects.create(
            max_motivated_per_manager=max_motivated_per_manager,
            pool_assistant=pool_assistant,
            changed_by=changed_by,
        )
        changes_record(
            changes=fields_changed(
                subject=Subject.WORKLOAD_SETTINGS,
                object_id=None,
                before={
                    "max_motivated_per_manager": current.max_motivated_per_manager,
                    "pool_assistant": current.pool_assistant and current.pool_assistant.pk,
                },
                after={
                    "max_motivated_per_manager": max_motivated_per_manager,
                    "pool_assistant": pool_assistant and pool_assistant.pk,
                },
            ),
            by=changed_by,
            source=source,
        )
    return stored
