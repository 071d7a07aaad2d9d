"""Near-miss variants of protected terms (杜家毫 → 杜家豪, 中华人民共合国, 习近平近新时代…).

Why precomputed: the confusion sets (same pinyin, similar shape) and the "is this a real word" filter need the
584k-word frequency list and the clean corpora, which take seconds to read and live outside the repo. The build
step (`python -m nlp.wording.build`) writes the surviving variants plus a small word-frequency table for word
boundary checks to data/lexicons/generated/near_miss.json.gz; at run time the checker only loads that file and
builds Aho-Corasick automata (well under a second).

Substitution and (interior) deletion variants are enumerated. One extra character can be any character, so
insertions are found at run time with anchors: an automaton of each term's prefixes t[:i] (and of t[1:]) whose
hits are checked for "t[:i] + X + t[i:]" — cheap, since anchors are rare outside the protected terms.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs

from nlp.wording.tables import DATA_DIR, Protected, Tables

CACHE_PATH = DATA_DIR / "generated" / "near_miss.json.gz"
MAX_HITS = 1000  # per document and kind; more means a broken page, and the work must stay bounded
_GLUE = set("的之和与及等")  # 科学的发展观: a function word between words is usage, not a typo


def tables_hash(tables: Tables) -> str:
    """Identifies the protected-term table the cache was built from (stale cache → rebuild warning)."""
    h = hashlib.sha1()
    for p in tables.protected:
        h.update(f"{p.id}|{p.term}|{sorted(p.ops)}|{p.positions}\n".encode())
    for a in tables.allow:
        h.update(f"allow|{a}\n".encode())
    return h.hexdigest()[:16]


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# ---------------------------------------------------------------- build time (needs ../shared)

def load_confusions(shared: Path) -> tuple[dict[str, dict[str, str]], set[str]]:
    """char -> {candidate: 'pinyin' | 'shape'} over common characters, and the common-character set."""
    from pypinyin import Style, lazy_pinyin

    pyc = shared / "lexicons" / "pycorrector"
    cs = shared / "lexicons" / "char-similar"
    common = {ln.strip() for ln in (pyc / "common_char_set.txt").read_text(encoding="utf-8").split("\n") if ln.strip()}
    conf: dict[str, dict[str, str]] = {}

    def add(a: str, b: str, kind: str) -> None:
        if a != b and len(a) == 1 and len(b) == 1 and b in common:
            conf.setdefault(a, {}).setdefault(b, kind)

    for ln in (pyc / "same_pinyin.txt").read_text(encoding="utf-8").split("\n"):
        if not ln or ln.startswith("#"):
            continue
        parts = ln.split("\t")
        for col in parts[1:3]:
            for b in col:
                add(parts[0], b, "pinyin")
    # same syllable (any tone) among common characters: what a pinyin IME confuses
    by_syl: dict[str, list[str]] = {}
    for ch in sorted(common):
        by_syl.setdefault(lazy_pinyin(ch, style=Style.NORMAL)[0], []).append(ch)
    for group in by_syl.values():
        for a in group:
            for b in group:
                add(a, b, "pinyin")
    for ln in (pyc / "same_stroke.txt").read_text(encoding="utf-8").split("\n"):
        group = [c for c in ln.split("\t") if c.strip()]
        for a in group:
            for b in group:
                add(a, b, "shape")
    four = json.loads((cs / "char_fourangle.dict").read_text(encoding="utf-8"))
    by_code: dict[str, list[str]] = {}
    for ch, code in four.items():
        if ch in common:
            by_code.setdefault(code, []).append(ch)
    for group in by_code.values():
        if len(group) <= 25:
            for a in group:
                for b in group:
                    add(a, b, "shape")
    return conf, common


def enumerate_variants(p: Protected, conf: dict[str, dict[str, str]]) -> Iterable[tuple[str, str, int, str, str]]:
    """(variant, op, position, original char, new char-or-'') for one protected term."""
    t = p.term
    a, b = p.positions
    if "sub" in p.ops:
        for i in range(a, b + 1):
            if not is_cjk(t[i]):
                continue
            for c, kind in conf.get(t[i], {}).items():
                yield t[:i] + c + t[i + 1:], f"sub_{kind}", i, t[i], c
    if "del" in p.ops and len(t) >= 5:
        for i in range(max(1, a), min(len(t) - 2, b) + 1):
            if t[i] in "、，":
                continue
            yield t[:i] + t[i + 1:], "del", i, t[i], ""


def insertion_anchors(tables: Tables) -> dict[str, list[tuple[int, int, str]]]:
    """anchor -> [(protected index, split i, side)]; side 'L': anchor = t[:i]; side 'R': anchor = t[1:]."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for k, p in enumerate(tables.protected):
        t = p.term
        if "ins" not in p.ops or len(t) < 3:
            continue
        for i in range(1, len(t)):
            if i >= 2:
                out.setdefault(t[:i], []).append((k, i, "L"))
            else:
                out.setdefault(t[1:], []).append((k, i, "R"))
    return out


