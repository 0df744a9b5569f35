"""Story events: which mentions merge into one event, the stored tables, and the commands."""
import json
import random
from datetime import date

import duckdb
import pytest
from click.testing import CliRunner

from detente.analysis.stories import Mention, cluster, publisher, story_id
from detente.cli import main
from detente.model import Actor, Event
from detente.store import Store


def mention(id, article="a1", src="RUS", tgt="UKR", cameo="195", plover="ASSAULT", modality="asserted",
            day="2024-06-20", precision="day", publisher=None, src_code=None, tgt_code=None, origin="detente"):
    return Mention(id=id, article_id=article, origin=origin, source_country=src, source_code=src_code or src,
                   target_country=tgt, target_code=tgt_code or tgt, cameo=cameo, cameo_name="", plover=plover,
                   quad_class=4, goldstein=-10.0, modality=modality,
                   date=date.fromisoformat(day) if day else None, date_precision=precision if day else None,
                   publisher=publisher)


def partition(mentions) -> list[set[str]]:
    return sorted(({m.id for m in s.mentions} for s in cluster(mentions)), key=sorted)


CASES = [
    ("two articles, same strike, same day", [
        mention("a", "reuters"), mention("b", "ap")], [{"a", "b"}]),
    ("an aerial attack and a killing are one ASSAULT", [
        mention("a", cameo="195"), mention("b", cameo="1823")], [{"a", "b"}]),
    ("a threat and an attack are not one event", [
        mention("a", cameo="130", plover="THREATEN"), mention("b", "ap", cameo="190")], [{"a"}, {"b"}]),
    ("three days apart", [
        mention("a", day="2024-06-20"), mention("b", "ap", day="2024-06-23")], [{"a"}, {"b"}]),
    ("one day apart (a publication-dated report)", [
        mention("a", day="2024-06-20"), mention("b", "ap", day="2024-06-21")], [{"a", "b"}]),
    ("denied and asserted", [
        mention("a"), mention("b", "ap", modality="negated")], [{"a"}, {"b"}]),
    ("month precision matches its days", [
        mention("a", day="2024-06-20"), mention("b", "ap", day="2024-06-01", precision="month")], [{"a", "b"}]),
    ("month precision does not match another month", [
        mention("a", day="2024-06-20"), mention("b", "ap", day="2024-07-01", precision="month")], [{"a"}, {"b"}]),
    ("week precision matches a day of its week", [
        mention("a", day="2024-06-20"), mention("b", "ap", day="2024-06-17", precision="week")], [{"a", "b"}]),
    ("month mentions of one month with no day story are one", [
        mention("a", day="2024-06-01", precision="month"), mention("b", "ap", day="2024-06-01", precision="month")],
     [{"a", "b"}]),
    ("direction counts", [
        mention("a"), mention("b", "ap", src="UKR", tgt="RUS")], [{"a"}, {"b"}]),
    ("sectors differ between reports of one strike", [
        mention("a", src_code="RUS", tgt_code="UKRGOV"), mention("b", "ap", src_code="RUSMIL", tgt_code="UKRCVL")],
     [{"a", "b"}]),
    ("a domestic dyad is told apart by sector", [
        mention("a", src="USA", tgt="USA", src_code="USACOP", tgt_code="USACVL", cameo="173", plover="COERCE"),
        mention("b", "ap", src="USA", tgt="USA", src_code="USAMIL", tgt_code="USACVL", cameo="173", plover="COERCE")],
     [{"a"}, {"b"}]),
    ("a daily series is one story a day, not one chain", [
        mention("a", day="2024-06-20"), mention("b", "ap", day="2024-06-21"), mention("c", "afp", day="2024-06-22")],
     [{"a", "b"}, {"c"}]),
    ("a repeated sentence in one article", [
        mention("a"), mention("b")], [{"a", "b"}]),
    ("undated mentions merge only within their article", [
        mention("a", day=None), mention("b", day=None), mention("c", "ap", day=None)], [{"a", "b"}, {"c"}]),
    ("an undated mention never joins a dated story", [
        mention("a"), mention("b", "ap", day=None)], [{"a"}, {"b"}]),
    ("datasets do not mix", [
        mention("a"), mention("b", "icews:1", origin="icews")], [{"a"}, {"b"}]),
    ("statements (no PLOVER type) by CAMEO root", [
        mention("a", cameo="010", plover=None), mention("b", "ap", cameo="012", plover=None),
        mention("c", "afp", cameo="020", plover="REQUEST")], [{"a", "b"}, {"c"}]),
    ("no target matches no target only", [
        mention("a", tgt=None, cameo="150", plover="MOBILIZE"), mention("b", "ap", tgt=None, cameo="152", plover="MOBILIZE"),
        mention("c", "afp", cameo="150", plover="MOBILIZE")], [{"a", "b"}, {"c"}]),
]


