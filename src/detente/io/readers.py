"""Read documents from disk, stdin, feeds, WARC archives or URLs into `Article`s, refusing bad
input with a clear reason and a kind (`errors.REJECT_KINDS`) that the rejects table counts.

Which reader an input gets (`read_input`): `-` is standard input; `http://` and `https://` are
fetched (`io.fetch`); `.jsonl`/`.ndjson`/`.csv` hold one article per record; `.rss`, `.atom` and
`.xml` files whose root element is a feed hold one per item (`io.feeds`); `.warc`/`.warc.gz`
one per HTML or text response (`io.warc`); anything else is one article, HTML by its suffix.
"""
from __future__ import annotations

import csv
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Mapping

from ..errors import InputError
from ..model import Article

TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml"}
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv"}  # one article per record
FEED_SUFFIXES = {".rss", ".atom"}  # one article per item; `.xml` too when its root is a feed
WARC_SUFFIXES = (".warc", ".warc.gz")
MAX_BYTES = 20 * 1024 * 1024
STDIN = "-"


def parse_date(value: str | None, what: str = "--published") -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-06-21", "invalid_date") from None


def looks_binary(sample: bytes) -> bool:
    return b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) * 0.1


def decode(data: bytes, name: str, charset: str | None = None) -> str:
    """The text of `data`: in its declared `charset` when a server or archive names one,
    else UTF-8. Empty, binary and undecodable bytes are refused, each with its kind."""
    if not data.strip():
        raise InputError(f"{name!r} is empty: there is no article text to code", "empty")
    if looks_binary(data[:8192]):
        raise InputError(f"{name!r} looks like a binary file, not text or HTML: pass a plain-text or HTML article", "binary")
    encoding = _known_charset(charset) or "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        declared = f"its declared charset {charset!r}" if charset else "UTF-8"
        raise InputError(
            f"{name!r} is not {declared} text (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
            f"convert it first, e.g. `iconv -f latin1 -t utf-8 {name} > fixed.txt`", "bad_encoding"
        ) from None


def _known_charset(charset: str | None) -> str | None:
    import codecs

    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().strip('"\'')).name
    except LookupError:
        return None  # an unknown label: UTF-8, the web's default, is the best guess
    return "utf-8-sig" if name == "utf-8" else name


def read_article(path: str | os.PathLike, published: date | None = None) -> Article:
    p = Path(path)
    _check_file(p, "one article")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{str(path)!r} is {size // 1_048_576} MB, over the {MAX_BYTES // 1_048_576} MB limit for one article",
                         "too_large")
    text = decode(p.read_bytes(), str(path))
    media = "html" if p.suffix.lower() in (".html", ".htm", ".xhtml") else "text"
    return Article(raw=text, published=published, media_type=media, source=str(p))


def read_text(text: str, published: date | None = None, source: str = "<text>") -> Article:
    if not text.strip():
        raise InputError(f"{source} is empty: there is no article text to code", "empty")
    return Article(raw=text, published=published, source=source)


@dataclass(frozen=True)
class Rejected:
    """An input that is no article: where it is (a file, `file:N` for its Nth record, item or
    WARC record, a URL), why (a sentence that quotes it) and the kind of reason."""

    path: str
    reason: str
    kind: str = "unreadable"


@dataclass
class RejectTally:
    """The inputs a run rejected, as `ingest` and `import` summaries count them (their fields
    come last, keyword-only, so a summary's own fields keep their places)."""

    rejected: list[tuple[str, str]] = field(default_factory=list, kw_only=True)  # (source, reason), in input order
    rejected_kinds: list[str] = field(default_factory=list, kw_only=True)  # the kind of each of `rejected`

    def add_rejected(self, rejects: Iterable[Rejected | tuple]) -> None:
        """Count rejected inputs: `Rejected`s, or (source, reason[, kind]) tuples."""
        for reject in rejects:
            if isinstance(reject, Rejected):
                reject = (reject.path, reject.reason, reject.kind)
            self.rejected.append((reject[0], reject[1]))
            self.rejected_kinds.append(reject[2] if len(reject) > 2 else "unreadable")

    @property
    def by_kind(self) -> dict[str, int]:
        """How many inputs were rejected for each kind of reason, the commonest first."""
        from collections import Counter

        return dict(Counter(self.rejected_kinds).most_common())


def is_url(raw) -> bool:
    return isinstance(raw, str) and raw[:8].lower().startswith(("http://", "https://"))


def input_kind(path: str | os.PathLike) -> str | None:
    """"records", "feed", "warc" or "text" for a file detente reads, None for one it does not
    (a directory walk skips those)."""
    p = Path(path)
    name = p.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    suffix = p.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        return "records"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix == ".xml":
        from .feeds import is_feed_file

        return "feed" if is_feed_file(p) else None
    return "text" if suffix in TEXT_SUFFIXES else None


