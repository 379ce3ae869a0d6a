"""Every page and every API operation, as every persona, against Boris's things.

The endpoints are not listed by hand: the pages come from walking the project's URL patterns,
the API operations from its OpenAPI schema. Each must have a rule in PAGE_RULES or API_RULES
saying what each persona gets, so a URL or operation added without deciding who may use it
fails ``test_every_endpoint_has_a_rule``.

Path parameters take the ids of Boris's things (his client, his shipment, his payment) or of
things otherwise restricted (an import run, a product). Then, as each persona:
- anonymous callers are sent to the login page (pages) or answered 401 (API);
- Anna, Vera and Adam get 404 for Boris's things, or 403 where existence is no secret;
- no response to them holds Boris's data (his client's name or tax id, his documents' numbers);
- after an unsafe method they were refused, no table gained or lost a row and none of the
  restricted things changed.
"""

import datetime as dt
import enum
import html
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, cast
from urllib.parse import urlencode

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import resolve_url
from django.tasks import TaskResultStatus
from django.test import Client as HttpClient
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from upsell.accounts.tokens import api_token_create
from upsell.clients.models import Client, ClientStatus, Contact
from upsell.config.api import api
from upsell.core.months import month_add, month_start
from upsell.deals.models import ActivityKind, CoachingPeriod, LostReason, ObjectionCategory
from upsell.deals.services.activities import ActivityPlan, activity_plan
from upsell.deals.services.deals import deal_open, lost_reason_add
from upsell.deals.services.objections import answer_add, objection_log
from upsell.forecasts.models import ForecastCell
from upsell.history.models import Change, ChangeSource, Subject
from upsell.imports.models import ColumnMapping, ImportRun, ImportStatus
from upsell.payments.models import Payment
from upsell.products.tests.factories import ProductFactory
from upsell.programs.models import MembershipProgress, ProgramKind
from upsell.programs.services.memberships import membership_propose, memberships_enrol
from upsell.programs.services.terms import Tier
from upsell.programs.tests.factories import credit_line_terms, program_running
from upsell.reporting.models import AuditRun
from upsell.requests.models import OrderRequest, RequestSource, RequestStatus, RoutingRule
from upsell.shipments.models import Shipment, ShipmentLine
from upsell.today.actions import action_key
from upsell.today.models import ActionKind
from upsell.worker.heartbeat import host_name
from upsell.worker.models import WorkerHeartbeat


class Outcome(enum.Enum):
    ALLOWED = "allowed"
    LOGIN = "sent to log in"
    NOT_FOUND = "404"
    FORBIDDEN = "403"


ALLOWED, LOGIN, NOT_FOUND, FORBIDDEN = Outcome
PERSONAS = ("anonymous", "anna", "boris", "vera", "helen", "tom", "adam")
# The personas who must never see Boris's data, whatever they call.
OUTSIDERS = ("anonymous", "anna", "vera", "adam")


@dataclass(frozen=True)
class Rule:
    outcomes: dict[str, Outcome]
    # Outcomes of unsafe methods where they differ (a page one may read but not change).
    unsafe_outcomes: dict[str, Outcome]
    # Which restricted thing a path parameter takes, where its name does not say it.
    things: dict[str, str]
    # Values of parameters that are not ids, one request per variant.
    variants: tuple[dict[str, str], ...]

    def expected(self, persona: str, method: str) -> Outcome:
        if method != "GET" and persona in self.unsafe_outcomes:
            return self.unsafe_outcomes[persona]
        return self.outcomes[persona]


def rule(
    *,
    everyone: Outcome | None = None,
    things: dict[str, str] | None = None,
    variants: tuple[dict[str, str], ...] = ({},),
    unsafe: dict[str, Outcome] | None = None,
    **outcomes: Outcome,
) -> Rule:
    """Signed-in personas allowed and anonymous callers sent to log in, unless ``everyone`` or
    ``outcomes`` say otherwise."""
    unknown = (set(outcomes) | set(unsafe or {})) - set(PERSONAS)
    assert not unknown, f"not personas: {unknown}"
    default = {"anonymous": LOGIN} | dict.fromkeys(PERSONAS[1:], ALLOWED)
    expected = (default if everyone is None else dict.fromkeys(PERSONAS, everyone)) | outcomes
    return Rule(
        outcomes=expected, unsafe_outcomes=unsafe or {}, things=things or {}, variants=variants
    )


PUBLIC = rule(anonymous=ALLOWED)
SIGNED_IN = rule()
SEES_BORIS_CLIENT = rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND)
CHANGES_BORIS_CLIENT = rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, tom=FORBIDDEN)
# Reassigning a client, overriding its status: the head of sales's decisions.
HEAD_OF_SALES_DECIDES_FOR_BORIS_CLIENT = rule(
    anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, boris=FORBIDDEN, tom=FORBIDDEN
)
CREATES_CLIENTS = rule(vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN)
CHANGES_PRODUCTS = rule(anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN)
# Imports are the business of the administrator and the head of sales. The API refuses the
# others (403); the import screens do not exist for them (404).
IMPORTS_FILES = rule(anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN)
SEES_IMPORT_RUN = rule(anna=NOT_FOUND, boris=NOT_FOUND, vera=NOT_FOUND, tom=NOT_FOUND)
IMPORT_SCREEN = SEES_IMPORT_RUN
# The audit is no secret, only not everybody's to use (403).
SEES_AUDIT = rule(anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, adam=FORBIDDEN)
RUNS_AUDIT = rule(anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN)
NOTHING_THERE = rule(everyone=NOT_FOUND)
# Forecasts are the work of managers, the head of sales and top management (who only reads).
FORECAST_SCREEN = rule(vera=FORBIDDEN, adam=FORBIDDEN)
# Closing is the work of managers (their own deals), the head of sales and top management; an
# assistant or administrator finds nothing there.
SEES_DEALS = rule(vera=NOT_FOUND, adam=NOT_FOUND)

# Deals: the screens of managers, the head of sales and top management (who only reads).
DEAL_SCREEN = rule(vera=FORBIDDEN, adam=FORBIDDEN)
WORKS_BORIS_DEAL = rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, unsafe={"tom": FORBIDDEN})
KEEPS_CLOSING_LISTS = rule(
    anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN
)

