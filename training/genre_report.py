"""Write the genre evaluation as JSON (machine-comparable), markdown (readable) and the model card."""

from __future__ import annotations

import json
from pathlib import Path


LABELS = ("interpretation", "news", "normative", "other")


def _write(path: Path, text: str) -> Path:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def _metrics_table(m: dict) -> str:
    rows = ["| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for lab in LABELS:
        c = m["per_class"][lab]
        rows.append(f"| {lab} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']} |")
    conf = m["confusion"]["rows_gold_cols_predicted"]
    rows += ["", "confusion (rows = gold, columns = predicted: " + ", ".join(LABELS) + ")", "```"]
    rows += ["  ".join(f"{v:4d}" for v in r) + f"   {lab}" for r, lab in zip(conf, LABELS)]
    rows.append("```")
    hs = m["hard_set"]
    rows.append(
        f"macro-F1 (interpretation/news/normative) **{m['macro_f1_core']:.3f}**, all four {m['macro_f1_all']:.3f}, "
        f"accuracy {m['accuracy']:.3f}, ECE {m['ece']:.3f}, abstained {m['abstained_rate']:.1%} "
        f"(accuracy when answered {m['accuracy_when_answered']:.3f}); hard set: {hs['predicted_news_or_other']}/"
        f"{hs['gold_news_or_other']} news-or-other pages kept out of interpretation; interpretation recall "
        f"{hs['interpretation_recall_all_pages']}; per source: "
        + ", ".join(f"{k} n={v['n']} macro-F1 {v['macro_f1_core']:.3f}" for k, v in m["per_source"].items())
    )
    return "\n".join(rows)


def evaluation_markdown(r: dict) -> str:
    s = r["splits"]
    out = [f"# Genre evaluation — {r['model']} ({r['date']})", "", f"Command: `{r['command']}`", "",
           f"Corpus: {r['corpus']}", "", f"Thresholds: {r['thresholds']}", ""]
    titles = {"time": f"Time split (test: published on/after {s['time'].get('cutoff')})",
              "source": f"Source split (train without {s.get('source', {}).get('held_out')}, test on it)",
              "cv": "Grouped 5-fold cross-validation, out-of-fold (every page predicted by a model that never saw it)"}
    for key in ("time", "source", "cv"):
        if key not in s:
            continue
        sp = s[key]
        out += [f"## {titles[key]}", ""]
        if "train_counts" in sp:
            out += [f"train {sp['train_counts']}, test {sp['test_counts']}; fit {sp['fit']}", ""]
        for variant in ("with_title", "body_only"):
            out += [f"### {variant.replace('_', ' ')}", "", _metrics_table(sp[variant]), ""]
        if key == "cv":
            out += ["### confidence threshold → coverage / accuracy (body only)", "", "| threshold | coverage | accuracy |",
                    "|---|---|---|"]
            out += [f"| {t['threshold']} | {t['coverage']} | {t['accuracy']} |" for t in sp["thresholds_body_only"]]
            out += ["", "Errors (body only, out-of-fold): " + ", ".join(
                f"{e['uid']} {e['gold']}→{e['predicted']} ({e['confidence']})" for e in sp["errors_body_only"]), ""]
    ext = r.get("external", {})
    if "govcn" in ext:
        g = ext["govcn"]
        out += ["## gov.cn State Council documents (shipped model, never trained on)", "",
                f"{g['n']} pages, body via {g['extraction']}: with title accuracy {g['with_title']['accuracy']} "
                f"{g['with_title']['predicted_counts']}; body only accuracy {g['body_only']['accuracy']} "
                f"{g['body_only']['predicted_counts']}", ""]
    if "seeds" in ext:
        out += ["## Seeds (shipped model)", ""]
        for k, v in ext["seeds"].items():
            out.append(f"- {k}: **{v['label']}** ({v['confidence']}, {v['decided_by']}) — " + "; ".join(v["evidence"][:4]))
        out.append("")
    if r.get("throughput_fast"):
        out += [f"Throughput (indicative, in-process): {r['throughput_fast']}", ""]
    if r.get("encoder"):
        out += ["## Encoder (e5-small-zh fine-tuned)", "", "```json", json.dumps(r["encoder"], ensure_ascii=False, indent=1), "```", ""]
    return "\n".join(out)


def model_card(r: dict, clf) -> str:
    from nlp.genre import OTHER_MIN
    from nlp.genre.features import CUES
    from nlp.genre.text import HEAD_CHARS, TAIL_CHARS

    s = r["splits"]
    meta = clf.fast.meta or {}
    t, src, cv = s["time"], s.get("source"), s["cv"]
    ext = r.get("external", {})
    lines = [
        "# Model card — genre classifier (interpretation / news / normative / other)", "",
        f"Model: `{clf.fast.name}`, trained {meta.get('date')}; evaluated {r['date']}. Files: `fast.npz` + `fast.json` "
        f"(numpy arrays only, no pickle). Encoder: {'present (cascade)' if clf.encoder else 'not committed — the fast model alone is the default'}.",
        "",
        "## What it does",
        "Labels a page by its content. Order: out-of-scope rules → `other` (no real text, annual report, 公示, "
        "procurement notice, transcript, list); else the fast model: character 1-3-gram TF-IDF over the title and the "
        f"body's first {HEAD_CHARS:,} + last {TAIL_CHARS} characters (whitespace removed) plus {len(CUES)} structural cues (文号, 主送机关 line, "
        "第X条, 《document》 in the lead, 解读 words, headings 出台背景/主要内容, dated news lead, 记者/通讯员, "
        "问/答 turns, 自…起施行, 落款 date, …) → multinomial logistic regression, calibrated by temperature scaling "
        f"(T={meta.get('temperature')}) fitted on grouped out-of-fold logits. The column is never a feature.",
        "",
        f"Thresholds: `abstained=True` when confidence < {r['thresholds']['abstain_below']}; cascade to the encoder "
        f"(when present) below {r['thresholds']['cascade_below']}. Rule decisions report confidence 0.95. The model's own "
        f"`other` is kept only at probability ≥ {OTHER_MIN} (it saw 9 such pages), else the best of the three genres.",
        "",
        "## Data",
        f"Labelled pages from ../shared/corpus {r['corpus']['files']} (reader's `judged_genre`, not the column): read "
        f"{r['corpus']['read']}, kept {r['corpus']['kept']} after removing {r['corpus']['exact_duplicates']} exact duplicates "
        f"and {r['corpus']['image_only']} image-only pages; {r['corpus']['near_duplicate_groups']} near-duplicate groups "
        f"(5-gram Jaccard ≥ 0.6) kept on one side of every split. Counts: {r['corpus']['counts']}. Each training page is "
        "used three times: with title, body only, and body only with paragraphs glued (as some sites deliver it).",
        "",
        "## Held-out results (macro-F1 over interpretation/news/normative)",
        "",
        "| split | with title | body only | ECE (body only) |",
        "|---|---|---|---|",
        f"| time (test ≥ {t['cutoff']}, n={t['body_only']['n']}) | {t['with_title']['macro_f1_core']:.3f} | "
        f"{t['body_only']['macro_f1_core']:.3f} | {t['body_only']['ece']:.3f} |",
    ]
    if src:
        lines.append(f"| source (train without {src['held_out']}, test on it, n={src['body_only']['n']}) | "
                     f"{src['with_title']['macro_f1_core']:.3f} | {src['body_only']['macro_f1_core']:.3f} | {src['body_only']['ece']:.3f} |")
    lines.append(f"| grouped 5-fold CV out-of-fold (n={cv['body_only']['n']}) | {cv['with_title']['macro_f1_core']:.3f} | "
                 f"{cv['body_only']['macro_f1_core']:.3f} | {cv['body_only']['ece']:.3f} |")
    hs = cv["body_only"]["hard_set"]
    lines += [
        "",
        f"Hard set (news/other pages filed in interpretation columns), out-of-fold, body only: "
        f"{hs['predicted_news_or_other']}/{hs['gold_news_or_other']} = {hs['news_or_other_rate']} labelled news or other; "
        f"real interpretations correct (recall): {hs['interpretation_recall_all_pages']}. With titles: "
        f"{cv['with_title']['hard_set']['news_or_other_rate']} / {cv['with_title']['hard_set']['interpretation_recall_all_pages']}.",
        f"`other` is weak: {cv['body_only']['per_class']['other']} (9 examples of unrelated kinds; the rules carry the class).",
    ]
    if "govcn" in ext:
        g = ext["govcn"]
        lines.append(f"gov.cn State Council documents (all normative, shipped model): accuracy {g['with_title']['accuracy']} "
                     f"with title, {g['body_only']['accuracy']} body only ({g['body_only']['predicted_counts']}).")
    if "seeds" in ext:
        lines.append("Seeds: " + ", ".join(f"{k} → {v['label']} ({v['confidence']})" for k, v in ext["seeds"].items()) + ".")
    enc = (r.get("encoder") or {}).get("source")
    if enc:
        lines += [
            "",
            "## Encoder (e5-small-zh fine-tuned) — measured, not committed",
            f"Source split (train without pingtan, test on it), {enc['epochs']} epochs, top {enc.get('train_layers')} of 12 layers "
            f"trained, max_len {enc['max_len']}, {enc['train_minutes']} min on the shared CPU: macro-F1 body only "
            f"{enc['encoder_body_only']['macro_f1_core']} (with title {enc['encoder_with_title']['macro_f1_core']}) vs the fast "
            f"model {enc['fast_body_only']['macro_f1_core']} ({enc['fast_with_title']['macro_f1_core']}); cascade "
            f"{enc['cascade_body_only']['macro_f1_core']} ({enc['cascade_with_title']['macro_f1_core']}). Encoder alone: "
            f"{enc['encoder_throughput']['docs_per_s_batch1']} docs/s batch 1, {enc['encoder_throughput']['docs_per_s_batch16']} "
            "batched (int8, 2 threads, shared machine). It does not beat the fast model, so its ~45 MB are not in models/.",
        ]
    thr = r.get("throughput_fast") or {}
    lines += [
        "",
        f"Speed: in-process median latency {thr.get('p50_ms')} ms per 2,000-character page (shared 2-core machine); "
        "reference figure: `.venv/bin/govlint bench genre -n 1000` (see docs/genre.md).",
        "",
        "Full figures (per class, confusion matrices, per source, thresholds): `evaluation.json`, `evaluation.md`.",
        "",
        "## Limits",
        "- Two municipal sites + gov.cn; other sites' templates may shift the n-gram part (cues generalise better).",
        "- `other` relies on rules; emergency-response notices, 温馨提示 and party documents are often called normative.",
        "- Borderline: reporter stories walking through a new policy are news by this corpus's rule; a page that mixes "
        "a news lead with item-by-item explanation can go either way (confidence is then low).",
        "",
        "## Reproduce",
        "```",
        "govlint train genre          # fits on all labelled pages, then runs the evaluation below",
        "govlint evaluate genre       # time split, source split, grouped CV, gov.cn, seeds → evaluation.json/.md + this card",
        "```",
    ]
    return "\n".join(lines) + "\n"


def write_reports(report: dict, folder: Path, clf) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        _write(folder / "evaluation.json", json.dumps(report, ensure_ascii=False, indent=1) + "\n"),
        _write(folder / "evaluation.md", evaluation_markdown(report)),
        _write(folder / "MODEL_CARD.md", model_card(report, clf)),
    ]
