"""PETRARCH/TABARI actor and agent dictionaries: inline fixtures, then the published files."""
from __future__ import annotations

import json
import os
import re
import warnings
from datetime import date
from pathlib import Path

import pytest

from detente.errors import KnowledgeError
from detente.knowledge.petrarch import (
    ActorEntry,
    DatedCode,
    PetrarchDictionaryWarning,
    parse_actor_dictionary,
    parse_agent_dictionary,
)

SHARED = Path(os.environ.get("DETENTE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
GOLD = "data/gold/petrarch2-unittest"
REFERENCE = "data/reference/petrarch2-dictionaries"


def write(tmp_path: Path, text: str, name: str = "test.actors.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def actors(tmp_path: Path, text: str, **kwargs) -> list[ActorEntry]:
    return parse_actor_dictionary(write(tmp_path, text), **kwargs)


def agents(tmp_path: Path, text: str, **kwargs):
    return parse_agent_dictionary(write(tmp_path, text, "test.agents.txt"), **kwargs)


def by_phrase(entries) -> dict:
    return {phrase: entry for entry in entries for phrase in entry.phrases}


def shared_file(relative: str) -> Path:
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} not found: set DETENTE_SHARED to the folder holding data/gold and data/reference")
    return path


# ------------------------------------------------------------------------------ actor format


def test_plain_entry(tmp_path):
    [entry] = actors(tmp_path, "HAMAS [PSEREBHMS]\n")
    assert entry == ActorEntry(("HAMAS",), (DatedCode("PSEREBHMS"),), 1)
    assert entry.code_on(date(2020, 1, 1)) == "PSEREBHMS"
    assert entry.code_on(None) == "PSEREBHMS"


def test_synonyms_underscores_and_spaces(tmp_path):
    text = "\nVLADIMIR_PUTIN_ [RUSGOV]\n+PUTIN\n+President Vladimir_Putin  \n+PUTIN_\nGROUP OF 77  [G77]\n"
    putin, g77 = actors(tmp_path, text)
    assert putin.phrases == ("VLADIMIR PUTIN", "PUTIN", "PRESIDENT VLADIMIR PUTIN")
    assert putin.line == 2
    assert g77.phrases == ("GROUP OF 77",) and g77.line == 6


def test_codes_on_continuation_lines_and_several_per_line(tmp_path):
    text = (
        "ENT  \n\t[ENT]\n"
        "JAVIER_DE_CUELLAR_\t[IGOUNO 820101-911231] [ELI]\n"
        "MONTAS_\t[HTIOPPMED <061231][IGOUNOMED]\t[---] \n"
        "BOROMIR  [---]\nLORIEN [elr/gal]\n"
    )
    ent, cuellar, montas, boromir, lorien = actors(tmp_path, text)
    assert ent.codes == (DatedCode("ENT"),)
    assert cuellar.codes == (DatedCode("IGOUNO", date(1982, 1, 1), date(1991, 12, 31)), DatedCode("ELI"))
    assert [c.code for c in montas.codes] == ["HTIOPPMED", "IGOUNOMED", "---"]
    assert montas.code_on(date(2010, 1, 1)) == "IGOUNOMED"  # the first undated code is the fallback
    assert boromir.code_on(None) == "---"
    assert lorien.codes == (DatedCode("ELR/GAL"),)


@pytest.mark.parametrize(
    "block, start, end",
    [
        ("[RUSGOV >120507]", date(2012, 5, 7), None),
        ("[RUSELI <120507]", None, date(2012, 5, 6)),
        ("[HOBGOV 20121109-20130119]", date(2012, 11, 9), date(2013, 1, 19)),
        ("[HOB < 950601]", None, date(1995, 5, 31)),
        ("[HOBGOV 19950601 - 19990815]", date(1995, 6, 1), date(1999, 8, 15)),
        ("[EGYGOV > 140608]", date(2014, 6, 8), None),
        ("[AFGELI 19270101-730717]", date(1927, 1, 1), date(1973, 7, 17)),
        ("[AFGELI 320101-331108]", date(1932, 1, 1), date(1933, 11, 8)),  # 31-99 are 19xx
        ("[USAELI 650101-000101]", date(1965, 1, 1), date(2000, 1, 1)),  # 00-30 are 20xx
        ("[USAGOV 19820101]", date(1982, 1, 1), None),  # a bare date is a start
    ],
)
def test_dated_code_forms(tmp_path, block, start, end):
    [entry] = actors(tmp_path, f"SOMEONE\n\t{block}\n")
    assert (entry.codes[0].start, entry.codes[0].end) == (start, end)


def test_valid_on():
    ranged = DatedCode("HOBGOV", date(2012, 11, 9), date(2013, 1, 19))
    assert ranged.valid_on(date(2012, 11, 9)) and ranged.valid_on(date(2013, 1, 19))
    assert not ranged.valid_on(date(2012, 11, 8)) and not ranged.valid_on(date(2013, 1, 20))
    assert DatedCode("X").valid_on(date(1900, 1, 1))
    # an unknown day means "now": only codes without an end still hold
    assert DatedCode("X", start=date(2000, 1, 1)).valid_on(None)
    assert not ranged.valid_on(None)


SAM = """\
SAM_GAMGEE [HOB]
\t[HOBCIV <20080120]
\t[ORCHOB 20100109-20100112] # This should override the next restriction
\t[HOBMIL 20080120-20121109]
\t[HOBGOV 20121109-20130119]
\t[HOBELI >20130119]
"""


@pytest.mark.parametrize(
    "day, code",
    [
        (date(2008, 1, 19), "HOBCIV"),
        (date(2008, 1, 20), "HOBMIL"),
        (date(2010, 1, 9), "ORCHOB"),  # a nested range overrides the one around it
        (date(2010, 1, 12), "ORCHOB"),
        (date(2010, 1, 13), "HOBMIL"),
        (date(2012, 11, 9), "HOBGOV"),  # on a shared boundary day the range starting then wins
        (date(2013, 1, 19), "HOBELI"),
        (date(2030, 1, 1), "HOBELI"),
        (None, "HOBELI"),
    ],
)
def test_code_on_chooses_by_date(tmp_path, day, code):
    [sam] = actors(tmp_path, SAM)
    assert sam.code_on(day) == code


def test_code_on_falls_back_to_undated_code_or_none(tmp_path):
    hamfast, onodoher = actors(tmp_path, "HAMFAST [HOB]\n\t[HOBGOV 20121109-20130119]\nONODOHER\n\t[ONO <911226]\n")
    assert hamfast.code_on(date(2014, 1, 4)) == "HOB"
    assert hamfast.code_on(date(2012, 12, 25)) == "HOBGOV"
    assert onodoher.code_on(date(1991, 12, 25)) == "ONO"
    assert onodoher.code_on(date(1991, 12, 26)) is None
    assert onodoher.code_on(None) is None


def test_consecutive_entry_lines_share_the_codes_that_follow(tmp_path):
    text = "IVO_JOSIPOVIC_\nPRESIDENT_JOSIPOVIC_\n+JOSIPOVIC_\n\t[HRVGOV >20120219]\nZAGREB [HRV]\n"
    josipovic, zagreb = actors(tmp_path, text)
    assert josipovic.phrases == ("IVO JOSIPOVIC", "PRESIDENT JOSIPOVIC", "JOSIPOVIC")
    assert josipovic.line == 1 and zagreb.line == 5


def test_overlaps_that_are_allowed(tmp_path):
    text = (
        "TOUCHING\n\t[A <20080120]\n\t[B 20080120-20121109]\n\t[C 20121109-20130119]\n\t[D >20130119]\n"
        "SAME_CODE\n\t[GBRGOV 030101-081031]\n\t[GBRGOV 070627-20100711]\n"
        "NESTED\n\t[IGOWSTNAT 940813-941017]\n\t[X 940101-011231]\n"
    )
    assert len(actors(tmp_path, text)) == 3


def test_comments(tmp_path):
    text = """\
<!-- DICTIONARY HEADER -->
<!--
# a block comment may span lines
NOT_AN_ACTOR [XXX]
# -->
<! -- a TABARI-style opener with a space -->
ATHENS  [GRC] #JW   10/17/91
# WHOLE_LINE_COMMENT [YYY]
ZIMBABWE # pas
\t[RHO <790606]
#\t[950601-990815]  a commented-out block
\t[ZBW]#jw 9/30/91
ROHAN <!-- inline --> [ROH]
"""
    entries = actors(tmp_path, text)
    assert [(e.phrases, e.line) for e in entries] == [(("ATHENS",), 7), (("ZIMBABWE",), 9), (("ROHAN",), 13)]
    assert entries[1].codes == (DatedCode("RHO", None, date(1979, 6, 5)), DatedCode("ZBW"))


def test_stray_bytes_are_replaced_not_fatal(tmp_path):
    path = tmp_path / "latin1.actors.txt"
    path.write_bytes(b"COTE_D'IVOIRE_ [CIV]\n+COTE_D\x92IVOIRE_\n")
    [entry] = parse_actor_dictionary(path)
    assert entry.phrases == ("COTE D'IVOIRE", "COTE D\ufffdIVOIRE")


# ------------------------------------------------------------------------------ actor errors


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("ISRAEL [ISR]\nHAMAS [PSEREBHMS\n", 2, "'[' is never closed"),
        ("ISRAEL [ISR]\n+FAEROYENE]_\n", 2, "']' without a matching '['"),
        ("CORP_\t[MNCMED]\tNewspapers/Magazines\n", 1, "unexpected text"),
        ("SOMEONE\n\t[ARMUNR 9008223-911221]\n", 2, "unreadable date '9008223'"),
        ("SOMEONE\n\t[X 20101301-20111231]\n", 2, "unreadable date '20101301'"),
        ("SOMEONE\n\t[X 1995-06-01]\n", 2, "unreadable date"),
        ("SOMEONE\n\t[950601-990815]\n", 2, "date but no code"),
        ("SOMEONE\n\t[EGYGOV 20121207-20120802]\n", 2, "ends (2012-08-02) before it starts"),
        ("SOMEONE\n\t[ALBGOVBUS 051001-070831]\n\t[ALBGOV >070601]\n", 3, "partly overlaps ALBGOVBUS"),
        ("SOMEONE\n\t[A 20080101-20080131]\n\t[B 20080130-20080229]\n", 3, "partly overlaps"),
        ("+SYNONYM\nISRAEL [ISR]\n", 1, "before any actor entry"),
        ("ISRAEL [ISR]\nNOBODY\n", 2, "has no [code]"),
        ("ISRAEL [ISR]\n<!-- never closed\nGAZA [PSE]\n", 2, "never closed"),
    ],
)
def test_actor_errors_name_file_line_and_text(tmp_path, text, line, fragment):
    with pytest.raises(KnowledgeError) as caught:
        actors(tmp_path, text)
    message = str(caught.value)
    assert f"test.actors.txt:{line}:" in message
    assert fragment in message


