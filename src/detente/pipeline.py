"""The stage list and the runner. The order here is the architecture; a test pins it."""
from __future__ import annotations

from datetime import date
from itertools import islice
from typing import Callable, Iterable, Iterator

from .errors import InputError
from .io.readers import Rejected
from .model import Article
from .stages import actors, clean, events, parse, when, where

STAGES: tuple[tuple[str, Callable[[Article], Article]], ...] = (
    ("clean", clean.run),
    ("parse", parse.run),
    ("actors", actors.run),
    ("events", events.run),
    ("when", when.run),
    ("where", where.run),
)

# Stages that also have a form for a whole batch (same result per article, done at once):
# parsing is one `nlp.pipe` over the batch's texts.
BATCH_FORMS: dict[str, Callable[[list[Article]], list[Article]]] = {"parse": parse.run_batch}


def _check_until(until: str | None) -> None:
    if until is not None and until not in dict(STAGES):
        raise ValueError(f"unknown stage {until!r}: the stages are {', '.join(name for name, _ in STAGES)}")


def run(article: Article, until: str | None = None) -> Article:
    """Run the stages in order; `until` stops after the named stage (e.g. "actors")."""
    _check_until(until)
    for name, stage in STAGES:
        article = stage(article)
        if name == until:
            break
    return article


def process(text: str, published: date | None = None, media_type: str = "text", source: str | None = None) -> Article:
    return run(Article(raw=text, published=published, media_type=media_type, source=source))


def run_batch(items: Iterable, until: str | None = None) -> list:
    """`run` over a batch, stage by stage: every article goes through a stage before the next
    stage starts, the parse stage as one `nlp.pipe`. The articles come out as `run` makes them.

    One result per item, in order. Items that are not Articles (a reader's `Rejected`) pass
    through where they stand; an article a stage refuses with InputError comes out as
    `Rejected(article.source, reason, kind)` and the rest of the batch goes on."""
    _check_until(until)
    out = list(items)
    live = [i for i, item in enumerate(out) if isinstance(item, Article)]
    for name, stage in STAGES:
        if name in BATCH_FORMS:
            for i, article in zip(live, BATCH_FORMS[name]([out[i] for i in live])):
                out[i] = article
        else:
            kept = []
            for i in live:
                try:
                    out[i] = stage(out[i])
                    kept.append(i)
                except InputError as exc:
                    out[i] = Rejected(out[i].source or "<text>", str(exc), exc.kind)
            live = kept
        if name == until:
            break
    return out


def batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, max(1, size))):
        yield chunk


def process_batches(items: Iterable, batch_size: int = 16, workers: int = 1, until: str | None = None,
                    pool=None) -> Iterator[list]:
    """`run_batch` over `items` taken `batch_size` at a time, yielding each finished batch in
    input order. Only one batch (per worker, plus one waiting each) is in memory at a time, so
    memory follows the batch size, not the number of items.

    With `workers` > 1 the batches are coded in that many worker processes (see `detente.workers`)
    and the articles come back without their spaCy `doc` and the actors stage's `resolver`.
    A started `pool` (a `workers.WorkerPool`) is used as it is and left open."""
    _check_until(until)
    if pool is not None:
        yield from pool.map(batches(items, batch_size), until)
        return
    if workers <= 1:
        for chunk in batches(items, batch_size):
            yield run_batch(chunk, until)
        return
    from .workers import WorkerPool

    with WorkerPool(workers) as pool:
        yield from pool.map(batches(items, batch_size), until)


def process_stream(items: Iterable, batch_size: int = 16, workers: int = 1, until: str | None = None) -> Iterator:
    """One finished result per item, in order: see `process_batches`."""
    for chunk in process_batches(items, batch_size, workers, until):
        yield from chunk
