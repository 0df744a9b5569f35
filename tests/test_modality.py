"""Modality, table-driven: a marked sentence -> the modality of the event between the marks.

Every event carries one of asserted, negated, hypothetical, intended, expected or alleged. The
sentences are ours, written for this table; each names its cue in a comment where it is subtle.
"""
import pytest

from detente.api import code_pair

pytestmark = pytest.mark.slow

ASSERTED = [
    "<s>Russia</s> attacked <t>Ukraine</t> on Monday.",
    "<s>Japan</s> criticized <t>China</t> over the drills.",
    "<s>France</s> has condemned <t>Iran</t> for the executions.",
    "<s>Egypt</s> hosted <t>Israel</t>'s foreign minister in Cairo.",
    "<s>Seoul</s> summoned <t>Tokyo</t>'s ambassador on Friday.",
    "Officials said <s>Turkey</s> shelled <t>Syria</t> overnight.",  # a report of a deed stays asserted
    "<s>Poland</s> expelled <t>Belarus</t>'s diplomats last week.",
    "<s>Kenya</s> and <t>Somalia</t> signed a security pact.",
    "<s>Germany</s> praised <t>Italy</t> for its stance.",
    "<s>India</s> accused <t>Pakistan</t> of sheltering militants.",  # the accusation itself happened
    "<s>Chinese</s> coast guard ships blockaded <t>Philippine</t> vessels.",
    "<s>Ukraine</s> welcomed <t>Britain</t>'s decision.",
    "<s>Brazil</s> recalled its ambassador from <t>Israel</t>.",
    "<s>Azerbaijan</s> has deployed troops against <t>Armenia</t>.",
    "<s>Hungary</s> vetoed <t>EU</t> aid, diplomats confirmed.",
]

NEGATED = [
    "<s>Russia</s> did not attack <t>Ukraine</t> on Monday.",
    "<s>Japan</s> never criticized <t>China</t> over the drills.",
    "<s>South Korea</s> refrained from supplying <t>Ukraine</t> with weapons.",
    "<s>Germany</s> refused to condemn <t>Israel</t>.",
    "<s>India</s> declined to criticize <t>Russia</t>.",
    "<s>Turkey</s> has not deployed troops against <t>Syria</t>.",
    "<s>France</s> did not sign a pact with <t>Mali</t>.",
    "<s>Egypt</s> didn't host <t>Iran</t>'s president.",
    "<s>Vietnam</s> stopped criticizing <t>China</t> last year.",
    "<s>Canada</s> will not impose sanctions on <t>India</t>.",
    "<s>Qatar</s> has never threatened <t>Bahrain</t>.",
    "<s>Serbia</s> denied attacking <t>Kosovo</t>.",
    "<s>Indonesia</s> refused to expel <t>Australia</t>'s diplomats.",
    "<s>Chile</s> avoided criticizing <t>Argentina</t>.",
    "<s>Norway</s> does not support <t>Russia</t>'s claim.",
]

# A conflictual deed under an if-clause ("If Ukraine joins NATO, Russia will attack it") is coded
# as an asserted conditional threat (130), as in the seed article; these are the other conditionals.
HYPOTHETICAL = [
    "If the summit goes ahead, <s>Egypt</s> will host <t>Israel</t>'s delegation.",  # the main clause under an if-clause
    "<s>Japan</s> would host <t>China</t>'s premier if relations improved.",
    "<s>Japan</s> will sign the pact with <t>India</t> if parliament approves it.",
    "<s>Japan</s> would protest to <t>China</t> if the ships return.",
    "If <s>Poland</s> sends troops to <t>Belarus</t>, the war would widen.",
    "It is unclear whether <s>Egypt</s> will host <t>Israel</t>'s delegation.",
    "<s>India</s> would retaliate against <t>Pakistan</t> if attacked.",
    "If <s>Turkey</s> invades <t>Syria</t> again, Washington will respond.",
    "<s>Greece</s> would veto <t>Turkey</t>'s bid if Ankara persists.",
    "<s>Germany</s> would send tanks to <t>Ukraine</t> if the allies agreed.",
    "<s>Russia</s> will cut gas to <t>Moldova</t> if the debt is not paid.",
    "If the talks fail, <s>Sudan</s> will expel <t>Kenya</t>'s envoy.",
    "Analysts discussed whether <s>Iran</s> would attack <t>Israel</t>.",
    "<s>Serbia</s> would recognize <t>Kosovo</t> only if its demands were met.",
    "If <s>Venezuela</s> annexes <t>Guyana</t>'s territory, sanctions will follow.",
]