def test_error_quotes_the_bad_text(tmp_path):
    with pytest.raises(KnowledgeError, match=re.escape("'[ARMUNR 9008223-911221]'")):
        actors(tmp_path, "ARMENIA\n\t[ARMUNR 9008223-911221]\n")


def test_missing_file_is_a_knowledge_error(tmp_path):
    with pytest.raises(KnowledgeError, match="nowhere.actors.txt"):
        parse_actor_dictionary(tmp_path / "nowhere.actors.txt")


def test_lenient_mode_warns_and_skips_bad_blocks_but_keeps_overlaps(tmp_path):
    text = (
        "ARMENIA\n\t[USRARM <900823]\n\t[ARMUNR 9008223-911221]\n\t[ARM >911221]\n"
        "BOUTEFLIKA\n\t[DZAELI 550101-000101]\n\t[DZAGOV >990427]\n"
        "BROKEN [X\n+ITS_SYNONYM\nNEXT [N]\n"
    )
    with pytest.warns(PetrarchDictionaryWarning) as record:
        armenia, bouteflika, following = actors(tmp_path, text, strict=False)
    messages = [str(w.message) for w in record]
    assert len(messages) == 3
    assert "test.actors.txt:3:" in messages[0] and "(skipped)" in messages[0]
    assert "test.actors.txt:7:" in messages[1] and "(kept" in messages[1]
    assert "test.actors.txt:8:" in messages[2]
    assert [c.code for c in armenia.codes] == ["USRARM", "ARM"]
    assert bouteflika.code_on(date(2005, 1, 1)) == "DZAGOV"
    assert following.phrases == ("NEXT",)  # the broken entry's synonym went with it


