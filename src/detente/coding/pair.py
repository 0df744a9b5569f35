"""Pair coding: the relation between two marked actors in one sentence.

`<s>South Korea</s> summoned <t>Russia</t>'s ambassador` marks the source and the target. The
sentence goes through the same stages as full extraction (parse, actors, events); the marked
spans then stand for the only two actors, so every trigger the lexicon knows is tried with them.
The event whose trigger links the two (on the dependency path between them, or governing
one of them) wins. This is the analyst's re-coding workflow and the field's benchmark setting.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from ..errors import InputError
from ..knowledge import cameo
from ..model import Actor, Article

MARK = re.compile(r"</?[st]>")
UNKNOWN = "---"  # CAMEO's code for an actor of unknown country
NOBODY = Actor("", 0, 0, UNKNOWN, None, None, 0.0, "no source linked")
SUBJECT_PRONOUNS = {"it", "they", "he", "she", "we"}
POSSESSIVE_PRONOUNS = {"its", "their", "his", "her", "our"}


@dataclass(frozen=True)
class MarkedSentence:
    text: str
    source: tuple[int, int]
    target: tuple[int, int] | None


@dataclass(frozen=True)
class PairCoding:
    text: str
    source: Actor
    target: Actor | None
    cameo: str | None
    cameo_name: str | None
    plover: str | None
    plover_mode: str | None
    quad_class: int | None
    goldstein: float | None
    modality: str | None
    confidence: float
    trigger: str | None
    rationale: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "cameo": self.cameo,
            "cameo_name": self.cameo_name,
            "plover": self.plover,
            "plover_mode": self.plover_mode,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "modality": self.modality,
            "confidence": self.confidence,
            "trigger": self.trigger,
            "source": self.source.to_dict(),
            "target": self.target.to_dict() if self.target else None,
            "rationale": list(self.rationale),
        }


def parse_marked(marked: str) -> MarkedSentence:
    """Strip the <s>…</s> and <t>…</t> marks, keeping where they stood in the clean text."""
    if not isinstance(marked, str) or not marked.strip():
        raise InputError("the marked sentence is empty: write it as '<s>Source</s> verb <t>Target</t> …'")
    pieces, spans, open_at = [], {}, {}
    cursor = length = 0
    for match in MARK.finditer(marked):
        pieces.append(marked[cursor : match.start()])
        length += match.start() - cursor
        cursor = match.end()
        tag = match.group()
        role = tag.strip("</>")
        if tag.startswith("</"):
            if role not in open_at:
                raise InputError(f"{tag} closes nothing in {marked[:120]!r}: open it with <{role}> first")
            spans[role] = (open_at.pop(role), length)
        else:
            if role in open_at or role in spans:
                raise InputError(f"<{role}> appears twice in {marked[:120]!r}: mark one source and one target")
            open_at[role] = length
    pieces.append(marked[cursor:])
    if open_at:
        role = next(iter(open_at))
        raise InputError(f"<{role}> is never closed in {marked[:120]!r}: add </{role}>")
    if "s" not in spans:
        raise InputError(f"no source marked in {marked[:120]!r}: wrap the source actor in <s>…</s>")
    text = "".join(pieces)
    for role, (start, end) in spans.items():
        if not text[start:end].strip():
            raise InputError(f"the <{role}> mark is empty in {marked[:120]!r}")
    return MarkedSentence(text, spans["s"], spans.get("t"))


def _given_actor(article: Article, span: tuple[int, int], role: str) -> Actor:
    """The marked span as an actor, with the country and sector the resolver finds inside it."""
    start, end = span
    text = article.doc.text[start:end]
    inside = [m for m in article.mentions if m.start < end and start < m.end and m.country]
    if inside:
        best = max(inside, key=lambda m: (min(m.end, end) - max(m.start, start), m.sector is not None))
        return replace(best, text=text, start=start, end=end, basis=f"marked {role}: {best.basis}")
    return Actor(text, start, end, UNKNOWN, None, None, 0.5, f"marked {role}: no country resolved inside the mark")


def _span_tokens(doc, span: tuple[int, int]) -> list:
    return [t for t in doc if t.idx < span[1] and span[0] < t.idx + len(t.text)]


def _pin(resolver, doc, given: list[tuple[list, Actor]]) -> None:
    """Make the marked spans the only actors: their tokens, and the noun phrases they modify
    ("<s>Hungarian</s> officials"), resolve to the given actor; nothing else resolves."""
    from ..stages.actors import GROUP_NOUNS, np_tokens

    resolver.cache = {t.i: None for t in doc}
    given = [(tokens, actor) for tokens, actor in given if tokens]
    resolver.plural = {}
    resolver.person_mentions, resolver.subject_mentions = [], []
    source_start = given[0][0][0].i if given and given[0][0] else None
    source_is_person = bool(given) and (given[0][1].name is not None or any(t.ent_type_ == "PERSON" for t in given[0][0]))
    for token in doc:
        # A subject pronoun after the source ("Nigeria announced that it will withdraw…") is the
        # source: the marked sentence is about it. "It" is never a person ("Chirac reminded
        # Iraq that it must cooperate"), nor "he" or "she" a state.
        # So is a possessive one ("the ILO reiterated its demand that Israel …").
        subject = token.dep_ in ("nsubj", "nsubjpass") and token.lower_ in SUBJECT_PRONOUNS
        possessor = token.dep_ == "poss" and token.lower_ in POSSESSIVE_PRONOUNS
        personal = token.lower_ in ("he", "she", "his", "her")
        if (source_start is not None and token.i > source_start and token.pos_ == "PRON"
                and (subject or possessor) and (personal if source_is_person else not personal)):
            resolver.cache[token.i] = given[0][1]
    for tokens, actor in given:
        ids = {t.i for t in tokens}
        for t in tokens:
            resolver.cache[t.i] = actor
        for t in doc:
            if t.i not in ids and t.pos_ in ("NOUN", "PROPN", "PRON") and ids & {n.i for n in np_tokens(t)}:
                if resolver.cache.get(t.i) is None:
                    resolver.cache[t.i] = actor
            elif t.i not in ids and t.pos_ == "NOUN" and resolver.cache.get(t.i) is None and any(
                    p.dep_ == "prep" and (p.lower_ == "of" or (p.lower_ in ("in", "from") and t.lemma_.lower() not in GROUP_NOUNS))
                    and ids & {n.i for o in p.children for n in np_tokens(o)} for p in t.children):
                # "tens of thousands of <s>students</s>", "demonstrators in <s>Baghdad</s>"
                resolver.cache[t.i] = actor


def _path_distance(a, b) -> int:
    """Edges between two tokens in the dependency tree."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in index_b:
            return n + index_b[t.i]
    return 99