INTENDED = [
    "<s>South Korea</s> may reconsider its ban on supplying <t>Ukraine</t>.",
    "<s>Germany</s> plans to send tanks to <t>Ukraine</t>.",
    "<s>France</s> intends to sign a defence pact with <t>India</t>.",
    "<s>Japan</s> is preparing to provide aid to <t>Ukraine</t>.",
    "<s>Iran</s> vowed to attack <t>Israel</t>.",
    "<s>China</s> is ready to impose sanctions on <t>Lithuania</t>.",
    "<s>Russia</s> hopes to negotiate with <t>Ukraine</t>.",
    "<s>Brazil</s> wants to mediate between <t>Venezuela</t> and Guyana.",
    "<s>Turkey</s> is preparing to attack <t>Syria</t>.",
    "<s>Egypt</s> offered to host <t>Sudan</t>'s rival generals.",
    "<s>India</s> aims to cooperate with <t>Japan</t> on defence.",
    "<s>Poland</s> decided to expel <t>Russia</t>'s diplomats.",
    "<s>Canada</s> hopes to support <t>Ukraine</t>'s bid.",
    "<s>Australia</s> aims to send food aid to <t>Myanmar</t>.",
    "<s>Norway</s> could mediate between <t>Israel</t> and the Palestinians.",
]

EXPECTED = [
    "<s>Putin</s> will visit <t>Pyongyang</t> next week.",
    "<s>Germany</s> is expected to sign a deal with <t>Qatar</t>.",
    "<s>Japan</s> is scheduled to host <t>South Korea</t>'s president on Monday.",
    "<s>France</s> is due to deliver jets to <t>India</t> in May.",
    "<s>Modi</s> is set to visit <t>Washington</t> in June.",
    "<s>Turkey</s> will host talks with <t>Ukraine</t> on Thursday.",
    "<s>China</s> will impose sanctions on <t>Lithuania</t> from Friday.",
    "<s>Egypt</s> will meet <t>Israel</t>'s negotiators tomorrow.",
    "<s>Britain</s> is likely to sanction <t>Iran</t> again.",
    "<s>Kenya</s> is expected to deploy police to <t>Haiti</t> next month.",
    "<s>Biden</s> will travel to <t>Israel</t> on Wednesday.",
    "<s>Italy</s> will send a frigate to <t>Libya</t> next week.",
    "<s>Saudi Arabia</s> is slated to host <t>Iran</t>'s foreign minister.",
    "<s>Pakistan</s> shall return the detainees to <t>Afghanistan</t> on Monday.",
    "<s>India</s> will sign a trade pact with <t>Britain</t> this year.",
]

ALLEGED = [
    "<s>Russia</s> allegedly attacked <t>Ukraine</t>'s grid.",
    "<s>Iran</s> reportedly supplied drones to <t>Russia</t>.",
    "Kyiv claimed that <s>Russia</s> shelled <t>Ukraine</t>'s nuclear plant.",
    "Washington accused <s>China</s> of arming <t>Russia</t>.",  # what the accusation says is alleged
    "There is evidence that <s>North Korea</s> sent shells to <t>Russia</t>.",
    "<s>Belarus</s> is suspected of helping <t>Russia</t>.",
    "Rebels allege that <s>Sudan</s> bombed <t>Chad</t>.",
    "<s>Syria</s> purportedly gassed <t>Turkey</t>'s soldiers.",
    "Israel claims <s>Hezbollah</s> attacked <t>Israel</t>.",
    "<s>Venezuela</s> supposedly threatened <t>Guyana</t>.",
    "Seoul alleged that <s>North Korea</s> attacked <t>South Korea</t>'s networks.",
    "Tehran accused <s>Israel</s> of attacking <t>Iran</t>'s consulate.",
    "<s>Eritrea</s> apparently sent troops to <t>Ethiopia</t>.",
    "Officials claim <s>Myanmar</s> shelled <t>Bangladesh</t>.",
    "Ukraine charged that <s>Russia</s> deported <t>Ukraine</t>'s children.",
]

CASES = ([(s, "asserted") for s in ASSERTED] + [(s, "negated") for s in NEGATED]
         + [(s, "hypothetical") for s in HYPOTHETICAL] + [(s, "intended") for s in INTENDED]
         + [(s, "expected") for s in EXPECTED] + [(s, "alleged") for s in ALLEGED])


def test_the_table_has_at_least_eighty_sentences():
    assert len(CASES) >= 80


@pytest.mark.parametrize("marked, modality", CASES)
def test_modality(marked, modality):
    coding = code_pair(marked, "2024-06-21")
    assert coding.cameo is not None, coding.rationale
    assert coding.modality == modality, (coding.cameo, coding.trigger, coding.rationale[-1])
