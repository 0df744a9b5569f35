"""Story events: the reports of one event, from one article or many, merged into one record.

The `events` table holds one row per coded *mention*: each sentence that reports an event.
Wire copy, rewrites and follow-ups report the same strike many times, so counting mentions
counts coverage, not events. A *story event* is the set of mentions that report one event;
`stories` holds one row per story and `story_mentions` links it to every mention (the raw
mentions stay in `events`). Count either: `count(*) FROM stories` or `count(*) FROM events`.

Two mentions report the same event when all of these hold:

1. **Same origin.** detente's own events and each imported dataset (icews, gdelt, plover) form
   stories of their own. The datasets code by other rules and often already merge reports, so
   mixing them would make a story count depend on which datasets happen to be loaded.
2. **Same ordered dyad**: the source and target *countries*, not the full actor codes. Reports
   of one event name its actors differently: one Kharkiv strike is "Russia" against "Kharkiv"
   (RUS -> UKRGOV) in one wire story and "Russian forces" against "the city of Kharkiv"
   (RUSMIL -> UKRCVL) in another, so sectors would split it. Two exceptions: an actor without
   a country is matched by its code (---REB), and when both sides share a country the sectors
   *are* the dyad (police against protesters, USACOP -> USACVL), so such domestic events are
   matched by full codes. No target matches no target. Direction counts: A->B is not B->A.
3. **Compatible code**: the same PLOVER type, or for CAMEO codes that have none (01x
   statements) the same CAMEO root. PLOVER's types are the event categories across CAMEO's
   verb distinctions: the Reuters report of that strike yields 195 (aerial attack, "launched
   missiles") and 1823 (kill, "killing three people"), which are one ASSAULT. A threat (13,
   THREATEN) and an attack (19, ASSAULT) stay apart, and so do a protest and a rejection.
4. **Same modality**, exactly. An asserted attack and a denied one (negated), an alleged one or
   a threatened one (hypothetical) are different claims, and every count filters by modality
   (`dyads` counts asserted events): a story must have one.
5. **Compatible dates.** Two day-dated mentions at most 1 day apart: a night strike is dated to
   either day, and a report with no date of its own takes its publication date, the day after.
   Members of a story are all within that window of its first date (complete, not single,
   linkage), so a daily series of strikes is one story per day, not one chain for the month.
   A week-, month- or year-dated mention ("this month", "in 2019") joins the story of its
   group whose days fall in that period, the most reported one if several do (it is a report
   of one of them; the most reported is likeliest); failing any, it founds a story that the
   period's other coarse mentions join. An undated mention (undated article) joins only the
   undated mentions of its own article: nothing else says two undated reports are one day's.

Mentions of the same event in one article (a lead and its repetition) merge by the same rule.

A story's **date** is its earliest date at its finest precision (the day it was first said to
have happened; later days in the window are mostly publication-dated reports); its **code** is
its mentions' most frequent CAMEO code, ties to the more specific (longer) code; its actor codes
likewise. `n_mentions` counts mentions, `n_articles` distinct articles (an imported event with no
story id counts as one), `n_sources` distinct publishers: the host of the article's URL, else the
agency in its dateline ("(Reuters)", "/PRNewswire/"), for imported events the dataset's publisher
(ICEWS Publisher, GDELT SOURCEURL's host); mentions whose publisher is unknown count as one.

A story's **id** is a hash of its founding mention's id (the earliest, ties by id), so rebuilding
from the same events gives the same ids, and a story keeps its id as later reports join it (an
earlier-dated one takes over as founder, and the id changes with it).

Updating is by group (origin, dyad, code class, modality, calendar year): after each stored
batch, the groups of events that no story lists yet are clustered again from all their mentions,
in the same transaction, so the stories never disagree with the events, whatever order they
came in. The year bounds that work for a busy dyad in a large store; the price is that a story
never spans New Year (a strike on the night of December 31 reported as January 1 is two).
"""
from __future__ import annotations

import calendar
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable
from urllib.parse import urlparse

from .common import actor_match, rows

