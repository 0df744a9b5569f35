"""Stage 4: find event triggers, their source and target, and code them in CAMEO and PLOVER.

Triggers come from the lexicon (`data/triggers.tsv`): verbs, nouns ("Putin's warning to South
Korea", "the pact between Russia and North Korea") and judgement adjectives in reported speech
("stated that it was unacceptable"). Arguments come from the dependency parse: subjects and
passive agents, objects, prepositional phrases, control ("decides to supply" takes the subject
of "decides"), and coordination ("X and Y signed" gives both directions). One construction is
coded without a trigger word: a conditional threat, "If X does A, we will do B".
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from ..coding import topics
from ..coding.modality import SPEECH_VERBS, infinitive, modality, refusal
from ..knowledge import cameo, cameo_codes, intent_code, refusal_code
from ..knowledge.lexicon import NOT_AN_EVENT, Rule, rules, word_classes
from ..model import Actor, Article, Event
from .actors import CONTEXT_GUESS, guessed_from_context

TARGET_PREPS = ("to", "with", "against", "on", "about", "toward", "towards", "at", "into", "for", "over", "of", "from", "between")
NOUN_TARGET_PREPS = ("to", "with", "against", "on", "toward", "towards", "into", "for", "of", "at")
SYMMETRIC_CODES = {"019", "030", "036", "040", "044", "046", "057", "060", "061", "062", "063", "064"}
SYMMETRIC_LEMMAS = {"clash", "fight"}
# Acts that two conjoined subjects do to each other ("the army and the RSF signed a truce"),
# though one party alone may do them to another ("Hamas declared a ceasefire with Israel").
MUTUAL_WHEN_CONJOINED = {"0871"}
STATE_SECTORS = {None, "GOV", "MIL", "IGO"}
# Non-finite and coordinated verbs take the subject of the verb they hang on; a finite complement
# clause ("announced that users were arrested") has its own, possibly unnamed, agent.
CONTROL_DEPS = ("xcomp", "conj", "pcomp", "advcl", "acl", "relcl", "prep", "pobj")
FORCE_ROOTS = {"15", "17", "18", "19", "20"}
GIVING_ROOTS = {"03", "05", "06", "07", "08"}
DOMESTIC_AUTHORITIES = {"COP", "JUD", "GOV"}
SHOW_OF_FORCE = ("15",)
INSTRUMENTS = {"missile", "rocket", "drone", "weapon", "bomb", "shell", "tank", "jet", "aircraft", "plane", "warplane",
               "helicopter", "artillery", "gun", "munition", "grenade", "mortar", "warship", "submarine", "gas", "round"}
ENGAGING_VERBS = {"engage", "involve", "draw", "drag"}
ATTACK_NOUNS = {"shelling", "attack", "strike", "airstrike", "raid", "bombing", "bombardment", "fire", "offensive",
                "assault", "ambush", "explosion", "blast", "crossfire", "clash", "clashes", "operation", "incursion"}
WORDS_WHEN_PERSONAL = {"190", "180"}  # generic attacks, which between two named people are verbal
POSSESSIVE_PRONOUNS = {"its", "their", "his", "her", "our", "my", "your"}
RECEIVING_VERBS = {"receive", "get", "obtain", "win", "secure"}
GIVING_VERBS = ("give", "provide", "offer")
MIRRORING_CODES = {"020", "030", "100", "120", "130"}
VERBAL_PURPOSES = {"01", "02", "10", "11", "12"}
CLAIM_VERBS = {"claim", "allege", "charge", "assert"}
ACTOR_WORD = "*actor*"  # the one word of class @actor (word_classes_01_05.tsv)
PART_NOUNS = {"part", "role", "involvement", "participation", "complicity"}
STATIVE_PASSIVES = {"oppose", "commit", "determine", "dedicate", "resolve"}  # "is opposed to", "is committed to"
MESSAGE_NOUNS = {"message", "statement", "letter", "tweet", "post", "note", "communique", "speech", "address", "report",
                 "declaration", "video", "interview", "editorial", "article", "remarks", "comments", "release", "notice"}
# "in protest of X", "in defiance of X" name whom a protest is aimed at; "in support of X" names
# an ally, never the target.
PURPOSE_NOUNS = {"protest", "defiance", "opposition", "response"}
# Nouns whose infinitive is done by whoever holds them ("reached a consensus to share data");
# a request, appeal or offer "to X" is done by someone else.
COMMITMENT_NOUNS = {"consensus", "decision", "step", "measure", "commitment", "pledge", "promise", "agreement",
                    "deal", "move", "bid", "effort", "attempt", "initiative", "readiness", "willingness", "vow",
                    "resolve", "determination", "intention", "plan"}
REFUSAL_VERBS = {"reject", "refuse", "cancel", "abandon", "drop", "deny", "oppose", "block", "shelve", "scrap"}
# Measures that apply to a population: "lifted the curfew in Montenegro" acts on Montenegro.
TERRITORIAL_CODES = ("081", "172")
FRAME_NOUNS = {"mission", "effort", "efforts", "bid", "campaign", "initiative", "process", "drive", "attempt"}
MEDIATION_CODES = {"045", "039", "028", "108", "038"}
OBLIGATION_MODALS = {"must", "should", "ought"}
DEMAND_VERBS = {"insist", "stress", "demand", "remind", "reiterate", "warn"}
SUBJUNCTIVE_DEMANDS = {"demand", "insist", "insistence"}
DEMAND_NOUNS = {"reminder", "demand", "call", "warning", "ultimatum", "insistence"}
ADDRESSEE_ROOTS = {"02", "10", "12", "13"}
MOTION_VERBS = {"arrive", "leave", "go", "come", "travel", "fly", "head", "depart", "return", "embark", "set", "land", "be"}
RESPONSE_VERBS = {"respond", "retaliate", "react", "act", "punish", "hit", "answer", "reciprocate"}
RESPONSE_OBJECTS = {"decision", "measure", "step", "action", "countermeasure", "response"}
COOPERATIVE_WORDS = {"help", "support", "aid", "assist", "reward", "lift", "ease", "cooperate", "welcome", "consider"}


@dataclass
class Candidate:
    """An event under construction: mutable until it is frozen into an `Event`."""

    anchor: object  # token whose clause carries modality, date and place
    trigger_tokens: list
    code: str
    rule: str
    source: Actor | None = None
    target: Actor | None = None
    why: list[str] = field(default_factory=list)
    modality: tuple[str, str] | None = None
    confidence: float = 0.9
    carry: bool = False
    notarget: bool = False
    governs: int | None = None  # the complement verb this event's row already codes
    governs_nouns: frozenset = frozenset()  # object nouns this event's row already codes
    means: frozenset = frozenset()  # attacks a passive names as its means: the same event


class EventFinder:
    def __init__(self, article: Article):
        self.article = article
        self.doc = article.doc
        self.text = article.doc.text
        self.actors = article.resolver
        self.rules = rules()
        self.loose = False  # pair coding: fall back to a trigger's least specific row

    # -- arguments ------------------------------------------------------------------------

    def _resolve_list(self, tokens, with_modifiers=False) -> list[Actor]:
        out = []
        for t in tokens:
            out.extend(self.actors.actors(t, with_modifiers=with_modifiers))
        return out

    def subjects(self, verb, depth=0) -> tuple[list[Actor], str]:
        """Who did it: the subject, the passive agent, or the controller of a non-finite verb."""
        for child in verb.children:
            if child.dep_ in ("nsubj", "csubj"):
                if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    return self.actors.actors(verb.head), f"relative clause on '{verb.head.text}'"
                found = self.actors.actors(child)
                guessed = len(found) == 1 and guessed_from_context(found[0])
                if (not found or guessed) and self._protest_clause(verb):
                    # the venue of a protest says more than the country named sentences before
                    located = self._protesters_by_venue(verb, child)
                    if located[0] or not found:
                        return located
                return found, f"subject '{found[0].text if found else child.text}'"
            if child.dep_ == "agent":
                objs = [g for g in child.children if g.dep_ == "pobj"]
                found = self._resolve_list(objs)
                if not found:
                    # "killed by Israeli tank fire", "hit by a US drone": the weapon's owner
                    found = [a for o in objs for a in self.actors.modifier_actors(o)]
                    return found, "owner of the passive agent 'by'"
                return found, "passive agent 'by'"
        if verb.dep_ == "acomp" and verb.head.pos_ in ("AUX", "VERB") and depth < 4:
            # "Turkey is opposed to …" parsed with "opposed" as the copula's complement
            found, why = self.subjects(verb.head, depth + 1)
            return found, f"{why} (via '{verb.head.text}')" if found else why
        if verb.lemma_.lower() in STATIVE_PASSIVES:
            # "Israel is opposed to French mediation": the passive subject holds the stance
            held = [c for c in verb.children if c.dep_ == "nsubjpass"]
            if held:
                found = self.actors.actors(held[0])
                return found, f"subject '{found[0].text if found else held[0].text}' of '{verb.text}'"
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            # "were killed in Israeli tank shelling": the attack named with its owner
            for prep, obj in self._prep_objects(verb, ("in", "during")):
                military = [a for a in self.actors.actors(obj) if a.sector == "MIL"]  # "in Israeli tank fire"
                found = military or (self.actors.modifier_actors(obj) if obj.lemma_.lower() in ATTACK_NOUNS else [])
                if found:
                    return found, f"owner of the '{obj.text}' the passive names"
            return [], "passive with no agent"
        if verb.dep_ == "acl" and verb.tag_ == "VBG":
            # "Pompeo posted a message on Twitter blaming Iran": the author of the message
            message = verb.head
            if message.dep_ == "pobj" and message.head.dep_ == "prep":
                message = message.head.head
            if message.lemma_.lower() in MESSAGE_NOUNS and message.head.pos_ in ("VERB", "AUX") and message.dep_ in ("dobj", "nsubjpass"):
                found, why = self.subjects(message.head, depth + 1)
                return found, f"{why}, author of the '{message.text}'"
        if verb.dep_ == "acl" and verb.tag_ == "VBD" and verb.head.pos_ in ("NOUN", "PROPN"):
            # "Palestinian youths resorted to …" misparsed as a modifier of "youths": a finite
            # past tense is the noun's own act.
            found = self.actors.actors(verb.head)
            return found, f"subject '{found[0].text if found else verb.head.text}' (finite verb parsed as a modifier)"
        if (depth < 4 and verb.dep_ == "acl" and infinitive(verb)
                and verb.head.dep_ in ("dobj", "attr") and verb.head.head.pos_ in ("VERB", "AUX")
                and verb.head.lemma_.lower() in COMMITMENT_NOUNS
                and verb.head.head.lemma_.lower() not in REFUSAL_VERBS):
            # "reached a consensus to exchange data", "took steps to ease": the one who holds the
            # consensus or takes the steps acts.
            found, why = self.subjects(verb.head.head, depth + 1)
            return found, f"{why} (via '{verb.head.text} to')" if found else why
        if depth < 4 and verb.dep_ in CONTROL_DEPS and verb.head.i != verb.i:
            head = verb.head
            if verb.dep_ in ("pobj",) or head.pos_ == "ADP":
                head = head.head
            if head.pos_ == "ADJ" and head.dep_ == "acomp":
                head = head.head  # "France is ready to contribute troops": the subject of "is"
            if verb.dep_ == "xcomp":
                passive_subject = [c for c in head.children if c.dep_ == "nsubjpass"]
                objects = [c for c in head.children if c.dep_ == "dobj"]
                if passive_subject:
                    return self.actors.actors(passive_subject[0]), f"subject of '{head.text}'"
                if objects and self.actors.actors(objects[0]) and head.lemma_.lower() in ("urge", "ask", "call", "force", "order", "tell", "allow", "help", "encourage", "press", "want", "wish", "pressure", "push", "persuade", "convince", "invite", "request", "require"):
                    return self.actors.actors(objects[0]), f"object of '{head.text}'"
            if verb.dep_ == "conj" and not any(c.dep_ == "auxpass" for c in verb.children):
                shared = [c for c in head.children if c.dep_ == "nsubjpass"]
                if shared:
                    # "was indicted by the court and will resign": the subject both verbs share
                    # is the passive one, not the court.
                    found = self.actors.actors(shared[0])
                    return found, f"subject '{found[0].text if found else shared[0].text}' shared with '{head.text}'"
            if verb.dep_ == "pcomp" and verb.head.lower_ in ("of", "for") and head.pos_ == "VERB":
                # "accused China of arming Russia", "suspected of helping": the object (or the
                # passive subject) of the accusing verb did it.
                accused = [c for c in head.children if c.dep_ in ("dobj", "nsubjpass")]
                if accused and self.actors.actors(accused[0]):
                    return self.actors.actors(accused[0]), f"the one '{head.text}' names (via '{verb.head.text}')"
            if head.pos_ in ("VERB", "AUX") and verb.dep_ != "relcl":
                found, why = self.subjects(head, depth + 1)
                return found, f"{why} (via '{head.text}')" if found else why
        return [], "no subject"

    def _protest_clause(self, verb) -> bool:
        """ "rallied", "staged a protest": a verb that protests, or carries a protest noun."""
        heads = [verb] + [c for c in verb.children if c.dep_ == "dobj"]
        return any(rule.code.startswith("14") for head in heads for rule in self.rules_for(head))

    def _protesters_by_venue(self, verb, subject) -> tuple[list[Actor], str]:
        """ "Hundreds of opposition supporters rallied in Minsk": protesters whose own words name
        no state are of the state where they protest."""
        actor = self.actors.resolve(subject)
        if actor is None or (actor.country and not guessed_from_context(actor)):
            return [], f"subject '{subject.text}', of no known state"
        actor = replace(actor, basis=actor.basis.split(CONTEXT_GUESS)[0])
        venues = self._prep_objects(verb, ("in", "outside", "across", "throughout"))
        # "clashed with police in Tbilisi": the venue may be parsed onto whom they faced
        venues += [v for _, faced in self._prep_objects(verb, ("with", "against")) for v in self._prep_objects(faced, ("in",))]
        for prep, obj in venues:
            # "outside parliament in Tbilisi": the place may sit inside the phrase
            place = next((a for t in obj.subtree for a in self.actors.actors(t) if a.country), None)
            if place is not None:
                located = replace(actor, country=place.country, confidence=round(actor.confidence * 0.8, 2),
                                  basis=f"{actor.basis}; of {place.country}, where they protest ('{prep} {obj.text}')")
                return [located], f"subject '{subject.text}', protesting '{prep} {obj.text}'"
        return [], f"subject '{subject.text}', of no known state"

    @staticmethod
    def _domestic(verb, local: Actor | None, source: Actor | None, code: str) -> Actor | None:
        """ "Liberian police dispersed demonstrators", "Turkey detained 20 activists": people a
        state or its police or courts repress, named with no state of their own, are that state's."""
        if source is None or not source.country or code[:2] != "17" or source.sector not in DOMESTIC_AUTHORITIES | {None}:
            return None
        if source.sector is None and modality(verb)[0] != "asserted":
            return None  # "Mexico would seek to charge the gunman": one a state means to pursue may be abroad
        if local is None or not local.sector or local.country:
            return None
        return replace(local, country=source.country, confidence=round(local.confidence * 0.7, 2),
                       basis=f"{local.basis}; in the state of '{source.text}', which acts on them")

    def _prep_objects(self, token, preps) -> list[tuple[str, object]]:
        found = []
        for child in token.children:
            if child.dep_ in ("prep", "dative") and child.lower_ in preps:
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        found.append((child.lower_, obj))
        found.sort(key=lambda item: preps.index(item[0]))
        return found

    def _deep_target(self, token, exclude: set[int], code: str) -> tuple[list[Actor], str]:
        """An actor named in the object phrase: "the issue of arms support to Ukraine"; for a
        measure imposed or lifted, "sanctions on Iran" (a topic, "talks on Ukraine", names none)."""
        measure = code[:2] == "08" or cameo(code).quad_class in (3, 4)
        frontier = [c for c in token.children if c.dep_ in ("dobj", "attr", "nsubjpass", "prep", "dative", "pobj", "xcomp")]
        seen = 0
        while frontier and seen < 40:
            node = frontier.pop(0)
            seen += 1
            inside_object = node.head.head.i != token.i  # "a curfew in Montenegro", not "met in Geneva"
            preps = ("to", "for", "with", "against", "toward", "towards") + (("in", "from") if inside_object else ()) \
                + (("on",) if inside_object and measure else ())
            if node.dep_ == "pobj" and node.head.lower_ in preps and node.i not in exclude:
                if node.head.lower_ == "in":
                    # "a curfew in Montenegro" names the state acted on; "talks in Geneva" and
                    # "in the Egyptian square" name a venue.
                    found = [a for a in self.actors.actors(node) if a.sector is None]
                else:
                    found = self.actors.actors(node) or self.actors.modifier_actors(node)
                if found:
                    return found, f"'{node.head.text} {node.text}' inside the object"
            if node.dep_ in ("relcl", "ccomp", "advcl"):
                continue
            frontier.extend(node.children)
        return [], ""

    def verb_targets(self, verb, source_ids: set[int], code: str, source: Actor | None = None) -> tuple[list[Actor], str]:
        for child in verb.children:
            if (child.dep_ in ("dobj", "iobj", "nsubjpass") or (child.dep_ == "dative" and child.pos_ != "ADP")) and child.i not in source_ids:
                found = self.actors.actors(child)
                if found and source is not None and child.dep_ == "dobj" and (
                        all(self._same(source, a) and not self._own_people(code, source, a) for a in found)
                        or (code[:2] in GIVING_ROOTS and all(a.country == source.country for a in found))):
                    continue  # "offered its troops to Lebanon": the source's own people are what is given
                if found:
                    return found, f"object '{found[0].text}'"
        for prep, obj in self._prep_objects(verb, TARGET_PREPS):
            found = self.actors.actors(obj, with_modifiers=prep in ("on", "about", "over"))
            if found:
                return found, f"'{prep} {found[0].text}'"
        for child in verb.children:
            if child.dep_ in ("dobj",):
                # "commented on the Russian-North Korean agreement": a statement is about the
                # actors of its topic. A deed is not aimed at the makers of its instrument.
                found = []
                if cameo(code).quad_class in (1, 3):
                    found = self.actors.modifier_actors(child)
                    for prep, obj in self._prep_objects(child, ("by", "of", "between")):
                        found = found or self.actors.actors(obj) or self.actors.modifier_actors(obj)
                    # "A, B and C welcomed their resumption of ties": the subjects' own words
                    # for themselves name no target.
                    subjects = [t for s in verb.children if s.dep_ == "nsubj" for t in (s, *s.conjuncts)]
                    own = {a.country for a in self._resolve_list(subjects)}
                    found = [a for a in found if (source is None or not self._same(source, a)) and a.country not in own]
                if found:
                    return found, f"actors modifying the object '{child.text}'"
        if code[:2] in FORCE_ROOTS:
            # "demolished Palestinian homes", "the Russian building was demolished": a deed done
            # to a thing is done to its owner, unless the thing is the weapon used.
            for child in verb.children:
                if child.dep_ in ("dobj", "nsubjpass") and child.lemma_.lower() not in INSTRUMENTS:
                    # A possessive pronoun's owner is a guess ("crowds burned down its embassy"):
                    # only a named owner is the target.
                    found = [a for a in self.actors.modifier_actors(child)
                             if (source is None or not self._same(source, a)) and a.text.lower() not in POSSESSIVE_PRONOUNS]
                    if found:
                        return found, f"owner of '{child.text}'"
        if code[:2] in ADDRESSEE_ROOTS or code[:2] == "08":
            # "demanded that the US cancel the sale": a demand or an appeal is aimed at the one
            # asked to act; "allowed the opposition leader to hold a rally", at the one allowed.
            for clause in verb.children:
                if clause.dep_ == "ccomp":
                    for subj in clause.children:
                        if subj.dep_ in ("nsubj", "nsubjpass") and subj.pos_ != "PRON":
                            found = self.actors.actors(subj) or self.actors.modifier_actors(subj)
                            found = [a for a in found if source is None or not self._same(source, a)]
                            if found:
                                return found, f"'{found[0].text}', asked to act in the that-clause"
        for child in verb.children:
            if child.dep_ in ("dobj", "nsubjpass") and child.i not in source_ids:
                local = self._domestic(verb, self.actors.resolve(child), source, code)
                if local is not None:
                    return [local], f"object '{local.text}', of the acting state"
        if code[:2] == "13":
            # "threatened to block Sweden's membership": a threat is aimed at whom the threatened act is
            for clause in (c for c in verb.children if _complement(c)):
                found, why = self.verb_targets(clause, source_ids, code, source)
                if found:
                    return found, f"{why} of the threatened '{clause.text}'"
        if code.startswith(TERRITORIAL_CODES):
            for prep, obj in self._prep_objects(verb, ("in",)):
                found = [a for a in self.actors.actors(obj) if a.sector is None]
                if found:
                    return found, f"'in {found[0].text}', where the measure applies"
        return self._deep_target(verb, source_ids, code)

    def noun_arguments(self, noun) -> tuple[list[Actor], list[Actor], str, str, bool]:
        """Source and target of a nominal event; the last item says if the pair is symmetric."""
        sources: list[Actor] = []
        targets: list[Actor] = []
        s_why = t_why = ""
        has_possessor = False
        for child in noun.children:
            if child.dep_ == "poss":
                has_possessor = True
                sources = self.actors.actors(child)
                s_why = f"possessor '{child.text}'"
        for prep, obj in self._prep_objects(noun, ("between", "among")):
            both = self.actors.actors(obj)
            if len(both) >= 2:
                return both, [], f"'{prep} {obj.text} …'", "", True
        by_phrases = self._prep_objects(noun, ("by",))
        for participle in noun.children:
            if participle.dep_ == "acl" and participle.tag_ == "VBN":
                # "the demonstration staged by students", "the attack carried out by Hamas"
                by_phrases += [("by", obj) for agent in participle.children if agent.dep_ == "agent"
                               for obj in agent.children if obj.dep_ == "pobj"]
        for prep, obj in by_phrases:
            by_actors = self.actors.actors(obj)
            if len(by_actors) >= 2 and not sources:
                matched = self.match(noun, by_actors[0])
                if matched and matched[0][0].code in SYMMETRIC_CODES:
                    return by_actors, [], f"'by {obj.text} …'", "", True
            sources = sources or by_actors
            s_why = s_why or f"'by {obj.text}'"
        for prep, obj in self._prep_objects(noun, NOUN_TARGET_PREPS):
            found = self.actors.actors(obj)
            if found:
                targets, t_why = found, f"'{prep} {found[0].text}'"
                break
        if not targets:
            # "a suspension of air links with Serbia": the partner of what is suspended
            for _, of_obj in self._prep_objects(noun, ("of",)):
                for prep, obj in self._prep_objects(of_obj, ("with", "to", "against")):
                    found = self.actors.actors(obj)
                    if found:
                        targets, t_why = found, f"'{prep} {found[0].text}' of '{of_obj.text}'"
                        break
        if not sources:
            modifiers = self.actors.modifier_actors(noun)
            if len(modifiers) >= 2:
                return modifiers, [], "modifiers " + " and ".join(a.text for a in modifiers), "", True
            if modifiers:
                sources, s_why = modifiers, f"modifier '{modifiers[0].text}'"
        governor = noun.head
        if has_possessor and not sources:
            pass  # "his visit" with "his" unresolved: the frame's subject would be a guess
        elif not sources and noun.dep_ in ("dobj", "attr") and governor.pos_ in ("VERB", "AUX") and governor.lemma_.lower() in word_classes()["light"]:
            sources, why = self.subjects(governor)
            s_why = f"{why} of '{governor.text}'"
        elif (not sources and noun.dep_ == "pobj" and governor.head.pos_ in ("VERB", "AUX") and governor.lower_ in ("after", "before", "during", "following", "since", "upon")
              and not any(rule.code.startswith("14") for rule in self.rules_for(noun))):
            # "Putin warned Japan during his visit" - but "police arrested fifty during the
            # protest": a protest is seldom made by whoever acts around it.
            sources, why = self.subjects(governor.head)
            s_why = f"{why} of '{governor.head.text}' (the event noun's frame)"
        elif (not sources and noun.dep_ == "pobj" and governor.lower_ in ("on", "for")
              and governor.head.lemma_.lower() in MOTION_VERBS):
            # "Saddam Hussein arrived in Amman on a visit", "left for talks in Moscow"
            mover = governor.head
            sources, why = self.subjects(mover)
            s_why = f"{why} of '{mover.text}' (who came for the event)"
            if not targets:
                for prep, obj in self._prep_objects(mover, ("in", "to", "at", "for")):
                    found = self.actors.actors(obj)
                    if found and obj.i != noun.i:
                        targets, t_why = found, f"'{prep} {obj.text}' on '{mover.text}'"
                        break
        if (not sources and noun.dep_ == "pobj" and governor.lower_ == "in" and governor.head.pos_ == "VERB"
                and governor.head.lemma_.lower() in ENGAGING_VERBS):
            # "Syrian rebels engaged Filipino peacekeepers in a firefight"
            verb = governor.head
            sources, why = self.subjects(verb)
            s_why = f"{why} of '{verb.text}'"
            objects = [c for c in verb.children if c.dep_ == "dobj"]
            if objects and not targets:
                targets = self.actors.actors(objects[0])
                t_why = f"object of '{verb.text}'"
        if not targets and noun.dep_ in ("dobj",) and governor.pos_ == "VERB" and governor.lemma_.lower() in word_classes()["light"]:
            for prep, obj in self._prep_objects(governor, TARGET_PREPS):
                found = self.actors.actors(obj)
                if found:
                    targets, t_why = found, f"'{prep} {obj.text}' on '{governor.text}'"
                    break
        return sources, targets, s_why, t_why, False

    def adjective_arguments(self, adj) -> tuple[list[Actor], list[Actor], str, str]:
        """ "X stated that it was unacceptable for Y to…": the speaker judges Y. "The US is ready
        to mediate": a readiness is its holder's."""
        complement = next((c for c in adj.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if complement is not None and adj.dep_ == "acomp" and adj.head.pos_ in ("AUX", "VERB"):
            holders, why = self.subjects(adj.head)
            if holders:
                targets, t_why = self.verb_targets(complement, {t.i for t in adj.head.children if t.dep_ == "nsubj"}, "030", holders[0])
                return holders, targets, why, f"{t_why} of '{complement.text}'" if targets else ""
        node = adj
        speaker: list[Actor] = []
        s_why = ""
        for _ in range(6):
            if node.head.i == node.i:
                break
            node = node.head
            if node.lemma_.lower() in SPEECH_VERBS or node.lemma_.lower() in ("call", "describe", "find", "consider", "deem"):
                speaker, why = self.subjects(node)
                s_why = f"speaker: {why} of '{node.text}'"
                break
        clause = adj.head if adj.dep_ in ("acomp", "amod", "oprd") else adj
        source_ids = {a.start for a in speaker}
        targets = []
        for token in clause.subtree:
            if token.i == adj.i or token.dep_ in ("compound", "amod"):
                continue
            actor = self.actors.resolve(token)
            if actor is not None and actor.country and actor.start not in source_ids and token.pos_ != "PRON":
                targets = [actor]
                break
        return speaker, targets, s_why, "the actor judged in the clause" if targets else ""

    # -- rule matching ----------------------------------------------------------------------

    @staticmethod
    def _words(token, depth: int = 0) -> set[str]:
        """A phrase's head word and its modifiers; through "of", what a measure or a part is of
        ("tons of food aid", "a batch of weapons", "the release of prisoners")."""
        words = {token.lemma_.lower(), token.lower_, *_hyphen_forms(token)}
        for child in token.children:
            if child.dep_ in ("amod", "compound", "nmod") or (child.dep_ == "nummod"):
                words |= {child.lemma_.lower(), child.lower_}
            elif child.dep_ == "prep" and (child.lower_ == "of" or (child.lower_ == "in" and token.lemma_.lower() in PART_NOUNS)) and depth < 2:
                # "for his part in atrocities": what one had a part in
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        words |= EventFinder._words(obj, depth + 1)
            elif child.dep_ == "dobj" and token.pos_ == "VERB" and depth < 2:
                words |= EventFinder._words(child, depth + 1)  # "of violating human rights"
        return words

    def _objects(self, token) -> list:
        if token.pos_ in ("NOUN", "PROPN"):
            return [token]
        objs = [c for c in token.children if c.dep_ in ("dobj", "attr", "oprd") or (c.dep_ == "nsubjpass")]
        # "wants Germany to pay", parsed as an infinitive clause with its own subject: that
        # subject is the verb's object
        objs += [s for c in token.children if c.dep_ == "ccomp" and infinitive(c) for s in c.children if s.dep_ == "nsubj"]
        return [o2 for o in objs for o2 in (o, *o.conjuncts)]

    def _condition_holds(self, cond, token, obj, source: Actor | None) -> bool:
        any_word = "*" in cond.words
        if cond.key == "obj":
            if ACTOR_WORD in cond.words:  # obj=@actor: the object is a party, not a thing
                return obj is not None and bool(self.actors.actors(obj))
            return obj is not None and (any_word or bool(self._words(obj) & cond.words))
        if cond.key == "prep":
            return any(p.lower_ in cond.words for p in token.children if p.dep_ in ("prep", "dative", "agent"))
        if cond.key == "pobj":
            for p in token.children:
                if p.dep_ in ("prep", "dative") and p.lower_ == cond.prep:
                    for o in p.children:
                        if o.dep_ in ("pobj", "pcomp") and (any_word or self._words(o) & cond.words):
                            return True
            return False
        if cond.key == "prt":
            return any(c.dep_ == "prt" and c.lower_ in cond.words for c in token.children)
        if cond.key == "xcomp":
            # "wants Germany to pay" is parsed both ways: an object and an infinitive, or an
            # infinitive clause with its own subject
            return any((_complement(c) or (c.dep_ == "acl" and infinitive(c))) and (any_word or c.lemma_.lower() in cond.words)
                       for c in token.children)  # a noun's too: "an attempt to assassinate"
        if cond.key == "gov":
            return token.dep_ in ("dobj", "nsubjpass", "pobj", "attr") and token.head.lemma_.lower() in cond.words
        if cond.key == "subj":
            if source is None:
                return False
            sector = source.sector
            return sector in cond.words or ("STATE" in cond.words and sector in STATE_SECTORS)
        return False

    def rules_for(self, token) -> tuple[Rule, ...]:
        pos = "NOUN" if token.pos_ == "PROPN" else token.pos_
        for form in _hyphen_forms(token):
            if (form, pos) in self.rules:
                return self.rules[(form, pos)]  # "cease-fire" is a ceasefire, not a fire
        return self.rules.get((token.lemma_.lower(), pos)) or self.rules.get((token.lower_, pos)) or ()

    def match(self, token, source: Actor | None) -> list[tuple[Rule, object]]:
        candidates = self.rules_for(token)
        if not candidates:
            return []
        objects = self._objects(token) or [None]
        chosen: dict[str, tuple[Rule, object]] = {}
        idiom = False
        for obj in objects:
            for rule in candidates:
                if all(self._condition_holds(c, token, obj, source) for c in rule.conditions):
                    if rule.code == NOT_AN_EVENT:
                        idiom = True  # "seized the opportunity": the words are no event here
                    else:
                        chosen.setdefault(rule.code, (rule, obj))
                    break
        if not chosen and self.loose and not idiom and not self._vague(token):
            # Re-coding a marked pair: a known trigger whose conditions the parse does not show
            # still says more than nothing; its least specific row stands, at lower confidence.
            meaningful = [r for r in candidates if r.code != NOT_AN_EVENT]
            if meaningful:
                return [(min(meaningful, key=lambda r: r.specificity), objects[0])]
        return list(chosen.values())

    @staticmethod
    def _vague(token) -> bool:
        """Verbs whose meaning lies in their object ("announced sanctions", "took steps"): only
        a row whose conditions hold may code them."""
        lemma = token.lemma_.lower()
        return lemma in SPEECH_VERBS or lemma in word_classes()["light"] or lemma in ("announce", "say", "issue", "express")

    # -- candidates -------------------------------------------------------------------------

    def candidates(self) -> list[Candidate]:
        found: list[Candidate] = []
        for token in self.doc:
            if token.pos_ not in ("VERB", "NOUN", "PROPN", "ADJ"):
                continue
            if not self.rules_for(token):
                continue
            if token.pos_ == "VERB":
                found.extend(self._verb_candidates(token))
            elif token.pos_ == "ADJ":
                found.extend(self._adjective_candidates(token))
            else:
                found.extend(self._noun_candidates(token))
        found.extend(self._conditional_threats())
        return found

    def prepared(self) -> list[Candidate]:
        """The candidates with reported demands and claims resolved and what another event's
        row already codes dropped: what `complete` and pair coding start from."""
        raw = self.candidates()
        self.reported_demands(raw)
        return self.drop_governed(raw)

    def bare_triggers(self) -> list[Candidate]:
        """Every trigger whose row matches, with no actors: what a sentence is about when the
        parse links no party to it (sentence-level coding only)."""
        found = []
        for token in self.doc:
            if token.pos_ in ("VERB", "NOUN", "PROPN", "ADJ") and self.rules_for(token):
                for rule, _ in self.match(token, None):
                    found.append(Candidate(token, self._trigger_tokens(token), rule.code, rule.describe(), None, None,
                                           [f"trigger '{token.text}': {rule.describe()}"], confidence=0.5))
        return found

    def _trigger_tokens(self, token) -> list:
        return [token] + [c for c in token.children if c.dep_ == "prt"]

    def _mirrored(self, verb, code: str) -> tuple[str, object] | None:
        """A generic promise, appeal, demand, refusal or threat takes its subcode from the act it
        names ("threatened to ban voting" is 1322, "urged Uganda to extradite" 0213): CAMEO's
        03, 02, 10, 12 and 13 families mirror the acts' own codes."""
        if code not in MIRRORING_CODES:
            return None
        for complement in verb.children:
            if complement.dep_ not in ("xcomp", "ccomp") or complement.pos_ != "VERB":
                continue
            rows = self.match(complement, None)
            if not rows:
                continue
            act = rows[0][0].code
            if act in ("060", "030"):
                continue  # "agreed to cooperate" is CAMEO's own 030, not material cooperation
            if code == "120":
                mirrored = refusal_code(act)
            elif code == "130":
                mirrored = intent_code(act) if (intent_code(act) or "").startswith("13") else None
            else:
                intent = intent_code(act) if act[:2] not in ("02", "03", "10", "13") else act
                mirrored = (code[:2] + intent[2:]) if intent and intent[:2] == "03" else None
            if mirrored and mirrored in cameo_codes() and mirrored != code:
                return mirrored, complement
        return None

    def _rallied_against(self, verb, source: Actor) -> Actor | None:
        """The party an appeal asks others to act against: "against X" in what is asked for."""
        asked = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp", "dobj")]
        asked += [o for p in verb.children if p.dep_ == "prep" and p.lower_ == "for" for o in p.children if o.dep_ == "pobj"]
        for head in asked:
            for token in head.subtree:
                if token.dep_ == "prep" and token.lower_ == "against":
                    for obj in token.children:
                        found = [a for a in self.actors.actors(obj) if not self._same(a, source)]
                        if obj.dep_ == "pobj" and found:
                            return found[0]
        return None

    def _received(self, verb) -> list[Candidate]:
        """ "The rebels received weapons from the government": what one receives from another,
        the other gave. Coded with the rows of 'give' and 'provide', giver as the source."""
        givers = [a for _, obj in self._prep_objects(verb, ("from",)) for a in self.actors.actors(obj)]
        receivers, r_why = self.subjects(verb)
        if not givers or not receivers:
            return []
        for obj in self._objects(verb):
            for lemma in GIVING_VERBS:
                for rule in self.rules.get((lemma, "VERB"), ()):
                    if rule.conditions and all(c.key == "obj" and self._condition_holds(c, verb, obj, None) for c in rule.conditions):
                        return [Candidate(verb, self._trigger_tokens(verb), rule.code, rule.describe(), giver, receiver,
                                          [f"'{verb.text}' {obj.text} from '{giver.text}': given, as {rule.describe()}",
                                           f"target: the receiver, {r_why}"], confidence=0.8)
                                for giver in givers for receiver in receivers if not self._same(giver, receiver)]
        return []

    def _verb_candidates(self, verb) -> list[Candidate]:
        if verb.lemma_.lower() in RECEIVING_VERBS and not self.match(verb, None):
            return self._received(verb)
        sources, s_why = self.subjects(verb)
        if not sources and any(c.dep_ == "auxpass" for c in verb.children):
            # "a memorandum was signed between Cyprus, Greece and Israel"
            parties = [a for _, obj in self._prep_objects(verb, ("between", "among")) for a in self.actors.actors(obj)]
            if len({a.country for a in parties}) >= 2:
                return [c for rule, _ in self.match(verb, parties[0]) if rule.code in SYMMETRIC_CODES
                        for c in self._pairwise(parties, verb, rule, f"'between' the parties of passive '{verb.text}'")][:30]
        relations = self._relation_nouns()
        mutual = any(c.dep_ == "dobj" and c.lemma_.lower() in relations
                     and any(p.dep_ == "poss" and p.lower_ == "their" for p in c.children)
                     for c in verb.children)  # "Czechia and Albania upgraded their ties"
        means = self._means_of_passive(verb)
        out = []
        for source in sources or [None]:
            for rule, obj in self.match(verb, source):
                if source is None:
                    continue
                base_code = rule.code
                mirrored = self._mirrored(verb, rule.code)
                if mirrored is not None:
                    code, act = mirrored
                    rule = replace(rule, code=code)
                    rows_why = f"; the act named, '{act.text}', gives the subcode"
                else:
                    rows_why = ""
                opposed = self._rallied_against(verb, source) if rule.code[:2] == "02" else None
                if opposed is not None:
                    # "called for sanctions against Nigeria", "urged Arabs to mobilize against
                    # Sharon": an appeal for action against a third party rallies opposition (113)
                    rule = replace(rule, code="113")
                    rows_why += f"; an appeal for action against '{opposed.text}' rallies opposition to it"
                subject_deps = ("nsubj", "nsubjpass") if verb.lemma_.lower() in STATIVE_PASSIVES else ("nsubj",)
                targets, t_why = self.verb_targets(verb, {t.i for t in verb.children if t.dep_ in subject_deps}, rule.code, source)
                if opposed is not None:
                    targets, t_why = [opposed], f"'against {opposed.text}'"
                if len(sources) > 1:
                    # "X, Y and Z met for their summit": "their" is the subjects themselves
                    targets = [t for t in targets if not (t.text.lower() in POSSESSIVE_PRONOUNS | {"them", "themselves", "each other"}
                                                          and t.country in {s.country for s in sources})]
                complement = self._coded_complement(verb, rule)
                if complement is None and mirrored is not None:
                    complement = mirrored[1]
                if complement is None and rule.code[:2] in ("02", "10", "11"):
                    # what an appeal or a demand asks for is no event of the asker's own
                    complement = next((c for c in verb.children if c.pos_ == "VERB" and _complement(c)), None)
                if not targets and complement is not None:
                    # "Iran threatened to attack Israel": the threat is aimed where the attack is.
                    targets, why = self.verb_targets(complement, {t.i for t in verb.children if t.dep_ == "nsubj"}, rule.code)
                    t_why = f"{why} of '{complement.text}'"
                for target in targets or [None]:
                    governs = complement.i if complement is not None else None
                    cand = Candidate(verb, self._trigger_tokens(verb), rule.code, rule.describe(), source, target,
                                     [f"trigger '{verb.text}': {rule.describe()}{rows_why}", f"source: {s_why}"],
                                     carry=rule.carry, notarget=rule.notarget, governs=governs,
                                     governs_nouns=self._coded_nouns(verb, rule, obj), means=means)
                    if target is not None:
                        cand.why.append(f"target: {t_why}")
                    if cand.code in WORDS_WHEN_PERSONAL and source.name and target is not None and target.name:
                        # "Biden attacked Trump for …": one named politician attacks another in words
                        cand.why.append(f"a named person {verb.text} a named person: criticism, {cand.code} -> 111")
                        cand.code = "111"
                    out.append(cand)
                symmetric = rule.code in SYMMETRIC_CODES | MUTUAL_WHEN_CONJOINED or (mirrored is not None and base_code in SYMMETRIC_CODES)
                if len(sources) > 1 and source is sources[0] and (symmetric or mutual) and not targets:
                    out.extend(self._pairwise(sources, verb, rule, "conjoined subjects"))
        return self._dedupe_symmetric(out)

    @staticmethod
    def _relation_nouns() -> frozenset:
        classes = word_classes()
        return classes["relations"] | classes["talks"] | classes["r16_coop"]

    @staticmethod
    def _coded_complement(verb, rule):
        """The infinitive a row names ("threaten … xcomp=attack"): the row codes the pair of
        verbs as one event, so the complement is no event of its own."""
        if not any(c.key == "xcomp" for c in rule.conditions):
            return None
        return next((c for c in verb.children if _complement(c)), None)

    def _means_of_passive(self, verb) -> frozenset:
        """ "Five were killed in Israeli tank shelling": the shelling is the killing, one event."""
        if not any(c.dep_ == "auxpass" for c in verb.children) or any(c.dep_ == "agent" for c in verb.children):
            return frozenset()
        means = {obj.i for _, obj in self._prep_objects(verb, ("in", "during", "by")) if obj.lemma_.lower() in ATTACK_NOUNS}
        # the same misparsed as a participle: "killed in Israeli tank shelling" -> advcl "shelling"
        means |= {c.i for c in verb.children if c.dep_ == "advcl" and c.tag_ == "VBG" and c.lower_ in ATTACK_NOUNS}
        return frozenset(means)

    @staticmethod
    def _coded_nouns(verb, rule, obj) -> frozenset:
        """The object nouns a row names ("ended mediation efforts", "called for sanctions"): the
        row codes the verb with them, so they are no events of their own."""
        heads = []
        for cond in rule.conditions:
            if cond.key == "obj" and obj is not None:
                heads.append(obj)
            elif cond.key == "pobj":
                heads += [o for p in verb.children if p.dep_ in ("prep", "dative") and p.lower_ == cond.prep
                          for o in p.children if o.dep_ in ("pobj", "pcomp")]
        return frozenset(t.i for h in heads for t in (h, *h.children) if t is h or t.dep_ in ("compound", "amod", "nmod"))

    def drop_governed(self, cands: list[Candidate]) -> list[Candidate]:
        """Drop the events another event's row already codes: its infinitive ("threatened to
        attack") and its object nouns ("ended mediation efforts"), when done by the same actor.
        A noun that says more within the verb's family wins instead ("launched an air strike":
        the strike's 195, not the launch's 190)."""
        # The act a row codes with its verb, and the verbs that act chains to ("urged Britain to
        # help finance the dam": "help" and "finance").
        # What an appeal or a demand asks the addressee to do is asked, not done either ("Russia
        # urged Ukraine to withdraw its troops").
        governed: set[tuple[int, int]] = set()
        for c in cands:
            if c.governs is None:
                continue
            parties = [a for a in (c.source, c.target if c.code[:2] in ("02", "10") else None) if a is not None]
            governed |= {(t.i, a.start) for t in _chained(self.doc[c.governs]) for a in parties}
        dropped: set[int] = set()
        for verb in cands:
            if not verb.governs_nouns or verb.source is None:
                continue
            for noun in cands:
                if noun is verb or noun.anchor.i not in verb.governs_nouns:
                    continue
                if noun.source is not None and noun.source.start != verb.source.start:
                    if verb.target is None and not self._same(verb.source, noun.source):
                        # "prevented a rally staged by the Brotherhood": acted on the rally's makers
                        verb.target = noun.source
                        verb.why.append(f"target: {noun.source.text!r}, who hold the '{noun.anchor.text}'")
                    continue
                finer = noun.code[:2] == verb.code[:2] and _specificity(noun.code) > _specificity(verb.code)
                dropped.add(id(verb) if finer else id(noun))
                if not finer and verb.target is None:
                    # "ended mediation between the militias", "prevented the rally staged by students"
                    acted_on = noun.target or (noun.source if noun.source is not None and not self._same(verb.source, noun.source) else None)
                    if acted_on is not None:
                        verb.target = acted_on
                        verb.why.append(f"target: {acted_on.text!r}, named with the object '{noun.anchor.text}'")
        for verb in cands:
            # "were killed in Israeli tank shelling" reports one event, by the verb
            if verb.means and verb.source is not None:
                dropped |= {id(n) for n in cands if n.anchor.i in verb.means and n.source is not None and self._same(n.source, verb.source)}
        self._fold_protest_purposes(cands, dropped)
        return [c for c in cands if id(c) not in dropped
                and not (c.source is not None and (c.anchor.i, c.source.start) in governed)]

    @staticmethod
    def _fold_protest_purposes(cands: list[Candidate], dropped: set[int]) -> None:
        """ "Students staged demonstrations to demand reforms": the demonstration is the event
        and the demand its purpose, not a second event (CAMEO codes the protest, 14x)."""
        for protest in cands:
            if protest.code[:2] != "14" or protest.source is None or id(protest) in dropped:
                continue
            # the purpose clause, and the act it names ("to press their demands for freedom")
            purposes = {t.i for carrier in _carriers(protest.anchor) for c in carrier.children if c.dep_ in ("advcl", "xcomp")
                        for t in _chained(c)}
            for other in cands:
                if other is protest or other.anchor.i not in purposes or other.code[:2] not in VERBAL_PURPOSES:
                    continue
                if other.source is not None and other.source.start != protest.source.start:
                    continue
                dropped.add(id(other))
                if len(protest.code) == 3 and other.code.startswith("104") and len(other.code) == 4:
                    # a hunger strike (142) to demand a change of leader (1041) is 1421
                    finer = protest.code + other.code[3]
                    if finer in cameo_codes():
                        protest.why.append(f"purpose '{other.anchor.text}' ({other.code}): {protest.code} -> {finer}")
                        protest.code = finer
                if protest.target is None and other.target is not None:
                    protest.target = other.target
                    protest.why.append(f"target: {other.target.text!r}, named in the protest's purpose '{other.anchor.text}'")

    def _pairwise(self, actors, token, rule, why) -> list[Candidate]:
        out = []
        for a in actors:
            for b in actors:
                if a is not b and not self._same(a, b):  # "Sudan's army and the RSF": one country, two parties
                    out.append(Candidate(token, self._trigger_tokens(token), rule.code, rule.describe(), a, b,
                                         [f"trigger '{token.text}': {rule.describe()}", f"actors: {why}, coded both ways"]))
        return out

    @staticmethod
    def _dedupe_symmetric(cands):
        return [c for c in cands if not (c.target is None and any(o.source == c.source and o.target is not None and o.code == c.code for o in cands))]

    def _mediator(self, noun) -> tuple[list[Actor], str]:
        """Who mediates: the possessor, or the subject of the verb that carries the noun or its
        frame ("Klibi undertook a mediation mission between Syria and Arafat")."""
        frame = _frame(noun)
        for child in frame.children:
            if child.dep_ == "poss":
                return self.actors.actors(child), f"possessor '{child.text}'"
        governor = frame.head
        if frame.dep_ in ("dobj", "attr", "nsubjpass") and governor.pos_ in ("VERB", "AUX"):
            found, why = self.subjects(governor)
            return found, f"{why} of '{governor.text}'"
        return [], ""

    def _noun_candidates(self, noun) -> list[Candidate]:
        sources, targets, s_why, t_why, symmetric = self.noun_arguments(noun)
        out = []
        matches = self.match(noun, sources[0] if sources else None)
        if any(rule.code in MEDIATION_CODES for rule, _ in matches):
            # The parties "between" whom one mediates are the targets, not the actors.
            frame = _frame(noun)
            parties = [a for prep, obj in self._prep_objects(frame, ("between", "among")) for a in self.actors.actors(obj)]
            mediators, m_why = self._mediator(noun)
            if parties and mediators:
                sources, targets, s_why, t_why, symmetric = mediators, parties, m_why, "the parties 'between'", False
        for rule, _ in matches:
            if rule.possessor_is_target and s_why.startswith("possessor"):
                # "his arrest": the possessor suffered the act; the agent is unnamed.
                continue
            if symmetric:
                out.extend(self._pairwise(sources, noun, rule, s_why))
                continue
            if sources and not targets and rule.code.startswith(SHOW_OF_FORCE):
                # "Russia is conducting military exercises in Alaska": the state where force is shown
                targets, t_why = self._venue_state(noun)
            if not sources:
                if rule.carry:
                    out.append(Candidate(noun, [noun], rule.code, rule.describe(), None, None,
                                         [f"trigger '{noun.text}': {rule.describe()}"], carry=True))
                continue
            for source in sources:
                for target in targets or [None]:
                    cand = Candidate(noun, [noun], rule.code, rule.describe(), source, target,
                                     [f"trigger '{noun.text}' (event noun): {rule.describe()}", f"source: {s_why}"],
                                     confidence=0.85, carry=rule.carry, notarget=rule.notarget)
                    if target is not None:
                        cand.why.append(f"target: {t_why}")
                    out.append(cand)
                if rule.code in SYMMETRIC_CODES and targets:
                    for target in targets:
                        out.append(Candidate(noun, [noun], rule.code, rule.describe(), target, source,
                                             [f"trigger '{noun.text}' (event noun): {rule.describe()}", "reciprocal of a symmetric event"],
                                             confidence=0.8))
        return out

    def _venue_state(self, noun) -> tuple[list[Actor], str]:
        holders = [noun] + ([noun.head] if noun.dep_ in ("dobj", "nsubjpass") else [])
        for holder in holders:
            for prep, obj in self._prep_objects(holder, ("in", "near", "off", "around")):
                found = [a for a in self.actors.actors(obj) if a.sector is None]
                if found:
                    return found, f"'{prep} {found[0].text}', where force is shown"
        return [], ""

    def _adjective_candidates(self, adj) -> list[Candidate]:
        speakers, targets, s_why, t_why = self.adjective_arguments(adj)
        out = []
        for rule, _ in self.match(adj, speakers[0] if speakers else None):
            for source in speakers:
                for target in targets or [None]:
                    cand = Candidate(adj, [adj], rule.code, rule.describe(), source, target,
                                     [f"judgement '{adj.text}': {rule.describe()}", s_why], confidence=0.8)
                    if target is not None:
                        cand.why.append(f"target: {t_why}")
                    out.append(cand)
        return out

    def _conditional_threats(self) -> list[Candidate]:
        """ "If South Korea decides to supply arms, Moscow will make decisions…": a threat by the
        speaker (or the main clause's subject) against the if-clause's subject."""
        out = []
        for token in self.doc:
            conditions = _conditions(token, ("if", "unless"))
            if not conditions or not _promised(token) or token.lemma_.lower() in COOPERATIVE_WORDS:
                continue
            if not self._threatening(token) and not _conditions(token, ("unless",)):
                continue  # "If the summit goes ahead, Egypt will host…" is a plan, not a threat;
                # "will withdraw its troops unless …" always threatens
            if any(c.dep_ == "neg" for c in token.children):
                continue
            speaker_verb = token.head if token.dep_ in ("ccomp", "parataxis") and token.head.lemma_.lower() in SPEECH_VERBS else None
            sources, s_why = self.subjects(speaker_verb) if speaker_verb is not None else ([], "")
            if not sources:
                sources, s_why = self.subjects(token)
            targets, t_why = self.subjects(conditions[0])
            rule = "conditional threat: 'if <target> …, <source> will …'"
            anchor = speaker_verb if speaker_verb is not None else token
            for source in sources:
                for target in targets:
                    out.append(Candidate(anchor, [conditions[0], token], "130", rule, source, target,
                                         [rule, f"source: {s_why}", f"target: {t_why} of the if-clause"],
                                         modality=modality(anchor) if speaker_verb is not None else ("asserted", "a stated conditional threat"),
                                         confidence=0.75))
        return out

    def _threatening(self, verb) -> bool:
        """A consequence that threatens: a conflictual deed ("will attack"), or an unnamed
        response ("will respond", "will make decisions", "will take measures")."""
        if verb.lemma_.lower() in RESPONSE_VERBS:
            return True
        if verb.lemma_.lower() in ("make", "take") and any(c.dep_ == "dobj" and c.lemma_.lower() in RESPONSE_OBJECTS for c in verb.children):
            return True
        return any(cameo(rule.code).quad_class in (3, 4) for rule in self.rules_for(verb))

    # -- completion -------------------------------------------------------------------------

    def reported_demands(self, cands: list[Candidate]) -> None:
        """ "Chirac said Iraq must cooperate with the inspectors": what one actor says another
        must or should do is the speaker's demand on that actor (CAMEO 10x), not the act itself."""
        acted = {c.anchor.i for c in cands if c.source is not None}
        cands.extend(self._unlisted_demands(acted))
        cands.extend(self._claims(cands))
        for cand in cands:
            anchor = cand.anchor
            while anchor.dep_ in ("xcomp", "acomp") and anchor.head.pos_ in ("VERB", "AUX", "ADJ"):
                anchor = anchor.head  # "the US must be ready to mediate": the clause that must
            if cand.source is None or anchor.pos_ not in ("VERB", "AUX") or anchor.dep_ not in ("ccomp", "acl"):
                continue
            speech = anchor.head
            lemma = speech.lemma_.lower()
            # "the ILO reiterated its demand that Israel ease restrictions": after a demand, the
            # subjunctive says "must" by itself.
            obliged = lemma in SUBJUNCTIVE_DEMANDS or any(c.dep_ == "aux" and c.lower_ in OBLIGATION_MODALS for c in anchor.children)
            if not obliged:
                continue
            if speech.pos_ == "VERB" and anchor.dep_ != "ccomp":
                continue
            found = self._demanders(speech)
            if found is None:
                continue
            speakers, why, _ = found
            speaker = next((a for a in speakers if a.country and not self._same(a, cand.source)), None)
            if speaker is None:
                continue
            demanded = _demand_code(cand.code)
            cand.why.append(f"'{speaker.text}' says '{cand.source.text}' must act: a demand, {cand.code} -> {demanded}")
            cand.source, cand.target, cand.code = speaker, cand.source, demanded
            cand.modality = ("asserted", f"a demand reported with '{speech.text}'")
            cand.anchor = speech

    def _claims(self, cands: list[Candidate]) -> list[Candidate]:
        """What one claims it did itself is a claim of responsibility (015): "the US claimed that
        they had attacked Iraq". What it claims another did in conflict is an accusation (112)
        of that other, besides the alleged act itself."""
        out = []
        for cand in list(cands):
            anchor = cand.anchor
            if cand.source is None or cand.modality is not None or anchor.dep_ != "ccomp":
                continue
            speech = anchor.head
            if speech.lemma_.lower() not in CLAIM_VERBS:
                continue
            speakers, why = self.subjects(speech)
            speaker = next((a for a in speakers if a.country), None)
            if speaker is None:
                continue
            if self._same(speaker, cand.source):
                cand.why.append(f"'{speaker.text}' claims its own act: a claim of responsibility, {cand.code} -> 015")
                cand.code, cand.anchor, cand.trigger_tokens = "015", speech, [speech]
                cand.modality = ("asserted", f"a claim reported with '{speech.text}'")
            elif cameo(cand.code).quad_class in (3, 4):
                out.append(Candidate(speech, [speech], "112", "a claimed misdeed", speaker, cand.source,
                                     [f"'{speaker.text}' ({why}) claims '{cand.source.text}' did '{anchor.text}' ({cand.code}): an accusation"],
                                     modality=("asserted", f"an accusation made with '{speech.text}'"), confidence=0.75))
        return out

    def _demanders(self, speech) -> tuple[list[Actor], str, object] | None:
        """Who makes a demand carried by a speech verb or a demand noun ("its demand that…",
        "issued a reminder that…"), why, and the verb that carries it; None for other words."""
        lemma = speech.lemma_.lower()
        if speech.pos_ == "VERB" and lemma in SPEECH_VERBS | DEMAND_VERBS:
            speakers, why = self.subjects(speech)
            return speakers, why, speech
        if speech.pos_ == "NOUN" and lemma in DEMAND_NOUNS:
            possessor = [c for c in speech.children if c.dep_ == "poss"]
            carrier = speech.head if speech.head.pos_ == "VERB" else speech
            speakers, why = (self.actors.actors(possessor[0]), "possessor") if possessor else self.subjects(carrier)
            return speakers, why, carrier
        return None

    def _unlisted_demands(self, acted: set[int]) -> list[Candidate]:
        """A demand whose act no row codes ("Russia said Sudan must return the helicopter",
        "a stern reminder to Iraq that it must cooperate"): generic 100, or the row's 10x."""
        out = []
        for verb in self.doc:
            if verb.pos_ != "VERB" or verb.i in acted or verb.dep_ not in ("ccomp", "acl"):
                continue
            if not any(c.dep_ == "aux" and c.lower_ in OBLIGATION_MODALS for c in verb.children):
                continue
            speech = verb.head
            found = self._demanders(speech)
            if found is None:
                continue
            speakers, s_why, carrier = found
            speaker = next((a for a in speakers if a.country), None)
            if speaker is None:
                continue
            subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
            addressees = [a for a in self._resolve_list([t for s in subjects for t in (s, *s.conjuncts)])
                          if a.country and not self._same(speaker, a)]
            if not addressees:
                # "a reminder to Iraq that it must cooperate": the one told is the one meant.
                addressees = [a for _, obj in self._prep_objects(carrier, ("to",)) for a in self.actors.actors(obj)]
                # "reminded Serbia that it must …", "told Iraq that it must …"
                addressees = addressees or [a for obj in carrier.children if obj.dep_ in ("dobj", "dative") for a in self.actors.actors(obj)]
            rows = self.match(verb, None)
            code = _demand_code(rows[0][0].code) if rows else "100"
            for addressee in addressees:
                if not addressee.country or self._same(speaker, addressee):
                    continue
                out.append(Candidate(carrier, [speech], code, "a reported obligation", speaker, addressee,
                                     [f"'{speaker.text}' ({s_why}) says '{addressee.text}' must '{verb.text}': a demand ({code})"],
                                     modality=("asserted", f"a demand reported with '{speech.text}'"), confidence=0.75))
        return out

    def complete(self, cands: list[Candidate], keep_same: bool = False) -> list[Candidate]:
        """Fill targets left implicit, carry actors to anaphoric event nouns, drop the unusable.
        `keep_same` keeps a target that resolves like its source (pair coding marks two parties)."""
        done: list[Candidate] = []
        for cand in sorted(cands, key=lambda c: c.anchor.i):
            if cand.source is None and cand.carry:
                earlier = [d for d in done if d.code[:2] == cand.code[:2] and d.source is not None and cand.anchor.i - d.anchor.i < 80]
                if not earlier:
                    continue
                model = earlier[-1]
                cand.source, cand.target = model.source, model.target
                cand.why.append(f"actors carried over from the earlier '{model.trigger_tokens[-1].text}' event")
                cand.confidence *= 0.75
            if cand.source is None:
                continue
            if cand.target is not None and not keep_same and self._same(cand.source, cand.target) and not self._own_people(cand.code, cand.source, cand.target):
                cand.target = None
            if cand.target is None and cand.code[:2] == "14":
                cand.target, why = self._protested(cand)
                if cand.target is not None:
                    cand.why.append(f"target: {why}")
            if cand.target is None and not cand.notarget:
                self._infer_target(cand, done)
            if not cand.source.country:
                continue  # an actor of no known country or organisation codes nothing
            if cand.target is None and not cand.notarget:
                continue  # CAMEO events are dyadic; only one-sided acts stand without a target
            done.append(cand)
        return done

    def _protested(self, cand: Candidate) -> tuple[Actor | None, str]:
        """Whom a protest is aimed at, named in its purpose: "to demand reforms from President
        Bouteflika", "in protest of Russia's refusal", "rallies against the party's leader"."""
        anchor = cand.anchor
        for carrier in _carriers(anchor):
            for child in carrier.children:
                # "clashed with police": whom protesters fight is whom they protest
                opponents = ("against", "over", "at") + (("with",) if carrier.lemma_.lower() in SYMMETRIC_LEMMAS else ())
                purpose = child.dep_ in ("advcl", "xcomp") or (child.dep_ == "prep" and (
                    child.lower_ in opponents or (
                        child.lower_ in ("in", "for") and any(o.lemma_.lower() in PURPOSE_NOUNS for o in child.children))))
                if not purpose:
                    continue
                for token in child.subtree:
                    if token.i == anchor.i or token.pos_ not in ("NOUN", "PROPN"):
                        continue
                    for actor in self.actors.actors(token) + self.actors.modifier_actors(token):
                        if actor.country and not self._same(cand.source, actor):
                            return actor, f"'{actor.text}', in the protest's purpose ('{child.text} …')"
                    if child.lower_ in ("against", "over") and token.head.i == child.i and token.lemma_.lower() in word_classes()["r14_policy"] \
                            and cand.source.sector not in (None, "GOV") and not self.actors.modifier_actors(token):
                        # "protested against the judicial overhaul": a policy of no named state is the protesters' own government's
                        own = Actor(token.text, token.idx, token.idx + len(token.text), cand.source.country, "GOV", None, 0.5,
                                    f"the government whose '{token.text}' is protested")
                        return own, f"the protesters' own government, whose '{token.text}' they protest"
                    own = self.actors.resolve(token)
                    if own is not None and not own.country and own.sector in DOMESTIC_AUTHORITIES | {"LEG", "MIL"}:
                        # "protested in Baghdad against the government": their own government
                        own = replace(own, country=cand.source.country, confidence=round(own.confidence * 0.8, 2),
                                      basis=f"{own.basis}; the protesters' own ({cand.source.country})")
                        return own, f"'{own.text}', in the protest's purpose ('{child.text} …'), the protesters' own"
        return None, ""

    @staticmethod
    def _own_people(code: str, source: Actor, target: Actor) -> bool:
        """A state acting on its own people is still an event: "eased restrictions in Sudan" (a
        government on its country), "Russia arrested Russian journalists" (a state represses its citizens)."""
        if code.startswith(TERRITORIAL_CODES) and target.sector is None and source.sector is not None:
            return True
        return code[:2] == "17" and target.sector not in (None, "GOV") and source.sector is None

    @staticmethod
    def _same(a: Actor, b: Actor) -> bool:
        # Two unnamed actors of one country are still two parties when their sectors differ
        # ("Georgian demonstrators" and "the Georgian government").
        return a.country == b.country and (a.sector == b.sector or (a.name is not None and a.name == b.name)
                                           or a.sector is None or b.sector is None)

    def _infer_target(self, cand: Candidate, done: list[Candidate]) -> None:
        ancestors, node = set(), cand.anchor
        for _ in range(3):
            node = node.head
            ancestors.add(node.i)
        governing = [d for d in done if d.target is not None and d.source.country == cand.source.country and d.anchor.i in ancestors]
        if governing:
            cand.target = governing[-1].target
            cand.why.append(f"target: shared with the governing '{governing[-1].trigger_tokens[0].text}' event")
            cand.confidence *= 0.85
            return
        sent = cand.anchor.sent
        same_sentence = [d for d in done if d.anchor.sent == sent and d.target is not None and d.source.country == cand.source.country]
        if cand.code[:2] in ("06", "07") and same_sentence:
            cand.target = same_sentence[-1].target
            cand.why.append(f"target: the recipient of '{same_sentence[-1].trigger_tokens[0].text}' in the same sentence")
            cand.confidence *= 0.8
            return
        if cand.code[:2] in FORCE_ROOTS or cand.code.startswith("087"):
            opponent = self._nearest_opponent(cand)
            if opponent is not None:
                cand.target = opponent
                cand.why.append(f"target: '{opponent.text}', the other side in the same sentence")
                cand.confidence *= 0.7

    def _nearest_opponent(self, cand: Candidate) -> Actor | None:
        sent = cand.anchor.sent
        best = None
        for token in sent:
            actor = self.actors.cache.get(token.i)
            if token.pos_ == "ADJ":
                continue  # "North Korean missiles": a demonym on a thing is no party to the event
            if actor is None or actor.country is None or actor.country == cand.source.country:
                continue
            if token.ent_type_ == "PERSON" and token.ent_iob_ == "B" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].ent_iob_ == "I":
                continue  # "Jacob" of "Jacob Blake" names no one by itself
            if actor.confidence < 0.5:
                continue  # a guess (a stranger's country from context) is no side to infer
            distance = abs(token.i - cand.anchor.i)
            if best is None or distance < best[0]:
                best = (distance, actor)
        return best[1] if best else None

    # -- freezing --------------------------------------------------------------------------

    def freeze(self, cand: Candidate) -> Event:
        projected, mod, notes = project(cand)
        cand.why.extend(notes)
        cand.code = projected
        code = cameo(cand.code)
        first, last = min(cand.trigger_tokens, key=lambda t: t.i), max(cand.trigger_tokens, key=lambda t: t.i)
        sent = cand.anchor.sent
        trigger_span = (first.idx, last.idx + len(last.text)) if len(cand.trigger_tokens) <= 2 and last.i - first.i < 4 else (cand.anchor.idx, cand.anchor.idx + len(cand.anchor.text))
        text = self.text
        sent_start = sent.start_char
        sent_end = sent.end_char
        while sent_end > sent_start and text[sent_end - 1].isspace():
            sent_end -= 1
        while sent_start < sent_end and text[sent_start].isspace():
            sent_start += 1  # a blanked dateline (see stages/parse.py) leaves spaces before the first sentence
        confidence = cand.confidence * cand.source.confidence * (cand.target.confidence if cand.target else 0.8)
        target_key = f"{cand.target.start}:{cand.target.code}" if cand.target else "-"
        key = f"{self.article.id}|{trigger_span[0]}|{cand.source.start}:{cand.source.code}|{target_key}|{cand.code}|{mod[0]}"
        return Event(
            id=hashlib.sha1(key.encode()).hexdigest()[:16],
            article_id=self.article.id,
            source=cand.source,
            target=cand.target,
            cameo=code.code,
            cameo_name=code.name,
            goldstein=code.goldstein,
            quad_class=code.quad_class,
            plover=code.plover,
            plover_mode=code.plover_mode,
            modality=mod[0],
            trigger=text[trigger_span[0] : trigger_span[1]],
            trigger_span=trigger_span,
            sentence=text[sent_start:sent_end],
            evidence=(sent_start, sent_end),
            confidence=round(min(confidence, 0.99), 2),
            rationale=tuple([*cand.why, f"source actor: {cand.source.basis}"]
                            + ([f"target actor: {cand.target.basis}"] if cand.target else [])
                            + [f"modality {mod[0]}: {mod[1]}"]),
        )


def _complement(clause) -> bool:
    """An infinitive complement, however parsed: "wants Germany to pay" comes both as an object
    and an xcomp, and as an infinitive clause with its own subject (ccomp)."""
    return clause.dep_ == "xcomp" or (clause.dep_ == "ccomp" and infinitive(clause))


def _chained(verb) -> list:
    """A verb, the verbs its infinitives and coordinated verbs chain to, and their objects
    ("to launch an investigation": the investigation too)."""
    out, todo = [], [verb]
    while todo:
        node = todo.pop()
        out.append(node)
        out += [c for c in node.children if c.dep_ == "dobj" and c.pos_ == "NOUN"]
        todo += [c for c in node.children if c.dep_ in ("xcomp", "conj") and c.pos_ == "VERB"]
    return out


def _hyphen_forms(token) -> list[str]:
    """A word written with a hyphen that the tokenizer split ("cease-fire", "peace-keeping"),
    joined as the lexicon lists it: "ceasefire" and "cease-fire"."""
    i = token.i
    doc = token.doc
    if i < 2 or doc[i - 1].text != "-" or doc[i - 2].whitespace_ or doc[i - 1].whitespace_:
        return []
    first = doc[i - 2].lower_
    return [first + token.lemma_.lower(), first + token.lower_, f"{first}-{token.lemma_.lower()}"]


def _carriers(anchor) -> list:
    """An event's anchor, and for an event noun the verb that carries it ("staged rallies")."""
    return [anchor] + ([anchor.head] if anchor.pos_ in ("NOUN", "PROPN") and anchor.head.pos_ == "VERB" else [])


def _frame(noun):
    """ "a mediation mission", "mediation efforts": the frame noun a compound event noun heads."""
    return noun.head if noun.dep_ == "compound" and noun.head.lemma_.lower() in FRAME_NOUNS else noun


def _demand_code(act: str) -> str:
    """A demand mirrors the intent code of the act demanded (CAMEO's 03 and 10 families)."""
    demanded = "10" + (intent_code(act) or "030")[2:]
    return demanded if demanded in cameo_codes() else "100"


def _specificity(code: str) -> tuple[int, bool]:
    return (len(code), not code.endswith("0"))


def project(cand: Candidate) -> tuple[str, tuple[str, str], list[str]]:
    """The code and modality an event is recorded with, and why they differ from its row's:
    a refused act is an asserted rejection (data/refusal_codes.tsv), an intended or expected
    act takes its intent code (data/intent_codes.tsv)."""
    code, notes = cand.code, []
    mod = cand.modality or modality(cand.anchor)
    why = refusal(cand.anchor) if cand.modality is None else None
    rejection = refusal_code(code) if why else None
    if rejection:
        notes.append(f"CAMEO codes a refusal as a rejection: {why}, {code} -> {rejection}")
        code, mod = rejection, ("asserted", why)
    threat = ultimatum(cand.anchor, code) if rejection is None else None
    if threat:
        notes.append(f"CAMEO codes a hostile act promised unless the other side gives way as a threat: {code} -> {threat}")
        code, mod = threat, ("asserted", f"'{cand.anchor.text} … unless' states a threat")
    projected = project_intent(code, mod[0])
    if projected != code:
        notes.append(f"CAMEO codes a stated intention as intent: {code} -> {projected}")
    spans = [(a.start, a.end) for a in (cand.source, cand.target) if a is not None]
    refined, why_topic = topics.refine(projected, cand.anchor, spans)
    if why_topic:
        notes.append(why_topic)
    return refined, mod, notes


def _promised(verb) -> bool:
    """ "will attack", "would boycott": a verb stated as what its subject is going to do."""
    return any(c.dep_ == "aux" and c.lower_ in ("will", "would", "'ll", "shall") for c in verb.children)


def _conditions(verb, marks) -> list:
    """The verb's adverbial clauses opened by one of `marks` ("if", "unless")."""
    return [c for c in verb.children if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in c.children)]


