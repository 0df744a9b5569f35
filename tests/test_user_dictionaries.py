"""User dictionaries: CSV, YAML and PETRARCH files; bad ones fail naming file, line and problem."""
import pytest

from detente.errors import KnowledgeError
from detente.knowledge import gazetteer, user


@pytest.fixture()
def configured():
    """Configure user dictionaries for one test and restore the built-in tables afterwards."""
    yield gazetteer.configure
    gazetteer.configure([])


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_actors_and_agents(tmp_path):
    path = write(tmp_path, "mine.csv", "type,name,aliases,country,sector,start,end\n"
                 "actor,Taro Sato,Deputy Sato,JPN,GOV,2024-01-01,\n"
                 "agent,border guard,border guards,,MIL,,\n")
    entries = user.load(path)
    assert [(e.kind, e.country, e.sector) for e in entries] == [("actor", "JPN", "GOV"), ("agent", None, "MIL")]
    assert entries[0].phrases == ("Taro Sato", "Deputy Sato")


def test_yaml_dictionary(tmp_path):
    path = write(tmp_path, "mine.yaml", "actors:\n  - name: Taro Sato\n    country: JPN\n    sector: GOV\n"
                 "agents:\n  - name: frontier police\n    sector: COP\n")
    assert [e.kind for e in user.load(path)] == ["actor", "agent"]


@pytest.mark.parametrize("name, text, message", [
    ("bad.csv", "name,country,sector\nTaro Sato,JPX,GOV\n", "mine:2: unknown country code 'JPX'"),
    ("bad.csv", "name,country,sector\nTaro Sato,JPN,GOV,extra\n", "mine:2: more fields than the header"),
    ("bad.csv", "# comment\nname,country,sector\n\nTaro Sato,JPX,GOV\n", "mine:4: unknown country code 'JPX'"),
    ("bad.csv", "name,country,sector,start,end\nTaro Sato,JPN,GOV,2024-13-01,\n", "mine:2: start '2024-13-01' is not a date"),
    ("bad.csv", "name,country,sector,start,end\nTaro Sato,JPN,GOV,2020-01-01,2023-12-31\nTaro Sato,JPN,LEG,2023-06-01,\n",
     "mine:3: the dates of 'Taro Sato'"),
    ("bad.csv", "name,country,sector\nTaro Sato,JPN,gov1\n", "mine:2: sector 'GOV1'"),
    ("bad.yaml", "actors:\n  - name: Taro Sato\n    country: QQQ\n", "mine:2: unknown country code 'QQQ'"),
    ("bad.txt", "ARNOR [ARN 20200101-20190101]\n", "mine:1"),
])
def test_bad_dictionaries_name_file_line_and_problem(tmp_path, name, text, message):
    path = write(tmp_path, name.replace("bad", "mine"), text)
    with pytest.raises(KnowledgeError) as err:
        user.load(path) if not name.endswith(".txt") else __import__("detente.knowledge.petrarch", fromlist=["x"]).parse_actor_dictionary(path)
    assert message.replace("mine", str(path)) in str(err.value) or (message in str(err.value).replace(str(path), "mine"))


@pytest.mark.slow
def test_user_entry_beats_built_in_and_follows_dates(tmp_path, configured):
    from detente.api import actors

    path = write(tmp_path, "mine.csv", "name,aliases,country,sector,start,end\n"
                 "Taro Sato,,JPN,GOV,2024-01-01,\nTaro Sato,,JPN,ELI,2020-01-01,2023-12-31\n")
    configured([path])
    assert actors("Taro Sato spoke.", "2024-06-21")[0].code == "JPNGOV"
    assert actors("Taro Sato spoke.", "2022-06-21")[0].code == "JPNELI"
    configured([])
    assert actors("Taro Sato spoke.", "2024-06-21")[0].country is None


@pytest.mark.slow
def test_petrarch_validation_dictionaries_code_the_unit_records(shared, configured):
    from detente.api import actors

    folder = shared / "data/gold/petrarch2-unittest"
    configured([folder / "PETR.Validate.actors.txt", folder / "PETR.Validate.agents.txt"])
    cases = [
        ("Arnor cleric is about to restore full diplomatic ties with Gondor.", "19950101", {"ARNREL", "GON"}),
        ("MSF Arnor is about to restore full diplomatic ties with Gondor.", "19950101", {"NGOARN", "GON"}),
        ("Arnor security officials are about to restore full diplomatic ties with Gondor police.", "19950101", {"ARNGOV", "GONCOP"}),
        ("The Kuwait government is about to restore full diplomatic ties with Libya.", "19950101", {"KUWGOV", "LBY"}),
    ]
    from detente.evaluation import loose_date

    for text, day, expected in cases:
        assert expected <= {m.code for m in actors(text, loose_date(day))}, text


@pytest.mark.slow
def test_cli_actors_option_and_config_file(tmp_path, monkeypatch, configured):
    from click.testing import CliRunner

    from detente.cli import main

    path = write(tmp_path, "mine.csv", "name,country,sector\nTaro Sato,JPN,GOV\n")
    result = CliRunner().invoke(main, ["actors", "--actors", str(path), "--text", "Taro Sato spoke.", "--format", "jsonl"])
    assert result.exit_code == 0 and '"JPNGOV"' in result.output
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "detente.toml", '[knowledge]\nactors = ["mine.csv"]\n')
    result = CliRunner().invoke(main, ["actors", "--text", "Taro Sato spoke.", "--format", "jsonl"])
    assert result.exit_code == 0 and '"JPNGOV"' in result.output
    write(tmp_path, "bad.csv", "name,country,sector\nTaro Sato,XXX,GOV\n")
    result = CliRunner().invoke(main, ["actors", "--actors", str(tmp_path / "bad.csv"), "--text", "x"])
    assert result.exit_code == 2 and "bad.csv:2: unknown country code 'XXX'" in result.output
