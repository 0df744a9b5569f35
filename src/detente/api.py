"""The Python API: code text without storing (`extract`), or ingest into a `Store`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
import json
from typing import Callable, Iterable, Iterator

from . import pipeline
from .coding import pair
from .coding.pair import PairCoding
from .errors import DetenteError, InputError
from .io.readers import (Rejected, RecordFields, RejectTally, expand_paths, input_kind, parse_date, read_article,
                         read_input, read_records)
from .model import Actor, Article, Event, Location
from .store import IngestResult, Store


def _as_date(published: date | str | None) -> date | None:
    return parse_date(published) if isinstance(published, str) else published


def extract(text: str, published: date | str | None = None, html: bool = False) -> list[Event]:
    """Code a text and return its events.

    >>> events = extract("Putin warned South Korea on Thursday.", published="2024-06-21")
    >>> events[0].cameo, events[0].source.country, events[0].target.country, events[0].date
    ('130', 'RUS', 'KOR', '2024-06-20')
    """
    return extract_article(text, published, html).events


def extract_article(text: str, published: date | str | None = None, html: bool = False, source: str | None = None) -> Article:
    if not text or not text.strip():
        raise InputError("the text is empty: there is nothing to code")
    return pipeline.process(text, _as_date(published), "html" if html else "text", source)


def actors(text: str, published: date | str | None = None) -> list[Actor]:
    """Resolve every actor mention in a text to country + sector (+ a name for people).

    >>> [(a.text, a.code) for a in actors("North Korean troops crossed the border.")]
    [('North Korean troops', 'PRKMIL')]
    """
    if not text or not text.strip():
        raise InputError("the text is empty: there is nothing to resolve")
    article = Article(raw=text, published=_as_date(published))
    return pipeline.run(article, until="actors").mentions


def actors_stream(lines: Iterable[str]) -> Iterator[dict]:
    """Resolve actors for JSON lines {"id", "text", "date"?}; one result per line, in order.
    A bad line yields its error instead of being dropped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError('each line must be a JSON object with a "text" string')
            found = actors(record["text"], record.get("date") or None)
            yield {"id": record.get("id"), "mentions": [m.to_dict() for m in found]}
        except json.JSONDecodeError as exc:
            yield {"line": number, "error": f"line {number} is not JSON ({exc.msg}): {line.strip()[:80]!r}"}
        except DetenteError as exc:
            yield {"id": record.get("id") if isinstance(record, dict) else None, "line": number, "error": str(exc)}


def places(text: str, demonyms: bool = False) -> list[Location]:
    """Find and resolve the place names of a text (`Location`s with character offsets).

    >>> [(p.name, p.country, p.feature) for p in places("Protesters gathered in Tbilisi, Georgia.")]
    [('Tbilisi', 'GEO', 'city'), ('Georgia', 'GEO', 'country')]
    """
    return place_records(text, demonyms)[0]


def place_records(text: str, demonyms: bool = False) -> tuple[list[Location], Article]:
    from .stages import where

    if not text or not text.strip():
        raise InputError("the text is empty: there is nothing to locate")
    article = pipeline.run(Article(raw=text), until="actors")
    found = where.find_places(article, demonyms).places
    return found, article


def place_dict(place: Location, text: str) -> dict:
    """The JSON form of a found place: its span and text, then the resolved place."""
    return {"start": place.start, "end": place.end, "text": text[place.start:place.end], "name": place.name,
            "country": place.country, "admin1": place.admin1, "lat": place.lat, "lon": place.lon,
            "geonameid": place.geonameid, "feature": place.feature}