# The Users page is the administrator's; for everybody else it is not there.
MANAGES_USERS = rule(
    anna=NOT_FOUND, boris=NOT_FOUND, vera=NOT_FOUND, helen=NOT_FOUND, tom=NOT_FOUND,
    things={"user_id": "manager"},
)  # fmt: skip
# The reviews: the head of sales and top management; for anyone else there is no such page.
SEES_REVIEW = rule(anna=NOT_FOUND, boris=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND)

PAGE_RULES: dict[str, Rule] = {
    "accounts:login": PUBLIC,
    # Signing out sends everyone, signed in or not, to the login page.
    "accounts:logout": rule(everyone=LOGIN),
    "accounts:home": SIGNED_IN,
    "accounts:password_change": SIGNED_IN,
    "accounts:users": MANAGES_USERS,
    "accounts:user_create": MANAGES_USERS,
    "accounts:user_edit": MANAGES_USERS,
    "accounts:user_active": MANAGES_USERS,
    "clients:list": SIGNED_IN,
    "clients:export": rule(variants=({"file_format": "csv"}, {"file_format": "xlsx"})),
    "clients:create": CREATES_CLIENTS,
    "clients:detail": SEES_BORIS_CLIENT,
    "clients:edit": CHANGES_BORIS_CLIENT,
    "clients:budget_edit": CHANGES_BORIS_CLIENT,
    "clients:shipment": SEES_BORIS_CLIENT,
    "clients:shipments_export": SEES_BORIS_CLIENT,
    "clients:payments_export": SEES_BORIS_CLIENT,
    "imports:list": IMPORT_SCREEN,
    "imports:export": IMPORT_SCREEN,
    "imports:detail": IMPORT_SCREEN,
    "imports:rejected": IMPORT_SCREEN,
    "imports:columns": IMPORT_SCREEN,
    "audit:overview": SEES_AUDIT,
    "audit:export": SEES_AUDIT,
    "audit:statuses_export": SEES_AUDIT,
    "audit:accuracy_export": FORECAST_SCREEN,
    "audit:start": RUNS_AUDIT,
    "audit:forecast_refresh": RUNS_AUDIT,
    "audit:run": rule(
        things={"run_id": "audit_run"}, anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN
    ),
    "audit:rules": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, adam=FORBIDDEN, unsafe={"tom": FORBIDDEN}
    ),
    "audit:client_status": SEES_BORIS_CLIENT,
    "forecasts:client_forecast": SEES_BORIS_CLIENT,
    "forecasts:client_forecast_changes": SEES_BORIS_CLIENT,
    "requests:client_requests": SEES_BORIS_CLIENT,
    "audit:client_status_override": HEAD_OF_SALES_DECIDES_FOR_BORIS_CLIENT,
    "audit:client_status_lift": HEAD_OF_SALES_DECIDES_FOR_BORIS_CLIENT,
    "forecasts:grid": FORECAST_SCREEN,
    "forecasts:cell": rule(
        variants=({"month": "2026-03"},),
        anna=NOT_FOUND,
        vera=NOT_FOUND,
        adam=NOT_FOUND,
        unsafe={"tom": FORBIDDEN},
    ),
    "forecasts:plan": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN
    ),
    # A manager fills its own grid; the head of sales any manager's; top management only reads.
    "forecasts:baselines_accept": rule(
        anna=NOT_FOUND, vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN
    ),
    "forecasts:accuracy": FORECAST_SCREEN,
    "forecasts:export": FORECAST_SCREEN,
    "forecasts:import": rule(vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN),
    "requests:queues": rule(adam=FORBIDDEN),
    "requests:export": rule(adam=FORBIDDEN),
    "requests:create": rule(tom=FORBIDDEN, adam=FORBIDDEN),
    # The new-request form's client search finds only the clients the user may serve.
    "requests:client_search": rule(tom=FORBIDDEN, adam=FORBIDDEN),
    "requests:rules": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, adam=FORBIDDEN, unsafe={"tom": FORBIDDEN}
    ),
    "notifications:list": SIGNED_IN,
    "requests:detail": SEES_BORIS_CLIENT,
    # The head of sales and the client's manager hand a request over; its assignee works on it.
    "requests:reassign": CHANGES_BORIS_CLIENT,
    "requests:status": CHANGES_BORIS_CLIENT,
    "portfolios:workload": SEES_AUDIT,
    "portfolios:export": SEES_AUDIT,
    "portfolios:settings": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN
    ),
    "portfolios:rebalance": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN
    ),
    # Sales programs: everyone in sales sees the programs in force and the memberships of the
    # clients it sees; top management designs them, the head of sales decides who is in.
    "programs:list": SIGNED_IN,
    "programs:create": rule(anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, adam=FORBIDDEN),
    "programs:detail": rule(adam=NOT_FOUND),
    "programs:export": rule(adam=NOT_FOUND),
    "programs:settle": rule(
        things={"program_id": "settled_program"},
        anna=FORBIDDEN,
        boris=FORBIDDEN,
        vera=FORBIDDEN,
        helen=FORBIDDEN,
        adam=NOT_FOUND,
    ),
    "programs:edit": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, helen=FORBIDDEN, adam=NOT_FOUND
    ),
    "programs:activate": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, helen=FORBIDDEN, adam=NOT_FOUND
    ),
    "programs:close": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, helen=FORBIDDEN, adam=NOT_FOUND
    ),
    "programs:enrol": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN, adam=NOT_FOUND
    ),
    "programs:membership_end": HEAD_OF_SALES_DECIDES_FOR_BORIS_CLIENT,
    # A member's stock is its own terms: top management or the head of sales sets it.
    "programs:membership_stock": rule(
        anna=NOT_FOUND,
        vera=NOT_FOUND,
        adam=NOT_FOUND,
        boris=FORBIDDEN,
        things={"membership_id": "stock_membership"},
    ),
    "programs:client_section": SEES_BORIS_CLIENT,
    # Closing: a manager its own deals, the head of sales all, top management reads them, an
    # assistant and the administrator none; the head of sales keeps the lists.
    "deals:board": DEAL_SCREEN,
    "deals:export": DEAL_SCREEN,
    "deals:create": rule(vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN),
    "deals:detail": WORKS_BORIS_DEAL,
    "deals:move": WORKS_BORIS_DEAL,
    "deals:edit": WORKS_BORIS_DEAL,
    "deals:link": WORKS_BORIS_DEAL,
    "deals:objection_log": WORKS_BORIS_DEAL,
    "deals:objection_outcome": WORKS_BORIS_DEAL,
    "deals:client_section": SEES_BORIS_CLIENT,
    "offers:client_section": SEES_BORIS_CLIENT,
    "deals:from_cell": rule(
        variants=({"month": "2026-03"},),
        anna=NOT_FOUND,
        vera=NOT_FOUND,
        adam=NOT_FOUND,
        tom=FORBIDDEN,
    ),
    "deals:lost_reasons": KEEPS_CLOSING_LISTS,
    "deals:lost_reason_change": KEEPS_CLOSING_LISTS,
    "deals:answers": rule(
        vera=FORBIDDEN,
        adam=FORBIDDEN,
        unsafe={"anna": FORBIDDEN, "boris": FORBIDDEN, "tom": FORBIDDEN},
    ),
    "deals:answer_change": KEEPS_CLOSING_LISTS,
    # A client's contact persons: whoever sees the client reads them, whoever changes it keeps
    # them. Calls, meetings and visits: the client's manager and the head of sales plan and
    # change them, top management reads them, an assistant and the administrator see none.
    "clients:contacts": rule(
        anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, unsafe={"tom": FORBIDDEN}
    ),
    "clients:contact_edit": CHANGES_BORIS_CLIENT,
    "clients:contact_active": CHANGES_BORIS_CLIENT,
    "deals:client_activities": SEES_BORIS_CLIENT,
    "deals:activity_plan": CHANGES_BORIS_CLIENT,
    "deals:activity": SEES_BORIS_CLIENT,
    "deals:activity_edit": CHANGES_BORIS_CLIENT,
    "deals:activity_hold": CHANGES_BORIS_CLIENT,
    "deals:activity_cancel": CHANGES_BORIS_CLIENT,
    # A person's own week; the head of sales and top management see anyone's and the team's.
    "deals:calendar": rule(vera=FORBIDDEN, adam=FORBIDDEN),
    "deals:calendar_feed_renew": rule(vera=FORBIDDEN, adam=FORBIDDEN),
    # A calendar program reads a feed by its secret alone: a wrong one is nobody's.
    "deals:calendar_feed": rule(everyone=NOT_FOUND, variants=({"secret": "not-a-secret"},)),
    "programs:propose": CHANGES_BORIS_CLIENT,
    # From forecast to money and the stuck deals: a manager its own, the head of sales and top
    # management everyone's; the closing settings are changed by the head of sales alone.
    "deals:conversion": SEES_DEALS,
    "deals:conversion_export": SEES_DEALS,
    "deals:stuck": SEES_DEALS,
    "deals:closing_settings": rule(
        vera=NOT_FOUND,
        adam=NOT_FOUND,
        unsafe={"anna": FORBIDDEN, "boris": FORBIDDEN, "tom": FORBIDDEN},
    ),
    # The card's reassign form: the client changes hands with its requests and forecast.
    "portfolios:client_reassign": HEAD_OF_SALES_DECIDES_FOR_BORIS_CLIENT,
    # Coaching: the head of sales coaches, top management reads, a manager reads its own.
    "deals:coaching_list": rule(vera=FORBIDDEN, adam=FORBIDDEN),
    "deals:coaching_create": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN
    ),
    "deals:coaching_detail": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND),
    "deals:coaching_edit": rule(
        anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, boris=FORBIDDEN, tom=FORBIDDEN
    ),
    "deals:coaching_note": rule(
        anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, boris=FORBIDDEN, tom=FORBIDDEN
    ),
    "deals:coaching_join": rule(
        anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, boris=FORBIDDEN, tom=FORBIDDEN
    ),
    # Today: a manager its own list, the head of sales the team's, top management reads; an
    # assistant or administrator has none. Deciding is the client's manager's or the head of
    # sales'; the weights the head of sales'.
    "today:list": SEES_DEALS,
    "today:decide": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, tom=FORBIDDEN),
    "today:weights": rule(
        vera=NOT_FOUND,
        adam=NOT_FOUND,
        unsafe={"anna": FORBIDDEN, "boris": FORBIDDEN, "tom": FORBIDDEN},
    ),
    # The Monday review is the head of sales', the company view hers and top management's
    # (who, opening the review, is shown the company view); nobody else finds them.
    "review:monday": SEES_REVIEW,
    "review:company": SEES_REVIEW,
    # The API's machine-readable description and its docs page hold no data.
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    # Ninja's name for the API's root, which serves nothing.
    "api:api-root": NOTHING_THERE,
    # A monitor asks whether the installation works; the answer names no one.
    "healthz": PUBLIC,
    # 1C's exchange signs in as the one exchange user by its password, never by a session of
    # the site: everyone else is refused with 1C's "failure".
    "exchange:1c": rule(everyone=FORBIDDEN),
}

