"""Name and noun gazetteers built from the knowledge tables.

Proper names (countries, capitals, organisations, leaders) match case-sensitively on token
sequences, so "US" the country never matches "us" the pronoun. Sector nouns ("troops",
"foreign ministry") match lower-cased.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import data_path, in_period, leaders, read_table, split_list


FAMILY_NAME_FIRST = {"CHN", "TWN", "HKG", "MAC", "PRK", "KOR"}


@dataclass(frozen=True)
class Entry:
    kind: str  # country, demonym, capital, seat, igo, group, institution, leader, agent, user
    country: str | None
    sector: str | None
    name: str | None
    basis: str
    start: date | None = None
    end: date | None = None
    position: str = "suffix"  # agents from PETRARCH dictionaries may be prefixes ("MSF Arnor")
    user: bool = False  # from a user dictionary, not the built-in tables
    noun_only: bool = False  # "general" is a sector noun, but "a general election" is no general

    def valid_on(self, day: date | None) -> bool:
        return in_period(self.start, self.end, day)


@dataclass(frozen=True)
class Hit:
    start: int  # token index
    end: int  # token index, exclusive
    entries: tuple[Entry, ...]

    @property
    def kind(self) -> str:
        return self.entries[0].kind


class Gazetteer:
    def __init__(self, tokenize):
        self._tokenize = tokenize
        self.names: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        self.nouns: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        self.max_len = 1
        self._prefixes: tuple[set, set] | None = None  # every key's prefixes, for `match`; reset on add

    def _key(self, phrase: str, lower: bool) -> tuple[str, ...]:
        words = tuple(t for t in self._tokenize(phrase) if t.strip())
        return tuple(w.lower() for w in words) if lower else words

    def add_name(self, phrase: str, entry: Entry) -> None:
        self._prefixes = None
        key = self._key(phrase, lower=False)
        if key and entry not in self.names[key]:
            self.names[key].append(entry)
            self.max_len = max(self.max_len, len(key))
        if key and key[0].lower() == "the" and len(key) > 1:
            self.add_name(" ".join(key[1:]), entry)

    def add_noun(self, phrase: str, entry: Entry) -> None:
        self._prefixes = None
        # The tokenizer's abbreviation rules are case-sensitive ("Sen." is one token, "sen." two),
        # so an abbreviated title is keyed as the text writes it too.
        forms = (phrase, phrase.title()) if "." in phrase else (phrase,)
        for form in forms:
            key = self._key(form, lower=True)
            if key and entry not in self.nouns[key]:
                self.nouns[key].append(entry)
                self.max_len = max(self.max_len, len(key))

    def add_user(self, entry) -> None:
        """A user's entry goes first at its key, so it wins over the built-in tables."""
        self._prefixes = None
        kind = "agent" if entry.kind == "agent" else "user"
        made = Entry(kind, entry.country, entry.sector, entry.name, entry.basis, entry.start, entry.end, entry.position, True)
        for phrase in entry.phrases:
            table = self.names if entry.case_sensitive else self.nouns
            key = self._key(phrase, lower=not entry.case_sensitive)
            if key and made not in table[key]:
                after_users = sum(1 for e in table[key] if e.user)
                table[key].insert(after_users, made)  # before the built-ins, after earlier user rows
                self.max_len = max(self.max_len, len(key))

    def match(self, tokens) -> dict[int, Hit]:
        """Longest-match scan; returns a hit for every token index it covers."""
        texts = [t.text for t in tokens]
        # Datelines and headlines shout ("TEHRAN", "SECURITY COUNCIL"): failing an exact match
        # (acronyms such as NATO), they are tried in title case.
        titled = [t.title() if t.isupper() and len(t) > 3 else t for t in texts]
        lowers = [t.lower() for t in texts]
        covered: dict[int, Hit] = {}
        if self._prefixes is None:
            self._prefixes = ({key[:k] for key in self.names for k in range(1, len(key) + 1)},
                              {key[:k] for key in self.nouns for k in range(1, len(key) + 1)})
        name_prefixes, noun_prefixes = self._prefixes
        i, n = 0, len(texts)
        while i < n:
            hit = None
            # No key is longer than the longest run of tokens from i that some key starts with.
            longest = 0
            for length in range(1, min(self.max_len, n - i) + 1):
                if not (tuple(texts[i : i + length]) in name_prefixes or tuple(titled[i : i + length]) in name_prefixes
                        or tuple(lowers[i : i + length]) in noun_prefixes):
                    break
                longest = length
            for length in range(longest, 0, -1):
                key = tuple(texts[i : i + length])
                exact = self.names.get(key) or self.names.get(tuple(titled[i : i + length]), [])
                lower = self.nouns.get(tuple(lowers[i : i + length]), [])
                # A user's dictionary beats the built-in tables, whatever its case rule.
                entries = [e for e in exact + lower if e.user] or exact or lower
                if entries:
                    hit = Hit(i, i + length, tuple(entries))
                    break
            if hit:
                for j in range(hit.start, hit.end):
                    covered[j] = hit
                i = hit.end
            else:
                i += 1
        return covered


