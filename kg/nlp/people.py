"""The people of one article: which full name a surname, a titled surname or a first name stands for.

A surname joins the one full name of the article that ends with it ("Blair" -> "Tony Blair"), a
hyphenated one the name whose last two words it joins ("Kilroy-Silk" -> "Robert Kilroy Silk"), and a
first name the one full name that starts with it ("Nigel" -> "Nigel Farage"). A gendered title
blocks a person of the other sex, known from a title or a first name: "Mrs Howard" beside "Michael
Howard" and "Mr Howard" is another person, named with her title. A full name the model typed as an
organisation or a place is a person when its surname is used with a personal title ("Nicola
Sturgeon" tagged ORG beside "Ms Sturgeon").
"""

from __future__ import annotations

from collections import defaultdict

from kg.nlp.actors import Tables

Mention = tuple[int, int, str, str, str]  # start token, end token, name, kg type, NER label


def retype(mentions: list[Mention], title_of: dict[int, str], is_country) -> list[Mention]:
    """``mentions`` with full names typed Organization, GPE or Location made Person when their surname
    is used with a personal title in the article."""
    titled = {name.casefold() for start, _, name, t, _ in mentions if t == "Person" and start in title_of}
    titled = {n.split()[-1] for n in titled}
    if not titled:
        return mentions
    out = []
    for start, end, name, kg_type, label in mentions:
        words = name.split()
        if (
            kg_type in ("Organization", "GPE", "Location")
            and 2 <= len(words) <= 3
            and words[-1].casefold() in titled
            and all(w[:1].isupper() for w in words)
            and not is_country(name)
        ):
            kg_type = "Person"
        out.append((start, end, name, kg_type, label))
    return out


class People:
    """The full names of an article's people, by surname and first name, with their sex where known."""

    def __init__(self, mentions: list[Mention], title_of: dict[int, str], tables: Tables, bare: set[int]):
        self.tables = tables
        # one-word names used with a title somewhere ("Prince Charles"): never a first name of another
        self.titled_names = {n.casefold() for i, _, n, t, _ in mentions if t == "Person" and i not in bare}
        self.full_by_surname: dict[str, set[str]] = defaultdict(set)
        self.by_first: dict[str, set[str]] = defaultdict(set)
        self.sex: dict[str, str] = {}  # full name -> "f" or "m"
        self.titled: dict[str, set[str]] = defaultdict(set)  # surname -> sexes of its titled mentions
        for start, _, name, kg_type, _ in mentions:
            if kg_type != "Person":
                continue
            words = name.split()
            sex = tables.title_sex(title_of[start]) if start in title_of else None
            if len(words) == 1:
                if sex:
                    self.titled[name.casefold()].add(sex)
                continue
            self.full_by_surname[words[-1].casefold()].add(name)
            if len(words) > 2:
                self.full_by_surname[f"{words[-2]}-{words[-1]}".casefold()].add(name)
            peer = words[0].casefold() in tables.peerage
            if not peer:
                self.by_first[words[0].casefold()].add(name)
            sex = sex or (tables.title_sex(words[0]) if peer else tables.name_sex(name))
            if sex:
                self.sex.setdefault(name, sex)

    def peer(self, name: str) -> str | None:
        """The full name a peer's name stands for ("Lord Callaghan" beside "Jim Callaghan"): the one
        full name of a person of the same sex with that surname in the article, or None."""
        words = name.split()
        sex = self.tables.title_sex(words[0])
        fulls = {
            f
            for f in self.full_by_surname.get(words[-1].casefold(), set())
            if f.split()[0].casefold() not in self.tables.peerage and self.sex.get(f) in (None, sex)
        }
        return next(iter(fulls)) if len(fulls) == 1 else None

    def surname(self, name: str, kg_type: str, title: str | None, bare: bool = False) -> str | None:
        """The person a one-word name stands for in this article (a full name, or the name with its
        title when a person of the other sex has that surname), or None. ``bare``: the mention has no
        title before it, so it may be a first name ("Nigel" for Nigel Farage)."""
        key = name.casefold()
        fulls = self.full_by_surname.get(key, set())
        sex = self.tables.title_sex(title) if title else None
        if sex:
            same = {f for f in fulls if self.sex.get(f) in (None, sex)}
            if len(same) == 1:
                return next(iter(same))
            if not same and (fulls or self.titled.get(key, set()) - {sex}):
                return f"{title} {name}"  # "Mrs Howard" beside Michael Howard: another person
            return None
        if len(fulls) == 1:
            return next(iter(fulls))
        if kg_type == "Person" and not fulls and bare and key not in self.titled_names:
            firsts = self.by_first.get(key, set())
            if len(firsts) == 1:
                return next(iter(firsts))  # "Nigel" for Nigel Farage
        return None
