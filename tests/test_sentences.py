"""Table-driven sentence tests: sentence -> (source, CAMEO prefix, target, modality[, date]).

Published on Friday 2024-06-21 unless a row says otherwise.
"""
import pytest

from detente.api import extract

pytestmark = pytest.mark.slow

CASES = [
    # voice
    ("Russia warned South Korea on Thursday.", "RUS", "13", "KOR", "asserted", "2024-06-20"),
    ("South Korea was warned by Russia on Monday.", "RUS", "13", "KOR", "asserted", "2024-06-17"),
    ("Hamas fired rockets at Israel on Saturday.", "PSE", "19", "ISR", "asserted", "2024-06-15"),
    # reported speech: the speaker is the source
    ("\"If Japan sends troops, Beijing will respond,\" Chinese Foreign Minister Wang Yi said.", "CHN", "13", "JPN", "asserted", None),
    ("Government spokesman Yoshimasa Hayashi said it was unacceptable for Russia to arm North Korea.", "JPN", "11", "RUS", "asserted", None),
    ("Iran claimed that Israel attacked its embassy in Damascus.", "ISR", "19", None, "alleged", None),
    # ... and the claim accuses Israel; claiming one's own act is claiming responsibility
    ("Iran claimed that Israel attacked its embassy in Damascus.", "IRN", "112", "ISR", "asserted", None),
    ("The US claimed that they had attacked Iraq.", "USA", "015", "IRQ", "asserted", None),
    # a noun event inside "engaged X in": the engager acts on X
    ("Syrian rebels engaged Filipino peacekeepers in a firefight.", "SYR", "193", "PHL", "asserted", None),
    # a hyphenated word the tokenizer splits is still the lexicon's word
    ("Hamas declared a cease-fire with Israel on Monday.", "PSE", "0871", "ISR", "asserted", "2024-06-17"),
    # the subject a passive verb shares with an active one is the passive subject, not the agent
    ("The Serbian interior minister was censured by Croatia on Monday and will visit Bosnia.", "SRB", "036", "BIH", "expected", None),
    # protesters whose words name no state protest where they are, against their own government
    ("Hundreds of opposition supporters rallied in Minsk on Sunday.", "BLR", "141", None, "asserted", "2024-06-16"),
    ("Thousands of demonstrators staged a protest in Baghdad against the government.", "IRQ", "141", "IRQ", "asserted", None),
    ("Russian opposition supporters held a rally against the government in Moscow.", "RUS", "141", "RUS", "asserted", None),
    # "had" carries an event noun; "between" names the parties of a passive; "of X, Y and Z" is each
    ("Trump had a phone conversation with Turkish President Recep Tayyip Erdogan on Monday.", "USA", "04", "TUR", "asserted", "2024-06-17"),
    ("A memorandum on the pipeline was signed between Cyprus, Greece and Israel.", "GRC", "057", "ISR", "asserted", None),
    ("The delegations of Cyprus, Greece and Israel met for their trilateral summit in Athens.", "ISR", "040", "CYP", "asserted", None),
    # a participle on a message is said by the message's author
    ("Mike Pompeo posted a message on Twitter blaming Iran for the attacks.", "USA", "112", "IRN", "asserted", None),
    # an appeal for action against a third party rallies opposition to it
    ("Ukraine urged Germany to impose sanctions against Russia.", "UKR", "113", "RUS", "asserted", None),
    # a threat that holds "unless" the target acts
    ("Nigeria announced that it will withdraw its peacekeepers from Chad unless President Idriss Deby arranges a ceasefire.", "NGA", "13", "TCD", "asserted", None),
    ("Russia will cut gas supplies to Ukraine unless Kyiv pays its debts.", "RUS", "131", "UKR", "asserted", None),
    ("Turkey would attack Kurdish fighters in Syria unless they withdrew.", "TUR", "138", "SYR", "asserted", None),
    # ... but a friendly act under "unless" stays a hypothesis
    ("France will sign the accord with Italy unless parliament objects.", "FRA", "057", "ITA", "hypothetical", None),
    # a measure's target inside its object; weapons and craft stand for their forces
    ("The US imposed sanctions on Iran.", "USA", "163", "IRN", "asserted", None),
    ("The EU lifted its embargo on Belarus.", "EU", "085", "BLR", "asserted", None),
    ("Israeli jets bombed Gaza City.", "ISR", "195", "PSE", "asserted", None),
    ("Israel struck Lebanon in 2019.", "ISR", "190", "LBN", "asserted", "2019-01-01"),
    ("Israel struck a deal with Hamas.", "ISR", "057", "PSE", "asserted", None),
    ("Russian missiles hit Kyiv.", "RUS", "190", "UKR", "asserted", None),
    # a state repressing its own people; protesters fighting their own police
    ("Turkey detained 20 Kurdish activists in Istanbul.", "TUR", "173", "TUR", "asserted", None),
    ("Russia arrested Russian journalists.", "RUS", "173", "RUS", "asserted", None),
    ("Protesters clashed with police in Nairobi.", "KEN", "145", "KEN", "asserted", None),
    # two conjoined parties of one country sign a truce with each other; a missile test shows force
    ("Sudan's army and the RSF signed a truce in Jeddah.", "SDN", "0871", "SDN", "asserted", None),
    ("North Korea test-fired a ballistic missile into the sea.", "PRK", "150", None, "asserted", None),
    # crowds of a people protesting a policy protest their own government; a threat aims at the threatened act's target
    ("Thousands of Israelis protested against the judicial overhaul in Tel Aviv.", "ISR", "141", "ISR", "asserted", None),
    ("Erdogan threatened to block Sweden's NATO membership.", "TUR", "13", "SWE", "asserted", None),
    # a stance held ("is opposed to"); a suspension of links with a partner
    ("Turkey is opposed to Swedish mediation in the talks with Armenia.", "TUR", "126", "SWE", "asserted", None),
    ("Greece announced a suspension of air links with Libya on Monday.", "GRC", "160", "LBY", "asserted", "2024-06-17"),
    # wanting another to act is an appeal to it; what another "must be ready to" do, a demand
    ("Poland wants Germany to pay reparations for the war.", "POL", "025", "DEU", "asserted", None),
    ("Erdogan said that the United States must be ready to mediate between Armenia and Azerbaijan.", "TUR", "108", "USA", "asserted", None),
    ("The US Senate asked President Biden to help Ukraine.", "USA", "023", "USA", "asserted", None),
    # a stated plan to tighten a blockade threatens one; a part in atrocities is a war crime
    ("NATO confirmed on Wednesday it would tighten the naval blockade of Libya.", "NATO", "1381", "LBY", "intended", None),
    ("The Kosovo prime minister was indicted by a Serbian court for his part in atrocities.", "SRB", "1124", "XKX", "asserted", None),
    # evacuating the wounded is aid; evacuating settlements a retreat; opening borders to people
    ("UN helicopters evacuated the wounded from the Syrian town of Idlib on Friday.", "UNO", "073", "SYR", "asserted", None),
    ("Israel will evacuate its settlements in Lebanon.", "ISR", "035", "LBN", "expected", None),
    ("Poland opened its borders to refugees from Ukraine.", "POL", "086", "UKR", "asserted", None),
    # a petition drive, a work boycott, police patrols ordered, an attempt on a life, a vow to fight
    ("Georgian opposition activists began collecting signatures against the Georgian government.", "GEO", "140", "GEO", "asserted", None),
    ("Armenian workers shunned work on Monday to protest against the Armenian government.", "ARM", "143", "ARM", "asserted", "2024-06-17"),
    ("The Pakistani government ordered patrols by police after riots in Karachi.", "PAK", "153", None, "asserted", None),
    ("Ethnic Serb rebels have sworn to fight until they gain control of villages near Kosovo's border.", "SRB", "138", "XKX", "intended", None),
    # refusing to comply with a demand rejects its maker
    ("Hamas refused to comply with a demand from the Egyptian president to release the hostages.", "PSE", "12", "EGY", "asserted", None),
    # attending a summit, battling for a base, stopping work
    ("Obama is scheduled to attend a summit in Switzerland on Iran.", "USA", "036", "CHE", "expected", None),
    ("Vietnamese and Cambodian forces were battling for control of a base near the border.", "KHM", "190", "VNM", "asserted", None),
    ("Some 500,000 Serbian workers stopped work on Monday over a controversial law.", "SRB", "143", None, "asserted", "2024-06-17"),
    # a government acts on its own country's people; allowing a rally eases dissent; closing a newspaper
    ("The Sudanese government lifted the curfew in Sudan on Monday.", "SDN", "0813", "SDN", "asserted", "2024-06-17"),
    ("Bashir has taken steps to enhance political freedoms in Sudan.", "SDN", "0811", "SDN", "asserted", None),
    ("The Pakistani interior minister allowed opposition leader Imran Khan to hold a rally in Lahore.", "PAK", "082", "PAK", "asserted", None),
    ("The Nicaraguan government ordered the opposition newspaper La Prensa to suspend publication.", "NIC", "1721", "NIC", "asserted", None),
    # conjunctions
    ("Russia and North Korea signed a defense pact on Wednesday.", "RUS", "057", "PRK", "asserted", "2024-06-19"),
    ("Russia and North Korea signed a defense pact on Wednesday.", "PRK", "057", "RUS", "asserted", "2024-06-19"),
    ("Russia signed a treaty with China last week.", "RUS", "057", "CHN", "asserted", "2024-06-10"),
    ("India and Pakistan agreed to hold talks in Geneva.", "IND", "03", "PAK", "asserted", None),
    # negation
    ("China did not condemn Russia's invasion of Ukraine.", "CHN", "111", "RUS", "negated", None),
    ("China did not condemn Russia's invasion of Ukraine.", "RUS", "19", "UKR", "asserted", None),
    # CAMEO codes a refusal as a rejection (12), aimed where the refused aid would have gone
    ("Japan refused to supply weapons to Ukraine.", "JPN", "12", "UKR", "asserted", None),
    ("Germany never sent tanks to Ukraine.", "DEU", "07", "UKR", "negated", None),
    # conditionals
    ("If Iran attacks Israel, the United States will defend Israel.", "IRN", "19", "ISR", "hypothetical", None),
    ("The Kremlin said it would retaliate if NATO deployed troops to Ukraine.", "RUS", "13", "NATO", "asserted", None),
    # intention, expectation
    # an intended or scheduled act takes CAMEO's intent code (data/intent_codes.tsv)
    ("Finland will give Tanzania a grant of 580 million shillings.", "FIN", "0331", "TZA", "expected", None),
    # what one state says another must do is its demand on that state
    ("French President Jacques Chirac said Iraq must cooperate fully with UN inspectors.", "FRA", "101", "IRQ", "asserted", None),
    # ... even when no row codes the demanded act, and when a noun carries it
    ("The International Labor Office reiterated its demand that Israel ease restrictions on Palestinian workers.", "ILO", "10", "ISR", "asserted", None),
    ("Russia said on Tuesday that Sudan must return a Mi-26 helicopter.", "RUS", "10", "SDN", "asserted", "2024-06-18"),
    ("Chirac issued a stern reminder to Iraq that it must cooperate with the inspectors.", "FRA", "10", "IRQ", "asserted", None),
    # two unnamed actors of one country are two parties when their sectors differ
    ("Georgian demonstrators launched missiles at the Georgian government.", "GEO", "19", "GEO", "asserted", None),
    # the accused of one's own state is a party apart from the accuser
    ("The Sudanese government has accused Darfur rebels of violating the ceasefire.", "SDN", "112", "SDN", "asserted", None),
    ("Opposition groups in Zimbabwe are demanding that President Mugabe abandon his land policy.", "ZWE", "10", "ZWE", "asserted", None),
    # targets: the addressee named by a modifier, the maker of a rejected call, where a measure applies
    ("Greece demanded that its European Community partners refuse to recognize Macedonia.", "GRC", "10", "EU", "asserted", None),
    ("Berlin rejected recent calls by Belarus's rulers for economic aid.", "DEU", "12", "BLR", "asserted", None),
    ("Serbia lifted a night curfew in Montenegro.", "SRB", "0813", "MNE", "asserted", None),
    ("Czechia and Albania have upgraded their diplomatic ties.", "CZE", "05", "ALB", "asserted", None),
    # an infinitive after a consensus or a decision is done by those who hold it, as an intention
    ("Israel and the Palestinians reached a consensus to exchange information on water.", "ISR", "0314", "PSE", "intended", None),
    # CAMEO codes a refusal as an asserted rejection; a plain negated fact stays negated
    ("Syria said it will not accept refugees from Iraq.", "SYR", "122", "IRQ", "asserted", None),
    ("Pakistan has refused to deploy peacekeepers in Iraq.", "PAK", "1224", "IRQ", "asserted", None),
    ("Israel did not meet Hamas.", "ISR", "040", "PSE", "negated", None),
    # a passive with no agent takes its source from the attack or the weapon it names
    ("Two civilians were killed in a Russian air strike on Aleppo.", "RUS", "18", "SYR", "asserted", None),
    ("Two Syrian soldiers were killed by Israeli fire near the Golan.", "ISR", "18", "SYR", "asserted", None),
    # a generic threat, appeal or demand takes its subcode from the act it names
    ("Israel threatened to ban voting in East Jerusalem.", "ISR", "132", "PSE", "asserted", None),
    ("Kenya urged Uganda to extradite the suspects.", "KEN", "0213", "UGA", "asserted", None),
    # between two named people, an attack is in words
    ("Biden attacked Trump for accumulating wealth.", "USA", "111", "USA", "asserted", None),
    # what one receives from another, the other gave
    ("Ukraine received military aid from Germany.", "DEU", "072", "UKR", "asserted", None),
    # a list in apposition is a list of parties
    ("The US, Russia, and Switzerland met yesterday.", "USA", "040", "CHE", "asserted", "2024-06-20"),
    # one side's exercises show force where they are held; a deed done to a thing is done to its owner
    ("Russia is conducting military exercises in Alaska.", "RUS", "150", "USA", "asserted", None),
    ("The Russian building was demolished by a Ukrainian protester.", "UKR", "1712", "RUS", "asserted", None),
    # a protest is aimed at whom its purpose names
    ("Algerian landowners began a hunger strike to demand the return of property seized by the Algerian army.", "DZA", "142", "DZA", "asserted", None),
    ("Demonstrators in Baghdad blocked a road to show their disapproval of the United States' policies.", "IRQ", "14", "USA", "asserted", None),
    ("Chechen refugees are continuing a hunger strike in protest of the Russian government's refusal to talk.", "RUS", "142", "RUS", "asserted", None),
    # people a state's police act on, named with no state, are that state's
    ("Liberian riot police used tear gas to disperse demonstrators in Monrovia.", "LBR", "175", "LBR", "asserted", None),
    # a row naming its object codes the pair; the object's own actors are the target
    ("Egyptian police prevented a rally staged by the Muslim Brotherhood.", "EGY", "1721", "EGY", "asserted", None),
    # a row naming its object codes the pair: no separate mediation event
    ("Syrian diplomats ended mediation efforts between Lebanese militias.", "SYR", "165", "LBN", "asserted", None),
    # the recipient of a double-object verb, and the addressee of a demand's that-clause
    ("The PRC on Tuesday demanded that the US cancel plans to sell weapons to Taiwan.", "CHN", "10", "USA", "asserted", None),
    ("Syria has again offered its troops to Lebanon's new President Elias Hrawi.", "SYR", "0334", "LBN", "asserted", None),
    # "ready to", "willing to": the subject of the copula acts; "about to" is imminent
    ("France is ready to contribute 4,000 troops to a peacekeeping force in Liberia.", "FRA", "0334", "LBR", "intended", None),
    ("France is about to restore full diplomatic ties with Iran.", "FRA", "032", "IRN", "expected", None),
    ("Germany plans to send tanks to Ukraine.", "DEU", "0332", "UKR", "intended", None),
    ("Turkey may send peacekeepers to Gaza, its foreign minister said.", "TUR", "0334", "PSE", "intended", None),
    ("The United States is expected to impose sanctions on Iran next week.", "USA", "1312", "IRN", "expected", "2024-06-24"),
    # relative dates
    ("Chinese Foreign Minister Wang Yi visited Moscow earlier this month.", "CHN", "042", "RUS", "asserted", "2024-06-01"),
    ("Russian forces shelled Kharkiv two days ago.", "RUS", "19", "UKR", "asserted", "2024-06-19"),
    ("Israeli troops killed three Palestinians in the West Bank yesterday.", "ISR", "19", "PSE", "asserted", "2024-06-20"),
    # metonymy: capitals and seats of power stand for the state
    ("Seoul summoned the Japanese ambassador on Friday.", "KOR", "114", "JPN", "asserted", "2024-06-21"),
    ("The White House condemned Moscow.", "USA", "111", "RUS", "asserted", None),
    ("Washington accused Beijing of espionage.", "USA", "112", "CHN", "asserted", None),
    ("The Kremlin praised Pyongyang.", "RUS", "051", "PRK", "asserted", None),
    # a verbal attack on a decision is criticism, not force
    ("Turkey attacked the decision of the United States.", "TUR", "111", "USA", "asserted", None),
]


