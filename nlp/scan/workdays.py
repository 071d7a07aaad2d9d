"""Working days between a document and its interpretation, on the national holiday calendar.

The rule the inspections apply is "same day, at the latest within 3 working days", and working days follow
the State Council holiday notice *including* make-up working days (调休: e.g. Sunday 2024-09-29 was a working
day, 2024-10-01..07 were holidays). `chinesecalendar` ships those notices year by year; outside the years it
knows we fall back to Monday-Friday and say so, rather than guess silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from nlp.metadata import to_date

LATE_AFTER_WORKING_DAYS = 3

parse_date = to_date  # shared with the wording date checks (nlp.metadata.to_date)


@lru_cache(maxsize=200_000)
def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, calendar known for that year). Unknown years fall back to Monday-Friday."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


@dataclass(frozen=True)
class Delay:
    working_days: int
    calendar_days: int
    exact: bool  # False when a year outside the holiday calendar was involved (weekday fallback)

    def as_evidence(self) -> dict:
        return {"delay_working_days": self.working_days, "delay_calendar_days": self.calendar_days,
                "calendar_exact": self.exact}


def working_days_between(start: dt.date, end: dt.date) -> Delay:
    """Working days in (start, end]: 0 on the same day, 1 if published the next working day, …

    Negative when `end` is before `start` (an interpretation dated before its document): minus the working
    days in (end, start]. Counting days *after* the document matches "within 3 working days of issue".
    """
    sign = 1
    lo, hi = start, end
    if end < start:
        sign, lo, hi = -1, end, start
    n = 0
    exact = True
    day = lo + dt.timedelta(days=1)
    while day <= hi:
        work, known = is_working_day(day)
        n += work
        exact &= known
        day += dt.timedelta(days=1)
    return Delay(working_days=sign * n, calendar_days=(end - start).days, exact=exact)


def is_late(delay: Delay, limit: int = LATE_AFTER_WORKING_DAYS) -> bool:
    return delay.working_days > limit
