"""``kg_office_ruler`` and ``kg_paragraphs``: two small token-level components.

``kg_office_ruler`` labels offices and roles (``OFFICE``) from patterns
(spaCy EntityRuler format; the pattern's ``id`` is the office's canonical
name), given to ``initialize`` (``pipelines/offices.jsonl``) or ``add_patterns``
and saved with the pipeline. Unlike the stock ruler with ``overwrite_ents``, a
model entity that only partly overlaps an office is trimmed, not dropped:
"Labour MPs" (ORG) becomes "Labour" (ORG) + "MPs" (OFFICE) (:func:`set_offices`).

Two more kinds of pattern say what surrounds an office:

- ``OFFICE_QUALIFIER`` (``id`` a template such as ``"Shadow {}"``): words before an office that make
  it another post ("shadow education secretary" is the Shadow Education Secretary, "deputy PM" the
  Deputy Prime Minister, "co-chairman" the Co-Chairman). The office's mention grows over them;
  ``"skip": n`` lets up to n portfolio words stand between ("shadow sports minister"). With the id
  ``"{}"`` the words join the mention and leave the name as it is: portfolios ("home affairs
  spokesman" is a Spokesperson, and "Home Affairs" no organisation the post belongs to).
- ``OFFICE_STATUS`` (``id`` one of :data:`STATUSES`): words that date a holding ("former", "ex-",
  "the then", "-elect", "designate"). They go to ``doc.spans["kg_office_status"]`` labelled with the
  status, where ``kg_positions`` reads them; one with ``"side": "after"`` also joins the office's
  mention ("President-elect"), so that a name after it is still next to the office.

An ``OFFICE`` pattern with ``"not_before"`` (lower-case words) does not apply right before one of them:
"architect of the NHS" is a figure of speech, not a post.

An ``OFFICE`` pattern with ``"not_after"`` (phrases of lower-case words) does not apply right after one of
them: "power of attorney" is a legal instrument, not a post.

An office word inside a longer name or compound noun is no office mention (:func:`inside_a_name`):
"Association of Chief Police Officers", "producer price index", "the teachers' union".

An ``OFFICE`` pattern with ``"preceded_by"`` (phrases of lower-case words) only applies right after
one of them, and then wins over a pattern for the same words without it: "chancellor" after "UK" is
the Chancellor of the Exchequer, elsewhere just Chancellor.

``kg_paragraphs`` starts a new sentence after every line break, so a caption
or a headline is never parsed as part of the next sentence.
"""

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy
from spacy.attrs import IS_SPACE, LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from kg.nlp.component import StoredData

LABEL = "OFFICE"
QUALIFIER = "OFFICE_QUALIFIER"
STATUS = "OFFICE_STATUS"
STATUS_SPANS = "kg_office_status"  # the doc.spans key of the status words
STATUSES = ("current", "former", "designate", "hypothetical")
# last words of the names of places that may start with a title ("Imam Khomeini International Airport")
_PLACE_HEADS = frozenset({"airport", "hospital", "street", "road", "square", "bridge", "station", "stadium", "mosque"})
# words that follow "New" in names of places, parties and titles
_NEW_NAMES = frozenset(
    {"York", "Zealand", "Jersey", "Delhi", "Labour", "Hampshire", "Mexico", "Orleans", "South", "England"}
    | {"Guinea", "Caledonia", "Brunswick", "Democrats", "Democratic", "Deal", "Scotland", "Statesman", "Haven"}
    | {"Forest", "Line", "Look", "Economics", "Century", "Party", "World", "Age", "Order", "Testament", "Year"}
)
_MAX_SKIP = 3  # portfolio words a qualifier's "skip" may allow at most
_OWNERS = frozenset({"ORG", "NORP", "GPE"})  # model entities that can stand between a qualifier and its office


def set_offices(doc: Doc, offices: list[Span], statuses: Sequence[Span] = ()) -> Doc:
    """Make ``offices`` entities of ``doc``: the longest of overlapping offices wins, and a model entity
    that overlaps an office keeps its tokens outside it ("Labour MPs" -> "Labour" + "MPs"). A model entity
    next to an office does not keep the ``statuses`` words it starts with ("Ex-Welsh Office Minister"
    keeps "Welsh Office"; "New" before "Home Secretary" goes), except a current one before a name of
    its own ("New Zealand")."""
    offices = _outside_names(doc, offices)
    if not offices:
        return doc
    offices = filter_spans(offices)
    covered = {i for s in offices for i in range(s.start, s.end)}
    starts = {s.start for s in offices}
    status_of = {i: s.label_ for s in statuses for i in range(s.start, s.end)}
    kept = []
    for ent in doc.ents:
        toks = [i for i in range(ent.start, ent.end) if i not in covered]
        if status_of and toks and (toks[-1] + 1 in starts or len(toks) < len(ent)):
            rest = [i for i in toks if i not in status_of]
            if not rest:
                continue
            while toks[0] in status_of and (status_of[toks[0]] != "current" or _capitalised_at_start(doc, toks)):
                toks.pop(0)
        if len(toks) == len(ent):
            kept.append(ent)
        elif toks and toks == list(range(toks[0], toks[-1] + 1)) and not doc[toks[0]].is_punct:
            kept.append(Span(doc, toks[0], toks[-1] + 1, label=ent.label_))
    doc.ents = filter_spans(kept + offices)
    return doc


