"""The status rules in force: the method's defaults overlaid with what the head of sales set."""

from dataclasses import asdict, fields

from upsell.analytics.settings import AuditSettings
from upsell.reporting.models import AuditRules, AuditUnit

THRESHOLD_NAMES = tuple(field.name for field in fields(AuditSettings))


def audit_settings_from(thresholds: dict[str, object]) -> AuditSettings:
    """The settings the stored thresholds make; unknown names (from an older version) are
    ignored so that a stored row never breaks the audit."""
    known = {name: value for name, value in thresholds.items() if name in THRESHOLD_NAMES}
    return AuditSettings(**known)  # type: ignore[arg-type]


def audit_rules_latest() -> AuditRules | None:
    return AuditRules.objects.order_by("-changed_at", "-id").first()


def audit_settings_current() -> AuditSettings:
    rules = audit_rules_latest()
    return audit_settings_from(rules.thresholds if rules else {})


def audit_unit_current() -> AuditUnit:
    """Whether the audit reads each client on its own or an organisation with its branches."""
    rules = audit_rules_latest()
    return AuditUnit(rules.unit) if rules else AuditUnit.BRANCH


def thresholds_changed_from_defaults(settings: AuditSettings) -> dict[str, object]:
    defaults = asdict(AuditSettings())
    return {name: value for name, value in asdict(settings).items() if defaults[name] != value}