# ------------------------------------------------------------------------------------ agents


def test_agent_plurals_and_positions(tmp_path):
    text = """\
PARLIAMENTARY_OPPOSITION {} [~OPP] #jap 11 Oct 2002
AMBASSADOR [~GOV]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]
CONGRESS [~LEG]
AUTHORITY  [~GOV]
ENVOY [~GOV]
CHURCH [~REL]
POLICE {} [ ~COP]
HUMAN_RIGHTS_BODY  [NGO~]
HUMAN_RIGHTS_ORGANIZATION  [  NGO~]
ISLAMIC_FRONT_  [~MUSREB]
SNEAK_THIEF {SNEAK_THIEVES}[~CRM]
"""
    found = [(e.phrases, e.code, e.position) for e in agents(tmp_path, text)]
    assert found == [
        (("PARLIAMENTARY OPPOSITION",), "OPP", "suffix"),
        (("AMBASSADOR", "AMBASSADORS"), "GOV", "suffix"),
        (("ATTORNEY GENERAL", "ATTORNEYS GENERAL"), "GOV", "suffix"),
        (("CONGRESS", "CONGRESSES"), "LEG", "suffix"),
        (("AUTHORITY", "AUTHORITIES"), "GOV", "suffix"),
        (("ENVOY", "ENVOYS"), "GOV", "suffix"),
        (("CHURCH", "CHURCHES"), "REL", "suffix"),
        (("POLICE",), "COP", "suffix"),
        (("HUMAN RIGHTS BODY", "HUMAN RIGHTS BODIES"), "NGO", "prefix"),
        (("HUMAN RIGHTS ORGANIZATION", "HUMAN RIGHTS ORGANIZATIONS"), "NGO", "prefix"),
        (("ISLAMIC FRONT", "ISLAMIC FRONTS"), "MUSREB", "suffix"),
        (("SNEAK THIEF", "SNEAK THIEVES"), "CRM", "suffix"),
    ]