def _day(cell: str | None) -> date | None:
    return date.fromisoformat(cell) if cell else None


def build(tokenize) -> Gazetteer:
    gaz = Gazetteer(tokenize)
    for lineno, row in read_table("countries.tsv"):
        iso = row["iso3"]
        basis = f"countries.tsv:{lineno}"
        for name in [row["name"], *split_list(row["aliases"])]:
            gaz.add_name(name, Entry("country", iso, None, row["name"], basis))
        for demonym in split_list(row["demonyms"]):
            gaz.add_name(demonym, Entry("demonym", iso, None, row["name"], basis))
        if row["capital"]:
            gaz.add_name(row["capital"], Entry("capital", iso, "GOV", row["name"], basis))
        for seat in split_list(row["seats"]):
            gaz.add_name(seat, Entry("seat", iso, "GOV", row["name"], basis))
    for lineno, row in read_table("igos.tsv"):
        entry = Entry("igo", row["code"], row["sector"] or "IGO", row["name"], f"igos.tsv:{lineno}")
        for name in [row["name"], *split_list(row["aliases"])]:
            gaz.add_name(name, entry)
    for lineno, row in read_table("armed_groups.tsv"):
        entry = Entry("group", row["country"] or None, row["sector"] or "REB", row["name"], f"armed_groups.tsv:{lineno}",
                      _day(row.get("start")), _day(row.get("end")))
        for name in [row["name"], *split_list(row["aliases"])]:
            gaz.add_name(name, entry)
    for table in ("places_of_power.tsv", "organisations.tsv"):
        if not data_path(table).exists():
            continue
        for lineno, row in read_table(table):
            gaz.add_name(row["text"], Entry("institution", row["country"] or None, row["sector"], row["text"], f"{table}:{lineno}"))
    if data_path("regions.tsv").exists():
        for lineno, row in read_table("regions.tsv"):
            entry = Entry("region", row["country"], None, row["name"], f"regions.tsv:{lineno}")
            for name in [row["name"], *split_list(row["aliases"])]:
                gaz.add_name(name, entry)
    if data_path("ethnic_groups.tsv").exists():
        for lineno, row in read_table("ethnic_groups.tsv"):
            entry = Entry("ethnic", row["country"], None, row["name"], f"ethnic_groups.tsv:{lineno}")
            for form in split_list(row["forms"]) or [row["name"]]:
                gaz.add_name(form, entry)
    for lineno, row in read_table("agents.tsv"):
        noun_only = "noun use only" in row.get("note", "")
        gaz.add_noun(row["noun"], Entry("agent", None, row["sector"], None, f"agents.tsv:{lineno}", noun_only=noun_only))
    for leader in leaders():
        entry = Entry("leader", leader.country, leader.sector, leader.name, f"leaders.tsv:{leader.name}")
        for name in (leader.name, *leader.aliases):
            gaz.add_name(name, entry)
    return gaz


_user_files: tuple[str, ...] = ()


def configure(actor_files=()) -> None:
    """Use these user dictionaries (CSV, YAML or PETRARCH) on top of the built-in tables.
    They are read now, so a bad file fails here, naming its line."""
    from . import user

    global _user_files
    files = tuple(str(Path(f).resolve()) for f in actor_files)
    for f in files:
        user.load(f)
    _user_files = files


def configured_files() -> tuple[str, ...]:
    return _user_files


def active_gazetteer() -> Gazetteer:
    return _gazetteer_for(_user_files)


@lru_cache(maxsize=4)
def _gazetteer_for(files: tuple[str, ...]) -> Gazetteer:
    from ..stages.parse import nlp
    from . import user

    tokenizer = nlp().tokenizer
    gaz = build(lambda phrase: [t.text for t in tokenizer(phrase)])
    for f in files:
        for entry in user.load(f):
            gaz.add_user(entry)
    return gaz


def default_gazetteer() -> Gazetteer:
    return _gazetteer_for(())


@lru_cache(maxsize=1)
def leaders_by_name() -> dict[str, list]:
    table = defaultdict(list)
    for leader in leaders():
        for name in (leader.name, *leader.aliases):
            table[name].append(leader)
    return table


@lru_cache(maxsize=1)
def leaders_by_surname() -> dict[str, list]:
    table = defaultdict(list)
    for leader in leaders():
        for name in (leader.name, *leader.aliases):
            words = name.replace(".", "").split()
            # Chinese and Korean names put the family name first ("Xi Jinping", "Yoon Suk Yeol").
            family = words[0] if leader.country in FAMILY_NAME_FIRST and len(words) > 1 else words[-1]
            if leader not in table[family]:
                table[family].append(leader)
    return table