WINDOW_DAYS = 1
COARSE = ("week", "month", "year")
MENTION_FIELDS = ("id", "article_id", "origin", "source_country", "source_code", "target_country", "target_code",
                  "cameo", "cameo_name", "plover", "quad_class", "goldstein", "modality", "date", "date_precision")
STORY_COLUMNS = ("id", "group_key", "origin", "date", "date_precision", "source_country", "source_code",
                 "target_country", "target_code", "cameo", "cameo_name", "plover", "quad_class", "goldstein",
                 "modality", "n_mentions", "n_articles", "n_sources")


@dataclass(frozen=True)
class Mention:
    """What clustering needs of one stored event."""

    id: str
    article_id: str | None = None
    origin: str = "detente"
    source_country: str | None = None
    source_code: str | None = None
    target_country: str | None = None
    target_code: str | None = None
    cameo: str | None = None
    cameo_name: str | None = None
    plover: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    modality: str = "asserted"
    date: date | None = None
    date_precision: str | None = None
    publisher: str | None = None

    @property
    def article(self) -> str:
        return self.article_id or f"event:{self.id}"

    @property
    def precision(self) -> str:
        return self.date_precision if self.date_precision in COARSE else "day"

    @property
    def group(self) -> str:
        return group_key(self)


@dataclass(frozen=True)
class Story:
    id: str
    group_key: str
    origin: str
    date: date | None
    date_precision: str | None
    source_country: str | None
    source_code: str | None
    target_country: str | None
    target_code: str | None
    cameo: str | None
    cameo_name: str | None
    plover: str | None
    quad_class: int | None
    goldstein: float | None
    modality: str
    n_mentions: int
    n_articles: int
    n_sources: int
    mentions: tuple[Mention, ...] = field(default=(), repr=False)


def group_key(m: Mention) -> str:
    """Mentions in different groups are never one event (rules 1-4 of the module docstring, and
    the calendar year, or for an undated mention its article: see "Updating")."""
    domestic = m.source_country is not None and m.source_country == m.target_country
    source = (m.source_code if domestic else m.source_country or m.source_code) or ""
    target = (m.target_code if domestic else m.target_country or m.target_code) or ""
    code = m.plover or (f"cameo:{m.cameo[:2]}" if m.cameo else "")
    when = str(m.date.year) if m.date else f"undated:{m.article}"
    return "|".join((m.origin or "detente", source, target, code, m.modality or "", when))


# -- clustering -----------------------------------------------------------------------------------

@dataclass
class _Draft:
    members: list[Mention]
    start: date | None
    end: date | None

    @property
    def founder(self) -> Mention:
        return self.members[0]


def _period(m: Mention) -> tuple[date, date]:
    day = m.date
    if m.precision == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if m.precision == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if m.precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    return day, day


def _by_day(mentions: list[Mention]) -> list[_Draft]:
    """Day-dated mentions, earliest first: each joins the open story while within the window of
    its first date, else opens the next (the fewest stories whose members are all within it)."""
    drafts: list[_Draft] = []
    for m in sorted(mentions, key=lambda m: (m.date, m.id)):
        if drafts and (m.date - drafts[-1].start).days <= WINDOW_DAYS:
            drafts[-1].members.append(m)
            drafts[-1].end = m.date
        else:
            drafts.append(_Draft([m], m.date, m.date))
    return drafts


def _join_coarse(drafts: list[_Draft], mentions: list[Mention]) -> None:
    for m in sorted(mentions, key=lambda m: (m.date, m.id)):
        first, last = _period(m)
        overlapping = [d for d in drafts if d.start <= last and first <= d.end]
        if overlapping:
            min(overlapping, key=lambda d: (-len(d.members), d.start, d.founder.id)).members.append(m)
        else:
            drafts.append(_Draft([m], first, last))


