"""The Dask engine (issue 6): on a 2-worker LocalCluster it stores exactly what the local engine
stores, a second run (or a partition merged twice) adds nothing, rejects reach the rejects
table, and a bad scheduler address is one clean line. No timings are asserted here;
bench/dask_scaling.py prints the figures."""
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from detente import api
from detente.engines import dask as engine
from detente.errors import DetenteError
from detente.model import Actor, Article, Event
from detente.store import Store, articles_table, events_table, rejects_table
from tests.conftest import ROOT, SEED

TEXTS = [
    "Russia warned Japan on Monday over its missile defence plans.",
    "China and India signed a trade agreement in New Delhi on Tuesday.",
    "SEOUL, June 21 (Reuters) - South Korea summoned the Russian ambassador on Friday.",
    "Protesters gathered in Tbilisi, Georgia, on Monday. Police fired tear gas at them.",
    "Israel and Hamas negotiators met in Cairo on Tuesday, Egypt said.",
    "The United States imposed sanctions on Iran on Wednesday.",
    "Turkish troops shelled Kurdish positions in northern Syria, officials said.",
    "France offered humanitarian aid to Lebanon after the blast.",
    "Nothing happened here.",
    "<html><body><h1>Talks</h1><p>Ukraine and Poland agreed to reopen the border crossing.</p></body></html>",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seed, ten short articles (one of them twice), an empty file and a JSONL file with a
    record whose date cannot be read: every kind of input the engines must treat alike."""
    folder = tmp_path_factory.mktemp("corpus")
    (folder / SEED.name).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for number, text in enumerate(TEXTS):
        (folder / f"a{number:02d}.{'html' if text.startswith('<') else 'txt'}").write_text(text, encoding="utf-8")
    (folder / "a99_copy.txt").write_text(TEXTS[0], encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    records = [{"id": "r1", "published": "2024-06-20", "text": "Germany criticised Hungary's veto on Thursday."},
               {"id": "r2", "published": "not a date", "text": "Spain recalled its ambassador."}]
    (folder / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local(corpus, tmp_path_factory):
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    summary = api.ingest([corpus], db=db, published="2024-06-21")
    return db, summary


def stored(db: Path) -> dict:
    """Every stored row but the time it was stored."""
    with Store(db, read_only=True) as store:
        con = store.con
        return {
            "articles": con.execute("SELECT * EXCLUDE (ingested_at) FROM articles ORDER BY id").fetchall(),
            "events": con.execute("SELECT * FROM events ORDER BY id").fetchall(),
            "rejects": sorted(con.execute("SELECT source, reason, kind FROM rejects").fetchall()),
            "stories": con.execute("SELECT * FROM stories ORDER BY id").fetchall(),
            "story_mentions": con.execute("SELECT * FROM story_mentions ORDER BY ALL").fetchall(),
        }


@pytest.mark.slow
def test_dask_stores_what_local_stores_and_runs_once(corpus, local, tmp_path):
    local_db, local_summary = local
    db = tmp_path / "dask.duckdb"
    done = []
    # partitions of 4 so both workers get several and they finish out of order
    summary = engine.ingest([corpus], db=db, published="2024-06-21", workers=2, partition_size=4,
                            progress=done.append)
    expected = stored(local_db)
    assert expected["events"] and len(expected["rejects"]) == 2
    assert stored(db) == expected
    assert (summary.added, summary.duplicates, summary.events) == (local_summary.added, local_summary.duplicates,
                                                                    local_summary.events)
    assert summary.rejected == local_summary.rejected and summary.by_kind == local_summary.by_kind
    assert [(r.article_id, r.new) for r in summary.results] == [(r.article_id, r.new) for r in local_summary.results]
    assert sum(done) == len(TEXTS) + 5  # every input counted once: the seed, the copy, the empty file, 2 records
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("detente-staging-")], "staging is cleaned"

    again = api.ingest([corpus], db=db, published="2024-06-21", engine="dask", workers=2)
    assert (again.added, again.events) == (0, 0)
    assert again.duplicates == summary.added + summary.duplicates
    assert stored(db) == expected  # not even the rejects are recorded twice


@pytest.mark.slow
def test_cli_ingest_with_dask(corpus, local, tmp_path):
    db = tmp_path / "cli.duckdb"
    staging = tmp_path / "staging"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("detente")), "ingest", str(corpus), "--db", str(db), "--published",
         "2024-06-21", "--engine", "dask", "--workers", "2", "--staging", str(staging)],
        capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert result.returncode == 0, result.stderr
    assert f"event(s) added to {db}" in result.stdout
    assert stored(db) == stored(local[0])
    assert [p for p in staging.iterdir()] == [], "the run's staging directory is removed"
    assert result.stderr.count("rejected:") == 2 and "Traceback" not in result.stderr


def partition(tmp_path: Path, number: int, articles: list[Article], rejects: list[tuple[str, str]]) -> engine.Partition:
    """A partition as a task writes it, without spaCy: the rows of already-coded articles."""
    import pyarrow.parquet as pq

    now = datetime(2024, 6, 21, 12)
    part = engine.Partition(number, articles=[(a.id, a.source, len(a.events)) for a in articles], rejected=rejects)
    for name, table in {"articles": articles_table(articles, now),
                        "events": events_table(e for a in articles for e in a.events),
                        "rejects": rejects_table(rejects, now)}.items():
        if table.num_rows:
            path = tmp_path / name / f"part-{number:05d}.parquet"
            path.parent.mkdir(exist_ok=True)
            pq.write_table(table, path)
            part.files[name] = str(path)
    return part


def coded(article_id: str, *event_ids: str) -> Article:
    source = Actor(text="Russia", start=0, end=6, country="RUS", confidence=1.0, basis="test")
    events = [Event(id=e, article_id=article_id, source=source, target=None, cameo="130", cameo_name="Threaten",
                    goldstein=-4.4, quad_class=3, plover="THREATEN", plover_mode="", modality="asserted",
                    trigger="warned", trigger_span=(7, 13), sentence="Russia warned.", evidence=(0, 14),
                    confidence=0.9, rationale=("test",)) for e in event_ids]
    return Article(raw="Russia warned.", text="Russia warned.", id=article_id, source=f"{article_id}.txt", events=events)


def test_merging_a_partition_twice_adds_nothing(tmp_path):
    part = partition(tmp_path, 0, [coded("a1", "e1", "e2"), coded("a2", "e3")],
                     [("bad.txt", "empty", "empty"), ("bad.txt", "empty", "empty")])
    with Store(tmp_path / "s.duckdb") as store:
        first = engine.merge(store, part)
        counts = store.counts()
        second = engine.merge(store, part)
        assert [r.new for r in first] == [True, True] and [r.events for r in first] == [2, 1]
        assert [r.new for r in second] == [False, False] and [r.events for r in second] == [0, 0]
        assert store.counts() == counts == {"articles": 2, "events": 3, "rejects": 1}


def test_events_of_a_stored_article_are_not_added_again(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.add_articles([coded("a1", "e1")])
        # the same article coded again with an event the first coding lacked (a newer lexicon):
        # identity is the article, so the store keeps what it has
        results = engine.merge(store, partition(tmp_path, 1, [coded("a1", "e1", "e9"), coded("a3", "e5")], []))
        assert [(r.article_id, r.new, r.events) for r in results] == [("a1", False, 0), ("a3", True, 1)]
        ids = [row[0] for row in store.con.execute("SELECT id FROM events ORDER BY id").fetchall()]
        assert ids == ["e1", "e5"]


def test_a_partition_the_client_cannot_read_is_a_clean_error(tmp_path):
    part = engine.Partition(3, files={"articles": str(tmp_path / "elsewhere" / "part-00003.parquet")})
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(DetenteError, match="--staging"):
        engine.merge(store, part)


@pytest.mark.parametrize("address", ["nonsense", "http://host:1", "localhost:abc"])
def test_a_bad_scheduler_address_is_a_clean_error(tmp_path, address):
    with pytest.raises(DetenteError, match="is not a Dask scheduler address"):
        api.ingest([SEED], db=tmp_path / "x.duckdb", engine="dask", scheduler=address)
    assert not list(tmp_path.glob("detente-staging-*"))


def test_an_unreachable_scheduler_is_a_clean_error(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 1)
    with pytest.raises(DetenteError, match=r"cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'.*dask scheduler"):
        api.ingest([SEED], db=tmp_path / "x.duckdb", engine="dask", scheduler="tcp://127.0.0.1:9")


def test_scheduler_without_the_dask_engine_is_refused(tmp_path):
    with pytest.raises(DetenteError, match="--engine dask"):
        api.ingest([SEED], db=tmp_path / "x.duckdb", scheduler="tcp://127.0.0.1:8786")


def test_partitions_close_on_articles_or_characters():
    from detente.io.readers import Rejected

    items = [Article(raw="x" * n) for n in (10, 10, 100, 5, 5, 5)] + [Rejected("bad.txt", "empty", "empty")]
    sizes = [[len(getattr(i, "raw", "")) for i in chunk] for chunk in engine.chunks(items, size=3, chars=50)]
    assert sizes == [[10, 10, 100], [5, 5, 5], [0]]  # the long text closes its partition; order is kept
    assert [len(c) for c in engine.chunks(items, size=2, chars=1000)] == [2, 2, 2, 1]
