"""Speed settings for a loaded spaCy pipeline that do not change its output.

Measured on this project's machine (2-core AMD EPYC VM, en_core_web_sm 3.8,
``bench/throughput.py``):

- ``gemm = "numpy"``: thinc's ``NumpyOps`` multiplies matrices with the ``blis``
  package by default; here that ran a (13000 x 288) x (288 x 288) product at
  ~19 GFLOP/s against ~49 GFLOP/s for numpy's OpenBLAS on one thread, and tok2vec
  and ner are mostly such products. The same weights through numpy give
  identical annotations (checked token by token in ``tests/test_selective.py``).
- the rule lemmatizer checks ``form in index`` against the model's lemma index
  tables, which are lists (57,528 nouns): every new word form scans them. As
  frozensets the lookup is O(1) and the lemmas are the same.
- ``attribute_table``: en_core_web_sm's ``attribute_ruler`` runs 179 Matcher patterns
  over every token from Python (~20 % of the pipeline here); :mod:`.attribute_table`
  gives the same POS, morphology and lemmas from a cached table.
- the rule lemmatizer caches its answers by (word, POS, morphology) but returns
  early, uncached, for every base form (most tokens: singular nouns, infinitives),
  recomputing the morphology dict each time; ``lemma_cache`` caches every answer.
- ``keep_freed_memory``: glibc hands every large block (each batch's activation
  arrays) back to the kernel when it is freed and takes fresh zeroed pages for the
  next one; in a 2-worker build of the BBC corpus that page-fault churn was 17 of
  141 CPU seconds. :func:`keep_freed_memory` raises glibc's mmap and trim
  thresholds (``mallopt``) so freed blocks are reused: 2.6 s of system time.
- ``embed_cache``: the first stage of each tok2vec (en_core_web_sm has two: the
  shared one and the NER's own) embeds a token from its NORM, PREFIX, SUFFIX and
  SHAPE (and SPACY, IS_SPACE): six hash-table lookups, a 576 x 288 matrix product,
  maxout and layer norm, a third of the tok2vec's time. The result depends on those
  values only, so :func:`embed_cache` computes it once per distinct combination
  and looks it up after (the encoder layers, which see the context, run as before).
- ``freeze_gc``: Python's cyclic garbage collector walks every tracked object at each
  full collection, and a loaded pipeline holds ~100,000 of them (thinc models, config
  dicts) that never become garbage; kg's components allocate enough to trigger a full
  collection every few hundred articles (0.12-0.21 s per 400 BBC articles measured with
  ``gc.callbacks``). :func:`freeze_gc` collects once and moves everything alive into the
  permanent generation (``gc.freeze``) after the pipeline is loaded: 0.02-0.03 s.
- ``blas_threads``: one BLAS thread per process. With one worker per core,
  more threads only contend; set through threadpoolctl so it holds whether or
  not numpy was imported before the pipeline was loaded.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from spacy.language import Language

log = logging.getLogger("kg")


def _models(pipe):
    """The thinc models of a component: its own, and those of pipes or models it holds (a component
    that runs a model of its own, such as ``kg_relation_model``)."""
    from thinc.api import Model

    found = [getattr(pipe, "model", None)]
    for value in getattr(pipe, "__dict__", {}).values():
        found += [value, getattr(value, "model", None)]
    seen = set()
    for m in found:
        if isinstance(m, Model) and id(m) not in seen:
            seen.add(id(m))
            yield m


def numpy_gemm(nlp: Language) -> int:
    """Point every thinc layer of the pipeline at NumpyOps without blis. Returns the layers changed."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    n = 0
    for _, pipe in nlp.components:
        for model in _models(pipe):
            for node in model.walk():
                if type(node.ops) is NumpyOps and node.ops.use_blis:  # noqa: E721  (not CupyOps etc.)
                    node.ops = ops
                    n += 1
    return n


def lemma_index_sets(nlp: Language) -> None:
    for _, pipe in nlp.components:
        lookups = getattr(pipe, "lookups", None)
        if lookups is None or "lemma_index" not in lookups.tables:
            continue
        table = lookups.get_table("lemma_index")
        for key in list(table.keys()):
            if isinstance(table[key], list):
                table[key] = frozenset(table[key])
        getattr(pipe, "cache", {}).clear()


LEMMA_CACHE_SIZE = 200_000


def lemma_cache(nlp: Language) -> int:
    """Cache every answer of the pipeline's rule lemmatizers by (orth, POS, morphology), the key spaCy's
    own cache uses (which base forms bypass), and lemmatize a Doc from its arrays (spaCy's loop sets
    each lemma through a Token object). Returns the lemmatizers changed."""
    n = 0
    for _, pipe in nlp.components:
        if getattr(pipe, "mode", None) != "rule" or not callable(getattr(pipe, "rule_lemmatize", None)) \
                or hasattr(pipe, "kg_lemmas"):
            continue
        inner, cache = pipe.rule_lemmatize, {}

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
        pipe.__class__ = _array_lemmatizer(type(pipe))
        n += 1
    return n


@lru_cache(maxsize=None)
def _array_lemmatizer(cls: type) -> type:
    """A subclass of a rule lemmatizer class whose ``__call__`` reads and writes the Doc's arrays."""
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

    return type(cls.__name__, (cls,), {"__call__": __call__, "__module__": __name__, "__doc__": cls.__doc__})


EMBED_CACHE_ROWS = 200_000  # per embedding layer (96 floats a row: 77 MB); emptied when full