def expand_paths(paths) -> Iterator[Path | str]:
    """Files as given; directories walked recursively for the files detente reads, in a stable
    order. `-` (standard input) and URLs pass through as the strings they are."""
    for raw in paths:
        if isinstance(raw, str) and (raw == STDIN or is_url(raw)):
            yield raw
            continue
        p = Path(raw)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and input_kind(f))
        else:
            yield p


def read_input(item: Path | str, published: date | None = None, fields: "RecordFields | None" = None,
               allow_private: bool = False, timeout: float | None = None) -> Iterator[Article | Rejected]:
    """Every article of one input (a file, `-`, or a URL), or `Rejected` for each part of it that
    is none. An input that cannot be read at all raises InputError instead."""
    fields = fields or RecordFields()
    if item == STDIN:
        yield from read_stdin(None, published, fields)
    elif is_url(item):
        from .fetch import read_url

        yield from read_url(str(item), published, allow_private, timeout)
    else:
        yield from _read_file(Path(item), published, fields)


def _read_file(p: Path, published: date | None, fields: "RecordFields") -> Iterator[Article | Rejected]:
    kind = input_kind(p)
    if kind == "records":
        yield from read_records(p, published, fields)
    elif kind == "feed":
        from .feeds import read_feed

        yield from read_feed(p, published)
    elif kind == "warc":
        from .warc import read_warc

        yield from read_warc(p, published)
    elif p.suffix.lower() == ".xml" and p.is_file():
        raise InputError(f"{str(p)!r} is XML but not an RSS or Atom feed (its root is no <rss>, <feed> or <rdf:RDF>): "
                         "detente reads feeds, HTML and plain text", "unreadable")
    else:
        yield read_article(p, published)


# ------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class RecordFields:
    """Field names of a JSONL/CSV article record; each role takes the first name present."""

    id: tuple[str, ...] = ("id",)
    url: tuple[str, ...] = ("url", "link")
    title: tuple[str, ...] = ("title", "headline")
    published: tuple[str, ...] = ("published", "date", "publish_date", "pubdate")
    text: tuple[str, ...] = ("text", "body", "content")


FIELD_ROLES = ("id", "url", "title", "published", "text")


def record_fields(settings: Iterable[str]) -> RecordFields:
    """RecordFields from `ROLE=NAME` settings (`--field text=body`). A role set several times
    takes the first of its names a record has; a role not set keeps its default names."""
    chosen: dict[str, list[str]] = {}
    for setting in settings:
        role, sep, name = setting.partition("=")
        role, name = role.strip().lower(), name.strip()
        if not sep or role not in FIELD_ROLES or not name:
            raise InputError(f"--field {setting!r} is not ROLE=NAME with ROLE one of {', '.join(FIELD_ROLES)}: "
                             "e.g. --field text=body --field published=pub_date")
        chosen.setdefault(role, []).append(name)
    return RecordFields(**{role: tuple(names) for role, names in chosen.items()})


def is_record_file(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() in RECORD_SUFFIXES


def read_records(path: str | os.PathLike, published: date | None = None,
                 fields: RecordFields = RecordFields()) -> Iterator[Article | Rejected]:
    """Each JSONL line or CSV row of `path` as an `Article`, in order; a record that cannot be
    one is yielded as `Rejected` (where and why), never dropped. The caller's `published` wins
    over the record's date, which in turn yields to HTML metadata and a dated dateline.

    The file is read a record at a time, so its size does not matter; a file that cannot be
    read at all (empty, binary, a CSV without a text column) raises InputError."""
    p = Path(path)
    _check_file(p, "one article per record")
    _check_head(p)
    is_csv = p.suffix.lower() == ".csv"
    rows = _csv_rows(p, fields) if is_csv else _jsonl_file_rows(p)
    yield from _records(rows, str(p), published, fields, "malformed_csv" if is_csv else "malformed_json")


def read_stdin(stream: BinaryIO | None = None, published: date | None = None,
               fields: RecordFields = RecordFields()) -> Iterator[Article | Rejected]:
    """Standard input (`-`): JSONL records, one article per line, when its first non-blank line
    is a JSON object; otherwise the whole of it is one plain-text (or HTML) article. Records are
    read a line at a time, so a corpus can be piped in."""
    stream = stream if stream is not None else getattr(sys.stdin, "buffer", sys.stdin)
    lines = (_as_bytes(line) for line in stream)
    head: list[bytes] = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    if head and _is_json_object(head[-1]):
        rows = _jsonl_rows(chain(head, lines))
        yield from _records(rows, "<stdin>", published, fields, "malformed_json")
        return
    data = b"".join(chain(head, _capped(lines, MAX_BYTES + 1)))
    if len(data) > MAX_BYTES:
        raise InputError(f"standard input is over the {MAX_BYTES // 1_048_576} MB limit for one article: "
                         "pipe JSONL records (one article per line) instead", "too_large")
    yield Article(raw=decode(data, "<stdin>"), published=published, source="<stdin>")


def _as_bytes(line) -> bytes:
    return line if isinstance(line, bytes) else line.encode("utf-8")


def _capped(lines: Iterator[bytes], limit: int) -> Iterator[bytes]:
    total = 0
    for line in lines:
        yield line
        total += len(line)
        if total >= limit:
            return


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, UnicodeDecodeError):
        return False


