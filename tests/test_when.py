"""Relative and explicit dates, resolved against the publication date (pure, no model)."""
from datetime import date

import pytest

from detente.stages.when import find_expressions, resolve

FRI = date(2024, 6, 21)   # a Friday
THU = date(2024, 6, 20)   # a Thursday
MON = date(2024, 6, 17)
SUN = date(2024, 6, 23)


def one(text, published, future=False):
    exprs = find_expressions(text)
    assert exprs, text
    return resolve(exprs[0], published, future)


@pytest.mark.parametrize("text, published, future, expected, precision, basis", [
    ("on Thursday", FRI, False, "2024-06-20", "day", "relative"),
    ("on Thursday", THU, False, "2024-06-20", "day", "relative"),   # the publication weekday itself
    ("on Thursday", MON, False, "2024-06-13", "day", "relative"),
    ("on Thursday", FRI, True, "2024-06-27", "day", "relative"),
    ("on Monday", MON, False, "2024-06-17", "day", "relative"),
    ("on Sunday", MON, False, "2024-06-16", "day", "relative"),
    ("on Saturday", SUN, False, "2024-06-22", "day", "relative"),
    ("last Thursday", THU, False, "2024-06-13", "day", "relative"),
    ("last Thursday", FRI, False, "2024-06-20", "day", "relative"),
    ("next Monday", FRI, False, "2024-06-24", "day", "relative"),
    ("next Friday", FRI, False, "2024-06-28", "day", "relative"),
    ("Early on Friday", FRI, False, "2024-06-21", "day", "relative"),
    ("yesterday", FRI, False, "2024-06-20", "day", "relative"),
    ("yesterday", MON, False, "2024-06-16", "day", "relative"),
    ("today", SUN, False, "2024-06-23", "day", "relative"),
    ("tomorrow", SUN, True, "2024-06-24", "day", "relative"),
    ("two days ago", FRI, False, "2024-06-19", "day", "relative"),
    ("3 weeks ago", FRI, False, "2024-05-31", "day", "relative"),
    ("on June 9", FRI, False, "2024-06-09", "day", "explicit"),
    ("on June 18", FRI, False, "2024-06-18", "day", "explicit"),
    ("June 9-11", FRI, False, "2024-06-09", "day", "explicit"),
    ("9 June 2019", FRI, False, "2019-06-09", "day", "explicit"),
    ("December 30", date(2025, 1, 2), False, "2024-12-30", "day", "explicit"),
    ("January 3", date(2024, 12, 30), True, "2025-01-03", "day", "explicit"),
    ("earlier this month", FRI, False, "2024-06-01", "month", "relative"),
    ("last month", FRI, False, "2024-05-01", "month", "relative"),
    ("late last year", FRI, False, "2023-01-01", "year", "relative"),
    ("last week", FRI, False, "2024-06-10", "week", "relative"),
    ("in May", FRI, False, "2024-05-01", "month", "relative"),
    ("in August", FRI, False, "2023-08-01", "month", "relative"),
    ("in August", FRI, True, "2024-08-01", "month", "relative"),
    ("in 2019", FRI, False, "2019-01-01", "year", "explicit"),
    ("2024-06-09", FRI, False, "2024-06-09", "day", "explicit"),
])
def test_resolve(text, published, future, expected, precision, basis):
    day, got_precision, got_basis = one(text, published, future)
    assert (day.isoformat(), got_precision, got_basis) == (expected, precision, basis)


def test_may_the_modal_is_not_a_month():
    assert find_expressions("South Korea may reconsider the issue.") == []