def code_pair(marked: str, published: date | None = None) -> PairCoding:
    from .. import pipeline
    from ..stages.events import EventFinder

    sentence = parse_marked(marked)
    article = Article(raw=sentence.text, published=published)
    pipeline.run(article, until="actors")
    doc = article.doc
    source = _given_actor(article, sentence.source, "source")
    target = _given_actor(article, sentence.target, "target") if sentence.target else None
    s_tokens = _span_tokens(doc, sentence.source)
    t_tokens = _span_tokens(doc, sentence.target) if sentence.target else []
    if target is not None and source.country == target.country and source.sector == target.sector:
        # Two marks that resolve alike are still two parties: keep them apart.
        target = replace(target, name=target.name or target.text)
    _pin(article.resolver, doc, [(s_tokens, source), (t_tokens, target)] if target else [(s_tokens, source)])

    anchor_s = s_tokens[0] if s_tokens else doc[0]
    anchor_t = t_tokens[0] if t_tokens else None

    def closeness(cand) -> tuple:
        first = cand.trigger_tokens[0]
        to_s = _path_distance(first, anchor_s)
        to_t = _path_distance(first, anchor_t) if anchor_t is not None else 0
        return (to_s + to_t, -cand.confidence, first.i)

    def is_source(actor):
        return actor is not None and actor.start == source.start

    def is_target(actor):
        return target is not None and actor is not None and actor.start == target.start

    def tiers(loose: bool):
        finder = EventFinder(article)
        finder.loose = loose
        raw = finder.prepared()
        for cand in raw:
            if cand.source is not None and cand.target is not None and cand.source.start == cand.target.start:
                cand.target = None
        done = finder.complete(raw, keep_same=True)
        note = "; a known trigger whose row conditions the parse does not show" if loose else ""
        return finder, [
            ("the marked source acts on the marked target" + note,
             [c for c in done if is_source(c.source) and (target is None or is_target(c.target))], 0.7 if loose else 1.0),
            ("the marked target acts on the marked source; coded in the marked direction" + note,
             [c for c in done if is_target(c.source) and is_source(c.target)], 0.5 if loose else 0.6),
            ("the marked source acts; its target is implicit" + note, [c for c in raw if is_source(c.source)], 0.5 if loose else 0.6),
            ("a trigger in the sentence whose actors the parse did not link to the marks", [c for c in raw if c.trigger_tokens], 0.4),
        ]

    finder, strict = tiers(False)
    for why, pool, weight in strict[:3]:
        if pool:
            return _coding(finder, min(pool, key=closeness), source, target, why, weight)
    loose_finder, loose = tiers(True)
    for why, pool, weight in loose[:3]:
        if pool:
            return _coding(loose_finder, min(pool, key=closeness), source, target, why, weight)
    bare = finder.bare_triggers()
    if bare:
        return _coding(finder, min(bare, key=closeness), source, target,
                       "the trigger nearest the marks, whose actors the parse did not link to them", 0.5)
    spans = [(source.start, source.end, "A")] + ([(target.start, target.end, "B")] if target else [])
    guessed = _fallback(finder, sentence.text, spans, source, target)
    if guessed is not None:
        return guessed
    why, pool, weight = strict[3]
    if pool:
        return _coding(finder, min(pool, key=closeness), source, target, why, weight)
    return PairCoding(sentence.text, source, target, None, None, None, None, None, None, None, 0.0, None,
                      ("no event trigger in the sentence: no code",))