def ultimatum(anchor, code: str) -> str | None:
    """ "Will boycott the elections unless the president steps down": a hostile act promised
    unless another gives way is a threat to do it (the act's intent code, 13x). Friendly acts
    under "unless" ("will sign unless parliament objects") stay hypothetical."""
    if not (_promised(anchor) and _conditions(anchor, ("unless",))) or any(c.dep_ == "neg" for c in anchor.children):
        return None
    threat = intent_code(code)
    return threat if threat and threat.startswith("13") else None


def project_intent(code: str, modality_value: str) -> str:
    """An intended or expected act takes CAMEO's intent code (see data/intent_codes.tsv)."""
    if modality_value in ("intended", "expected"):
        return intent_code(code) or code
    return code


def run(article: Article) -> Article:
    finder = EventFinder(article)
    cands = finder.complete(finder.prepared())
    events: dict[tuple, Event] = {}
    anchors: dict[str, int] = {}
    for cand in cands:
        event = finder.freeze(cand)
        key = (event.source.country, event.source.sector, event.target.country if event.target else None, event.cameo,
               event.evidence, event.modality)
        if key in events and events[key].confidence >= event.confidence:
            continue
        events[key] = event
        anchors[event.id] = cand.anchor.i
    article.events = sorted(events.values(), key=lambda e: (e.evidence[0], e.trigger_span[0]))
    article.anchors = {e.id: anchors[e.id] for e in article.events}
    return article
