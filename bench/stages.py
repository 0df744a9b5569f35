"""Time each pipeline stage on the Wikinews corpus and print what the stages after parsing add.

    python bench/stages.py [--shared ../shared] [--limit 290]

The issue's budget: the event stage (after parsing) adds at most 20% to parse time. The figure
printed as "events / parse" is that ratio. Prints figures only; nothing here asserts a timing.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path


def corpus(shared: Path, limit: int) -> list[tuple[str, str | None]]:
    folder = shared / "data/corpus/wikinews"
    if not folder.is_dir():
        sys.exit(f"no Wikinews corpus at {folder}: pass --shared PATH (the folder holding data/corpus)")
    texts = []
    for path in sorted(folder.rglob("*"))[: limit * 4]:
        if path.stem.isupper():
            continue  # LICENSE.md, README.md, UPSTREAM_COMMIT.txt: about the corpus, not in it
        if path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                texts.append((record.get("text", ""), record.get("published") or record.get("date")))
        elif path.suffix in (".txt", ".json") and path.is_file():
            raw = path.read_text(encoding="utf-8")
            if path.suffix == ".json":
                record = json.loads(raw)
                texts.append((record.get("text", ""), record.get("published") or record.get("date")))
            else:
                texts.append((raw, None))
    return [(t, d) for t, d in texts if t.strip()][:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--limit", type=int, default=290)
    args = parser.parse_args()

    from detente.io.readers import parse_date
    from detente.model import Article
    from detente.pipeline import STAGES
    from detente.stages.parse import nlp

    nlp()  # load the model before the clock starts
    texts = corpus(Path(args.shared), args.limit)
    spent: dict[str, float] = defaultdict(float)
    tokens = events = 0
    for text, published in texts:
        try:
            day = parse_date(published[:10]) if published else None
        except Exception:
            day = None
        article = Article(raw=text, published=day)
        for name, stage in STAGES:
            start = time.perf_counter()
            article = stage(article)
            spent[name] += time.perf_counter() - start
        tokens += len(article.doc)
        events += len(article.events)
    parse = spent["parse"]
    print(f"articles {len(texts)}, tokens {tokens}, events {events}")
    for name, _ in STAGES:
        print(f"{name:8s} {spent[name]:8.2f} s  {spent[name] / parse:6.1%} of parse")
    print(f"parse throughput {tokens / parse:,.0f} tokens/s")
    print(f"events / parse   {spent['events'] / parse:.1%}   (budget 20%)")
    after = sum(v for k, v in spent.items() if k not in ("clean", "parse"))
    print(f"all stages after parse / parse {after / parse:.1%}")


if __name__ == "__main__":
    main()