# The workload's settings and rebalancing, the complex-order rules: the head of sales's calls.
HEAD_OF_SALES_ONLY = rule(
    anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN
)
# A program in force is no secret to the sellers; the administrator sees none.
SEES_PROGRAM = rule(adam=NOT_FOUND)
WORKS_BORIS_DEAL_API = rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, tom=FORBIDDEN)
DESIGNS_PROGRAM = rule(
    anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, helen=FORBIDDEN, adam=NOT_FOUND
)
# Boris's coaching period: he reads it, the head of sales coaches, top management reads.
SEES_COACHING_PERIOD = rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND)
COACHES_PERIOD = rule(
    anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, boris=FORBIDDEN, tom=FORBIDDEN
)

API_RULES: dict[str, Rule] = {
    "get_me": SIGNED_IN,
    # The reviews, as their pages: the Monday review the head of sales', the company view hers
    # and top management's; nobody else finds them.
    "get_review": rule(
        anna=NOT_FOUND, boris=NOT_FOUND, vera=NOT_FOUND, tom=NOT_FOUND, adam=NOT_FOUND
    ),
    "get_company_review": SEES_REVIEW,
    # The review's list of status changes, a page at a time: the head of sales', as the review.
    "list_status_changes": rule(
        anna=NOT_FOUND, boris=NOT_FOUND, vera=NOT_FOUND, tom=NOT_FOUND, adam=NOT_FOUND
    ),
    "list_clients": SIGNED_IN,
    "create_client": CREATES_CLIENTS,
    "get_client": SEES_BORIS_CLIENT,
    "list_client_suggestions": SEES_BORIS_CLIENT,
    "list_client_changes": SEES_BORIS_CLIENT,
    "update_client": CHANGES_BORIS_CLIENT,
    "get_client_budget_months": SEES_BORIS_CLIENT,
    "set_client_budget_months": CHANGES_BORIS_CLIENT,
    "reassign_client": HEAD_OF_SALES_DECIDES_FOR_BORIS_CLIENT,
    # A client's status, as its card: whoever sees the client reads it, the head of sales alone
    # sets it by hand or lifts that.
    "get_client_status": SEES_BORIS_CLIENT,
    "override_client_status": HEAD_OF_SALES_DECIDES_FOR_BORIS_CLIENT,
    "lift_client_status_override": HEAD_OF_SALES_DECIDES_FOR_BORIS_CLIENT,
    "list_products": SIGNED_IN,
    "get_product": SIGNED_IN,
    "create_product": CHANGES_PRODUCTS,
    "update_product": CHANGES_PRODUCTS,
    "list_shipments": SIGNED_IN,
    "get_shipment": SEES_BORIS_CLIENT,
    "list_payments": SIGNED_IN,
    "get_payment": SEES_BORIS_CLIENT,
    "list_notifications": SIGNED_IN,
    "mark_notifications_read": SIGNED_IN,
    "list_import_runs": SIGNED_IN,
    "get_import_run": SEES_IMPORT_RUN,
    "create_import_run": IMPORTS_FILES,
    "list_column_mappings": IMPORTS_FILES,
    "forget_column_mapping": IMPORTS_FILES,
    "list_order_requests": SIGNED_IN,
    "get_order_request": SEES_BORIS_CLIENT,
    "create_order_request": CHANGES_BORIS_CLIENT,
    "reassign_order_request": CHANGES_BORIS_CLIENT,
    # Its assignee, the client's manager or the head of sales takes it, finishes or cancels it.
    "set_order_request_status": CHANGES_BORIS_CLIENT,
    # The complex-order rules, as on their page: top management reads, the head of sales sets.
    "get_complex_rules": SEES_AUDIT,
    "update_complex_rules": HEAD_OF_SALES_ONLY,
    "list_forecast_cells": SIGNED_IN,
    "get_client_forecast": SEES_BORIS_CLIENT,
    "list_client_forecast_changes": SEES_BORIS_CLIENT,
    "save_forecast_cell": CHANGES_BORIS_CLIENT,
    # Plans and accuracy, as the grid and the accuracy page: a manager its own, the head of
    # sales and top management anyone's; the head of sales alone sets plans.
    "list_sales_plans": FORECAST_SCREEN,
    "set_sales_plans": HEAD_OF_SALES_ONLY,
    "get_forecast_accuracy": FORECAST_SCREEN,
    # The workload board, as its page: top management reads the board and its settings, the
    # head of sales alone changes them and sees and applies the rebalancing.
    "get_workload": SEES_AUDIT,
    "get_workload_settings": SEES_AUDIT,
    "update_workload_settings": HEAD_OF_SALES_ONLY,
    "get_rebalance_proposal": HEAD_OF_SALES_ONLY,
    "apply_rebalance_proposal": HEAD_OF_SALES_ONLY,
    # Sales programs, as on their screens: every seller sees those in force (the administrator
    # none), top management designs them, it and the head of sales set a member's own terms,
    # the head of sales decides memberships, a manager proposes its own clients.
    "list_programs": SIGNED_IN,
    "create_program": rule(anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, adam=FORBIDDEN),
    "get_program": SEES_PROGRAM,
    "update_program": DESIGNS_PROGRAM,
    "activate_program": DESIGNS_PROGRAM,
    "close_program": DESIGNS_PROGRAM,
    "settle_program": rule(
        things={"program_id": "settled_program"},
        anna=FORBIDDEN,
        boris=FORBIDDEN,
        vera=FORBIDDEN,
        helen=FORBIDDEN,
        adam=NOT_FOUND,
    ),
    "list_program_memberships": SEES_PROGRAM,
    "enrol_memberships": rule(
        anna=FORBIDDEN, boris=FORBIDDEN, vera=FORBIDDEN, tom=FORBIDDEN, adam=NOT_FOUND
    ),
    "propose_membership": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, tom=FORBIDDEN),
    "export_program_report": SEES_PROGRAM,
    "get_membership": SEES_BORIS_CLIENT,
    "get_membership_progress": SEES_BORIS_CLIENT,
    "end_membership": HEAD_OF_SALES_DECIDES_FOR_BORIS_CLIENT,
    "set_membership_credit": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, boris=FORBIDDEN),
    "get_membership_stock": SEES_BORIS_CLIENT,
    "set_membership_stock": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, boris=FORBIDDEN),
    # From forecast to money, as on its pages.
    "get_conversion": SEES_DEALS,
    "list_stuck_deals": SEES_DEALS,
    "get_closing_settings": SEES_DEALS,
    "update_closing_settings": rule(
        vera=NOT_FOUND, adam=NOT_FOUND, anna=FORBIDDEN, boris=FORBIDDEN, tom=FORBIDDEN
    ),
    # Coaching, as on its screens.
    "list_coaching_periods": SIGNED_IN,
    "create_coaching_period": HEAD_OF_SALES_ONLY,
    "get_coaching_period": SEES_COACHING_PERIOD,
    "update_coaching_period": COACHES_PERIOD,
    "list_coaching_notes": SEES_COACHING_PERIOD,
    "create_coaching_note": COACHES_PERIOD,
    "join_coaching_meeting": COACHES_PERIOD,
    "list_coaching_effects": SEES_COACHING_PERIOD,
    # Closing, as on its screens.
    "list_deals": SIGNED_IN,
    "create_deal": rule(anna=NOT_FOUND, vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN),
    "create_deal_from_forecast": rule(
        anna=NOT_FOUND, vera=FORBIDDEN, tom=FORBIDDEN, adam=FORBIDDEN
    ),
    "get_deal": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND),
    "list_deal_stages": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND),
    "update_deal": WORKS_BORIS_DEAL_API,
    "move_deal": WORKS_BORIS_DEAL_API,
    "set_deal_links": WORKS_BORIS_DEAL_API,
    "list_deal_objections": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND),
    "log_objection": WORKS_BORIS_DEAL_API,
    "get_objection": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND),
    "update_objection": WORKS_BORIS_DEAL_API,
    "list_answers": rule(vera=FORBIDDEN, adam=FORBIDDEN),
    "create_answer": HEAD_OF_SALES_ONLY,
    "update_answer": HEAD_OF_SALES_ONLY,
    "list_lost_reasons": rule(vera=FORBIDDEN, adam=FORBIDDEN),
    "create_lost_reason": HEAD_OF_SALES_ONLY,
    "update_lost_reason": HEAD_OF_SALES_ONLY,
    "order_lost_reasons": HEAD_OF_SALES_ONLY,
    "list_client_contacts": SEES_BORIS_CLIENT,
    "create_client_contact": CHANGES_BORIS_CLIENT,
    "update_client_contact": CHANGES_BORIS_CLIENT,
    "list_activities": SIGNED_IN,
    "get_activity": SEES_BORIS_CLIENT,
    "get_calendar_feed": rule(vera=FORBIDDEN, adam=FORBIDDEN),
    "renew_calendar_feed": rule(vera=FORBIDDEN, adam=FORBIDDEN),
    "create_activity": CHANGES_BORIS_CLIENT,
    "update_activity": CHANGES_BORIS_CLIENT,
    "hold_activity": CHANGES_BORIS_CLIENT,
    "cancel_activity": CHANGES_BORIS_CLIENT,
    # Today, as on its page.
    "get_today": SEES_DEALS,
    "decide_action": rule(anna=NOT_FOUND, vera=NOT_FOUND, adam=NOT_FOUND, tom=FORBIDDEN),
}

