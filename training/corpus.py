"""Reproducible labelled corpus for the genre task (and any helper that needs the same split).

Loading is deterministic: records are read in file order, cleaned the same way the model cleans text,
exact duplicates and image-only pages are dropped, and near-duplicates are grouped so a split never puts
two copies of one text on both sides (the measured numbers would otherwise reward memorisation).

    python -m training.corpus            # prints class counts, duplicate groups and both splits
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from nlp.genre.text import clean, cjk_count, dedupe_paragraphs
from training.paths import shared_dir

LABELS: tuple[str, ...] = ("interpretation", "news", "normative", "other")
CORE_LABELS: tuple[str, ...] = ("interpretation", "news", "normative")
DEFAULT_FILES: tuple[str, ...] = ("sanming.jsonl", "pingtan.jsonl")
HARD_COLUMN = "hard_news_in_interpretation_column"
MIN_CJK = 40  # fewer Chinese characters than this (title excluded) = an image-only page
NEAR_DUP_JACCARD = 0.6  # 5-gram shingle Jaccard at or above this: the same text
NEAR_DUP_CONTAINMENT = 0.9  # or the shorter page's shingles mostly inside the longer one


@dataclass(frozen=True)
class Page:
    """One labelled page. `group` ties near-duplicates together; `source` is the file stem (the site)."""

    uid: str
    source: str
    title: str
    body: str
    published: str  # ISO date or ""
    label: str
    column_genre: str
    borderline: bool = False
    truncated: bool = False
    group: int = -1
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def hard(self) -> bool:
        return self.column_genre == HARD_COLUMN


@dataclass
class LoadStats:
    read: int = 0
    kept: int = 0
    exact_duplicates: list[str] = field(default_factory=list)
    image_only: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    near_duplicate_groups: list[list[str]] = field(default_factory=list)


def _iso(value: str | None) -> str:
    v = (value or "").strip()
    if len(v) >= 10 and v[4] in "-/." and v[7] in "-/.":
        return v[:4] + "-" + v[5:7] + "-" + v[8:10]
    return ""


def _records(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not JSON ({exc}); fix or remove the line") from exc


def load_pages(
    corpus_dir: Path | None = None, files: Sequence[str] = DEFAULT_FILES, stats: LoadStats | None = None
) -> list[Page]:
    """Labelled pages from `files` under corpus_dir (default ../shared/corpus), deduplicated and grouped."""
    corpus_dir = Path(corpus_dir) if corpus_dir else shared_dir() / "corpus"
    stats = stats if stats is not None else LoadStats()
    pages: list[Page] = []
    seen: dict[str, str] = {}
    for name in files:
        path = corpus_dir / name
        if not path.exists():
            raise SystemExit(f"{path} not found: put the shared data at {shared_dir()} or set GOVLINT_SHARED")
        source = Path(name).stem
        for r in _records(path):
            stats.read += 1
            uid = f"{source}:{r.get('docid') or r.get('id') or stats.read}"
            label = r.get("judged_genre") or ""
            if label not in LABELS:
                stats.unlabelled.append(uid)
                continue
            title = clean(r.get("title") or "")
            body = clean(dedupe_paragraphs(r.get("body") or ""))
            if cjk_count(body.replace(title, "")) < MIN_CJK:
                stats.image_only.append(uid)
                continue
            digest = hashlib.sha1(body.encode("utf-8")).hexdigest()
            if digest in seen:
                stats.exact_duplicates.append(f"{uid}={seen[digest]}")
                continue
            seen[digest] = uid
            pages.append(Page(
                uid=uid, source=source, title=title, body=body, published=_iso(r.get("published")),
                label=label, column_genre=r.get("column_genre") or "", borderline=bool(r.get("borderline")),
                truncated=bool(r.get("truncated")),
                meta={"channel_name": r.get("channel_name"), "docid": r.get("docid")},
            ))
    groups = near_duplicate_groups([p.body for p in pages])
    pages = [replace(p, group=g) for p, g in zip(pages, groups)]
    by_group: dict[int, list[str]] = {}
    for p in pages:
        by_group.setdefault(p.group, []).append(p.uid)
    stats.near_duplicate_groups = [v for v in by_group.values() if len(v) > 1]
    stats.kept = len(pages)
    return pages


def near_duplicate_groups(texts: Sequence[str]) -> list[int]:
    """Connected components of the 'same text' relation over character 5-gram shingles."""
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import HashingVectorizer

    n = len(texts)
    if n == 0:
        return []
    hv = HashingVectorizer(analyzer="char", ngram_range=(5, 5), n_features=2**22, binary=True, norm=None,
                           alternate_sign=False, lowercase=False)
    x = hv.transform(texts).astype(np.float32)
    sizes = np.asarray(x.sum(axis=1)).ravel()
    inter = (x @ x.T).tocoo()
    rows, cols, vals = inter.row, inter.col, inter.data
    off = rows < cols
    rows, cols, vals = rows[off], cols[off], vals[off]
    a, b = sizes[rows], sizes[cols]
    jacc = vals / np.maximum(a + b - vals, 1)
    contain = vals / np.maximum(np.minimum(a, b), 1)
    same = (jacc >= NEAR_DUP_JACCARD) | ((contain >= NEAR_DUP_CONTAINMENT) & (np.minimum(a, b) >= 100))
    from scipy.sparse import coo_matrix

    adj = coo_matrix((np.ones(int(same.sum())), (rows[same], cols[same])), shape=(n, n))
    _, comp = connected_components(adj, directed=False)
    return [int(c) for c in comp]


def split_by_time(pages: Sequence[Page], cutoff: str) -> tuple[list[Page], list[Page]]:
    """Train on pages published before `cutoff` (ISO date), test on the rest; a near-duplicate group goes
    wholly to the side of its earliest page. Undated pages stay in training."""
    first: dict[int, str] = {}
    for p in pages:
        d = p.published or "0000-00-00"
        first[p.group] = min(first.get(p.group, d), d)
    train = [p for p in pages if first[p.group] < cutoff]
    test = [p for p in pages if first[p.group] >= cutoff]
    return train, test


def split_by_source(pages: Sequence[Page], held_out: str) -> tuple[list[Page], list[Page]]:
    """Test on one site; training pages that near-duplicate a test page are dropped, not moved."""
    test = [p for p in pages if p.source == held_out]
    test_groups = {p.group for p in test}
    train = [p for p in pages if p.source != held_out and p.group not in test_groups]
    return train, test


def grouped_folds(pages: Sequence[Page], k: int = 5, seed: int = 0) -> list[int]:
    """Fold number per page for cross-validation; near-duplicate groups never straddle folds and each
    fold gets a similar label mix (groups are dealt round-robin per label after a seeded shuffle)."""
    rng = np.random.default_rng(seed)
    groups: dict[int, str] = {}
    for p in pages:
        groups.setdefault(p.group, p.label)
    fold_of: dict[int, int] = {}
    for label in sorted(set(groups.values())):
        gs = sorted(g for g, lab in groups.items() if lab == label)
        rng.shuffle(gs)
        for i, g in enumerate(gs):
            fold_of[g] = i % k
    return [fold_of[p.group] for p in pages]


def class_counts(pages: Sequence[Page]) -> dict[str, int]:
    c = Counter(p.label for p in pages)
    return {lab: c.get(lab, 0) for lab in LABELS}


def describe(name: str, pages: Sequence[Page]) -> str:
    c = class_counts(pages)
    by_src = Counter(p.source for p in pages)
    dates = sorted(p.published for p in pages if p.published)
    span = f"{dates[0]}..{dates[-1]}" if dates else "undated"
    return (f"{name}: {len(pages)} pages ({', '.join(f'{k} {v}' for k, v in c.items())}); "
            f"sources {dict(by_src)}; hard set {sum(p.hard for p in pages)}; published {span}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.corpus", description=__doc__)
    ap.add_argument("--corpus", type=Path, default=None, help="folder with the .jsonl files (default ../shared/corpus)")
    ap.add_argument("--files", nargs="+", default=list(DEFAULT_FILES))
    ap.add_argument("--cutoff", default="2024-01-01", help="time split: test = published on/after this date")
    ap.add_argument("--held-out", default="pingtan", help="source split: the site tested on")
    args = ap.parse_args(argv)
    stats = LoadStats()
    pages = load_pages(args.corpus, args.files, stats)
    print(f"read {stats.read}, kept {stats.kept}; dropped: {len(stats.exact_duplicates)} exact duplicates, "
          f"{len(stats.image_only)} image-only {stats.image_only}, {len(stats.unlabelled)} unlabelled")
    print(f"near-duplicate groups: {stats.near_duplicate_groups}")
    print(describe("all", pages))
    tr, te = split_by_time(pages, args.cutoff)
    print(describe(f"time train (<{args.cutoff})", tr))
    print(describe(f"time test (>={args.cutoff})", te))
    tr, te = split_by_source(pages, args.held_out)
    print(describe(f"source train (without {args.held_out})", tr))
    print(describe(f"source test ({args.held_out})", te))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