@pytest.mark.parametrize("sentence, source, prefix, target, modality, day", CASES)
def test_sentence(sentence, source, prefix, target, modality, day):
    events = extract(sentence, published="2024-06-21")
    matches = [
        e for e in events
        if e.source.country == source and e.cameo.startswith(prefix)
        and (target is None or (e.target is not None and e.target.country == target))
    ]
    assert matches, f"no {source} -{prefix}-> {target} in {[(e.source.code, e.cameo, e.target and e.target.code) for e in events]}"
    assert matches[0].modality == modality
    if day:
        assert matches[0].date == day


@pytest.mark.parametrize("sentence, person, country, sector", [
    ("Russian President Vladimir Putin warned Japan.", "Vladimir Putin", "RUS", "GOV"),
    ("North Korean leader Kim Jong Un praised Russia.", "Kim Jong Un", "PRK", "GOV"),
    ("U.S. National Security Council spokesman John Kirby criticized China.", "John Kirby", "USA", "GOV"),
])
def test_people_resolve_to_country_and_sector(sentence, person, country, sector):
    sources = [e.source for e in extract(sentence, published="2024-06-21")]
    assert any((a.name, a.country, a.sector) == (person, country, sector) for a in sources), sources


def test_unknown_person_gets_country_from_context_with_low_confidence():
    text = "Japan protested on Monday. Deputy spokesman Taro Sato criticized China."
    events = extract(text, published="2024-06-21")
    sato = [e.source for e in events if e.source.name == "Taro Sato"]
    assert sato and sato[0].country == "JPN" and sato[0].sector == "GOV" and sato[0].confidence < 0.7


