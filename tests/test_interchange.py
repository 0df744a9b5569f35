"""Interchange: ICEWS, GDELT and PLOVER/POLECAT events in, and GDELT, ICEWS, PLOVER, Parquet and
CSV out; exactly-once re-imports, rejects with reasons, round trips, the `origin` migration."""
import csv
import json

import duckdb
import pytest
from click.testing import CliRunner

from detente.cli import main
from detente.io import interchange
from detente.io.interchange import GDELT_COLUMNS, country_code, export_events, icews_sector, import_files
from detente.store import SCHEMA, Store
from tests.conftest import ROOT
from tests.test_store import make_event

DATA = ROOT / "tests" / "data"
GDELT = DATA / "gdelt_events.export.tsv"
POLECAT = DATA / "polecat_events.jsonl"
ICEWS_NAME = "data/events/icews-sample/events.2018.sample.tab"
# what analysis compares across origins
KEY = ("date", "source_country", "source_sector", "target_country", "target_sector", "cameo", "goldstein",
       "quad_class", "plover", "location_country", "location_lat", "location_lon")


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def rows(db, columns=KEY, where=""):
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(con.execute(f"SELECT {', '.join(columns)} FROM events {where}").fetchall(), key=repr)


@pytest.fixture(scope="module")
def icews_file(shared):
    path = shared / ICEWS_NAME
    if not path.exists():
        pytest.skip(f"the ICEWS sample is not at {path}")
    return path


@pytest.fixture(scope="module")
def icews_db(icews_file, tmp_path_factory):
    db = tmp_path_factory.mktemp("icews") / "icews.duckdb"
    summary = import_files([icews_file], "icews", db=db)
    return db, summary


# -- knowledge ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, code", [
    ("Russian Federation", "RUS"), ("United States", "USA"), ("Moldova, Republic of", "MDA"),
    ("the former Yugoslav Republic of Macedonia", "MKD"), ("Occupied Palestinian Territory", "PSE"),
    ("Cote d'Ivoire", "CIV"), ("usa", "USA"), ("KR", "KOR"), ("NA", None), ("", None), ("Atlantis", None),
])
def test_country_names(name, code):
    assert country_code(name) == code


@pytest.mark.parametrize("sectors, sector", [
    ("Military,Government", "MIL"), ("Executive,Foreign Ministry,Government", "GOV"), ("Police,Government", "COP"),
    ("Judicial,Government", "JUD"), ("Legislative / Parliamentary,Government", "LEG"),
    ("Parties,(National) Major Party,Opposition Major Party (Out Of Government)", "OPP"),
    ("General Population / Civilian / Social,Social", "CVL"), ("Protestors / Popular Opposition / Mobs", "OPP"),
    ("International Government Organization,Regional Diplomatic IGOs,Regional", "IGO"),
    ("Elite", None), ("NA", None), ("GOV", "GOV"),
])
def test_icews_sectors(sectors, sector):
    assert icews_sector(sectors) == sector


# -- ICEWS sample --------------------------------------------------------------------------------

def test_icews_sample_import(icews_file, icews_db):
    db, summary = icews_db
    with open(icews_file, encoding="utf-8") as handle:
        data_lines = [line for line in handle.read().splitlines()[1:] if line.strip()]
    assert summary.read == len(data_lines)
    assert summary.imported == len(data_lines) - len(summary.rejected)
    assert summary.imported > 3000 and summary.present == 0
    with Store(db, read_only=True) as store:
        assert store.counts()["events"] == summary.imported
        assert store.con.execute("SELECT count(*) FROM rejects").fetchone()[0] == len(summary.rejected)
        assert {e.origin for e in store.events(limit=50)} == {"icews"}


