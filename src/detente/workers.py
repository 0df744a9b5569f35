"""Worker processes for `pipeline.process_batches(workers=N)`.

Each worker loads the spaCy model, the gazetteers and the places index once (not per article)
and codes whole batches; the parent only reads input, hands out batches and collects results
in order, so it alone writes the store.

Start method: "fork" (the default where the platform has it) loads the models in the parent
first and then forks, so the workers share those pages copy-on-write (`gc.freeze` keeps the
garbage collector from touching, and so copying, them); "spawn" starts fresh interpreters that
each load their own copy (about 0.5 GB each, mostly the places index). Set
$DETENTE_START_METHOD to "spawn" or "forkserver" to choose. Scripts that start workers must do
so under `if __name__ == "__main__":` for spawn.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Iterator

from .errors import DetenteError


def start_method() -> str:
    chosen = os.environ.get("DETENTE_START_METHOD", "").strip().lower()
    methods = multiprocessing.get_all_start_methods()
    if chosen:
        if chosen not in methods:
            raise DetenteError(f"DETENTE_START_METHOD={chosen!r} is not one of {', '.join(methods)}")
        return chosen
    return "fork" if "fork" in methods else "spawn"


def load(user_files: tuple[str, ...] = ()) -> None:
    """Everything the stages load lazily, loaded now: the model, gazetteers, places index."""
    from .knowledge import gazetteer, places
    from .stages import parse

    if user_files != gazetteer.configured_files():
        gazetteer.configure(user_files)
    parse.nlp()
    gazetteer.active_gazetteer()
    places.index()


def _init(user_files: tuple[str, ...]) -> None:
    load(user_files)


def _slim(item):
    """What crosses back to the parent: the article without its Doc and resolver (they do not
    pickle cheaply and nothing after the stages needs them)."""
    from .model import Article

    if isinstance(item, Article):
        item.doc = None
        item.resolver = None
    return item


def code_batch(items: list, until: str | None = None) -> list:
    from .pipeline import run_batch

    return [_slim(item) for item in run_batch(items, until)]


class WorkerPool:
    """N worker processes coding batches; `map` yields the results in input order, keeping at
    most two batches per worker in flight so memory stays bounded by the batch size."""

    def __init__(self, workers: int, method: str | None = None):
        from .knowledge import gazetteer

        self.workers = workers
        self.method = method or start_method()
        user_files = gazetteer.configured_files()
        if self.method == "fork":
            load(user_files)  # once, in the parent: the workers share it copy-on-write
            gc.collect()
            gc.freeze()
        self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(self.method),
                                            initializer=_init, initargs=(user_files,))

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        if self.method == "fork":
            gc.unfreeze()

    def start(self) -> None:
        """Start the workers now (they load their models), e.g. before opening a database."""
        for future in [self.executor.submit(code_batch, []) for _ in range(self.workers)]:
            future.result()

    def map(self, chunks: Iterable[list], until: str | None = None) -> Iterator[list]:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(self.executor.submit(code_batch, chunk, until))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
