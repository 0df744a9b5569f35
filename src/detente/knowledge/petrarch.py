"""Readers for PETRARCH/TABARI actor and agent dictionaries (`*.actors.txt`, `*.agents.txt`).

These are the dictionaries PETRARCH2 ships (Phoenix.*.actors.txt, Phoenix.agents.txt,
PETR.Validate.*). The reading rules below follow PETRARCH2's own reader
(`PETRreader.read_actor_dictionary` / `read_agent_dictionary`) and its documentation, except
where that reader is plainly buggy; each such choice is noted where it is made.

Shared by both formats
    * `#` starts a comment that runs to the end of the line; `<!-- ... -->` is a comment that may
      span lines (`<! --`, with a space, occurs in PETR.Validate and is accepted as an opener).
    * Phrases are upper-cased; `_` joins words just as a space does. A trailing `_` is TABARI's
      "whole word, not a stem" marker; PETRARCH only ever matches whole words, so it is dropped.

Actors
    ``PHRASE [CODE]``, optionally followed by `+SYNONYM` lines and by indented lines holding
    more code blocks; a line may hold several blocks (``[IGOUNO 820101-911231] [ELI]``).
    Consecutive entry lines with no code between them form one entry (see _ActorReader.read).
    A block is ``[CODE]`` or ``[CODE DATES]`` where DATES is
    ``<D`` (before D: the last valid day is D minus one, as PETRARCH compares ``day < D``),
    ``>D`` (from D on, D included), ``D1-D2`` (closed range, both days included, as the
    PETRARCH unit tests expect) or a bare ``D`` (from D on: the files use it for "entered office
    on"). D is YYYYMMDD or YYMMDD; two-digit years 00-30 are 20xx and 31-99 are 19xx, the pivot
    of KEDS, TABARI and PETRARCH, which the dictionaries were written against (e.g.
    ``[AFGELI 320101-331108]`` starts in 1932). Codes are upper-cased and otherwise kept as
    written: ``---`` ("no code", discard), ``+++`` and TABARI's ``ELR/GAL`` included.
    Dated ranges may touch (``20080120-20121109`` then ``20121109-20130119``) or nest (an
    override); ActorEntry.code_on says which code holds on a shared day.

Agents
    ``PHRASE {PLURAL} [~CODE]`` (suffix agent: the code follows the actor's) or ``[CODE~]``
    (prefix agent). Without braces the regular plural is generated; ``{}`` means "no plural"
    (PETRARCH's rule, and how the files use it: ``POLICE {}``, ``THE_POOR {}``); ``{FORM}`` gives
    an irregular plural. ``!NAME! = A, B`` defines a substitution set; every ``!NAME!`` in a
    later phrase is replaced by each member (all combinations), and, as in PETRARCH, no plural
    is generated for such phrases (the sets already list the plural forms).

Problems (a malformed line, an unreadable date, a range that ends before it starts, two
different codes whose ranges partly overlap, an entry without a code) raise KnowledgeError
naming the file and line. With ``strict=False`` each problem becomes a PetrarchDictionaryWarning
instead and the line or code block is skipped, as PETRARCH itself does, except that a partly
overlapping code is kept. The published Phoenix.Countries and Phoenix.International files need
``strict=False``: they hold a few typos and many partly overlapping ranges (see the tests).
"""
from __future__ import annotations

import os
import re
import sys
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import product
from pathlib import Path
from typing import Iterator

from ..errors import KnowledgeError
from . import in_period

__all__ = [
    "ActorEntry",
    "AgentEntry",
    "DatedCode",
    "PetrarchDictionaryWarning",
    "parse_actor_dictionary",
    "parse_agent_dictionary",
]


class PetrarchDictionaryWarning(UserWarning):
    """A dictionary problem reported rather than raised, because strict=False was asked for."""


