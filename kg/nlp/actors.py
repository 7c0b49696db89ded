"""Which entity mentions can be actors, and of what type: the English model's entity spans repaired
before ``kg_entities`` names them.

- Edges and cuts: a name ends at a function word or a verb ("Scottish Local Authority Management
  Centre at", "Commons after Mr Brown" -> "Commons" and the person "Mr Brown"), at a personal title
  inside it ("Sunday Times Mr Campbell") and at a bracket or comma; a span that starts inside a word
  ("A-Levels" read as "-Levels") is dropped.
- Junk: lower-case runs ("grey jeans"), clothes, times ("Sunday"), a portfolio or a generic word on its own
  ("Health" of "Deputy Health Minister", "Skills", "State") are not actors.
- Joins: "Department for Education" and "Skills", "Public" and "Commercial Services Union", "Office of
  the" and the office after it, "Scottish" and "Executive" become one organisation; a demonym and a
  community noun ("Pakistani community") one group.
- Types: a personal title makes a person ("Mr Cable" tagged ORG); known agencies are organisations
  (MI6), media outlets ``MEDIA``, the Budget an event, bills and treaties ``ISSUE``; a one-word
  acronym is no person; a name right after an office is its holder ("President Thabo Mbeki" tagged
  GPE); a city or province is a GPE (``places``).
- Amounts keep their unit ("£15m", not "£15").

The tables are ``pipelines/actors.toml`` (:func:`read`); ``kg_entities`` saves them with the pipeline.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from spacy.attrs import ORTH
from spacy.tokens import Doc, Span

from kg.nlp import attrs, countries
from kg.nlp.countries import Countries
from kg.resources import PIPELINES

ACTORS_PATH = PIPELINES / "actors.toml"
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT"})
_UNITS = frozenset({"m", "bn", "mn", "k", "tn", "billion", "million", "trillion"})
_CUT_PUNCT = frozenset({"(", ")", ",", '"', "“", "”", ":", ";", "[", "]", "|"})
_PERSON_INSIDE = frozenset({"de", "du", "la", "le", "von", "van", "der", "den", "da", "di", "al", "el", "bin", "ibn"})


def read(path: Path | str | None = None) -> dict:
    """The tables as data (``path`` default: kg's ``pipelines/actors.toml``)."""
    return tomllib.loads(Path(path or ACTORS_PATH).read_text("utf-8"))


def _fold(xs: Iterable[str]) -> frozenset[str]:
    return frozenset(x.casefold() for x in xs)


class Tables:
    """Look-ups in the actor tables (:func:`read`)."""

    def __init__(self, data: dict):
        self.data = data
        w = data.get("words", {})
        self.function = _fold(w.get("function", ()))
        self.inside = _fold(w.get("inside", ()))
        self.personal_titles = _fold(w.get("personal_titles", ()))
        self.female_titles = _fold(w.get("female_titles", ()))
        self.male_titles = _fold(w.get("male_titles", ()))
        self.peerage = _fold(w.get("peerage", ()))
        self.qualifiers = _fold(w.get("qualifiers", ()))
        self.time = _fold(w.get("time", ()))
        self.portfolio = _fold(w.get("portfolio", ()))
        self.generic = _fold(w.get("generic", ()))
        self.objects = _fold(w.get("objects", ()))
        self.org_heads = _fold(w.get("org_heads", ()))
        self.ministries = _fold(w.get("ministries", ()))
        self.institutions = _fold(w.get("institutions", ()))
        self.communities = _fold(w.get("communities", ()))
        self.issue_heads = _fold(w.get("issue_heads", ()))
        n = data.get("names", {})
        self.labels: dict[str, str] = {}  # folded name -> label
        for label, key in (("ORG", "organizations"), ("EVENT", "events"), ("ISSUE", "issues"), ("MEDIA", "media")):
            self.labels.update((x.casefold(), label) for x in n.get(key, ()))
        # known names written in capitals, looked for where the model tagged nothing ("MI6")
        self.acronyms = frozenset(x for x in n.get("organizations", ()) if x.isupper() or x[:2] == "MI")
        self.media_prefixes = tuple(tuple(p.casefold().split()) for p in n.get("media_prefixes", ()))
        self.media_prefix_sets: dict[int, set[tuple[str, ...]]] = {}  # the prefixes by their number of words
        for p in self.media_prefixes:
            self.media_prefix_sets.setdefault(len(p), set()).add(p)
        self.long_forms = {k.casefold(): v for k, v in data.get("long_forms", {}).items()}
        f = data.get("first_names", {})
        self.first_sex = {x.casefold(): "f" for x in f.get("female", ())}
        self.first_sex.update((x.casefold(), "m") for x in f.get("male", ()))

    def title_sex(self, word: str) -> str | None:
        """ "f" or "m" for a gendered title ("Mrs", "Lord"), else None."""
        w = word.casefold().rstrip(".")
        return "f" if w in self.female_titles else "m" if w in self.male_titles else None

    def name_sex(self, name: str) -> str | None:
        """ "f" or "m" for a full name whose first name says it ("Sandra Howard"), else None."""
        words = name.split()
        return self.first_sex.get(words[0].casefold()) if len(words) > 1 else None

    def is_title(self, tok) -> bool:
        """Whether a token is a personal title ("Mr", "Mrs.", "Lord"; not "RT" or "DR" in capitals)."""
        w = tok.text.rstrip(".")
        return w.casefold() in self.personal_titles and not (w.isupper() and len(w) > 1)

    def not_owner(self, word: str) -> bool:
        """Whether a capitalised word before an office is its qualifier or portfolio, not its owner."""
        w = word.casefold().rstrip(".")
        return w in self.personal_titles or w in self.qualifiers or w in self.portfolio or w in self.generic


@lru_cache(maxsize=1)
def default() -> Tables:
    """kg's own tables."""
    return Tables(read())


# the particles of surnames ("von der Leyen", "de Villepin", "bin Laden")
_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "du", "des", "la", "le", "di", "da", "del", "dos", "bin", "al"}
)


