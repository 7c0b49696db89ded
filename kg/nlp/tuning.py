"""Speed settings for a loaded spaCy pipeline that do not change its output.

What each one saves is in ``docs/performance.md`` ("Speed settings of the pipeline").

- ``gemm = "numpy"``: thinc's ``NumpyOps`` multiplies matrices with the ``blis`` package by default,
  which on one thread is slower than numpy's OpenBLAS, and tok2vec and ner are mostly such products.
  The same weights through numpy give identical annotations (checked token by token in
  ``tests/test_selective.py``).
- the rule lemmatizer checks ``form in index`` against the model's lemma index tables, which are
  lists of tens of thousands of words: every new word form scans them. As lists that answer ``in``
  from a set (:class:`~kg.nlp.lemmas.IndexList`, saved as the plain lists they are) the lookup is O(1)
  and the lemmas are the same.
- ``attribute_table``: en_core_web_sm's ``attribute_ruler`` runs its Matcher patterns over every
  token from Python, one of the costliest steps of the pipeline; :mod:`.attribute_table` gives the
  same POS, morphology and lemmas from a cached table.
- the rule lemmatizer caches its answers by (word, POS, morphology) but returns early, uncached, for
  every base form (most tokens: singular nouns, infinitives), recomputing the morphology dict each
  time; :func:`~kg.nlp.lemmas.lemma_cache` caches every answer.
- ``keep_freed_memory``: glibc hands every large block (each batch's activation arrays) back to the
  kernel when it is freed and takes fresh zeroed pages for the next one, so a build spends much of
  its system time in page faults. :func:`keep_freed_memory` raises glibc's mmap and trim thresholds
  (``mallopt``) so freed blocks are reused.
- ``embed_cache``: the first stage of each tok2vec (en_core_web_sm has two: the shared one and the
  NER's own) embeds a token from its NORM, PREFIX, SUFFIX and SHAPE (and SPACY, IS_SPACE): hash-table
  lookups, a matrix product, maxout and layer norm, a large part of the tok2vec's time. The result
  depends on those values only, so :func:`embed_cache` computes it once per distinct combination and
  looks it up after (the encoder layers, which see the context, run as before).
- ``freeze_gc``: Python's cyclic garbage collector walks every tracked object at each full
  collection, and a loaded pipeline holds a great many of them (thinc models, config dicts) that
  never become garbage, while kg's components allocate enough to trigger full collections throughout
  a build. :func:`freeze_gc` collects once and moves everything alive into the permanent generation
  (``gc.freeze``) after the pipeline is loaded.
- ``blas_threads``: one BLAS thread per process. With one worker per core, more threads only
  contend; set through threadpoolctl so it holds whether or not numpy was imported before the
  pipeline was loaded.

The settings are the arguments of the ``kg.speed_settings.v1`` callback, which ``pipelines/kg.cfg``
runs as ``[nlp.after_pipeline_creation]``: a saved pipeline's config names it too, so ``spacy.load``
applies them again. What they change is either in place before the components' data is loaded
(thinc ops, the embedding layers) or works on whatever data is loaded later (the lemmatizer, the
attribute table).
"""

import contextlib
import logging
from collections.abc import Callable
from contextvars import ContextVar

from spacy.language import Language
from spacy.util import registry

from kg.nlp.lemmas import lemma_cache

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


def _all_models(nlp: Language):
    for _, pipe in nlp.components:
        yield from _models(pipe)


def numpy_gemm(nlp: Language) -> int:
    """Point every thinc layer of the pipeline at NumpyOps without blis. Returns the layers changed."""
    return _numpy_gemm(_all_models(nlp))


def _numpy_gemm(models) -> int:
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    n = 0
    for model in models:
        for node in model.walk():
            # exactly NumpyOps: a subclass (AppleOps, MPSOps) brings its own matrix product
            if type(node.ops) is NumpyOps and node.ops.use_blis:
                node.ops = ops
                n += 1
    return n


def like_pipeline(model, nlp: Language) -> None:
    """Give a model that a component of ``nlp`` loads after the speed settings were applied (a trained
    relation classifier) the settings the pipeline's own models have: numpy gemm, the embedding cache."""
    from thinc.api import NumpyOps

    nodes = [node for m in _all_models(nlp) for node in m.walk()]
    if any(type(n.ops) is NumpyOps and not n.ops.use_blis for n in nodes):  # as _numpy_gemm left them
        _numpy_gemm([model])
    if any(n.has_ref("embed") and hasattr(n.get_ref("embed")._func, "kg_inner") for n in nodes):
        _embed_cache([model], EMBED_CACHE_ROWS)


EMBED_CACHE_ROWS = 200_000  # per embedding layer (96 floats a row: 77 MB); emptied when full