@dataclass(frozen=True)
class DatedCode:
    code: str
    start: date | None = None  # inclusive; None = open
    end: date | None = None  # inclusive; None = open

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def valid_on(self, day: date | None) -> bool:
        return in_period(self.start, self.end, day)


@dataclass(frozen=True)
class ActorEntry:
    phrases: tuple[str, ...]
    codes: tuple[DatedCode, ...]
    line: int

    def code_on(self, day: date | None) -> str | None:
        """The code that holds on `day`: the most specific valid dated code, else the first
        undated one. Most specific = latest start, then earliest end, so a range nested in
        another overrides it and, on a day two ranges share as a boundary, the one starting that
        day wins."""
        valid = [(i, c) for i, c in enumerate(self.codes) if c.dated and c.valid_on(day)]
        if valid:
            return max(valid, key=_specificity)[1].code
        return next((c.code for c in self.codes if not c.dated), None)


@dataclass(frozen=True)
class AgentEntry:
    phrases: tuple[str, ...]
    code: str
    position: str  # "suffix" for [~XXX], "prefix" for [XXX~]
    line: int


def _specificity(item: tuple[int, DatedCode]) -> tuple[date, int, int]:
    index, code = item
    end = code.end or date.max
    return (code.start or date.min, -end.toordinal(), -index)


# ----------------------------------------------------------------------------------- reading


class _Problems:
    """Raises or warns, so the parsers need not know which the caller asked for."""

    def __init__(self, path: Path, strict: bool):
        self.path = path
        self.strict = strict

    def report(self, lineno: int, problem: str, text: str, outcome: str = "skipped") -> None:
        message = f"{self.path}:{lineno}: {problem}: {text.strip()!r}"
        if self.strict:
            raise KnowledgeError(f"{message}; fix the line, or pass strict=False to go on with a warning")
        warnings.warn(f"{message} ({outcome})", PetrarchDictionaryWarning, stacklevel=_callers_level())


