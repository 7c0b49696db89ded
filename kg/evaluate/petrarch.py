"""PETRARCH validation records: kg's event relations against gold CAMEO event codings.

Each record's text is run through the pipeline with the record's date as the article's date (on the
Doc as ``user_data["kg_date"]``, ISO 8601, and on the :class:`~kg.model.Article`). A kg
relation is an event when it has a CAMEO code: ``Relation.attrs["cameo"]``, else its catalogue
entry's ``cameo``, else ``[relations]`` in ``pipelines/eval/petrarch.toml``; negated ones are left
out. Its actors are its subject and object entities, coded by ``Entity.attrs`` (see
:mod:`.petrarch_codes`); a symmetric relation ("meets") is an event in both directions.

A kg event matches a gold ``<EventCoding>`` of the same record when both actors match, in either
order (one-to-one, the best match first: right direction, then right root). At each matching level
("country", "role"):

- **dyad** P/R/F1: matched gold events; a kg event is a false positive when it (or, for a symmetric
  relation, its mirror) matched nothing, records that expect no event included;
- **event** P/R/F1: a match only when the direction and the CAMEO root are right as well;
- **direction**, **root**, **quad-class** and (exact) **code** accuracy over the matched dyads.

As upstream's validation leaves out coded events with an unidentified ("---") actor, the headline
level is also scored over the kg events whose actors both carry a code.

Records that expect no event (``noevents``, discards) give **false alarms**: kg events on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.evaluate.mapping import LabelMap, MappingError
from kg.evaluate.metrics import Accuracy, Score, match_one_to_one
from kg.evaluate.petrarch_codes import LEVELS, ActorCodes, KgActor, kg_actor
from kg.evaluate.petrarch_xml import GoldEvent, Record, Validation, load
from kg.evaluate.report import Report

NAME = "petrarch"
DATE_KEY = "kg_date"  # Doc.user_data: the article's date, ISO 8601, for components that date roles


@dataclass(frozen=True)
class KgEvent:
    """One kg relation as an event: its actors' codes, its CAMEO code and the words it rests on."""

    source: KgActor
    target: KgActor
    code: str
    predicate: str
    group: int  # the relation it came from: a symmetric relation gives two events of one group
    source_name: str = ""
    target_name: str = ""

    @property
    def root(self) -> str:
        return self.code[:2]

    def describe(self) -> str:
        return (
            f"{self.source_name} [{self.source.label()}] {self.predicate} "
            f"{self.target_name} [{self.target.label()}] {self.code}"
        )


def level_name(level: str) -> str:
    return "country+role" if level == "role" else level


def matching_levels(mapping: LabelMap) -> tuple[str, ...]:
    """``[actors] levels``, the headline first."""
    levels = tuple(mapping.extra.get("actors", {}).get("levels", LEVELS))
    if not levels or not set(levels) <= set(LEVELS):
        raise MappingError(f"petrarch mapping: [actors] levels must be some of {list(LEVELS)}, got {list(levels)}")
    return levels


def quad_table(mapping: LabelMap) -> dict[str, str]:
    """CAMEO root -> quad class, from ``[quad]``."""
    return {root: quad for quad, roots in mapping.extra.get("quad", {}).items() for root in roots}


def event_code(relation, catalogue, mapping: LabelMap) -> str | None:
    """The CAMEO code of a kg relation, or None when it is no event."""
    code = (relation.attrs or {}).get("cameo")
    if isinstance(code, str) and code.strip():
        return code.strip()
    try:
        code = catalogue.relation(relation.predicate).cameo
    except ValueError:
        code = None
    if code:
        return str(code)
    label = mapping.label(relation.predicate)
    return label[0] if label else None


def kg_events(graph, mapping: LabelMap, catalogue=None) -> list[KgEvent]:
    """The events among an :class:`~kg.model.ArticleGraph`'s relations."""
    if catalogue is None:
        from kg.schema import catalogue as _catalogue

        catalogue = _catalogue.load()
    skip_negated = bool(mapping.extra.get("events", {}).get("skip_negated", True))
    entities = {e.id: e for e in graph.entities}
    out: list[KgEvent] = []
    for group, r in enumerate(graph.relations):
        if skip_negated and r.negated:
            continue
        code = event_code(r, catalogue, mapping)
        s, o = entities.get(r.subject), entities.get(r.object)
        if code is None or s is None or o is None:
            continue
        a, b = kg_actor(s), kg_actor(o)
        out.append(KgEvent(a, b, code, r.predicate, group, s.name, o.name))
        rel = catalogue.relations.get(r.predicate) or catalogue.structural.get(r.predicate)
        if rel is not None and rel.symmetric:
            out.append(KgEvent(b, a, code, r.predicate, group, o.name, s.name))
    return out


