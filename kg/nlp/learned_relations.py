"""``kg_relation_model``: relations from the trained classifier, added to the rules' ``doc._.kg_relations``.

The classifier (:mod:`.relation_classifier`, trained by ``make model`` into ``pipelines/models/relations``)
scores every ordered pair of kg's mentions in a sentence for the relations it was trained on
(works_for, kills, based_in, lives_in, located_in, holds_position). A pair scoring at least
``threshold`` becomes a relation with that score as its confidence when the catalogue allows the two
entity types, the model learnt the relation for those types, the two mentions are not members of one
list ("Germany, Italy and Poland"), and the clause joining them is not negated ("did not kill"); a
modal clause ("may have killed") records the modality. An office mention gets at most one holder
from the model, and none when the rules found its holder or coreference resolved it to someone else;
for the relations in ``single_object`` a subject gets the model's best object only, per sentence.
Where the rules found the same relation in the same sentence, the rule's relation is kept (its
evidence names the trigger word) and takes the higher of the two confidences.

Without a trained model the component does nothing: the pipeline loads and runs on rules alone, and
a log message says how to build the model. The model comes from ``initialize(path=...)``
(``[initialize.components.kg_relation_model]``, or $KG_RELATION_MODEL) and is saved with the pipeline.
"""

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import ensure_path

from kg.nlp import args, attrs
from kg.nlp.component import LexiconUser
from kg.nlp.relation_classifier import RelationClassifier
from kg.nlp.relation_network import CANDIDATES
from kg.resources import PIPELINES
from kg.schema import catalogue

log = logging.getLogger("kg")
EXTRACTOR = "kg_relation_model"


def model_path(path: str | Path) -> Path:
    """``path`` as given, or relative to ``pipelines/`` (``models/relations``)."""
    p = Path(path)
    return p if p.is_absolute() else PIPELINES / p


class RelationModel(LexiconUser):
    def __init__(
        self, nlp: Language, name: str, path: str = "", threshold: float = 0.5, single_object: Iterable[str] = ()
    ):
        self.name = name
        self.threshold = threshold
        self.single = frozenset(single_object)
        self.cat = catalogue.load()
        self.classifier: RelationClassifier | None = None
        self._classifier_nlp: Language | None = None
        self._nlp = nlp
        super().__init__()
        if path:
            self.load(path)

    def initialize(
        self, get_examples: Callable | None = None, *, nlp=None, lexicon: str | None = None, path: str = ""
    ) -> None:
        """``path``: a trained model's directory (absolute or under ``pipelines/``); "" for none."""
        super().initialize(get_examples, nlp=nlp, lexicon=lexicon)
        self.load(path)

    def load(self, path: str | Path) -> None:
        """Run the trained classifier in ``path`` (absolute or under ``pipelines/``), or none ("")."""
        self.classifier = self._classifier_nlp = None
        if not str(path):
            log.info(
                "kg_relation_model: off (set KG_RELATION_MODEL=models/relations after `make model`); "
                "relations come from the rules only"
            )
            return
        if not (model_path(path) / "config.cfg").exists():
            log.info(
                "kg_relation_model: no trained relation model in %s (build it with `make model`); "
                "relations come from the rules only",
                model_path(path),
            )
            return
        import spacy

        from kg.nlp import relation_classifier  # noqa: F401  (registers what the model's config names)

        self._use(spacy.load(model_path(path)))

    def _use(self, classifier_nlp: Language) -> None:
        from kg.nlp import tuning

        self._classifier_nlp = classifier_nlp
        # spaCy types its pipes as plain Doc callables
        self.classifier = cast(RelationClassifier, classifier_nlp.get_pipe("kg_relation_classifier"))
        tuning.like_pipeline(self.classifier.model, self._nlp)
        self.width = self.classifier.model.layers[0].get_dim("tensor_width")
        rels = [self.cat.relation(label) for label in self.classifier.labels]
        self.types = set().union(
            *[set(r.domain or self.cat.entity_types) | set(r.range or self.cat.entity_types) for r in rels]
        )

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        super().to_disk(path, exclude=exclude)
        if self._classifier_nlp is not None:
            self._classifier_nlp.to_disk(ensure_path(path) / "classifier")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()):
        super().from_disk(path, exclude=exclude)
        saved = ensure_path(path) / "classifier"
        self.load(saved.resolve() if saved.exists() else "")
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        classifier = (
            None
            if self._classifier_nlp is None
            else {"config": self._classifier_nlp.config.to_str(), "bytes": self._classifier_nlp.to_bytes()}
        )
        return srsly.msgpack_dumps({"stored": super().to_bytes(), "classifier": classifier})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()):
        from spacy.util import load_model_from_config
        from thinc.api import Config

        from kg.nlp import relation_classifier  # noqa: F401  (registers what the model's config names)

        msg = srsly.msgpack_loads(data)
        super().from_bytes(msg["stored"])
        self.classifier = self._classifier_nlp = None
        if msg["classifier"]:
            config = Config().from_str(msg["classifier"]["config"])
            self._use(load_model_from_config(config, auto_fill=False).from_bytes(msg["classifier"]["bytes"]))
        return self

    @property
    def enabled(self) -> bool:
        return self.classifier is not None

    def _tensor(self, doc: Doc) -> bool:
        """The base model's token vectors, computed again if a component left them out."""
        t = doc.tensor
        if t is None or t.ndim != 2 or t.shape[0] != len(doc):
            if "tok2vec" not in self._nlp.component_names:  # a disabled one (selective parsing) still runs
                return False
            self._nlp.get_pipe("tok2vec")(doc)
            t = doc.tensor
        if t.ndim != 2 or t.shape != (len(doc), self.width):
            log.warning(
                "kg_relation_model: the base model's token vectors have shape %s, the relation model "
                "needs width %d (it was trained on another model); component disabled",
                getattr(t, "shape", None),
                self.width,
            )
            self.classifier = None
            return False
        return True

    def __call__(self, doc: Doc) -> Doc:
        if self.classifier is None:
            return doc
        ents = doc._.kg_entities or {}
        spans: dict[tuple[int, int], str] = {}
        for m in doc._.kg_mentions or []:
            info = ents.get(m.entity_id)
            if info is not None and info.type in self.types:
                spans.setdefault((m.start, m.end), m.entity_id)
        if len(spans) < 2 or not self._tensor(doc):
            return doc
        # a sentence left unparsed (selective parsing) has no vectors and no arcs to judge a pair by
        spans = {k: v for k, v in spans.items() if doc.tensor[k[0] : k[1]].any()}
        if len(spans) < 2:
            return doc
        doc.spans[CANDIDATES] = [Span(doc, s, e, label=ents[eid].type) for (s, e), eid in sorted(spans.items())]
        try:
            instances = self.classifier.instances(doc)
            scores = self.classifier.predict([doc]) if instances else []
        finally:
            del doc.spans[CANDIDATES]
        hits = attrs.get(doc, "kg_relations")
        rules = [*hits, *(doc._.kg_positions or [])]
        known = {(h.subject, h.predicate, h.object, h.sent_start): h for h in rules}
        held = {(h.object, h.sent_start) for h in rules if h.predicate == "holds_position"}
        coref = doc._.kg_coref or {}
        best: dict[tuple[str, str, str, int], tuple[float, Span, Span]] = {}
        for (a, b), row in zip(instances, scores):
            s, o = spans[(a.start, a.end)], spans[(b.start, b.end)]
            if s == o or _coordinated(a.root, b.root):
                continue  # "Germany, Italy and Poland": members of one list are not related to each other
            for j, rel in enumerate(self.classifier.labels):
                p = float(row[j])
                if (
                    p < self.threshold
                    or not self.cat.relation(rel).allows(ents[s].type, ents[o].type)
                    or not self.classifier.allows(rel, ents[s].type, ents[o].type)
                ):
                    continue
                if rel == "holds_position" and not {coref.get(i, s) for i in range(b.start, b.end)} <= {s}:
                    continue  # "the Prime Minister" that coreference gave to someone else
                key = (s, rel, o, attrs.sentence(doc[a.start]).start_char)
                if key not in best or p > best[key][0]:
                    best[key] = (p, a, b)
        best = _one_object_each(_one_holder_per_office(best, held), self.single)
        if not best:
            return doc
        for key, (p, a, b) in best.items():
            if key in known:  # the rules found it too: keep theirs, with the higher confidence
                known[key].confidence = round(max(known[key].confidence, p), 2)
                continue
            modality, negated = self._clause(a, b)
            if negated:
                continue
            s, rel, o, _ = key
            hits.append(args.hit(doc, rel, s, o, [a[0], a[-1], b[0], b[-1]], EXTRACTOR, round(p, 2), modality))
        return doc

    def _clause(self, a: Span, b: Span) -> tuple[str, bool]:
        """Modality and negation of the word joining the two mentions in the parse (their lowest common
        ancestor), as the rules judge them."""
        lca = _common_ancestor(a.root, b.root)
        if lca is None:
            return "asserted", False
        return args.modality_and_negation(lca, self.lex.modality, self.lex.negation_governors)