def _fallback(finder, text, spans, source, target) -> PairCoding | None:
    """The optional embedding classifier, for a sentence whose actors no pattern links."""
    from . import fallback

    if not fallback.available():
        return None
    guess = fallback.classify(fallback.neutral(text, spans))
    if guess is None:
        return None
    from .modality import modality

    code = cameo(guess.code)
    clause = _clause_verb(finder.doc, target or source)
    mode = modality(clause)
    return PairCoding(text, source, target, code.code, code.name, code.plover, code.plover_mode, code.quad_class,
                      code.goldstein, mode[0], guess.confidence, None,
                      (f"fallback classifier: nearest example {guess.example!r} (similarity {guess.similarity}, "
                       f"{guess.share:.0%} of the neighbours' vote); no pattern matched",
                       f"modality {mode[0]}: {mode[1]} (at '{clause.text}', the verb governing the {'target' if target else 'source'})"))


def _clause_verb(doc, actor):
    """The nearest verb above an actor: where a guessed event's modality is read."""
    token = next((t for t in doc if t.idx >= actor.start), doc[0])
    for node in (token, *token.ancestors):
        if node.pos_ == "VERB":
            return node
    return token.sent.root


def _coding(finder, cand, source, target, why, weight) -> PairCoding:
    from ..stages.events import project

    projected, mode, notes = project(cand)
    why = "; ".join([why, *notes])
    code = cameo(projected)
    trigger = " ".join(t.text for t in sorted(cand.trigger_tokens, key=lambda t: t.i))
    confidence = round(min(0.99, cand.confidence * weight), 2)
    return PairCoding(finder.text, source, target, code.code, code.name, code.plover, code.plover_mode, code.quad_class,
                      code.goldstein, mode[0], confidence, trigger, (why, *cand.why, f"modality {mode[0]}: {mode[1]}"))


