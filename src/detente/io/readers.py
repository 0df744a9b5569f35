"""Read documents from disk or stdin into `Article`s, refusing bad input with a clear reason."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..model import Article

TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml"}
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
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES)
        else:
            yield p
