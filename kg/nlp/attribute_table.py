"""A table-driven stand-in for spaCy's ``attribute_ruler`` with the same output.

en_core_web_sm's attribute ruler holds Matcher patterns that map the tagger's fine-grained tag (plus,
for some, the lower-case form, the dependency label or "is space") to POS, morphology and lemma.
spaCy runs all of them as a Matcher over every token and applies each match from Python, which makes
the ruler one of the costliest steps of the pipeline. All but a few patterns look at one token only,
so their combined effect is a function of those four token attributes: it is worked out once per
distinct combination into a row of a value table, and each Doc gets its rows in one array operation.
Patterns that span several tokens or use operators the table does not evaluate (regular expressions,
quantifiers) still go through a Matcher holding just them, run only where a token can start one of
them (a Matcher over the whole text would evaluate their regular expressions on every token). As in
spaCy, every match is found before any is applied and later patterns win.

:class:`AttributeTable` is spaCy's ``AttributeRuler`` (same patterns, same ``to_disk`` and
``from_disk``) that applies its patterns through such a table (:class:`_Table`), built at the first
document after the patterns change.
"""

import re
from collections.abc import Callable
from typing import Any, cast

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs
from thinc.types import Ints2d

_KEY_ATTRS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_ARRAY_ATTRS = (POS, MORPH, LEMMA)  # written as arrays; any other attribute token by token


_FIRST_ATTRS = ("TAG", "LOWER", "DEP")  # what a multi-token pattern's first token may test, for the window search

_Test = tuple[int, str, int | frozenset[int]]  # (key column, "==" / "IN" / "NOT_IN", value id or ids)
_FirstTest = list[tuple[str, Callable[[str], bool]]]  # (attribute, predicate on its string), see _first_test
_Patterns = list[list[dict[str, Any]]]  # alternatives of one rule, each a Matcher pattern


def _first_test(token_pattern: dict) -> _FirstTest | None:
    """[(attribute, predicate on its string)] for a pattern's first token, or None when it tests
    anything else (then the Matcher runs over the whole text)."""
    tests: _FirstTest = []
    for attr, value in token_pattern.items():
        if attr not in _FIRST_ATTRS:
            return None
        if not isinstance(value, dict):
            tests.append((attr, value.__eq__))
            continue
        if len(value) != 1:
            return None
        op, arg = next(iter(value.items()))
        if op == "IN":
            tests.append((attr, frozenset(arg).__contains__))
        elif op == "NOT_IN":
            tests.append((attr, _not_in(frozenset(arg))))
        elif op == "REGEX":
            tests.append((attr, _search(re.compile(arg))))
        else:
            return None
    return tests


def _not_in(values: frozenset[str]) -> Callable[[str], bool]:
    return lambda v: v not in values


def _search(rx: re.Pattern[str]) -> Callable[[str], bool]:
    return lambda v: rx.search(v) is not None


def _simple(token_pattern: dict) -> bool:
    for attr, value in token_pattern.items():
        if attr not in _KEY_ATTRS:
            return False
        if isinstance(value, dict) and not set(value) <= {"IN", "NOT_IN"}:
            return False
    return True