def test_agent_substitution_sets(tmp_path):
    text = """\
<!-- header -->
!PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON
!MINST! = MINISTER, MINISTERS , MINISTRY, MINISTRIES
!SIDE! = LEFT,RIGHT
CONGRESS!PERSON! [~LEG]
!MINST!_OF_SILLY_WALKS [~GOV]
FIRE!PERSON! {} [~GOV]
!SIDE!_WING_!PERSON! [~OPP]
"""
    congress, walks, fire, wing = agents(tmp_path, text)
    assert congress.phrases == ("CONGRESSMAN", "CONGRESSMEN", "CONGRESSWOMAN", "CONGRESSWOMEN", "CONGRESSPERSON")
    assert congress.line == 5
    assert walks.phrases == (
        "MINISTER OF SILLY WALKS",
        "MINISTERS OF SILLY WALKS",
        "MINISTRY OF SILLY WALKS",
        "MINISTRIES OF SILLY WALKS",
    )
    assert fire.phrases[0] == "FIREMAN" and len(fire.phrases) == 5
    assert len(wing.phrases) == 10 and "RIGHT WING WOMEN" in wing.phrases


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("AMBASSADOR [~GOV]\nISLAMIC_EXTREMIST\n", 2, "has no [code]"),
        ("DEPARMENT_OF_ENVIRONMENT [~ENV}\n", 1, "malformed agent entry"),
        ("MEDIA {MEDIAS [~MED]\n", 1, "malformed agent entry"),
        ("PRESIDENT [GOV]\n", 1, "[~CODE] or [CODE~]"),
        ("PRESIDENT [~GOV~]\n", 1, "[~CODE] or [CODE~]"),
        ("# no set yet\nCONGRESS!PERSON! [~LEG]\n", 2, "!PERSON! is not defined"),
        ("!PERSON! = MAN, , WOMAN\n", 1, "empty member"),
        ("!PERSON! = MAN\nCONGRESS!PERSON [~LEG]\n", 2, "unpaired '!'"),
    ],
)
def test_agent_errors_name_file_line_and_text(tmp_path, text, line, fragment):
    with pytest.raises(KnowledgeError) as caught:
        agents(tmp_path, text)
    assert f"test.agents.txt:{line}:" in str(caught.value)
    assert fragment in str(caught.value)