def _cluster_group(mentions: list[Mention]) -> list[_Draft]:
    dated = [m for m in mentions if m.date is not None]
    drafts = _by_day([m for m in dated if m.precision == "day"])
    for precision in COARSE:
        _join_coarse(drafts, [m for m in dated if m.precision == precision])
    undated: dict[str, list[Mention]] = {}
    for m in sorted((m for m in mentions if m.date is None), key=lambda m: m.id):
        undated.setdefault(m.article, []).append(m)
    drafts += [_Draft(members, None, None) for members in undated.values()]
    return drafts


def _most_common(values: Iterable[str | None]) -> str | None:
    """The most frequent value; ties to the longer (more specific) one, then the first in order."""
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], -len(v), v))


def _story(key: str, draft: _Draft) -> Story:
    members, founder = draft.members, draft.founder
    cameo = _most_common(m.cameo for m in members)
    coded = next((m for m in members if m.cameo == cameo), founder)
    publishers = {m.publisher for m in members}
    return Story(
        id=story_id(founder.id), group_key=key, origin=founder.origin or "detente",
        date=founder.date, date_precision=founder.precision if founder.date else None,
        source_country=founder.source_country,
        source_code=_most_common(m.source_code for m in members),
        target_country=founder.target_country,
        target_code=_most_common(m.target_code for m in members),
        cameo=cameo, cameo_name=coded.cameo_name, plover=coded.plover or founder.plover,
        quad_class=coded.quad_class, goldstein=coded.goldstein, modality=founder.modality,
        n_mentions=len(members), n_articles=len({m.article for m in members}),
        n_sources=len(publishers - {None}) + (None in publishers), mentions=tuple(members),
    )


def story_id(founder_id: str) -> str:
    return hashlib.sha1(f"story:{founder_id}".encode("utf-8")).hexdigest()[:16]


def cluster(mentions: Iterable[Mention]) -> list[Story]:
    """The story events of these mentions, by the rule of the module docstring. Deterministic:
    the same mentions, in any order, give the same stories with the same ids."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.group, []).append(m)
    return [_story(key, draft) for key in sorted(groups) for draft in _cluster_group(groups[key])]


# -- publishers -----------------------------------------------------------------------------------

def publisher(article_source: str | None = None, article_head: str | None = None,
              dataset_publisher: str | None = None) -> str | None:
    """Who published a mention: a URL's host (www. dropped), else the dataset's publisher name,
    else the article's dateline agency; lower case so that "Reuters" and "REUTERS" are one."""
    for value in (dataset_publisher, article_source):
        host = _host(value)
        if host:
            return host
    if dataset_publisher and dataset_publisher.strip():
        return " ".join(dataset_publisher.lower().split())
    if article_head:
        from ..stages.dateline import find_dateline

        found = find_dateline(article_head)
        if found is not None and found.agency:
            return " ".join(found.agency.lower().split())
    return None


def _host(value: str | None) -> str | None:
    if not value or "://" not in value:
        return None
    host = (urlparse(value.strip()).hostname or "").lower()
    return host.removeprefix("www.") or None


# -- the store's tables ---------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS stories (
    id VARCHAR PRIMARY KEY, group_key VARCHAR, origin VARCHAR, date DATE, date_precision VARCHAR,
    source_country VARCHAR, source_code VARCHAR, target_country VARCHAR, target_code VARCHAR,
    cameo VARCHAR, cameo_name VARCHAR, plover VARCHAR, quad_class INTEGER, goldstein DOUBLE, modality VARCHAR,
    n_mentions INTEGER, n_articles INTEGER, n_sources INTEGER
);
CREATE TABLE IF NOT EXISTS story_mentions (
    story_id VARCHAR, event_id VARCHAR PRIMARY KEY, article_id VARCHAR, publisher VARCHAR
);
"""

_COLUMNS = ", ".join(f"e.{c}" for c in MENTION_FIELDS)
# Mentions no story lists yet, with what tells their publisher. A dataset names it in its own
# record: ICEWS "Publisher", GDELT "SOURCEURL", a PLOVER record's "publisher".
_UNLISTED = f"""
    SELECT {_COLUMNS}, a.source AS article_source, left(a.text, 2000) AS article_head,
           coalesce(json_extract_string(e.origin_record, '$.Publisher'),
                    json_extract_string(e.origin_record, '$.publisher'),
                    json_extract_string(e.origin_record, '$.SOURCEURL')) AS dataset_publisher
    FROM events e LEFT JOIN articles a ON a.id = e.article_id
    WHERE e.id IN (SELECT id FROM unlisted_events)