def test_surname_resolves_to_earlier_full_name():
    text = "Russian President Vladimir Putin visited Hanoi. Later, Putin warned South Korea."
    events = extract(text, published="2024-06-21")
    warn = [e for e in events if e.cameo.startswith("13")]
    assert warn and warn[0].source.name == "Vladimir Putin"


def test_military_nouns():
    events = extract("North Korean troops crossed the border into South Korea.", published="2024-06-21")
    assert any(e.source.code == "PRKMIL" for e in events)


@pytest.mark.parametrize("sentence", [
    "The president and Congress could not agree on a national budget.",   # domestic, no target
    "Waseem expressed no regret after his 2016 arrest.",                   # the possessor was arrested
    "John Smith criticized the plan.",                                     # a person of no known country
    "Authorities in Britain announced that 300 Americans were arrested.",  # the arrest's agent is unnamed
])
def test_no_event_without_a_usable_dyad(sentence):
    assert extract(sentence, published="2024-06-21") == []


def test_a_first_name_is_no_other_side():
    # "Jacob" of "Jacob Blake" matches a French opposition leader's surname; the other side of the
    # shooting is no one named, never France.
    events = extract("Police in Kenosha, Wisconsin shot Jacob Blake on Sunday.", published="2020-08-25")
    assert not [e for e in events if e.target is not None and e.target.country == "FRA"], events



