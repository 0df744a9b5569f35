"""The trigger lexicon (`data/triggers.tsv`) and its word classes, compiled into rules."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..errors import KnowledgeError
from . import cameo_codes, read_table, split_list

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

    @property
    def specificity(self) -> tuple[int, int, bool]:
        return (len(self.conditions), len(self.code), not self.code.endswith("0"))

    def describe(self) -> str:
        conds = "; ".join(str(c) for c in self.conditions)
        return f"triggers.tsv:{self.line} {self.trigger}/{self.pos}{' [' + conds + ']' if conds else ''} -> {self.code}"


@lru_cache(maxsize=None)
def word_classes() -> dict[str, frozenset[str]]:
    return {row["class"]: frozenset(w.lower() for w in split_list(row["words"])) for _, row in read_table("word_classes.tsv")}


def _words(spec: str, lineno: int) -> frozenset[str]:
    words: set[str] = set()
    for item in split_list(spec):
        if item.startswith("@"):
            try:
                words |= word_classes()[item[1:]]
            except KeyError:
                raise KnowledgeError(f"triggers.tsv:{lineno}: unknown word class {item!r}; define it in word_classes.tsv") from None
        else:
            words.add(item.lower())
    return frozenset(words)


def parse_conditions(spec: str, lineno: int) -> tuple[tuple[Condition, ...], set[str]]:
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
            raise KnowledgeError(f"triggers.tsv:{lineno}: cannot read condition {part!r} (expected e.g. obj=@arms, prep=to, pobj:for=@aid)")
        words = frozenset(w.upper() for w in split_list(value)) if key == "subj" else _words(value, lineno)
        conditions.append(Condition(key, words, prep))
    return tuple(conditions), flags


@lru_cache(maxsize=None)
def rules() -> dict[tuple[str, str], tuple[Rule, ...]]:
    codes = cameo_codes()
    table: dict[tuple[str, str], list[Rule]] = defaultdict(list)
    for lineno, row in read_table("triggers.tsv"):
        if row["code"] not in codes:
            raise KnowledgeError(f"triggers.tsv:{lineno}: unknown CAMEO code {row['code']!r}")
        conditions, flags = parse_conditions(row["when"], lineno)
        rule = Rule(row["trigger"].lower(), row["pos"].upper(), row["code"], conditions, "carry" in flags, "notarget" in flags,
                    lineno, "possessor=target" in flags)
        table[(rule.trigger, rule.pos)].append(rule)
    return {key: tuple(sorted(value, key=lambda r: r.specificity, reverse=True)) for key, value in table.items()}
