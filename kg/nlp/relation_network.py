"""The network behind ``kg_relation_classifier``: candidate pairs (``kg.relation_instances.v1``), the thinc
model that pools token vectors over a pair and its context (``kg.RelationClassifier.v1``), and the
training corpus reader (``kg.RelationCorpus.v1``)."""

import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from typing import Any, cast

import numpy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import registry
from thinc.api import Linear, Model, Relu, chain
from thinc.types import Floats2d

from kg.schema import catalogue

CANDIDATES = "kg_candidates"  # doc.spans key: candidate arguments, labelled with their kg entity type
GOLD = "kg_relation_gold"  # reference user_data: {"known": [relations], "pairs": [[as, ae, bs, be, [pos], [known]]]}
TENSOR = "kg_tensor"  # training user_data: the base model's doc.tensor, saved with the corpus
SENT_STARTS = "kg_sent_starts"  # training user_data: token indices that start a sentence in kg's parse
Instance = tuple[Span, Span]

_DISTANCES = (0, 1, 2, 3, 4, 6, 9, 13, 20)  # lower bounds of the gap buckets, in tokens


@registry.misc("kg.relation_instances.v1")
def relation_instances(max_distance: int = 60, same_sentence: bool = True) -> Callable[[Doc], list[Instance]]:
    """Ordered pairs of non-overlapping candidates at most ``max_distance`` tokens apart (in one sentence)."""

    def get_instances(doc: Doc) -> list[Instance]:
        if CANDIDATES not in doc.spans:
            return []
        spans = list(doc.spans[CANDIDATES])
        if len(spans) < 2:
            return []
        if same_sentence and doc.has_annotation("SENT_START"):
            starts = [s.start for s in doc.sents]
            sent = [bisect_right(starts, sp.start) for sp in spans]
        else:
            sent = [0] * len(spans)
        out = []
        for i, a in enumerate(spans):
            for j, b in enumerate(spans):
                if sent[i] != sent[j] or (a.start < b.end and b.start < a.end):
                    continue
                if max(a.start, b.start) - min(a.end, b.end) > max_distance:
                    continue
                out.append((a, b))
        return out

    return get_instances


def _bucket(gap: int) -> int:
    return max(i for i, lo in enumerate(_DISTANCES) if gap >= lo)


def path_features(a: Span, b: Span) -> list[str]:
    """Symbolic features of how two mentions are joined: the dependency path between their heads
    (labels up and down, the words on it, the word where the two branches meet) and the words between
    them when they are close. Unparsed text gives none."""
    ha, hb = a.root, b.root
    if not ha.doc.has_annotation("DEP"):
        return []
    up = [ha, *ha.ancestors]
    at = {t.i: k for k, t in enumerate(up)}
    down = []
    for t in (hb, *hb.ancestors):
        if t.i in at:
            lca = t
            break
        down.append(t)
    else:
        return ["path:none"]
    up = up[: at[lca.i]]
    shape = "/".join(t.dep_ for t in up) + "^" + lca.pos_ + "^" + "/".join(t.dep_ for t in reversed(down))
    kind = f"{a.label_}>{b.label_}"
    out = [
        f"path:{shape}",
        f"tpath:{kind}:{shape}",
        f"lca:{lca.lemma_.lower()}",
        f"tlca:{kind}:{lca.lemma_.lower()}",
        f"lcadep:{lca.dep_}",
        f"len:{min(len(up) + len(down), 8)}",
    ]
    out += [f"up:{t.dep_}" for t in up] + [f"down:{t.dep_}" for t in down]
    out += [f"on:{t.lemma_.lower()}" for t in (*up[1:], *down[1:])]
    lo, hi = (a.end, b.start) if a.start < b.start else (b.end, a.start)
    doc = ha.doc
    if hi - lo <= 6:
        words = [t.lemma_.lower() for t in doc[lo:hi]]
        out += [f"btw:{w}" for w in words] + ["seq:" + " ".join(words)]
    else:
        out += [f"btw2:{t.lemma_.lower()}" for t in (*doc[lo : lo + 2], *doc[hi - 2 : hi])]
    out += [
        f"before:{doc[a.start - 1].lower_}" if a.start else "before:-",
        f"after:{doc[b.end].lower_}" if b.end < len(doc) else "after:-",
    ]
    return out


@registry.architectures("kg.RelationClassifier.v1")
def relation_classifier(
    get_instances: Callable[[Doc], list[Instance]],
    tensor_width: int = 96,
    tok2vec: Model | None = None,
    path_width: int = 0,
    hidden_width: int = 128,
    dropout: float = 0.2,
    nO: int | None = None,
) -> Model[list[Doc], Floats2d]:
    """Pair features -> ReLU hidden layer -> one logit per relation (the pipe applies the sigmoid).
    ``path_width`` > 0 adds the :func:`path_features`, hashed into that many buckets."""
    features = relation_features(get_instances, tensor_width, tok2vec, path_width)
    return chain(features, Relu(nO=hidden_width, dropout=dropout), Linear(nO=nO))


def relation_features(
    get_instances, tensor_width: int, tok2vec: Model | None, path_width: int = 0
) -> Model[list[Doc], Floats2d]:
    types = sorted(catalogue.load().entity_types)
    lex = tok2vec.get_dim("nO") if tok2vec is not None else 0
    width = tensor_width + lex
    n_out = 3 * width + 2 * (len(types) + 1) + len(_DISTANCES) + 1 + path_width
    return Model(
        "kg_relation_features",
        _features_forward,
        init=_features_init,
        layers=[tok2vec] if tok2vec is not None else [],
        dims={"nO": n_out, "tensor_width": tensor_width, "lexical_width": lex, "path_width": path_width},
        attrs={"get_instances": get_instances, "types": types},
    )