def _callers_level() -> int:
    """The warnings stacklevel of the first frame outside this module, so that a warning points
    at the caller's parse_*_dictionary() line however deep in here it was raised."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        level, frame = level + 1, frame.f_back
    return level


_COMMENT_OPEN = re.compile(r"<!\s*--")


def _uncomment(line: str, in_block: bool) -> tuple[str, bool]:
    """Remove comments from one line, given whether a `<!--` block is still open."""
    kept: list[str] = []
    pos = 0
    while pos < len(line):
        if in_block:
            close = line.find("-->", pos)
            if close < 0:
                break
            pos, in_block = close + 3, False
            continue
        opener = _COMMENT_OPEN.search(line, pos)
        hash_at = line.find("#", pos)
        # Whichever comes first wins: a `#` hides a later `<!--`, and a `<!--` hides a `#`
        # (PETR.Validate closes a block with the line "# -->").
        if hash_at >= 0 and (opener is None or hash_at < opener.start()):
            kept.append(line[pos:hash_at])
            break
        if opener is None:
            kept.append(line[pos:])
            break
        kept.append(line[pos : opener.start()])
        pos, in_block = opener.end(), True
    return "".join(kept), in_block


def _content_lines(path: Path, problems: _Problems) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) for every line with content once comments are removed."""
    try:
        # Some published dictionaries hold stray Latin-1 bytes inside phrases.
        handle = open(path, encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read the dictionary: {exc.strerror or exc}") from None
    in_block, opened_at, opening = False, 0, ""
    with handle:
        for lineno, raw in enumerate(handle, 1):
            raw = raw.rstrip("\r\n")
            was_open = in_block
            text, in_block = _uncomment(raw, in_block)
            if in_block and (not was_open or _COMMENT_OPEN.search(raw)):
                opened_at, opening = lineno, raw
            if text.strip():
                yield lineno, text
    if in_block:
        problems.report(opened_at, "'<!--' comment is never closed", opening)


def _phrase(text: str) -> str:
    return " ".join(text.replace("_", " ").upper().split())


# ------------------------------------------------------------------------------------- dates

_WHEN = re.compile(r"(?:(?P<op>[<>])\s*(?P<bound>\d+)|(?P<first>\d+)(?:\s*-\s*(?P<last>\d+))?)")


def _read_date(digits: str) -> date:
    if len(digits) == 8:
        year, rest = int(digits[:4]), digits[4:]
    elif len(digits) == 6:
        yy, rest = int(digits[:2]), digits[2:]
        year = 2000 + yy if yy <= 30 else 1900 + yy
    else:
        raise ValueError(f"unreadable date {digits!r} (expected YYMMDD or YYYYMMDD)")
    try:
        return date(year, int(rest[:2]), int(rest[2:]))
    except ValueError:
        raise ValueError(f"unreadable date {digits!r} (no such day)") from None


def _read_when(when: str) -> tuple[date | None, date | None]:
    """(start, end), both inclusive, from the date part of a code block."""
    if not when:
        return None, None
    m = _WHEN.fullmatch(when)
    if m is None:
        raise ValueError(f"unreadable date {when!r} (expected <D, >D, D or D1-D2)")
    if m["op"] == "<":
        bound = _read_date(m["bound"])
        if bound == date.min:
            raise ValueError(f"no day lies before {m['bound']!r}")
        return None, bound - timedelta(days=1)
    if m["op"] == ">":
        return _read_date(m["bound"]), None
    start = _read_date(m["first"])
    if m["last"] is None:
        return start, None
    end = _read_date(m["last"])
    if end < start:
        raise ValueError(f"date range ends ({end}) before it starts ({start})")
    return start, end


def _read_code_block(body: str) -> DatedCode:
    parts = body.split(None, 1)
    if not parts:
        raise ValueError("empty code block")
    code = parts[0]
    if code[0].isdigit() or code[0] in "<>":
        raise ValueError("code block has a date but no code")
    start, end = _read_when(parts[1].strip() if len(parts) > 1 else "")
    return DatedCode(code.upper(), start, end)


# ------------------------------------------------------------------------------ date clashes

_INF = float("inf")


def _span(code: DatedCode) -> tuple[float, float]:
    return (
        code.start.toordinal() if code.start else -_INF,
        code.end.toordinal() if code.end else _INF,
    )


def _describe(code: DatedCode) -> str:
    return f"({code.start or '...'} to {code.end or '...'})"


def _clash(a: DatedCode, b: DatedCode) -> bool:
    """True when two dated codes leave a day on which it is unclear which one holds."""
    if a.code == b.code:
        return False  # they agree wherever they overlap
    (a0, a1), (b0, b1) = _span(a), _span(b)
    low, high = max(a0, b0), min(a1, b1)
    if low > high:
        return False
    # Ranges written end-to-start, like 20080120-20121109 then 20121109-20130119, share
    # their boundary day; code_on gives it to the range that starts then.
    if low == high and (a1 == b0 or b1 == a0):
        return False
    # A range wholly inside another is an override (PETR.Validate: "This should override the
    # next restriction"); only a partial overlap is ambiguous.
    nested = (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)
    return not nested


# ------------------------------------------------------------------------------------ actors


def _split_code_blocks(text: str) -> tuple[str, list[str]]:
    """Split 'PHRASE [A] [B 990101-991231]' into the phrase and the block bodies."""
    start = text.find("[")
    head = text if start < 0 else text[:start]
    if "]" in head:
        raise ValueError("']' without a matching '['")
    bodies: list[str] = []
    rest = "" if start < 0 else text[start:]
    while rest.strip():
        rest = rest.lstrip()
        if not rest.startswith("["):
            raise ValueError(f"unexpected text {rest.strip()!r} after a code block")
        close = rest.find("]")
        if close < 0 or "[" in rest[1:close]:
            raise ValueError("'[' is never closed")
        bodies.append(rest[1:close])
        rest = rest[close + 1 :]
    return head, bodies


def _split_actor_line(text: str) -> tuple[str | None, list[str]]:
    """(phrase or None for a line of code blocks only, block bodies)."""
    head, bodies = _split_code_blocks(text)
    if text.lstrip().startswith("["):
        return None, bodies
    phrase = _phrase(head.strip().removeprefix("+"))
    if not phrase:
        raise ValueError("empty phrase")
    return phrase, bodies


class _ActorDraft:
    def __init__(self, line: int):
        self.line = line
        self.phrases: list[str] = []
        self.codes: list[tuple[DatedCode, int]] = []
        self.blocks_seen = 0

    def add_phrase(self, phrase: str) -> None:
        if phrase not in self.phrases:
            self.phrases.append(phrase)

    def add_block(self, body: str, lineno: int, problems: _Problems) -> None:
        self.blocks_seen += 1
        try:
            code = _read_code_block(body)
        except ValueError as exc:
            problems.report(lineno, str(exc), f"[{body}]")
            return
        for earlier, earlier_line in self.codes:
            if code.dated and earlier.dated and _clash(earlier, code):
                problems.report(
                    lineno,
                    f"{code.code} {_describe(code)} partly overlaps {earlier.code} {_describe(earlier)}"
                    f" from line {earlier_line}; a range must lie inside the other or only touch it",
                    f"[{body}]",
                    # Dropping it would lose e.g. a head of government's GOV code: in the Phoenix
                    # files these are transitions written with a rough end for the earlier role.
                    outcome="kept: the later-starting code wins where they overlap",
                )
                break
        self.codes.append((code, lineno))

    def finish(self) -> ActorEntry:
        return ActorEntry(tuple(self.phrases), tuple(c for c, _ in self.codes), self.line)


class _ActorReader:
    def __init__(self, problems: _Problems):
        self.problems = problems
        self.entries: list[ActorEntry] = []
        self.draft: _ActorDraft | None = None
        self.skipping = False  # the current entry's first line was unusable: drop the rest of it

    def read(self, lineno: int, text: str) -> None:
        continues = text.lstrip().startswith(("+", "["))
        try:
            phrase, bodies = _split_actor_line(text)
        except ValueError as exc:
            self.problems.report(lineno, str(exc), text)
            if not continues:
                self.close()
                self.skipping = True
            return
        if not continues:
            self.skipping = False
            # Consecutive entry lines with no code between them share the codes that follow
            # (Phoenix.Countries lists name variants so, e.g. for Brezhnev and Gorbachev).
            # PETRARCH2 drops all but the last of them, which is plainly not what was meant.
            if self.draft is None or self.draft.blocks_seen:
                self.close()
                self.draft = _ActorDraft(lineno)
        elif self.draft is None:
            if not self.skipping:
                self.problems.report(lineno, "synonym or code block before any actor entry", text)
            return
        if phrase is not None:
            self.draft.add_phrase(phrase)
        for body in bodies:
            self.draft.add_block(body, lineno, self.problems)

    def close(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None:
            return
        if draft.codes:
            self.entries.append(draft.finish())
        elif not draft.blocks_seen:  # when every block was unusable, each was reported already
            self.problems.report(draft.line, "actor entry has no [code]", " / ".join(draft.phrases))


def parse_actor_dictionary(path: str | os.PathLike[str], *, strict: bool = True) -> list[ActorEntry]:
    """Read a PETRARCH/TABARI `.actors` dictionary, one ActorEntry per entry, in file order."""
    path = Path(path)
    reader = _ActorReader(_Problems(path, strict))
    for lineno, text in _content_lines(path, reader.problems):
        reader.read(lineno, text)
    reader.close()
    return reader.entries


# ------------------------------------------------------------------------------------ agents

_SUBST_DEF = re.compile(r"\s*!(?P<name>[^!\s=]+)!\s*=(?P<members>.*)")
_MARKER = re.compile(r"!([^!\s]+)!")
_AGENT = re.compile(
    r"(?P<phrase>[^{}\[\]]*?)\s*(?:\{(?P<plural>[^{}\[\]]*)\})?\s*\[(?P<code>[^\[\]]*)\]\s*"
)
_AGENT_CODE = re.compile(r"\s*(?P<before>~?)\s*(?P<code>[A-Za-z0-9]+)\s*(?P<after>~?)\s*")


def _regular_plural(phrase: str) -> str:
    # PETRARCH adds IES after any Y and ES only after S; ES after SH/CH/X/Z and S after a
    # vowel + Y are the English forms (ENVOYS, CHURCHES).
    if phrase.endswith(("S", "SH", "CH", "X", "Z")):
        return phrase + "ES"
    if phrase.endswith("Y") and len(phrase) > 1 and phrase[-2] not in "AEIOU":
        return phrase[:-1] + "IES"
    return phrase + "S"


def _read_substitution(match: re.Match[str]) -> tuple[str, list[str]]:
    members = [m.strip() for m in match["members"].split(",")]
    if not all(members):
        raise ValueError(f"substitution set !{match['name']}! has an empty member")
    return match["name"], members


def _expand(phrase: str, sets: dict[str, list[str]]) -> list[str]:
    parts = _MARKER.split(phrase)  # literal, name, literal, name, ..., literal
    for name in parts[1::2]:
        if name not in sets:
            raise ValueError(f"substitution marker !{name}! is not defined above this line")
    if "!" in "".join(parts[0::2]):
        raise ValueError("unpaired '!' in substitution marker")
    choices = [[part] if i % 2 == 0 else sets[part] for i, part in enumerate(parts)]
    return ["".join(combination) for combination in product(*choices)]


def _agent_code(body: str) -> tuple[str, str]:
    m = _AGENT_CODE.fullmatch(body)
    if m is None or bool(m["before"]) == bool(m["after"]):
        raise ValueError("agent code must be written [~CODE] or [CODE~]")
    return m["code"].upper(), "suffix" if m["before"] else "prefix"


def _agent_forms(phrase: str, plural: str | None, sets: dict[str, list[str]]) -> tuple[str, ...]:
    if "!" in phrase:
        forms = _expand(phrase, sets)
        if plural:
            forms += _expand(plural, sets)
    else:
        forms = [phrase]
        if plural:
            forms.append(plural)
        elif plural is None:
            forms.append(_regular_plural(_phrase(phrase)))
    normalized = [_phrase(f) for f in forms]
    if not all(normalized):
        raise ValueError("empty phrase")
    return tuple(dict.fromkeys(normalized))


def _read_agent_line(text: str, sets: dict[str, list[str]], lineno: int) -> AgentEntry:
    m = _AGENT.fullmatch(text)
    if m is None:
        if "[" not in text:
            raise ValueError("agent entry has no [code]")
        raise ValueError("malformed agent entry (expected PHRASE {PLURAL} [~CODE])")
    code, position = _agent_code(m["code"])
    phrases = _agent_forms(m["phrase"], m["plural"], sets)
    return AgentEntry(phrases, code, position, lineno)


def parse_agent_dictionary(path: str | os.PathLike[str], *, strict: bool = True) -> list[AgentEntry]:
    """Read a PETRARCH/TABARI `.agents` dictionary, one AgentEntry per entry, in file order."""
    path = Path(path)
    problems = _Problems(path, strict)
    sets: dict[str, list[str]] = {}
    entries: list[AgentEntry] = []
    for lineno, text in _content_lines(path, problems):
        try:
            definition = _SUBST_DEF.fullmatch(text)
            if definition:
                name, members = _read_substitution(definition)
                sets[name] = members
            else:
                entries.append(_read_agent_line(text.strip(), sets, lineno))
        except ValueError as exc:
            problems.report(lineno, str(exc), text)
    return entries
