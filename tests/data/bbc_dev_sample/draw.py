"""Draw the development sample from ``kg extract`` output: relations, quotes, positions and actors.

    python tests/data/bbc_dev_sample/draw.py GRAPHS.jsonl... --seed 2005 --out DIR
    python tests/data/bbc_dev_sample/draw.py GRAPHS.jsonl... --part positions --seed 4040 --out DIR

``--part`` draws one of the later samples' two parts with its sizes (:data:`PARTS`): positions and
quotes, or relations and actors.

Writes relations.jsonl, quotes.jsonl, positions.jsonl and actors.jsonl into DIR with every item's key and
character offsets and empty judgments; no text of the articles is written.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import dev_sample as ds

SIZES = {"interaction": 100, "other": 100, "quotes_direct": 40, "quotes_reported": 40, "positions": 60, "actors": 150}
# the later samples (v3 on) draw in two parts, each with its own seed
_NONE = dict.fromkeys(SIZES, 0)
PARTS = {
    "positions": {**_NONE, "quotes_direct": 30, "quotes_reported": 30, "positions": 60},
    "relations": {**_NONE, "interaction": 60, "other": 40, "actors": 60},
}


def sentence_span(text: str, sentence: str, start: int, end: int) -> tuple[int, int]:
    """Where Evidence.sentence (whitespace-normalised) lies in the article text, the match holding [start, end)."""
    pattern = r"\s+".join(re.escape(w) for w in sentence.split())
    spans = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    for s, e in spans:
        if s <= start and end <= e:
            return s, e
    return spans[0] if spans else (start, end)


def load(paths: list[str]) -> list[dict]:
    graphs = []
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            graphs += [json.loads(line) for line in fh if line.strip()]
    return graphs


def pools(graphs: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {k: [] for k in ("interaction", "other", "positions", "direct", "reported", "actors")}
    for g in graphs:
        file = ds.file_key(g["article"]["source"])
        text = g["article"]["text"]
        names = {e["id"]: e for e in g["entities"]}
        for r in g["relations"]:
            ev = r["evidence"]
            s, e = sentence_span(text, ev["sentence"], ev["start"], ev["end"])
            item = {"file": file, "start": ev["start"], "end": ev["end"], "sent_start": s, "sent_end": e,
                    **ds.relation_key(r, names)}
            if r["predicate"] == "holds_position":
                out["positions"].append({"file": file, "start": ev["start"], "end": ev["end"], "sent_start": s,
                                         "sent_end": e, **ds.position_key(r, g["relations"], names)})
            out["interaction" if r["predicate"] in ds.interaction_types() else "other"].append(item)
        for q in g["quotes"]:
            ev = q["evidence"]
            s, e = sentence_span(text, ev["sentence"], ev["start"], ev["end"])
            out[q["kind"]].append({"file": file, "start": ev["start"], "end": ev["end"], "sent_start": s,
                                   "sent_end": e, **ds.quote_key(q, names)})
        firsts: dict[str, dict] = {}
        for m in g["mentions"]:
            if m["entity_id"] not in firsts:
                firsts[m["entity_id"]] = m
        for ent in g["entities"]:
            m = firsts.get(ent["id"])
            out["actors"].append({"file": file, "start": m["start"] if m else 0, "end": m["end"] if m else 0,
                                  **ds.actor_key(ent)})
    return out


def draw(graphs: list[dict], seed: int) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    p = pools(graphs)
    for items in p.values():
        items.sort(key=lambda it: json.dumps(it, sort_keys=True))
    rel = [{"stratum": "interaction", **it} for it in rng.sample(p["interaction"], SIZES["interaction"])]
    rel += [{"stratum": "other", **it} for it in rng.sample(p["other"], SIZES["other"])]
    drawn = {(it["file"], it["start"], it["subject"], it["object"]) for it in rel if it["relation"] == "holds_position"}
    free = [it for it in p["positions"] if (it["file"], it["start"], it["person"], it["office"]) not in drawn]
    positions = rng.sample(free, SIZES["positions"])
    quotes = rng.sample(p["direct"], SIZES["quotes_direct"]) + rng.sample(p["reported"], SIZES["quotes_reported"])
    actors = rng.sample(p["actors"], SIZES["actors"])

    def number(prefix, items, blank):
        return [{"id": f"{prefix}{i:03d}", **it, **blank} for i, it in enumerate(items, 1)]

    judged = {"judgment": None, "failure": None, "note": None}
    return {
        "relations": number("rel", rel, judged),
        "positions": number("pos", positions, judged),
        "quotes": number("quo", quotes, {"speaker_judgment": None, "speaker_failure": None, "span_judgment": None,
                                         "span_failure": None, "note": None}),
        "actors": number("act", actors, {"judgment": None, "right_type": None, "note": None}),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graphs", nargs="+")
    ap.add_argument("--seed", type=int, default=2005)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--part", choices=sorted(PARTS), help="draw one part of a later sample, with its sizes")
    a = ap.parse_args()
    if a.part:
        SIZES.update(PARTS[a.part])
    a.out.mkdir(parents=True, exist_ok=True)
    for name, items in draw(load(a.graphs), a.seed).items():
        ds.write_jsonl(a.out / f"{name}.jsonl", items)
        print(f"{name}: {len(items)}")


if __name__ == "__main__":
    main()
