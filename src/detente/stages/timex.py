"""Time expressions: find them in text and resolve them against a reference date (pure, no model).

Conventions (the README's "Dates" section says the same):
- A resolved date is the first day of its period: "last month" is 2024-05-01 with precision
  "month", "in 2019" is 2019-01-01 with precision "year", "last week" is that week's Monday with
  precision "week". Qualifiers ("late last year", "mid-June") keep the period's precision.
- Basis "explicit" is a date written out in the text (a month and day, with or without year; an
  ISO date; a year); "relative" is one computed from the publication date ("Friday", "two days
  ago", "in May").
- Past tense looks back, future tense looks forward. A bare weekday that is the publication
  weekday is the publication day in the past tense, and the same weekday a week later in the
  future tense ("will meet on Friday" said on a Friday means next Friday, since a meeting that
  day would be "today"); "this Friday" said on a Friday is that day.
- With no reference date (an undated article) only expressions that carry their own year
  resolve; everything else returns None and the event's date stays unknown.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3, "a couple of": 2}
MONTH_RE = (r"(January|February|March|April|May|June|July|August|September|October|November|December"
            r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
WEEKDAY_RE = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
YEAR_RE = r"((?:19|20)\d{2})"
DASH_RE = r"\s*(?:-|–|—|to|through)\s*"
NUMBER_RE = r"(\d+|a couple of|a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several)"
# "Good Friday", "Black Monday": names, not dates
NAMED_DAY = r"(?<!Good )(?<!Black )(?<!Bloody )(?<!Super )(?<!Ash )(?<!Cyber )(?<!Holy )"

# Order matters: a span taken by an earlier pattern is not matched again by a later one.
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")),
    ("month_day", re.compile(rf"\b{MONTH_RE}\s+{DAY_RE}(?:{DASH_RE}(\d{{1,2}})\b)?(?:,?\s+{YEAR_RE})?\b(?!:)", re.I)),
    ("day_month", re.compile(rf"\b{DAY_RE}(?:{DASH_RE}(\d{{1,2}}))?\s+(?:of\s+)?{MONTH_RE}(?:,?\s+{YEAR_RE})?\b", re.I)),
    ("month_year", re.compile(rf"\b(?:(early|late|mid|end of|the end of|the start of|the beginning of)[\s-]+)?{MONTH_RE}\s+(?:of\s+)?{YEAR_RE}\b", re.I)),
    ("deictic", re.compile(r"\b(the day before yesterday|the day after tomorrow|yesterday|today|tonight|tomorrow|"
                           r"overnight|last night|this (?:morning|afternoon|evening))\b", re.I)),
    ("anchored", re.compile(r"\b(the (?:previous|preceding|next|following) day|the day (?:before|after)|"
                            r"a day (?:earlier|later))\b", re.I)),
    ("weekday", re.compile(rf"\b(?:(last|next|this|previous|coming|past)\s+)?{NAMED_DAY}{WEEKDAY_RE}\b", re.I)),
    ("ago", re.compile(rf"\b{NUMBER_RE}\s+(day|week|month|year)s?\s+ago\b", re.I)),
    ("period", re.compile(r"\b(?:(early|late|earlier|later|mid|end of|the end of|the start of|the beginning of)[\s-]+)?"
                          r"(this|last|next|past|previous|coming)\s+(week|month|year)\b", re.I)),
    ("month_only", re.compile(rf"\b(in|last|next|this|since|by|until|early|late|mid|end of|the end of|the start of|the beginning of)"
                              rf"[\s-]+(?:early\s+|late\s+|mid-?)?{MONTH_RE}(?!\s+\d)\b", re.I)),
    ("year", re.compile(rf"\b(?:in|since|during|of|by|until|through|throughout)\s+"
                        rf"(?:(?:early|late|mid)[\s-]+)?{YEAR_RE}\b(?!-)|\b(?:early|late|mid)[\s-]+{YEAR_RE}\b", re.I)),
    # "on the 15th", but not "on the 4th floor" or "on the 15th of June" (day_month's)
    ("day_of_month", re.compile(r"\bon the (\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\b|(?-i:[A-Z])|(?:floor|anniversary|century|"
                                r"round|time|day|place|birthday|minute|street|avenue|district|division|brigade|army|fleet|"
                                r"session|congress|amendment|edition|line|stage|lap)\b))", re.I)),
]


@dataclass(frozen=True)
class DateExpression:
    start: int
    end: int
    text: str
    kind: str
    groups: tuple


@dataclass(frozen=True)
class Resolved:
    """A date at a precision ("day", "week", "month", "year"); `end` is a range's last day."""

    day: date
    precision: str
    basis: str
    end: date | None = None