@pytest.mark.parametrize("label, mentions, expected", CASES, ids=[c[0] for c in CASES])
def test_same_event(label, mentions, expected):
    assert partition(mentions) == sorted(expected, key=sorted)


def test_a_coarse_mention_joins_the_most_reported_story():
    mentions = [mention("a", "r1", day="2024-06-03"), mention("b", "r2", day="2024-06-20"),
                mention("c", "r3", day="2024-06-20"), mention("d", "r4", day="2024-06-01", precision="month")]
    assert partition(mentions) == [{"a"}, {"b", "c", "d"}]


def test_story_fields_and_stable_ids():
    mentions = [mention("m3", "ap", day="2024-06-21", publisher="ap", cameo="190", tgt_code="UKRCVL"),
                mention("m1", "reuters", publisher="reuters", cameo="195", tgt_code="UKRGOV"),
                mention("m2", "reuters", publisher="reuters", cameo="1823", tgt_code="UKRGOV"),
                mention("m4", "local", publisher=None, cameo="195")]
    stories = cluster(mentions)
    assert len(stories) == 1
    s = stories[0]
    assert (s.date, s.date_precision, s.cameo, s.target_code) == (date(2024, 6, 20), "day", "195", "UKRGOV")
    assert (s.n_mentions, s.n_articles, s.n_sources) == (4, 3, 3)  # ap, reuters, and the unknown one
    assert s.id == story_id("m1")  # the earliest mention founds it
    for _ in range(5):
        random.shuffle(mentions)
        assert [(x.id, {m.id for m in x.mentions}) for x in cluster(mentions)] == [(s.id, {m.id for m in s.mentions})]


@pytest.mark.parametrize("args, expected", [
    (("https://www.reuters.com/world/europe/x", None, None), "reuters.com"),
    (("https://en.wikinews.org//wiki/X", "Friday, January 4, 2019\n\nText.", None), "en.wikinews.org"),
    (("/tmp/a.txt", "KYIV, June 20 (Reuters) - Russia launched missiles.", None), "reuters"),
    (("/tmp/a.txt", "KHARKIV, Ukraine (AP) — Russian forces fired.", None), "ap"),
    (("/tmp/a.txt", "Russia launched missiles at Kharkiv.", None), None),
    ((None, None, "Xinhua News Agency"), "xinhua news agency"),
    ((None, None, "http://www.example.com/story.html"), "example.com"),
])
def test_publisher(args, expected):
    assert publisher(*args) == expected


# -- the store ------------------------------------------------------------------------------------

def event(id, article="art1", source=("RUS", None), target=("UKR", "GOV"), cameo="195", plover="ASSAULT",
          modality="asserted", day="2024-06-20"):
    return Event(id=id, article_id=article, source=Actor("Russia", 0, 6, *source), target=Actor("Kharkiv", 20, 27, *target),
                 cameo=cameo, cameo_name="", goldstein=-10.0, quad_class=4, plover=plover, plover_mode=None,
                 modality=modality, trigger="launched", trigger_span=(7, 15), sentence="Russia launched missiles at Kharkiv.",
                 evidence=(0, 36), confidence=0.8, date=day, date_basis="relative", date_precision="day")


def story_rows(store):
    return store.con.execute("SELECT id, n_mentions, n_articles FROM stories ORDER BY id").fetchall()


def links(store):
    return sorted(store.con.execute("SELECT story_id, event_id FROM story_mentions").fetchall())


