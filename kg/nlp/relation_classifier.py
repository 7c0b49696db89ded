"""``kg_relation_classifier``: a trained classifier of the relation between two candidate mentions.

The trainable half of kg's relation model, in the style of spaCy's ``rel_component`` tutorial:

- an instance generator (``kg.relation_instances.v1``) pairs the candidate mentions in
  ``doc.spans["kg_candidates"]`` (each labelled with its kg entity type) within a sentence;
- the model (``kg.RelationClassifier.v1``) represents a pair by pooling token vectors over the two
  mentions and the words between them — the base model's ``doc.tensor`` (static: kg's English model
  is not retrained) joined with a small trainable tok2vec of its own — plus the two entity types,
  their distance and the hashed dependency path between them (:func:`path_features`), and scores
  every catalogue relation it was trained on with a sigmoid;
- gold data is partial: a pair is labelled only for the relations its dataset annotates
  (``user_data["kg_relation_gold"]``), so KBP37's per:title pairs teach nothing about CoNLL04's
  Live_In and vice versa (the loss is masked per relation).

Training uses spaCy's own loop (``pipelines/relations-train.cfg``, ``python -m kg.train``); at run time
:mod:`kg.nlp.learned_relations` feeds the component kg's mentions and turns its scores into relations.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example
from spacy.vocab import Vocab
from thinc.api import Model, set_dropout_rate
from thinc.types import Floats2d

from kg.nlp.relation_network import CANDIDATES, GOLD, Instance
from kg.schema import catalogue

if not Doc.has_extension("kg_relation_scores"):
    Doc.set_extension("kg_relation_scores", default=None)


def _sigmoid(x):
    return 1.0 / (1.0 + numpy.exp(-numpy.clip(x, -30, 30)))


class RelationClassifier(TrainablePipe):
    """Scores every ordered candidate pair; ``doc._.kg_relation_scores`` lists
    ``(a_start, a_end, b_start, b_end, relation, score)`` for scores at or above ``threshold``.
    ``cfg["type_pairs"]`` keeps, per relation, the argument types it was trained on (:meth:`allows`)."""

    def __init__(
        self,
        vocab: Vocab,
        model: Model,
        name: str = "kg_relation_classifier",
        *,
        threshold: float = 0.5,
        positive_weight: float = 1.0,
    ):
        self.vocab = vocab
        self.model = model
        self.name = name
        self.cfg: dict[str, Any] = {"labels": [], "threshold": threshold, "positive_weight": positive_weight}

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.cfg["labels"])

    @property
    def threshold(self) -> float:
        return float(self.cfg["threshold"])

    def add_label(self, label: str) -> int:
        if label in self.labels:
            return 0
        catalogue.load().relation(label)  # only catalogue relations
        self._allow_extra_label()
        self.cfg["labels"] = [*self.labels, label]
        return 1

    def allows(self, label: str, subject_type: str, object_type: str) -> bool:
        """Whether the model learnt ``label`` for these argument types (any, for a model without the record)."""
        pairs = self.cfg.get("type_pairs")
        return pairs is None or [subject_type, object_type] in pairs.get(label, [])

    def instances(self, doc: Doc) -> list[Instance]:
        """The ordered candidate pairs the model scores for ``doc``, in the order of its output rows."""
        return self.model.layers[0].attrs["get_instances"](doc)  # the features layer heads the chain

    def predict(self, docs: Iterable[Doc]) -> Floats2d:
        docs = list(docs)
        return _sigmoid(self.model.ops.to_numpy(self.model.predict(docs)))

    def set_annotations(self, docs: Iterable[Doc], scores) -> None:
        row = 0
        for doc in docs:
            found = []
            for a, b in self.instances(doc):
                for j, label in enumerate(self.labels):
                    if scores[row, j] >= self.threshold and self.allows(label, a.label_, b.label_):
                        found.append((a.start, a.end, b.start, b.end, label, float(scores[row, j])))
                row += 1
            doc._.kg_relation_scores = found

    def _truths(self, examples: Iterable[Example]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Gold values and the mask of relations each pair is labelled for."""
        index = {label: j for j, label in enumerate(self.labels)}
        truths, mask = [], []
        for eg in examples:
            gold = eg.reference.user_data.get(GOLD) or {}
            default = numpy.zeros(len(index), dtype="f")
            for rel in gold.get("known", []):
                if rel in index:
                    default[index[rel]] = 1
            pairs = {tuple(p[:4]): p for p in gold.get("pairs", [])}
            for a, b in self.instances(eg.predicted):
                t = numpy.zeros(len(index), dtype="f")
                m = default.copy()
                p = pairs.get((a.start, a.end, b.start, b.end))
                if p is not None:
                    m = numpy.zeros(len(index), dtype="f")
                    for rel in p[5]:
                        if rel in index:
                            m[index[rel]] = 1
                    for rel in p[4]:
                        if rel in index:
                            t[index[rel]] = 1
                            m[index[rel]] = 1
                truths.append(t)
                mask.append(m)
        if not truths:
            return numpy.zeros((0, len(index)), dtype="f"), numpy.zeros((0, len(index)), dtype="f")
        return numpy.vstack(truths), numpy.vstack(mask)

    def get_loss(self, examples: Iterable[Example], logits) -> tuple[float, Floats2d]:
        """Masked binary cross-entropy; the gradient is taken with respect to the logits."""
        truths, mask = self._truths(examples)
        probs = _sigmoid(self.model.ops.to_numpy(logits))
        weight = mask * numpy.where(truths > 0, float(self.cfg["positive_weight"]), 1.0)
        eps = 1e-7
        loss = -(weight * (truths * numpy.log(probs + eps) + (1 - truths) * numpy.log(1 - probs + eps))).sum()
        grad = weight * (probs - truths) / max(1.0, float(mask.sum()) / max(1, len(self.labels)))
        return float(loss), self.model.ops.asarray2f(grad.astype("f"))

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd=None, losses=None) -> dict:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        if not any(self.instances(eg.predicted) for eg in examples):
            return losses
        set_dropout_rate(self.model, drop)
        logits, backprop = self.model.begin_update([eg.predicted for eg in examples])
        loss, grad = self.get_loss(examples, logits)
        backprop(grad)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        *,
        nlp: Language | None = None,
        labels: list[str] | None = None,
    ) -> None:
        if labels is None:
            found: set[str] = set()
            for eg in get_examples():
                gold = eg.reference.user_data.get(GOLD) or {}
                found.update(gold.get("known", []))
                for p in gold.get("pairs", []):
                    found.update(p[4])
                    found.update(p[5])
            labels = sorted(found)
        for label in labels:
            self.add_label(label)
        self.cfg["type_pairs"] = _type_pairs(get_examples())
        sample = []
        for eg in get_examples():
            if self.instances(eg.predicted):
                sample.append(eg.predicted)
            if len(sample) >= 10:
                break
        n = sum(len(self.instances(d)) for d in sample)
        self.model.initialize(X=sample, Y=self.model.ops.alloc2f(n, len(self.labels)))

    def score(self, examples: Iterable[Example], **kwargs) -> dict[str, float]:
        """Micro P/R/F1 over the relations each pair is labelled for (``rel_micro_*``), and per relation."""
        examples = list(examples)
        truths, mask = self._truths(examples)
        scores = self.predict([eg.predicted for eg in examples]) if len(truths) else truths
        pred = (scores >= self.threshold) & (mask > 0)
        gold = (truths > 0) & (mask > 0)
        out: dict[str, float] = {}

        def prf(tp, fp, fn, prefix):
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            out[f"{prefix}_p"], out[f"{prefix}_r"] = p, r
            out[f"{prefix}_f"] = 2 * p * r / (p + r) if p + r else 0.0

        prf(int((pred & gold).sum()), int((pred & ~gold).sum()), int((~pred & gold).sum()), "rel_micro")
        for j, label in enumerate(self.labels):
            prf(
                int((pred[:, j] & gold[:, j]).sum()),
                int((pred[:, j] & ~gold[:, j]).sum()),
                int((~pred[:, j] & gold[:, j]).sum()),
                f"rel_{label}",
            )
        return out


