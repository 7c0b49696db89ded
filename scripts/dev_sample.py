#!/usr/bin/env python
"""Score kg's current output against the hand-judged BBC development sample (tests/data/bbc_dev_sample).

    scripts/dev_sample.py                    # run kg on the sampled articles, print precision and recall
    scripts/dev_sample.py --graphs G.jsonl   # score graphs from `kg extract` instead
    scripts/dev_sample.py --json             # the same figures as JSON
    scripts/dev_sample.py --show [KIND]      # judged items with their sentences
    scripts/dev_sample.py --unjudged         # current outputs in the sampled articles with no judgment yet

An output matches a judged item when it comes from the same article, its evidence span overlaps the judged
item's sentence and its key (normalised names, relation, modality; office, owners and qualifiers of a
position; speaker and span of a quote; name and type of an actor) is the same. The sample stores offsets and
names only: sentences are read from the BBC files under --data.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "bbc_dev_sample"
DATA = Path(os.environ.get("KG_SHARED_DATA", ROOT.parent / "shared" / "data")) / "external" / "bbc"
KINDS = ("relations", "positions", "quotes", "actors")
TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "baroness", "dame", "prof", "professor", "rev"}
QUOTE_SLACK = 2  # characters a quote's ends may move (a stray mark or space) and keep their judgment


# ----------------------------------------------------------------------------- keys


def norm(name: str | None) -> str:
    """A name compared case-, space- and apostrophe-insensitively."""
    if name is None:
        return ""
    return " ".join(name.replace("\u2019", "'").lower().split())


def file_key(source: str) -> str:
    """``politics/012.txt`` from an Article.source path."""
    p = Path(source)
    return f"{p.parent.name}/{p.name}"


@lru_cache(maxsize=1)
def _catalogue():
    from kg.schema.catalogue import load

    return load()


def interaction_types() -> frozenset[str]:
    """Relations that are events or stances between actors: those with a CAMEO code or marked as a stance."""
    return frozenset(n for n, r in _catalogue().relations.items() if r.cameo or r.stance)


def _symmetric(pred: str) -> bool:
    r = _catalogue().relations.get(pred)
    return bool(r and r.symmetric)


def _name(names: dict, eid: str | None) -> str | None:
    return names[eid]["name"] if eid in names else eid


def _type(names: dict, eid: str | None) -> str | None:
    return names[eid]["type"] if eid in names else None


def _qualifiers(attrs: dict) -> dict:
    """A relation's attributes that change what it says (not the trigger word, the date, or a holding's
    status when it is the default, current)."""
    return {
        k: v
        for k, v in sorted(attrs.items())
        if k not in ("trigger", "date", "date_text") and (k, v) != ("status", "current")
    }


def relation_key(r: dict, names: dict) -> dict:
    return {
        "subject": _name(names, r["subject"]),
        "subject_type": _type(names, r["subject"]),
        "relation": r["predicate"],
        "object": _name(names, r["object"]),
        "object_type": _type(names, r["object"]),
        "modality": r["modality"],
        "negated": r["negated"],
        "qualifiers": _qualifiers(r.get("attrs") or {}),
    }


def position_key(r: dict, relations: list[dict], names: dict) -> dict:
    """A holds_position with the owners (office_of) of the same office and the person's member_of objects that
    kg gave in the same sentence."""
    sent = r["evidence"]["sentence"]
    owners = sorted(
        {
            _name(names, o["object"])
            for o in relations
            if o["predicate"] == "office_of" and o["subject"] == r["object"] and o["evidence"]["sentence"] == sent
        }
    )
    parties = sorted(
        {
            _name(names, o["object"])
            for o in relations
            if o["predicate"] == "member_of" and o["subject"] == r["subject"] and o["evidence"]["sentence"] == sent
        }
    )
    office = names.get(r["object"]) or {}
    return {
        "person": _name(names, r["subject"]),
        "office": _name(names, r["object"]),
        "title": (office.get("attrs") or {}).get("title"),  # a post's bare title ("Chairman")
        "of": owners,
        "member_of": parties,
        "modality": r["modality"],
        "negated": r["negated"],
        "qualifiers": _qualifiers(r.get("attrs") or {}),
    }


def quote_key(q: dict, names: dict) -> dict:
    return {"kind": q["kind"], "cue": q["cue"], "speaker": _name(names, q["speaker"])}


def actor_key(e: dict) -> dict:
    return {"name": e["name"], "type": e["type"]}


def match_key(kind: str, it: dict) -> tuple:
    if kind == "relations":
        s, o = norm(it["subject"]), norm(it["object"])
        if _symmetric(it["relation"]):
            s, o = sorted((s, o))
        return (s, it["relation"], o, it["modality"], it["negated"], json.dumps(it.get("qualifiers") or {}))
    if kind == "positions":
        return (
            norm(it["person"]),
            norm(it["office"]),
            tuple(norm(o) for o in it["of"]),
            tuple(norm(o) for o in it["member_of"]),
            it["modality"],
            it["negated"],
            json.dumps(it.get("qualifiers") or {}),
        )
    if kind == "quotes":
        return (norm(it["speaker"]), it["kind"])
    return (norm(it["name"]), it["type"])


# ----------------------------------------------------------------------------- data


def read_jsonl(path: Path) -> list[dict]:
    """The items of a judgments file; none when the sample has no file of that kind."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path, items: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(it, ensure_ascii=False) + "\n" for it in items)