def test_store_updates_stories_on_commit_and_keeps_ids(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.con.execute("BEGIN TRANSACTION")
        store.add_events([event("e1"), event("e2", cameo="130", plover="THREATEN")])
        store.commit(["e1", "e2"])
        first = {r[0] for r in story_rows(store)}
        assert len(first) == 2
        store.con.execute("BEGIN TRANSACTION")
        store.add_events([event("e3", article="art2", day="2024-06-21", source=("RUS", "MIL"))])
        store.commit(["e3"])
        assert {r[0] for r in story_rows(store)} == first  # the later report joined; its id kept
        assert (story_id("e1"), 2, 2) in story_rows(store)
        before = (story_rows(store), links(store))
        store.con.execute("BEGIN TRANSACTION")
        store.update_stories(rebuild=True)
        store.con.execute("COMMIT")
        assert (story_rows(store), links(store)) == before
        assert store.con.execute("SELECT count(*), count(DISTINCT event_id) FROM story_mentions").fetchone() == (3, 3)


def test_dyads_count_stories_or_mentions(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.add_events([event("e1"), event("e2", article="art2"), event("e3", article="art3", day="2024-06-25")])
        store.con.execute("BEGIN TRANSACTION")
        store.commit()
        mentions, stories = store.dyads(), store.dyads(count="stories")
    assert (mentions[0]["source"], mentions[0]["target"], mentions[0]["events"]) == ("RUS", "UKR", 3)
    assert (stories[0]["source"], stories[0]["target"], stories[0]["events"]) == ("RUS", "UKR", 2)


@pytest.mark.parametrize("before", ["made before story events", "written without Store.commit"])
def test_stories_behind_the_events_catch_up(tmp_path, before):
    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.add_events([event("e1"), event("e2", article="art2")])  # autocommitted: no stories yet
    if before == "made before story events":
        con = duckdb.connect(str(db))
        con.execute("DROP TABLE story_mentions")
        con.execute("DROP TABLE stories")
        con.close()
    from detente import api

    found = api.stories(db)  # read-only at first: it opens for writing once to build them
    assert [(s["n_mentions"], s["n_articles"], sorted(s["mention_ids"])) for s in found] == [(2, 2, ["e1", "e2"])]


def test_imported_events_cluster_within_their_dataset(tmp_path, shared):
    from detente.io.interchange import import_files

    sample = shared / "data" / "events" / "icews-sample" / "events.2018.sample.tab"
    if not sample.exists():
        pytest.skip(f"ICEWS sample not found at {sample}")
    db = tmp_path / "icews.duckdb"
    import_files([sample], "icews", db=db)
    import_files([sample], "icews", db=db)  # again: nothing changes
    with Store(db, read_only=True) as store:
        events, stories, mentions, linked, sourced = store.con.execute(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM stories), (SELECT sum(n_mentions) FROM stories), "
            "(SELECT count(DISTINCT event_id) FROM story_mentions), (SELECT count(*) FROM stories WHERE n_sources > 1)"
        ).fetchone()
    assert events == mentions == linked == 3705
    assert 1000 < stories < events and sourced > 100  # ICEWS codes one event once per report


# -- end to end -----------------------------------------------------------------------------------

REUTERS = """KYIV, June 20 (Reuters) - Russia launched missiles at Kharkiv on Thursday, killing three people and damaging a power station, Ukrainian officials said.

The regional governor said air defences shot down several of the missiles.
"""
AP = """KHARKIV, Ukraine (AP) — Russian forces fired missiles at the city of Kharkiv on Thursday, local authorities said.

Residents spent the night in shelters.
"""


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.slow
def test_two_reports_of_one_strike_are_one_story(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "reuters.txt").write_text(REUTERS)
    (tmp_path / "in" / "ap.txt").write_text(AP)
    db = tmp_path / "t.duckdb"
    run("ingest", tmp_path / "in", "--db", db, "--published", "2024-06-21")

    found = [json.loads(line) for line in run("stories", "--db", db, "--actor", "RUS", "--format", "jsonl").splitlines()]
    strikes = [s for s in found if s["plover"] == "ASSAULT" and s["target_country"] == "UKR"]
    assert len(strikes) == 1
    strike = strikes[0]
    assert (strike["date"], strike["modality"], strike["n_articles"], strike["n_sources"]) == ("2024-06-20", "asserted", 2, 2)
    with Store(db, read_only=True) as store:
        events = store.events(actor="RUS")
    assert {e.id for e in events if e.plover == "ASSAULT"} == set(strike["mention_ids"])
    assert len({e.article_id for e in events if e.id in strike["mention_ids"]}) == 2

    shown = run("story", strike["id"][:8], "--db", db)
    assert "source reuters" in shown and "source ap" in shown and "<<launched>>" in shown and "<<fired>>" in shown
    assert run("explain", strike["id"], "--db", db) == shown
    assert run("stories", "--db", db, "--min-articles", "2", "--format", "jsonl").count("\n") == 1

    def rus_ukr(counted):
        rows = json.loads("[" + ",".join(run("dyads", "--db", db, "--count", counted, "--format", "jsonl").splitlines()) + "]")
        return next(r["events"] for r in rows if (r["source"], r["target"]) == ("RUS", "UKR"))

    assert rus_ukr("stories") == 1
    assert rus_ukr("mentions") == len([e for e in events if e.target and e.target.country == "UKR" and e.modality == "asserted"]) >= 3


def test_story_commands_say_what_to_do(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.add_events([event("e1")])
    result = CliRunner().invoke(main, ["story", "ffff", "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2 and "'ffff'" in result.output and "detente stories" in result.output
    result = CliRunner().invoke(main, ["stories", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "detente ingest" in result.output
    for command in ("stories", "story"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output
