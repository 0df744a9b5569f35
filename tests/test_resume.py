"""Exactly once: an ingest killed with SIGKILL mid-way and run again stores what one clean run does.

DuckDB lets no other process open a database, even read-only, while a writer holds it, so the
test cannot watch the database. It watches the progress bar instead: `detente ingest` draws one
on a terminal, and its count moves after each stored batch (one transaction). The ingest's stderr
is a pseudo-terminal; once the count shows some batches stored, the process is killed.
"""
import os
import re
import select
import signal
import subprocess
import sys
import time
import warnings

import pytest

from detente.store import Store

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal and SIGKILL")]

PUBLISHED = "2024-03-15"
COUNTRIES = ["Japan", "China", "France", "Germany", "India", "Brazil", "Canada", "Egypt", "Turkey", "Iran",
             "Poland", "Mexico", "Kenya", "Spain", "Italy", "Chile"]
ACTS = ["warned", "praised", "accused", "met", "criticized", "thanked"]
AGENCIES = ["Reuters", "AP", "AFP"]


def corpus(folder) -> int:
    """29 distinct short articles, a 30th that reports the first one's event again from another
    agency (a story that spans the kill), and one empty file (a reject). Returns the inputs
    (stored in name order: see `expand_paths`)."""
    folder.mkdir()
    for i in range(29):
        a, b = COUNTRIES[i % len(COUNTRIES)], COUNTRIES[(i * 5 + 3) % len(COUNTRIES)]
        act, agency = ACTS[i % len(ACTS)], AGENCIES[i % len(AGENCIES)]
        (folder / f"{i:02d}.txt").write_text(
            f"CAPITAL, March 14 ({agency}) - {a} {act} {b} on Thursday, officials said.\n\n"
            f"The government of {a} said on Thursday it would send a delegation to {b} next month (story {i}).\n")
    (folder / "29.txt").write_text(
        "TOKYO, March 14 (AFP) - Japan warned Turkey on Thursday, a spokesman said.\n\nNo further details were given.\n")
    (folder / "03-empty.txt").write_text("")  # early, so that the killed run has stored its reject
    return 31


def command(folder, db) -> list[str]:
    return [sys.executable, "-m", "detente.cli", "ingest", str(folder), "--db", str(db), "--batch-size", "2",
            "--published", PUBLISHED]


def killed_after(folder, db, stored: int) -> str:
    """Run the ingest with a terminal for stderr and SIGKILL it once its progress bar shows at
    least `stored` inputs stored. Returns what it printed."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(command(folder, db), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave,
                            close_fds=True)
    os.close(slave)
    seen, deadline = "", time.monotonic() + 600  # a guard against a hung child, not a timing check
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if not select.select([master], [], [], 0.5)[0]:
                continue
            try:
                seen += os.read(master, 4096).decode("utf-8", "replace")
            except OSError:  # the child closed the terminal
                break
            counts = re.findall(r"(\d+)/\d+", seen)
            if counts and int(counts[-1]) >= stored:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        if proc.poll() is None and time.monotonic() >= deadline:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)
    return seen


def snapshot(db) -> dict:
    with Store(db, read_only=True) as store:
        def rows(sql):
            return store.con.execute(sql).fetchall()

        return {
            "articles": sorted(rows("SELECT id FROM articles")),
            "events": sorted(rows("SELECT id, article_id, cameo, source_code, target_code, date, modality FROM events")),
            "stories": sorted(rows("SELECT id, cameo, date, n_mentions, n_articles, n_sources FROM stories")),
            "story_mentions": sorted(rows("SELECT story_id, event_id FROM story_mentions")),
            "rejects": sorted(rows("SELECT source, reason FROM rejects")),
        }


def stored_articles(db) -> int:
    with Store(db, read_only=True) as store:
        return store.con.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_sigkill_then_rerun_stores_everything_exactly_once(tmp_path):
    folder = tmp_path / "in"
    inputs = corpus(folder)
    clean = tmp_path / "clean.duckdb"
    subprocess.run(command(folder, clean), check=True, capture_output=True)
    expected = snapshot(clean)
    assert len(expected["articles"]) == inputs - 1 and len(expected["rejects"]) == 1
    assert any(n_articles == 2 for *_, n_articles, _ in expected["stories"])  # the story across the kill

    for attempt, stored in enumerate((6, 2, 12)):
        db = tmp_path / f"killed{attempt}.duckdb"
        killed_after(folder, db, stored)
        partial = stored_articles(db) if db.exists() else 0
        if 0 < partial < inputs - 1:
            print(f"killed after {stored} stored inputs: {partial} of {inputs - 1} articles were stored")
            break
        warnings.warn(f"the kill after {stored} stored inputs found {partial} of {inputs - 1} articles stored, "
                      "not some of them; trying another point")
    else:
        pytest.fail("no kill landed mid-way in three tries")

    done = subprocess.run(command(folder, db), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    added = re.search(r"(\d+) article\(s\) ingested, (\d+) already stored", done.stdout)
    assert added and (int(added[1]), int(added[2])) == (inputs - 1 - partial, partial), done.stdout
    after = snapshot(db)
    for table, rows in after.items():
        assert len(rows) == len(set(rows)), f"duplicates in {table}"
    assert after == expected


def test_a_second_ingest_adds_no_rejects(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Japan warned China on Thursday.\n")
    (folder / "empty.txt").write_text("")
    db = tmp_path / "t.duckdb"
    for _ in range(2):
        subprocess.run(command(folder, db), check=True, capture_output=True)
    rejects = snapshot(db)["rejects"]
    assert [source for source, _ in rejects] == [str(folder / "empty.txt")]