def load_sample(folder: Path = SAMPLE) -> dict[str, list[dict]]:
    out = {k: read_jsonl(folder / f"{k}.jsonl") for k in KINDS}
    out["recall"] = read_jsonl(folder / "recall.jsonl")
    return out


def article_text(data: Path, file: str) -> str:
    """Article.text as kg's reader gives it for a BBC file (offsets index into this)."""
    from kg.readers import read_text

    (article,) = read_text(data / file)
    return article.text


def run_kg(data: Path, files: list[str]) -> list[dict]:
    from kg.build.flow import extract
    from kg.nlp import load_pipeline
    from kg.readers import read

    return [g.to_dict() for g in extract(read([str(data / f) for f in files]), load_pipeline())]


def current_items(graphs: list[dict], files: set[str]) -> dict[str, list[dict]]:
    """kg's outputs in the sampled articles, in the sample's item form (evidence sentence kept for display)."""
    out: dict[str, list[dict]] = defaultdict(list)
    for g in graphs:
        file = file_key(g["article"]["source"] or "")
        if file not in files:
            continue
        names = {e["id"]: e for e in g["entities"]}
        out["aliases"].append({"file": file, "names": {e["name"]: list(e["aliases"]) for e in g["entities"]}})
        for r in g["relations"]:
            ev = r["evidence"]
            base = {"file": file, "start": ev["start"], "end": ev["end"], "sentence": ev["sentence"]}
            out["relations"].append({**base, **relation_key(r, names)})
            if r["predicate"] == "holds_position":
                out["positions"].append({**base, **position_key(r, g["relations"], names)})
        for q in g["quotes"]:
            ev = q["evidence"]
            out["quotes"].append(
                {
                    "file": file,
                    "start": ev["start"],
                    "end": ev["end"],
                    "sentence": ev["sentence"],
                    **quote_key(q, names),
                }
            )
        firsts: dict[str, dict] = {}
        for m in g["mentions"]:
            firsts.setdefault(m["entity_id"], m)
        for e in g["entities"]:
            m = firsts.get(e["id"], {"start": 0, "end": 0, "text": ""})
            out["actors"].append(
                {"file": file, "start": m["start"], "end": m["end"], "sentence": m["text"], **actor_key(e)}
            )
    return out


# ----------------------------------------------------------------------------- matching


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _same_place(kind: str, cur: dict, judged: dict) -> bool:
    if kind == "actors":
        return True
    if kind == "quotes":
        return abs(cur["start"] - judged["start"]) <= QUOTE_SLACK and abs(cur["end"] - judged["end"]) <= QUOTE_SLACK
    return _overlaps(cur["start"], cur["end"], judged["sent_start"], judged["sent_end"])


