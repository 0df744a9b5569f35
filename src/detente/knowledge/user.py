"""User dictionaries: the user's own actors and agents, and imported PETRARCH/TABARI ones.

Formats, chosen by file name:
- `*.csv` / `*.tsv`: columns `name, aliases, country, sector, start, end` (actors) and, in rows
  whose optional `type` column says `agent`, a sector noun in `name` with its `sector`.
- `*.yaml` / `*.yml`: `actors:` and `agents:` lists of mappings with the same keys.
- `*.actors.txt` / `*.agents.txt` (or any `.txt`): PETRARCH/TABARI dictionaries, dated codes
  included (see `knowledge.petrarch`).

Every problem names the file, the line and the bad text: an unknown country code, a malformed
line, an unreadable date, or two date ranges of the same name that overlap.
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..errors import KnowledgeError
from . import read_table, split_list

SECTOR_PATTERN = re.compile(r"^[A-Z]{3}([A-Z]{3})*$")


@dataclass(frozen=True)
class UserEntry:
    phrases: tuple[str, ...]
    kind: str  # "actor" or "agent"
    country: str | None
    sector: str | None
    name: str | None
    start: date | None
    end: date | None
    basis: str  # file:line
    case_sensitive: bool = True
    position: str = "suffix"  # agents: "suffix" (code after the actor's) or "prefix"


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Country and organisation codes an entry may use."""
    codes = {row["iso3"] for _, row in read_table("countries.tsv")}
    codes |= {row["code"] for _, row in read_table("igos.tsv")}
    codes |= {row["code"] for _, row in read_table("armed_groups.tsv")}
    return frozenset(codes)