# A path parameter named like this takes the id of that restricted thing.
THING_FOR_PARAMETER = {
    "client_id": "client",
    "shipment_id": "shipment",
    "payment_id": "payment",
    "product_id": "product",
    "run_id": "import_run",
    "mapping_id": "column_mapping",
    "request_id": "order_request",
    "program_id": "program",
    "membership_id": "membership",
    "period_id": "coaching_period",
    "manager_id": "manager",
    "activity_id": "activity",
    "deal_id": "deal",
    "objection_id": "objection",
    "answer_id": "answer",
    "reason_id": "lost_reason",
    "contact_id": "contact",
}


# --- the endpoints --------------------------------------------------------------------------


def _is_excluded(resolver: URLResolver) -> bool:
    # Django's admin: staff-only, guarded by its own staff flag and model permissions rather
    # than the sales roles, and exercised by Django's own tests.
    if resolver.app_name == "admin":
        return True
    # i18n holds only set_language, which stores the visitor's language and reads no data.
    return getattr(resolver.urlconf_module, "__name__", "") == "django.conf.urls.i18n"


def _serves_static_files(pattern: URLPattern) -> bool:
    # Static files (served by these views in development only) are the same files for
    # everyone and hold no data.
    return getattr(pattern.callback, "__module__", "") in {
        "django.views.static",
        "django.contrib.staticfiles.views",
    }


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    parameters: tuple[str, ...]