def test_icews_fields_read_from_the_row(icews_file, icews_db):
    """The first data row, read here with csv, against what the store holds for it."""
    db, _ = icews_db
    with open(icews_file, encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    with Store(db, read_only=True) as store:
        event = store.event(interchange.event_id("icews", row["Event ID"]))
    assert event is not None and event.origin == "icews" and event.origin_id == row["Event ID"]
    assert event.date == row["Event Date"] and event.cameo == row["CAMEO Code"]
    assert event.goldstein == float(row["Intensity"])
    assert event.source.country == country_code(row["Source Country"])
    assert event.target.country == country_code(row["Target Country"])
    assert event.source.sector == icews_sector(row["Source Sectors"])
    assert event.source.name == row["Source Name"]
    assert event.article_id == f"icews:{row['Story ID']}"
    assert event.location.lat == float(row["Latitude"]) and event.location.lon == float(row["Longitude"])
    assert event.modality == "asserted" and event.quad_class in (1, 2, 3, 4)
    assert any(row["Sentence Number"] in reason for reason in event.rationale)


def test_icews_reimport_is_a_no_op(icews_file, icews_db):
    db, first = icews_db
    before = rows(db, ("id",) + KEY)
    again = import_files([icews_file], "icews", db=db)
    assert (again.imported, again.present) == (0, first.imported)
    assert rows(db, ("id",) + KEY) == before
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM rejects").fetchone()[0] == len(first.rejected)


def test_icews_export_gives_the_file_back(icews_file, icews_db, tmp_path):
    db, summary = icews_db
    out = tmp_path / "out.tsv"
    assert export_events(db, "icews", output=out) == summary.imported
    original = icews_file.read_text(encoding="utf-8").splitlines()
    written = out.read_text(encoding="utf-8").splitlines()
    assert written[0] == original[0]
    if not summary.rejected:
        assert sorted(written[1:]) == sorted(line for line in original[1:] if line.strip())


@pytest.mark.parametrize("fmt, columns", [
    ("icews", KEY + ("article_id",)),
    ("gdelt", KEY),  # GDELT has no story id
    ("plover", KEY + ("article_id", "plover_mode")),
])
def test_icews_round_trip(icews_db, tmp_path, fmt, columns):
    db, _ = icews_db
    out, again = tmp_path / f"events.{fmt}", tmp_path / "again.duckdb"
    export_events(db, fmt, output=out)
    summary = import_files([out], fmt, db=again)
    assert summary.rejected == []
    assert rows(again, columns) == rows(db, columns)


def test_plover_export_read_back_into_its_store_adds_nothing(icews_db, tmp_path):
    db, summary = icews_db
    out = tmp_path / "events.jsonl"
    export_events(db, "plover", output=out)
    again = import_files([out], "plover", db=db)
    assert (again.imported, again.present) == (0, summary.imported)


def test_commands_work_on_imported_events(icews_db):
    db, summary = icews_db
    code, out = run("events", "--db", db, "--origin", "icews", "--actor", "PRK", "--limit", "3", "--format", "jsonl")
    assert code == 0, out
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 3 and all(r["origin"] == "icews" for r in records)
    assert all("PRK" in (r["source"]["code"] or "") + ((r["target"] or {}).get("code") or "") for r in records)
    code, out = run("events", "--db", db, "--origin", "detente")
    assert code == 0 and len(out.splitlines()) == 2  # the header and its rule: no detente events
    code, out = run("dyads", "--db", db, "--top", "3", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 3
    assert json.loads(out.splitlines()[0])["events"] > 10
    code, out = run("explain", records[0]["id"][:10], "--db", db)
    assert code == 0, out
    assert "imported from ICEWS" in out and records[0]["origin_id"] in out and "Traceback" not in out
    assert "CAMEO " + records[0]["cameo"] in out and "ICEWS gives none" in out


# -- GDELT fixture --------------------------------------------------------------------------------

def test_gdelt_columns_follow_the_codebook():
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:2] == ("GLOBALEVENTID", "SQLDATE") and GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")
    assert GDELT_COLUMNS[26] == "EventCode" and GDELT_COLUMNS[30] == "GoldsteinScale"
    assert GDELT_COLUMNS[51:59] == tuple(f"ActionGeo_{c}" for c in
                                         ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"))


GDELT_EXPECTED = [
    # GLOBALEVENTID, date, source code, target code, cameo, goldstein, quad, plover, place, place country, lat
    ("1180000001", "2024-06-20", "RUSGOV", "KOR", "130", -4.4, 3, "THREATEN", "Moscow, Moskva, Russia", "RUS", 55.7522),
    ("1180000002", "2024-06-21", None, "UKR", "145", -7.0, 4, "PROTEST", "Kharkiv, Kharkivs'ka Oblast', Ukraine", "UKR", 49.9808),
    ("1180000003", "2024-06-21", "UNOIGO", None, "0233", 3.4, 1, "REQUEST", "Ethiopia", "ETH", 8.0),
]


@pytest.fixture()
def gdelt_db(tmp_path):
    db = tmp_path / "gdelt.duckdb"
    return db, import_files([GDELT], "gdelt", db=db)


def test_gdelt_fixture(gdelt_db):
    db, summary = gdelt_db
    assert (summary.read, summary.imported, summary.present, len(summary.rejected)) == (7, 3, 1, 3)
    with Store(db, read_only=True) as store:
        for gid, day, source, target, cameo, goldstein, quad, plover, place, country, lat in GDELT_EXPECTED:
            event = store.event(interchange.event_id("gdelt", gid))
            got = (event.origin_id, event.date, event.source.code, event.target and event.target.code, event.cameo,
                   event.goldstein, event.quad_class, event.plover, event.location.name, event.location.country,
                   event.location.lat)
            assert got == (gid, day, source, target, cameo, goldstein, quad, plover, place, country, lat)
        africa = store.event(interchange.event_id("gdelt", "1180000003")).target  # AFR is a region, no country
        assert (africa.name, africa.country, africa.code) == ("AFRICA", None, None)


def test_gdelt_rejects_quote_the_line(gdelt_db):
    db, summary = gdelt_db
    reasons = dict(summary.rejected)
    assert set(reasons) == {f"{GDELT}:4", f"{GDELT}:5", f"{GDELT}:6"}
    assert "CAMEO code '999'" in reasons[f"{GDELT}:4"] and "1180000004" in reasons[f"{GDELT}:4"]
    assert "SQLDATE '2024-13-45' is not a date" in reasons[f"{GDELT}:5"]
    assert "57 tab-separated fields" in reasons[f"{GDELT}:6"] and "61" in reasons[f"{GDELT}:6"]
    kinds = {source: kind for (source, _), kind in zip(summary.rejected, summary.rejected_kinds, strict=True)}
    assert kinds == {f"{GDELT}:4": "invalid_record", f"{GDELT}:5": "invalid_date", f"{GDELT}:6": "invalid_record"}
    assert summary.by_kind == {"invalid_record": 2, "invalid_date": 1}
    with Store(db, read_only=True) as store:
        stored = store.con.execute("SELECT source, reason, kind FROM rejects ORDER BY source").fetchall()
    assert stored == sorted((*reject, kind) for reject, kind in zip(summary.rejected, summary.rejected_kinds))


def test_gdelt_export_keeps_its_own_rows(gdelt_db, tmp_path):
    db, _ = gdelt_db
    out = tmp_path / "out.tsv"
    assert export_events(db, "gdelt", output=out) == 3
    lines = out.read_text(encoding="utf-8").splitlines()
    fixture = GDELT.read_text(encoding="utf-8").splitlines()
    assert all(len(line.split("\t")) == 61 for line in lines)
    assert sorted(lines) == sorted(fixture[:3])


# -- PLOVER / POLECAT fixture --------------------------------------------------------------------

PLOVER_EXPECTED = [
    # id, date, source code, target code, plover, mode, quad, place, article, has text
    ("pc-0001", "2024-06-21", "KORGOV", "RUS", "ACCUSE", None, 3, "Seoul", "plover:story-17", True),
    ("pc-0002", "2024-06-20", "RUSMIL", "UKR", "ASSAULT", "aerial", 4, None, "plover:story-18", False),
    ("pc-0003", "2024-06-19", "UNOIGO", "SDN", "REQUEST", None, None, None, None, False),  # REQUEST spans quads 1 and 3
    ("pc-0006", None, None, "FRA", "AGREE", None, 1, None, None, False),
]


@pytest.mark.parametrize("layout", ["jsonl", "array"])
def test_plover_fixture(tmp_path, layout):
    path = POLECAT
    if layout == "array":  # the same records as one JSON array
        records = []
        for line in POLECAT.read_text(encoding="utf-8").splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        path = tmp_path / "polecat.json"
        path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    db = tmp_path / "plover.duckdb"
    summary = import_files([path], "plover", db=db)
    assert (summary.imported, summary.present) == (4, 1)
    assert len(summary.rejected) == (4 if layout == "jsonl" else 3)  # a line that is not JSON has no record
    assert summary.unknown_countries == {"Atlantis": 1}
    reasons = " | ".join(r for _, r in summary.rejected)
    assert "'PRAISE' is not a PLOVER type" in reasons and "'19 June' is not a date" in reasons
    assert "is not a JSON object" in reasons
    kinds = {"invalid_record": 1, "invalid_date": 1, "malformed_json": 2 if layout == "jsonl" else 1}
    assert summary.by_kind == kinds
    with Store(db, read_only=True) as store:
        for pid, day, source, target, plover, mode, quad, place, article, text in PLOVER_EXPECTED:
            event = store.event(interchange.event_id("plover", pid))
            got = (event.date, event.source.code, event.target and event.target.code, event.plover, event.plover_mode,
                   event.quad_class, event.location and event.location.name, event.article_id, bool(event.sentence))
            assert got == (day, source, target, plover, mode, quad, place, article, text), pid
            assert event.cameo is None and event.goldstein is None  # no CAMEO code is claimed for a PLOVER type
        seoul = store.event(interchange.event_id("plover", "pc-0001")).location
        assert (seoul.country, seoul.geonameid, seoul.lat) == ("KOR", 1835848, 37.566)


# -- detente's own events ----------------------------------------------------------------------

@pytest.fixture()
def coded_db(tmp_path):
    db = tmp_path / "coded.duckdb"
    with Store(db) as store:
        store.add_events([make_event(), make_event(id="e2", target=None, location=None, date="2024-05-01",
                                                   modality="negated", cameo="190", cameo_name="Use conventional military force",
                                                   goldstein=-10.0, quad_class=4, plover="ASSAULT")])
    return db


@pytest.mark.parametrize("fmt, columns", [
    ("plover", KEY + ("modality", "article_id", "source_name", "sentence")),
    ("icews", KEY),
    ("gdelt", KEY),
])
def test_coded_events_round_trip(coded_db, tmp_path, fmt, columns):
    out, again = tmp_path / f"out.{fmt}", tmp_path / "again.duckdb"
    assert export_events(coded_db, fmt, output=out) == 2
    summary = import_files([out], fmt, db=again)
    assert summary.rejected == [] and summary.imported == 2
    if fmt == "icews":  # ICEWS and GDELT code only what happened, so the negated event comes back asserted
        columns = tuple(c for c in columns if c != "modality")
    assert rows(again, columns) == rows(coded_db, columns)


def test_coded_events_come_back_with_their_ids_through_plover(coded_db, tmp_path):
    out = tmp_path / "out.jsonl"
    export_events(coded_db, "plover", output=out)
    assert import_files([out], "plover", db=coded_db).present == 2
    again = tmp_path / "again.duckdb"
    import_files([out], "plover", db=again)
    assert rows(again, ("id", "origin")) == [("e1", "detente"), ("e2", "detente")]
    code, text = run("explain", "e2", "--db", again)
    assert code == 0 and "read back from an export" in text


@pytest.mark.parametrize("filters, ids", [
    ({}, ["e2", "e1"]),
    ({"actor": "KOR"}, ["e1"]),
    ({"since": "2024-06-01"}, ["e1"]),
    ({"until": "2024-06-01"}, ["e2"]),
    ({"cameo": "19"}, ["e2"]),
    ({"origin": "icews"}, []),
])
def test_export_filters(coded_db, tmp_path, filters, ids):
    out = tmp_path / "out.jsonl"
    export_events(coded_db, "plover", output=out, **filters)
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ids


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_table_exports(coded_db, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    assert export_events(coded_db, fmt, output=out) == 2
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        assert table.column("origin").to_pylist() == ["detente", "detente"]
        assert table.column("rationale").to_pylist()[1] == list(make_event().rationale)
    else:
        records = list(csv.DictReader(out.open(encoding="utf-8")))
        assert [r["id"] for r in records] == ["e2", "e1"] and records[1]["source_country"] == "RUS"
        assert json.loads(records[1]["rationale"]) == list(make_event().rationale)


def test_cli_import_and_export(tmp_path):
    db = tmp_path / "cli.duckdb"
    code, out = run("import", GDELT, "--format", "gdelt", "--db", db)
    assert code == 0, out
    assert "3 event(s) imported, 1 already present, 3 rejected" in out and "rejected: line 4" in out
    code, out = run("import", GDELT, "--format", "gdelt", "--db", db)
    assert "0 event(s) imported, 4 already present, 3 rejected" in out
    code, out = run("export", "--format", "icews", "--db", db, "--actor", "RUS")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("Event ID\tEvent Date") and len(lines) == 2 and "\tRussia\t" in lines[1]
    code, out = run("export", "--format", "csv", "--db", db)
    assert code == 0 and len(list(csv.DictReader(out.splitlines()))) == 3
    code, out = run("export", "--format", "parquet", "--db", db)
    assert code == 2 and "--output" in out
    code, out = run("import", tmp_path / "missing.tsv", "--format", "icews", "--db", db)
    assert code == 2 and "no such file" in out and "Traceback" not in out


def test_a_file_of_another_format_is_rejected_whole(tmp_path):
    db = tmp_path / "wrong.duckdb"
    summary = import_files([GDELT], "icews", db=db)
    assert summary.imported == 0 and len(summary.rejected) == 1
    source, reason = summary.rejected[0]
    assert source == str(GDELT) and "not an ICEWS event file" in reason and "--format gdelt" in reason
    assert summary.rejected_kinds == ["unreadable"]


# -- migration -------------------------------------------------------------------------------------

def test_old_database_gains_origin(tmp_path):
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:  # a database from before imports: no origin columns
        con.execute(SCHEMA)
        con.execute("INSERT INTO events (id, article_id, date, source_text, cameo, quad_class, modality, date_basis) "
                    "VALUES ('old1', 'a1', DATE '2024-06-20', 'Russia', '130', 3, 'asserted', 'relative')")
    with Store(db, read_only=True) as store:  # read-only: not migrated, still readable and filterable
        assert not store.has_column("events", "origin")
        assert [e.origin for e in store.events(origin="detente")] == ["detente"]
        assert store.events(origin="icews") == []
    assert export_events(db, "plover", output=tmp_path / "old.jsonl") == 1
    with Store(db) as store:
        assert store.has_column("events", "origin")
        assert store.con.execute("SELECT origin FROM events").fetchall() == [("detente",)]
        assert store.event("old1").origin == "detente"
    summary = import_files([GDELT], "gdelt", db=db)
    assert summary.imported == 3
    assert rows(db, ("origin",), "WHERE origin = 'detente'") == [("detente",)]


@pytest.mark.parametrize("packing", ["gz", "zip", "bom"])
def test_packed_and_bom_files_read_as_plain(tmp_path, packing):
    import gzip
    import zipfile

    data = GDELT.read_bytes()
    if packing == "gz":
        path = tmp_path / "events.export.CSV.gz"
        path.write_bytes(gzip.compress(data))
    elif packing == "zip":
        path = tmp_path / "events.export.CSV.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("events.export.CSV", data)
    else:
        path = tmp_path / "events.export.CSV"
        path.write_bytes(b"\xef\xbb\xbf" + data)
    summary = import_files([path], "gdelt", db=tmp_path / "packed.duckdb")
    assert (summary.imported, summary.present, len(summary.rejected)) == (3, 1, 3)


def test_a_file_that_is_not_utf8_is_rejected_with_what_to_do(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"event_id": "x", "event_type": "AGREE", "source_actor": "Sénégal"}\n'.encode("latin-1"))
    summary = import_files([path], "plover", db=tmp_path / "latin1.duckdb")
    assert summary.imported == 0 and len(summary.rejected) == 1
    assert "not UTF-8" in summary.rejected[0][1] and "convert it to UTF-8" in summary.rejected[0][1]
