"""Actor-resolution scores.

- NGEC (POLECAT) resolver cases: a short actor phrase, an optional context and date; we score
  the country and the sector of the phrase's main mention.
- PLOVER GSR: every gold source/target actor span in its sentence; we score the country our
  resolver gives the mention at that span (precision over the spans we resolve, recall over all).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from . import Score, loose_date

# The gold sets' own spellings of codes that detente writes differently.
COUNTRY_EQUIVALENTS = {"EUR": "EU", "JAP": "JPN", "UN": "UNO"}
ORGANISATION_KINDS = {"IGO": "IGO", "NGO": "NGO"}


def _mentions(text: str, day):
    from ..api import actors

    return actors(text, day)


def main_mention(mentions, start: int, end: int):
    """The mention that best covers a span: overlapping, longest first."""
    overlapping = [m for m in mentions if m.start < end and start < m.end]
    if not overlapping:
        return None
    # Most overlap first; then the tightest mention ("Romanian officials", not the whole
    # "Hungarian and Romanian officials" of the first split actor).
    return max(overlapping, key=lambda m: (min(m.end, end) - max(m.start, start), -(m.end - m.start), -m.start))


def find_phrase(text: str, phrase: str) -> int:
    """Where a gold phrase stands as whole words ("US" is not the "us" in "thus"); -1 if absent."""
    for flags in (0, re.IGNORECASE):
        m = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, flags)
        if m:
            return m.start()
    return -1


@lru_cache(maxsize=1)
def organisation_codes() -> dict[str, set[str]]:
    from ..knowledge import read_table

    codes: dict[str, set[str]] = {"IGO": set(), "NGO": set()}
    for _, row in read_table("igos.tsv"):
        codes.setdefault(row["sector"] or "IGO", set()).add(row["code"])
    codes["IGO"] |= codes.pop("JUD", set())
    return codes


def country_matches(expected: str | None, actor) -> bool:
    expected = COUNTRY_EQUIVALENTS.get(expected or "", expected or None)
    if actor is None:
        return expected is None
    if expected in ORGANISATION_KINDS:
        # The gold sets code any intergovernmental body as "IGO"; we name the body ("EU", "UNO").
        return actor.sector == ORGANISATION_KINDS[expected] or actor.country == expected or actor.country in organisation_codes()[expected]
    # A UN agency is the UN to coders that do not name the agency ("WHO" counts as "UNO").
    return (actor.country or None) == expected or parent_bodies().get(actor.country or "") == expected


@lru_cache(maxsize=1)
def parent_bodies() -> dict[str, str]:
    from ..knowledge import read_table

    return {row["code"]: row["part_of"] for _, row in read_table("igos.tsv") if row.get("part_of")}


# PLOVER's sector vocabulary differs from CAMEO's in two codes: CAMEO MED (media) is PLOVER JRN,
# and CAMEO HLH (health) is PLOVER MED.
PLOVER_SECTOR = {"MED": "JRN", "HLH": "MED"}


def sector_matches(expected, actor) -> bool:
    got = actor.sector if actor is not None else None
    accepted = {got or None} | ({PLOVER_SECTOR[got]} if got in PLOVER_SECTOR else set())
    if isinstance(expected, dict):
        return bool(accepted & set(expected.get("one_of", [])))
    return (expected or None) in accepted


def ngec(shared: Path) -> list[Score]:
    path = shared / "data/gold/ngec-actor-resolution-tests/ngec_agent_to_code_cases.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    country = [0, 0]
    sector = [0, 0]
    for row in rows:
        expected = row["expected"]
        if "country" not in expected and "code_1" not in expected:
            continue
        context = (row.get("context") or row.get("known_country") or "").strip()
        prefix = f"{context}.\n\n" if context else ""
        text = prefix + row["actor_text"]
        actor = main_mention(_mentions(text, loose_date(row.get("query_date"))), len(prefix), len(text))
        if "country" in expected:
            country[0] += country_matches(expected["country"], actor)
            country[1] += 1
        if "code_1" in expected and expected["code_1"] not in ("UNK", "????"):
            sector[0] += sector_matches(expected["code_1"], actor)
            sector[1] += 1
    return [
        Score("ngec", "country_accuracy", round(country[0] / country[1], 4), country[1]),
        Score("ngec", "sector_accuracy", round(sector[0] / sector[1], 4), sector[1], "UNK/???? expectations skipped"),
    ]


def plover_gsr(shared: Path) -> list[Score]:
    path = shared / "data/gold/plover-gsr-cameo/PLOVER_GSR_CAMEO.json"
    records = [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("text")]
    tallies = {"source": [0, 0, 0], "target": [0, 0, 0]}  # correct, predicted, gold
    for record in records:
        text = record["text"]
        mentions = None
        for role in ("source", "target"):
            gold = record.get(role)
            if not isinstance(gold, list):
                continue
            for actor in gold:
                code, phrase = actor.get("code"), actor.get("actorText") or ""
                if not code or not phrase:
                    continue
                at = find_phrase(text, phrase)
                if at < 0:
                    continue
                if mentions is None:
                    mentions = _mentions(text, loose_date(record.get("date")))
                got = main_mention(mentions, at, at + len(phrase))
                t = tallies[role]
                t[2] += 1
                if got is not None and (got.country or got.sector in ORGANISATION_KINDS):
                    t[1] += 1
                    t[0] += country_matches(code, got)
    scores = []
    total = [sum(t[i] for t in tallies.values()) for i in range(3)]
    for role, (correct, predicted, gold) in [*tallies.items(), ("all", total)]:
        precision = correct / predicted if predicted else 0.0
        recall = correct / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores += [
            Score("plover_gsr_actors", f"{role}_country_precision", round(precision, 4), predicted),
            Score("plover_gsr_actors", f"{role}_country_recall", round(recall, 4), gold),
        ]
        if role == "all":
            scores.append(Score("plover_gsr_actors", "country_f1", round(f1, 4), gold))
    return scores


def petrarch_units(shared: Path) -> list[Score]:
    """PETRARCH2's ACTOR and AGENT unit records, coded with their own validation dictionaries
    loaded as user dictionaries: how many of the expected actor codes our mentions carry."""
    from ..knowledge import gazetteer

    folder = shared / "data/gold/petrarch2-unittest"
    previous = gazetteer.configured_files()
    gazetteer.configure([folder / "PETR.Validate.actors.txt", folder / "PETR.Validate.agents.txt"])
    found = total = 0
    try:
        for line in (folder / "petr_unittest.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if not record["category"].startswith(("ACTOR", "AGENT")):
                continue
            codes = {m.code for m in _mentions(record["text"], loose_date(record["date"]))}
            for expected in record["expected_events"]:
                for key in ("sourcecode", "targetcode"):
                    if expected.get(key):
                        total += 1
                        found += expected[key] in codes
    finally:
        gazetteer.configure(previous)
    return [Score("petrarch_units", "actor_code_recall", round(found / total, 4), total,
                  "ACTOR/AGENT records with PETR.Validate dictionaries loaded")]


def run(shared: Path) -> list[Score]:
    return ngec(shared) + plover_gsr(shared) + petrarch_units(shared)
