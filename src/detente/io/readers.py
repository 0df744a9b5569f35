"""Read documents from disk or stdin into `Article`s, refusing bad input with a clear reason."""
from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator, Mapping

from ..errors import InputError
from ..model import Article

TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml"}
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv"}  # one article per record
MAX_BYTES = 20 * 1024 * 1024


def parse_date(value: str | None, what: str = "--published") -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-06-21") from None


def decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError(f"{name!r} is empty: there is no article text to code")
    sample = data[:8192]
    if b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) * 0.1:
        raise InputError(f"{name!r} looks like a binary file, not text or HTML: pass a plain-text or HTML article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name!r} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
            f"convert it first, e.g. `iconv -f latin1 -t utf-8 {name} > fixed.txt`"
        ) from None


def read_article(path: str | os.PathLike, published: date | None = None) -> Article:
    p = Path(path)
    if not p.exists():
        raise InputError(f"cannot read {str(path)!r}: no such file; check the path, or pass the text itself with --text")
    if p.is_dir():
        raise InputError(f"{str(path)!r} is a directory: `detente ingest` takes directories, `extract` takes one file")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{str(path)!r} is {size // 1_048_576} MB, over the {MAX_BYTES // 1_048_576} MB limit for one article")
    text = decode(p.read_bytes(), str(path))
    media = "html" if p.suffix.lower() in (".html", ".htm", ".xhtml") else "text"
    return Article(raw=text, published=published, media_type=media, source=str(p))


def read_text(text: str, published: date | None = None, source: str = "<text>") -> Article:
    if not text.strip():
        raise InputError(f"{source} is empty: there is no article text to code")
    return Article(raw=text, published=published, source=source)


@dataclass(frozen=True)
class Rejected:
    path: str
    reason: str


def expand_paths(paths) -> Iterator[Path]:
    """Files as given; directories walked recursively for text and HTML files, in a stable order."""
    wanted = TEXT_SUFFIXES | RECORD_SUFFIXES
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in wanted)
        else:
            yield p


# ------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class RecordFields:
    """Field names of a JSONL/CSV article record; each role takes the first name present."""

    id: tuple[str, ...] = ("id",)
    url: tuple[str, ...] = ("url", "link")
    title: tuple[str, ...] = ("title", "headline")
    published: tuple[str, ...] = ("published", "date", "publish_date", "pubdate")
    text: tuple[str, ...] = ("text", "body", "content")


def is_record_file(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() in RECORD_SUFFIXES


def read_records(path: str | os.PathLike, published: date | None = None,
                 fields: RecordFields = RecordFields()) -> Iterator[Article | Rejected]:
    """Each JSONL line or CSV row of `path` as an `Article`, in order; a record that cannot be
    one is yielded as `Rejected` (where and why), never dropped. The caller's `published` wins
    over the record's date, which in turn yields to HTML metadata and a dated dateline."""
    p = Path(path)
    _check_file(p, "one article per record")
    text = decode(p.read_bytes(), str(path))
    rows = _csv_rows(text) if p.suffix.lower() == ".csv" else _jsonl_rows(text)
    for number, row in rows:
        where = f"{p}:{number}"
        try:
            yield _record_article(row, where, published, fields)
        except InputError as exc:
            yield Rejected(where, str(exc))


def _check_file(p: Path, what: str) -> None:
    if not p.exists():
        raise InputError(f"cannot read {str(p)!r}: no such file; check the path")
    if p.is_dir():
        raise InputError(f"{str(p)!r} is a directory, not a file of records ({what})")


def _jsonl_rows(text: str) -> Iterator[tuple[int, Mapping | str]]:
    """(line number, object) per non-blank line; a line that is no JSON object comes as its error."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"line {number} is not JSON ({exc.msg}): {line.strip()[:80]!r}"
            continue
        yield number, record if isinstance(record, dict) else f"line {number} is not a JSON object: {line.strip()[:80]!r}"


def _csv_rows(text: str) -> Iterator[tuple[int, Mapping | str]]:
    csv.field_size_limit(MAX_BYTES)  # an article body is one field, often far over csv's 128 KB default
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        # the row's number as a spreadsheet shows it, header included
        yield reader.line_num, row


def _first(row: Mapping, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def _record_article(row: Mapping | str, where: str, published: date | None, fields: RecordFields) -> Article:
    if isinstance(row, str):
        raise InputError(f"{where}: {row}")
    text = _first(row, fields.text)
    if text is None:
        raise InputError(f"{where}: the record has no text (looked for {', '.join(map(repr, fields.text))}); "
                         f"its fields are {', '.join(map(repr, row)) or 'none'}")
    record_day = _record_date(_first(row, fields.published), where, fields.published)
    record_id, url = _first(row, fields.id), _first(row, fields.url)
    source = url or (f"{where}#{record_id}" if record_id else where)
    article = Article(raw=text, published=published, title=_first(row, fields.title), source=source)
    if published is None and record_day is not None:
        article.published, article.published_basis = record_day, "record"
    return article


def _record_date(value: str | None, where: str, names: tuple[str, ...]) -> date | None:
    """ISO dates and datetimes ("2024-06-21", "2024-06-21T09:30:00Z") or PETRARCH's 20240621."""
    if value is None:
        return None
    cleaned = value.strip()
    if len(cleaned) == 8 and cleaned.isdigit():
        cleaned = f"{cleaned[:4]}-{cleaned[4:6]}-{cleaned[6:]}"
    try:
        return date.fromisoformat(cleaned[:10])
    except ValueError:
        raise InputError(f"{where}: the date {value!r} (field {'/'.join(names)}) is not a date: "
                         f"write it as YYYY-MM-DD, e.g. 2024-06-21, or leave it empty") from None
