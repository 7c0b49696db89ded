"""What ``kg_coref`` knows about people (``pipelines/people.toml``): the titles and first names that give a
person's gender, the nouns that name a person the article does not name ("a spokeswoman", "his son"),
and the office words that make another post than a bare role noun ("shadow", "deputy")."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc

from kg.resources import PIPELINES

PEOPLE_PATH = PIPELINES / "people.toml"
_INDEFINITE = ("a", "an", "another", "one", "any", "every", "each")
# people who speak for the one their possessive names ("his spokesman said", "her aides say")
_SPEAK_FOR = ("spokesman", "spokeswoman", "spokesperson", "spokesmen", "spokeswomen", "spokespeople", "aide", "aides")


@dataclass(frozen=True)
class People:
    """The data of ``pipelines/people.toml``."""

    titles: dict[str, str]  # title -> "m" | "f"
    first_names: dict[str, str]
    nouns: dict[str, str | None]  # noun naming one person -> its gender, or None
    relatives: frozenset[str]
    groups: frozenset[str]
    qualifiers: frozenset[str]

    @classmethod
    def from_data(cls, data: dict) -> "People":
        def gendered(section: str) -> dict[str, str]:
            d = data.get(section, {})
            return {**{w: "m" for w in d.get("male", ())}, **{w: "f" for w in d.get("female", ())}}

        either: dict[str, str | None] = {w: None for w in data.get("nouns", {}).get("either", ())}
        return cls(
            titles=gendered("titles"),
            first_names=gendered("first_names"),
            nouns={**either, **gendered("nouns")},
            relatives=frozenset(data.get("relatives", {}).get("words", ())),
            groups=frozenset(data.get("groups", {}).get("words", ())),
            qualifiers=frozenset(data.get("office_qualifiers", {}).get("words", ())),
        )

    def other_person(self, word: str, lemma: str) -> bool:
        """A noun after a possessive that names someone else than the possessor ("his son", "her lawyers"),
        not someone speaking for the possessor ("his spokesman")."""
        if word in _SPEAK_FOR:
            return False
        return bool({word, lemma} & self.relatives) or word in self.nouns or lemma in self.nouns


def read(path: Path | str | None = None) -> dict:
    """The people file's data (default: kg's own ``pipelines/people.toml``)."""
    with open(path or PEOPLE_PATH, "rb") as fh:
        return tomllib.load(fh)


def introduced(tok) -> bool:
    """A person noun that brings in someone new: "a spokeswoman", "his son", "Scott's wife"; not "the
    businessman" or "the candidate", which name someone named before."""
    return any((c.dep_ == "det" and c.lower_ in _INDEFINITE) or c.dep_ == "poss" for c in tok.children)


def genders(doc: Doc, ents: dict, people: People) -> dict[str, str | None]:
    """Person id -> "m", "f" or None: the titles before its mentions ("Mrs Beckett") and its first name;
    None when they disagree ("Mrs Howard" merged into Michael Howard). A surname alone ("Clinton") takes
    the gender of the full names in the article it is the surname of, when they agree."""
    seen: dict[str, set[str]] = {}
    for m in doc._.kg_mentions or []:
        e = ents.get(m.entity_id)
        if e is None or e.type != "Person":
            continue
        found = seen.setdefault(e.id, set())
        for j in (m.start - 1, m.start):
            if 0 <= j < len(doc):
                g = people.titles.get(doc[j].lower_.rstrip("."))
                if g:
                    found.add(g)
    persons = [e for e in ents.values() if e.type == "Person"]
    for e in persons:
        words = e.name.split()
        g = people.first_names.get(words[0].lower()) if len(words) > 1 else None
        if g:
            seen.setdefault(e.id, set()).add(g)
    out: dict[str, str | None] = {eid: next(iter(g)) if len(g) == 1 else None for eid, g in seen.items()}
    by_surname: dict[str, set[str | None]] = {}
    for e in persons:
        if " " in e.name:
            by_surname.setdefault(e.name.split()[-1], set()).add(out.get(e.id))
    for e in persons:
        if " " not in e.name and out.get(e.id) is None:
            found_g = by_surname.get(e.name, set())
            if len(found_g) == 1 and None not in found_g:
                out[e.id] = next(iter(found_g))
    return out