def test_agent_lenient_mode_skips_the_line(tmp_path):
    with pytest.warns(PetrarchDictionaryWarning, match=r"test\.agents\.txt:1:"):
        [entry] = agents(tmp_path, "ISLAMIC_EXTREMIST\nIMAM [~MUS]\n", strict=False)
    assert entry.phrases == ("IMAM", "IMAMS")


# -------------------------------------------------------------------------------- real files


def lenient(parse, path):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        entries = parse(path, strict=False)
    assert all(issubclass(w.category, PetrarchDictionaryWarning) for w in record)
    return entries, [str(w.message) for w in record]


def test_validate_actors():
    entries = parse_actor_dictionary(shared_file(f"{GOLD}/PETR.Validate.actors.txt"))
    assert len(entries) == 128
    table = by_phrase(entries)
    gollum = table["SMEAGOL"]
    assert gollum.phrases == ("GOLLUM", "SMEAGOL", "SLINKER", "STINKER")
    assert gollum.line == 86
    assert gollum.codes == (
        DatedCode("HOB", None, date(1995, 5, 31)),
        DatedCode("HOBGOV", date(1995, 6, 1), date(1999, 8, 15)),
        DatedCode("HOBREB", date(1999, 8, 16), None),
    )
    assert table["INTERPOL"].codes == (DatedCode("IGOCOPITP"),)
    assert table["PRINCE OF DOL AMROTH"].code_on(date(1999, 8, 9)) == "DOL"
    assert table["PALESTINIAN"].code_on(None) == "PAL"  # the synonym in PALESTINE's entry