def _capitalised_at_start(doc: Doc, toks: list[int]) -> bool:
    """Whether the entity's first word is a status word capitalised only as the sentence's first ("New
    Metropolitan Police Commissioner X"), not the start of a name ("New Zealand", "New Labour")."""
    first = doc[toks[0]]
    return len(toks) > 1 and bool(first.is_sent_start) and doc[toks[1]].text not in _NEW_NAMES


def _outside_names(doc: Doc, offices: list[Span]) -> list[Span]:
    """``offices`` without those inside an organisation's name ("the Office of the Deputy Prime Minister"):
    a model ORG or FAC entity that goes on into the office (:func:`_into`) is grown over it instead."""
    names = [e for e in doc.ents if e.label_ in ("ORG", "FAC")]
    if not names or not offices:
        return offices
    lower = doc.to_array(LOWER)
    strings = doc.vocab.strings
    # how many "of" or "for" come before each token
    of_for = numpy.concatenate(([0], numpy.cumsum((lower == strings["of"]) | (lower == strings["for"]))))
    kept: list[Span] = []
    grown: dict[int, int] = {}  # start of a name -> the end it grows to
    for o in offices:
        name = next((e for e in names if e.start < o.start and _into(doc, e, o.start, of_for)), None)
        if name is None:
            kept.append(o)
        else:
            grown[name.start] = max(grown.get(name.start, name.end), o.end)
    if grown:
        doc.ents = [
            Span(doc, e.start, grown[e.start], label=e.label_) if e.start in grown else e
            for e in doc.ents
            if not any(s < e.start < end for s, end in grown.items())
        ]
    return kept


def _into(doc: Doc, name: Span, start: int, of_for: numpy.ndarray) -> bool:
    """Whether the organisation's ``name`` goes on into an office at token ``start``: it names something
    "of" or "for" and overlaps the office, or ends where the office starts on a word no name ends with
    ("the Office of the" + "Deputy Prime Minister"); ``of_for[i]``: how many "of" or "for" come before
    token i."""
    if of_for[start] == of_for[name.start]:
        return False
    return start < name.end or (start == name.end and doc[start - 1].lower_ in ("of", "for", "the"))


def paragraph_starts(doc: Doc) -> Doc:
    """Start a sentence at the first token after each line break."""
    # a token's trailing whitespace is one space at most: line breaks are space tokens of their own
    space = doc.to_array(IS_SPACE)
    for i in numpy.flatnonzero(space[:-1]).tolist():
        if not space[i + 1] and "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


@dataclass(frozen=True)
class _Pattern:
    label: str
    id: str
    skip: int = 0  # qualifiers: portfolio words allowed between the qualifier and the office
    after: bool = False  # statuses: the word follows the office ("-elect")
    preceded_by: tuple[tuple[str, ...], ...] = ()  # offices: applies only after one of these
    not_before: frozenset[str] = frozenset()  # offices: a figure of speech before these ("architect of")
    not_after: tuple[tuple[str, ...], ...] = ()  # offices: not after these ("power of" attorney)


def _portfolio_word(t: Token) -> bool:
    """Whether ``t`` can be a portfolio word between a qualifier and its office ("home affairs" in
    "shadow home affairs spokesman"): a word, not a stop word and not part of a named entity."""
    return t.is_alpha and not t.is_stop and not t.ent_type_