@dataclass
class Match:
    gold: int
    pred: int
    directed: bool  # source is source, target is target


def match(gold: list[GoldEvent], preds: list[KgEvent], codes: ActorCodes, level: str) -> list[Match]:
    """One-to-one matches of gold events and kg events whose actors match at ``level``, best first:
    the right direction, then the right root, then the right code."""
    directed: dict[tuple[int, int], bool] = {}

    def score(gi: int, pi: int) -> float:
        g, p = gold[gi], preds[pi]
        straight = codes.matches(g.source, p.source, level) and codes.matches(g.target, p.target, level)
        swapped = not straight and codes.matches(g.source, p.target, level) and codes.matches(g.target, p.source, level)
        if not (straight or swapped):
            return 0.0
        directed[(gi, pi)] = straight
        return 1.0 + 0.5 * straight + 0.25 * (g.root == p.root) + 0.125 * (g.code == p.code)

    pairs = match_one_to_one(range(len(gold)), range(len(preds)), score, threshold=1.0)
    return [Match(gi, pi, directed[(gi, pi)]) for gi, pi, _ in pairs]


@dataclass
class Tally:
    """The counts behind one matching level's metrics."""

    dyad: Score
    event: Score
    direction: Accuracy
    root: Accuracy
    quad: Accuracy
    code: Accuracy

    @classmethod
    def new(cls) -> Tally:
        return cls(Score(), Score(), Accuracy(), Accuracy(), Accuracy(), Accuracy())


def tally(record: Record, preds: list[KgEvent], matches: list[Match], quads: dict[str, str], t: Tally) -> Score:
    """Add one record's matches to ``t``; its dyad score."""
    matched_groups = {preds[m.pred].group for m in matches}
    unmatched = len({p.group for p in preds} - matched_groups)
    dyad = Score(len(matches), unmatched, len(record.events) - len(matches))
    t.dyad.add(dyad)
    full = 0
    for m in matches:
        g, p = record.events[m.gold], preds[m.pred]
        t.direction.total += 1
        t.direction.correct += m.directed
        t.root.total += 1
        t.root.correct += g.root == p.root
        t.code.total += 1
        t.code.correct += g.code == p.code
        if g.root in quads and p.root in quads:
            t.quad.total += 1
            t.quad.correct += quads[g.root] == quads[p.root]
        full += m.directed and g.root == p.root
    t.event.add(Score(full, dyad.tp + dyad.fp - full, len(record.events) - full))
    return dyad


def _gold(e: GoldEvent) -> str:
    return f"{e.source} -> {e.target} {e.code}"


def _errors(record: Record, preds: list[KgEvent], matches: list[Match]) -> Iterator[dict[str, Any]]:
    """Misses, false alarms and wrong matches of one record, for ``kg eval --show``."""
    kg = "; ".join(p.describe() for p in preds) or "none"
    matched_g = {m.gold for m in matches}
    matched_groups = {preds[m.pred].group for m in matches}
    for i, e in enumerate(record.events):
        if i not in matched_g:
            yield {"kind": "miss", "doc": record.id, "gold": _gold(e), "kg": kg, "sentence": record.text}
    seen: set[int] = set()
    for p in preds:
        if p.group not in matched_groups and p.group not in seen:
            seen.add(p.group)
            kind = "false alarm" if not record.events else "fp"
            gold = "; ".join(_gold(e) for e in record.events) or record.expects
            yield {"kind": kind, "doc": record.id, "kg": p.describe(), "gold": gold, "sentence": record.text}
    for m in matches:
        g, p = record.events[m.gold], preds[m.pred]
        wrong = [w for w, bad in (("direction", not m.directed), ("root", g.root != p.root)) if bad]
        if wrong:
            yield {
                "kind": " + ".join(wrong),
                "doc": record.id,
                "gold": _gold(g),
                "kg": p.describe(),
                "sentence": record.text,
            }