def _capitalised(tok) -> bool:
    return tok.text[:1].isupper() or tok.text[:1].isdigit()


def repair(doc: Doc, t: Tables, places: Countries | None = None) -> list[Span]:
    """``doc.ents`` repaired (see the module docstring): junk dropped, edges trimmed, split names joined,
    labels corrected. ``places``: the country tables (cities and provinces are GPEs, a demonym tagged
    PERSON a nationality)."""
    places = places or countries.default()
    is_place = places.place
    ents = _known(doc, list(doc.ents), t)
    in_ent = {i for e in ents for i in range(e.start, e.end)}
    out: list[Span] = []
    k = 0
    while k < len(ents):
        ent, k = _join(doc, ents, k, t, in_ent)
        if ent.label_ in ("MONEY", "PERCENT"):
            end = ent.end
            unit = doc[end].lower_.removesuffix(".") if end < len(doc) else ""  # "£50m." ends a sentence
            if unit in _UNITS and not doc[end - 1].whitespace_ and end not in in_ent:
                ent = Span(doc, ent.start, end + 1, label=ent.label_)  # "£15m": the tokenizer splits off the "m"
            out.append(ent)
            continue
        if ent.label_ == "OFFICE" and _surname_office(doc, ent, in_ent):
            ent = Span(doc, ent.start - 1, ent.end, label="PERSON")  # "Mr. King said": a surname, not a king
        if ent.label_ not in NAME_LABELS:
            out.append(ent)
            continue
        start = ent.start
        while start > 0 and t.is_title(doc[start - 1]) and start - 1 not in in_ent:
            start -= 1  # "Lord Falconer" tagged from "Falconer" (as a person or not): the title names a person
        if ent.label_ == "PERSON" and len(ent) == 1 and places.demonym(ent.text):
            ent = _community(doc, Span(doc, ent.start, ent.end, label="NORP"), t, in_ent)  # "Welsh farmers"
        elif start < ent.start and _capitalised(doc[start]) and ent.label_ != "NORP":
            ent = Span(doc, start, ent.end, label="PERSON")
        for start, end, piece_label in _pieces(doc, ent, t, is_place):
            label = _label(doc, start, end, piece_label, t, is_place, out)
            if label:
                out.append(Span(doc, start, end, label=label))
    return out


