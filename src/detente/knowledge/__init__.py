"""Loaders for the package's knowledge tables (`detente/data/*.tsv`).

The tables are data, not code: adding an alias is one line in a file. Every loader is cached,
so the files are read once per process.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterator
from dataclasses import dataclass

from ..errors import KnowledgeError
from ..model import CameoCode

DATA = resources.files("detente") / "data"


def data_path(name: str) -> Path:
    return Path(str(DATA / name))


def read_table(name: str, path: Path | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a tab-separated table with a header; `#` lines are comments."""
    path = path or data_path(name)
    header: list[str] | None = None
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(cells) < len(header):
                cells += [""] * (len(header) - len(cells))
            if len(cells) > len(header):
                raise KnowledgeError(f"{path}:{lineno}: expected {len(header)} tab-separated fields, found {len(cells)}: {line!r}")
            yield lineno, {h: c.strip() for h, c in zip(header, cells)}


def split_list(cell: str) -> list[str]:
    return [item.strip() for item in cell.split("|") if item.strip()]


@lru_cache(maxsize=None)
def cameo_codes() -> dict[str, CameoCode]:
    table = {}
    for _, row in read_table("cameo.tsv"):
        table[row["code"]] = CameoCode(
            code=row["code"],
            name=row["name"],
            goldstein=float(row["goldstein"]),
            quad_class=int(row["quad_class"]),
            plover=row["plover"] or None,
            plover_mode=row["plover_mode"] or None,
        )
    return table


def cameo(code: str) -> CameoCode:
    try:
        return cameo_codes()[code]
    except KeyError:
        raise KnowledgeError(f"unknown CAMEO code {code!r}: see detente/data/cameo.tsv for the valid codes") from None


def in_period(start: date | None, end: date | None, day: date | None) -> bool:
    """Does a dated row (both ends inclusive, None = open) hold on `day`? No day means now:
    only rows with no end still hold."""
    if day is None:
        return end is None
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass(frozen=True)
class Leader:
    name: str
    aliases: tuple[str, ...]
    country: str
    sector: str
    role: str
    start: date
    end: date | None

    def holds_office_on(self, day: date | None) -> bool:
        return in_period(self.start, self.end, day)

    @property
    def surname(self) -> str:
        return self.name.replace(".", "").split()[-1]


def leader_tables() -> list[str]:
    """leaders.tsv plus any leaders_*.tsv beside it (ministers, opposition, …), in name order."""
    return ["leaders.tsv"] + sorted(p.name for p in Path(str(DATA)).glob("leaders_*.tsv"))


# Transliterations that news writes interchangeably: a name listed with one is found with any.
TRANSLITERATIONS = [
    ("Mohammed", "Mohamed", "Muhammad", "Mohammad", "Muhammed", "Mohamad"),
    ("Ahmed", "Ahmad"), ("Hussein", "Hussain", "Husain"), ("Abdullah", "Abdallah"), ("Hassan", "Hasan"),
    ("Mahmoud", "Mahmud"), ("Youssef", "Yousef", "Yusuf"), ("Sergei", "Sergey"), ("Yuri", "Yury"),
    ("Dmitry", "Dmitri"), ("Andrei", "Andrey"), ("Nikolai", "Nikolay"), ("Alexei", "Aleksei", "Alexey"),
    ("Alexander", "Aleksandr"), ("Mikhail", "Mikhail"), ("Gennady", "Gennadiy"), ("Valery", "Valeriy"),
]
_VARIANTS = {form: group for group in TRANSLITERATIONS for form in group}


def name_variants(name: str) -> list[str]:
    """Other spellings of a name, one transliterated word at a time ("Mohamed Hussein Roble" ->
    "Mohammed Hussein Roble", "Mohamed Hussain Roble", …)."""
    words = name.split()
    found = []
    for i, word in enumerate(words):
        for other in _VARIANTS.get(word, ()):
            if other != word:
                found.append(" ".join(words[:i] + [other] + words[i + 1 :]))
    return found