# ---------------------------------------------------------------- run time

@dataclass(frozen=True)
class NearMissHit:
    start: int
    end: int
    text: str
    term: Protected
    op: str  # sub_pinyin | sub_shape | del | ins
    detail: str  # e.g. "毫→豪"
    pos: int = -1  # index in the term of the changed character


class NearMissIndex:
    """Finds near-misses of protected terms; exact terms and allowed strings shadow overlapping variants."""

    def __init__(self, tables: Tables, cache: dict) -> None:
        self.tables = tables
        self.variants: dict[str, list] = cache.get("variants", {})
        self.allowed_ins: set[str] = set(cache.get("allowed_insertions", []))
        exact = {p.term for p in tables.protected} | set(tables.allow)
        pats = sorted(exact | set(self.variants))
        self._pats = pats
        self._exact = exact
        self._ac = ahocorasick_rs.AhoCorasick(pats, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self._by_id = {p.id: p for p in tables.protected}
        anchors = insertion_anchors(tables)
        self._anchor_keys = list(anchors)
        self._anchor_vals = [anchors[k] for k in self._anchor_keys]
        self._anchor_ac = ahocorasick_rs.AhoCorasick(self._anchor_keys) if anchors else None

    def find(self, text: str) -> list[NearMissHit]:
        hits: list[NearMissHit] = []
        exact_spans: list[tuple[int, int]] = []
        for idx, s, e in self._ac.find_matches_as_indexes(text):
            if len(hits) >= MAX_HITS:
                break
            pat = self._pats[idx]
            if pat in self._exact:
                exact_spans.append((s, e))
                continue
            tid, op, pos, orig, new = self.variants[pat]
            hits.append(NearMissHit(s, e, pat, self._by_id[tid], op, f"{orig}→{new}" if new else f"缺“{orig}”", pos))
        if self._anchor_ac is not None:
            hits.extend(self._insertions(text, exact_spans))
        return hits

    def _insertions(self, text: str, exact_spans: list[tuple[int, int]]) -> list[NearMissHit]:
        out: list[NearMissHit] = []
        seen: set[tuple[int, int]] = set()
        exact_starts = [a for a, _ in exact_spans]
        n = len(text)
        for idx, s, e in self._anchor_ac.find_matches_as_indexes(text, overlapping=True):
            for k, i, side in self._anchor_vals[idx]:
                p = self.tables.protected[k]
                t = p.term
                if side == "L":
                    start, x_at = s, e
                    if x_at >= n or text[x_at] == t[i]:
                        continue  # the exact term continues here (a doubled char is caught at the next split)
                    rest = t[i:]
                    if x_at + 1 + len(rest) > n or text[x_at + 1: x_at + 1 + len(rest)] != rest:
                        continue
                    end = x_at + 1 + len(rest)
                else:  # anchor is t[1:], the extra char sits right before it
                    start, x_at, end = s - 2, s - 1, e
                    if start < 0 or text[start] != t[0] or text[x_at] == t[0]:
                        continue
                x = text[x_at]
                if not is_cjk(x) or x in _GLUE or (start, end) in seen:
                    continue
                window = text[start:end]
                if window.startswith(t) or window.endswith(t):  # the exact term plus a neighbour
                    continue
                if window in self.allowed_ins or window in self._exact:
                    continue
                if _inside(exact_starts, exact_spans, start, end):
                    continue
                seen.add((start, end))
                out.append(NearMissHit(start, end, window, p, "ins", f"多“{x}”", i))
                if len(out) >= MAX_HITS:
                    return out
        return out


def _inside(starts: list[int], spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Is [start, end) inside one of the sorted, non-overlapping spans?"""
    k = bisect.bisect_right(starts, start) - 1
    return k >= 0 and spans[k][1] >= end


def load_cache(path: Path = CACHE_PATH) -> dict:
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)
