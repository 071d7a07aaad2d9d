"""Fine-tune e5-small-zh for the genre task on one split, evaluate it and the cascade on the held-out side.

    nice -n 10 .venv/bin/python -m training.genre_encoder --split source --epochs 3
    nice -n 10 .venv/bin/python -m training.genre_encoder --split all --save models/genre/encoder   # ship

Writes the held-out figures into models/genre/encoder_evaluation.json (keyed by split) so the model card and
`govlint evaluate genre` report them; the weights are saved only with --save (int8, ~45 MB: commit them only
when they beat the fast model on held-out data, models/ is shared and capped at 60 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from nlp.genre import LABELS, Classifier, Decision  # noqa: E402
from nlp.genre.encoder import EncoderModel, build, encoder_text  # noqa: E402
from training import corpus as C  # noqa: E402
from training.genre import Recipe, fit_fast, score  # noqa: E402
from training.paths import MODELS, shared_dir  # noqa: E402


def _train(pages, base: Path, epochs: int, max_len: int, batch: int, lr: float, log, train_layers: int = 12):
    import torch
    from torch import nn
    from tqdm import tqdm
    from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

    torch.set_num_threads(2)
    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(base, local_files_only=True)
    net = build(base, len(LABELS))
    net.bert = AutoModel.from_pretrained(base, local_files_only=True, dtype=torch.float32)
    layers = net.bert.encoder.layer
    if train_layers < len(layers):  # freeze the embeddings and lower layers: autograd then stops at the first trainable one
        for p in net.bert.embeddings.parameters():
            p.requires_grad = False
        for layer in layers[: len(layers) - train_layers]:
            for p in layer.parameters():
                p.requires_grad = False
        log(f"training the top {train_layers} of {len(layers)} layers + head")
    y_all = [LABELS.index(p.label) for p in pages]
    counts = np.bincount(y_all, minlength=len(LABELS)).astype(float)
    weights = torch.tensor(np.where(counts > 0, counts.sum() / (len(LABELS) * np.maximum(counts, 1)), 0.0), dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(weight=weights)
    opt = torch.optim.AdamW([
        {"params": [p for p in net.bert.parameters() if p.requires_grad], "lr": lr},
        {"params": net.head.parameters(), "lr": lr * 20},
    ], weight_decay=0.01)
    steps = epochs * ((len(pages) + batch - 1) // batch)
    sched = get_linear_schedule_with_warmup(opt, int(0.1 * steps), steps)
    rng = np.random.default_rng(0)
    net.train()
    for ep in range(epochs):
        order = rng.permutation(len(pages))
        bar = tqdm(range(0, len(order), batch), desc=f"epoch {ep + 1}/{epochs}", file=sys.stderr)
        total = 0.0
        for s in bar:
            idx = order[s:s + batch]
            texts = [encoder_text(pages[i].title if (i + ep) % 2 == 0 else None, pages[i].body, max_len) for i in idx]
            enc = tok(texts, truncation=True, max_length=max_len, padding=True, return_tensors="pt")
            y = torch.tensor([y_all[i] for i in idx])
            loss = loss_fn(net(enc["input_ids"], enc["attention_mask"]), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
            bar.set_postfix(loss=f"{float(loss):.3f}")
        log(f"epoch {ep + 1}: mean loss {total / len(pages):.4f}")
    net.eval()
    net = torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
    return net, tok


def _save(net, tok, base: Path, folder: Path, meta: dict) -> int:
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), folder / "model_int8.pt")
    tok.save_pretrained(folder)
    shutil.copy(base / "config.json", folder / "config.json")
    (folder / "encoder.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return sum(p.stat().st_size for p in folder.iterdir())


def _decisions(model: EncoderModel, items, batch: int = 8) -> list[Decision]:
    out = []
    for s in range(0, len(items), batch):
        for p in model.proba_batch(items[s:s + batch]):
            scores = {lab: round(float(v), 4) for lab, v in zip(model.labels, p)}
            lab = max(scores, key=scores.get)
            out.append(Decision(lab, scores[lab], scores, "encoder"))
    return out


def _throughput(model: EncoderModel, pages, n: int = 40, chars: int = 2000) -> dict:
    docs = []
    for p in pages[:n]:
        b = p.body
        while len(b) < chars:
            b += "\n" + b
        docs.append((p.title, b[:chars]))
    lat = []
    for d in docs:
        t = time.perf_counter()
        model.proba(*d)
        lat.append(time.perf_counter() - t)
    t = time.perf_counter()
    model.proba_batch(docs[:16]) if len(docs) >= 16 else None
    batched = 16 / (time.perf_counter() - t)
    return {"p50_ms_batch1": round(statistics.median(lat) * 1000, 1), "docs_per_s_batch1": round(1 / statistics.median(lat), 1),
            "docs_per_s_batch16": round(batched, 1), "threads": 2, "note": "shared 2-core machine, int8 dynamic quantization"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.genre_encoder", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["time", "source", "all"], default="source")
    ap.add_argument("--cutoff", default="2024-01-01")
    ap.add_argument("--held-out", default="pingtan")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--max-len", type=int, default=256)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--train-layers", type=int, default=12, help="fine-tune only the top N layers (cheaper on a busy CPU)")
    ap.add_argument("--base", type=Path, default=None, help="pretrained encoder (default ../shared/models/e5-small-zh)")
    ap.add_argument("--save", type=Path, default=None, help="write the int8 model here")
    ap.add_argument("--report", type=Path, default=MODELS / "genre" / "encoder_evaluation.json")
    args = ap.parse_args(argv)
    base = args.base or shared_dir() / "models" / "e5-small-zh"
    if not (base / "config.json").exists():
        print(f"error: no encoder at {base}; set --base or GOVLINT_SHARED", file=sys.stderr)
        return 1

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    pages = C.load_pages()
    if args.split == "time":
        train, test = C.split_by_time(pages, args.cutoff)
    elif args.split == "source":
        train, test = C.split_by_source(pages, args.held_out)
    else:
        train, test = pages, []
    log(C.describe("encoder train", train))
    t0 = time.perf_counter()
    net, tok = _train(train, base, args.epochs, args.max_len, args.batch, args.lr, log, args.train_layers)
    train_min = round((time.perf_counter() - t0) / 60, 1)
    model = EncoderModel(net, tok, LABELS, args.max_len, 1.0, f"genre-e5-int8@{time.strftime('%Y-%m-%d')}")
    meta = {"labels": list(LABELS), "max_len": args.max_len, "temperature": 1.0, "name": model.name,
            "epochs": args.epochs, "lr": args.lr, "train_layers": args.train_layers, "batch": args.batch, "train_pages": len(train), "split": args.split}
    if args.save:
        size = _save(net, tok, base, args.save, meta)
        log(f"saved {args.save} ({size / 1e6:.1f} MB)")
    if not test:
        return 0
    result: dict = {"split": args.split, "train_counts": C.class_counts(train), "test_counts": C.class_counts(test),
                    "train_minutes": train_min, **{k: meta[k] for k in ("epochs", "lr", "batch", "max_len", "train_layers")}}
    fast, _ = fit_fast(train, Recipe(), desc="fast model for the cascade")
    fast_clf = Classifier(fast=fast, explain=False)
    casc_clf = Classifier(fast=fast, encoder=model, explain=False)
    for key, with_title in (("with_title", True), ("body_only", False)):
        items = [(p.title if with_title else None, p.body) for p in test]
        result[f"encoder_{key}"] = score(test, _decisions(model, items), 0.6)
        result[f"fast_{key}"] = score(test, [fast_clf.decide(*it) for it in items], 0.6)
        result[f"cascade_{key}"] = score(test, [casc_clf.decide(*it) for it in items], 0.6)
        log(f"{key}: encoder {result[f'encoder_{key}']['macro_f1_core']} fast {result[f'fast_{key}']['macro_f1_core']} "
            f"cascade {result[f'cascade_{key}']['macro_f1_core']}")
    result["encoder_throughput"] = _throughput(model, test)
    log(f"throughput {result['encoder_throughput']}")
    report = json.loads(args.report.read_text(encoding="utf-8")) if args.report.exists() else {}
    report[args.split] = result
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
