"""The status rules page: every threshold has a label of its own, each managed status is a box
beside its label, and whoever may not change the rules reads their values, not disabled
inputs."""

import re
from dataclasses import fields

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from upsell.accounts.models import User
from upsell.analytics.settings import AuditSettings
from upsell.history.models import ChangeSource
from upsell.reporting.forms import THRESHOLD_LABELS, AuditRulesForm
from upsell.reporting.models import AuditUnit
from upsell.reporting.services import status_rules_update

CONTROL = re.compile(r"<(input|select|textarea)\b[^>]*>")


def _rules_page(user: User) -> str:
    http = HttpClient()
    http.force_login(user)
    response = http.get(reverse("audit:rules"))
    assert response.status_code == 200
    return response.content.decode()


def _rules_section(html: str) -> str:
    return html[html.index('id="rules"') : html.index('id="changes"')]


def test_every_threshold_has_a_label_of_its_own() -> None:
    assert list(THRESHOLD_LABELS) == [field.name for field in fields(AuditSettings)]
    with translation.override("en"):
        labels = [str(label) for label in THRESHOLD_LABELS.values()]
    assert len(set(labels)) == len(labels)
    assert all(" " in label for label in labels)


def test_each_managed_status_is_a_box_inside_its_own_label(head_of_sales: User) -> None:
    html = _rules_section(_rules_page(head_of_sales))

    boxes = re.findall(
        r'<label for="(id_managed_statuses_\d)"><input type="checkbox" name="managed_statuses" '
        r'value="(\w+)"[^>]*id="(id_managed_statuses_\d)"[^>]*>([^<]+)</label>',
        html,
    )
    assert [(value, label) for _for, value, _id, label in boxes] == [
        ("new", "New"), ("one_time", "One-time"), ("irregular", "Irregular"),
        ("regular", "Regular"), ("vip", "VIP"), ("partner", "Partner"),
        ("reanimated", "Reanimated"), ("lapsing", "Lapsing"), ("lost", "Lost"),
    ]  # fmt: skip
    assert all(label_for == box_id for label_for, _value, box_id, _label in boxes)


def test_the_managed_statuses_read_in_russian(head_of_sales: User) -> None:
    http = HttpClient()
    http.force_login(head_of_sales)

    html = http.get(reverse("audit:rules"), headers={"accept-language": "ru"}).content.decode()

    labels = re.findall(r'name="managed_statuses"[^>]*>([^<]+)</label>', html)
    assert labels == [
        "Новый", "Разовый", "Нерегулярный", "Постоянный", "VIP", "Партнёр",
        "Реанимированный", "Уходящий", "Потерянный",
    ]  # fmt: skip


def test_top_management_reads_the_rules_as_values_without_a_form(
    head_of_sales: User, top_manager: User
) -> None:
    status_rules_update(
        thresholds={"regular_min_orders": 5, "lapsing_interval_factor": 2.5},
        managed_statuses=["vip", "regular"],
        unit="organisation",
        changed_by=head_of_sales,
        source=ChangeSource.SCREEN,
    )

    html = _rules_page(top_manager)

    section = _rules_section(html)
    assert CONTROL.findall(section) == []
    assert "disabled" not in section
    pairs = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", section)
    assert pairs[:4] == [
        ("Motivated clients: the statuses a manager manages and forecasts", "Regular, VIP"),
        ("What the audit reads as one buyer", "An organisation with its branches"),
        ("New: first order within, days", "90"),
        ("One-time: the single order within, days", "365"),
    ]
    assert dict(pairs)["Regular: at least this many orders in the window"] == "5"
    assert dict(pairs)["Lapsing: days since last order above this × typical interval"] == "2.5"
    assert len(pairs) == 2 + len(fields(AuditSettings))
    assert "Save the rules" not in html


def test_the_head_of_sales_chooses_what_the_audit_reads_as_one_buyer(head_of_sales: User) -> None:
    html = _rules_section(_rules_page(head_of_sales))

    field = html[html.index('<label for="id_unit">') : html.index("</select>")]
    assert re.findall(r'<option value="(\w+)"( selected)?>([^<]+)</option>', field) == [
        ("branch", " selected", "Each branch on its own"),
        ("organisation", "", "An organisation with its branches"),
    ]
    assert "What the audit reads as one buyer" in field


def test_the_setting_and_its_choices_are_in_the_readers_language() -> None:
    form = AuditRulesForm(settings=AuditSettings(), managed=(), unit=AuditUnit.BRANCH)

    texts = [form.fields["unit"].label, *(label for _value, label in AuditUnit.choices)]
    assert all(isinstance(text, Promise) for text in texts)
