"""The trigger lexicon: every CAMEO code is reachable, and our own marked sentences code as written.

`tests/data/event_sentences_*.tsv` hold sentences we wrote, at least two per code, with the
source marked <s>…</s> and the target <t>…</t>. Each file must code at its pinned rate; the misses
are listed when it does not, so a lexicon change that breaks a pattern shows where.
"""
from pathlib import Path

import pytest

from detente.knowledge import cameo_codes
from detente.knowledge.lexicon import rules

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("event_sentences_*.tsv"))
PASS_RATE = 0.85


def read(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and not line.startswith("sentence\t"):
            sentence, code = line.split("\t")[:2]
            yield sentence, code


def test_every_cameo_code_is_reachable():
    reached = {r.code for rs in rules().values() for r in rs}
    missing = [c for c in cameo_codes() if len(c) >= 3 and c not in reached]
    assert not missing, f"no trigger row gives {missing}"


def test_each_code_has_two_sentences_of_ours():
    written = {}
    for path in FILES:
        for _, code in read(path):
            written[code] = written.get(code, 0) + 1
    thin = [c for c in cameo_codes() if len(c) >= 3 and written.get(c, 0) < 2]
    assert not thin, f"codes with fewer than two example sentences: {thin}"


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_our_sentences_code_as_written(path, monkeypatch):
    from detente.api import code_pair

    # The patterns alone: these sentences are also the fallback classifier's examples.
    monkeypatch.setenv("DETENTE_FALLBACK", "0")

    rows = list(read(path))
    misses = [(code, code_pair(sentence).cameo, sentence) for sentence, code in rows]
    misses = [m for m in misses if m[0] != m[1]]
    rate = 1 - len(misses) / len(rows)
    assert rate >= PASS_RATE, f"{rate:.0%} coded as written; misses:\n" + "\n".join(f"want {w} got {g}: {s}" for w, g, s in misses)


@pytest.mark.slow
@pytest.mark.parametrize("sentence, code", [
    ("Australia can seize the opportunity to court investors from India.", "17"),
    ("Kenya vowed to fight corruption with help from Britain.", "19"),
    ("The US Senate killed the bill on aid to Ukraine.", "18"),
    ("The Austrian court demonstrated a shocking ignorance of the technology.", "14"),
])
def test_idioms_are_no_events(sentence, code):
    """Rows with code '-' (triggers_idioms.tsv) stop a trigger word in a sense that is no event."""
    from detente.api import extract

    assert not [e for e in extract(sentence) if e.cameo.startswith(code)]


def test_an_idiom_does_not_stop_the_literal_sense():
    from detente.api import extract

    events = extract("Russian troops seized the Ukrainian town of Avdiivka.")
    assert any(e.cameo.startswith("17") or e.cameo.startswith("19") for e in events), events


@pytest.mark.slow
def test_an_idiom_row_is_never_a_code_even_as_a_last_resort(monkeypatch):
    """Pair and sentence coding fall back to a trigger's least specific row; never to an idiom."""
    from detente.api import code_pair
    from detente.coding.pair import code_sentence

    monkeypatch.setenv("DETENTE_FALLBACK", "0")
    got = code_sentence("He grabbed the microphone and spoke.")
    assert got is None or got.cameo != "-"
    assert code_pair("<s>Australia</s> must seize the chance with <t>India</t>.").cameo != "-"
