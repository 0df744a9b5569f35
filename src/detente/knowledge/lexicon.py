"""The trigger lexicon (`data/triggers.tsv`) and its word classes, compiled into rules."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..errors import KnowledgeError
from . import cameo_codes, data_path, read_table, split_list

CONDITION_KEYS = {"obj", "prep", "pobj", "prt", "xcomp", "gov", "subj"}
FLAGS = {"carry", "notarget", "possessor=target"}


@dataclass(frozen=True)
class Condition:
    key: str  # obj, prep, pobj, prt, xcomp, gov, subj
    words: frozenset[str]  # "*" matches anything
    prep: str | None = None  # for pobj:P

    def __str__(self) -> str:
        key = f"pobj:{self.prep}" if self.prep else self.key
        return f"{key}={'|'.join(sorted(self.words))}"


@dataclass(frozen=True)
class Rule:
    trigger: str
    pos: str
    code: str
    conditions: tuple[Condition, ...]
    carry: bool
    notarget: bool
    line: int
    possessor_is_target: bool = False
    table: str = "triggers.tsv"

    @property
    def specificity(self) -> tuple[int, int, bool]:
        return (len(self.conditions), len(self.code), not self.code.endswith("0"))

    def describe(self) -> str:
        conds = "; ".join(str(c) for c in self.conditions)
        return f"{self.table}:{self.line} {self.trigger}/{self.pos}{' [' + conds + ']' if conds else ''} -> {self.code}"


NOT_AN_EVENT = "-"  # the code of an idiom row: "seized the opportunity" is no seizure


def lexicon_files(stem: str) -> list[str]:
    """`stem.tsv` and any `stem_*.tsv` beside it (one per CAMEO family), in name order."""
    return [f"{stem}.tsv"] + sorted(p.name for p in data_path(f"{stem}.tsv").parent.glob(f"{stem}_*.tsv"))


@lru_cache(maxsize=None)
def word_classes() -> dict[str, frozenset[str]]:
    """Word classes from every word_classes file; a class named in two files is their union."""
    classes: dict[str, set[str]] = defaultdict(set)
    for name in lexicon_files("word_classes"):
        for _, row in read_table(name):
            classes[row["class"]] |= {w.lower() for w in split_list(row["words"])}
    return {name: frozenset(words) for name, words in classes.items()}


def _words(spec: str, lineno: int, table: str = "triggers.tsv") -> frozenset[str]:
    words: set[str] = set()
    for item in split_list(spec):
        if item.startswith("@"):
            try:
                words |= word_classes()[item[1:]]
            except KeyError:
                raise KnowledgeError(f"{table}:{lineno}: unknown word class {item!r}; define it in word_classes.tsv") from None
        else:
            words.add(item.lower())
    return frozenset(words)


def parse_conditions(spec: str, lineno: int, table: str = "triggers.tsv") -> tuple[tuple[Condition, ...], set[str]]:
    conditions, flags = [], set()
    for part in (p.strip() for p in spec.split(";") if p.strip()):
        if part in FLAGS:
            flags.add(part)
            continue
        key, sep, value = part.partition("=")
        prep = None
        if key.startswith("pobj:"):
            key, prep = "pobj", key[5:]
        if not sep or key not in CONDITION_KEYS:
            raise KnowledgeError(f"{table}:{lineno}: cannot read condition {part!r} (expected e.g. obj=@arms, prep=to, pobj:for=@aid)")
        words = frozenset(w.upper() for w in split_list(value)) if key == "subj" else _words(value, lineno, table)
        conditions.append(Condition(key, words, prep))
    return tuple(conditions), flags


@lru_cache(maxsize=None)
def rules() -> dict[tuple[str, str], tuple[Rule, ...]]:
    codes = cameo_codes()
    table: dict[tuple[str, str], list[Rule]] = defaultdict(list)
    for name in lexicon_files("triggers"):
        for lineno, row in read_table(name):
            if row["code"] not in codes and row["code"] != NOT_AN_EVENT:
                raise KnowledgeError(f"{name}:{lineno}: unknown CAMEO code {row['code']!r} (or '-' for an idiom that is no event)")
            if row["pos"].upper() not in ("VERB", "NOUN", "ADJ"):
                raise KnowledgeError(f"{name}:{lineno}: part of speech must be VERB, NOUN or ADJ, not {row['pos']!r}")
            conditions, flags = parse_conditions(row["when"], lineno, name)
            rule = Rule(row["trigger"].lower(), row["pos"].upper(), row["code"], conditions, "carry" in flags,
                        "notarget" in flags, lineno, "possessor=target" in flags, name)
            table[(rule.trigger, rule.pos)].append(rule)
    return {key: tuple(sorted(value, key=lambda r: r.specificity, reverse=True)) for key, value in table.items()}