class OfficeRuler(StoredData):
    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.tokenizer = nlp.tokenizer
        self.vocab = nlp.vocab
        self.stored = {"patterns": []}
        self.clear()

    def clear(self) -> None:
        self.matcher = Matcher(self.vocab)
        # token patterns that only compare lower-case text run as a (much faster) phrase matcher
        self.phrases = PhraseMatcher(self.vocab, attr="LOWER")
        self.patterns: dict[int, _Pattern] = {}  # match key (a string-store hash) -> the pattern's meaning
        self._n = 0

    def restore(self) -> None:
        patterns, self.stored["patterns"] = self.stored["patterns"], []
        self.clear()
        self.add_patterns(patterns)

    def initialize(
        self, get_examples: Callable | None = None, *, nlp=None, patterns: Sequence[dict] | None = None
    ) -> None:
        """Replace the patterns with ``patterns`` (``[initialize.components.kg_offices.patterns]``)."""
        self.set_stored(patterns=list(patterns or []))

    @staticmethod
    def _phrases(pattern) -> list[str] | None:
        """The phrases a LOWER-only token pattern matches, or None if it is not that simple."""
        options = []
        for tok in pattern:
            if set(tok) != {"LOWER"}:
                return None
            v = tok["LOWER"]
            if isinstance(v, str):
                options.append([v])
            elif isinstance(v, dict) and set(v) == {"IN"}:
                options.append(list(v["IN"]))
            else:
                return None
        return [" ".join(words) for words in itertools.product(*options)]

    def add_patterns(self, patterns: Iterable[dict]) -> None:
        for p in patterns:
            label = p.get("label") or LABEL
            if label == STATUS and p.get("id") not in STATUSES:
                raise ValueError(f"office status pattern {p!r}: the id must be one of {', '.join(STATUSES)}")
            if label == QUALIFIER and "{}" not in str(p.get("id")):
                raise ValueError(f"office qualifier pattern {p!r}: the id must be a template with {{}}")
            self.stored["patterns"].append(p)
            key = f"{label}_{self._n}"
            self._n += 1
            self.patterns[self.vocab.strings.add(key)] = _Pattern(
                label,
                p.get("id") or "",
                skip=int(p.get("skip", 0)),
                after=p.get("side") == "after",
                preceded_by=tuple(tuple(words.split()) for words in p.get("preceded_by", ())),
                not_before=frozenset(p.get("not_before", ())),
                not_after=tuple(tuple(words.split()) for words in p.get("not_after", ())),
            )
            phrases = self._phrases(p["pattern"])
            docs = [self.tokenizer(ph) for ph in phrases] if phrases else None
            if docs and all(len(d) == len(p["pattern"]) for d in docs):
                self.phrases.add(key, docs)
            else:
                self.matcher.add(key, [p["pattern"]])

    def __call__(self, doc: Doc) -> Doc:
        offices: list[tuple[int, int, _Pattern]] = []
        qualifiers: dict[int, list[tuple[int, _Pattern]]] = {}  # by end token
        statuses: list[Span] = []
        after: dict[int, int] = {}  # start -> end of the status words that follow an office
        matches = [*self.phrases(doc), *(self.matcher(doc) if len(self.matcher) else [])]
        for match_id, start, end in matches:
            p = self.patterns.get(match_id) or _Pattern(LABEL, "")
            if p.label == LABEL:
                if end < len(doc) and doc[end].lower_ in p.not_before:
                    continue
                if any(_precedes(doc, start, words) for words in p.not_after):
                    continue
                if not p.preceded_by or any(_precedes(doc, start, words) for words in p.preceded_by):
                    offices.append((start, end, p))
            elif p.label == QUALIFIER:
                qualifiers.setdefault(end, []).append((start, p))
            else:
                statuses.append(Span(doc, start, end, label=p.id))
                if p.after:
                    after[start] = max(end, after.get(start, end))
        # an office word that ends a person's name is part of the name ("Mervyn King", not "Lib Dem MP Lembit
        # Opik"), one in the name of a place is part of that ("Imam Khomeini International Airport")
        ents = doc.ents  # (they do not overlap: one ends at each token at most)
        person_start = {e.end: e.start for e in ents if e.label_ == "PERSON"}  # end -> start of a person's name
        in_place = {i for e in ents if len(e) > 1 and e[-1].lower_ in _PLACE_HEADS for i in range(e.start, e.end)}
        offices = [
            o
            for o in offices
            if not _in_capitalised_name(doc, o[0], o[1])
            and not (person_start.get(o[1], o[0]) < o[0] or o[0] in in_place)
        ]
        if not offices:
            return doc
        # the longest office wins; of two for the same words, the one that asked for its context
        offices.sort(key=lambda o: not o[2].preceded_by)
        spans = filter_spans([Span(doc, s, e, label=LABEL, span_id=p.id) for s, e, p in offices])
        if qualifiers or after:
            taken = {i for s in spans for i in range(s.start, s.end)}
            spans = filter_spans([self._qualified(doc, s, qualifiers, after, taken) for s in spans])
        if statuses:
            doc.spans[STATUS_SPANS] = statuses
        return set_offices(doc, spans, statuses)

    @staticmethod
    def _qualified(doc: Doc, span: Span, qualifiers: dict, after: dict[int, int], taken: set[int]) -> Span:
        """The office ``span`` grown over the qualifiers before it (its name theirs: "Shadow Education
        Secretary") and the status words after it. A qualifier before the post's owner (or a capitalised
        word that may name it) renames the post and leaves the owner out of it ("deputy Conservative
        chairman": Deputy Chairman)."""
        start, end, name = span.start, span.end, span.id_
        while True:
            # a qualifier ending at k; the tokens from k to the office are portfolio words or owners
            k, found, owner = start, None, False
            while not doc[k].is_sent_start:
                found = next(((s, p) for s, p in qualifiers.get(k, ()) if start - k <= p.skip), None)
                prev = doc[k - 1]
                if found or start - k >= _MAX_SKIP or k - 1 in taken:
                    break
                if prev.ent_type_ in _OWNERS or (prev.is_title and _portfolio_word(prev)):
                    owner = True  # a capitalised word may name the owner (a party found later: "Conservative")
                elif not _portfolio_word(prev):
                    break
                k -= 1
            # not the end of a longer name ("Department of Health" + "minister")
            if found is None or doc[found[0]].ent_iob_ == "I":
                break
            name = found[1].id.format(name)
            if owner:
                break
            start = found[0]
        end = after.get(end, end)
        if (start, end, name) == (span.start, span.end, span.id_):
            return span
        return Span(doc, start, end, label=LABEL, span_id=name)