def places_stream(lines: Iterable[str], demonyms: bool = False) -> Iterator[dict]:
    """Places for JSON lines {"id", "text"}; one {"id", "places"} per line, in order. A bad line
    yields its error instead of being dropped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record = None
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError('each line must be a JSON object with a "text" string')
            found, article = place_records(record["text"], demonyms)
            yield {"id": record.get("id"), "places": [place_dict(p, article.text) for p in found]}
        except json.JSONDecodeError as exc:
            yield {"line": number, "error": f"line {number} is not JSON ({exc.msg}): {line.strip()[:80]!r}"}
        except DetenteError as exc:
            yield {"id": record.get("id") if isinstance(record, dict) else None, "line": number, "error": str(exc)}


def extract_file(path: str | Path, published: date | str | None = None) -> Article:
    return pipeline.run(read_article(path, _as_date(published)))


def extract_records(path: str | Path, published: date | str | None = None) -> list[Article]:
    """Code every record of a JSONL/CSV file (fields id, url, title, published/date, text).
    The first bad record stops it with an error that quotes it; `ingest` rejects it instead."""
    articles = []
    for item in read_records(path, _as_date(published)):
        if isinstance(item, Rejected):
            raise InputError(item.reason, item.kind)
        articles.append(pipeline.run(item))
    return articles


@dataclass
class IngestSummary(RejectTally):
    results: list[IngestResult] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def duplicates(self) -> int:
        return sum(not r.new for r in self.results)

    @property
    def events(self) -> int:
        return sum(r.events for r in self.results)


def ingest(paths: Iterable[str | Path], db: str | Path = "detente.duckdb", published: date | str | None = None,
           progress: Callable[[int], None] | None = None, workers: int = 1, batch_size: int = 16,
           engine: str = "local", scheduler: str | None = None, staging: str | Path | None = None,
           fields: RecordFields | None = None, allow_private: bool = False, timeout: float | None = None) -> IngestSummary:
    """Code every input under `paths` and store it; bad ones are recorded in `rejects`, not dropped.

    `paths` are files, directories (walked), `-` for standard input and http(s) URLs (see
    `io.readers.read_input`). `fields` names JSONL/CSV fields; `allow_private` lets URLs reach
    private, loopback and link-local addresses; `timeout` is each request's, in seconds.

    Articles stream through the pipeline `batch_size` at a time (one `nlp.pipe` per batch), in
    `workers` processes when it is over 1; this process alone writes the database, one
    transaction per batch (its articles, events and rejects). Memory follows the batch size, not
    the corpus. `progress(n)` is called after each stored batch with its number of inputs
    (articles and rejected ones).

    `engine="dask"` codes on a Dask cluster instead (`detente.engines.dask`): a LocalCluster of
    `workers` processes, or the one at `scheduler` (tcp://HOST:8786), writing Parquet partitions
    under `staging`; the same rows are stored."""
    if engine == "dask":
        from .engines import dask as dask_engine

        # reader options given here must reach it too, so the same inputs read the same way
        return dask_engine.ingest(paths, db, published, progress, workers, batch_size, scheduler=scheduler,
                                  staging=staging, fields=fields, allow_private=allow_private, timeout=timeout)
    if engine != "local":
        raise DetenteError(f"unknown engine {engine!r}: use 'local' or 'dask'")
    if scheduler is not None or staging is not None:
        raise DetenteError("a scheduler address and a staging directory are for the Dask engine: add --engine dask")
    summary = IngestSummary()
    items = _ingest_items(list(expand_paths(paths)), _as_date(published), fields, allow_private, timeout)
    pool = None
    if workers > 1:
        from .workers import WorkerPool

        pool = WorkerPool(workers)
        pool.start()  # before the database opens: no process forks with DuckDB's threads running
    try:
        with Store(db) as store:
            for batch in pipeline.process_batches(items, batch_size, pool=pool):
                rejects = [item for item in batch if isinstance(item, Rejected)]
                summary.results.extend(store.add_articles([a for a in batch if isinstance(a, Article)],
                                                          [(r.path, r.reason, r.kind) for r in rejects]))
                summary.add_rejected(rejects)
                if progress:
                    progress(len(batch))
    finally:
        if pool is not None:
            pool.close()
    return summary


def _ingest_items(files: list[Path | str], published: date | None, fields: RecordFields | None = None,
                  allow_private: bool = False, timeout: float | None = None) -> Iterator[Article | Rejected]:
    """Every input as an Article, or as Rejected with its reason where it stands: a bad file as
    a whole, a bad record of a JSONL/CSV file, feed item or WARC record on its own. `files` are
    what `expand_paths` gives: Paths, `-` and URLs."""
    for item in files:
        try:
            yield from read_input(item, published, fields, allow_private, timeout)
        except InputError as exc:
            yield Rejected(str(item), str(exc), exc.kind)


def count_articles(paths: Iterable[str | Path]) -> int:
    """About how many articles `ingest` meets under `paths` (for a progress bar's ETA): one per
    text file, URL or standard input, one per non-blank JSONL line or CSV row, feed item or
    WARC response."""
    total = 0
    for item in expand_paths(paths):
        try:
            total += 1 if isinstance(item, str) else _count_file(item)
        except Exception:  # a count is a guess for the ETA; the reader reports what is wrong
            total += 1
    return total


def _count_file(path: Path) -> int:
    import csv
    import re

    kind = input_kind(path)
    if kind == "records" and path.suffix.lower() == ".csv":
        csv.field_size_limit(20 * 1024 * 1024)
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            return max(0, sum(1 for _ in csv.reader(handle)) - 1)
    if kind == "records":
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    if kind == "feed":
        return max(1, len(re.findall(rb"<(?:\w+:)?(?:item|entry)[\s>]", path.read_bytes())))
    if kind == "warc":
        from warcio.archiveiterator import ArchiveIterator

        with open(path, "rb") as handle:
            return max(1, sum(record.rec_type == "response" for record in ArchiveIterator(handle)))
    return 1


def code_pair(marked: str, published: date | str | None = None) -> PairCoding:
    """Code the relation between the actors marked <s>…</s> (source) and <t>…</t> (target).

    >>> coding = code_pair("<s>Putin</s> warned <t>South Korea</t> not to arm Ukraine.")
    >>> coding.cameo, coding.plover, coding.modality
    ('130', 'THREATEN', 'asserted')
    """
    return pair.code_pair(marked, _as_date(published))


def code_pairs(lines: Iterable[str], published: date | str | None = None) -> Iterator[dict]:
    """Code marked sentences, one per line (plain or JSON {"marked_sentence", "id"?})."""
    return pair.code_pairs(lines, _as_date(published))


# -- story events ----------------------------------------------------------------------------------

def _story_store(db: str | Path) -> Store:
    """The store, read-only; one whose stories are behind its events (made before story events,
    or written without `Store.commit`) is first opened for writing once, which catches up."""
    if not Path(db).exists():
        raise DetenteError(f"no database at {str(db)!r}: create one with `detente ingest PATH --db {db}`")
    store = Store(db, read_only=True)
    if store.stories_behind():
        store.close()
        Store(db).close()
        store = Store(db, read_only=True)
    return store


def _story_record(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


def stories(db: str | Path = "detente.duckdb", actor: str | None = None, since: date | str | None = None,
            until: date | str | None = None, cameo: str | None = None, modality: str | None = None,
            origin: str | None = None, min_articles: int | None = None, limit: int | None = None) -> list[dict]:
    """Story events: each event once, however many mentions, articles and sources report it
    (`detente.analysis.stories` says what merges), with `mention_ids`, earliest first:
    `[(s["date"], s["source_code"], s["cameo"], s["n_articles"]) for s in stories(db, actor="RUS")]`."""
    with _story_store(db) as store:
        rows = store.stories(actor=actor, since=_as_date(since), until=_as_date(until), cameo=cameo,
                             modality=modality, origin=origin, min_articles=min_articles, limit=limit)
        ids = store.story_mention_ids([r["id"] for r in rows])
    return [_story_record({**r, "mention_ids": ids.get(r["id"], [])}) for r in rows]


def story(db: str | Path, story_id: str) -> dict | None:
    """One story event (its id or first characters) with every mention: the event, its publisher
    and its article; None when no story has that id."""
    with _story_store(db) as store:
        return store.story(story_id)


def story_dict(found: dict) -> dict:
    """The JSON form of `story(...)`: dates as text, each mention's event as its JSONL record."""
    mentions = [{"publisher": m["publisher"], "article": m["article"] and _story_record(m["article"]),
                 "event": m["event"].to_dict()} for m in found["mentions"]]
    return {**_story_record({k: v for k, v in found.items() if k != "mentions"}), "mentions": mentions}


def dyads(db: str | Path = "detente.duckdb", top: int = 10, since: date | str | None = None,
          modality: str | None = "asserted", count: str = "mentions") -> list[dict]:
    """The busiest directed country pairs, counting coded mentions or story events (`count`)."""
    opener = _story_store if count == "stories" else (lambda path: Store(path, read_only=True))
    with opener(db) as store:
        return store.dyads(top=top, since=_as_date(since), modality=modality, count=count)


# -- the state of the system: dyads over time, the network, alerts, actors ------------------------

def _analysis_store(db: str | Path, count: str = "mentions") -> Store:
    """The store, read-only, for the analyses; story counts first bring the stories up to date."""
    if count == "stories":
        return _story_store(db)
    if not Path(db).exists():
        raise DetenteError(f"no database at {str(db)!r}: create one with `detente ingest PATH --db {db}` "
                           f"or `detente import FILE --format icews --db {db}`")
    return Store(db, read_only=True)


def dyad_series(db: str | Path, a: str, b: str, by: str = "week", directed: bool = False, count: str = "mentions",
                since: date | str | None = None, until: date | str | None = None, modality: str | None = "asserted",
                origin: str | None = None):
    """Event counts by quad class and Goldstein sum and mean of the pair a-b, per day, week or
    month (`detente.analysis.dyads`): `dyad_series(db, "RUS", "KOR", by="month")`."""
    from .analysis.dyads import dyad_series as series

    with _analysis_store(db, count) as store:
        return series(store.con, a, b, by=by, directed=directed, count=count, since=since, until=until,
                      modality=modality, origin=origin, where_db=str(db))


def network(db: str | Path, since: date | str | None = None, until: date | str | None = None, level: str = "country",
            count: str = "mentions", min_events: int = 1, modality: str | None = "asserted", origin: str | None = None):
    """The signed, weighted cooperation/conflict network of the window, with blocs
    (`detente.analysis.network`); `.to_dict()` or `.to_graphml()`."""
    from .analysis.network import network as build

    with _analysis_store(db, count) as store:
        return build(store.con, since=since, until=until, level=level, count=count, min_events=min_events,
                     modality=modality, origin=origin)


def alerts(db: str | Path, since: date | str | None = None, until: date | str | None = None, by: str = "week",
           method: str = "zscore", window: int = 8, threshold: float = 2.0, min_events: int = 3,
           origin: str | None = None, count: str = "mentions", modality: str | None = "asserted",
           sd_floor: float = 1.0, drift: float = 0.5):
    """Dyads whose conflict departs from their own baseline, each with the events that drove it
    (`detente.analysis.alerts` documents the method and its parameters)."""
    from .analysis.alerts import alerts as find

    with _analysis_store(db, count) as store:
        return find(store.con, since=since, until=until, by=by, method=method, window=window, threshold=threshold,
                    min_events=min_events, origin=origin, count=count, modality=modality, sd_floor=sd_floor,
                    drift=drift)


def actor_profile(db: str | Path, code: str, since: date | str | None = None, until: date | str | None = None,
                  by: str = "month", top: int = 10, count: str = "mentions", modality: str | None = "asserted",
                  origin: str | None = None):
    """An actor's top partners and opponents and its event mix per period (`detente.analysis.profile`)."""
    from .analysis.profile import actor_profile as profile

    with _analysis_store(db, count) as store:
        return profile(store.con, code, since=since, until=until, by=by, top=top, count=count, modality=modality,
                       origin=origin, where_db=str(db))


def actor_list(db: str | Path, q: str | None = None, limit: int = 50) -> list[dict]:
    """Countries and actor codes in the store ({code, name, country, events}), the busiest first;
    `q` matches a code's start or a name's part."""
    from .analysis.profile import actor_list as listing

    with _analysis_store(db) as store:
        return listing(store.con, q=q, limit=limit)