def _surname_office(doc: Doc, ent: Span, in_ent: set[int]) -> bool:
    """Whether an office word is a surname after a title ("Mr King", "Ms Judge"; not "Lord Chancellor")."""
    i = ent.start - 1
    return (
        len(ent) == 1
        and i >= 0
        and i not in in_ent
        and doc[i].text.rstrip(".") in ("Mr", "Mrs", "Ms", "Miss", "Dr")
        and ent[0].text[:1].isupper()
    )


def _known(doc: Doc, ents: list[Span], t: Tables) -> list[Span]:
    """``ents`` and the known organisations ("MI6", "GCHQ") the model left untagged."""
    taken = {i for e in ents for i in range(e.start, e.end)}
    found = [
        Span(doc, i, i + 1, label="ORG")
        for i in attrs.indices(doc, ORTH, attrs.hashes(doc.vocab, t.acronyms))
        if i not in taken
    ]
    return sorted([*ents, *found], key=lambda e: e.start) if found else ents


def _join(doc: Doc, ents: list[Span], k: int, t: Tables, in_ent: set[int]) -> tuple[Span, int]:
    """The entity at ``k``, joined with the ones after it that belong to the same name, and the index
    of the next entity."""
    a = ents[k]
    k += 1
    while k < len(ents):
        b = ents[k]
        adjacent = b.start <= a.end  # no words between them
        a_label, b_label = a.label_, b.label_
        joined = False
        if a_label == "ORG" and b_label == "ORG":
            between = [x.lower_ for x in doc[a.end : b.start]]
            if between and set(between) <= {"and", ",", "&"}:
                # "Department for Education and Skills", "Public and Commercial Services Union"
                words_a = [x.lower_ for x in a if x.is_alpha]
                words_b = [x.lower_ for x in b if x.is_alpha and x.lower_ not in ("and", "&")]
                ministry = words_a[:1] and words_a[0] in t.ministries and words_b and set(words_b) <= t.portfolio
                first = len(a) == 1 and (words_a[:1] and (words_a[0] in t.portfolio or words_a[0] in t.generic))
                joined = bool(ministry or (first and words_b and words_b[-1] in t.org_heads))
        elif a_label == "ORG" and b_label == "OFFICE" and adjacent and a[-1].lower_ in ("of", "the", "for"):
            joined = True  # "the Office of the Deputy Prime Minister": the office names the organisation
        elif a_label == "PERSON" and adjacent and a[-1].text in _PARTICLES and _capitalised(b[0]):
            # "Ursula von der" + "Leyen": a surname's particle ends no name
            a, k = Span(doc, a.start, b.end, label="PERSON"), k + 1
            continue
        if not joined:
            break
        a = Span(doc, a.start, b.end, label="ORG")
        k += 1
    return _community(doc, a, t, in_ent), k


def _community(doc: Doc, a: Span, t: Tables, in_ent: set[int]) -> Span:
    """A nationality with the noun after it that makes it an institution ("Scottish Executive") or a
    community ("the Pakistani community"), else ``a``."""
    if a.label_ == "NORP" and a.end < len(doc) and a.end not in in_ent:
        nxt = doc[a.end]
        if nxt.lower_ in t.institutions and _capitalised(nxt):
            return Span(doc, a.start, a.end + 1, label="ORG")
        if nxt.lower_ in t.communities and nxt.is_lower:
            return Span(doc, a.start, a.end + 1, label="NORP")
    return a


