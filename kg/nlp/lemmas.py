"""The rule lemmatizer made faster, with the same lemmas (see :mod:`kg.nlp.tuning`): index tables that
answer ``in`` from a set, every answer cached, and a Doc lemmatized from its arrays."""

import functools
from typing import Any

from spacy.language import Language
from spacy.pipeline import Lemmatizer


class IndexList(list):
    """A lemmatizer's index list that answers ``in`` from a set; serialised as the plain list it is."""

    def __init__(self, items=()):
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item) -> bool:
        return item in self._members


def lemma_index_sets(pipe) -> None:
    """Make the lemma index tables of a rule lemmatizer :class:`IndexList` s."""
    lookups = getattr(pipe, "lookups", None)
    if lookups is None or "lemma_index" not in lookups.tables:
        return
    table = lookups.get_table("lemma_index")
    for key in list(table.keys()):
        if not isinstance(table[key], IndexList):
            table[key] = IndexList(table[key])
    getattr(pipe, "cache", {}).clear()


LEMMA_CACHE_SIZE = 200_000


def lemma_cache(nlp: Language) -> int:
    """Cache every answer of the pipeline's rule lemmatizers by (orth, POS, morphology), the key spaCy's
    own cache uses (which base forms bypass), and lemmatize a Doc from its arrays (spaCy's loop sets
    each lemma through a Token object). Returns the lemmatizers changed."""
    n = 0
    for _, component in nlp.components:
        pipe: Any = component  # patched in place with attributes and methods spaCy's classes do not declare
        if (
            getattr(pipe, "mode", None) != "rule"
            or not callable(getattr(pipe, "rule_lemmatize", None))
            or hasattr(pipe, "kg_lemmas")
        ):
            continue
        inner = pipe.rule_lemmatize
        cache: dict[tuple[int, int, int], list[str]] = {}
        pipe.kg_rule_cache = cache

        def rule_lemmatize(token, inner=inner, cache=cache):
            key = (token.orth, token.pos, token.morph.key)
            got = cache.get(key)
            if got is None:
                if len(cache) >= LEMMA_CACHE_SIZE:
                    cache.clear()
                got = cache[key] = inner(token)
            return got

        pipe.rule_lemmatize = pipe.lemmatize = rule_lemmatize
        pipe.kg_lemmas = {}  # (orth, POS, morphology) -> lemma hash
        pipe.__class__ = _array_lemmatizer(pipe.__class__)
        lemma_index_sets(pipe)
        n += 1
    return n


@functools.cache  # one subclass per lemmatizer class
def _array_lemmatizer(cls: type[Lemmatizer]) -> type[Lemmatizer]:
    """A subclass of a rule lemmatizer class whose ``__call__`` reads and writes the Doc's arrays, and
    whose tables, whenever they are (re)loaded, get :class:`IndexList` s and empty caches."""
    import numpy
    from spacy.attrs import LEMMA, MORPH, ORTH, POS
    from spacy.errors import Errors

    def __call__(self, doc):
        if not self._validated:
            self._validate_tables(Errors.E1004)
        try:
            arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
            todo = list(range(len(doc))) if self.overwrite else numpy.flatnonzero(arr[:, 3] == 0).tolist()
            if not todo:
                return doc
            orth, pos, morph = arr[:, 0].tolist(), arr[:, 1].tolist(), arr[:, 2].tolist()
            cache, strings, values = self.kg_lemmas, self.vocab.strings, []
            for i in todo:
                key = (orth[i], pos[i], morph[i])
                got = cache.get(key)
                if got is None:
                    if len(cache) >= LEMMA_CACHE_SIZE:
                        cache.clear()
                    got = cache[key] = strings.add(self.lemmatize(doc[i])[0])
                values.append(got)
            out = arr[:, 3].copy()
            out[todo] = numpy.array(values, dtype=numpy.uint64)
            doc.from_array([LEMMA], out)
            return doc
        except Exception as e:
            self.get_error_handler()(self.name, self, [doc], e)

    def _validate_tables(self, *args, **kwargs):
        cls._validate_tables(self, *args, **kwargs)
        lemma_index_sets(self)
        self.kg_lemmas.clear()
        self.kg_rule_cache.clear()

    return type(
        cls.__name__,
        (cls,),
        {"__call__": __call__, "_validate_tables": _validate_tables, "__module__": __name__, "__doc__": cls.__doc__},
    )
