"""Throughput on the Wikinews corpus: bare spaCy against the whole pipeline, in one run, then
`ingest` with 1 and 2 worker processes.

    python bench/throughput.py [--shared ../shared] [--limit 290] [--batch-size 16] [--n-process]

Prints tokens/s for bare spaCy (the same model detente loads, `nlp.pipe` over the same texts)
and for the pipeline (all stages, batched, one process), their ratio (the issue's target is
>= 0.8), and articles/s for `ingest` into a fresh database with 1 and 2 workers (target >= 10
with 2). The models are loaded before any clock starts; the ingest figures include reading,
storing, and (for 2 workers) starting them. --n-process also times the other way to use two
cores: spaCy's own `nlp.pipe(n_process=2)` with the later stages in the parent. Prints figures
only; nothing here asserts a timing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from stages import corpus


def articles(texts):
    from detente.model import Article

    out = []
    for text, published in texts:
        try:
            day = date.fromisoformat(published[:10]) if published else None
        except ValueError:
            day = None
        out.append(Article(raw=text, published=day))
    return out


def bare_spacy(texts, batch_size: int) -> tuple[int, float]:
    from detente.stages.parse import nlp

    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp().pipe([t for t, _ in texts], batch_size=batch_size))
    return tokens, time.perf_counter() - start


def pipeline_in_process(texts, batch_size: int) -> tuple[int, int, float]:
    from detente import pipeline

    start = time.perf_counter()
    tokens = events = 0
    for article in pipeline.process_stream(articles(texts), batch_size=batch_size):
        tokens += len(article.doc)
        events += len(article.events)
    return tokens, events, time.perf_counter() - start


def spacy_n_process(texts, batch_size: int, n_process: int) -> float:
    """The alternative to worker processes: spaCy parses in n_process processes, the parent runs
    the other stages. Returns seconds for all the articles."""
    from detente import pipeline
    from detente.stages import parse

    start = time.perf_counter()
    items = articles(texts)
    cleaned = [pipeline.STAGES[0][1](a) for a in items]
    docs = parse.nlp().pipe([parse.without_dateline(a) for a in cleaned], batch_size=batch_size, n_process=n_process)
    after = [stage for name, stage in pipeline.STAGES[2:]]
    for article, doc in zip(cleaned, docs):
        article.doc = doc
        for stage in after:
            article = stage(article)
    return time.perf_counter() - start


def ingest_rate(texts, workers: int, batch_size: int, folder: Path) -> tuple[float, int]:
    from detente.api import ingest

    source = folder / "wikinews.jsonl"
    if not source.exists():
        source.write_text("".join(json.dumps({"date": d, "text": t}) + "\n" for t, d in texts), encoding="utf-8")
    db = folder / f"w{workers}.duckdb"
    start = time.perf_counter()
    summary = ingest([source], db=db, workers=workers, batch_size=batch_size)
    return time.perf_counter() - start, summary.added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared", help="the folder holding data/corpus/wikinews")
    parser.add_argument("--limit", type=int, default=290)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--workers", default="1,2", help="worker counts to time ingest with, e.g. 1,2")
    parser.add_argument("--n-process", action="store_true", help="also time spaCy's n_process=2 with the later stages in the parent")
    args = parser.parse_args()

    texts = corpus(Path(args.shared), args.limit)
    from detente import workers

    workers.load()  # model, gazetteers, places index: loaded before any clock starts
    pipeline_in_process(texts[:5], args.batch_size)  # warm up
    print(f"corpus: {len(texts)} Wikinews articles, batch size {args.batch_size}, {os.cpu_count()} CPUs, "
          f"start method {workers.start_method()}")

    bare_tokens, bare_time = bare_spacy(texts, args.batch_size)
    tokens, events, pipe_time = pipeline_in_process(texts, args.batch_size)
    bare_rate, pipe_rate = bare_tokens / bare_time, tokens / pipe_time
    print(f"bare spaCy  {bare_tokens:8,d} tokens  {bare_time:6.1f} s  {bare_rate:7,.0f} tokens/s")
    print(f"pipeline    {tokens:8,d} tokens  {pipe_time:6.1f} s  {pipe_rate:7,.0f} tokens/s  ({events} events, "
          f"{len(texts) / pipe_time:.1f} articles/s, no store)")
    print(f"pipeline / bare spaCy = {pipe_rate / bare_rate:.2f}   (target >= 0.8)")

    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(w) for w in args.workers.split(",") if w.strip()]:
            seconds, added = ingest_rate(texts, n, args.batch_size, Path(tmp))
            print(f"ingest, {n} worker(s): {added} articles in {seconds:6.1f} s = {added / seconds:5.1f} articles/s"
                  + ("   (target >= 10 with 2)" if n == 2 else ""))
    if args.n_process:
        seconds = spacy_n_process(texts, args.batch_size, 2)
        print(f"spaCy n_process=2, later stages in the parent (no store): {len(texts) / seconds:5.1f} articles/s")


if __name__ == "__main__":
    main()