def _in_capitalised_name(doc: Doc, start: int, end: int) -> bool:
    """Whether the office at tokens ``start:end`` is a capitalised plural at the end of the name of a body
    of its holders that the model left untagged: "Association of Chief Police Officers", "National
    Association of Head Teachers", "Institute of Directors" (a body, not an office)."""
    last = doc[end - 1]
    if not (doc[start].is_title and last.lower_.endswith("s") and not last.lower_.endswith("ss")):
        return False
    k = start - 1
    while k > 0 and (doc[k].is_title or doc[k].lower_ in ("of", "the", "and", "&")):
        if body_of(doc, k + 1):
            return True
        if doc[k].is_sent_start:
            break
        k -= 1
    return False


def body_of(doc: Doc, i: int) -> bool:
    """Whether the capitalised name at token ``i`` follows the head of a body's name and "of" or "for"
    ("Association of" + "Chief Police Officers", "Institute of" + "Directors")."""
    return i >= 2 and doc[i - 1].lower_ in ("of", "for") and doc[i - 2].is_title and doc[i - 2].lower_ in _BODY_HEADS


def inside_a_name(ent: Span) -> bool:
    """Whether the office mention ``ent`` only modifies a common noun after it, in a compound ("producer
    price index", "investor confidence", "MP expenses") or as a possessive plural of a body ("the
    officers' union"): no mention of the office. Needs the dependency parse; False without it."""
    last = ent[-1]
    head = last.head
    if head.i < ent.end or head.pos_ != "NOUN" or head.ent_type_ or not last.dep_:
        return False
    if last.dep_ == "compound":
        return head.i == ent.end  # the noun right after it ("President Donald Trump commencing talks": a misparse)
    nxt = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return (
        nxt is not None
        and nxt.dep_ == "case"
        and last.lower_.endswith("s")
        and head.lower_ in _BODY_HEADS | {"unions", "associations", "groups", "cartel"}
    )


# heads of the names of bodies ("Association of ...", "the teachers' union")
_BODY_HEADS = frozenset(
    {"association", "federation", "union", "institute", "society", "college", "confederation", "guild"}
    | {"council", "league", "club", "forum", "alliance", "network", "group", "body", "conference", "academy"}
)


def _precedes(doc: Doc, start: int, words: tuple[str, ...]) -> bool:
    """Whether ``words`` (lower case) come right before token ``start``."""
    i = start - len(words)
    return i >= 0 and all(doc[i + j].lower_ == w for j, w in enumerate(words))


class Paragraphs:
    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return paragraph_starts(doc)


@Language.factory("kg_office_ruler", assigns=["doc.ents", "token.ent_type"], requires=["doc.ents"])
def make_office_ruler(nlp: Language, name: str) -> OfficeRuler:
    return OfficeRuler(nlp, name)


@Language.factory("kg_paragraphs", assigns=["token.is_sent_start"])
def make_paragraphs(nlp: Language, name: str) -> Paragraphs:
    return Paragraphs(nlp, name)