def _pieces(doc: Doc, ent: Span, t: Tables, is_place) -> list[tuple[int, int, str]]:
    """The names inside an entity span: cut at function words, brackets and personal titles inside it,
    trimmed at its edges, each with its label (the span's, or PERSON after a personal title)."""
    start, end = ent.start, ent.end
    if start > 0 and not doc[start - 1].whitespace_ and doc[start - 1].is_alpha and ent[0].is_punct:
        return []  # starts inside a word ("A-Levels" read from its hyphen)
    person = ent.label_ == "PERSON"
    inside = _PERSON_INSIDE if person else t.inside
    cuts: list[tuple[int, int]] = []  # (piece start, piece end)
    dashed: set[int] = set()  # pieces after a spaced dash, names of their own
    s = start
    for i in range(start, end):
        tok = doc[i]
        low = tok.lower_
        cut = False
        if tok.text in ("-", "–") and tok.whitespace_ and doc[i - 1].whitespace_:
            cuts.append((s, i))  # "Whitehall - Labour": a spaced dash parts two names
            s = i + 1
            dashed.add(len(cuts))
            continue
        if tok.text in _CUT_PUNCT:
            cut = True
        elif tok.is_lower and low in t.function and i > start:
            if i + 1 == end and low in ("of", "for") and end < len(doc) and doc[end].ent_iob_ == "B":
                continue  # "Communist Party of" before "Sri Lanka": the model's split of one name, kept as it was
            nxt = doc[i + 1] if i + 1 < end else None
            prev = doc[i - 1].lower_
            # "Department for Education and Skills", "Commons intelligence and security committee"
            cut = not (
                low in inside
                and nxt is not None
                and (nxt.lower_ in inside or (nxt.is_alpha and nxt.lower_ not in t.function))
                and nxt.lower_ not in t.time
                and (low not in ("the", "a", "an") or prev in inside)
            )
        elif i > s and t.is_title(tok) and i + 1 < end and _capitalised(doc[i + 1]):
            cuts.append((s, i))  # "Times Mr Campbell": a second name starts at the title
            s = i
            continue
        if cut:
            cuts.append((s, i))
            s = i + 1
    cuts.append((s, end))
    out = []
    for n, (s, e) in enumerate(cuts):
        s, e = _trim(doc, s, e, t)
        if person:
            s = _name_start(doc, s, e, t)
        if s >= e:
            continue
        titled = t.is_title(doc[s]) and e - s > 1
        if n == 0 or person or titled or n in dashed:
            out.append((s, e, "PERSON" if titled or person else ent.label_))
        elif is_place(doc[s:e].text):
            out.append((s, e, "GPE"))  # "Golden Temple in Amritsar": the town is a place of its own
    return out


def _trim(doc: Doc, s: int, e: int, t: Tables) -> tuple[int, int]:
    """Function words, punctuation and qualifiers ("Ex-BBC") off the edges of a name."""

    def edge(tok) -> bool:
        return (tok.is_punct and tok.text not in (".",)) or (tok.is_lower and tok.lower_ in t.function)

    while s < e and (edge(doc[s]) or (doc[s].lower_ in ("ex", "ex-") and s + 1 < e and doc[s + 1].text in "-")):
        s += 2 if doc[s].lower_ == "ex" else 1
    while e > s and ((edge(doc[e - 1]) and doc[e - 1].text not in ("'", "’")) or t.is_title(doc[e - 1])):
        if doc[e - 1].lower_ in ("of", "for") and e < len(doc) and doc[e].ent_iob_ == "B":
            break
        e -= 1  # "Sunday Times Mr": a title at the end belongs to the next name
    return s, e


def _name_start(doc: Doc, s: int, e: int, t: Tables) -> int:
    """Where a person's name in doc[s:e] starts: after the lower-case words the model took in ("rang
    Lucy") and after a function word that only its place first in the sentence capitalises ("Across
    Wales")."""
    while s < e - 1:
        tok = doc[s]
        lower_word = tok.is_lower and tok.is_alpha and tok.lower_ not in _PARTICLES
        first_function_word = tok.is_sent_start and tok.is_title and tok.lower_ in t.function
        if not (lower_word or first_function_word):
            break
        s += 1
    return s


