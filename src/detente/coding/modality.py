"""Modality of an event: asserted, negated, hypothetical, intended, expected or alleged.

The cue nearest the trigger on its path up the dependency tree wins. The walk stops at the
edge of reported speech: what a speaker says is judged inside the quote ("South Korea may
reconsider" is intended), while the saying itself stays asserted. Allegation verbs ("claimed",
"accused") and evidence nouns ("evidence that") mark what they govern as alleged.
"""
from __future__ import annotations

from ..knowledge.lexicon import word_classes

SPEECH_VERBS = {
    "say", "state", "tell", "announce", "declare", "add", "note", "indicate", "stress", "write", "explain",
    "report", "confirm", "insist", "remark", "comment", "emphasize", "emphasise", "reiterate", "assert",
    "tweet", "warn", "caution", "argue", "suggest", "believe", "think", "highlight", "signal", "maintain", "conclude",
}
NEGATING_GOVERNORS = {"refrain", "fail", "decline", "avoid", "stop", "cease", "abandon", "forgo", "halt", "reject", "deny", "refuse", "rule"}
INTENT_GOVERNORS = {
    "consider", "plan", "intend", "pledge", "promise", "vow", "aim", "seek", "want", "weigh", "mull", "threaten",
    "propose", "prepare", "decide", "hope", "explore", "offer", "agree", "try", "attempt", "wish", "commit",
    "reconsider", "contemplate", "look", "mean", "resolve", "determine", "push", "strive", "tend", "swear",
    "bid", "effort", "intention", "proposal", "readiness", "willingness", "ready", "willing",
    "consensus", "agreement", "deal", "decision", "commitment", "accord", "understanding",
}
# Verbs of vowing, whose infinitive the parser sometimes hangs as an adverbial clause ("have sworn
# to fight until …").
VOWING_GOVERNORS = {"swear", "vow", "pledge", "promise", "threaten"}
EXPECT_GOVERNORS = {"expect", "schedule", "slate", "set", "due", "poise", "anticipate", "bind", "likely", "about"}
ALLEGE_GOVERNORS = {"claim", "allege", "accuse", "suspect", "charge", "purport", "rumor", "rumour"}
ALLEGE_NOUNS = {"evidence", "allegation", "allegations", "claim", "claims", "report", "reports", "suspicion", "accusation", "rumour", "rumor", "sign", "signs"}
HYPOTHETICAL_NOUNS = {"mistake", "prospect", "possibility", "risk", "danger", "scenario", "chance", "option", "idea", "threat"}
HYPOTHETICAL_MARKS = {"if", "unless", "whether", "lest"}
INTENT_MODALS = {"may", "might", "could", "can", "should", "must", "ought"}
FUTURE_MODALS = {"will", "shall", "'ll", "wo"}
ALLEGE_ADVERBS = {"allegedly", "reportedly", "purportedly", "supposedly", "apparently"}
NEGATION_WORDS = {"not", "n't", "never", "no", "neither", "nor"}
CLAUSE_LINKS = {"xcomp", "ccomp", "advcl", "conj", "pcomp", "acl", "relcl", "prep", "pobj", "dobj", "nsubj", "nsubjpass", "attr", "acomp", "csubj", "amod", "compound", "appos"}