class _Table:
    """The patterns of an attribute ruler, applied from a table."""

    def __init__(self, ruler: AttributeRuler):
        self.vocab = ruler.vocab
        strings = self.vocab.strings
        self.attrs = ruler.attrs  # normalised: attribute id -> value
        self.single: list[tuple[int, list[list[_Test]]]] = []
        self.multi = Matcher(self.vocab)
        self.multi_index: dict[int, int] = {}
        firsts: list[_FirstTest] | None = []  # first-token tests of the multi-token patterns (None: not all known)
        self.window = 1  # the longest multi-token pattern
        for i, p in enumerate(ruler.patterns):
            # spaCy types a pattern's "patterns" as one Matcher pattern; it is a list of alternatives
            alts = cast(_Patterns, p["patterns"])
            if p.get("index", 0) == 0 and all(len(a) == 1 and _simple(a[0]) for a in alts):
                tests: list[list[_Test]] = []
                for a in alts:
                    test: list[_Test] = []
                    for attr, value in a[0].items():
                        col = _KEY_ATTRS[attr]
                        if isinstance(value, dict):
                            op = next(iter(value))
                            test.append((col, op, frozenset(self._id(attr, v) for v in value[op])))
                        else:
                            test.append((col, "==", self._id(attr, value)))
                    tests.append(test)
                self.single.append((i, tests))
            else:
                key = strings.add(f"kg_attr_{i}")
                self.multi.add(key, alts)
                self.multi_index[key] = i
                for a in alts:
                    first = _first_test(a[0]) if a and not any("OP" in t for t in a) else None
                    firsts = None if firsts is None or first is None else [*firsts, first]
                    self.window = max(self.window, len(a))
        self.firsts = firsts
        self._starts: dict[tuple[str, int], int] = {}  # (attribute, value) -> first-token tests passed, see _passes
        self.indices = ruler.indices
        self._memo: dict[tuple, tuple[int, ...]] = {}
        # per token key (tag, lower, dep, is_space): a row of values to write, see _row
        self._rows: dict[tuple, int] = {}
        self._values = numpy.zeros((0, len(_ARRAY_ATTRS)), dtype=numpy.uint64)
        self._set = numpy.zeros((0, len(_ARRAY_ATTRS)), dtype=bool)
        self._rest: list[dict] = []
        self._has_rest = numpy.zeros(0, dtype=bool)
        # a value no pattern names behaves like any other such value: the key keeps only named ones
        named: list[set] = [set(), set(), set(), set()]
        for _, tests in self.single:
            for test in tests:
                for col, _, value in test:
                    named[col].update(value if isinstance(value, frozenset) else (value,))
        self._lowers, self._deps = named[1], named[2]

    def _id(self, attr: str, value) -> int:
        if attr == "IS_SPACE":
            return bool(value)
        return self.vocab.strings.add(value)

    def _matching(self, key: tuple) -> tuple[int, ...]:
        """Ids of the one-token patterns a token with these (tag, lower, dep, is_space) matches."""
        found = self._memo.get(key)
        if found is None:
            out = []
            for i, tests in self.single:
                for test in tests:
                    ok = True
                    for col, op, value in test:
                        v = key[col]
                        if not isinstance(value, frozenset):  # op "=="
                            ok = v == value
                        elif op == "IN":
                            ok = v in value
                        else:
                            ok = v not in value
                        if not ok:
                            break
                    if ok:
                        out.append(i)
                        break
            found = self._memo[key] = tuple(out)
        return found

    def _row(self, key: tuple) -> int:
        """The row of the value table for a token key, added on first sight: the POS, MORPH and LEMMA
        the one-token patterns give (and which of them they set), and any other attributes."""
        merged = self._merged(self._matching(key))
        values = [merged.get(a) for a in _ARRAY_ATTRS]
        self._values = numpy.vstack([self._values, numpy.array([[v or 0 for v in values]], dtype=numpy.uint64)])
        self._set = numpy.vstack([self._set, [[v is not None for v in values]]])
        self._rest.append({a: v for a, v in merged.items() if a not in _ARRAY_ATTRS})
        self._has_rest = numpy.append(self._has_rest, bool(self._rest[-1]))
        row = self._rows[key] = len(self._rest) - 1
        return row

    def _merged(self, ids) -> dict:
        merged: dict = {}
        for i in sorted(ids):
            merged.update(self.attrs[i])
        return merged

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        arr = doc.to_array([TAG, LOWER, DEP, IS_SPACE, *_ARRAY_ATTRS])
        lowers, deps = self._lowers, self._deps
        keys = [
            (tag, lower if lower in lowers else -1, dep if dep in deps else -1, space)
            for tag, lower, dep, space in zip(
                arr[:, 0].tolist(), arr[:, 1].tolist(), arr[:, 2].tolist(), (arr[:, 3] != 0).tolist()
            )
        ]
        extra: dict[int, set[int]] = {}
        for match_id, start, end in self._multi_matches(doc, arr):
            i = self.multi_index[match_id]
            extra.setdefault(start + self.indices[i] if self.indices[i] >= 0 else end + self.indices[i], set()).add(i)
        rows = self._rows
        found = [rows.get(key) for key in keys]
        if None in found:
            found = [rows[key] if key in rows else self._row(key) for key in keys]
        idx = numpy.array(found, dtype=numpy.int64)
        out = numpy.where(self._set[idx], self._values[idx], arr[:, 4:])
        others: list[tuple[int, dict]] = [
            (t, self._rest[idx[t]]) for t in numpy.flatnonzero(self._has_rest[idx]).tolist() if t not in extra
        ]
        for t, ids in extra.items():
            merged = self._merged({*self._matching(keys[t]), *ids})
            for col, a in enumerate(_ARRAY_ATTRS):
                if merged.get(a) is not None:
                    out[t, col] = merged[a]
            rest = {a: v for a, v in merged.items() if a not in _ARRAY_ATTRS}
            if rest:
                others.append((t, rest))
        doc.from_array(list(_ARRAY_ATTRS), cast(Ints2d, out))  # thinc's Ints2d: a typing class no numpy array is
        for t, rest in others:
            set_token_attrs(doc[t], rest)
        return doc

    def _multi_matches(self, doc: Doc, arr) -> set[tuple[int, int, int]]:
        """The multi-token patterns' matches: the Matcher run on a window at each token that passes a
        pattern's first-token test (all of them when some first token tests something else)."""
        if not self.multi_index:
            return set()
        if self.firsts is None or len(self.firsts) > 62:
            return set(self.multi(doc, allow_missing=True))
        passes = numpy.full(len(doc), (1 << len(self.firsts)) - 1, dtype=numpy.int64)
        for col, attr in enumerate(_FIRST_ATTRS):  # which first-token tests each token's value passes
            values, inverse = numpy.unique(arr[:, col], return_inverse=True)
            known = self._starts  # _passes' memo, read first: most values were seen before
            passed = numpy.array(
                [known[(attr, v)] if (attr, v) in known else self._passes(attr, v) for v in values.tolist()],
                dtype=numpy.int64,
            )
            passes &= passed[inverse.reshape(-1)]
        found: set[tuple[int, int, int]] = set()
        n = len(doc)
        for t in numpy.flatnonzero(passes).tolist():
            for match_id, start, end in self.multi(doc[t : min(n, t + self.window)], allow_missing=True):
                found.add((match_id, t + start, t + end))
        return found

    def _passes(self, attr: str, value: int) -> int:
        """Bit i set when the ``attr`` of a token with this value passes first-token test i (or test i
        does not look at ``attr``)."""
        got = self._starts.get((attr, value))
        if got is None:
            assert self.firsts is not None  # _multi_matches asks only when every first-token test is known
            text = self.vocab.strings[value] if value else ""
            got = 0
            for i, test in enumerate(self.firsts):
                if all(pred(text) for a, pred in test if a == attr):
                    got |= 1 << i
            self._starts[(attr, value)] = got
        return got


