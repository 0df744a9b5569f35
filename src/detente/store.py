"""The embedded DuckDB store: articles, events (with their evidence) and rejected inputs.

Identity is a content hash, so ingesting the same article twice adds nothing. Events are
written in bulk through Arrow (row-by-row inserts are about 100x slower in DuckDB).
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

from .analysis import stories as story_events
from .analysis.common import actor_match, rows
from .errors import DetenteError
from .model import Actor, Article, Event, Location

ACTOR_FIELDS = ("text", "start", "end", "name", "country", "sector", "code", "confidence", "basis")
LOCATION_FIELDS = ("name", "country", "lat", "lon", "feature", "geonameid", "admin1", "start", "end")

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, title VARCHAR, published DATE, source VARCHAR, media_type VARCHAR,
    text VARCHAR, notes VARCHAR[], ingested_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, article_id VARCHAR, date DATE, date_basis VARCHAR, date_precision VARCHAR,
    date_text VARCHAR,
    source_text VARCHAR, source_start INTEGER, source_end INTEGER, source_name VARCHAR, source_country VARCHAR,
    source_sector VARCHAR, source_code VARCHAR, source_confidence DOUBLE, source_basis VARCHAR,
    target_text VARCHAR, target_start INTEGER, target_end INTEGER, target_name VARCHAR, target_country VARCHAR,
    target_sector VARCHAR, target_code VARCHAR, target_confidence DOUBLE, target_basis VARCHAR,
    cameo VARCHAR, cameo_name VARCHAR, goldstein DOUBLE, quad_class INTEGER, plover VARCHAR, plover_mode VARCHAR,
    modality VARCHAR, trigger VARCHAR, trigger_start INTEGER, trigger_end INTEGER, sentence VARCHAR,
    evidence_start INTEGER, evidence_end INTEGER,
    location_name VARCHAR, location_country VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
    location_feature VARCHAR, location_geonameid BIGINT, location_admin1 VARCHAR, location_start INTEGER,
    location_end INTEGER,
    confidence DOUBLE, rationale VARCHAR[]
);
CREATE TABLE IF NOT EXISTS rejects (
    source VARCHAR, reason VARCHAR, rejected_at TIMESTAMP
);
"""

# Columns added after the first release; an older database gains them when opened for writing.
# origin: who coded the event ("detente", or the dataset it was imported from: icews, gdelt,
# plover); origin_id: that dataset's own event id; origin_record: its record as JSON.
MIGRATIONS = """
ALTER TABLE events ADD COLUMN IF NOT EXISTS origin VARCHAR DEFAULT 'detente';
ALTER TABLE events ADD COLUMN IF NOT EXISTS origin_id VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS origin_record VARCHAR;
ALTER TABLE rejects ADD COLUMN IF NOT EXISTS kind VARCHAR;
"""
# rejects.kind: why, as one word of errors.REJECT_KINDS (empty, not_english, …) for counting;
# `reason` keeps the sentence that quotes the input. Rows from before kinds, and imports, have none.


@functools.cache
def arrow_schema(table: str):
    """The Arrow schema of one of the store's tables, read off SCHEMA and MIGRATIONS themselves
    (an empty in-memory database), so rows built away from the store, such as the Dask engine's
    Parquet partitions, have exactly its columns and types."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute(SCHEMA)
        con.execute(MIGRATIONS)
        return con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
    finally:
        con.close()


def _conformed(columns: dict, table: str):
    """An Arrow table of `table`'s schema from the given columns; a column not given is null."""
    import pyarrow as pa

    schema = arrow_schema(table)
    size = len(next(iter(columns.values()))) if columns else 0
    return pa.table([pa.array(columns[f.name], f.type) if f.name in columns else pa.nulls(size, f.type)
                     for f in schema], schema=schema)