"""
# Every event has one row in story_mentions, so equal counts mean none is unlisted; the anti-join
# over all events is the slow path (about 0.1 s per 400k events), for when no ids are given.
COUNTS_DIFFER = "SELECT (SELECT count(*) FROM events) <> (SELECT count(*) FROM story_mentions)"
_ALL_UNLISTED = "SELECT id FROM events WHERE id NOT IN (SELECT event_id FROM story_mentions)"
_UNLISTED_OF = ("SELECT id FROM events WHERE id IN (SELECT unnest(?::VARCHAR[])) "
                "AND id NOT IN (SELECT event_id FROM story_mentions WHERE event_id IN (SELECT unnest(?::VARCHAR[])))")
_LISTED = f"""
    SELECT {_COLUMNS}, m.publisher
    FROM stories s JOIN story_mentions m ON m.story_id = s.id JOIN events e ON e.id = m.event_id
    WHERE s.group_key IN (SELECT key FROM story_groups)
"""


def _mention(row: dict, publisher_name: str | None) -> Mention:
    return Mention(**{f: row[f] for f in MENTION_FIELDS}, publisher=publisher_name)


def update(con, event_ids: list[str] | None = None, rebuild: bool = False) -> int:
    """Bring `stories` and `story_mentions` up to date with `events` on an open DuckDB connection,
    inside the caller's transaction; returns how many stories were (re)written.

    Only groups (origin, dyad, code class, modality) with a mention no story lists yet are
    clustered again, from all their mentions. `event_ids`, the events just stored, spares the
    search for unlisted ones over the whole table. `rebuild` clusters every event afresh."""
    import pyarrow as pa

    if rebuild:
        con.execute("DELETE FROM story_mentions")
        con.execute("DELETE FROM stories")
    if event_ids is not None and not event_ids and not rebuild:
        return 0
    if event_ids is not None and not rebuild:
        con.execute(f"CREATE OR REPLACE TEMP TABLE unlisted_events AS {_UNLISTED_OF}", [event_ids, event_ids])
    elif con.execute(COUNTS_DIFFER).fetchone()[0]:
        con.execute(f"CREATE OR REPLACE TEMP TABLE unlisted_events AS {_ALL_UNLISTED}")
    else:
        return 0
    fresh = [_mention(r, publisher(r["article_source"], r["article_head"], r["dataset_publisher"]))
             for r in rows(con, _UNLISTED, [])]
    con.execute("DROP TABLE unlisted_events")
    if not fresh:
        return 0
    keys = pa.table({"key": pa.array(sorted({m.group for m in fresh}), pa.string())})
    con.register("story_groups", keys)
    try:
        known = [_mention(r, r["publisher"]) for r in rows(con, _LISTED, [])]
        con.execute("DELETE FROM story_mentions WHERE story_id IN "
                    "(SELECT id FROM stories WHERE group_key IN (SELECT key FROM story_groups))")
        con.execute("DELETE FROM stories WHERE group_key IN (SELECT key FROM story_groups)")
    finally:
        con.unregister("story_groups")
    stories = cluster(fresh + known)
    _insert(con, stories)
    return len(stories)


def where(actor: str | None = None, since: date | str | None = None, until: date | str | None = None,
          cameo: str | None = None, modality: str | None = None, origin: str | None = None,
          min_articles: int | None = None) -> tuple[str, list]:
    """The WHERE clause (with its leading " WHERE ", or "") and parameters of a stories filter:
    `actor` a country or code prefix on either side, dates on the story's date, `cameo` a prefix
    of the story's code."""
    clauses, params = [], []
    if actor:
        clauses.append(f"({actor_match('source')} OR {actor_match('target')})")
        params += [actor.upper()] * 2
    for sql, value in (("date >= ?", since), ("date <= ?", until), ("starts_with(cameo, ?)", cameo),
                       ("modality = ?", modality), ("origin = ?", origin and origin.lower()),
                       ("n_articles >= ?", min_articles)):
        if value:
            clauses.append(sql)
            params.append(value if isinstance(value, int) else str(value))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _insert(con, stories: list[Story]) -> None:
    import pyarrow as pa

    types = {"date": pa.date32(), "quad_class": pa.int32(), "goldstein": pa.float64(), "n_mentions": pa.int32(),
             "n_articles": pa.int32(), "n_sources": pa.int32()}
    story_table = pa.table({c: pa.array([getattr(s, c) for s in stories], types.get(c, pa.string()))
                            for c in STORY_COLUMNS})
    links = [(s.id, m.id, m.article_id, m.publisher) for s in stories for m in s.mentions]
    link_table = pa.table({name: pa.array([link[i] for link in links], pa.string())
                           for i, name in enumerate(("story_id", "event_id", "article_id", "publisher"))})
    for name, table, target in (("incoming_stories", story_table, "stories"),
                                ("incoming_story_mentions", link_table, "story_mentions")):
        con.register(name, table)
        try:
            con.execute(f"INSERT INTO {target} ({', '.join(table.column_names)}) SELECT * FROM {name}")
        finally:
            con.unregister(name)