@pytest.mark.parametrize("sentence", [
    "In mid-September, President Trump held his first indoor rally in three months, in Nevada.",  # a campaign rally
    "Kanye West held his first campaign rally in Charleston, South Carolina.",
    "The Russian government strengthened security measures during the rally.",  # the rally is not the government's
    "Russian police arrested fifty opposition supporters during the protest.",
])
def test_no_protest_by_the_wrong_side(sentence):
    events = extract(sentence, published="2020-10-01")
    assert not [e for e in events if e.cameo.startswith("14") and e.source.sector in ("GOV", "COP")], events


def test_what_an_appeal_asks_for_is_not_done():
    events = extract("Russia urged Ukraine to withdraw its troops and release prisoners.", published="2024-06-21")
    assert [e.cameo for e in events if e.source.country == "RUS"] and not [e for e in events if e.source.country == "UKR"], events
    events = extract("Kenya called on Britain to help finance the dam.", published="2024-06-21")
    assert not [e for e in events if e.cameo.startswith("07")], events


def test_the_sentence_verb_is_its_main_event_even_with_its_actors_unresolved(monkeypatch):
    from detente.coding.pair import code_sentence

    monkeypatch.setenv("DETENTE_FALLBACK", "0")
    coding = code_sentence("Druze villagers of the plateau threatened to strike unless Israel rescinded its annexation.")
    assert coding.cameo.startswith("13"), coding.rationale


def test_a_killing_in_shelling_is_one_event():
    events = extract("Four children were killed in Israeli tank shelling in Gaza on Friday.", published="2024-06-21")
    assert len([e for e in events if e.source.country == "ISR"]) == 1, events


def test_mobilizing_voters_is_no_military_mobilization():
    events = extract("Saudi Arabia mobilized pressure groups in the United States to support Palestinians.", published="2024-06-21")
    assert not [e for e in events if e.cameo.startswith("15")], events


def test_an_attempt_on_a_life_is_attempted_assassination(monkeypatch):
    from detente.coding.pair import code_sentence

    monkeypatch.setenv("DETENTE_FALLBACK", "0")
    assert code_sentence("An attempt to assassinate the governor of Kherson was thwarted by Ukrainian police.").cameo == "185"


def test_meeting_demands_is_no_meeting():
    events = extract("Belgrade met the demands of Serbian teachers for higher wages.", published="2024-06-21")
    assert not [e for e in events if e.cameo.startswith("04")], events


def test_wanting_a_thing_is_no_appeal():
    events = extract("Biden argued that the President did not want the election to take place.", published="2020-10-01")
    assert not [e for e in events if e.cameo.startswith("02")], events
