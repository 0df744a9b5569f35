"""The CLI: working commands, and one clean line (no traceback) for each kind of bad input."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from detente.cli import main
from tests.conftest import ROOT, SEED


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.output


@pytest.fixture()
def bad_files(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.txt").write_text("   \n\n ")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Le président a visité Séoul.".encode("latin-1"))
    return tmp_path


@pytest.mark.parametrize("name, message", [
    ("missing.txt", "no such file"),
    ("empty.txt", "is empty"),
    ("blank.txt", "is empty"),
    ("binary.bin", "binary"),
    ("latin1.txt", "not UTF-8"),
])
def test_bad_files_get_one_clear_line(bad_files, name, message):
    path = str(bad_files / name)
    code, out = run("extract", path)
    assert code != 0
    assert message in out and path in out
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1


def test_bad_published_date():
    code, out = run("extract", str(SEED), "--published", "21/06/2024")
    assert code != 0 and "'21/06/2024' is not a date" in out and "YYYY-MM-DD" in out
    assert "Traceback" not in out


def test_missing_database(tmp_path):
    code, out = run("events", "--db", str(tmp_path / "none.duckdb"))
    assert code != 0 and "detente ingest" in out


def test_every_command_has_help_with_example():
    for command in ("extract", "ingest", "events", "explain", "dyads"):
        code, out = run(command, "--help")
        assert code == 0 and "Example" in out


def test_binary_via_subprocess_has_no_traceback(bad_files):
    proc = subprocess.run([sys.executable, "-m", "detente.cli", "extract", str(bad_files / "binary.bin")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.startswith("error:") and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_extract_jsonl_contract():
    code, out = run("extract", str(SEED), "--published", "2024-06-21", "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    required = {"id", "article_id", "date", "date_basis", "source", "target", "cameo", "goldstein", "quad_class",
                "plover", "modality", "trigger", "sentence", "evidence", "location", "confidence"}
    assert records and all(required <= set(r) for r in records)
    assert all({"text", "name", "country", "sector", "code"} <= set(r["source"]) for r in records)


@pytest.mark.slow
def test_extract_text_and_stdin():
    code, out = run("extract", "--text", "Russia warned Japan on Monday.", "--published", "2024-06-21", "--format", "csv")
    assert code == 0 and "130" in out and "2024-06-17" in out
    code, out = run("extract", "-", "--published", "2024-06-21", "--format", "jsonl", input="Russia warned Japan.")
    assert code == 0 and json.loads(out.splitlines()[0])["target"]["country"] == "JPN"


@pytest.mark.slow
def test_ingest_events_explain(tmp_path):
    db = str(tmp_path / "d.duckdb")
    code, out = run("ingest", str(SEED.parent), "--db", db, "--published", "2024-06-21")
    assert code == 0 and "1 article(s) ingested" in out
    code, out = run("ingest", str(SEED), "--db", db, "--published", "2024-06-21")
    assert "0 article(s) ingested, 1 already stored" in out
    code, out = run("events", "--db", db, "--actor", "RUS", "--since", "2024-06-20", "--format", "jsonl")
    events = [json.loads(line) for line in out.splitlines()]
    assert events and all("RUS" in (e["source"]["country"], (e["target"] or {}).get("country")) for e in events)
    code, out = run("explain", events[0]["id"][:10], "--db", db)
    assert code == 0 and "why:" in out and "[" in out and "<<" in out
    code, out = run("dyads", "--db", db)
    assert code == 0 and "RUS" in out
    code, out = run("explain", "nope", "--db", db)
    assert code != 0 and "no event 'nope'" in out


@pytest.mark.slow
def test_actors_command_table_and_jsonl():
    code, out = run("actors", "--text", "North Korean troops crossed into South Korea.", "--format", "jsonl")
    assert code == 0
    mentions = [json.loads(line) for line in out.splitlines()]
    assert {"text", "start", "end", "name", "country", "sector", "code", "confidence", "basis"} <= set(mentions[0])
    assert mentions[0]["code"] == "PRKMIL"
    code, out = run("actors", str(SEED), "--date", "2024-06-21")
    assert code == 0 and "Vladimir Putin" in out and "leaders.tsv" in out


@pytest.mark.slow
def test_actors_stdin_thousand_lines_in_one_process():
    lines = [json.dumps({"id": f"n{i}", "text": "Seoul summoned the Russian ambassador.", "date": "2024-06-21"})
             for i in range(1000)]
    lines.insert(500, "not json")
    proc = subprocess.run([sys.executable, "-m", "detente.cli", "actors", "-"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 1001
    assert records[0]["id"] == "n0" and [m["code"] for m in records[0]["mentions"]] == ["KORGOV", "RUSGOV"]
    assert records[500] == {"line": 501, "error": "line 501 is not JSON (Expecting value): 'not json'"}


@pytest.mark.slow
def test_eval_command(shared):
    code, out = run("eval", "actors", "--shared", str(shared), "--format", "json", "--check", str(ROOT / "eval" / "floors.json"))
    assert code == 0, out
    scores = {s["key"]: s["value"] for s in json.loads(out)["scores"]}
    assert "ngec.country_accuracy" in scores and "plover_gsr_actors.country_f1" in scores


def test_eval_without_gold_data_says_where_to_point(tmp_path):
    code, out = run("eval", "--shared", str(tmp_path))
    assert code != 0 and "no gold data" in out and "--shared" in out