class AttributeTable(AttributeRuler):
    """An attribute ruler that applies its patterns from a table: same annotations, same serialisation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._table: _Table | None = None

    def clear(self) -> None:
        self._table = None
        super().clear()

    def add(self, *args, **kwargs) -> None:
        self._table = None
        super().add(*args, **kwargs)

    def __call__(self, doc: Doc) -> Doc:
        if self._table is None:
            self._table = _Table(self)
        return self._table(doc)

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)


@Language.factory(
    "kg_attribute_table",
    assigns=["token.pos", "token.morph", "token.lemma"],
    default_config={"validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}},
)
def make_attribute_table(nlp: Language, name: str, validate: bool, scorer: Callable | None) -> AttributeTable:
    return AttributeTable(nlp.vocab, name, validate=validate, scorer=scorer)


def replace_ruler(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Swap the pipeline's attribute ruler for a table with its patterns, under the same name and position."""
    if name not in nlp.component_names or nlp.get_pipe_meta(name).factory != "attribute_ruler":
        return False
    # spaCy types its pipes as plain Doc callables; these are the ruler and kg's table
    ruler = cast(AttributeRuler, nlp.get_pipe(name))
    settings = nlp.get_pipe_config(name)
    disabled = name in nlp.disabled
    tmp = "kg_attribute_table"
    table = cast(
        AttributeTable,
        nlp.add_pipe(
            "kg_attribute_table",
            name=tmp,
            before=name,
            config={k: settings[k] for k in ("validate", "scorer") if k in settings},
        ),
    )
    table.add_patterns(ruler.patterns)
    nlp.remove_pipe(name)
    nlp.rename_pipe(tmp, name)
    if disabled:
        nlp.disable_pipe(name)
    return True
