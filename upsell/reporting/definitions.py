# ruff: noqa: E501 - a table of definitions reads best one metric a line
"""What each audit metric means, as the client card shows it beside the value."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MetricDefinition:
    name: str
    label: Promise
    definition: Promise
    # How the value reads: date, days, count, money, ratio (0–1 shown as %), number, text, score.
    kind: str


METRIC_DEFINITIONS = (
    MetricDefinition("first_order_date", _("First order"), _("Date of the first shipment document with a positive amount."), "date"),
    MetricDefinition("last_order_date", _("Last order"), _("Date of the latest order not cancelled by a return."), "date"),
    MetricDefinition("days_since_last_order", _("Days since last order"), _("Days from the last order to the audit date."), "days"),
    MetricDefinition("orders_90", _("Orders, 90 days"), _("Orders within the last 90 days."), "count"),
    MetricDefinition("orders_365", _("Orders, 365 days"), _("Orders within the last 365 days."), "count"),
    MetricDefinition("orders_total", _("Orders, all time"), _("Every order in the client's history."), "count"),
    MetricDefinition("revenue_90", _("Revenue, 90 days"), _("Shipments net of returns over the last 90 days."), "money"),
    MetricDefinition("revenue_365", _("Revenue, 365 days"), _("Shipments net of returns over the last 365 days."), "money"),
    MetricDefinition("revenue_total", _("Revenue, all time"), _("Shipments net of returns over the whole history."), "money"),
    MetricDefinition("average_order_value", _("Average order"), _("Revenue of all time divided by the number of orders."), "money"),
    MetricDefinition("typical_interval_days", _("Typical interval"), _("Median number of days between consecutive orders."), "days"),
    MetricDefinition("interval_cv", _("Interval variability"), _("Standard deviation of the intervals divided by their mean: 0 is clockwork, above 1 is erratic."), "number"),
    MetricDefinition("months_active", _("Months with orders"), _("Calendar months in which the client ordered."), "count"),
    MetricDefinition("trend", _("Trend"), _("Revenue of the last 12 months divided by the 12 months before."), "number"),
    MetricDefinition("rfm_code", _("RFM"), _("Recency, frequency and monetary scores, 5 being the best fifth of clients."), "text"),
    MetricDefinition("abc_class", _("ABC"), _("A: the clients making the first 80 % of revenue over 365 days; B: up to 95 %; C: the rest."), "text"),
    MetricDefinition("revenue_share_365", _("Share of revenue"), _("The client's share of the company's revenue over 365 days."), "ratio"),
    MetricDefinition("xyz_class", _("XYZ"), _("Stability of monthly revenue over 12 months: X steady, Y variable, Z erratic."), "text"),
    MetricDefinition("monthly_revenue_cv", _("Monthly revenue variability"), _("Standard deviation of monthly revenue divided by its mean."), "number"),
    MetricDefinition("avg_days_late", _("Average delay of payment"), _("Days past the due date, on average over the client's payments."), "days"),
    MetricDefinition("overdue_debt", _("Overdue debt"), _("Shipped and not paid past the payment terms, as of the audit date."), "money"),
    MetricDefinition("annual_budget", _("Annual budget"), _("What the client plans to spend on our kind of goods this budget year."), "money"),
    MetricDefinition("bought_budget_year", _("Bought from us this budget year"), _("Our shipments to the client in the budget year."), "money"),
    MetricDefinition("share_of_wallet", _("Share of wallet"), _("Bought from us divided by the annual budget."), "ratio"),
    MetricDefinition("competitors_amount", _("Still going to competitors"), _("The budget not bought from us."), "money"),
    MetricDefinition("solvency_score", _("Solvency"), _("Revenue percentile among clients, 0–100."), "score"),
    MetricDefinition("discipline_score", _("Payment discipline"), _("100 when paid on time, 0 at the configured average delay."), "score"),
    MetricDefinition("stability_score", _("Stability"), _("100 for perfectly regular intervals, 0 at the configured variability."), "score"),
    MetricDefinition("trend_score", _("Trend score"), _("50 when flat, higher when growing, lower when falling."), "score"),
    MetricDefinition("tenure_score", _("Tenure"), _("Grows with the time since the first order, full after three years."), "score"),
)  # fmt: skip