# -- explaining -----------------------------------------------------------------------------------

def explain(found: dict, color: bool = False) -> str:
    """A story event as text: its dyad, code, date and counts, then each article's mentions with
    the evidence sentence marked ([source] <<trigger>> {target}), as `Store.story` returns it."""
    code = f"CAMEO {found['cameo']} {found['cameo_name'] or ''}".strip() if found["cameo"] else "no CAMEO code"
    publishers = sorted({m["publisher"] for m in found["mentions"] if m["publisher"]})
    lines = [
        f"story {found['id']}  {found['source_code'] or found['source_country'] or '?'} -> "
        f"{found['target_code'] or found['target_country'] or '(no target)'}",
        "",
        f"  code      {found['plover'] or '(no PLOVER type)'}; {code}; quad class {found['quad_class']}; "
        f"Goldstein {found['goldstein']}",
        f"  modality  {found['modality']}",
        f"  date      {found['date'] or 'unknown'}" + (f" ({found['date_precision']}, the earliest reported)"
                                                      if found["date"] else ""),
        f"  reports   {found['n_mentions']} mention(s) in {found['n_articles']} article(s) from "
        f"{found['n_sources']} source(s)" + (f": {', '.join(publishers)}" if publishers else ""),
    ]
    by_article: dict[str, list[dict]] = {}
    for mention in found["mentions"]:
        by_article.setdefault(mention["event"].article_id or mention["event"].id, []).append(mention)
    for article_id, mentions in by_article.items():
        lines += ["", _article_line(article_id, mentions[0])]
        lines += [line for m in mentions for line in _mention_lines(m["event"], color)]
    return "\n".join(lines)


def _article_line(article_id: str, mention: dict) -> str:
    article = mention["article"] or {}
    title = f"  {article['title']!r}" if article.get("title") else ""
    where = f"  ({article['source']})" if article.get("source") else ""
    published = f", published {article['published']}" if article.get("published") else ""
    return f"  article {article_id}{published}; source {mention['publisher'] or 'unknown'}{title}{where}"


def _mention_lines(event, color: bool) -> list[str]:
    from ..explain import mark_sentence

    head = (f"    event {event.id}  {event.date or 'undated'}  {event.source.code or '?'} {event.cameo or event.plover} "
            f"{event.target.code if event.target else '(no target)'}  {event.modality}")
    if event.imported or event.evidence[0] is None:
        text = event.sentence or f"(no text: imported from {event.origin}, its id {event.origin_id})"
    else:
        text = mark_sentence(event, color)
    return [head, f"      {text}"]
