"""Stage 5: date each event from the text, resolved against the publication date.

Every time expression is resolved once, in text order, in the tense of the clause it sits in
(see `timex` for the conventions). An event then takes the expression of its own clause; failing
that, one from a clause that governs its own (the "said on Saturday" of a reported event, the
"crossed the border on Thursday" a conjoined "retreated" shares). A date in a relative clause or
any other clause the event does not belong to never dates it: in "Putin, who met Kim on
Wednesday, warned Seoul" the warning is not Wednesday's. With no such expression the event takes
the publication date; in an undated article it is unknown, unless the text writes a full date.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..model import Article, Event
from .timex import DateExpression, Resolved, find_expressions, resolve

__all__ = ["DateExpression", "Dated", "Resolved", "dated_expressions", "find_expressions", "is_future", "pick", "resolve", "run"]

FUTURE_AUX = {"will", "shall", "'ll", "wo", "would", "'d"}
# heads whose infinitive complement lies ahead: "is expected to", "plans to", "is due to" ...
FUTURE_HEADS = {"expect", "schedule", "plan", "set", "due", "intend", "aim", "prepare", "hope", "want", "agree",
                "promise", "pledge", "vow", "decide", "threaten", "seek", "about", "going", "likely", "poised",
                "slate", "ready", "propose", "offer", "be"}
# a clause dated by the clause it hangs from; relative clauses (relcl, acl) describe a
# participant and hand their date neither up nor down
INHERIT_DEPS = {"ccomp", "xcomp", "conj", "advcl", "parataxis", "csubj", "pcomp"}
VERBAL = {"VERB", "AUX"}


@dataclass(frozen=True)
class Dated:
    """A resolved expression and where it sits in the parse."""

    expr: DateExpression
    resolved: Resolved
    head: int     # token index of the expression's root
    clause: int   # token index of the clause head it belongs to
    future: bool


def run(article: Article) -> Article:
    doc = article.doc
    dated = dated_expressions(article)
    by_sentence: dict[int, list[Dated]] = {}
    for item in dated:
        by_sentence.setdefault(doc[item.head].sent.start, []).append(item)
    article.events = [
        date_event(event, doc[article.anchors[event.id]], by_sentence.get(doc[article.anchors[event.id]].sent.start, []),
                   article.published)
        for event in article.events
    ]
    return article


def dated_expressions(article: Article) -> list[Dated]:
    """Every expression resolved, in text order; "the previous day" counts from the last day named."""
    doc, out = article.doc, []
    last_day: date | None = None
    skip = article.dateline_extent
    for sent in doc.sents:
        for expr in find_expressions(sent.text, sent.start_char):
            if skip and expr.start < skip[1] and skip[0] < expr.end:
                continue  # the dateline's date is the publication date, not an event's
            span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
            if span is None:
                continue
            clause = clause_head(span.root)
            future = is_future(clause)
            resolved = resolve(expr, article.published, future, last_day)
            if resolved is None:
                continue
            if resolved.precision == "day":
                last_day = resolved.day
            out.append(Dated(expr, resolved, span.root.i, clause.i, future))
    return out


def clause_head(token):
    """The verb of the clause a token sits in (the sentence root for a verbless headline)."""
    node = token
    while node.pos_ not in VERBAL and node.head.i != node.i:
        node = node.head
    return node


def governing_clauses(token) -> list[int]:
    """The event's own clause head, then each clause above it that may lend it a date."""
    node = clause_head(token)
    chain = [node.i]
    while node.dep_ in INHERIT_DEPS and node.head.i != node.i:
        node = clause_head(node.head)
        chain.append(node.i)
    return chain


def is_future(token) -> bool:
    """Future tense of a clause: a future auxiliary ("will", "'ll", "would" of reported plans),
    "going to", or an infinitive under a head that looks ahead ("is expected to", "plans to",
    "is due to", "agreed to"), through chains of such infinitives."""
    node = token
    for _ in range(4):
        if any(child.dep_ in ("aux", "auxpass") and child.lower_ in FUTURE_AUX for child in node.children):
            return True
        if node.dep_ != "xcomp" or node.head.i == node.i:
            return False
        node = node.head
        if node.lemma_.lower() in FUTURE_HEADS or node.lower_ in FUTURE_HEADS:
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


def pick(anchor, candidates: list[Dated]) -> Dated | None:
    """The event's own clause first, then the nearest governing clause; within a clause the
    expression nearest the trigger in the tree."""
    chain = governing_clauses(anchor)
    doc = anchor.doc
    ranked = [
        (chain.index(c.clause), tree_distance(anchor, doc[c.head]), c.expr.start, c)
        for c in candidates if c.clause in chain
    ]
    return min(ranked, key=lambda r: r[:3])[3] if ranked else None


def date_event(event: Event, anchor, candidates: list[Dated], published: date | None) -> Event:
    chosen = pick(anchor, candidates)
    if chosen is not None:
        r = chosen.resolved
        own = "its own clause" if chosen.clause == governing_clauses(anchor)[0] else "the clause governing it"
        span = f" to {r.end}" if r.end else ""
        against = f"against publication {published}" if published else "with no publication date"
        why = (f"date: '{chosen.expr.text}' in {own} ({r.basis}, {r.precision}{span}, "
               f"{'future' if chosen.future else 'past'} tense) {against}")
        return replace(event, date=r.day.isoformat(), date_basis=r.basis, date_precision=r.precision,
                       date_text=chosen.expr.text, rationale=event.rationale + (why,))
    if published is None:
        return replace(event, date=None, date_basis="unknown", date_precision=None,
                       rationale=event.rationale + ("date: unknown; the article is undated and its clause names no full date",))
    return replace(event, date=published.isoformat(), date_basis="publication", date_precision="day",
                   rationale=event.rationale + ("date: none in its clause; publication date",))
