"""The knowledge tables load, agree with each other, and hold the facts we rely on."""
import pytest

from detente.knowledge import cameo, cameo_codes, leaders, read_table
from detente.knowledge.lexicon import NOT_AN_EVENT, rules


def test_cameo_table_is_complete_and_consistent():
    codes = cameo_codes()
    assert len(codes) > 300
    for code in codes.values():
        assert code.quad_class == (1 if code.root <= "05" else 2 if code.root <= "08" else 3 if code.root <= "13" else 4)
        assert -10 <= code.goldstein <= 10
        if not code.code.startswith("01"):
            assert code.plover, code.code


@pytest.mark.parametrize("code, goldstein, quad, plover", [
    ("130", -4.4, 3, "THREATEN"),
    ("057", 8.0, 1, "AGREE"),
    ("042", 1.9, 1, "CONSULT"),
    ("072", 8.3, 2, "AID"),
    ("190", -10.0, 4, "ASSAULT"),
    ("114", -2.0, 3, "ACCUSE"),
])
def test_cameo_facts(code, goldstein, quad, plover):
    c = cameo(code)
    assert (c.goldstein, c.quad_class, c.plover) == (goldstein, quad, plover)


def test_every_trigger_rule_names_a_known_code():
    table = rules()
    assert sum(len(r) for r in table.values()) > 300
    for key, entries in table.items():
        for rule in entries:
            assert rule.code in cameo_codes() or (rule.code == NOT_AN_EVENT and rule.conditions), rule.describe()


def test_leaders_rows_are_dated():
    rows = leaders()
    assert len(rows) > 200
    for leader in rows:
        assert leader.end is None or leader.start <= leader.end


def test_leaders_pick_role_by_date():
    from datetime import date

    putin = [l for l in leaders() if l.name == "Vladimir Putin"]
    on_date = [l.role for l in putin if l.holds_office_on(date(2010, 1, 1))]
    assert "prime minister" in on_date
    assert "president" in [l.role for l in putin if l.holds_office_on(date(2024, 6, 21))]


@pytest.mark.parametrize("table", ["countries.tsv", "igos.tsv", "armed_groups.tsv", "places_of_power.tsv", "agents.tsv", "word_classes.tsv"])
def test_tables_parse(table):
    assert list(read_table(table))