def infinitive(clause) -> bool:
    """ "appealed to France to help …": a clause with "to" is an infinitive, whatever the parse
    calls it; "as he succeeded Milosevic" is only the time of the act."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def _has_conditional_sibling(token) -> bool:
    return any(c.dep_ == "advcl" and any(m.lower_ in HYPOTHETICAL_MARKS for m in c.children if m.dep_ == "mark") for c in token.children)


def _own_cue(node) -> tuple[str, str] | None:
    for child in node.children:
        if child.dep_ == "neg" or (child.lower_ in NEGATION_WORDS and child.dep_ in ("advmod", "det", "neg")):
            return "negated", f"negation '{child.text}' on '{node.text}'"
    for child in node.children:
        if child.dep_ == "mark" and child.lower_ in HYPOTHETICAL_MARKS:
            return "hypothetical", f"conditional '{child.text}'"
        if child.dep_ == "advmod" and child.lower_ in ALLEGE_ADVERBS:
            return "alleged", f"'{child.text}'"
    for child in node.children:
        if child.dep_ == "aux" and child.tag_ == "MD":
            word = child.lower_
            if word in FUTURE_MODALS:
                if _has_conditional_sibling(node):
                    return "hypothetical", f"'{child.text}' with an if-clause"
                return "expected", f"future '{child.text}'"
            if word == "would":
                if _has_conditional_sibling(node):
                    return "hypothetical", "'would' with an if-clause"
                return "intended", "'would'"
            if word in INTENT_MODALS:
                return "intended", f"modal '{child.text}'"
        if child.dep_ == "aux" and child.lower_ == "going":
            return "expected", "'going to'"
    return None


def _forms(token) -> set[str]:
    """The lemma and the word without its inflection: the tagger's lemma is sometimes wrong
    ("hopes" -> "hop", "slated" -> "slat")."""
    lower = token.lower_
    forms = {token.lemma_.lower(), lower}
    for suffix in ("ing", "ed", "es", "s", "d"):
        if lower.endswith(suffix) and len(lower) - len(suffix) >= 3:
            forms.add(lower[: -len(suffix)])
    return forms


def _governor_cue(governor, child) -> tuple[str, str] | None:
    forms = _forms(governor)
    if child.dep_ not in ("xcomp", "pcomp", "ccomp", "prep", "pobj", "acl", "dobj", "advcl", "acomp", "relcl"):
        return None
    if forms & NEGATING_GOVERNORS and child.dep_ in ("xcomp", "pcomp", "prep"):
        return "negated", f"'{governor.text}' + '{child.text}'"
    if forms & EXPECT_GOVERNORS and child.dep_ in ("xcomp", "prep", "ccomp", "acomp"):
        return "expected", f"'{governor.text}'"
    if forms & ALLEGE_GOVERNORS and (child.dep_ in ("ccomp", "xcomp", "pcomp", "prep")
                                     or (governor.pos_ == "NOUN" and child.dep_ in ("relcl", "acl"))):
        return "alleged", f"'{governor.text}'"
    if forms & ALLEGE_NOUNS and governor.pos_ == "NOUN" and child.dep_ in ("acl", "ccomp", "advcl"):
        return "alleged", f"'{governor.text} that'"
    if forms & INTENT_GOVERNORS and (child.dep_ in ("xcomp", "pcomp", "dobj", "ccomp")
                                     or (child.dep_ == "advcl" and infinitive(child) and governor.lemma_.lower() in VOWING_GOVERNORS)
                                     or (governor.pos_ == "NOUN" and child.dep_ == "acl")
                                     or (child.dep_ == "prep" and child.lower_ in ("of", "for", "on", "about"))):
        return "intended", f"'{governor.text}'"
    if forms & HYPOTHETICAL_NOUNS and governor.pos_ == "NOUN" and child.dep_ in ("prep", "acl", "xcomp", "pcomp", "pobj"):
        return "hypothetical", f"'{governor.text}'"
    return None


def _passes_modality(verb) -> bool:
    """Does a verb's own modality carry to its object noun? Light verbs ("did not issue a
    warning") and intention verbs ("plans an attack") do; other verbs ("condemned the attack")
    presuppose their object."""
    lemma = verb.lemma_.lower()
    return lemma in word_classes()["light"] or lemma in INTENT_GOVERNORS or lemma in EXPECT_GOVERNORS or lemma in NEGATING_GOVERNORS or lemma in ALLEGE_GOVERNORS


PRIORITY = {"negated": 0, "hypothetical": 1, "alleged": 2, "expected": 3, "intended": 4}
INHERITING_DEPS = {"xcomp", "pcomp", "prep", "pobj", "dobj", "conj", "acl", "nsubjpass", "attr", "acomp"}


def modality(trigger) -> tuple[str, str]:
    """Walk from the trigger to the root and return the nearest modality cue with its reason."""
    cue = _own_cue(trigger)
    if cue is not None:
        return cue
    node = trigger
    for _ in range(12):
        head = node.head
        if head.i == node.i:
            break
        if trigger.pos_ in ("NOUN", "PROPN") and node.dep_ == "pobj" and head.head.pos_ in ("NOUN", "PROPN"):
            return "asserted", f"event noun presupposed inside the phrase '{head.head.text} {head.text} …'"
        if node is trigger and trigger.pos_ in ("NOUN", "PROPN") and node.dep_ in ("dobj", "nsubj", "nsubjpass") and not _passes_modality(head):
            return "asserted", f"event noun presupposed as the argument of '{head.text}'"
        if head.lemma_.lower() in SPEECH_VERBS and node.dep_ in ("ccomp", "parataxis"):
            break  # reported speech: the saying does not change the modality of what is said
        cues = [c for c in (_governor_cue(head, node), _own_cue(head) if node.dep_ in INHERITING_DEPS else None) if c]
        if cues:
            return min(cues, key=lambda c: PRIORITY[c[0]])
        node = head
    return "asserted", "no modality cue"


REFUSAL_GOVERNORS = {"refuse", "decline", "reject", "rule", "balk", "spurn"}
REFUSING_MODALS = {"will", "would", "wo", "shall", "can", "could", "ca"}


def refusal(trigger) -> str | None:
    """Why an act counts as refused, or None: "refused to resign", "ruled out meeting",
    "will not accept". A plain negated fact ("did not meet") is no refusal."""
    children = list(trigger.children)
    negated = any(c.dep_ == "neg" or c.lower_ in ("not", "n't", "never") for c in children)
    modal = next((c for c in children if c.dep_ == "aux" and c.lower_ in REFUSING_MODALS), None)
    if negated and modal is not None:
        return f"'{modal.text} not {trigger.text}' states a refusal"
    head = trigger.head
    if trigger.dep_ in ("xcomp", "pcomp") and head.i != trigger.i:
        governor = head.head if head.pos_ == "ADP" else head
        if governor.lemma_.lower() in REFUSAL_GOVERNORS and (governor.lemma_.lower() != "rule" or any(c.lower_ == "out" for c in governor.children)):
            return f"'{governor.text}' refuses '{trigger.text}'"
    if trigger.dep_ == "csubj" and _out_of_the_question(head):
        return f"'{trigger.text}' is out of the question"
    return None


def _out_of_the_question(copula) -> bool:
    """ "Removing the sanctions is out of the question": the act the copula's subject names is refused."""
    for out in (c for c in copula.children if c.lower_ == "out"):
        for of in (c for c in out.children if c.lower_ == "of"):
            if any(c.lemma_.lower() == "question" for c in of.children):
                return True
    return False