def find_expressions(text: str, offset: int = 0) -> list[DateExpression]:
    found: list[DateExpression] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.start(), m.end()
            if any(s < te and ts < e for ts, te in taken) or not _plausible(kind, m):
                continue
            taken.append((s, e))
            found.append(DateExpression(offset + s, offset + e, m.group(0), kind, m.groups()))
    return sorted(found, key=lambda x: x.start)


def _plausible(kind: str, m: re.Match) -> bool:
    """Month and weekday names are capitalised in news text; lower case they are words
    ("troops march 20 miles", "may"). "May" alone is a modal far more often than a month."""
    words = [g for g in m.groups() if g and (g.lower().rstrip(".") in MONTHS or g.lower() in WEEKDAYS)]
    if any(not w[0].isupper() for w in words):
        return False
    if kind == "month_only" and words and words[0].lower() == "may" and m.group(1).lower() != "in":
        return False
    return True


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _undated_year(month: int, day: int, reference: date, future: bool) -> date:
    """The year of a month and day written without one: the most recent such day for the past
    tense, the next one for the future. Two days' grace absorbs time zones and late copy."""
    candidate = date(reference.year, month, day)
    if not future and candidate > reference + timedelta(days=2):
        return date(reference.year - 1, month, day)
    if future and candidate < reference - timedelta(days=2):
        return date(reference.year + 1, month, day)
    return candidate


def _month_day(month: int, day_str: str, end_str: str | None, year_str: str | None,
               reference: date | None, future: bool) -> Resolved | None:
    day = int(day_str)
    if year_str:
        start = date(int(year_str), month, day)
    elif reference is None:
        return None
    else:
        start = _undated_year(month, day, reference, future)
    end = start.replace(day=int(end_str)) if end_str and int(end_str) > day else None
    return Resolved(start, "day", "explicit", end)


