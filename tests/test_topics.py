"""What an appeal, promise, demand, rejection or protest is about gives its subcode
(coding/topics.py, data/act_topics.tsv, data/topic_cues.tsv). Sentences we wrote."""
import pytest

from detente.coding.pair import code_pair
from detente.knowledge import act_topics, topic_cues

pytestmark = pytest.mark.slow

CASES = [
    # appeals (02)
    ("<s>Chile</s> urged <t>Argentina</t> to extradite a former army officer wanted for torture.", "0213"),
    ("<s>Nepal</s> called on <t>India</t> to help finance a new hydropower dam.", "0231"),
    ("<s>Mali</s> appealed to <t>France</t> to help feed villagers facing famine.", "0233"),
    ("<s>The European Union</s> urged <t>Belarus</t> to release political prisoners.", "0253"),
    ("<s>Qatar</s> urged <t>Israel</t> to agree to a ceasefire in Gaza.", "0256"),
    ("<s>Germany</s> urged <t>Serbia</t> to respect minority rights.", "0243"),
    ("<s>Kenya</s> asked <t>Ethiopia</t> for an urgent meeting on the border.", "026"),
    # intentions (03)
    ("<s>Japan</s> promised to continue military aid to <t>the Philippines</t>.", "0332"),
    ("<s>Vietnam</s> agreed to open talks on a free-trade pact with <t>Canada</t>.", "036"),  # the talks come first
    ("<s>Vietnam</s> agreed to sign a free-trade pact with <t>Canada</t>.", "0311"),
    ("<s>Egypt</s> offered to broker an agreement between Hamas and <t>Israel</t>.", "039"),
    # demands (10)
    ("<s>Poland</s> demanded that <t>Belarus</t> hand over the suspects in the border killing.", "1013"),
    ("<s>Armenia</s> demanded that <t>Azerbaijan</t> return the captured soldiers.", "1053"),
    ("<s>Serbia</s> demanded that <t>Kosovo</t> lift the curfew in Mitrovica.", "1051"),
    ("<s>The opposition</s> demanded that <t>the government</t> hold a referendum on the constitution.", "1044"),
    ("<s>Pakistan</s> demanded that <t>India</t> withdraw its troops from the Line of Control.", "1056"),
    # rejections (12)
    ("<s>Hungary</s> rejected calls by <t>Ukraine</t> for more economic aid.", "1221"),
    ("<s>Switzerland</s> rejected a request by <t>Germany</t> to re-export tank ammunition.", "1212"),
    ("<s>Russia</s> rejected a proposal by <t>Ukraine</t> for a prisoner exchange.", "1243"),
    # protests (14): the goal of the protest is the last digit
    ("<s>Students</s> rallied in Dhaka to demand the resignation of <t>the prime minister</t>.", "1411"),
    ("<s>Workers</s> went on a hunger strike against <t>the government</t>'s pension policy.", "1422"),
    ("<s>Protesters</s> blocked roads to demand democratic elections from <t>the junta</t>.", "1444"),
    # no topic, or no topic that narrows the code: the family code stands
    ("<s>Hungary</s> and <t>Romania</t> agreed that the dispute should be settled by arbitration.", "030"),
    ("Senior <s>Hungarian</s> and <t>Romanian</t> officials agreed to cooperate on refugees.", "030"),
    ("<s>Ukraine</s> called for a boycott of <t>Russia</t>.", None),  # a call for sanctions is no call to ease them
]


@pytest.mark.parametrize("marked, code", CASES)
def test_topic_gives_the_subcode(marked, code, monkeypatch):
    monkeypatch.setenv("DETENTE_FALLBACK", "0")
    coding = code_pair(marked)
    if code is None:
        assert coding.cameo not in ("0254", "1054", "1244", "0354"), coding.rationale
    else:
        assert coding.cameo == code, coding.rationale


def test_every_cue_names_a_known_topic_and_every_topic_has_a_cue():
    cued = {cue.topic for cue in topic_cues()}
    assert cued == set(act_topics())