def _cached_embed_forward(layers, inner, max_rows: int):
    """A forward for a MultiHashEmbed chain (extract_features >> list2ragged >> with_array(hash
    embeds) >> with_array(maxout >> layernorm) >> ragged2list) that runs the hash embeds and the
    maxout once per distinct feature row and looks the rest up. Rows are found by a 64-bit mix of
    their features and then compared in full, so a collision never returns another row's vector
    (that batch goes through ``inner``). Training runs ``inner`` (and empties the table, whose rows
    the update makes stale)."""
    import numpy

    features, _, hashes, mix, _ = layers
    index: dict[int, int] = {}  # feature mix -> row
    state: dict = {"vectors": None, "features": None}

    def forward(model, docs, is_train: bool):
        if is_train:
            index.clear()
            return inner(model, docs, is_train)
        feats = features.predict(docs)
        lengths = [len(f) for f in feats]
        if not sum(lengths):
            return inner(model, docs, is_train)
        X = numpy.ascontiguousarray(numpy.concatenate(feats), dtype=numpy.uint64)
        key = X[:, 0].copy()
        for c in range(1, X.shape[1]):
            key *= numpy.uint64(0x9E3779B97F4A7C15)
            key ^= X[:, c]
        uniq, first, inverse = numpy.unique(key, return_index=True, return_inverse=True)
        found = [index.get(k, -1) for k in uniq.tolist()]
        missing = [j for j, r in enumerate(found) if r < 0]
        if missing:
            if len(index) + len(missing) > max_rows:
                index.clear()
                found, missing = [-1] * len(found), list(range(len(found)))
            rows_in = X[first[missing]]
            vectors = mix.predict(hashes.predict(rows_in))
            start = len(index)
            _store(state, start, vectors, rows_in)
            for i, j in enumerate(missing, start):
                index[int(uniq[j])] = found[j] = i
        rows = numpy.asarray(found, dtype=numpy.int64)[inverse.reshape(-1)]
        if not numpy.array_equal(state["features"][rows], X):  # a collision of the mix: no shortcut
            return inner(model, docs, is_train)
        out = state["vectors"][rows]

        def backprop(dY):  # pragma: no cover - inference only; training goes through inner
            raise NotImplementedError("the cached embedding runs inference only")

        return numpy.split(out, numpy.cumsum(lengths)[:-1]), backprop

    forward.kg_inner = inner  # the model's own forward
    return forward


def _store(state: dict, start: int, vectors, features) -> None:
    """Write rows ``start:`` of the embedding table (vectors and their feature rows), growing it by doubling."""
    import numpy

    end = start + len(vectors)
    for name, new in (("vectors", vectors), ("features", features)):
        have = state[name]
        if have is None or end > len(have):
            grown = numpy.zeros((max(2 * (0 if have is None else len(have)), end, 1024), new.shape[1]), dtype=new.dtype)
            if have is not None and start:
                grown[:start] = have[:start]
            state[name] = have = grown
        have[start:end] = new


def embed_cache(nlp: Language, max_rows: int = EMBED_CACHE_ROWS) -> int:
    """Give every MultiHashEmbed stage of the pipeline's tok2vec layers a table of the vectors it
    computed, by feature row. Returns the embedding layers changed."""
    n = 0
    for _, pipe in nlp.components:
        for model in _models(pipe):
            for node in model.walk():
                if not node.has_ref("embed"):
                    continue
                embed = node.get_ref("embed")
                names = [layer.name for layer in embed.layers]
                if hasattr(embed._func, "kg_inner") or len(names) != 5 or names[0] != "extract_features" \
                        or names[1] != "list2ragged" or names[4] != "ragged2list" \
                        or not names[2].startswith("with_array(") or not names[3].startswith("with_array(maxout"):
                    continue  # another architecture (static vectors, characters): left as it is
                embed._func = _cached_embed_forward(embed.layers, embed._func, max_rows)
                n += 1
    return n


M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # <malloc.h>


def keep_freed_memory(mmap_threshold: int = 256 << 20, trim_threshold: int = 512 << 20,
                      top_pad: int = 64 << 20) -> bool:
    """Let glibc's malloc keep and reuse freed blocks up to these sizes instead of unmapping them
    (no-op where the C library is not glibc). Returns whether the settings were applied."""
    import ctypes
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(None)
        return all(libc.mallopt(opt, value) == 1 for opt, value in
                   ((M_MMAP_THRESHOLD, mmap_threshold), (M_TRIM_THRESHOLD, trim_threshold), (M_TOP_PAD, top_pad)))
    except (OSError, AttributeError):  # pragma: no cover - no mallopt
        return False


def freeze_gc() -> int:
    """Collect, then exempt every object alive now (the loaded pipeline's) from later cyclic
    collections (``gc.freeze``); reference counting still frees them. Returns how many were frozen."""
    import gc

    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def blas_threads(n: int) -> None:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - declared in setup.cfg
        log.warning("threadpoolctl is not installed; BLAS threads left as they are")
        return
    threadpool_limits(limits=n, user_api="blas")


def tune(nlp: Language, settings: dict) -> None:
    """Apply the ``[kg]`` speed settings (``gemm``, ``embed_cache``, ``attribute_table``,
    ``keep_freed_memory``, ``blas_threads``; ``freeze_gc`` is applied by the loader last) to a loaded
    pipeline, before any component takes references to the model's pipes."""
    if settings.get("gemm", "numpy") == "numpy":
        numpy_gemm(nlp)
    lemma_index_sets(nlp)
    lemma_cache(nlp)
    if settings.get("embed_cache", True):
        embed_cache(nlp)
    if settings.get("attribute_table", True):
        from kg.nlp.attribute_table import replace_ruler

        replace_ruler(nlp)
    if settings.get("keep_freed_memory", True):
        keep_freed_memory()
    threads = settings.get("blas_threads", 1)
    if threads:
        blas_threads(int(threads))