def code_pairs(lines, published: date | None = None):
    """Code many marked sentences, one result per line, models loaded once. A line is a marked
    sentence or JSON {"marked_sentence": …, "id"?}; a bad line yields its error, not a gap."""
    import json

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        ident = None
        try:
            marked = line.strip()
            if marked.startswith("{"):
                try:
                    record = json.loads(marked)
                except json.JSONDecodeError as exc:
                    raise InputError(f"line {number} looks like JSON but is not ({exc.msg}): {marked[:80]!r}") from None
                if not isinstance(record, dict) or not isinstance(record.get("marked_sentence"), str):
                    raise InputError(f'line {number}: a JSON line needs a "marked_sentence" string')
                ident, marked = record.get("id"), record["marked_sentence"]
            result = code_pair(marked, published).to_dict()
            yield ({"id": ident} if ident is not None else {}) | {"line": number} | result
        except InputError as exc:
            yield ({"id": ident} if ident is not None else {}) | {"line": number, "error": str(exc)}


def code_sentence(text: str, published: date | None = None) -> PairCoding | None:
    """The main event of a sentence with no actors marked: the surest coded event, else the
    trigger nearest the root whose actors the parse did not give. None when no trigger fires."""
    from .. import pipeline
    from ..stages.events import EventFinder

    if not text or not text.strip():
        raise InputError("the sentence is empty: there is nothing to code")
    article = Article(raw=text, published=published)
    pipeline.run(article, until="actors")
    finder = EventFinder(article)
    raw = finder.prepared()
    done = finder.complete(raw)

    def depth(cand) -> int:
        token = cand.trigger_tokens[0]
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ in ("dobj", "nsubjpass") and token.head.pos_ == "VERB":
            token = token.head  # "staged demonstrations": the noun is its verb's event
        return sum(1 for _ in token.ancestors)

    if done:
        best = min(done, key=lambda c: (depth(c), -c.confidence, c.anchor.i))
        # A trigger nearer the root whose target went unnamed is still the sentence's main event
        # ("Peru granted asylum to five officers … since the US invasion").
        shallower = [c for c in raw if c.source is not None and c.source.country and depth(c) < depth(best)]
        if shallower:
            main = min(shallower, key=lambda c: (depth(c), -c.confidence, c.anchor.i))
            return _coding(finder, main, main.source, main.target, "the trigger nearest the root; its target is unnamed", 0.8)
        rooted = _rooted(finder, depth, best)
        if rooted is not None:
            return rooted
        return _coding(finder, best, best.source, best.target, "the sentence's coded event nearest its root", 1.0)
    if raw:
        best = min(raw, key=lambda c: (depth(c), -c.confidence, c.anchor.i))
        rooted = _rooted(finder, depth, best)
        if rooted is not None:
            return rooted
        return _coding(finder, best, best.source or NOBODY, best.target, "a trigger whose target the parse did not link", 0.6)
    bare = finder.bare_triggers()
    if bare:
        best = min(bare, key=lambda c: (depth(c), c.anchor.i))
        return _coding(finder, best, NOBODY, None, "a trigger whose actors the parse did not link", 0.5)
    parties = [m for m in article.mentions if m.country][:2]
    if parties:
        spans = [(m.start, m.end, letter) for m, letter in zip(parties, "AB")]
        guessed = _fallback(finder, text, spans, parties[0], parties[1] if len(parties) > 1 else None)
        if guessed is not None:
            return guessed
    finder.loose = True
    bare = finder.bare_triggers()
    if bare:
        best = min(bare, key=lambda c: (depth(c), c.anchor.i))
        return _coding(finder, best, NOBODY, None, "a known trigger whose row conditions the parse does not show", 0.4)
    return None


def _rooted(finder, depth, best) -> PairCoding | None:
    """The sentence's own verb, when `best` lies below it and it is a trigger whose actors went
    unresolved ("Druze inhabitants threatened to strike unless Israel rescinded its
    annexation"): it is still what the sentence reports, more than an event in a clause below."""
    if depth(best) == 0:
        return None
    rooted = [c for c in finder.bare_triggers() if depth(c) == 0]
    if not rooted:
        return None
    return _coding(finder, rooted[0], NOBODY, None, "the sentence's own verb, whose actors the parse did not link", 0.6)