def test_validate_actors_agree_with_the_petrarch_date_unit_tests():
    """Every DATE record names a date-restricted actor whose code must be among the expected."""
    entries = parse_actor_dictionary(shared_file(f"{GOLD}/PETR.Validate.actors.txt"))
    dated = [e for e in entries if any(c.dated for c in e.codes)]
    checked = 0
    for line in shared_file(f"{GOLD}/petr_unittest.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["category"] != "DATE":
            continue
        day = date(int(record["date"][:4]), int(record["date"][4:6]), int(record["date"][6:8]))
        expected = {e.get(k) for e in record["expected_events"] for k in ("sourcecode", "targetcode")}
        text = record["text"].upper()
        for entry in dated:
            if any(re.search(rf"\b{re.escape(p)}\b", text) for p in entry.phrases):
                assert entry.code_on(day) in expected, (record["id"], entry.phrases[0])
                checked += 1
    assert checked >= 20


def test_validate_agents():
    entries = parse_agent_dictionary(shared_file(f"{GOLD}/PETR.Validate.agents.txt"))
    assert len(entries) == 88
    table = by_phrase(entries)
    assert table["CONGRESSWOMEN"].code == "LEG"
    assert table["CONGRESSES"].phrases == ("CONGRESS", "CONGRESSES")
    assert table["MINISTRIES OF SILLY WALKS"].line == 20
    assert table["GOLDEN GEESE"].code == "GGS"
    assert table["POLICE"].phrases == ("POLICE",)
    assert (table["MSF"].code, table["MSF"].position) == ("NGO", "prefix")
    assert (table["FOREIGN MINISTER"].code, table["FOREIGN MINISTER"].position) == ("GOVFRM", "suffix")


def test_phoenix_agents():
    path = shared_file(f"{REFERENCE}/Phoenix.agents.txt")
    with pytest.raises(KnowledgeError, match=r"Phoenix\.agents\.txt:544: .*\[~ENV\}"):
        parse_agent_dictionary(path)
    entries, messages = lenient(parse_agent_dictionary, path)
    assert 2000 < len(entries) < 2500
    assert [m.split(": ")[0].rsplit(":", 1)[1] for m in messages] == ["544", "1927"]
    table = by_phrase(entries)
    assert table["FOREIGN MINISTRIES"].phrases == (
        "FOREIGN MINISTER",
        "FOREIGN MINISTERS",
        "FOREIGN MINISTRY",
        "FOREIGN MINISTRIES",
    )
    assert table["POLICE"].phrases == ("POLICE",)
    assert (table["PEACEKEEPING TROOPS"].code, table["PEACEKEEPING TROOPS"].position) == ("IGO", "prefix")


def test_phoenix_milnonstate_actors():
    entries = parse_actor_dictionary(shared_file(f"{REFERENCE}/Phoenix.MilNonState.actors.txt"))
    assert 1000 < len(entries) < 1100
    table = by_phrase(entries)
    assert table["ISLAMIC RESISTANCE MOVEMENT"].code_on(None) == "PSEREBHMS"
    yassin = table["AHMED YASSIN"]
    assert yassin.code_on(date(2000, 1, 1)) == "PSEREBHMS" and yassin.code_on(date(2005, 1, 1)) is None


def test_phoenix_countries_actors():
    path = shared_file(f"{REFERENCE}/Phoenix.Countries.actors.txt")
    # Strictly read, the file stops at its first partly overlapping pair of ranges.
    with pytest.raises(KnowledgeError, match=r"Phoenix\.Countries\.actors\.txt:671: ALBGOV"):
        parse_actor_dictionary(path)
    entries, messages = lenient(parse_actor_dictionary, path)
    assert 18000 < len(entries) < 19000
    overlaps = [m for m in messages if "partly overlaps" in m]
    others = [m for m in messages if "partly overlaps" not in m]
    assert len(overlaps) > 200
    assert {m.split(": ")[0].rsplit(":", 1)[1] for m in others} == {
        "2039",  # 9008223
        "14190",  # 20121207-20120802
        "15346",  # +FAEROYENE]_
        "18010",  # 201005011
        "22508",  # 1920030320
        "22519",
        "43613",  # 1920050709
    }
    table = by_phrase(entries)
    assert table["AFGHAN"].code_on(None) == "AFG"
    assert table["MOHAMMAD ZAHIR SHAH"].code_on(date(1950, 1, 1)) == "AFGGOV"
    gorbachev = table["GORBACHEV ADMINISTRATION"]  # an entry line without a code, merged
    assert "MIKHAIL GORBACHEV" in gorbachev.phrases
    assert gorbachev.code_on(date(1980, 1, 1)) == "RUSELI" and gorbachev.code_on(date(1990, 1, 1)) == "RUSGOV"
    assert table["ABDELAZIZ BOUTEFLIKA"].code_on(date(2005, 1, 1)) == "DZAGOV"
    assert table["VLADIMIR PUTIN"].code_on(date(2013, 6, 1)) == "RUSGOV"
    assert "COTE D\ufffdIVOIRE" in table["IVORY COAST"].phrases


def test_phoenix_international_actors():
    path = shared_file(f"{REFERENCE}/Phoenix.International.actors.txt")
    with pytest.raises(KnowledgeError, match=r"Phoenix\.International\.actors\.txt:40: unreadable date '2004017'"):
        parse_actor_dictionary(path)
    entries, messages = lenient(parse_actor_dictionary, path)
    assert 7500 < len(entries) < 8200
    assert len(messages) < 10
    table = by_phrase(entries)
    assert table["THE UNITED NATIONS"].code_on(None) == "IGOUNO"
    cuellar = table["JAVIER DE CUELLAR"]
    assert cuellar.code_on(date(1985, 1, 1)) == "IGOUNO" and cuellar.code_on(date(2000, 1, 1)) == "ELI"
    assert table["BAN KI-MOON"].code_on(date(2010, 1, 1)) == "IGOUNO"