def match(kind: str, current: list[dict], judged: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict]]:
    """(current output, its judgment) pairs, and the current outputs with no judgment; a judgment is used once."""
    index: dict[tuple, list[dict]] = defaultdict(list)
    for j in judged:
        index[(j["file"], match_key(kind, j))].append(j)
    used: set[str] = set()
    pairs, unjudged = [], []
    for cur in current:
        cands = [
            j
            for j in index.get((cur["file"], match_key(kind, cur)), [])
            if j["id"] not in used and _same_place(kind, cur, j)
        ]
        if cands:
            used.add(cands[0]["id"])
            pairs.append((cur, cands[0]))
        else:
            unjudged.append(cur)
    return pairs, unjudged


# ----------------------------------------------------------------------------- figures


def wilson(k: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score 95% interval of a proportion k/n."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def figure(k: int, n: int) -> dict:
    lo, hi = wilson(k, n)
    return {"k": k, "n": n, "p": round(k / n, 4) if n else None, "ci95": [round(lo, 4), round(hi, 4)]}


def precision(judgments: list[str]) -> dict:
    """Strict (only correct) and lenient (correct or incomplete) precision; "n/a" items are left out."""
    judgments = [j for j in judgments if j != "n/a"]
    n = len(judgments)
    c = Counter(judgments)
    return {"strict": figure(c["correct"], n), "lenient": figure(c["correct"] + c["incomplete"], n)}


def failures(items: list[dict], *fields: str) -> dict[str, int]:
    return dict(Counter(it[f] for it in items for f in fields if it.get(f)).most_common())


def scores(sample: dict, current: dict) -> dict:
    matched = {k: match(k, current.get(k, []), sample[k]) for k in KINDS}
    judged = {k: [j for _, j in matched[k][0]] for k in KINDS}
    inter = interaction_types()
    rel = judged["relations"]
    acts = [j["judgment"] for j in judged["actors"]]
    out = {
        "relations": precision([j["judgment"] for j in rel]),
        "relations_interaction": precision([j["judgment"] for j in rel if j["relation"] in inter]),
        "relations_other": precision([j["judgment"] for j in rel if j["relation"] not in inter]),
        "positions": precision([j["judgment"] for j in judged["positions"]]),
        "quote_speaker": precision([j["speaker_judgment"] for j in judged["quotes"]]),
        "quote_span": precision([j["span_judgment"] for j in judged["quotes"]]),
        "actors": {t: figure(acts.count(t), len(acts)) for t in ("right-type", "wrong-type", "junk", "split")},
        "failures": {
            "relations": failures(rel, "failure"),
            "positions": failures(judged["positions"], "failure"),
            "quotes": failures(judged["quotes"], "speaker_failure", "span_failure"),
            "actors": dict(Counter(a for a in acts if a != "right-type").most_common()),
        },
        "matched": {k: len(judged[k]) for k in KINDS},
        "judged": {k: len(sample[k]) for k in KINDS},
        "unjudged": {k: len(matched[k][1]) for k in KINDS},
        "recall": recall(sample["recall"], current),
    }
    return out


# ----------------------------------------------------------------------------- recall


def _bare(name: str | None) -> str:
    words = [w for w in norm(name).strip(" .'\"").split() if w.rstrip(".") not in TITLES]
    if words and words[0] == "the":
        words = words[1:]
    if len(words) > 1 and words[-1] == "party":
        words = words[:-1]
    return " ".join(words)


# Short forms a British news reader takes for the same actor (after _bare: lower case, no "the"/"party").
SAME_NAMES = {
    "conservative": {"conservatives", "tories", "tory"},
    "liberal democrats": {"lib dems", "lib dem", "liberal democrat"},
    "labour": {"new labour"},
    "european union": {"eu"},
    "uk government": {"government"},
    "house of lords": {"lords"},
}


def same_actor(gold: str, name: str | None, aliases: tuple[str, ...] = (), surname: bool = True) -> bool:
    """A kg node names the gold actor: the same name without titles, an alias, a short form from
    SAME_NAMES, or (with ``surname``, for people) a surname-only node."""
    g = _bare(gold)
    got = {_bare(name), *(_bare(a) for a in aliases)}
    return (
        g in got
        or bool(got & SAME_NAMES.get(g, set()))
        or (surname and any(n and " " not in n and g.split()[-1:] == [n] for n in got))
    )


def recall(gold: list[dict], current: dict) -> dict:
    """Share of the fully annotated articles' facts that kg outputs (lenient: a position without its
    qualifiers, a quote whatever its speaker)."""
    by_kind: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for g in gold:
        by_kind[g["kind"]].append(_found(g, current))
    out = {}
    for kind, hits in sorted(by_kind.items()):
        out[kind] = {
            "strict": figure(sum(s for s, _ in hits), len(hits)),
            "lenient": figure(sum(lenient for _, lenient in hits), len(hits)),
        }
    allhits = [h for hs in by_kind.values() for h in hs]
    out["all"] = {
        "strict": figure(sum(s for s, _ in allhits), len(allhits)),
        "lenient": figure(sum(lenient for _, lenient in allhits), len(allhits)),
    }
    return out


def _found(g: dict, current: dict) -> tuple[bool, bool]:
    aliases = {n: tuple(a) for x in current.get("aliases", []) if x["file"] == g["file"] for n, a in x["names"].items()}

    def same(gold: str, name: str | None, surname: bool = True) -> bool:
        return same_actor(gold, name, aliases.get(name, ()), surname)

    def here(it: dict) -> bool:
        return it["file"] == g["file"] and _overlaps(it["start"], it["end"], g["start"], g["end"])

    if g["kind"] == "quote":
        qs = [q for q in current.get("quotes", []) if here(q)]
        return any(same(g["speaker"], q["speaker"]) for q in qs), bool(qs)
    if g["kind"] == "position":
        ps = [p for p in current.get("positions", []) if here(p) and same(g["subject"], p["person"])]
        wanted = (norm(g["office"]), norm(g.get("office_core") or g["office"]))

        def titles(p: dict) -> set:  # a post is its title with the owner it names
            return {norm(p["office"]), norm(p.get("title") or p["office"])}

        def owners(p: dict) -> list:
            named = p["office"].split(" of ", 1)[1].removeprefix("the ") if " of " in p["office"] else None
            return [*p["of"], *p["member_of"], *([named] if named else [])]

        core = [p for p in ps if titles(p) & set(wanted)]
        strict = [
            p
            for p in core
            if norm(g["office"]) in titles(p)
            and all(any(same(o, x, False) for x in owners(p)) for o in g.get("of", []))
            and (g.get("status", "current") == "current" or g["status"] in json.dumps(p["qualifiers"]))
        ]
        return bool(strict), bool(core)
    sym = _symmetric(g["relation"])
    hit = False
    for r in current.get("relations", []):
        if r["relation"] != g["relation"] or not here(r):
            continue
        pairs = [(r["subject"], r["object"])] + ([(r["object"], r["subject"])] if sym else [])
        hit = hit or any(same(g["subject"], s) and same(g["object"], o) for s, o in pairs)
    return hit, hit


# ----------------------------------------------------------------------------- output


def _pct(f: dict) -> str:
    if not f["n"]:
        return "   -    (n=0)"
    lo, hi = f["ci95"]
    return f"{100 * f['p']:5.1f}% [{100 * lo:4.1f}-{100 * hi:4.1f}] ({f['k']}/{f['n']})"


def report(s: dict) -> str:
    lines = ["precision             strict                       lenient (incomplete counts as right)"]
    for key, label in (
        ("relations", "relations (as drawn)"),
        ("relations_interaction", "  interaction/stance"),
        ("relations_other", "  other types"),
        ("positions", "positions"),
        ("quote_speaker", "quote speaker"),
        ("quote_span", "quote span"),
    ):
        lines.append(f"{label:22}{_pct(s[key]['strict']):29}{_pct(s[key]['lenient'])}")
    lines.append("actors                " + "  ".join(f"{t} {_pct(f)}" for t, f in s["actors"].items()))
    lines.append("recall (fully annotated articles)")
    for kind, f in s["recall"].items():
        lines.append(f"  {kind:20}{_pct(f['strict']):29}{_pct(f['lenient'])}")
    lines.append("judged items still produced: " + ", ".join(f"{k} {s['matched'][k]}/{s['judged'][k]}" for k in KINDS))
    lines.append(
        "outputs without a judgment:  "
        + ", ".join(f"{k} {s['unjudged'][k]}" for k in KINDS)
        + "  (--unjudged lists them)"
    )
    for kind, f in s["failures"].items():
        if f:
            lines.append(f"failures {kind}: " + ", ".join(f"{c} {n}" for c, n in f.items()))
    return "\n".join(lines)


def _describe(kind: str, it: dict) -> str:
    if kind == "relations":
        mod = "" if it["modality"] == "asserted" else f" [{it['modality']}]"
        return f"{it['subject']} --{it['relation']}--> {it['object']}{mod}{' NOT' if it['negated'] else ''}"
    if kind == "positions":
        of = f" of {', '.join(it['of'])}" if it["of"] else ""
        of += f" (member of {', '.join(it['member_of'])})" if it["member_of"] else ""
        return f"{it['person']} holds {it['office']}{of} {it.get('qualifiers') or ''}".rstrip()
    if kind == "quotes":
        return f"{it['kind']} quote, speaker {it['speaker']}, cue {it['cue']}"
    return f"{it['name']} ({it['type']})"


def show(sample: dict, data: Path, kinds: list[str]) -> None:
    texts: dict[str, str] = {}
    for kind in kinds:
        for it in sample[kind]:
            text = texts.setdefault(it["file"], article_text(data, it["file"]))
            verdict = (
                f"speaker {it['speaker_judgment']}/{it['speaker_failure'] or '-'}, "
                f"span {it['span_judgment']}/{it['span_failure'] or '-'}"
                if kind == "quotes"
                else f"{it['judgment']}/{it.get('failure') or it.get('right_type') or '-'}"
            )
            print(f"{it['id']} {it['file']} {_describe(kind, it)}\n    => {verdict}: {it.get('note') or ''}")
            if kind == "quotes":
                print(f"    quote: {text[it['start'] : it['end']]!r}")
            if "sent_start" in it:
                print(f"    {' '.join(text[it['sent_start'] : it['sent_end']].split())}")
            else:
                print(f"    mention: {text[it['start'] : it['end']]!r}")


def unjudged(sample: dict, current: dict) -> None:
    for kind in KINDS:
        _, rest = match(kind, current.get(kind, []), sample[kind])
        for it in rest:
            print(f"[{kind}] {it['file']} {it['start']}-{it['end']} {_describe(kind, it)}\n    {it['sentence']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data", type=Path, default=DATA, help="the BBC folder (politics/, business/); default %(default)s"
    )
    ap.add_argument("--sample", type=Path, default=SAMPLE, help="the judgments folder")
    ap.add_argument("--graphs", nargs="+", help="kg extract output to score instead of running kg")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--show", nargs="?", const="all", choices=[*KINDS, "all"], help="print judged items with sentences")
    ap.add_argument("--unjudged", action="store_true", help="list current outputs with no judgment")
    a = ap.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends the listing quietly
    if not (a.data / "politics").is_dir():
        sys.exit(
            f"dev_sample: BBC data not found at {a.data} (expected politics/ and business/ there; "
            "pass --data or set KG_SHARED_DATA to the shared/data folder)"
        )
    sample = load_sample(a.sample)
    if a.show:
        show(sample, a.data, list(KINDS) if a.show == "all" else [a.show])
        return 0
    files = sorted({it["file"] for k in (*KINDS, "recall") for it in sample[k]})
    graphs = [g for p in a.graphs for g in read_jsonl(Path(p))] if a.graphs else run_kg(a.data, files)
    current = current_items(graphs, set(files))
    if a.unjudged:
        unjudged(sample, current)
        return 0
    s = scores(sample, current)
    print(json.dumps(s, indent=2) if a.json else report(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