def pages() -> Iterator[Page]:
    def walk(patterns: list[Any], namespace: str, route: str) -> Iterator[Page]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if not _is_excluded(pattern):
                    inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                    yield from walk(pattern.url_patterns, inner, route + str(pattern.pattern))
            elif not _serves_static_files(pattern):
                yield Page(
                    name=f"{namespace}{pattern.name}" if pattern.name else "",
                    route=route + str(pattern.pattern),
                    parameters=tuple(pattern.pattern.converters),
                )

    return walk(get_resolver().url_patterns, "", "/")


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    body: dict[str, Any] | None = field(default=None, hash=False)


API_SCHEMA = api.get_openapi_schema(path_prefix=reverse("api:api-root"))


def operations() -> Iterator[Operation]:
    for path, methods in API_SCHEMA["paths"].items():
        for method, operation in methods.items():
            yield Operation(
                operation_id=operation["operationId"],
                method=method.upper(),
                path=path,
                body=operation.get("requestBody"),
            )


def _api_route_as_path(route: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_endpoint_has_a_rule():
    page_names = [page.name for page in pages() if not page.name.startswith("api:")]
    api_pages = {page.name: page for page in pages() if page.name.startswith("api:")}
    operation_ids = {operation.operation_id for operation in operations()}

    assert "" not in page_names, "every URL pattern needs a name to carry an access rule"
    assert sorted(set(page_names) - set(PAGE_RULES)) == [], "pages without an access rule"
    assert sorted(operation_ids - set(API_RULES)) == [], "API operations without an access rule"
    # An API URL that is neither an operation in the schema nor in PAGE_RULES would escape the
    # walk (an operation left out of the schema, for one).
    hidden = {
        name
        for name, page in api_pages.items()
        if name not in PAGE_RULES
        and not (
            name.removeprefix("api:") in operation_ids
            and _api_route_as_path(page.route) in API_SCHEMA["paths"]
        )
    }
    assert sorted(hidden) == [], "API URLs that are not operations of the schema"


def test_no_rule_is_left_over_from_a_removed_endpoint():
    names = {page.name for page in pages()}
    operation_ids = {operation.operation_id for operation in operations()}

    # The docs page exists only where its assets are served locally (see upsell.config.api).
    assert sorted(set(PAGE_RULES) - names - {"api:openapi-view"}) == []
    assert sorted(set(API_RULES) - operation_ids) == []


# --- the world: Boris's things and the personas ----------------------------------------------


@dataclass
class World:
    things: dict[str, Any]
    users: dict[str, Any]
    secrets: tuple[str, ...]


@pytest.fixture
def world(
    manager_anna,
    manager_boris,
    assistant_vera,
    head_of_sales,
    top_manager,
    admin_adam,
    annas_client,
    boris_client,
):
    product = ProductFactory.create(sku="BOLT-M8", name="Болт М8")
    shipment = Shipment.objects.create(
        number="БОР-0001",
        date=dt.date(2026, 2, 10),
        client=boris_client,
        manager=manager_boris,
        total=Decimal("1200.00"),
        line_count=1,
        content_hash="0" * 32,
    )
    ShipmentLine.objects.create(
        shipment=shipment,
        line_no=1,
        product=product,
        quantity=Decimal(100),
        price=Decimal("12.00"),
        amount=Decimal("1200.00"),
    )
    payment = Payment.objects.create(
        date=dt.date(2026, 2, 20),
        client=boris_client,
        amount=Decimal("1200.00"),
        number="ПП-БОР-77",
        natural_key="boris-payment",
    )
    import_run = ImportRun.objects.create(
        file_name="products.csv",
        kind="products",
        status=ImportStatus.PARTIAL,
        keep_valid_rows=True,
        imported_by=head_of_sales,
        counts={"products": {"created": 1, "updated": 0, "unchanged": 0}},
        error_count=1,
        errors=[{"row": 3, "column": "Артикул", "message": "Пустое значение"}],
        stored_file=default_storage.save(
            "imports/products.csv",
            ContentFile("Артикул;Номенклатура\nA-1;Болт\n;Гайка\n".encode()),
        ),
        rejected_file=default_storage.save(
            "imports/products.rejected.csv",
            ContentFile("Артикул;Номенклатура;reason\n;Гайка;Пустое значение\n".encode()),
        ),
    )
    column_mapping = ColumnMapping.objects.create(
        shape="0" * 64,
        kind="clients",
        fields={"покупатель": "client"},
        headers=["Покупатель"],
        mapped_by=head_of_sales,
    )
    audit_run = AuditRun.objects.create(as_of=dt.date(2026, 3, 1), started_by=head_of_sales)
    # The installation works: a task worker lives (this process) and the night's work finished.
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="walk", host=host_name(), pid=os.getpid(), started_at=now, beat_at=now
    )
    DBTaskResult.objects.create(
        status=TaskResultStatus.SUCCESSFUL,
        finished_at=now,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="upsell.reporting.tasks.nightly_run",
        backend_name="default",
    )
    # The history of his client's details and forecast holds his secrets too.
    Change.objects.create(
        subject=Subject.CLIENT, object_id=boris_client.pk, field="tax_id", before="",
        after=boris_client.tax_id, source=ChangeSource.IMPORT,
    )  # fmt: skip
    Change.objects.create(
        subject=Subject.FORECAST_CELL, object_id=boris_client.pk, month=dt.date(2026, 3, 1),
        field="comment", before="", after=f"по счёту {payment.number}", changed_by=manager_boris,
        source=ChangeSource.SCREEN,
    )  # fmt: skip
    order_request = OrderRequest.objects.create(
        client=boris_client,
        description="Болты М8, 100 шт.",
        source=RequestSource.API,
        assignee=manager_boris,
        routed_by_rule=RoutingRule.NO_ASSISTANT,
    )
    # A credit line in force that Boris proposed his client for, measured by the nightly run.
    program = program_running(terms=credit_line_terms(), by=top_manager)
    membership = membership_propose(program=program, client=boris_client, by=manager_boris)
    MembershipProgress.objects.create(
        membership=membership,
        as_of=dt.date(2026, 3, 1),
        purchased=Decimal("1200.00"),
        accrued=Decimal(0),
        expected_end=Decimal("1200.00"),
        exposure=Decimal(0),
        available=Decimal("500000.00"),
    )
    # And a guaranteed-stock program the head of sales enrolled Boris's client in.
    stock_program = program_running(
        terms=credit_line_terms(
            name="Гарантированный запас", kind=ProgramKind.GUARANTEED_STOCK,
            credit_limit=None, payment_delay_days=None,
        ),
        by=top_manager,
    )  # fmt: skip
    memberships_enrol(
        program=stock_program,
        client_ids=[boris_client.pk],
        by=head_of_sales,
        today=dt.date(2026, 3, 1),
    )
    # And last year's retro-bonus, over and ready to settle.
    settled_program = program_running(
        terms=credit_line_terms(
            name="Ретро-бонус 2025", kind=ProgramKind.RETRO_BONUS, credit_limit=None,
            payment_delay_days=None, period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31), tiers=(Tier(threshold=Decimal(0), rate=Decimal(1)),),
        ),
        by=top_manager,
    )  # fmt: skip
    # A contact of his client, and a visit he planned with it.
    contact = Contact.objects.create(client=boris_client, name="Орлова Нина")
    activity = activity_plan(
        client=boris_client,
        plan=ActivityPlan(
            kind=ActivityKind.VISIT,
            starts_at=timezone.now() + dt.timedelta(days=1),
            ends_at=timezone.now() + dt.timedelta(days=1, hours=1),
            contacts=[contact],
        ),
        by=manager_boris,
    )
    # Boris coached around today, so that the visit he planned for tomorrow is one the head of
    # sales may join.
    coaching_period = CoachingPeriod.objects.create(
        manager=manager_boris,
        coach=head_of_sales,
        starts_on=timezone.localdate() - dt.timedelta(days=14),
        ends_on=timezone.localdate() + dt.timedelta(days=14),
        goals="Дожимать заявки",
    )
    # Boris's client is motivated, with a forecast for the coming month and a deal in work on
    # which the client objected; the head of sales keeps an answer and a reason a deal is lost.
    Client.objects.filter(pk=boris_client.pk).update(status=ClientStatus.REGULAR)
    boris_client.refresh_from_db()
    coming = month_add(month_start(timezone.localdate()), 1)
    cell = ForecastCell.objects.create(
        client=boris_client,
        month=coming,
        manager=manager_boris,
        baseline=Decimal("5000.00"),
        baseline_high=Decimal("5000.00"),
    )
    # By hand, so that the cell is still free to make a deal of.
    deal = deal_open(client=boris_client, month=cell.month, amount=cell.forecast, by=manager_boris)
    answer = answer_add(category=ObjectionCategory.PRICE, text="Взлом", by=head_of_sales)
    objection = objection_log(
        deal=deal, category=ObjectionCategory.PRICE, client_words="Дорого", by=manager_boris
    )
    lost_reason = lost_reason_add(name="Цена")
    return World(
        things={
            "deal": deal,
            "objection": objection,
            "answer": answer,
            "lost_reason": lost_reason,
            "client": boris_client,
            "shipment": shipment,
            "payment": payment,
            "product": product,
            "import_run": import_run,
            "column_mapping": column_mapping,
            "audit_run": audit_run,
            "order_request": order_request,
            "program": program,
            "membership": membership,
            "stock_membership": stock_program.memberships.get(),
            "settled_program": settled_program,
            "coaching_period": coaching_period,
            "manager": manager_boris,
            "contact": contact,
            "activity": activity,
        },
        users={
            "anonymous": None,
            "anna": manager_anna,
            "boris": manager_boris,
            "vera": assistant_vera,
            "helen": head_of_sales,
            "tom": top_manager,
            "adam": admin_adam,
        },
        secrets=(
            boris_client.name.split('"')[1],
            boris_client.tax_id,
            shipment.number,
            payment.number,
        ),
    )


