"""The fast genre model: character n-gram TF-IDF + structural cues → multinomial logistic regression,
calibrated by temperature scaling fitted on out-of-fold logits.

Inference is plain numpy over arrays saved in one .npz (no pickle, so loading a model file cannot run
code), which keeps a call well under a millisecond for a 2,000-character page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.genre.features import CUE_LABELS, STRUCT_NAMES, cue_scan
from nlp.genre.ngrams import Vocabulary, decode
from nlp.genre.text import model_text, to_simplified

FORMAT = 1


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class FastModel:
    labels: tuple[str, ...]
    vocab: Vocabulary
    w_ngram: np.ndarray  # (classes, vocab)
    w_struct: np.ndarray  # (classes, struct features), applied to cue_vector * struct_scale
    bias: np.ndarray  # (classes,)
    struct_scale: float = 1.0
    temperature: float = 1.0
    name: str = "genre-fast"
    meta: dict | None = None

    # --- inference -------------------------------------------------------------------------------
    def features(self, title: str | None, body: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n-gram indices, tf-idf values, scaled cue vector); title and body already simplified."""
        idx, val = self.vocab.transform_one(model_text(title, body))
        return idx, val, cue_scan(title, body)[0] * self.struct_scale

    def analyse(self, title: str | None, body: str) -> dict:
        """Features, the n-gram weight columns they touch (reused by `explain_from`) and the logits."""
        idx, val = self.vocab.transform_one(model_text(title, body))
        cues, spans = cue_scan(title, body)
        st = cues * self.struct_scale
        wi = self.w_ngram[:, idx]
        logits = wi @ val + self.w_struct @ st + self.bias
        return {"idx": idx, "val": val, "st": st, "wi": wi, "logits": logits, "spans": spans}

    def proba_from(self, a: dict) -> np.ndarray:
        return softmax(a["logits"] / self.temperature)

    def logits(self, title: str | None, body: str) -> np.ndarray:
        return self.analyse(to_simplified(title or ""), to_simplified(body))["logits"]

    def proba(self, title: str | None, body: str) -> np.ndarray:
        """Calibrated class probabilities in `labels` order."""
        return softmax(self.logits(title, body) / self.temperature)

    def explain(self, title: str | None, body: str, label: str, k: int = 6) -> list[tuple[str, str, float]]:
        return self.explain_from(self.analyse(to_simplified(title or ""), to_simplified(body)), label, k)

    def explain_from(self, a: dict, label: str, k: int = 6) -> list[tuple[str, str, float]]:
        """Top contributions toward `label` relative to the mean of the other classes:
        (kind, feature, weight) with kind 'cue' or 'ngram'."""
        c = self.labels.index(label)
        n = len(self.labels)
        out: list[tuple[str, str, float]] = []
        idx, val, st, wi = a["idx"], a["val"], a["st"], a["wi"]
        if idx.size:
            rel = (wi[c] * n - wi.sum(axis=0)) / (n - 1)  # w[c] - mean(w[others])
            contrib = rel * val
            top = np.argpartition(-contrib, min(k, contrib.size - 1))[:k] if contrib.size > k else np.arange(contrib.size)
            for j in top:
                if contrib[j] > 0:
                    out.append(("ngram", decode(self.vocab.keys[idx[j]]), float(contrib[j])))
        ws = self.w_struct
        sc = ((ws[c] * n - ws.sum(axis=0)) / (n - 1)) * st
        for j in np.argsort(-sc)[:k]:
            if sc[j] > 0:
                out.append(("cue", STRUCT_NAMES[j], float(sc[j])))
        out.sort(key=lambda t: -t[2])
        return out[:k]

    # --- persistence -----------------------------------------------------------------------------
    def save(self, folder: Path, stem: str = "fast") -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        npz = folder / f"{stem}.npz"
        np.savez_compressed(
            npz, keys=self.vocab.keys, idf=self.vocab.idf, w_ngram=self.w_ngram.astype(np.float32),
            w_struct=self.w_struct.astype(np.float32), bias=self.bias.astype(np.float32),
        )
        meta = dict(self.meta or {}, format=FORMAT, labels=list(self.labels), struct_names=list(STRUCT_NAMES),
                    struct_scale=self.struct_scale, temperature=self.temperature, name=self.name)
        js = folder / f"{stem}.json"
        js.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return [npz, js]

    @classmethod
    def load(cls, folder: Path, stem: str = "fast") -> "FastModel":
        js, npz = folder / f"{stem}.json", folder / f"{stem}.npz"
        if not js.exists() or not npz.exists():
            raise FileNotFoundError(f"{npz} / {js} missing: run `govlint train genre` to build the genre model")
        meta = json.loads(js.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("struct_names") != list(STRUCT_NAMES):
            raise ValueError(f"{js} was built by another version of nlp.genre (its cue list differs); "
                             "re-run `govlint train genre`")
        with np.load(npz, allow_pickle=False) as z:
            vocab = Vocabulary(z["keys"], z["idf"])
            return cls(labels=tuple(meta["labels"]), vocab=vocab, w_ngram=z["w_ngram"], w_struct=z["w_struct"],
                       bias=z["bias"], struct_scale=float(meta["struct_scale"]),
                       temperature=float(meta["temperature"]), name=meta.get("name", "genre-fast"), meta=meta)


def cue_label(name: str) -> str:
    return CUE_LABELS.get(name, name)