def utc_now() -> datetime:
    """When a row is written, as the store's TIMESTAMP columns hold it (UTC, naive)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def articles_table(articles: list[Article], now: datetime):
    """The `articles` rows of these articles, as an Arrow table."""
    return _conformed({
        "id": [a.id for a in articles],
        "title": [a.title for a in articles],
        "published": [a.published for a in articles],
        "source": [a.source for a in articles],
        "media_type": [a.media_type for a in articles],
        "text": [a.text for a in articles],
        "notes": [list(a.notes) for a in articles],
        "ingested_at": [now] * len(articles),
    }, "articles")


def events_table(events: Iterable[Event]):
    """The `events` rows of these events, as an Arrow table."""
    import pyarrow as pa

    schema = arrow_schema("events")
    rows = [event_row(e) for e in events]
    return pa.Table.from_pylist([{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema)


def rejects_table(rejects: list[tuple[str, ...]], now: datetime):
    """The `rejects` rows of these (source, reason) or (source, reason, kind) tuples, as an Arrow table."""
    return _conformed({"source": [r[0] for r in rejects], "reason": [r[1] for r in rejects],
                       "rejected_at": [now] * len(rejects),
                       "kind": [r[2] if len(r) > 2 else None for r in rejects]}, "rejects")


def event_row(event: Event) -> dict:
    row = {k: v for k, v in event.to_dict().items() if k not in ("source", "target", "location", "trigger_span", "evidence")}
    row["trigger_start"], row["trigger_end"] = event.trigger_span
    row["evidence_start"], row["evidence_end"] = event.evidence
    for prefix, actor in (("source", event.source), ("target", event.target)):
        data = actor.to_dict() if actor else {}
        for f in ACTOR_FIELDS:
            row[f"{prefix}_{f}"] = data.get(f)
    loc = event.location.to_dict() if event.location else {}
    for f in LOCATION_FIELDS:
        row[f"location_{f}"] = loc.get(f)
    row["date"] = date.fromisoformat(event.date) if event.date else None
    row["rationale"] = list(event.rationale)
    return row


def _actor(row: dict, prefix: str) -> Actor | None:
    if row.get(f"{prefix}_text") is None:
        return None
    return Actor(
        text=row[f"{prefix}_text"], start=row[f"{prefix}_start"], end=row[f"{prefix}_end"],
        country=row[f"{prefix}_country"], sector=row[f"{prefix}_sector"], name=row[f"{prefix}_name"],
        confidence=row[f"{prefix}_confidence"], basis=row[f"{prefix}_basis"] or "",
    )


def event_from_row(row: dict) -> Event:
    location = None
    if row.get("location_name") is not None:
        location = Location(**{f: row[f"location_{f}"] for f in LOCATION_FIELDS})
    source = _actor(row, "source")
    assert source is not None
    return Event(
        id=row["id"], article_id=row["article_id"], source=source, target=_actor(row, "target"),
        cameo=row["cameo"], cameo_name=row["cameo_name"], goldstein=row["goldstein"], quad_class=row["quad_class"],
        plover=row["plover"], plover_mode=row["plover_mode"], modality=row["modality"], trigger=row["trigger"],
        trigger_span=(row["trigger_start"], row["trigger_end"]), sentence=row["sentence"],
        evidence=(row["evidence_start"], row["evidence_end"]), confidence=row["confidence"],
        rationale=tuple(row["rationale"] or ()),
        date=row["date"].isoformat() if row["date"] else None, date_basis=row["date_basis"],
        date_precision=row["date_precision"], date_text=row["date_text"], location=location,
        origin=row.get("origin") or "detente", origin_id=row.get("origin_id"),
    )


@dataclass(frozen=True)
class IngestResult:
    article_id: str
    source: str | None
    new: bool
    events: int


class Store:
    """A DuckDB file holding articles, events and rejects.

    >>> with Store("detente.duckdb") as store:
    ...     store.events(actor="RUS", since="2024-06-01")
    """

    def __init__(self, path: str | Path = "detente.duckdb", read_only: bool = False):
        import duckdb

        self.path = str(path)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            raise DetenteError(f"cannot open the database {self.path!r}: {exc}. Is another detente process using it?") from None
        except duckdb.Error as exc:
            raise DetenteError(f"{self.path!r} is not a detente DuckDB database ({exc}); pass another file with --db") from None
        if not read_only:
            self.con.execute(SCHEMA)
            self.con.execute(MIGRATIONS)
            self.con.execute(story_events.SCHEMA)
            self._sync_stories()

    @classmethod
    def on_connection(cls, con, path: str | Path) -> "Store":
        """The store's readers over a connection (or cursor) the caller owns and closes, e.g. one
        cursor per request of the HTTP server, which shares one read-only database instance."""
        store = cls.__new__(cls)
        store.path, store.con = str(path), con
        return store

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    # -- writing ---------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone() is not None

    def add_article(self, article: Article) -> IngestResult:
        """Store an article and its events in one transaction; a known article is a no-op."""
        if self.has_article(article.id):
            return IngestResult(article.id, article.source, False, 0)
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [article.id, article.title, article.published, article.source, article.media_type, article.text,
                 article.notes, datetime.now(timezone.utc).replace(tzinfo=None)],
            )
            self.add_events(article.events)
            self.commit([e.id for e in article.events])
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return IngestResult(article.id, article.source, True, len(article.events))

    def add_articles(self, articles: Iterable[Article], rejects: Iterable[tuple[str, str]] = ()) -> list[IngestResult]:
        """Store a batch in one transaction: its new articles (through Arrow), their events, and
        the batch's rejected inputs (source, reason[, kind]). Known articles, and repeats within the
        batch, are no-ops; one result per article, in order."""
        articles, rejects = list(articles), list(rejects)
        ids = list({a.id for a in articles})
        known = {row[0] for row in self.con.execute("SELECT id FROM articles WHERE list_contains(?, id)", [ids]).fetchall()} if ids else set()
        results, fresh = [], []
        for article in articles:
            new = article.id not in known
            known.add(article.id)
            if new:
                fresh.append(article)
            results.append(IngestResult(article.id, article.source, new, len(article.events) if new else 0))
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        self.con.execute("BEGIN TRANSACTION")
        try:
            if fresh:
                table = articles_table(fresh, now)
                self.con.register("incoming_articles", table)
                try:
                    names = ", ".join(table.column_names)
                    self.con.execute(f"INSERT INTO articles ({names}) SELECT {names} FROM incoming_articles")
                finally:
                    self.con.unregister("incoming_articles")
                self.add_events(e for a in fresh for e in a.events)
            for reject in rejects:
                self.add_reject(*reject)
            self.commit([e.id for a in fresh for e in a.events])
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return results

    def add_events(self, events: Iterable[Event]) -> int:
        table = events_table(events)
        if not table.num_rows:
            return 0
        columns = table.column_names
        self.con.register("incoming_events", table)
        try:
            self.con.execute(
                f"INSERT INTO events SELECT {', '.join(columns)} FROM incoming_events "
                "WHERE id NOT IN (SELECT id FROM events)"
            )
        finally:
            self.con.unregister("incoming_events")
        return table.num_rows

    def add_reject(self, source: str, reason: str, kind: str | None = None) -> None:
        """Record a rejected input, once: ingesting the same bad file again (or re-running a
        killed ingest) must not count it twice."""
        self.con.execute("INSERT INTO rejects (source, reason, rejected_at, kind) SELECT ?, ?, ?, ? WHERE NOT EXISTS "
                         "(SELECT 1 FROM rejects WHERE source = ? AND reason = ?)",
                         [source, reason, datetime.now(timezone.utc).replace(tzinfo=None), kind, source, reason])

    def add_imported(self, table, rejects: Iterable[tuple[str, str, str]] = ()) -> int:
        """Insert an Arrow table of event rows (columns named as in `events`) and the import's
        rejected rows (source, reason, kind), in one transaction. Rows whose id is already stored, or
        repeated within the table, are skipped, and so is a reject already recorded: importing
        the same file again changes nothing. Returns how many events were added."""
        import pyarrow as pa

        rejects = list(dict.fromkeys(rejects))
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        self.con.execute("BEGIN TRANSACTION")
        try:
            added = 0
            if table.num_rows:
                names = ", ".join(table.column_names)
                self.con.register("incoming_imported", table)
                try:
                    added = self.con.execute(
                        f"INSERT INTO events ({names}) SELECT {names} FROM incoming_imported "
                        "WHERE id NOT IN (SELECT id FROM events) QUALIFY row_number() OVER (PARTITION BY id) = 1"
                    ).fetchone()[0]
                finally:
                    self.con.unregister("incoming_imported")
            if rejects:
                found = pa.table({"source": [r[0] for r in rejects], "reason": [r[1] for r in rejects],
                                  "rejected_at": pa.array([now] * len(rejects), pa.timestamp("us")),
                                  "kind": [r[2] for r in rejects]})
                self.con.register("incoming_rejects", found)
                try:
                    self.con.execute("INSERT INTO rejects (source, reason, rejected_at, kind) "
                                     "SELECT * FROM incoming_rejects i WHERE NOT EXISTS "
                                     "(SELECT 1 FROM rejects r WHERE r.source = i.source AND r.reason = i.reason)")
                finally:
                    self.con.unregister("incoming_rejects")
            self.commit(table.column("id").to_pylist() if table.num_rows else [])
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return added

    def commit(self, event_ids: list[str] | None = None) -> None:
        """Every write commits here: the stories are brought up to date with the new events in
        the same transaction, so a run killed at any point leaves both or neither. `event_ids`
        (the events just written) makes that quick; without them the whole table is searched."""
        self.update_stories(event_ids)
        self.con.execute("COMMIT")

    def update_stories(self, event_ids: list[str] | None = None, rebuild: bool = False) -> int:
        """Cluster the events no story lists yet (of `event_ids`, or of all) into story events
        (see `analysis.stories`), in the caller's transaction; `rebuild` clusters every event
        afresh. Returns the stories written."""
        return story_events.update(self.con, event_ids, rebuild)

    def stories_behind(self) -> bool:
        """Whether some event has no story yet (or there are no story tables): a write that
        committed without `commit`, e.g. through another writer. Opening for writing catches up."""
        if not self.has_column("stories", "id"):
            return True
        return self.con.execute(story_events.COUNTS_DIFFER).fetchone()[0]

    def _sync_stories(self) -> None:
        """On opening: stories for events stored before there were stories, or by `add_events`
        outside a transaction."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.commit()
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    # -- reading ---------------------------------------------------------------------------

    def _rows(self, sql: str, params: list) -> list[dict]:
        return rows(self.con, sql, params)

    def events(self, actor: str | None = None, since: date | str | None = None, until: date | str | None = None,
               cameo: str | None = None, modality: str | None = None, article_id: str | None = None,
               limit: int | None = None, origin: str | None = None) -> list[Event]:
        where, params = self.event_where(actor, since, until, cameo, modality, article_id, origin)
        sql = "SELECT * FROM events" + where
        sql += " ORDER BY date NULLS LAST, article_id, evidence_start, trigger_start, id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [event_from_row(r) for r in self._rows(sql, params)]

    def event_where(self, actor: str | None = None, since: date | str | None = None, until: date | str | None = None,
                    cameo: str | None = None, modality: str | None = None, article_id: str | None = None,
                    origin: str | None = None) -> tuple[str, list]:
        """The WHERE clause (with its leading " WHERE ", or "") and parameters of an events filter."""
        where, params = [], []
        if actor:
            where.append(f"({actor_match('source')} OR {actor_match('target')})")
            params += [actor.upper()] * 2
        if since:
            where.append("date >= ?")
            params.append(str(since))
        if until:
            where.append("date <= ?")
            params.append(str(until))
        if cameo:
            where.append("starts_with(cameo, ?)")
            params.append(cameo)
        if modality:
            where.append("modality = ?")
            params.append(modality)
        if article_id:
            where.append("article_id = ?")
            params.append(article_id)
        if origin:
            # a database from before imports (opened read-only, so not migrated) holds only detente's events
            where.append("origin = ?" if self.has_column("events", "origin") else "'detente' = ?")
            params.append(origin.lower())
        return (" WHERE " + " AND ".join(where) if where else ""), params

    def has_column(self, table: str, column: str) -> bool:
        return self.con.execute("SELECT 1 FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                                [table, column]).fetchone() is not None

    def event(self, event_id: str) -> Event | None:
        rows = self._rows("SELECT * FROM events WHERE id = ? OR starts_with(id, ?) LIMIT 2", [event_id, event_id])
        if len(rows) > 1:
            raise DetenteError(f"event id {event_id!r} is ambiguous: give more characters")
        return event_from_row(rows[0]) if rows else None

    def article(self, article_id: str) -> dict | None:
        rows = self._rows("SELECT * FROM articles WHERE id = ?", [article_id])
        return rows[0] if rows else None

    def dyads(self, top: int = 10, since: date | str | None = None, modality: str | None = "asserted",
              count: str = "mentions") -> list[dict]:
        """The busiest country pairs, with their event mix by quad class and Goldstein total.

        Only asserted events count by default: a negated arms delivery or a hypothetical attack
        did not happen, and would otherwise add its Goldstein weight. `modality=None` counts all.
        `count="stories"` counts story events (each event once, however many reports; its code
        and Goldstein value are the story's) instead of mentions."""
        table = self._counted_table(count)
        params: list = []
        where = "WHERE target_country IS NOT NULL AND source_country IS NOT NULL AND source_country <> target_country"
        if modality:
            where += " AND modality = ?"
            params.append(modality)
        if since:
            where += " AND date >= ?"
            params.append(str(since))
        sql = f"""
            SELECT source_country AS source, target_country AS target, count(*) AS events,
                   count(*) FILTER (WHERE quad_class = 1) AS verbal_coop,
                   count(*) FILTER (WHERE quad_class = 2) AS material_coop,
                   count(*) FILTER (WHERE quad_class = 3) AS verbal_conflict,
                   count(*) FILTER (WHERE quad_class = 4) AS material_conflict,
                   round(sum(goldstein), 1) AS goldstein_sum
            FROM {table} {where}
            GROUP BY 1, 2 ORDER BY events DESC, goldstein_sum ASC, source, target LIMIT {int(top)}
        """
        return self._rows(sql, params)

    def counts(self) -> dict[str, int]:
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "rejects")}

    def _counted_table(self, count: str) -> str:
        if count not in ("mentions", "stories"):
            raise DetenteError(f"cannot count {count!r}: count 'mentions' (coded reports) or 'stories' (story events)")
        if count == "stories":
            self._require_stories()
        return "stories" if count == "stories" else "events"

    def _require_stories(self) -> None:
        if not self.has_column("stories", "id"):
            raise DetenteError(f"{self.path!r} was made before story events: open it for writing once "
                               f"(`detente ingest` or `detente import` into it, or `detente stories --db {self.path}`)")

    def stories(self, actor: str | None = None, since: date | str | None = None, until: date | str | None = None,
                cameo: str | None = None, modality: str | None = None, origin: str | None = None,
                min_articles: int | None = None, limit: int | None = None) -> list[dict]:
        """Story events (rows of `stories`), earliest first, with their mention, article and
        source counts; filtered like `events` (on the story's date, countries or codes, and code)."""
        self._require_stories()
        where, params = story_events.where(actor, since, until, cameo, modality, origin, min_articles)
        sql = f"SELECT * FROM stories{where} ORDER BY date NULLS LAST, n_articles DESC, n_mentions DESC, id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self._rows(sql, params)

    def story_mention_ids(self, story_ids: list[str]) -> dict[str, list[str]]:
        """The event ids of each of these stories."""
        if not story_ids:
            return {}
        rows = self.con.execute("SELECT story_id, list(event_id ORDER BY event_id) FROM story_mentions "
                                "WHERE story_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY story_id", [story_ids]).fetchall()
        return dict(rows)

    def story(self, story_id: str) -> dict | None:
        """One story event (an id or its first characters) with its `mentions`: each the `event`,
        its `publisher` and its `article` (id, title, source, published; None for an imported one)."""
        self._require_stories()
        rows = self._rows("SELECT * FROM stories WHERE id = ? OR starts_with(id, ?) LIMIT 2", [story_id, story_id])
        if len(rows) > 1:
            raise DetenteError(f"story id {story_id!r} is ambiguous: give more characters")
        if not rows:
            return None
        links = self._rows(
            "SELECT e.*, m.publisher AS story_publisher, a.id AS article_key, a.title AS article_title, "
            "a.source AS article_source, a.published AS article_published "
            "FROM story_mentions m JOIN events e ON e.id = m.event_id LEFT JOIN articles a ON a.id = e.article_id "
            "WHERE m.story_id = ? ORDER BY e.date NULLS LAST, e.article_id, e.evidence_start, e.id", [rows[0]["id"]])
        rows[0]["mentions"] = [{
            "event": event_from_row(link), "publisher": link["story_publisher"],
            "article": None if link["article_key"] is None else {
                "id": link["article_key"], "title": link["article_title"], "source": link["article_source"],
                "published": link["article_published"]},
        } for link in links]
        return rows[0]
