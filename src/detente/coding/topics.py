"""What an appeal, promise, demand, rejection or protest is about gives its CAMEO subcode.

CAMEO's 02 (appeal), 03 (intent), 10 (demand) and 12 (reject) families repeat one list of
topics (economic, military, judicial cooperation, aid of each kind, reform, yielding, meeting,
settling, mediating), and its protests (141-145) take the goal of the protest as a last digit.
An event whose row gives only the family ("urged", "agreed", "demanded", "rejected the call")
takes the subcode of the topic its act names: "urged Belgium to extradite a militant" is 0213,
"demanded that Sudan return the captured helicopter" 1053. The topics and their words are data
(data/act_topics.tsv, data/topic_cues.tsv).
"""
from __future__ import annotations

from ..knowledge import act_topics, cameo_codes, topic_cues, topic_refines
from ..knowledge.lexicon import word_classes
from .modality import infinitive

# Codes that name a family and nothing more, and so may take any of its topics. "Reject a
# proposal" (125) is one: a rejected proposal for free trade is 1211.
OPEN_CODES = {"020", "030", "100", "120", "125"}
# Words that belong to the actor, the time or the frame of the act, not to what it is about.
SKIPPED_DEPS = {"nsubj", "nsubjpass", "csubj", "aux", "auxpass", "neg", "punct", "mark", "cc", "npadvmod", "advmod"}
ACTOR_ENTITIES = {"PERSON", "GPE", "NORP", "DATE", "TIME", "FAC", "LOC", "ORG", "WORK_OF_ART"}  # "Freedom Plaza" is no freedom
# "Agree that disputes should be resolved by arbitration" shares an opinion (030); what a
# promise or a demand says in a that-clause is the act promised or demanded.
OPINION_VERBS = {"agree", "concur"}


# Arcs that modify a word rather than name a further thing; they add no depth ("calls for
# economic aid": "economic" is as near to the act as "aid").
MODIFIER_DEPS = {"compound", "amod", "nmod", "det", "poss", "nummod", "quantmod", "prep", "prt", "case", "hmod", "hyph"}


def act_words(anchor, purposes: bool, skip_spans=()) -> list[tuple[int, object]]:
    """The tokens that say what the act of `anchor` is about, each with its depth below the act:
    its objects, complements and prepositional phrases (and for a protest, its purpose clauses),
    without subjects, dates and actor names. An event noun brings the verb that carries it
    ("staged rallies to demand …")."""
    carriers = [anchor] + ([anchor.head] if anchor.pos_ in ("NOUN", "PROPN") and anchor.head.pos_ in ("VERB", "AUX") else [])
    # The act's own word counts too: "will not accept refugees" is about refugees accepted.
    seen, words = {c.i for c in carriers}, [(0, anchor)]

    def walk(token, depth):
        if token.i in seen:
            return
        seen.add(token.i)
        if token.ent_type_ not in ACTOR_ENTITIES and not any(start <= token.idx < end for start, end in skip_spans):
            words.append((depth, token))
        for child in token.children:
            if child.dep_ != "cc":
                walk(child, depth + (child.dep_ not in MODIFIER_DEPS and child.dep_ != "punct"))

    for carrier in carriers:
        for child in carrier.children:
            if child.i in seen or child.dep_ in SKIPPED_DEPS or (child.dep_ == "advcl" and not purposes and not infinitive(child)):
                continue
            if child.dep_ == "ccomp" and carrier.lemma_.lower() in OPINION_VERBS:
                continue
            walk(child, 1)
    return words


HELPING_A_PARTY = "!help-a-party"  # the cue for "help Iran", "assist the Kurds"


def _helps_a_party(token) -> bool:
    """ "asked Obama to help Iran": help given to a party is aid; "help end the war" is not."""
    return token.lemma_.lower() in ("help", "assist", "aid", "support") and token.pos_ == "VERB" and any(
        c.dep_ == "dobj" and c.ent_type_ in ("GPE", "NORP", "ORG") for c in token.children)


def _matches(word: tuple[str, str | None], token) -> bool:
    lemma, pos = word
    if pos is not None and token.pos_ != pos:
        return False
    forms = (token.lemma_.lower(), token.lower_)
    if lemma == HELPING_A_PARTY:
        return _helps_a_party(token)
    if lemma.startswith("@"):
        return any(form in word_classes()[lemma[1:]] for form in forms)
    return lemma in forms


def _named(words: list) -> dict[str, str]:
    """The topics the words name, each with the words that named it."""
    found: dict[str, str] = {}
    for cue in topic_cues():
        if cue.topic in found:
            continue
        if cue.together:
            hits = [next((t for t in words if _matches(w, t)), None) for w in cue.words]
            if all(hits):
                found[cue.topic] = " … ".join(t.text for t in hits)
            continue
        n = len(cue.words)
        for i in range(len(words) - n + 1):
            window = words[i : i + n]
            if all(_matches(w, t) for w, t in zip(cue.words, window)) and window[-1].i - window[0].i == n - 1:
                found[cue.topic] = " ".join(t.text for t in window)
                break
    return found


def topic_of(words: list[tuple[int, object]], family: str) -> tuple[str, str] | None:
    """The topic the act names nearest to it (fewest arcs down), the first in precedence order
    among those at that depth, and the words that named it: "reach an agreement in their talks"
    is about settling, not meeting."""
    topics = [t for t, codes in act_topics().items() if family in codes]
    for depth in sorted({d for d, _ in words}):
        found = _named(sorted((t for d, t in words if d <= depth), key=lambda t: t.i))
        topic = next((t for t in topics if t in found), None)
        if topic is None:
            continue
        # A broad topic takes a narrower one named anywhere in the act: "assistance to the war"
        # is military aid, "reforms that restore democracy" institutional.
        everywhere = _named(sorted((t for _, t in words), key=lambda t: t.i))
        narrower = next((t for t in topics if t in everywhere and topic_refines(t) == topic), None)
        if narrower is not None:
            return narrower, everywhere[narrower]
        return topic, found[topic]
    return None


def refine(code: str, anchor, skip_spans=()) -> tuple[str, str | None]:
    """The code with the subcode of the topic its act names, and why; the code itself when the
    act names none, or when the code is already more specific than the topic allows."""
    family = code[:2]
    if family not in ("02", "03", "10", "12", "14"):
        return code, None
    if family == "14" and len(code) != 3:
        return code, None
    if family != "14" and len(code) == 4:
        return code, None
    found = topic_of(act_words(anchor, family == "14", skip_spans), family)
    if found is None:
        return code, None
    topic, words = found
    mapped = act_topics()[topic][family]
    if family == "14":
        finer = code + mapped[-1]
    elif code in OPEN_CODES or (mapped.startswith(code) and len(mapped) > len(code)):
        finer = mapped
    else:
        return code, None
    if finer == code or finer not in cameo_codes():
        return code, None
    return finer, f"the act is about {topic.replace('_', ' ')} ('{words}'): {code} -> {finer}"
