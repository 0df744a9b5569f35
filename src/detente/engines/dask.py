"""Ingest on a Dask distributed cluster (`detente ingest --engine dask [--scheduler ADDRESS]`).

The client (this process) reads the inputs with the same reader as the local engine and hands
them out in partitions of raw articles, a bounded number in flight so memory follows the
partition size, not the corpus. Each Dask task codes its partition in the worker (the spaCy
model and the places index are loaded once per worker process and kept) and writes the rows the
store would add as Parquet files into a staging directory (`articles/part-00017.parquet`,
`events/…`, `rejects/…`), returning only their paths and counts. The client then merges each
partition, in input order, into the DuckDB store in one transaction by bulk loading those files,
skipping articles already stored (and their events) and rejects already recorded: identity is a
content hash, so running again, or a partition merged twice, adds nothing.

Workers are processes with one thread each: spaCy holds the GIL. With no scheduler address a
LocalCluster of `workers` processes is started and closed here. With a remote scheduler the
workers write the Parquet files themselves, so `staging` must be a directory every machine sees
at the same path (a shared file system); the default, a temporary directory next to the
database, only works when the workers run on this machine.

The local cluster's workers are started fresh (spawned), so a script that ingests with this
engine must do so under `if __name__ == "__main__":`.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import DetenteError

# A Dask task's share of the input: at most this many articles, and it closes once its texts
# reach PARTITION_CHARS characters. Coding time follows text length, and news corpora mix
# 2,000-character items with 100,000-character ones (Wikinews does), so partitions counted in
# articles alone leave one worker on a long partition at the end while the others idle. Small
# enough that this tail stays short; large enough that a task's fixed cost (scheduling, three
# Parquet files, one merge transaction, about 0.1 s) stays a small share of its coding time.
PARTITION_SIZE = 32
PARTITION_CHARS = 50_000
TABLES = ("articles", "events", "rejects")
CONNECT_TIMEOUT = 10  # seconds to reach a remote scheduler
WORKER_TIMEOUT = 60  # seconds to wait for a remote scheduler's first worker


@dataclass
class Partition:
    """What a task sends back: no articles, only where their rows are and what they were."""

    number: int
    files: dict[str, str] = field(default_factory=dict)  # table name -> Parquet path
    articles: list[tuple[str, str | None, int]] = field(default_factory=list)  # (id, source, events), in order
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (source, reason, kind), in order
    inputs: int = 0


def warm(user_files: tuple[str, ...] = ()) -> None:
    """Load the model, gazetteers and places index in this worker process (kept for its life)."""
    from .. import workers

    workers.load(user_files)


def code_partition(number: int, items: list, staging: str, batch_size: int, user_files: tuple[str, ...] = ()) -> Partition:
    """The Dask task: code one partition (Articles and readers' Rejected, in input order) and
    write the rows it adds to the store as Parquet under `staging`."""
    import pyarrow.parquet as pq

    from .. import pipeline
    from ..io.readers import Rejected
    from ..model import Article
    from ..store import articles_table, events_table, rejects_table, utc_now

    warm(user_files)  # a no-op once loaded; a worker that joined after the start loads here
    coded = [item for chunk in pipeline.batches(items, batch_size) for item in pipeline.run_batch(chunk)]
    articles = [a for a in coded if isinstance(a, Article)]
    rejected = [(r.path, r.reason, r.kind) for r in coded if isinstance(r, Rejected)]
    fresh = list({a.id: a for a in reversed(articles)}.values())[::-1]  # first of each id, in order
    now = utc_now()
    tables = {"articles": articles_table(fresh, now), "events": events_table(e for a in fresh for e in a.events),
              "rejects": rejects_table(rejected, now)}
    part = Partition(number, articles=[(a.id, a.source, len(a.events)) for a in articles], rejected=rejected,
                     inputs=len(items))
    for name, table in tables.items():
        if table.num_rows:
            path = Path(staging) / name / f"part-{number:05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.partial")
            pq.write_table(table, partial)
            os.replace(partial, path)  # a reader never sees half a file, even if the task ran twice
            part.files[name] = str(path)
    return part


def merge(store, part: Partition) -> list:
    """Bulk load one partition's Parquet files into the store in one transaction. Articles
    already stored, their events, and rejects already recorded are skipped, so merging the
    same partition again adds nothing. One `IngestResult` per article, in input order."""
    from ..store import IngestResult, utc_now

    for name, path in part.files.items():
        if not Path(path).is_file():
            raise DetenteError(
                f"partition {part.number}'s {name} file {path!r} is not on this machine: the Dask workers wrote it "
                "where the client cannot read it. Pass --staging a directory every machine sees at the same path")
    con, files = store.con, part.files
    con.execute("BEGIN TRANSACTION")
    try:
        known: set[str] = set()
        if "articles" in files:
            known = {row[0] for row in con.execute(
                "SELECT id FROM read_parquet(?) WHERE id IN (SELECT id FROM articles)", [files["articles"]]).fetchall()}
        added: list[str] = []
        if "events" in files:
            # before the articles go in: an event whose article was already stored is not new
            added = [row[0] for row in con.execute(
                "INSERT INTO events BY NAME SELECT * FROM read_parquet(?) WHERE article_id NOT IN "
                "(SELECT id FROM articles) AND id NOT IN (SELECT id FROM events) "
                "QUALIFY row_number() OVER (PARTITION BY id) = 1 RETURNING id", [files["events"]]).fetchall()]
        if "articles" in files:
            con.execute("INSERT INTO articles BY NAME SELECT * REPLACE (CAST(? AS TIMESTAMP) AS ingested_at) "
                        "FROM read_parquet(?) WHERE id NOT IN (SELECT id FROM articles) "
                        "QUALIFY row_number() OVER (PARTITION BY id) = 1", [utc_now(), files["articles"]])
        if "rejects" in files:
            con.execute("INSERT INTO rejects BY NAME SELECT * FROM read_parquet(?) i WHERE NOT EXISTS "
                        "(SELECT 1 FROM rejects r WHERE r.source = i.source AND r.reason = i.reason) "
                        "QUALIFY row_number() OVER (PARTITION BY source, reason) = 1", [files["rejects"]])
        store.commit(added)  # as every write does: derived tables catch up in the same transaction
    except Exception:
        con.execute("ROLLBACK")
        raise
    results = []
    for article_id, source, events in part.articles:
        new = article_id not in known
        known.add(article_id)
        results.append(IngestResult(article_id, source, new, events if new else 0))
    return results


def connect(scheduler: str | None = None, workers: int = 2):
    """A Client of the scheduler at `scheduler`, and None; or, with no address, a Client of a
    new LocalCluster of `workers` single-threaded processes, and that cluster (close both)."""
    from distributed import Client, LocalCluster

    if scheduler is None:
        import dask

        if workers < 1:
            raise DetenteError(f"a local Dask cluster needs at least one worker, not {workers}: pass --workers 1 or more")

        # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 so that they hand freed
        # memory back to the OS at once; spaCy allocates and frees so much per batch that this
        # costs about a fifth more CPU per article (measured), and these workers' memory is
        # mostly their models, which stay. No dashboard: it wants bokeh and a free port.
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        try:
            return Client(cluster), cluster
        except BaseException:
            cluster.close()
            raise
    not_an_address = (f"{scheduler!r} is not a Dask scheduler address{{}}: give one like tcp://HOST:8786 (what "
                      "`dask scheduler` prints), or leave --scheduler out to run a local cluster")
    if "://" not in scheduler and ":" not in scheduler:
        raise DetenteError(not_an_address.format(""))
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except ValueError as exc:  # distributed's word for a malformed address
        raise DetenteError(not_an_address.format(f" ({exc})")) from None
    except (OSError, TimeoutError) as exc:
        raise DetenteError(f"cannot reach the Dask scheduler at {scheduler!r} ({exc}); start one with "
                           "`dask scheduler` on that machine and check the address and port, or leave --scheduler "
                           "out to run a local cluster") from None
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except TimeoutError:
        client.close()
        raise DetenteError(f"the Dask scheduler at {scheduler!r} has no workers after {WORKER_TIMEOUT} s; start some "
                           f"with `dask worker {scheduler} --nthreads 1` on machines with detente installed") from None
    return client, None


def chunks(items: Iterable, size: int = PARTITION_SIZE, chars: int = PARTITION_CHARS) -> Iterator[list]:
    """`items` in order, in lists of at most `size`, each closed once its articles' raw texts
    reach `chars` characters (so one long article can make a list of its own)."""
    chunk: list = []
    length = 0
    for item in items:
        chunk.append(item)
        length += len(getattr(item, "raw", "") or "")
        if len(chunk) >= size or length >= chars:
            yield chunk
            chunk, length = [], 0
    if chunk:
        yield chunk


def _partitions(client, items: Iterable, size: int, chars: int, window: int, staging: str, batch_size: int,
                user_files: tuple[str, ...]) -> Iterator[Partition]:
    """Submit partitions as the input is read, at most `window` in flight, and yield each
    finished one in input order."""
    run = uuid.uuid4().hex[:12]
    pending: deque = deque()
    try:
        for number, chunk in enumerate(chunks(items, size, chars)):
            # an explicit key: Dask would otherwise hash the whole partition to name the task
            pending.append(client.submit(code_partition, number, chunk, staging, batch_size, user_files,
                                         key=f"detente-partition-{run}-{number:05d}"))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        if pending:
            client.cancel(list(pending))


def ingest(paths: Iterable[str | Path], db: str | Path = "detente.duckdb", published: date | str | None = None,
           progress: Callable[[int], None] | None = None, workers: int = 2, batch_size: int = 16,
           scheduler: str | None = None, staging: str | Path | None = None, partition_size: int = PARTITION_SIZE,
           partition_chars: int = PARTITION_CHARS, **read_options):
    """`api.ingest` on a Dask cluster: the same inputs, the same stored rows, the same summary.

    `workers` is the size of the LocalCluster started when `scheduler` (an address such as
    tcp://HOST:8786) is None; a remote cluster has the workers it has. `staging` is where the
    workers write Parquet partitions (a fresh directory is made inside it and removed at the
    end); it defaults to the database's directory. `progress(n)` is called after each merged
    partition with its number of inputs. A partition holds at most `partition_size` articles and
    about `partition_chars` characters of text. `read_options` go to the reader as they do locally."""
    from .. import api
    from ..io.readers import expand_paths
    from ..knowledge import gazetteer
    from ..store import Store

    items = api._ingest_items(list(expand_paths(paths)), api._as_date(published), **read_options)
    user_files = gazetteer.configured_files()
    base = Path(staging) if staging is not None else Path(db).resolve().parent
    try:
        base.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="detente-staging-", dir=base)).resolve()
    except OSError as exc:
        raise DetenteError(f"cannot make a staging directory in {str(base)!r} ({exc.strerror}); pass --staging a "
                           "writable directory") from None
    summary = api.IngestSummary()
    client = cluster = None
    try:
        client, cluster = connect(scheduler, workers)
        client.run(warm, user_files)  # every worker loads its models now, in parallel
        # enough queued that a worker finishing before the partition at the head of the line
        # still finds work; few enough that memory follows the partition size
        window = 3 * max(1, sum(client.nthreads().values()))
        with Store(db) as store:
            for part in _partitions(client, items, partition_size, partition_chars, window, str(folder), batch_size,
                                    user_files):
                summary.results.extend(merge(store, part))
                summary.add_rejected(part.rejected)
                for path in part.files.values():
                    Path(path).unlink(missing_ok=True)
                if progress:
                    progress(part.inputs)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        shutil.rmtree(folder, ignore_errors=True)
    return summary