def _records(rows: Iterable[tuple[int, Mapping | InputError]], name: str, published: date | None,
             fields: RecordFields, malformed: str) -> Iterator[Article | Rejected]:
    count = 0
    for number, row in rows:
        count += 1
        where = f"{name}:{number}"
        try:
            yield _record_article(row, where, published, fields, malformed)
        except InputError as exc:
            yield Rejected(where, str(exc), exc.kind)
    if count == 0:
        raise InputError(f"{name!r} holds no records: each line (JSONL) or row after the header (CSV) is one article",
                         "empty")


def _check_file(p: Path, what: str) -> None:
    if not p.exists():
        raise InputError(f"cannot read {str(p)!r}: no such file; check the path, or pass the text itself with --text")
    if p.is_dir():
        raise InputError(f"{str(p)!r} is a directory, not a file ({what}): `detente ingest` walks directories")


def _check_head(p: Path) -> None:
    """Empty and binary files are refused from their first bytes, before any record is read."""
    with open(p, "rb") as handle:
        head = handle.read(8192)
    if not head.strip() and p.stat().st_size <= len(head):
        raise InputError(f"{str(p)!r} is empty: there are no records to code", "empty")
    if looks_binary(head):
        raise InputError(f"{str(p)!r} looks like a binary file, not JSONL or CSV text", "binary")


def _jsonl_file_rows(p: Path) -> Iterator[tuple[int, Mapping | InputError]]:
    with open(p, "rb") as handle:
        yield from _jsonl_rows(handle)


def _jsonl_rows(lines: Iterable[bytes]) -> Iterator[tuple[int, Mapping | InputError]]:
    """(line number, object) per non-blank line; a line that is no JSON object comes as its error."""
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        yield number, _jsonl_row(raw, number)


def _jsonl_row(raw: bytes, number: int) -> Mapping | InputError:
    if len(raw) > MAX_BYTES:
        return InputError(f"line {number} is {len(raw) // 1_048_576} MB, over the {MAX_BYTES // 1_048_576} MB "
                          "limit for one article", "too_large")
    try:
        line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return InputError(f"line {number} is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}): "
                          f"{raw.strip()[:80]!r}; convert the file to UTF-8", "bad_encoding")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(f"line {number} is not JSON ({exc.msg}): {line.strip()[:80]!r}", "malformed_json")
    if not isinstance(record, dict):
        return InputError(f"line {number} is not a JSON object: {line.strip()[:80]!r}", "malformed_json")
    return record


def _csv_rows(p: Path, fields: RecordFields) -> Iterator[tuple[int, Mapping | InputError]]:
    csv.field_size_limit(MAX_BYTES)  # an article body is one field, often far over csv's 128 KB default
    read = 0
    with open(p, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        try:
            _check_header(p, reader.fieldnames or [], fields)
            for row in reader:
                # the row's number as a spreadsheet shows it, header included
                read += 1
                yield reader.line_num, row
        except UnicodeDecodeError as exc:
            raise InputError(f"{str(p)!r} is not UTF-8 text from about line {reader.line_num + 1} on "
                             f"(byte 0x{exc.object[exc.start]:02x}); {read} row(s) before it were read: convert it, "
                             f"e.g. `iconv -f latin1 -t utf-8 {p} > fixed.csv`", "bad_encoding") from None
        except csv.Error as exc:
            yield reader.line_num, InputError(f"the CSV cannot be read from here on ({exc}): check its quoting",
                                              "malformed_csv")


def _check_header(p: Path, header: list[str], fields: RecordFields) -> None:
    if not any(name in header for name in fields.text):
        raise InputError(f"{str(p)!r} has no text column (looked for {', '.join(map(repr, fields.text))}); "
                         f"its columns are {', '.join(map(repr, header)) or 'none'}: name yours with --field text=COLUMN",
                         "malformed_csv")


def _first(row: Mapping, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def _record_article(row: Mapping | InputError, where: str, published: date | None, fields: RecordFields,
                    malformed: str = "malformed_json") -> Article:
    if isinstance(row, InputError):
        raise InputError(f"{where}: {row}", row.kind)
    text = _first(row, fields.text)
    if text is None:
        present = [name for name in fields.text if row.get(name) is not None]
        if present:
            raise InputError(f"{where}: the record's text ({present[0]!r}) is empty: there is nothing to code", "empty")
        raise InputError(f"{where}: the record has no text (looked for {', '.join(map(repr, fields.text))}); "
                         f"its fields are {', '.join(map(repr, (k for k in row if k is not None))) or 'none'}: "
                         "name yours with --field text=NAME", malformed)
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
                         f"write it as YYYY-MM-DD, e.g. 2024-06-21, or leave it empty", "invalid_date") from None
