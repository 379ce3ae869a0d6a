"""The demo's calendar: days counted back from "today", and how often clients order on each.

A day is an offset ``d`` (0 is today, 1 yesterday … ``days`` the first day of the history).
Clients order at a pace that can vary along the calendar: a building-supplies season, a
growing or a fading client. A pace is a profile of weights per day; its running sum turns
calendar days into "effective" days, in which the gaps between orders are drawn.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

# Construction season: much more is bought from April to October than in winter.
SEASON_BY_MONTH = (0.3, 0.35, 0.75, 1.3, 1.55, 1.6, 1.6, 1.55, 1.4, 1.2, 0.65, 0.4)
IN_SEASON_MONTHS = frozenset(range(4, 11))
# Payment due dates run past today by at most this many days.
FUTURE_DAYS = 90
# How much faster a growing client orders each year, and a fading one slower.
GROWING_PACE = 1.25
DECLINING_PACE = 0.85


class Pace(IntEnum):
    FLAT = 0
    SEASONAL = 1
    GROWING = 2
    DECLINING = 3


@dataclass(frozen=True)
class Calendar:
    today: date
    start: date
    days: int  # offset of the first day of the history
    year: NDArray[np.int64]  # by offset
    month: NDArray[np.int64]
    quarters_back: NDArray[np.int64]  # price-list quarters between the day and today
    # b"31.12.2025" by offset + FUTURE_DAYS: due dates may lie ahead of today.
    date_texts: NDArray[np.object_]
    # By pace and offset: how many orders' worth of a day the pace holds (a mean of 1 a year),
    # and the effective days from today back to the offset.
    weight: NDArray[np.float64]
    effective: NDArray[np.float64]

    def date_of(self, offset: int) -> date:
        return self.today - timedelta(days=offset)

    def date_text(self, offsets: NDArray[np.int64]) -> NDArray[np.object_]:
        texts: NDArray[np.object_] = self.date_texts[offsets + FUTURE_DAYS]
        return texts

    def offsets_of(self, effective: NDArray[np.float64], pace: Pace) -> NDArray[np.float64]:
        """Calendar offsets of effective positions counted back from today."""
        result: NDArray[np.float64] = np.interp(
            effective, self.effective[pace], np.arange(self.days + 1, dtype=np.float64)
        )
        return result


def history_start(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def calendar_build(*, today: date, years: int) -> Calendar:
    start = history_start(today, years)
    days = (today - start).days
    dates = [today - timedelta(days=offset) for offset in range(days + 1)]
    future = [today + timedelta(days=ahead) for ahead in range(FUTURE_DAYS, 0, -1)]
    year = np.array([day.year for day in dates], dtype=np.int64)
    month = np.array([day.month for day in dates], dtype=np.int64)
    quarter = year * 4 + (month - 1) // 3
    offsets = np.arange(days + 1, dtype=np.float64)
    season = np.array(SEASON_BY_MONTH)
    # Normalised so that a whole year holds as many effective days as calendar days.
    season_weight = season[month - 1] / np.mean(
        season[np.array([(date(2001, 1, 1) + timedelta(days=n)).month - 1 for n in range(365)])]
    )
    weights = np.vstack(
        [
            np.ones(days + 1),
            season_weight,
            GROWING_PACE ** (-offsets / 365),
            DECLINING_PACE ** (-offsets / 365),
        ]
    )
    effective = np.zeros_like(weights)
    effective[:, 1:] = np.cumsum(weights[:, :-1], axis=1)
    return Calendar(
        today=today,
        start=start,
        days=days,
        year=year,
        month=month,
        quarters_back=quarter[0] - quarter,
        date_texts=np.array(
            [f"{day:%d.%m.%Y}".encode("ascii") for day in future + dates], dtype=object
        ),
        weight=weights,
        effective=effective,
    )
