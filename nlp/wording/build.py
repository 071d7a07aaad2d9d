"""Build data/lexicons/generated/near_miss.json.gz from ../shared (run after editing protected.tsv/allow.tsv).

    .venv/bin/python -m nlp.wording.build

Why offline: filtering variants against the 584k-word lexicon, name lists and clean corpora takes seconds; the
result (variants that are not real words and never occur in clean government text) is small and loads fast.
Variants found in the clean corpora are dropped and listed in the build report so a reviewer can see them.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

import ahocorasick_rs

from nlp.log import get_logger
from nlp.wording.nearmiss import CACHE_PATH, NearMissIndex, enumerate_variants, load_confusions, tables_hash
from nlp.wording.tables import load_tables
from training.paths import require_shared

log = get_logger(__name__)

# corpora used only to drop variants that occur in clean text; acc_xxqg (the false-alarm test) is NOT used
FILTER_CORPORA = ("sanming.jsonl", "pingtan.jsonl", "govcn_state_council.jsonl", "policy_titles.jsonl")
WORD_MIN_FREQ = 10


def _corpus_texts(shared: Path) -> list[str]:
    out = []
    for name in FILTER_CORPORA:
        with (shared / "corpus" / name).open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                out.append("\n".join(str(r.get(k) or "") for k in ("title", "body")))
    return out


def build(out_path: Path = CACHE_PATH) -> dict:
    t0 = time.perf_counter()
    from opencc import OpenCC

    shared = require_shared("lexicons")
    shared = shared.parent
    tables = load_tables()
    conf, _common = load_confusions(shared)
    t2s = OpenCC("t2s")
    pyc = shared / "lexicons" / "pycorrector"
    words: dict[str, int] = {}
    with (pyc / "word_freq.txt").open(encoding="utf-8") as fh:
        for ln in fh:
            parts = ln.split()
            if len(parts) >= 2 and parts[1].isdigit():
                words[parts[0]] = max(words.get(parts[0], 0), int(parts[1]))
    names = set()
    for fn in ("person_name.txt", "place_name.txt"):
        for ln in (pyc / fn).read_text(encoding="utf-8").split("\n"):
            if ln.strip():
                names.add(ln.split()[0])
    protected_terms = [p.term for p in tables.protected] + list(tables.allow)
    variants: dict[str, list] = {}
    n_all = 0
    dropped_word = 0
    for p in tables.protected:
        for v, op, i, orig, new in enumerate_variants(p, conf):
            n_all += 1
            if new and (t2s.convert(new) == orig or t2s.convert(orig) == new):
                continue  # traditional/simplified pair, not a typo
            if words.get(v, 0) >= 5 or v in names or any(v in t for t in protected_terms):
                dropped_word += 1
                continue
            variants.setdefault(v, [p.id, op, i, orig, new])
    texts = _corpus_texts(shared)
    ac = ahocorasick_rs.AhoCorasick(list(variants), matchkind=ahocorasick_rs.MatchKind.Standard)
    in_corpus: dict[str, int] = {}
    for text in texts:
        for v in ac.find_matches_as_strings(text, overlapping=True):
            in_corpus[v] = in_corpus.get(v, 0) + 1
    for v in in_corpus:
        variants.pop(v, None)
    # insertions that occur in clean text are legitimate (…社会主义经济思想): remember them
    idx = NearMissIndex(tables, {"variants": {}})
    allowed_ins: dict[str, int] = {}
    for text in texts:
        for h in idx.find(text):
            if h.op == "ins":
                allowed_ins[h.text] = allowed_ins.get(h.text, 0) + 1
    # 2-character words with frequencies: word-boundary checks (大麻烦: 麻烦 outweighs 大麻; 城市市场)
    wf = {w: f for w, f in words.items() if len(w) == 2 and f >= WORD_MIN_FREQ and all("\u4e00" <= c <= "\u9fff" for c in w)}
    # 3-4 character words ending/starting with a checked function character (实事求是|是在, 不了了之)
    from nlp.wording.typo_rules import DOUBLE_CHARS
    edge = sorted(w for w, f in words.items() if 3 <= len(w) <= 4 and f >= 3 and (w[0] in DOUBLE_CHARS or w[-1] in DOUBLE_CHARS)
                  and all("\u4e00" <= c <= "\u9fff" for c in w))
    cache = {
        "source_hash": tables_hash(tables),
        "built": time.strftime("%Y-%m-%d"),
        "variants": variants,
        "allowed_insertions": sorted(allowed_ins),
        "word_freq": wf,
        "edge_words": edge,
        "stats": {"enumerated": n_all, "dropped_real_word": dropped_word, "dropped_in_corpus": len(in_corpus),
                  "kept": len(variants), "allowed_insertions": len(allowed_ins), "word_freq": len(wf), "edge_words": len(edge)},
        "dropped_in_corpus": sorted(in_corpus, key=lambda v: -in_corpus[v])[:200],
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(cache, fh, ensure_ascii=False, separators=(",", ":"))
    tmp.replace(out_path)
    log.info("near_miss_built", seconds=round(time.perf_counter() - t0, 1), **cache["stats"])
    return cache


def main(argv: list[str] | None = None) -> int:
    cache = build()
    print(json.dumps({"path": str(CACHE_PATH), "bytes": CACHE_PATH.stat().st_size, **cache["stats"],
                      "allowed_insertions": cache["allowed_insertions"][:50],
                      "dropped_in_corpus_top": cache["dropped_in_corpus"][:40]}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