_NOT_NAMES = frozenset({"ADV", "VERB", "AUX", "ADP", "DET", "PRON", "SCONJ", "CCONJ", "INTJ", "PART"})


def _common_word(doc: Doc, i: int) -> bool:
    """Whether the one-word name at token ``i`` is a common word the tagger saw as such: an adverb or a
    verb anywhere, a common noun or an adjective first in its sentence (after an opening quotation mark),
    where only its place capitalises it. False without the tagger."""
    tok = doc[i]
    if tok.ent_id_ or tok.is_upper:
        return False  # a party ("Conservative leader X"), an acronym
    if tok.pos_ in _NOT_NAMES:
        return True
    if tok.pos_ not in ("NOUN", "ADJ"):
        return False
    first = tok.is_sent_start or (i > 0 and doc[i - 1].is_sent_start and doc[i - 1].is_quote)
    # a word capitalised inside a sentence elsewhere in the article is a name ("Labour", "Next")
    return bool(first) and not any(
        t.text == tok.text and not t.is_sent_start and not (doc[t.i - 1].is_sent_start and doc[t.i - 1].is_quote)
        for t in doc
    )


def _label(doc: Doc, s: int, e: int, label: str, t: Tables, is_place, before: list[Span]) -> str | None:
    """The label of the name doc[s:e], or None when it cannot be an actor."""
    toks = doc[s:e]
    words = [x.lower_ for x in toks if not x.is_punct]
    text = toks.text
    if not words or not any(c.isalpha() for c in text):
        return None
    if not any(c.isupper() for c in text):
        return None  # "grey jeans", "shop workers": a lower-case run
    if words[-1] in t.objects:
        return None
    name = " ".join(x.text for x in toks)
    folded = name.casefold().removeprefix("the ")
    if t.is_title(doc[s]) and e - s > 1 and _capitalised(doc[s + 1]):
        return "PERSON"
    if folded in t.labels:
        return t.labels[folded]
    if label != "PERSON" and all(w in t.time or w.isdigit() for w in words):
        return None
    if len(words) == 1 and (words[0] in t.generic or words[0] in t.portfolio):
        return None
    if label in ("PERSON", "ORG") and e - s == 1 and _common_word(doc, s):
        return None  # "Freezing temperatures...", "Symbolically, ...": a word capitalised as the sentence's first
    if label not in ("PERSON", "NORP") and all(w in t.portfolio for w in words if w not in ("and", "&")):
        return None  # "Trade and Industry" of "Trade and Industry Secretary"
    if label != "NORP" and any(tuple(words[:n]) in ps for n, ps in t.media_prefix_sets.items()):
        return "MEDIA"
    if label in ("ORG", "FAC", "LOC", "PERSON") and len(words) > 1 and words[-1] in t.issue_heads:
        return "ISSUE"  # "the Prevention of Terrorism Bill"
    if label == "PERSON" and e - s == 1 and (toks[0].is_upper or any(c.isdigit() for c in toks[0].text)):
        return "ORG"  # "MI6", "BBC": an acronym is no person
    if label in ("GPE", "LOC", "ORG", "FAC") and 2 <= e - s <= 3 and all(_capitalised(x) for x in toks):
        prev = before[-1] if before else None
        after_office = prev is not None and prev.label_ == "OFFICE" and prev.end == s
        first_name = words[0] in t.first_sex  # "Geoff Hoon" tagged LOC
        if (after_office or first_name) and not is_place(name) and words[-1] not in t.org_heads:
            return "PERSON"  # "President Thabo Mbeki": the name after an office is its holder
    if label in ("LOC", "ORG", "FAC") and is_place(name):
        return "GPE"  # "Cape Town", "Nagano", "Northumberland"
    if label == "PERSON" and is_place(name) and not (len(words) == 1 and words[0] in t.first_sex):
        return "GPE"  # "said Kyiv had accepted", "Labour chooses Manchester"; not "his daughter Victoria"
    return label