def _type_pairs(examples: Iterable[Example], share: float = 0.01) -> dict[str, list[list[str]]]:
    """Per relation, the (subject type, object type) pairs of at least ``share`` of its training positives
    (and at least two): the argument types the model has learnt the relation for."""
    counts: Counter = Counter()
    for eg in examples:
        types = {(s.start, s.end): s.label_ for s in eg.reference.spans.get(CANDIDATES, [])}
        for p in (eg.reference.user_data.get(GOLD) or {}).get("pairs", []):
            for rel in p[4]:
                counts[(rel, types.get((p[0], p[1])), types.get((p[2], p[3])))] += 1
    totals: Counter = Counter()
    for (rel, _, _), n in counts.items():
        totals[rel] += n
    out: dict[str, list[list[str]]] = {}
    for (rel, a, b), n in sorted(counts.items()):
        if a and b and n >= max(2, share * totals[rel]):
            out.setdefault(rel, []).append([a, b])
    return out


@Language.factory(
    "kg_relation_classifier",
    assigns=["doc._.kg_relation_scores"],
    default_config={"threshold": 0.5, "positive_weight": 1.0},
    default_score_weights={"rel_micro_f": 1.0, "rel_micro_p": 0.0, "rel_micro_r": 0.0},
)
def make_relation_classifier(
    nlp: Language, name: str, model: Model, threshold: float, positive_weight: float
) -> RelationClassifier:
    return RelationClassifier(nlp.vocab, model, name, threshold=threshold, positive_weight=positive_weight)


# ----------------------------------------------------------------- training corpus
