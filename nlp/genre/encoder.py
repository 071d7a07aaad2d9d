"""The accurate genre model: e5-small-zh fine-tuned (mean-pooled head + tail of the page → linear head),
dynamically quantized to int8 for CPU. Optional: loaded only when models/genre/encoder/ exists, and used by
the cascade for pages the fast model is unsure about.

Why head + tail: the genre shows in the lead (news lead, addressee line, 解读 intro) and the end (落款,
reporter byline); 256 tokens of head+tail cover both at a fraction of the cost of chunking.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from nlp.genre.text import clean, dedupe_paragraphs

CHARS_PER_TOKEN = 1.25  # Chinese text: ~200 tokens per 256 characters with the e5 tokenizer
HEAD_SHARE = 0.72  # of the character budget; the rest is the tail (落款, byline)
PREFIX = "passage: "


def encoder_text(title: str | None, body: str, max_len: int = 256) -> str:
    budget = int(max_len * CHARS_PER_TOKEN)
    head = int(budget * HEAD_SHARE)
    tail = budget - head
    body = clean(dedupe_paragraphs(body)).replace("\n", " ")
    title = clean(title or "")
    if title:
        head = max(20, head - len(title))
    if len(body) > head + tail:
        body = body[:head] + " … " + body[-tail:]
    return PREFIX + (f"{title}。{body}" if title else body)


def build(base_dir: Path, n_labels: int):
    """The network: a BERT encoder from `base_dir` + mean pooling + a linear head."""
    import torch
    from torch import nn
    from transformers import AutoConfig, AutoModel

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            cfg = AutoConfig.from_pretrained(base_dir, local_files_only=True)
            self.bert = AutoModel.from_config(cfg)
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(cfg.hidden_size, n_labels)

        def forward(self, input_ids, attention_mask):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    torch.manual_seed(0)
    return Net()


class EncoderModel:
    """int8 fine-tuned encoder; `proba(title, body)` mirrors FastModel.proba."""

    def __init__(self, net, tokenizer, labels: tuple[str, ...], max_len: int, temperature: float, name: str) -> None:
        self.net, self.tok, self.labels = net, tokenizer, labels
        self.max_len, self.temperature, self.name = max_len, temperature, name

    def proba_batch(self, items: list[tuple[str | None, str]]) -> np.ndarray:
        import torch

        enc = self.tok([encoder_text(t, b, self.max_len) for t, b in items], truncation=True, max_length=self.max_len,
                       padding=True, return_tensors="pt")
        with torch.inference_mode():
            logits = self.net(enc["input_ids"], enc["attention_mask"]).float().numpy()
        z = logits / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def proba(self, title: str | None, body: str) -> np.ndarray:
        return self.proba_batch([(title, body)])[0]

    @classmethod
    def load(cls, folder: Path) -> "EncoderModel":
        import torch
        from transformers import AutoTokenizer

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        meta = json.loads((folder / "encoder.json").read_text(encoding="utf-8"))
        torch.set_num_threads(min(2, torch.get_num_threads()))
        net = build(folder, len(meta["labels"]))
        net = torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
        net.load_state_dict(torch.load(folder / "model_int8.pt", map_location="cpu", weights_only=False))
        net.eval()
        tok = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        return cls(net, tok, tuple(meta["labels"]), int(meta["max_len"]), float(meta.get("temperature", 1.0)),
                   meta.get("name", "genre-e5"))
