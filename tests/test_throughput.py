"""Throughput (issue 6): the batch path codes exactly as the per-article path, workers store
each article once, and the progress bar keeps quiet off a terminal. No timings are asserted
here; bench/throughput.py and bench/memory.py print the figures."""
import io
import json
import os
import subprocess
import sys
from datetime import date

import pytest

from detente import pipeline
from detente.io.readers import Rejected
from detente.model import Actor, Article, Event
from detente.store import Store
from tests.conftest import SEED

TEXTS = [
    "SEOUL, June 21 (Reuters) - South Korea summoned the Russian ambassador on Friday after "
    "Vladimir Putin signed a defence pact with North Korea.\n\nJapan said it was concerned.",
    "Protesters gathered in Tbilisi, Georgia, on Monday. Police fired tear gas at them.",
    "<html><body><h1>Talks</h1><p>Israel and Hamas negotiators met in Cairo on Tuesday, Egypt said.</p></body></html>",
    "Nothing happened here.",
]


def snapshot(article: Article) -> tuple:
    return (article.id, article.title, article.published, article.published_basis, article.text, tuple(article.notes),
            [e.to_dict() for e in article.events], [m.to_dict() for m in article.mentions],
            [p.to_dict() for p in article.places], dict(article.anchors))


def articles() -> list[Article]:
    seed = Article(raw=SEED.read_text(encoding="utf-8"), published=date(2024, 6, 21), source=str(SEED))
    return [seed] + [Article(raw=t, published=date(2024, 6, 21)) for t in TEXTS]


@pytest.mark.slow
def test_batch_path_codes_as_the_single_path():
    single = [snapshot(pipeline.run(a)) for a in articles()]
    assert single[0][6], "the seed article has events"
    for size in (1, 2, 16):
        assert [snapshot(a) for a in pipeline.process_stream(articles(), batch_size=size)] == single


@pytest.mark.slow
def test_batch_until_stops_like_run():
    single = [pipeline.run(a, until="actors") for a in articles()[1:3]]
    batched = pipeline.run_batch(articles()[1:3], until="actors")
    assert [[m.to_dict() for m in a.mentions] for a in batched] == [[m.to_dict() for m in a.mentions] for a in single]
    assert all(not a.events for a in batched)


def test_rejects_pass_through_in_place():
    items = [Rejected("a.txt", "empty"), Rejected("b.jsonl:3", "not JSON")]
    assert pipeline.run_batch(items) == items
    assert list(pipeline.process_stream(iter(items), batch_size=1)) == items
    with pytest.raises(ValueError, match="unknown stage"):
        pipeline.run_batch(items, until="nope")


def _event(article_id: str, n: int) -> Event:
    return Event(id=f"{article_id}-{n}", article_id=article_id, source=Actor("Russia", 0, 6, "RUS"), target=None,
                 cameo="010", cameo_name="Make statement", goldstein=0.0, quad_class=1, plover=None, plover_mode=None,
                 modality="asserted", trigger="said", trigger_span=(7, 11), sentence="Russia said.", evidence=(0, 12),
                 confidence=0.5)


def _article(text: str) -> Article:
    article = Article(raw=text, text=text, id=f"id-{text}", published=date(2024, 6, 21), notes=["a note"])
    article.events = [_event(article.id, n) for n in range(2)]
    return article


def test_store_writes_a_batch_once(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        first = store.add_articles([_article("a"), _article("b"), _article("a")], [("bad.txt", "is empty")])
        assert [(r.article_id, r.new, r.events) for r in first] == [("id-a", True, 2), ("id-b", True, 2), ("id-a", False, 0)]
        again = store.add_articles([_article("b"), _article("c")])
        assert [r.new for r in again] == [False, True]
        assert store.counts() == {"articles": 3, "events": 6, "rejects": 1}
        assert store.article("id-a")["notes"] == ["a note"] and str(store.article("id-a")["published"]) == "2024-06-21"
        assert store.add_articles([]) == []


def test_progress_bar_is_quiet_off_a_terminal(capsys):
    from detente.cli import progress_bar

    with progress_bar(label="coding", length=3) as bar:
        bar.update(2)
        bar.update(1)
    with progress_bar([1, 2, 3], "coding") as bar:
        assert list(bar) == [1, 2, 3]
    assert capsys.readouterr().err == ""


def test_progress_bar_shows_rate_and_eta_on_a_terminal(monkeypatch):
    from detente import cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    ticks = iter(range(100))
    with cli.progress_bar(label="coding", length=10) as bar:
        bar.clock = lambda: float(next(ticks))
        for _ in range(3):
            bar.update(2)
    shown = screen.getvalue()
    assert "4/10" in shown and "2.0 articles/s" in shown and "ETA 0:00:03" in shown


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "dup.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")  # the same article again
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    records = [json.dumps({"id": f"r{i}", "date": "2024-06-21", "text": t}) for i, t in enumerate(TEXTS)]
    records.insert(2, "not json")
    (folder / "records.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    return folder


def _stored(db) -> tuple:
    with Store(db, read_only=True) as store:
        ids = [r[0] for r in store.con.execute("SELECT id FROM articles ORDER BY id").fetchall()]
        events = sorted(e.id for e in store.events())
        rejects = sorted(r[0] for r in store.con.execute("SELECT source FROM rejects").fetchall())
    return ids, events, rejects


@pytest.mark.slow
def test_workers_store_each_article_once(corpus, tmp_path):
    from detente.api import ingest

    one = ingest([corpus], db=tmp_path / "one.duckdb", published="2024-06-21", batch_size=2)
    two = ingest([corpus], db=tmp_path / "two.duckdb", published="2024-06-21", batch_size=2, workers=2)
    assert [(r.article_id, r.new, r.events) for r in two.results] == [(r.article_id, r.new, r.events) for r in one.results]
    assert two.rejected == one.rejected and len(two.rejected) == 3
    assert (two.added, two.duplicates) == (1 + len(TEXTS), 1)
    ids, events, rejects = _stored(tmp_path / "two.duckdb")
    assert len(ids) == len(set(ids)) == 1 + len(TEXTS)
    assert (ids, events, rejects) == _stored(tmp_path / "one.duckdb")


@pytest.mark.slow
def test_cli_workers_with_spawn(corpus, tmp_path):
    db = tmp_path / "spawn.duckdb"
    env = {**os.environ, "DETENTE_START_METHOD": "spawn"}
    proc = subprocess.run([sys.executable, "-m", "detente.cli", "ingest", str(corpus), "--db", str(db), "--workers", "2",
                           "--batch-size", "2", "--published", "2024-06-21"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"{1 + len(TEXTS)} article(s) ingested, 1 already stored, 3 rejected" in proc.stdout
    assert proc.stderr.count("rejected:") == 3 and "Traceback" not in proc.stderr
    ids, events, rejects = _stored(db)
    assert len(ids) == len(set(ids)) == 1 + len(TEXTS) and events