def _coordinated(x: Token, y: Token) -> bool:
    return y in x.conjuncts


def _one_holder_per_office(best: dict, held: set) -> dict:
    """An office mention has one holder: the model names one (the best-scoring) only where the rules
    named none for that office in the sentence (theirs come from the construction itself: "Defence
    Secretary John Healey")."""
    top: dict[tuple[int, int], tuple[float, tuple]] = {}
    for key, (p, _, b) in best.items():
        if key[1] == "holds_position":
            if (key[2], key[3]) in held:  # (office, sentence)
                continue
            if (b.start, b.end) not in top or p > top[(b.start, b.end)][0]:
                top[(b.start, b.end)] = (p, key)
    keep = {key for _, key in top.values()}
    return {k: v for k, v in best.items() if k[1] != "holds_position" or k in keep}


def _one_object_each(best: dict, single: frozenset[str]) -> dict:
    """For the relations in ``single``, the model's best-scoring object per subject and sentence
    ("Costa works for the European Council", not also for every other organisation in the list)."""
    top: dict[tuple[str, str, int], tuple[float, tuple]] = {}
    for key, (p, _, _) in best.items():
        if key[1] in single:
            group = (key[0], key[1], key[3])
            if group not in top or p > top[group][0]:
                top[group] = (p, key)
    keep = {key for _, key in top.values()}
    return {k: v for k, v in best.items() if k[1] not in single or k in keep}


def _common_ancestor(x: Token, y: Token) -> Token | None:
    up = {x.i, *(t.i for t in x.ancestors)}
    for t in (y, *y.ancestors):
        if t.i in up:
            return t
    return None


@Language.factory(
    "kg_relation_model",
    assigns=["doc._.kg_relations"],
    requires=["doc._.kg_mentions", "doc._.kg_entities", "doc._.kg_relations"],
    default_config={"threshold": 0.5, "single_object": []},
)
def make_relation_model(nlp: Language, name: str, threshold: float, single_object: list[str]) -> RelationModel:
    return RelationModel(nlp, name, "", threshold, single_object)