class _CachedEmbedForward:
    """A forward for a MultiHashEmbed chain (extract_features >> list2ragged >> with_array(hash
    embeds) >> with_array(maxout >> layernorm) >> ragged2list) that runs the hash embeds and the
    maxout once per distinct feature row and looks the rest up. Rows are found by a 64-bit mix of
    their features and then compared in full, so a collision never returns another row's vector
    (that batch goes through ``kg_inner``). Training runs ``kg_inner`` (and empties the table, whose
    rows the update makes stale)."""

    def __init__(self, layers, inner, max_rows: int):
        self.features, _, self.hashes, self.mix, _ = layers
        self.kg_inner = inner  # the model's own forward
        self.max_rows = max_rows
        self.index: dict[int, int] = {}  # feature mix -> row
        self.state: dict = {"vectors": None, "features": None}

    def __call__(self, model, docs, is_train: bool):
        import numpy

        index, inner = self.index, self.kg_inner
        if is_train:
            index.clear()
            return inner(model, docs, is_train)
        feats = self.features.predict(docs)
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
            if len(index) + len(missing) > self.max_rows:
                index.clear()
                found, missing = [-1] * len(found), list(range(len(found)))
            rows_in = X[first[missing]]
            vectors = self.mix.predict(self.hashes.predict(rows_in))
            start = len(index)
            _store(self.state, start, vectors, rows_in)
            for i, j in enumerate(missing, start):
                index[int(uniq[j])] = found[j] = i
        rows = numpy.asarray(found, dtype=numpy.int64)[inverse.reshape(-1)]
        if not numpy.array_equal(self.state["features"][rows], X):  # a collision of the mix: no shortcut
            return inner(model, docs, is_train)
        out = self.state["vectors"][rows]

        def backprop(dY):  # pragma: no cover - inference only; training goes through kg_inner
            raise NotImplementedError("the cached embedding runs inference only")

        return numpy.split(out, numpy.cumsum(lengths)[:-1]), backprop


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
    return _embed_cache(_all_models(nlp), max_rows)


def _embed_cache(models, max_rows: int) -> int:
    n = 0
    for model in models:
        for node in model.walk():
            if not node.has_ref("embed"):
                continue
            embed = node.get_ref("embed")
            names = [layer.name for layer in embed.layers]
            if (
                hasattr(embed._func, "kg_inner")
                or len(names) != 5
                or names[0] != "extract_features"
                or names[1] != "list2ragged"
                or names[4] != "ragged2list"
                or not names[2].startswith("with_array(")
                or not names[3].startswith("with_array(maxout")
            ):
                continue  # another architecture (static vectors, characters): left as it is
            embed._func = _CachedEmbedForward(embed.layers, embed._func, max_rows)
            n += 1
    return n


M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # <malloc.h>


def keep_freed_memory(
    mmap_threshold: int = 256 << 20, trim_threshold: int = 512 << 20, top_pad: int = 64 << 20
) -> bool:
    """Let glibc's malloc keep and reuse freed blocks up to these sizes instead of unmapping them
    (no-op where the C library is not glibc). Returns whether the settings were applied."""
    import ctypes
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(None)
        return all(
            libc.mallopt(opt, value) == 1
            for opt, value in (
                (M_MMAP_THRESHOLD, mmap_threshold),
                (M_TRIM_THRESHOLD, trim_threshold),
                (M_TOP_PAD, top_pad),
            )
        )
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


_FREEZE_LATER: ContextVar[list | None] = ContextVar("kg_freeze_later", default=None)


@contextlib.contextmanager
def freeze_at_end():
    """Inside the block, ``freeze_gc`` waits for the block's end: a loader that builds more after spaCy
    made the pipeline (initialize) freezes once, when all of it exists."""
    wanted: list = []
    token = _FREEZE_LATER.set(wanted)
    try:
        yield
    finally:
        _FREEZE_LATER.reset(token)
    if wanted:
        freeze_gc()


@registry.callbacks("kg.speed_settings.v1")
def speed_settings(
    gemm: str = "numpy",
    blas_threads: int = 1,
    embed_cache: bool = True,
    keep_freed_memory: bool = True,
    attribute_table: bool = True,
    keep_text: bool = True,
    freeze_gc: bool = True,
) -> Callable[[Language], Language]:
    """kg's speed settings (see the module docstring) as an ``[nlp.after_pipeline_creation]`` callback.
    ``keep_text``: Docs keep the text they were made from (:func:`kg.nlp.attrs.keep_text`)."""
    settings = {
        "gemm": gemm,
        "blas_threads": blas_threads,
        "embed_cache": embed_cache,
        "keep_freed_memory": keep_freed_memory,
        "attribute_table": attribute_table,
        "keep_text": keep_text,
        "freeze_gc": freeze_gc,
    }

    def apply(nlp: Language) -> Language:
        tune(nlp, settings)
        return nlp

    return apply


def tune(nlp: Language, settings: dict) -> None:
    """Apply the speed settings to a pipeline spaCy has just made (``freeze_gc`` last, or at the end of
    :func:`freeze_at_end`)."""
    from kg.nlp import attrs

    if settings.get("gemm", "numpy") == "numpy":
        numpy_gemm(nlp)
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
    if settings.get("keep_text", True):
        attrs.keep_text(nlp)
    if settings.get("freeze_gc", True):
        later = _FREEZE_LATER.get()
        if later is None:
            freeze_gc()
        else:
            later.append(True)