def _tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            # A persona's own sign-in and sign-out make and drop its session row.
            if model._meta.managed and not model._meta.proxy and model is not Session
        }
    )


def snapshot(world: World) -> dict[str, Any]:
    """The row count of every table and every column of each restricted thing."""
    tables = _tables()
    with connection.cursor() as cursor:
        # One query for every table keeps the walk fast; the names are the models' own tables.
        counts_sql = ", ".join(
            f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)})"  # noqa: S608
            for table in tables
        )
        cursor.execute(f"SELECT {counts_sql}")
        counts = dict(zip(tables, cursor.fetchone(), strict=True))
    things = {
        name: type(thing)._default_manager.filter(pk=thing.pk).values().first()
        for name, thing in world.things.items()
    }
    return {"rows": counts, "things": things}


def readable_text(response: HttpResponseBase) -> str:
    """The body as a person would read it: JSON and HTML decoded, spreadsheets' cells joined."""
    if isinstance(response, StreamingHttpResponse):
        body = b"".join(cast(Iterable[bytes], response.streaming_content))
    else:
        assert isinstance(response, HttpResponse)
        body = response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    text = body.decode("utf-8-sig", errors="replace")
    if "json" in content_type:
        return json.dumps(json.loads(text), ensure_ascii=False) if text else ""
    return html.unescape(text)