def run(nlp, records: Iterable[Record], batch_size: int = 32) -> Iterator[tuple[Record, Any]]:
    """(record, ArticleGraph) for each record, its date on the Doc and the Article."""
    from kg.model import Article
    from kg.nlp.graph import doc_to_graph

    records = list(records)
    docs = []
    for r in records:
        doc = nlp.make_doc(r.text)
        if r.date:
            doc.user_data[DATE_KEY] = r.date
        docs.append(doc)
    for r, doc in zip(records, nlp.pipe(docs, batch_size=batch_size), strict=True):
        yield r, doc_to_graph(doc, Article(id=r.id, text=r.text, date=r.date))


def score(pairs: Iterable[tuple[Record, Any]], mapping: LabelMap, report: Report, catalogue=None) -> dict[str, Tally]:
    """Score (record, ArticleGraph) pairs into ``report`` (its metrics, errors and notes)."""
    codes = ActorCodes.of(mapping.extra.get("actors", {}))
    levels = matching_levels(mapping)
    quads = quad_table(mapping)
    tallies = {level: Tally.new() for level in levels}
    coded_only = Tally.new()
    by_category: dict[str, Score] = {}
    alarms, quiet, events, coded = 0, Accuracy(), 0, 0
    for record, graph in pairs:
        report.documents += 1
        preds = kg_events(graph, mapping, catalogue)
        groups = {p.group for p in preds}
        events += len(groups)
        coded += len({p.group for p in preds if p.source.coded and p.target.coded})
        if not record.events:
            alarms += len(groups)
            quiet.total += 1
            quiet.correct += not groups
        for n, level in enumerate(levels):
            ms = match(record.events, preds, codes, level)
            dyad = tally(record, preds, ms, quads, tallies[level])
            if n == 0:
                by_category.setdefault(record.category or "-", Score()).add(dyad)
                report.errors.extend(_errors(record, preds, ms))
                known = [p for p in preds if p.source.coded and p.target.coded]
                tally(record, known, match(record.events, known, codes, level), quads, coded_only)
    for level in levels:
        t, name = tallies[level], level_name(level)
        report.add(f"dyad {name}", t.dyad)
        report.add(f"event {name} (dyad+direction+root)", t.event)
        report.add(f"direction accuracy {name}", t.direction)
        report.add(f"root accuracy {name}", t.root)
        report.add(f"quad-class accuracy {name}", t.quad)
        report.add(f"code accuracy {name}", t.code)
    report.add(f"dyad {level_name(levels[0])}, kg events of coded actors only", coded_only.dyad)
    report.add("false alarms (kg events on no-event records)", Score(fp=alarms))
    report.add("no-event records left uncoded", quiet)
    if len(by_category) > 1:
        for cat, s in sorted(by_category.items()):
            report.add(f"dyad {level_name(levels[0])} [{cat}]", s)
    report.notes.append(f"kg events: {events}, of which {coded} have a country or role on both actors")
    return tallies


def _describe_skips(v: Validation) -> list[str]:
    notes = [f"records scored: {len(v.records)}; left out: {len(v.skipped)}"]
    reasons = Counter(s.reason for s in v.skipped)
    for reason, n in reasons.most_common():
        ids = ", ".join(s.id for s in v.skipped if s.reason == reason)
        notes.append(f"left out ({n}): {reason}: {ids}")
    if v.stopped_at:
        notes.append(f"read up to the <Stop> record at line {v.stopped_at}")
    return notes


def evaluate(path: str | Path, nlp, mapping: LabelMap, limit: int | None = None, batch_size: int = 32) -> Report:
    v = load(path, limit)
    levels = matching_levels(mapping)
    report = Report(NAME, str(path), limit=limit, headline=f"dyad {level_name(levels[0])}")
    score(run(nlp, v.records, batch_size), mapping, report)
    report.notes += _describe_skips(v)
    actors = v.environment.get("Actorfile", "")
    kg_meta = (getattr(nlp, "meta", None) or {}).get("kg", {})
    if kg_meta.get("dictionaries"):
        report.notes.append(f"dictionaries: {kg_meta['dictionaries']}")
        for key in kg_meta.get("overrides_missing", []):
            report.notes.append(f"not applied (the pipeline has no such component or setting): {key}")
    elif actors and not actors.startswith("Phoenix"):
        report.notes.append(
            f"this file is coded with its own dictionaries ({actors}, ...): run with --dictionaries "
            f"{Path(path).resolve().parent}"
        )
    report.notes.append(
        "matching: actors by country (or organisation) code, then also by role; events by CAMEO root; "
        "symmetric relations in both directions; negated relations are not events"
    )
    return report.done()
