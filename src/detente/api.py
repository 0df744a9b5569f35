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
from .io.readers import Rejected, expand_paths, is_record_file, parse_date, read_article, read_records
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
            raise InputError(item.reason)
        articles.append(pipeline.run(item))
    return articles


@dataclass
class IngestSummary:
    results: list[IngestResult] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)

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
           progress: Callable[[int], None] | None = None, workers: int = 1, batch_size: int = 16) -> IngestSummary:
    """Code every file under `paths` and store it; bad files are recorded in `rejects`, not dropped.

    Articles stream through the pipeline `batch_size` at a time (one `nlp.pipe` per batch), in
    `workers` processes when it is over 1; this process alone writes the database, one
    transaction per batch (its articles, events and rejects). Memory follows the batch size, not
    the corpus. `progress(n)` is called after each stored batch with its number of inputs
    (articles and rejected ones)."""
    summary = IngestSummary()
    items = _ingest_items(list(expand_paths(paths)), _as_date(published))
    pool = None
    if workers > 1:
        from .workers import WorkerPool

        pool = WorkerPool(workers)
        pool.start()  # before the database opens: no process forks with DuckDB's threads running
    try:
        with Store(db) as store:
            for batch in pipeline.process_batches(items, batch_size, pool=pool):
                rejects = [(item.path, item.reason) for item in batch if isinstance(item, Rejected)]
                summary.results.extend(store.add_articles([a for a in batch if isinstance(a, Article)], rejects))
                summary.rejected.extend(rejects)
                if progress:
                    progress(len(batch))
    finally:
        if pool is not None:
            pool.close()
    return summary


def _ingest_items(files: list[Path], published: date | None) -> Iterator[Article | Rejected]:
    """Every input as an Article, or as Rejected with its reason where it stands: a bad file as
    a whole, a bad record of a JSONL/CSV file (one article per record) on its own."""
    for path in files:
        try:
            if is_record_file(path):
                yield from read_records(path, published)
            else:
                yield read_article(path, published)
        except InputError as exc:
            yield Rejected(str(path), str(exc))


def count_articles(paths: Iterable[str | Path]) -> int:
    """About how many articles `ingest` meets under `paths` (for a progress bar's ETA): one per
    text file, one per non-blank JSONL line or CSV row."""
    import csv

    total = 0
    for path in expand_paths(paths):
        try:
            if not is_record_file(path):
                total += 1
            elif path.suffix.lower() == ".csv":
                csv.field_size_limit(20 * 1024 * 1024)
                with open(path, encoding="utf-8", errors="replace", newline="") as handle:
                    total += max(0, sum(1 for _ in csv.reader(handle)) - 1)
            else:
                with open(path, "rb") as handle:
                    total += sum(1 for line in handle if line.strip())
        except (OSError, csv.Error):
            total += 1
    return total


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