def _login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


def check_outcome(
    response: HttpResponseBase, expected: Outcome, *, method: str, is_api: bool
) -> str | None:
    """Why ``response`` is not ``expected``, or None when it is."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    # A method the URL does not serve is refused before anything is looked up or changed:
    # it reveals nothing and denies everything.
    if status == 405:
        return None
    location = response.get("Location", "")
    sent_to_login = status in (301, 302, 303) and location.startswith(_login_url())
    if expected is LOGIN:
        ok = status == 401 if is_api else sent_to_login
    elif expected is NOT_FOUND:
        ok = status == 404
    elif expected is FORBIDDEN:
        ok = status == 403
    elif is_api:
        ok = 200 <= status < 300
    elif method == "GET":
        ok = 200 <= status < 400 and not sent_to_login
    else:
        # A form may answer with its errors (200) or redirect once done.
        ok = status not in (401, 403, 404) and not sent_to_login
    return None if ok else f"expected {expected.value}, got {status} {location}".strip()


def http_client(world: World, persona: str, *, api_call: bool) -> HttpClient:
    user = world.users[persona]
    if user is None:
        return HttpClient()
    if api_call:
        _, token = api_token_create(user=user)
        return HttpClient(headers={"Authorization": f"Bearer {token}"})
    client = HttpClient()
    client.force_login(user)
    return client


def call_checked(
    world: World,
    persona: str,
    expected: Outcome,
    *,
    method: str,
    is_api: bool,
    send: Callable[[], HttpResponseBase],
) -> list[str]:
    """Make the request and return every way it broke the rule."""
    unsafe = method != "GET"
    guarded = unsafe and expected is not ALLOWED
    before = snapshot(world) if guarded else None
    response = send()
    problems = []
    wrong = check_outcome(response, expected, method=method, is_api=is_api)
    if wrong:
        problems.append(wrong)
    if persona in OUTSIDERS:
        text = readable_text(response)
        problems += [f"shows {secret!r}" for secret in world.secrets if secret in text]
    if guarded and snapshot(world) != before:
        problems.append("changed the database")
    return [f"{method} as {persona}: {problem}" for problem in problems]


# --- pages ------------------------------------------------------------------------------------

# A hostile but well-formed form: what a page that changes clients, imports or passwords would
# accept from someone allowed, so a missing check would show as a change.
FORM = {
    "name": "Взлом",
    "tax_id": "7707083893",
    "region": "Взлом",
    "segment": "Взлом",
    "is_partner": "on",
    "plans_budget": "on",
    "annual_budget": "1000",
    "budget_year": "2026",
    "year": "2026",
    "month_01": "1000",
    "reason": "Взлом",
    "description": "Взлом",
    "kind": "clients",
    "keep_valid_rows": "on",
    "stuck_after_days": "3",
}
CLIENTS_FILE = "Контрагент;ИНН\nВзлом;7707083893\n".encode()


def send_form(client: HttpClient, world: World, method: str, url: str) -> HttpResponseBase:
    # Fields that name a thing ("client", "client_id") name Boris's.
    form = FORM | {
        field: thing.pk for name, thing in world.things.items() for field in (name, f"{name}_id")
    }
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, form | {"file": SimpleUploadedFile("clients.csv", CLIENTS_FILE)})
    return client.generic(
        method, url, urlencode(form), content_type="application/x-www-form-urlencoded"
    )


def page_url(page: Page, world: World, rule_: Rule, variant: dict[str, str]) -> str:
    kwargs: dict[str, Any] = {}
    for parameter in page.parameters:
        thing = rule_.things.get(parameter) or THING_FOR_PARAMETER.get(parameter)
        if parameter in variant:
            kwargs[parameter] = variant[parameter]
        elif thing is not None:
            kwargs[parameter] = world.things[thing].pk
        else:
            pytest.fail(f"{page.name}: nothing to fill parameter {parameter!r} with")
    return reverse(page.name, kwargs=kwargs)


def _page_cases() -> list[Any]:
    return [
        pytest.param(page, persona, id=f"{page.name}-{persona}")
        for page in pages()
        if not page.name.startswith("api:") or page.name in PAGE_RULES
        for persona in PERSONAS
    ]


@pytest.mark.parametrize(("page", "persona"), _page_cases())
def test_page(world, page, persona):
    rule_ = PAGE_RULES.get(page.name)
    if rule_ is None:
        pytest.fail(f"{page.name} has no rule in PAGE_RULES")
    problems = []
    for variant in rule_.variants:
        url = page_url(page, world, rule_, variant)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            client = http_client(world, persona, api_call=False)
            problems += [
                f"{url} {problem}"
                for problem in call_checked(
                    world,
                    persona,
                    rule_.expected(persona, method),
                    method=method,
                    is_api=False,
                    send=partial(send_form, client, world, method, url),
                )
            ]
    assert problems == []


# --- API operations ---------------------------------------------------------------------------


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = API_SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example_of(schema: dict[str, Any], world: World, name: str = "") -> Any:
    """A valid, hostile value for ``schema`` (of the field ``name``): what someone allowed could
    send, with the ids of Boris's things, so that a refusal is the rule at work and not bad
    input."""
    if name in THING_FOR_PARAMETER:
        return world.things[THING_FOR_PARAMETER[name]].pk
    if name == "key":
        # The action on Boris's Today list: his client's forecast of the coming month to fill.
        coming = month_add(month_start(timezone.localdate()), 1)
        return action_key(ActionKind.FORECAST_EMPTY, world.things["client"].pk, f"{coming:%Y-%m}")
    schema = _resolve(schema)
    if "default" in schema:
        return schema["default"]
    if "anyOf" in schema:
        options = [_resolve(option) for option in schema["anyOf"]]
        if {"type": "null"} in options:
            return None
        return example_of(options[0], world)
    if name == "reason_ids":
        # The lost reasons in a new order: a valid order names every reason of the list.
        return list(LostReason.objects.order_by("-position").values_list("pk", flat=True))
    if name == "kind" and ProgramKind.CREDIT_LINE in schema.get("enum", ()):
        # A program's terms: a credit line needs no tiers, so the empty list is valid terms.
        return ProgramKind.CREDIT_LINE
    if name == "status" and RequestStatus.IN_WORK in schema.get("enum", ()):
        # A request's next step: Boris's waiting request taken into work.
        return RequestStatus.IN_WORK
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: example_of(part, world, name)
            for name, part in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [example_of(schema["items"], world) for _ in range(schema.get("minItems", 0))]
    if kind == "boolean":
        return True
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "string" and schema.get("format") == "binary":
        return SimpleUploadedFile("clients.csv", CLIENTS_FILE)
    if kind == "string" and schema.get("format") == "date" and name == "month":
        # A forecast month that is still open: the coming one.
        return month_add(month_start(timezone.localdate()), 1).isoformat()
    if kind == "string" and schema.get("format") == "date":
        return "2026-01-01"
    if kind == "string" and schema.get("format") == "date-time":
        return "2026-01-01T10:00:00+03:00"
    if kind == "string" and schema.get("format") == "decimal":
        return "1000.00"
    if kind == "string":
        return "Взлом"
    pytest.fail(f"no example for {schema}")


def api_path(operation: Operation, world: World, rule_: Rule) -> str:
    def thing_id(match: re.Match[str]) -> str:
        parameter = match[1]
        thing = rule_.things.get(parameter) or THING_FOR_PARAMETER.get(parameter)
        if thing is None:
            pytest.fail(f"{operation.operation_id}: nothing to fill {parameter!r} with")
        return str(world.things[thing].pk)

    return re.sub(r"\{(\w+)\}", thing_id, operation.path)


def _operation_cases() -> list[Any]:
    return [
        pytest.param(operation, persona, id=f"{operation.operation_id}-{persona}")
        for operation in operations()
        for persona in PERSONAS
    ]


@pytest.mark.parametrize(("operation", "persona"), _operation_cases())
def test_api_operation(world, operation, persona):
    rule_ = API_RULES.get(operation.operation_id)
    if rule_ is None:
        pytest.fail(f"{operation.operation_id} has no rule in API_RULES")
    client = http_client(world, persona, api_call=True)
    path = api_path(operation, world, rule_)

    def send() -> HttpResponseBase:
        if operation.body is None:
            return client.generic(operation.method, path)
        [(content_type, media)] = operation.body["content"].items()
        payload = example_of(media["schema"], world)
        if content_type == "multipart/form-data":
            return client.generic(
                operation.method,
                path,
                **_multipart(payload),
            )
        return client.generic(
            operation.method, path, json.dumps(payload), content_type=content_type
        )

    problems = call_checked(
        world,
        persona,
        rule_.expected(persona, operation.method),
        method=operation.method,
        is_api=True,
        send=send,
    )
    assert problems == []


def _multipart(payload: dict[str, Any]) -> dict[str, Any]:
    fields = {name: value for name, value in payload.items() if value is not None}
    return {"data": encode_multipart(BOUNDARY, fields), "content_type": MULTIPART_CONTENT}


# --- the checks check -------------------------------------------------------------------------


def test_boris_data_is_found_where_boris_may_see_it(world):
    """The leak check reads decoded JSON and HTML: Boris's own views of his client show it."""
    client_id = world.things["client"].pk
    api_response = http_client(world, "boris", api_call=True).get(f"/api/clients/{client_id}")
    page_response = http_client(world, "boris", api_call=False).get(
        reverse("clients:detail", kwargs={"client_id": client_id})
    )

    for response in (api_response, page_response):
        assert response.status_code == 200
        assert all(secret in readable_text(response) for secret in world.secrets[:2])
    # and his client's history of changes shows what changed
    changes = http_client(world, "boris", api_call=True)
    for path in (
        f"/api/clients/{client_id}/changes",
        f"/api/forecasts/clients/{client_id}/changes",
    ):
        response = changes.get(path)
        assert response.status_code == 200
        assert any(secret in readable_text(response) for secret in world.secrets)
    # and the workbook of his client's program holds his client, read from its cells
    report = changes.get(f"/api/programs/{world.things['program'].pk}/report.xlsx")
    assert report.status_code == 200
    cells = readable_text(report)
    assert all(secret in cells for secret in world.secrets[:2])
