"""RSS and Atom feeds (files or fetched URLs): one article per item, through feedparser.

An item becomes an article with its title, its link as the source, its own date, and its text
from content:encoded / Atom content, else its description / summary. That text is usually HTML
and goes through the clean stage's HTML path like any page. A feed that is not well-formed XML
is rejected as a whole (`malformed_feed`): feedparser's lenient parser would guess at the items
of a broken file, and half a feed read silently is worse than a clear error to fix.

Dates follow the JSONL reader: an item without a date stays undated; an item whose date is
not a date is rejected (`invalid_date`). The date is the one written in the feed (its local
day), not converted to UTC, which could move it to the day before or after.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..model import Article
from .readers import MAX_BYTES, Rejected, looks_binary

FEED_ROOTS = {"rss", "feed", "rdf"}  # RSS 0.9x/2.0, Atom, RSS 1.0 (rdf:RDF)
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml"}
XML_TYPES = {"application/xml", "text/xml"}
PROLOGUE = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.DOTALL | re.IGNORECASE)
ELEMENT = re.compile(rb"\s*<([A-Za-z_][\w.:-]*)")
MARKUP = re.compile(r"<[A-Za-z!/]")


def root_element(data: bytes) -> str | None:
    """The local name of the first element (the prologue skipped), lowercased, or None."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf")
    position = 0
    while match := PROLOGUE.match(head, position):
        position = match.end()
    element = ELEMENT.match(head, position)
    return element.group(1).decode("ascii", "replace").split(":")[-1].lower() if element else None


def is_feed(data: bytes) -> bool:
    return root_element(data) in FEED_ROOTS


def is_feed_file(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return is_feed(handle.read(65536))
    except OSError:
        return False


def read_feed(path: str | Path, published: date | None = None) -> Iterator[Article | Rejected]:
    p = Path(path)
    if not p.exists():
        raise InputError(f"cannot read {str(p)!r}: no such file; check the path")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{str(p)!r} is {size // 1_048_576} MB, over the {MAX_BYTES // 1_048_576} MB limit for a feed",
                         "too_large")
    yield from read_feed_bytes(p.read_bytes(), str(p), published)


def read_feed_bytes(data: bytes, name: str, published: date | None = None) -> Iterator[Article | Rejected]:
    """The items of a feed document; `name` (a path or URL) locates them as `name:N`."""
    import feedparser

    if not data.strip():
        raise InputError(f"{name!r} is empty: there is no feed to read", "empty")
    if looks_binary(data[:8192]):
        raise InputError(f"{name!r} looks like a binary file, not an RSS or Atom feed", "binary")
    # a stream, never a string: feedparser fetches a string that looks like a URL
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    _check_well_formed(parsed, name)
    if not parsed.entries:
        raise InputError(f"{name!r} is a feed with no items: there is nothing to code", "empty")
    for number, entry in enumerate(parsed.entries, 1):
        where = f"{name}:{number}"
        try:
            yield _entry_article(entry, where, published)
        except InputError as exc:
            yield Rejected(where, str(exc), exc.kind)


def _check_well_formed(parsed, name: str) -> None:
    import feedparser

    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    # encoding overrides and a text/xml content type are feedparser's notes, not broken XML
    if error is not None and not isinstance(error, feedparser.ThingsNobodyCaresAboutButMe):
        what = error.getMessage() if hasattr(error, "getMessage") else str(error)
        if hasattr(error, "getLineNumber"):
            what += f" at line {error.getLineNumber()}, column {error.getColumnNumber()}"
        raise InputError(f"{name!r} is not a well-formed feed ({what}): "
                         "fix the XML, e.g. escape a bare '&' as '&amp;', or re-download a truncated file",
                         "malformed_feed")
    if not parsed.get("version") and not parsed.entries:
        raise InputError(f"{name!r} is not an RSS or Atom feed: its root is no <rss>, <feed> or <rdf:RDF>",
                         "malformed_feed")


def _entry_article(entry, where: str, published: date | None) -> Article:
    title = (entry.get("title") or "").strip() or None
    url = (entry.get("link") or "").strip() or None
    body = _entry_body(entry)
    if not body.strip():
        hint = f"; ingest its page instead: detente ingest {url}" if url else ""
        raise InputError(f"{where}: the item {title or '(untitled)'!r} has no text (no content or description){hint}",
                         "empty")
    day = _entry_date(entry, where)
    guid = (entry.get("id") or "").strip()
    source = url or (f"{where}#{guid}" if guid else where)
    media = "html" if MARKUP.search(body) else "text"
    article = Article(raw=body, published=published, title=title, media_type=media, source=source)
    if published is None and day is not None:
        article.published, article.published_basis = day, "record"
    return article


def _entry_body(entry) -> str:
    """The fullest text an item carries: content:encoded or Atom content, else its summary."""
    contents = [c.get("value") or "" for c in entry.get("content") or []]
    best = max(contents, key=len, default="")
    return best if best.strip() else entry.get("summary") or ""


def _entry_date(entry, where: str) -> date | None:
    for field in ("published", "updated", "created"):
        value = (entry.get(field) or "").strip()
        if value:
            day = _feed_day(value) or _parsed_day(entry.get(f"{field}_parsed"))
            if day is None:
                raise InputError(f"{where}: the item's date {value!r} ({field}) is not a date: write it as RFC 822 "
                                 "(Fri, 21 Jun 2024 09:30:00 +0000) or ISO 8601 (2024-06-21T09:30:00Z), or leave it out",
                                 "invalid_date")
            return day
    return None


def _feed_day(value: str) -> date | None:
    """The day as written: RFC 822 (RSS) or ISO 8601 (Atom), in the feed's own time zone."""
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def _parsed_day(parsed) -> date | None:
    # feedparser reads more date styles than the standard library, but in UTC
    try:
        return date(*parsed[:3]) if parsed else None
    except (TypeError, ValueError):
        return None
