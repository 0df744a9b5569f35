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
