"""Stage 3: resolve every actor mention to country + sector (+ a canonical name for people).

Resolution works on noun-phrase heads of the dependency parse. A head is resolved from, in
order: the leaders table (dated, so the article's date picks the role), names in the gazetteer
(countries, capitals, seats of power, organisations, armed groups), sector nouns with their
modifiers ("North Korean troops", "South Korea's Joint Chiefs of Staff"), earlier mentions in
the same article (a bare surname, a pronoun), and, for people nobody listed, the title and the
country the context supports, at a lower confidence.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..knowledge.gazetteer import Hit, active_gazetteer, leaders_by_name, leaders_by_surname
from ..model import Actor, Article
from .where import place_population, resolve_place

NP_LEFT_DEPS = {"compound", "amod", "poss", "nmod", "nummod", "det", "flat", "quantmod", "case", "punct", "npadvmod"}
NP_RIGHT_DEPS = {"flat", "compound", "case"}
COUNTRY_KINDS = {"country", "demonym", "capital", "seat", "igo", "group", "institution", "leader", "user", "region", "ethnic"}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
NEUTRAL_TITLES = {"mr", "mrs", "ms", "dr", "sir", "madam", "lady", "lord", "dame", "h.e"}
CALENDAR_WORDS = {m.lower() for m in ("January February March April May June July August September October November "
                                       "December Monday Tuesday Wednesday Thursday Friday Saturday Sunday").split()}
CIVILIAN_WORDS = {"ordinary", "local", "civilian", "innocent", "unarmed"}
RELIGIOUS_WORDS = {"muslim", "moslem", "jewish", "christian", "catholic", "buddhist", "hindu", "sikh", "orthodox",
                   "evangelical", "protestant", "shia", "shiite", "sunni", "coptic", "religious"}
FORMER_WORDS = {"former", "ex", "ex-", "erstwhile", "onetime", "one-time", "retired"}
PAIR_NOUNS = {"country", "countries", "nation", "nations", "side", "sides", "government", "governments", "state", "states",
              "neighbour", "neighbours", "neighbor", "neighbors", "capital", "capitals", "ally", "allies", "leader", "leaders"}
ROLE_NOUNS = {"leader", "president", "premier", "prime minister", "chancellor", "foreign minister", "defence minister",
              "defense minister", "king", "monarch", "head of state", "spokesman", "spokeswoman", "spokesperson"}
# How a sector noun's basis says its country is only the one the text before it was about
# ("sector noun 'Protesters' + context 'Russian'"); see `context_country`.
CONTEXT_GUESS = " + context '"
CROWD_NOUNS = {"dozens", "hundreds", "thousands", "millions", "tens", "crowd", "crowds", "scores"}
GROUP_NOUNS = {"team", "group", "number", "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands",
               "member", "members", "delegation", "unit", "contingent", "crowd", "band", "squad", "some", "many", "several",
               # "opposition supporters" are the opposition
               "supporter", "supporters", "follower", "followers", "loyalist", "loyalists", "sympathizer",
               "sympathizers", "sympathiser", "sympathisers", "backer", "backers"}
OFFICE_TITLES = {"president", "vice president", "chairman", "chairwoman", "chair", "chairperson", "head", "heads", "leader",
                 "leaders", "director", "chief", "speaker", "secretary-general", "secretary general", "spokesman",
                 "spokeswoman", "spokesperson", "member", "members", "commander", "deputy", "official", "officials"}
THING_PRONOUNS = {"it", "its", "they", "them", "their", "itself", "themselves"}
PRONOUN_LOOKBACK_SENTENCES = 6


def np_tokens(head) -> list:
    """The tokens of the noun phrase headed by `head`, without clauses or prepositional phrases."""
    tokens = {head.i: head}
    for child in head.children:
        if (child.i < head.i and child.dep_ in NP_LEFT_DEPS) or (child.i > head.i and child.dep_ in NP_RIGHT_DEPS):
            for t in child.subtree:
                tokens[t.i] = t
    return [tokens[i] for i in sorted(tokens)]


def guessed_from_context(actor: Actor) -> bool:
    return CONTEXT_GUESS in (actor.basis or "")


def span_chars(tokens) -> tuple[int, int, str]:
    """Character span of a phrase, trimmed of leading determiners and a trailing possessive."""
    toks = list(tokens)
    while len(toks) > 1 and (toks[0].dep_ == "det" or toks[0].is_punct or toks[0].is_space):
        toks = toks[1:]
    while len(toks) > 1 and (toks[-1].tag_ == "POS" or toks[-1].is_punct):
        toks = toks[:-1]
    doc = toks[0].doc
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    # A span's text, not doc.text[...]: spaCy rebuilds the whole document string on each doc.text.
    return start, end, doc[toks[0].i : toks[-1].i + 1].text


class ActorResolver:
    """Resolves the actors of one article; remembers people and subjects for later mentions."""

    def __init__(self, article: Article):
        self.doc = article.doc
        self.text = article.doc.text
        self.day: date | None = article.published
        self.hits: dict[int, Hit] = active_gazetteer().match(self.doc)
        self.cache: dict[int, Actor | None] = {}
        self.plural: dict[int, list[Actor]] = {}  # "the two countries" stands for two actors
        self.people: dict[str, Actor] = {}
        self.person_mentions: list[tuple[int, Actor]] = []
        self.subject_mentions: list[tuple[int, Actor]] = []
        self.person_ents = {t.i: ent for ent in self.doc.ents if ent.label_ == "PERSON" for t in ent}
        self.place_ents = {t.i: ent for ent in self.doc.ents if ent.label_ in ("GPE", "LOC", "ORG", "FAC") for t in ent}
        self.mentioned_countries = {h.entries[0].country for h in self.hits.values() if h.kind in ("country", "capital", "demonym")}
        self.unambiguous_countries = {h.entries[0].country for h in self.hits.values() if len(h.entries) == 1}
        self.lower_words = {t.text for t in self.doc if t.text.islower()}

    # -- public -----------------------------------------------------------------------------

    def resolve_all(self) -> list[Actor]:
        """Resolve every candidate head in document order and return the top-level mentions."""
        spans: list[tuple[set[int], object, Actor]] = []
        for token in self.doc:
            hit = self.hits.get(token.i)
            if hit is not None and hit.end - hit.start > 1 and token.i != self._hit_root(hit).i:
                continue  # "Democratic Republic of the Congo" is one mention, made at its root
            if token.pos_ in ("NOUN", "PROPN", "PRON", "ADJ", "NUM") or hit is not None:
                actor = self.resolve(token)
                if actor is not None:
                    members = {t.i for t in np_tokens(token)} | (set(range(hit.start, hit.end)) if hit else set())
                    spans.append((members, token, actor))
        mentions = []
        for i, (members, head, actor) in enumerate(spans):
            if not any(members < other for j, (other, _, _) in enumerate(spans) if j != i):
                mentions.extend(self.plural.get(head.i) or self.split_compound(head, actor))
        return mentions

    def resolve(self, token) -> Actor | None:
        if token.i not in self.cache:
            self.cache[token.i] = self._resolve(token)
            actor = self.cache[token.i]
            if actor is not None and actor.country:
                if actor.name:
                    self.person_mentions.append((token.i, actor))
                elif token.dep_ in ("nsubj", "nsubjpass") and token.pos_ != "PRON" and token.i not in self.person_ents:
                    self.subject_mentions.append((token.i, actor))  # what "it" and "they" may stand for
        return self.cache[token.i]

    def actors(self, token, with_modifiers: bool = False) -> list[Actor]:
        """The actors with a known state a noun phrase stands for: the head, its conjuncts, and
        optionally, when the head is no actor ("the Russian-North Korean agreement"), the actors
        modifying it. Stateless mentions ("gunmen") are listed but cannot be event parties."""
        found = []
        members = [token, *token.conjuncts]
        for appos in token.children:
            if appos.dep_ == "appos" and appos.conjuncts:
                members += [appos, *appos.conjuncts]  # "The US, Russia, and Switzerland met"
        for t in members:
            actor = self.resolve(t)
            if t.i in self.plural:
                found.extend(self.plural[t.i])
            elif actor is not None and actor.country:
                found.extend(self._of_each(t, actor) or self.split_compound(t, actor))
            elif with_modifiers:
                found.extend(self.modifier_actors(t))
        return found

    def _of_each(self, head, actor: Actor) -> list[Actor]:
        """ "The delegations of Cyprus, Greece and Israel": one such actor of each state listed."""
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj" or not obj.conjuncts:
                    continue
                states = [self.resolve(t) for t in (obj, *obj.conjuncts)]
                if states[0] is None or states[0].country != actor.country:
                    return []
                return [replace(actor, country=s.country, basis=f"{actor.basis}; one of the states listed with 'of'")
                        for s in states if s is not None and s.country]
        return []

    def split_compound(self, head, actor: Actor) -> list[Actor]:
        """ "Hungarian and Romanian officials" are two actors, one for each country."""
        countries, modifiers = [], []
        for child in head.children:
            if child.dep_ in ("amod", "compound", "nmod") and child.i in self.hits:
                for t in (child, *child.conjuncts):
                    hit = self.hits.get(t.i)
                    if hit and hit.kind in ("demonym", "country") and self._pick(hit).country not in countries:
                        countries.append(self._pick(hit).country)
                        modifiers.append(t)
        if len(countries) < 2 or actor.country not in countries:
            return [actor]
        extra = []
        for t in modifiers:
            c = self._pick(self.hits[t.i]).country
            if c != actor.country:
                # "Hungarian and Romanian officials": the second actor's evidence is "Romanian officials".
                start = self.doc[self.hits[t.i].start].idx
                extra.append(replace(actor, country=c, start=start, text=self.text[start:actor.end],
                                     basis=actor.basis + f"; compound modifier gives {c} too"))
        return [actor] + extra

    def modifier_actors(self, head) -> list[Actor]:
        found = []
        for t in np_tokens(head):
            if t.i != head.i and t.dep_ in ("amod", "compound", "poss", "nmod") and (t.i in self.hits or t.dep_ == "poss"):
                if t.i in self.person_ents and self.person_ents[t.i] == self.person_ents.get(head.i):
                    continue  # "Jacob" in "Jacob Blake" is part of his name, not another person
                self.resolve(t)
                for actor in self.plural.get(t.i) or [self.cache.get(t.i)]:
                    if actor is not None and actor.country and actor.country not in {a.country for a in found}:
                        found.append(actor)
        return found

    # -- resolution -------------------------------------------------------------------------

    def _resolve(self, head) -> Actor | None:
        if head.pos_ == "PRON":
            return self._pronoun(head)
        hit = self.hits.get(head.i)
        if hit is not None and self._pick(hit).kind == "user":
            return self._user_actor(head, hit)
        if (hit and hit.kind == "leader") or (head.i in self.person_ents and (hit is None or hit.kind == "demonym")):
            return self._person(head)
        if hit is None and self._proper(head) and head.ent_type_ not in ("GPE", "LOC", "FAC") and self._lone_surname(head):
            return self._person(head)  # "Museveni" alone, which the tagger did not call a person
        if head.lower_ in PAIR_NOUNS and self._is_pair(head):
            return self._pair(head)
        if hit is None and head.lemma_.lower() in GROUP_NOUNS:
            return self._group_of(head)
        if hit is None:
            return self._city(head)
        if hit.kind == "agent":
            if head.pos_ == "ADJ" and head.dep_ == "amod" and hit.entries[0].noun_only:
                return None  # "a general election": the word is no sector noun here
            return self._agent(head, hit)
        if hit.kind == "demonym" and head.dep_ == "amod" and head.head.i in self.hits and self.hits[head.head.i].kind == "agent":
            return None  # part of "Russian ambassador": the agent head speaks for the phrase
        entry = self._pick(hit)
        tokens = sorted({t.i: t for t in [*np_tokens(head), *self.doc[hit.start:hit.end]]}.values(), key=lambda t: t.i)
        start, end, text = span_chars(tokens)
        if hit.kind == "demonym" and hit.start > 0 and self.doc[hit.start - 1].lower_ == "ethnic":
            # "Ethnic Albanians in south Serbia" are Serbia's; ethnic kin are not the kin state.
            home = self._located_in(head)
            return Actor(text, start, end, home.country, None, None, 0.7, f"ethnic group located in {home.text}") if home else None
        if hit.kind == "demonym" and head.tag_ in ("NNS", "NNPS") and any(c.lower_ in CIVILIAN_WORDS for c in head.children):
            return Actor(text, start, end, entry.country, "CVL", None, 0.9, f"civilians: {entry.kind} {entry.basis}")
        if hit.kind == "institution":
            # "Chile's Defense Department": the possessor's state owns the institution.
            owner, why = self._phrase_country([t for t in tokens if not hit.start <= t.i < hit.end])
            if owner and owner != entry.country:
                return Actor(text, start, end, owner, entry.sector, None, 0.8, f"institution '{self.doc[hit.start:hit.end].text}' of {why}")
        confidence = {"demonym": 0.9, "region": 0.8, "ethnic": 0.7}.get(hit.kind, 1.0)
        return Actor(text, start, end, entry.country, entry.sector, None, confidence, f"{entry.kind} {entry.basis}")

    def _city(self, head, as_modifier: bool = False) -> Actor | None:
        """A city named as a party ("shelled Kharkiv", "Shanghai authorities") stands for its
        country, at lower confidence."""
        ent = self.place_ents.get(head.i)
        if ent is None or not self._proper(head):
            return None
        if not as_modifier and (head.i != ent.root.i or head.dep_ in ("compound", "amod")):
            return None
        # As a modifier ("Oxford University", "Shanghai authorities") only the token itself names the city.
        place = resolve_place(head.text if as_modifier else ent.text, self.mentioned_countries)
        if place is None or place.feature != "city" or not place.country:
            return None
        if ent.label_ not in ("GPE", "LOC") and place_population(place) < 100_000:
            return None  # the tagger did not call it a place: only a big city's name is safe
        start, end, text = span_chars(np_tokens(head))
        # A city named as a party is its people, not its state's government (capitals are seats).
        return Actor(text, start, end, place.country, "CVL", None, 0.7, f"city '{place.name}' (GeoNames {place.geonameid}) in {place.country}")

    def _modifier_city(self, token, phrase) -> Actor | None:
        """A city named inside a phrase: "Shanghai authorities", "Santa Marta Self Defense
        Forces". A name of two or more words ("Puerto Penasco") is safe at any population."""
        ids = {t.i for t in phrase}
        run = [token]
        while run[-1].i + 1 in ids and self.doc[run[-1].i + 1].pos_ == "PROPN" and run[-1].i + 1 not in self.hits:
            run.append(self.doc[run[-1].i + 1])
        for length in range(len(run), 1, -1):
            name = " ".join(t.text for t in run[:length])
            place = resolve_place(name, self.mentioned_countries)
            if place is not None and place.feature == "city" and place.country:
                start, end, text = span_chars(phrase)
                return Actor(text, start, end, place.country, "CVL", None, 0.7,
                             f"city '{place.name}' (GeoNames {place.geonameid}) in {place.country}")
        return self._city(token, as_modifier=True)

    def _user_actor(self, head, hit: Hit) -> Actor:
        entry = self._pick(hit)
        tokens = np_tokens(head)
        start, end, text = span_chars(tokens)
        country, sector = self._compose(entry.country, entry.sector, tokens, hit)
        return Actor(text, start, end, country, sector, entry.name, 1.0, f"user dictionary {entry.basis}")

    def _compose(self, country, sector, tokens, skip: Hit):
        """PETRARCH-style agents around an actor: prefixes go before its code ("MSF Arnor" is
        NGOARN), suffixes after it ("Gondor police" is GONCOP)."""
        prefixes, suffixes = [], []
        for t in tokens:
            hit = self.hits.get(t.i)
            if hit is None or hit is skip or t.i != hit.start:
                continue
            entry = self._pick(hit)
            if entry.kind == "agent" and entry.user:
                (prefixes if entry.position == "prefix" else suffixes).append(entry.sector)
        if not prefixes and not suffixes:
            return country, sector
        code = "".join(prefixes) + (country or "") + (sector or "") + "".join(suffixes)
        return code[:3], code[3:] or None

    @staticmethod
    def _is_pair(head) -> bool:
        return any((c.dep_ == "nummod" and c.lower_ in ("two", "2")) or (c.dep_ in ("det", "predet") and c.lower_ == "both")
                   for c in head.children)

    def _pair(self, head) -> Actor | None:
        """ "The two countries", "both sides": the last pair named together ("Moscow and
        Pyongyang", "the Russian-North Korean agreement"), else the last two states named."""
        seen = self._last_named_pair(head) or []
        for i in range(head.i - 1, max(-1, head.i - 400), -1):
            if len(seen) == 2:
                break
            actor = self.cache.get(i)
            if actor is not None and actor.country and self.doc[i].pos_ != "PRON" and actor.country not in {a.country for a in seen}:
                seen.append(actor)
        if len(seen) < 2:
            return None
        start, end, text = span_chars(np_tokens(head))
        pair = [replace(a, text=text, start=start, end=end, confidence=round(a.confidence * 0.8, 2), name=None,
                        basis=f"'{text}' -> '{a.text}'") for a in reversed(seen)]
        self.plural[head.i] = pair
        return pair[0]

    def _last_named_pair(self, head) -> list[Actor] | None:
        for i in range(head.i - 1, max(-1, head.i - 400), -1):
            token, actor = self.doc[i], self.cache.get(i)
            if actor is None or not actor.country or token.pos_ == "PRON":
                continue
            together = [a for a in self.actors(token) if a.country] if token.dep_ != "conj" else []
            if len({a.country for a in together}) == 2:
                return together[:2][::-1]
        return None

    def _group_of(self, head) -> Actor | None:
        """ "A team of heavily armed police" is the police."""
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        inner = self.resolve(obj)
                        if inner is not None:
                            start, end, text = span_chars(np_tokens(head) + list(prep.subtree))
                            if head.lower_ in CROWD_NOUNS and inner.sector is None and inner.name is None:
                                # "thousands of Israelis" are people of Israel, not its state
                                return replace(inner, text=text, start=start, end=end, sector="CVL",
                                               basis=f"'{head.text} of' people: {inner.basis}")
                            return replace(inner, text=text, start=start, end=end, basis=f"'{head.text} of' {inner.basis}")
        for child in head.children:
            # "opposition groups in Zimbabwe" are the opposition; "the Hizbollah group" is Hizbollah
            if child.dep_ == "compound" and child.i in self.hits and self.hits[child.i].kind in ("agent", "group", "igo", "institution"):
                inner = self.resolve(child)
                if inner is not None and (inner.sector or inner.country):
                    start, end, text = span_chars(np_tokens(head))
                    return replace(inner, text=text, start=start, end=end, basis=f"'{head.text}' of {inner.basis}")
        return None

    def _located_in(self, head) -> Actor | None:
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "of", "from"):
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        place = self.resolve(obj)
                        if place is not None and place.country:
                            return place
                        for inner in obj.subtree:
                            found = self.resolve(inner) if inner.i != obj.i and inner.i in self.hits else None
                            if found is not None and found.country:
                                return found
        return None

    @staticmethod
    def _proper(token) -> bool:
        """A proper noun, or a capitalised word the tagger called a noun inside a named entity
        (a one-word text such as "Sydney" or "Trump" is often tagged NOUN)."""
        return token.pos_ == "PROPN" or (token.pos_ == "NOUN" and token.text[:1].isupper() and token.ent_type_ != "")

    def _lone_surname(self, token) -> bool:
        """A capitalised word that is the surname of exactly one listed person, and no calendar word
        or word the text also uses in lower case ("May", "Rice")."""
        if token.dep_ in ("compound", "flat") or token.text[:1].islower() or token.lower_ in CALENDAR_WORDS:
            return False
        if any(c.dep_ in ("compound", "flat") and c.pos_ == "PROPN" and c.i not in self.hits for c in token.children):
            return False  # "Pope Francis", "Mr Charles": part of another name, not a lone surname
        if token.lower_ in self.lower_words:
            return False
        rows = leaders_by_surname().get(token.text, [])
        current = {l.name for l in rows if l.holds_office_on(self.day)}
        return len(current) == 1 or (not current and len({l.name for l in rows}) == 1)

    def _hit_root(self, hit: Hit):
        """The token of a multi-word name whose head lies outside it."""
        for i in range(hit.start, hit.end):
            head = self.doc[i].head
            if not hit.start <= head.i < hit.end or head.i == i:
                return self.doc[i]
        return self.doc[hit.end - 1]

    def _pick(self, hit: Hit):
        """The entry for this date; a user's entry first; a name two states share ("Congolese")
        goes to the one the article talks about."""
        entries = [e for e in hit.entries if e.valid_on(self.day)] or list(hit.entries)
        if len(entries) == 1 or entries[0].kind in ("user", "agent"):
            return entries[0]
        for entry in entries:
            if entry.country in self.unambiguous_countries:
                return entry
        return entries[0]

    def _phrase_country(self, tokens, skip: Hit | None = None):
        for t in tokens:
            hit = self.hits.get(t.i)
            if hit is not None and hit.kind == "demonym" and t.i > 0 and self.doc[hit.start - 1].lower_ == "ethnic":
                continue  # "ethnic Albanian guerrillas" in Macedonia are no Albanian state actor
            if t.i in self.person_ents and t.dep_ in ("compound", "poss") and (hit is None or hit.kind == "leader"):
                person = self.resolve(t)
                if person is not None and person.country:
                    return person.country, f"person '{person.name}'"
                continue
            if hit is None and t.dep_ in ("compound", "poss", "nmod") and t.pos_ == "PROPN":
                city = self._modifier_city(t, tokens)
                if city is not None:
                    return city.country, city.basis
            if hit is None or hit is skip or hit.kind not in COUNTRY_KINDS:
                continue
            entry = self._pick(hit)
            if hit.kind == "leader":
                person = self.resolve(t) if t.dep_ == "poss" else None
                if person is not None:
                    return person.country, f"possessor {person.name}"
                continue
            return entry.country, f"{entry.kind} '{self.doc[hit.start:hit.end].text}' ({entry.basis})"
        return None, None

    def _agent(self, head, hit: Hit) -> Actor | None:
        tokens = sorted({t.i: t for t in [*np_tokens(head), *self.doc[hit.start:hit.end]]}.values(), key=lambda t: t.i)
        sector = hit.entries[0].sector
        country, why = self._phrase_country(tokens, skip=hit)
        if country is None and head.dep_ in ("compound", "amod"):
            # "Israeli military policies", "Ugandan opposition candidates": the state modifies the
            # whole phrase, of which the sector noun is itself a modifier.
            siblings = [t for s in head.head.children if s.i != head.i and s.i < head.head.i and s.dep_ in NP_LEFT_DEPS
                        for t in s.subtree]
            country, why = self._phrase_country(siblings, skip=hit)
        group = self._modifier_group(tokens, hit)
        if group is not None and sector in ("MIL", "UAF", "REB", "CVL"):
            sector, why = group.sector, f"{why} (the group's own sector)"
        if country is None:
            for child in head.children:
                if child.dep_ == "poss" and child.pos_ == "PRON":
                    owner = self.resolve(child)
                    if owner is not None and owner.country:
                        country, why = owner.country, f"possessor '{child.text}' ({owner.basis})"
        if country is None:
            # "trade unions in Denmark" belong to Denmark; troops in a country need not.
            preps = ("of", "for", "from") + (("in", "throughout", "across") if sector != "MIL" else ())
            # "opposition groups in Zimbabwe": the phrase the sector noun modifies has the place.
            holders = [head, head.head] if head.dep_ == "compound" else [head]
            for prep in (c for h in holders for c in h.children):
                if prep.dep_ == "prep" and prep.lower_ in preps:
                    for obj in prep.children:
                        if obj.dep_ == "pobj":
                            inner = self.resolve(obj)
                            if inner is not None and inner.country:
                                country, why = inner.country, f"'{prep.text} {inner.text}'"
        office = self._office_of(head, hit)
        if office is not None:
            # "the president of the Riigikogu" sits in the legislature: the office takes the
            # institution's sector (and its state).
            sector, why = office.sector, f"office of '{office.text}' ({office.basis})"
            country = office.country or country
        confidence = 0.9
        if country is None and (head.dep_ in ("nsubj", "nsubjpass") or not any(t.pos_ in ("VERB", "AUX") for t in head.sent)):
            # "Japan protested. The foreign ministry said…": a bare sector noun that acts (or a
            # headline-like fragment) belongs to the state the text before it is about. Objects
            # never do: "Russia attacked the troops" are not Russia's troops.
            country, why = self.context_country(head)
            confidence = 0.5
        if any(t.lower_ in FORMER_WORDS for t in tokens):
            sector, why = "ELI", f"{why} (a former office holder is an elite)"
        elif sector in ("GOV", "CVL") and any(t.lower_ in RELIGIOUS_WORDS for t in tokens):
            sector = "REL"  # "Muslim leaders", "a Jewish community leader"
        start, end, text = span_chars(tokens)
        noun = f"sector noun '{self.doc[hit.start:hit.end].text}' ({hit.entries[0].basis})"
        if country is None:
            # Still a mention ("gunmen", "the president"): its sector is known, its state is not.
            return Actor(text, start, end, None, sector, None, 0.4, f"{noun}, no country in the phrase")
        earlier = self._earlier_holder(head, hit, tokens, country, sector)
        if earlier is not None:
            return replace(earlier, text=text, start=start, end=end, confidence=round(earlier.confidence * 0.85, 2),
                           basis=f"'{text}' -> earlier {earlier.name}")
        head_entry = self._pick(hit)
        if head_entry.user:
            # A PETRARCH agent: the codes of every agent in the phrase wrap the actor's code.
            country, sector = self._compose(country, None, tokens, None)
        return Actor(text, start, end, country, sector, None, confidence, f"{noun} + {why}")

    def _office_of(self, head, hit: Hit) -> Actor | None:
        """The institution a title belongs to: "speaker of parliament", "head of the FSB"."""
        if self.doc[hit.start : hit.end].text.lower() not in OFFICE_TITLES:
            return None
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        inner = self.resolve(obj)
                        if inner is not None and inner.sector and not inner.name:
                            return inner
        return None

    def _earlier_holder(self, head, hit: Hit, tokens, country, sector) -> Actor | None:
        """ "The Russian leader" after "Vladimir Putin" is Putin: a definite role phrase with no
        name of its own, matching the state and sector of one person named before."""
        role = self.doc[hit.start : hit.end].text.lower()
        if role not in ROLE_NOUNS or not any(t.lower_ == "the" for t in tokens) or head.tag_ in ("NNS", "NNPS"):
            return None
        candidates = {a.name: a for i, a in self.person_mentions if i < head.i and a.country == country and a.sector == sector}
        return next(iter(candidates.values())) if len(candidates) == 1 else None

    def _modifier_group(self, tokens, skip: Hit):
        for t in tokens:
            hit = self.hits.get(t.i)
            if hit is not None and hit is not skip and hit.kind == "group":
                return self._pick(hit)
        return None

    def _person_name(self, head) -> tuple[str, list]:
        ent = self.person_ents.get(head.i)
        hit = self.hits.get(head.i)
        if hit and hit.kind == "leader":
            tokens = list(self.doc[hit.start : hit.end])
        elif ent is not None:
            tokens = [t for t in ent if t.i <= head.i]
        else:
            tokens = [head]
        # NER sometimes swallows a title ("President Putin"): keep the name proper.
        while len(tokens) > 1 and (self.hits.get(tokens[0].i) is not None and self.hits[tokens[0].i].kind == "agent"):
            tokens = tokens[1:]
        while tokens and tokens[-1].tag_ == "POS":
            tokens = tokens[:-1]
        return " ".join(t.text for t in tokens).replace(" - ", "-").replace(" -", "-").replace("- ", "-"), tokens

    def _leader_on(self, candidates):
        """The row for the article's date. Someone out of office on that date is coded as a
        former official (ELI). With no date, an open row (still in office) comes first, else the
        last listed office: "former" is a claim about a date, and there is none to make it on."""
        valid = [l for l in candidates if l.holds_office_on(self.day)]
        if valid:
            # A president who also chairs the African Union speaks first for the state.
            return min(valid, key=lambda l: l.sector == "IGO"), True
        if candidates and self.day is not None:
            # "Former" refers to an office that had ended by this date, not to one still to come.
            past = [l for l in candidates if l.end is not None and l.end < self.day]
            return max(past or candidates, key=lambda l: l.end or date.max), False
        if candidates:
            return max(candidates, key=lambda l: l.end or date.max), True
        return None, False

    def _person(self, head) -> Actor | None:
        name, name_tokens = self._person_name(head)
        start, end, text = span_chars(np_tokens(head))
        surname = name.split()[-1] if name else ""
        by_name = leaders_by_name().get(name, [])
        leader, current = self._leader_on(by_name)
        if leader is not None and not current and self.day and self.day < min(l.start for l in by_name):
            # Not yet in any listed office ("US Senator Marco Rubio" in 2022): the state is known,
            # the sector is whatever the text's own title says.
            found = self._unknown_person(head, name, name_tokens, text, start, end)
            actor = replace(found, country=leader.country, name=leader.name, confidence=0.7,
                            basis=f"leaders.tsv: {leader.name} before any listed office; {found.basis}")
        elif leader is not None:
            actor = self._leader_actor(leader, current, text, start, end, 1.0)
            if actor.sector == "ELI":
                # Out of every listed office on this date, but the text gives a title of its own
                # ("US Senator Marco Rubio"): the text is the fresher evidence.
                titled = self._unknown_person(head, name, name_tokens, text, start, end)
                if titled.sector and titled.sector != "ELI":
                    actor = replace(actor, sector=titled.sector, confidence=0.7,
                                    basis=f"{titled.basis.removeprefix('unknown person: ')}; leaders.tsv: no office held on this date")
        elif name in self.people or surname in self.people:
            earlier = self.people.get(name) or self.people[surname]
            actor = replace(earlier, text=text, start=start, end=end, basis=f"earlier mention of {earlier.name}")
        else:
            # A bare surname must fit any title before it: "Pope Francis" is no foreign minister Francis.
            titles = self._title_words(head, name_tokens)
            fits = [l for l in leaders_by_surname().get(surname, []) if self._title_fits(titles, l)]
            same_surname = [l for l in fits if l.holds_office_on(self.day)]
            any_date = fits
            if len(name.split()) == 1 and len({l.name for l in same_surname}) == 1:
                leader, current = self._leader_on(same_surname)
                actor = self._leader_actor(leader, current, text, start, end, 0.8)
            elif len(name.split()) == 1 and not same_surname and len({l.name for l in any_date}) == 1:
                # Only one listed person ever had this surname, but not in office on this date.
                leader, current = self._leader_on(any_date)
                actor = self._leader_actor(leader, current, text, start, end, 0.6)
            elif len(name.split()) == 1 and len({(l.country, l.sector) for l in (same_surname or any_date)}) == 1:
                # "President Bush": two people, one state and one sector; the name stays open.
                leader = (same_surname or any_date)[0]
                actor = Actor(text, start, end, leader.country, leader.sector, None, 0.6,
                              f"leaders.tsv: several {leader.country} officials named {surname}")
            else:
                actor = self._unknown_person(head, name, name_tokens, text, start, end)
        if actor is not None and actor.sector != "ELI" and any(t.lower_ in FORMER_WORDS for t in self._title_tokens(head, name_tokens)):
            # "former President Nursultan Nazarbayev": the text itself says the office is past.
            actor = replace(actor, sector="ELI", basis=actor.basis + "; the text calls the person former")
        if actor is not None and actor.name:
            # A later, surer mention (the full name) replaces an early guess from a bare surname.
            for key in {actor.name, actor.name.split()[-1], surname}:
                if key not in self.people or self.people[key].confidence < actor.confidence:
                    self.people[key] = actor
        return actor

    def _title_tokens(self, head, name_tokens) -> list:
        names = {t.i for t in name_tokens}
        return [t for t in np_tokens(head) if t.i not in names]

    def _title_words(self, head, name_tokens) -> set[str]:
        names = {t.i for t in name_tokens}
        return {t.lower_.rstrip(".") for t in np_tokens(head) if t.i not in names and t.pos_ in ("PROPN", "NOUN") and t.i != head.i}

    @staticmethod
    def _title_fits(titles: set[str], leader) -> bool:
        role = leader.role.lower()
        return not titles or bool(titles & NEUTRAL_TITLES) or any(word in role for word in titles)

    def _leader_actor(self, leader, current: bool, text, start, end, confidence) -> Actor:
        if current and self.day is None and leader.end is not None:
            return Actor(text, start, end, leader.country, leader.sector, leader.name, round(confidence * 0.8, 2),
                         f"leaders.tsv: {leader.role} {leader.start}..{leader.end} (no date given: last listed office)")
        if current:
            return Actor(text, start, end, leader.country, leader.sector, leader.name, confidence,
                         f"leaders.tsv: {leader.role} {leader.start}..{leader.end or ''}")
        # Out of office on the article's date: a former official is an elite, not the government.
        return Actor(text, start, end, leader.country, "ELI", leader.name, confidence * 0.8,
                     f"leaders.tsv: former {leader.role} {leader.start}..{leader.end or ''}")

    def _unknown_person(self, head, name, name_tokens, text, start, end) -> Actor:
        tokens = np_tokens(head)
        name_ids = {t.i for t in name_tokens}
        title_tokens = [t for t in tokens if t.i not in name_ids]
        for child in head.children:
            if child.dep_ == "appos":
                title_tokens.extend(np_tokens(child))
        sector = None
        title = None
        for t in title_tokens:
            hit = self.hits.get(t.i)
            if hit and hit.kind == "agent" and sector is None:
                # The first title is the office ("Deputy Minister of Defense Colonel-General X").
                sector, title = hit.entries[0].sector, self.doc[hit.start : hit.end].text
        if sector is not None and any(t.lower_ in FORMER_WORDS for t in title_tokens):
            sector, title = "ELI", f"former {title}"
        country, why = self._phrase_country(title_tokens)
        if country and any(self.hits.get(t.i) and self.hits[t.i].kind == "igo" for t in title_tokens):
            sector = self._pick(next(self.hits[t.i] for t in title_tokens if self.hits.get(t.i) and self.hits[t.i].kind == "igo")).sector
        confidence = 0.7
        if country is None:
            country, why = self.context_country(head)
            confidence = 0.55 if country else 0.3
        if sector is None:
            confidence -= 0.2
        basis = "unknown person: " + (", ".join(
            part for part in (f"title '{title}'" if title else "", f"country from {why}" if why else "") if part
        ) or "no title, no country in context")
        return Actor(text, start, end, country, sector, name, round(confidence, 2), basis)

    def context_country(self, token, same_sentence_only: bool = False):
        """The country the text before a mention is about: the nearest named before it in the
        sentence, else the most recent in earlier sentences. What follows a mention is usually
        the other party ("spokesman X criticized China"), so it never counts."""
        sent = token.sent
        kinds = ("country", "capital", "seat", "demonym")

        def place(i: int) -> bool:
            # "Chad Peace", "Jordan Peterson": a country's name inside a person's name is no context
            return bool(self.hits.get(i)) and self.hits[i].kind in kinds and not self._in_person_name(i)

        before = [i for i in range(token.i - 1, sent.start - 1, -1) if place(i)]
        earlier = [] if same_sentence_only else [i for i in range(sent.start - 1, max(-1, sent.start - 200), -1) if place(i)]
        for pool in (before, earlier):
            if pool:
                hit = self.hits[pool[0]]
                return self._pick(hit).country, f"context '{self.doc[hit.start:hit.end].text}'"
        return None, None

    def _in_person_name(self, i: int) -> bool:
        ent = self.person_ents.get(i)
        return ent is not None and len(ent) > 1

    def _pronoun(self, token) -> Actor | None:
        lower = token.lower_
        if lower in PERSON_PRONOUNS:
            pool = self.person_mentions
        elif lower in THING_PRONOUNS:
            pool = self.subject_mentions
        else:
            return None
        horizon = token.sent.start
        for _ in range(PRONOUN_LOOKBACK_SENTENCES if lower in PERSON_PRONOUNS else 1):
            if horizon > 0:
                horizon = token.doc[horizon - 1].sent.start
        for i, antecedent in reversed(pool):
            if i < token.i and i >= horizon:
                return replace(antecedent, text=token.text, start=token.idx, end=token.idx + len(token.text),
                               confidence=round(antecedent.confidence * 0.8, 2),
                               basis=f"pronoun -> '{antecedent.text}'")
        return None


def run(article: Article) -> Article:
    resolver = ActorResolver(article)
    article.mentions = resolver.resolve_all()
    article.resolver = resolver  # the events stage reads actors through the same resolver
    return article
