"""The embedded DuckDB store: articles, events (with their evidence) and rejected inputs.

Identity is a content hash, so ingesting the same article twice adds nothing. Events are
written in bulk through Arrow (row-by-row inserts are about 100x slower in DuckDB).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

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
"""


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
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return IngestResult(article.id, article.source, True, len(article.events))

    def add_articles(self, articles: Iterable[Article], rejects: Iterable[tuple[str, str]] = ()) -> list[IngestResult]:
        """Store a batch in one transaction: its new articles (through Arrow), their events, and
        the batch's rejected inputs (source, reason). Known articles, and repeats within the
        batch, are no-ops; one result per article, in order."""
        import pyarrow as pa

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
                table = pa.table({
                    "id": pa.array([a.id for a in fresh], pa.string()),
                    "title": pa.array([a.title for a in fresh], pa.string()),
                    "published": pa.array([a.published for a in fresh], pa.date32()),
                    "source": pa.array([a.source for a in fresh], pa.string()),
                    "media_type": pa.array([a.media_type for a in fresh], pa.string()),
                    "text": pa.array([a.text for a in fresh], pa.string()),
                    "notes": pa.array([list(a.notes) for a in fresh], pa.list_(pa.string())),
                    "ingested_at": pa.array([now] * len(fresh), pa.timestamp("us")),
                })
                self.con.register("incoming_articles", table)
                try:
                    names = ", ".join(table.column_names)
                    self.con.execute(f"INSERT INTO articles ({names}) SELECT {names} FROM incoming_articles")
                finally:
                    self.con.unregister("incoming_articles")
                self.add_events(e for a in fresh for e in a.events)
            for source, reason in rejects:
                self.add_reject(source, reason)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return results

    def add_events(self, events: Iterable[Event]) -> int:
        import pyarrow as pa

        rows = [event_row(e) for e in events]
        if not rows:
            return 0
        columns = [c[0] for c in self.con.execute("SELECT * FROM events LIMIT 0").description]
        table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])
        self.con.register("incoming_events", table)
        try:
            self.con.execute(
                f"INSERT INTO events SELECT {', '.join(columns)} FROM incoming_events "
                "WHERE id NOT IN (SELECT id FROM events)"
            )
        finally:
            self.con.unregister("incoming_events")
        return len(rows)

    def add_reject(self, source: str, reason: str) -> None:
        self.con.execute("INSERT INTO rejects VALUES (?, ?, ?)", [source, reason, datetime.now(timezone.utc).replace(tzinfo=None)])

    def add_imported(self, table, rejects: Iterable[tuple[str, str]] = ()) -> int:
        """Insert an Arrow table of event rows (columns named as in `events`) and the import's
        rejected rows (source, reason), in one transaction. Rows whose id is already stored, or
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
                                  "rejected_at": pa.array([now] * len(rejects), pa.timestamp("us"))})
                self.con.register("incoming_rejects", found)
                try:
                    self.con.execute("INSERT INTO rejects SELECT * FROM incoming_rejects i WHERE NOT EXISTS "
                                     "(SELECT 1 FROM rejects r WHERE r.source = i.source AND r.reason = i.reason)")
                finally:
                    self.con.unregister("incoming_rejects")
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return added

    # -- reading ---------------------------------------------------------------------------

    def _rows(self, sql: str, params: list) -> list[dict]:
        cursor = self.con.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

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
            where.append("(source_country = ? OR target_country = ? OR starts_with(source_code, ?) OR starts_with(target_code, ?))")
            params += [actor.upper()] * 4
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

    def dyads(self, top: int = 10, since: date | str | None = None, modality: str | None = "asserted") -> list[dict]:
        """The busiest country pairs, with their event mix by quad class and Goldstein total.

        Only asserted events count by default: a negated arms delivery or a hypothetical attack
        did not happen, and would otherwise add its Goldstein weight. `modality=None` counts all."""
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
            FROM events {where}
            GROUP BY 1, 2 ORDER BY events DESC, goldstein_sum ASC, source, target LIMIT {int(top)}
        """
        return self._rows(sql, params)

    def counts(self) -> dict[str, int]:
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "rejects")}