def _date(value, where: str, what: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise KnowledgeError(f"{where}: {what} {value!r} is not a date; write YYYY-MM-DD") from None


def _entry(row: dict, where: str) -> UserEntry:
    kind = (row.get("type") or "actor").strip().lower()
    name = str(row.get("name") or row.get("noun") or "").strip()
    if kind not in ("actor", "agent"):
        raise KnowledgeError(f"{where}: type {kind!r} is neither 'actor' nor 'agent'")
    if not name:
        raise KnowledgeError(f"{where}: the entry has no name")
    sector = str(row.get("sector") or "").strip().upper() or None
    if sector and not SECTOR_PATTERN.match(sector):
        raise KnowledgeError(f"{where}: sector {sector!r} is not a code of 3 (or 6, 9…) capital letters, e.g. GOV or MIL")
    aliases = row.get("aliases") or []
    aliases = split_list(aliases) if isinstance(aliases, str) else [str(a) for a in aliases]
    if kind == "agent":
        if not sector:
            raise KnowledgeError(f"{where}: agent {name!r} needs a sector, e.g. MIL")
        return UserEntry(tuple([name, *aliases]), "agent", None, sector, None, None, None, where, case_sensitive=False)
    country = str(row.get("country") or "").strip().upper()
    if country not in known_codes():
        raise KnowledgeError(f"{where}: unknown country code {country!r} for {name!r}; use an ISO 3166-1 alpha-3 code "
                             "(e.g. JPN) or an organisation code from igos.tsv")
    start, end = _date(row.get("start"), where, "start"), _date(row.get("end"), where, "end")
    if start and end and end < start:
        raise KnowledgeError(f"{where}: end {end} is before start {start} for {name!r}")
    return UserEntry(tuple([name, *aliases]), "actor", country, sector, name, start, end, where)


def _read_csv(path: Path) -> list[UserEntry]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with open(path, encoding="utf-8", newline="") as handle:
        # Keep each row's line number in the file, comments and blank lines included.
        numbered = [(n, line) for n, line in enumerate(handle, 1) if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        return []
    reader = csv.DictReader((line for _, line in numbered), delimiter=delimiter)
    header_line = numbered[0][0]
    required = {"name", "country"} if "type" not in (reader.fieldnames or []) else {"name"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise KnowledgeError(f"{path}:{header_line}: the header lacks {', '.join(sorted(missing))}; expected name,aliases,country,sector,start,end")
    entries = []
    for (lineno, _), row in zip(numbered[1:], reader):
        if None in row:
            raise KnowledgeError(f"{path}:{lineno}: more fields than the header has: {row[None]!r}")
        entries.append(_entry(row, f"{path}:{lineno}"))
    return entries


def _read_yaml(path: Path) -> list[UserEntry]:
    import yaml

    # One parse gives both the nodes (for line numbers) and the values.
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:
        root = loader.get_single_node()
        if root is None:
            return []
        data = loader.construct_document(root)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}:1: expected a mapping with 'actors:' and/or 'agents:' lists")
    entries = []
    for key_node, value_node in root.value:
        section = key_node.value
        if section not in ("actors", "agents"):
            raise KnowledgeError(f"{path}:{key_node.start_mark.line + 1}: unknown section {section!r}; use 'actors' or 'agents'")
        for item_node, item in zip(value_node.value, data[section] or []):
            where = f"{path}:{item_node.start_mark.line + 1}"
            if not isinstance(item, dict):
                raise KnowledgeError(f"{where}: each entry must be a mapping such as {{name: …, country: …}}")
            entries.append(_entry(item | {"type": "agent" if section == "agents" else "actor"}, where))
    return entries


def _read_petrarch(path: Path) -> list[UserEntry]:
    """PETRARCH's published dictionaries hold a few typos (unreadable dates, stray brackets);
    like PETRARCH, we skip those lines, but each skip is reported as a warning naming the line."""
    from .petrarch import parse_actor_dictionary, parse_agent_dictionary

    text = path.read_text(encoding="utf-8", errors="replace")
    if re.search(r"\[\s*~|~\s*\]", text):
        return [
            UserEntry(agent.phrases, "agent", None, agent.code, None, None, None, f"{path}:{agent.line}",
                      case_sensitive=False, position=agent.position)
            for agent in parse_agent_dictionary(path, strict=False)
        ]
    entries = []
    for actor in parse_actor_dictionary(path, strict=False):
        # The latest-starting code that is valid on a date wins, as in PETRARCH: list it first.
        for code in sorted(actor.codes, key=lambda c: c.start or date.min, reverse=True):
            if code.code.startswith("---") or not code.code:
                continue  # PETRARCH's "known, but not an actor"
            entries.append(UserEntry(actor.phrases, "actor", code.code[:3], code.code[3:] or None, None,
                                     code.start, code.end, f"{path}:{actor.line}", case_sensitive=False))
    return entries


def _check_overlaps(entries: list[UserEntry]) -> None:
    by_name: dict[str, list[UserEntry]] = {}
    for e in entries:
        if e.kind == "actor" and e.case_sensitive:
            by_name.setdefault(e.phrases[0], []).append(e)
    for name, rows in by_name.items():
        rows = sorted(rows, key=lambda r: r.start or date.min)
        for a, b in zip(rows, rows[1:]):
            if (a.end or date.max) >= (b.start or date.min):
                raise KnowledgeError(f"{b.basis}: the dates of {name!r} ({b.start or '…'} to {b.end or '…'}) overlap "
                                     f"those at {a.basis} ({a.start or '…'} to {a.end or '…'}); make the ranges disjoint")


def load(path: str | os.PathLike) -> tuple[UserEntry, ...]:
    p = Path(path)
    if not p.is_file():
        raise KnowledgeError(f"no dictionary at {str(path)!r}: check the path given to --actors")
    return _load(str(p.resolve()), p.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _load(path_text: str, mtime: int) -> tuple[UserEntry, ...]:
    """Read once per file version: validation and the gazetteer share the result."""
    p = Path(path_text)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".tsv"):
        entries = _read_csv(p)
    elif suffix in (".yaml", ".yml"):
        entries = _read_yaml(p)
    elif suffix == ".txt":
        entries = _read_petrarch(p)
    else:
        raise KnowledgeError(f"{path_text!r}: unknown dictionary format; use .csv, .tsv, .yaml or a PETRARCH .txt file")
    _check_overlaps(entries)
    return tuple(entries)
