"""Every threshold of the client audit, with the defaults of the method (DESIGN.md).

The head of sales edits them; the Django side stores them and passes an `AuditSettings` to the
audit. Day windows are inclusive: an order placed `n` days before the audit date D is "within the
last `n` days" (D − date ≤ n), so an order exactly 90 days old is still within the 90-day window.
"""

from dataclasses import dataclass, fields


@dataclass(frozen=True, kw_only=True)
class AuditSettings:
    # New: the first order is at most this many days before D.
    new_days: int = 90
    # One-time: the only order is at most this many days before D (and older than `new_days`).
    one_time_window_days: int = 365
    # Regular: at least `regular_min_orders` orders within the last `regular_window_days`.
    regular_window_days: int = 365
    regular_min_orders: int = 4
    # Lapsing: days since the last order > factor × typical interval and > the minimum.
    lapsing_interval_factor: float = 2.0
    lapsing_min_days: int = 45
    # Lost: at least this many days since the last order.
    lost_days: int = 180
    # Reanimated: an order within the last `reanimated_recent_days` came after a gap of at least
    # `reanimated_gap_days` without orders.
    reanimated_gap_days: int = 180
    reanimated_recent_days: int = 90
    # ABC by share of revenue over the last 365 days: A while the clients ranked above hold less
    # than `abc_a_percent` of the revenue, B below `abc_b_percent`, C for the rest.
    abc_a_percent: int = 80
    abc_b_percent: int = 95
    # XYZ by the coefficient of variation (population standard deviation / mean) of monthly
    # revenue over the last 12 complete months, or over the complete months since the first
    # order when fewer: X up to `xyz_x_max_cv`, Y up to `xyz_y_max_cv`, Z above (and Z for a
    # client with no revenue in those months). No class before `xyz_min_months` such months.
    xyz_x_max_cv: float = 0.5
    xyz_y_max_cv: float = 1.0
    xyz_min_months: int = 3
    # RFM scores run from 1 to `rfm_bins` (5: quintiles).
    rfm_bins: int = 5
    # Shipments become overdue debt when unpaid this many days after the shipment date.
    payment_terms_days: int = 30
    # Payment discipline reaches 0 at this average number of days late.
    discipline_zero_days_late: int = 60
    # Tenure reaches its full score after this many days since the first order.
    tenure_full_days: int = 1095
    # Interval CV at which the stability score reaches 0.
    stability_zero_cv: float = 1.5
    # Weights of the perspective components (normalised over the components that are known).
    weight_solvency: int = 30
    weight_discipline: int = 20
    weight_stability: int = 25
    weight_trend: int = 15
    weight_tenure: int = 10

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) < 0:
                raise ValueError(f"{field.name} must not be negative")
        if self.regular_min_orders < 1 or self.rfm_bins < 1:
            raise ValueError("regular_min_orders and rfm_bins must be at least 1")
        # A client whose only order is older than the one-time window must already be Lost;
        # otherwise it would fall between the rules and get no status.
        if self.lost_days > self.one_time_window_days:
            raise ValueError("lost_days must not exceed one_time_window_days")
        if not 0 < self.abc_a_percent < self.abc_b_percent <= 100:
            raise ValueError("ABC thresholds must satisfy 0 < A < B <= 100")
        if not 0 < self.xyz_x_max_cv < self.xyz_y_max_cv:
            raise ValueError("XYZ thresholds must satisfy 0 < X < Y")
        if self.discipline_zero_days_late == 0 or self.tenure_full_days == 0:
            raise ValueError("discipline_zero_days_late and tenure_full_days must be positive")
        if self.stability_zero_cv == 0:
            raise ValueError("stability_zero_cv must be positive")
        if (
            self.weight_solvency + self.weight_stability + self.weight_trend + self.weight_tenure
            == 0
        ):
            raise ValueError("the perspective needs a positive weight besides discipline")