def _resolve_month_day(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    return _month_day(_month(g[0]), g[1], g[2], g[3], reference, future)


def _resolve_day_month(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    return _month_day(_month(g[2]), g[0], g[1], g[3], reference, future)


def _resolve_iso(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    return Resolved(date(int(g[0]), int(g[1]), int(g[2])), "day", "explicit")


def _resolve_month_year(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    return Resolved(date(int(g[2]), _month(g[1]), 1), "month", "explicit")


def _resolve_year(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    return Resolved(date(int(g[0] or g[1]), 1, 1), "year", "explicit")


def _resolve_weekday(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    if reference is None:
        return None
    qualifier, weekday = (g[0] or "").lower(), WEEKDAYS[g[1].lower()]
    back = (reference.weekday() - weekday) % 7
    forward = (weekday - reference.weekday()) % 7
    if qualifier in ("last", "previous", "past"):
        offset = -(back or 7)
    elif qualifier in ("next", "coming"):
        offset = forward or 7
    elif qualifier == "this" and weekday == reference.weekday():
        offset = 0
    elif future:
        offset = forward or 7
    else:
        offset = -back
    return Resolved(reference + timedelta(days=offset), "day", "relative")


DEICTIC_OFFSETS = {"the day before yesterday": -2, "yesterday": -1, "last night": -1, "tomorrow": 1, "the day after tomorrow": 2}


def _resolve_deictic(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    # "overnight" and "tonight" are the night around the publication day; a story says
    # "overnight" of the night that ends on its own morning, so the publication day.
    if reference is None:
        return None
    return Resolved(reference + timedelta(days=DEICTIC_OFFSETS.get(g[0].lower(), 0)), "day", "relative")


def _resolve_anchored(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    # "the previous day" counts from the last day-precise date the text named before it;
    # with none, from the publication date.
    base = anchor or reference
    if base is None:
        return None
    step = -1 if any(w in g[0].lower() for w in ("previous", "preceding", "before", "earlier")) else 1
    return Resolved(base + timedelta(days=step), "day", "relative")


def _resolve_ago(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    if reference is None:
        return None
    n, unit = _count(g[0]), g[1].lower()
    if unit == "day":
        return Resolved(reference - timedelta(days=n), "day", "relative")
    if unit == "week":
        return Resolved(reference - timedelta(weeks=n), "day", "relative")
    if unit == "month":
        return Resolved(_shift_months(reference, -n), "month", "relative")
    return Resolved(date(reference.year - n, 1, 1), "year", "relative")


PERIOD_STEPS = {"this": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}


def _resolve_period(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    if reference is None:
        return None
    step, unit = PERIOD_STEPS[g[1].lower()], g[2].lower()
    if unit == "week":
        return Resolved(_monday(reference) + timedelta(weeks=step), "week", "relative")
    if unit == "month":
        return Resolved(_shift_months(reference, step), "month", "relative")
    return Resolved(date(reference.year + step, 1, 1), "year", "relative")


def _resolve_month_only(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    """"in May": the most recent May not after publication in the past tense, the next May
    (the current month included) in the future; "last May"/"next May" exclude the current one."""
    if reference is None:
        return None
    qualifier, month = g[0].lower(), _month(g[1])
    year = reference.year
    if qualifier == "next":
        year += month <= reference.month
    elif qualifier == "last":
        year -= month >= reference.month
    elif qualifier == "this":
        pass
    elif future or qualifier in ("by", "until"):
        year += month < reference.month
    else:
        year -= month > reference.month
    return Resolved(date(year, month, 1), "month", "relative")


def _resolve_day_of_month(g: tuple, reference: date | None, future: bool, anchor: date | None) -> Resolved | None:
    # "on the 15th": this month's, or the previous (past) / next (future) month's when it falls
    # on the wrong side of publication.
    if reference is None:
        return None
    day = int(g[0])
    if not 1 <= day <= 31:
        return None
    month = reference.replace(day=1)
    if not future and day > reference.day + 2:
        month = _shift_months(reference, -1)
    elif future and day < reference.day - 2:
        month = _shift_months(reference, 1)
    return Resolved(month.replace(day=day), "day", "relative")


RESOLVERS: dict[str, Callable[[tuple, date | None, bool, date | None], Resolved | None]] = {
    "iso": _resolve_iso,
    "month_day": _resolve_month_day,
    "day_month": _resolve_day_month,
    "month_year": _resolve_month_year,
    "deictic": _resolve_deictic,
    "anchored": _resolve_anchored,
    "weekday": _resolve_weekday,
    "ago": _resolve_ago,
    "period": _resolve_period,
    "month_only": _resolve_month_only,
    "year": _resolve_year,
    "day_of_month": _resolve_day_of_month,
}


def resolve(expr: DateExpression, reference: date | None, future: bool = False, anchor: date | None = None) -> Resolved | None:
    """The expression's date against the publication date `reference` (None: undated article),
    in the past or future tense; `anchor` is the last day the text named ("the previous day")."""
    try:
        return RESOLVERS[expr.kind](expr.groups, reference, future, anchor)
    except (ValueError, KeyError):
        return None  # an impossible date ("February 30") or a number we cannot read dates nothing
