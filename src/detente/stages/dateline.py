"""Wire-service datelines at the head of an article (called by the clean stage; not a stage).

Recognised, at the start of one of the first lines:
    SEOUL, June 21 (Reuters) -              WASHINGTON (AP) —
    KYIV, Ukraine, June 21, 2024 /PRNewswire/ --      LONDON, 21 June 2024 (AFP) -
    MOSCOW, June 21. /TASS/.                June 21 (Reuters) -
and a line that is only a date, as Wikinews writes it: "Friday, January 4, 2019".

A place in capitals may stand before a dash alone ("WASHINGTON —"); a place in mixed case
needs a date or an agency too, so a headline like "Ukraine - what we know" is no dateline.
A dateline's date without a year is kept as month and day: the caller may anchor it to a
nearby known date, but it never takes a year of its own (least of all today's).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .timex import MONTHS

MONTH_ALT = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
             r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)")
WEEKDAY_ALT = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun)"
PLACE_WORD = r"[A-Z][A-Za-z.'\u2019\-]*"
PLACE = (rf"(?P<place>{PLACE_WORD}(?: {PLACE_WORD}){{0,3}}"
         rf"(?:, (?!{MONTH_ALT}\b|{WEEKDAY_ALT}\b){PLACE_WORD}(?: {PLACE_WORD}){{0,2}}){{0,2}})")
DATE = (rf"(?P<date>(?:{WEEKDAY_ALT},? )?(?:(?P<m1>{MONTH_ALT})\.? (?P<d1>\d{{1,2}})|(?P<d2>\d{{1,2}}) (?P<m2>{MONTH_ALT})\.?)"
        rf"(?:,? (?P<year>(?:19|20)\d\d))?)")
AGENCY = r"(?:\((?P<agency>[A-Za-z][^()\n]{0,39})\)|/(?P<wire>[A-Za-z][^/\n]{0,39})/)"
DASH = r"(?:--|—|–|-)"
WIRE = re.compile(rf"^{PLACE}(?:,? {DATE})?\.?(?: ?{AGENCY})?\.?(?P<sep>[ \t]*{DASH}[ \t]*|[ \t]+)", re.M)
DATE_AGENCY = re.compile(rf"^{DATE}\.? ?{AGENCY}\.?[ \t]*{DASH}[ \t]*", re.M)
DATE_LINE = re.compile(rf"^{DATE}[ \t]*$", re.M)
HEAD_LINES = 4  # a dateline follows at most a headline, a byline and a blank line


@dataclass(frozen=True)
class Dateline:
    span: tuple[int, int]                     # the whole dateline, separator included
    place: str | None = None                  # "SEOUL", "KYIV, Ukraine"
    place_span: tuple[int, int] | None = None
    day: date | None = None                   # a full date, year included
    month_day: tuple[int, int] | None = None  # a date written without a year
    agency: str | None = None


def find_dateline(text: str) -> Dateline | None:
    """The dateline among the first lines of `text`, or None."""
    for start in _line_starts(text):
        found = _match_at(text, start)
        if found is not None:
            return found
    return None


def anchor(month_day: tuple[int, int], near: date) -> date | None:
    """A yearless month and day placed in the year that puts it nearest `near`."""
    month, day = month_day
    candidates = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # February 29 outside a leap year
    return min(candidates, key=lambda d: abs((d - near).days), default=None)


def _line_starts(text: str) -> list[int]:
    starts, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            starts.append(offset)
        if len(starts) == HEAD_LINES:
            break
        offset += len(line) + 1
    return starts


def _match_at(text: str, start: int) -> Dateline | None:
    m = WIRE.match(text, start)
    if m and _is_wire(m):
        return _build(m, with_place=True)
    m = DATE_AGENCY.match(text, start) or DATE_LINE.match(text, start)
    if m and (m.groupdict().get("year") or m.re is DATE_AGENCY):
        return _build(m, with_place=False)
    return None


def _is_wire(m: re.Match) -> bool:
    has_dash = bool(re.search(DASH, m.group("sep")))
    has_agency = bool(m.group("agency") or m.group("wire"))
    if not (has_dash or m.group("wire")):
        # only a /WIRE/ mark stands without a dash: "The United States (US) has ..." is a sentence
        return False
    place = m.group("place").split(",")[0]
    return bool(m.group("date")) or has_agency or (place.isupper() and len(place) > 2)


def _build(m: re.Match, with_place: bool) -> Dateline:
    groups = m.groupdict()
    day, month_day = _date_of(groups)
    return Dateline(
        span=(m.start(), m.end()),
        place=groups["place"] if with_place else None,
        place_span=m.span("place") if with_place else None,
        day=day,
        month_day=month_day,
        agency=(groups.get("agency") or groups.get("wire") or None),
    )


def _date_of(groups: dict) -> tuple[date | None, tuple[int, int] | None]:
    month_word, day_word = groups.get("m1") or groups.get("m2"), groups.get("d1") or groups.get("d2")
    if not month_word or not day_word:
        return None, None
    month, day = MONTHS[month_word.lower().rstrip(".")], int(day_word)
    try:
        if groups.get("year"):
            return date(int(groups["year"]), month, day), None
        date(2000, month, day)  # a real month and day (2000 is a leap year)
    except ValueError:
        return None, None
    return None, (month, day)
