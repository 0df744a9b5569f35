"""Stage 5: date each event from the text, resolved against the publication date.

The expression nearest the event's trigger in the dependency tree wins, so the event's own
clause beats a date elsewhere in the sentence. Weekdays look back for past tense (the
publication weekday itself means the publication day) and forward for the future. With no
expression the event takes the publication date; with no publication date it is unknown.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..model import Article

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3, "a few": 3}
MONTH_RE = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?"
DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
YEAR_RE = r"((?:19|20)\d{2})"

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("month_day", re.compile(rf"\b{MONTH_RE}\s+{DAY_RE}(?:\s*(?:-|–|to|and)\s*\d{{1,2}})?(?:,?\s+{YEAR_RE})?\b", re.I)),
    ("day_month", re.compile(rf"\b{DAY_RE}\s+{MONTH_RE}(?:,?\s+{YEAR_RE})?\b", re.I)),
    ("iso", re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")),
    ("weekday", re.compile(r"\b(?:(last|next|this|previous|coming)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)),
    ("deictic", re.compile(r"\b(the day before yesterday|yesterday|today|tonight|tomorrow|this (?:morning|afternoon|evening))\b", re.I)),
    ("ago", re.compile(r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few)\s+(day|week|month|year)s?\s+ago\b", re.I)),
    ("period", re.compile(r"\b(?:(early|late|earlier|later|mid)[\s-]+)?(this|last|next|past)\s+(week|month|year)\b", re.I)),
    ("month_only", re.compile(rf"\b(?:(in|last|next|since|by|early|late|mid)[\s-]+){MONTH_RE}(?:\s+{YEAR_RE})?\b", re.I)),
    ("year", re.compile(rf"\b(?:in|since|during|of|by)\s+{YEAR_RE}\b", re.I)),
]


@dataclass(frozen=True)
class DateExpression:
    start: int
    end: int
    text: str
    kind: str
    groups: tuple


def find_expressions(text: str, offset: int = 0) -> list[DateExpression]:
    found: list[DateExpression] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.start(), m.end()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if kind == "month_only" and m.group(2).lower() == "may" and (m.group(1) or "").lower() != "in":
                continue  # "may" is a modal far more often than a month
            if kind == "month_day" and m.group(1).lower() == "may" and not m.group(2):
                continue
            taken.append((s, e))
            found.append(DateExpression(offset + s, offset + e, m.group(0), kind, m.groups()))
    return sorted(found, key=lambda x: x.start)


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def resolve(expr: DateExpression, published: date, future: bool) -> tuple[date, str, str] | None:
    """(date, precision, basis) for an expression, relative to the publication date."""
    g = expr.groups
    kind = expr.kind
    try:
        if kind in ("month_day", "day_month"):
            month_word, day_str, year_str = (g[0], g[1], g[2]) if kind == "month_day" else (g[1], g[0], g[2])
            month, day = MONTHS[month_word.lower().rstrip(".")], int(day_str)
            if year_str:
                return date(int(year_str), month, day), "day", "explicit"
            candidate = date(published.year, month, day)
            if not future and candidate > published + timedelta(days=2):
                candidate = date(published.year - 1, month, day)
            elif future and candidate < published - timedelta(days=2):
                candidate = date(published.year + 1, month, day)
            return candidate, "day", "explicit"
        if kind == "iso":
            return date(int(g[0]), int(g[1]), int(g[2])), "day", "explicit"
        if kind == "weekday":
            qualifier, weekday = (g[0] or "").lower(), WEEKDAYS[g[1].lower()]
            delta_back = (published.weekday() - weekday) % 7
            delta_forward = (weekday - published.weekday()) % 7
            if qualifier in ("last", "previous"):
                back = delta_back or 7
                return published - timedelta(days=back), "day", "relative"
            if qualifier in ("next", "coming"):
                return published + timedelta(days=delta_forward or 7), "day", "relative"
            if future:
                return published + timedelta(days=delta_forward or 7), "day", "relative"
            return published - timedelta(days=delta_back), "day", "relative"
        if kind == "deictic":
            word = g[0].lower()
            offset = {"the day before yesterday": -2, "yesterday": -1, "tomorrow": 1}.get(word, 0)
            return published + timedelta(days=offset), "day", "relative"
        if kind == "ago":
            n = int(g[0]) if g[0].isdigit() else NUMBER_WORDS[g[0].lower()]
            unit = g[1].lower()
            if unit == "day":
                return published - timedelta(days=n), "day", "relative"
            if unit == "week":
                return published - timedelta(weeks=n), "day", "relative"
            if unit == "month":
                return _shift_months(published, -n), "month", "relative"
            return date(published.year - n, 1, 1), "year", "relative"
        if kind == "period":
            _, which, unit = (g[0] or "").lower(), g[1].lower(), g[2].lower()
            step = {"this": 0, "last": -1, "past": -1, "next": 1}[which]
            if unit == "week":
                monday = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
                return monday, "week", "relative"
            if unit == "month":
                return _shift_months(published, step), "month", "relative"
            return date(published.year + step, 1, 1), "year", "relative"
        if kind == "month_only":
            qualifier, month_word, year_str = (g[0] or "").lower(), g[1], g[2]
            month = MONTHS[month_word.lower().rstrip(".")]
            if year_str:
                return date(int(year_str), month, 1), "month", "explicit"
            year = published.year
            if (qualifier == "next" or future) and month < published.month:
                year += 1
            elif not (qualifier == "next" or future) and (month > published.month or (qualifier == "last" and month == published.month)):
                year -= 1
            return date(year, month, 1), "month", "relative"
        if kind == "year":
            return date(int(g[0]), 1, 1), "year", "explicit"
    except (ValueError, KeyError):
        return None
    return None


def is_future(token) -> bool:
    node = token
    for _ in range(4):
        for child in node.children:
            if child.dep_ == "aux" and child.lower_ in ("will", "shall", "'ll", "wo"):
                return True
            if child.dep_ == "aux" and child.lower_ == "going":
                return True
        if node.dep_ not in ("xcomp", "conj") or node.head.i == node.i:
            break
        node = node.head
        if node.lemma_.lower() in ("expect", "schedule", "plan", "set", "due"):
            return True
    return False


def tree_distance(a, b) -> int:
    ancestors = {a.i: 0}
    node, d = a, 0
    while node.head.i != node.i:
        node, d = node.head, d + 1
        ancestors[node.i] = d
    node, d = b, 0
    while node.i not in ancestors:
        if node.head.i == node.i:
            return 99
        node, d = node.head, d + 1
    return d + ancestors[node.i]


def expression_head(doc, expr: DateExpression):
    span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
    return span.root if span is not None else None


def run(article: Article) -> Article:
    doc = article.doc
    by_sentence: dict[int, list[tuple[DateExpression, object]]] = {}
    for sent in doc.sents:
        exprs = find_expressions(sent.text, sent.start_char)
        by_sentence[sent.start] = [(e, expression_head(doc, e)) for e in exprs]
    dated = []
    for event in article.events:
        anchor = doc[article.anchors[event.id]]
        dated.append(date_event(event, anchor, by_sentence.get(anchor.sent.start, []), article.published))
    article.events = dated
    return article


def date_event(event, anchor, expressions, published):
    if published is None:
        return replace(event, date=None, date_basis="unknown", date_precision=None)
    ranked = sorted((tree_distance(anchor, head), e.start, e) for e, head in expressions if head is not None)
    future = is_future(anchor)
    for _, _, expr in ranked:
        resolved = resolve(expr, published, future)
        if resolved is not None:
            day, precision, basis = resolved
            return replace(event, date=day.isoformat(), date_basis=basis, date_precision=precision, date_text=expr.text,
                           rationale=event.rationale + (f"date: '{expr.text}' ({basis}, {'future' if future else 'past'} tense) against publication {published}",))
    return replace(event, date=published.isoformat(), date_basis="publication", date_precision="day",
                   rationale=event.rationale + ("date: none in the text; publication date",))