def _features_init(model: Model, X: list[Doc] | None = None, Y=None) -> None:
    if model.layers:
        model.layers[0].initialize(X=X)


def _features_forward(model: Model, docs: list[Doc], is_train: bool):
    get_instances = model.attrs["get_instances"]
    types = {t: i for i, t in enumerate(model.attrs["types"])}
    n_types = len(types) + 1
    tw, lw, pw = model.get_dim("tensor_width"), model.get_dim("lexical_width"), model.get_dim("path_width")
    width = tw + lw
    lexical: list[Floats2d] = []  # the own tok2vec's vectors per doc, when the model has one
    bp_lexical: Callable[[list[Floats2d]], Any] | None = None
    if model.layers:
        lexical, bp_lexical = model.layers[0](docs, is_train)
    rows: list[numpy.ndarray] = []
    plan: list[tuple[int, tuple[int, int], tuple[int, int], tuple[int, int]]] = []
    for d, doc in enumerate(docs):
        instances = get_instances(doc)
        if not instances:
            continue
        tensor = doc.tensor
        if tensor is None or tensor.ndim != 2 or tensor.shape != (len(doc), tw):
            raise ValueError(
                f"kg_relation_classifier needs doc.tensor of shape ({len(doc)}, {tw}) from the base "
                f"model's tok2vec, got {getattr(tensor, 'shape', None)}"
            )
        tokens = numpy.asarray(tensor, dtype="f")
        if lw:
            tokens = numpy.hstack([tokens, model.ops.to_numpy(lexical[d])])
        sums = numpy.vstack([numpy.zeros((1, width)), numpy.cumsum(tokens, axis=0, dtype="float64")])
        for a, b in instances:
            lo, hi = (a.end, b.start) if a.start < b.start else (b.end, a.start)
            between = _mean(sums, lo, hi)
            onehot = numpy.zeros(2 * n_types + len(_DISTANCES) + 1, dtype="f")
            onehot[types.get(a.label_, n_types - 1)] = 1
            onehot[n_types + types.get(b.label_, n_types - 1)] = 1
            onehot[2 * n_types + _bucket(max(0, hi - lo))] = 1
            onehot[-1] = float(a.start < b.start)
            hashed = numpy.zeros(pw, dtype="f")
            for f in path_features(a, b) if pw else ():
                hashed[zlib.crc32(f.encode("utf8")) % pw] = 1
            rows.append(
                numpy.concatenate([_mean(sums, a.start, a.end), _mean(sums, b.start, b.end), between, onehot, hashed])
            )
            plan.append((d, (a.start, a.end), (b.start, b.end), (lo, hi)))
    # thinc's Floats2d is a typing class no numpy array is
    X = model.ops.asarray2f(cast(Floats2d, numpy.vstack(rows))) if rows else model.ops.alloc2f(0, model.get_dim("nO"))

    def backprop(dX: Floats2d):
        if not lw or bp_lexical is None:
            return []
        dX = model.ops.to_numpy(dX)
        grads = [numpy.zeros((len(doc), lw), dtype="f") for doc in docs]
        for row, (d, *spans) in zip(dX, plan):
            for k, (s, e) in enumerate(spans):
                if e > s:  # the lexical part of block k is spread evenly over the tokens it pooled
                    grads[d][s:e] += row[k * width + tw : (k + 1) * width] / (e - s)
        return bp_lexical([model.ops.asarray2f(cast(Floats2d, g)) for g in grads])

    return X, backprop


def _mean(sums: numpy.ndarray, s: int, e: int) -> numpy.ndarray:
    """The mean of tokens ``s:e`` from their running sums (row k: the sum of the first k tokens)."""
    return ((sums[e] - sums[s]) / (e - s)).astype("f") if e > s else numpy.zeros(sums.shape[1], dtype="f")


@registry.readers("kg.RelationCorpus.v1")
def relation_corpus(path: str) -> Callable[[Language], Iterator[Example]]:
    """Examples from a ``.spacy`` file written by :mod:`kg.train.relations`: the predicted doc gets kg's
    parse (or its sentence starts), the candidates and the saved ``doc.tensor``; the reference keeps the
    gold pairs."""

    def read(nlp: Language) -> Iterator[Example]:
        for ref in DocBin(store_user_data=True).from_disk(path).get_docs(nlp.vocab):
            words, spaces = [t.text for t in ref], [bool(t.whitespace_) for t in ref]
            if ref.has_annotation("DEP"):  # kg's parse (its sentences come with it)
                pred = Doc(
                    nlp.vocab,
                    words=words,
                    spaces=spaces,
                    heads=[t.head.i for t in ref],
                    deps=[t.dep_ for t in ref],
                    lemmas=[t.lemma_ for t in ref],
                    pos=[t.pos_ for t in ref],
                )
            else:
                starts = set(ref.user_data.get(SENT_STARTS, [0]))
                pred = Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=[i in starts for i in range(len(ref))])
            pred.tensor = numpy.asarray(ref.user_data[TENSOR], dtype="f")
            pred.spans[CANDIDATES] = [Span(pred, s.start, s.end, label=s.label_) for s in ref.spans[CANDIDATES]]
            yield Example(pred, ref)

    return read