@lru_cache(maxsize=None)
def leaders() -> tuple[Leader, ...]:
    rows = []
    for table, lineno, row in ((t, n, r) for t in leader_tables() for n, r in read_table(t)):
        try:
            rows.append(
                Leader(
                    name=row["name"],
                    aliases=_with_variants(row["name"], split_list(row["aliases"])),
                    country=row["country"],
                    sector=row["sector"],
                    role=row["role"],
                    start=date.fromisoformat(row["start"]),
                    end=date.fromisoformat(row["end"]) if row["end"] else None,
                )
            )
        except ValueError as exc:
            raise KnowledgeError(f"{table}:{lineno}: {exc}") from None
    return tuple(rows)


def _with_variants(name: str, aliases: list[str]) -> tuple[str, ...]:
    listed = [name, *aliases]
    extra = [v for form in listed for v in name_variants(form) if v not in listed]
    return tuple(aliases) + tuple(dict.fromkeys(extra))


@lru_cache(maxsize=None)
def _prefix_table(name: str, column: str) -> dict[str, str]:
    """A table of CAMEO code prefixes and the code each maps to (intent_codes, refusal_codes)."""
    table = {}
    for lineno, row in read_table(name):
        if row[column] not in cameo_codes():
            raise KnowledgeError(f"{name}:{lineno}: unknown CAMEO code {row[column]!r}")
        table[row["prefix"]] = row[column]
    return table


def intent_code(code: str) -> str | None:
    """The CAMEO intent code for an act stated as an intention ("will give aid" -> 033)."""
    return _longest_prefix(_prefix_table("intent_codes.tsv", "intent"), code)


def refusal_code(code: str) -> str | None:
    """The CAMEO rejection code for a refused act ("will not accept refugees" -> 122)."""
    return _longest_prefix(_prefix_table("refusal_codes.tsv", "refusal"), code)


def _longest_prefix(table: dict[str, str], code: str) -> str | None:
    for length in range(len(code), 1, -1):
        if code[:length] in table:
            return table[code[:length]]
    return None


TOPIC_FAMILIES = ("02", "03", "10", "12", "14")


@dataclass(frozen=True)
class TopicCue:
    """Words that name what an act is about: lemmas in sequence, or (`together`) lemmas that
    must all occur; each may carry a part of speech ("grant/NOUN")."""

    words: tuple[tuple[str, str | None], ...]
    together: bool
    topic: str


@lru_cache(maxsize=None)
def act_topics() -> dict[str, dict[str, str]]:
    """Topic -> {family: code}, in precedence order (data/act_topics.tsv)."""
    table: dict[str, dict[str, str]] = {}
    for lineno, row in read_table("act_topics.tsv"):
        codes = {}
        for family in TOPIC_FAMILIES:
            code = row[family]
            if code == "-":
                continue
            full = family + code if family == "14" else code
            if family != "14" and (code not in cameo_codes() or not code.startswith(family)):
                raise KnowledgeError(f"act_topics.tsv:{lineno}: {code!r} is no CAMEO code of family {family}")
            codes[family] = full
        table[row["topic"]] = codes
    return table


def topic_refines(topic: str) -> str | None:
    """The broader topic this one narrows (economic aid narrows aid), from act_topics.tsv."""
    return _narrowing().get(topic)


@lru_cache(maxsize=None)
def _narrowing() -> dict[str, str]:
    topics = act_topics()
    table = {}
    for lineno, row in read_table("act_topics.tsv"):
        if row["narrows"] in ("", "-"):
            continue
        if row["narrows"] not in topics:
            raise KnowledgeError(f"act_topics.tsv:{lineno}: {row['topic']!r} narrows {row['narrows']!r}, which is no topic listed there")
        table[row["topic"]] = row["narrows"]
    return table


@lru_cache(maxsize=None)
def topic_cues() -> tuple[TopicCue, ...]:
    topics = act_topics()
    cues = []
    for lineno, row in read_table("topic_cues.tsv"):
        if row["topic"] not in topics:
            raise KnowledgeError(f"topic_cues.tsv:{lineno}: unknown topic {row['topic']!r}; the topics are in act_topics.tsv")
        together = "+" in row["cue"]
        parts = row["cue"].split("+") if together else row["cue"].split()
        words = []
        for part in parts:
            lemma, _, pos = part.strip().partition("/")
            words.append((lemma.lower(), pos or None))
        cues.append(TopicCue(tuple(words), together, row["topic"]))
    return tuple(cues)
