"""WARC crawl archives (`.warc`, `.warc.gz`), through warcio: one article per page.

Each `response` (or `resource`) record with a 2xx status and an HTML or plain-text payload is an
article whose source is its WARC-Target-URI. Everything else in an archive is not an input and
is passed over: request, metadata and warcinfo records, redirects and error pages, images,
scripts, style sheets, robots.txt.

The WARC-Date is when the page was crawled, not when it was published, so it never dates the
article: the caller's --published, the page's HTML metadata or its dateline do, or nothing.

A truncated or corrupt archive keeps the records read before the damage and is rejected
(`malformed_warc`) for the rest; warcio itself reads a cut-off record as a short one and a cut
gzip member as the end of the file, so both are checked here (the record's unread length, and
the offset reached against the file's size).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from ..errors import InputError
from ..model import Article
from .readers import MAX_BYTES, Rejected, decode

PAGE_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}


def read_warc(path: str | Path, published: date | None = None) -> Iterator[Article | Rejected]:
    from warcio.archiveiterator import ArchiveIterator

    p = Path(path)
    if not p.exists():
        raise InputError(f"cannot read {str(p)!r}: no such file; check the path")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"{str(p)!r} is empty: there are no WARC records to read", "empty")
    number = 0
    with open(p, "rb") as handle:
        records = ArchiveIterator(handle)
        try:
            for record in records:
                number += 1
                if record.format != "warc":  # warcio reads any text as an old-style ARC record
                    raise InputError(f"{str(p)!r} is not a WARC file: record {number} has no WARC/1.x header",
                                     "malformed_warc")
                item = _record_item(record, f"{p}:{number}", published)
                if item is not None:
                    yield item
        except InputError:
            raise
        except Exception as exc:  # warcio reports damage as many types: ArchiveLoadFailed, EOFError, zlib.error, …
            raise InputError(f"{str(p)!r} cannot be read past record {number} ({type(exc).__name__}: {exc}): "
                             f"it is truncated or corrupt; the {number} record(s) before were read",
                             "malformed_warc") from None
        if records.offset < size:
            raise InputError(f"{str(p)!r} stops being readable at byte {records.offset} of {size}, after record "
                             f"{number}: it is truncated or corrupt; the records before were read", "malformed_warc")


def _record_item(record, where: str, published: date | None) -> Article | Rejected | None:
    """The article of one record, its rejection, or None for a record that is no page."""
    media, charset = _page_type(record)
    if media is None:
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or where
    if media == "text" and urlsplit(uri).path.endswith("/robots.txt"):
        return None
    body, whole = _read(record.content_stream(), MAX_BYTES)
    if not whole:
        return Rejected(uri, f"{where} ({uri}): the page is over the {MAX_BYTES // 1_048_576} MB limit for one article",
                        "too_large")
    if record.raw_stream.limit > 0:
        return Rejected(uri, f"{where} ({uri}): the record is cut short, {record.raw_stream.limit} byte(s) missing: "
                             "the archive is truncated", "malformed_warc")
    try:
        text = decode(body, uri, charset)
    except InputError as exc:
        return Rejected(uri, f"{where}: {exc}", exc.kind)
    return Article(raw=text, published=published, media_type=media, source=uri)


def _page_type(record) -> tuple[str | None, str | None]:
    """("html" or "text", charset) for a page record; (None, None) for anything else."""
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None or not str(headers.get_statuscode() or "").startswith("2"):
            return None, None
        content_type = headers.get_header("Content-Type")
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type")
    else:
        return None, None
    media, _, params = (content_type or "").partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip()
    return PAGE_TYPES.get(media.strip().lower()), charset


def _read(stream, limit: int) -> tuple[bytes, bool]:
    """Up to `limit` bytes of a stream, and whether that was all of it."""
    chunks, total = [], 0
    while total <= limit:
        chunk = stream.read(min(65536, limit + 1 - total))
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)[:limit], False
