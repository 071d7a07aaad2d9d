"""Character 1-3-gram TF-IDF in numpy, identical at training and inference time.

Why not sklearn's TfidfVectorizer at run time: its Python analyzer and per-call sparse-matrix overhead
cost ~1 ms per 2,000-character document, and the fast model must do ≥ 2,000 docs/s on one core. Here an
n-gram is an exact integer code (three 16-bit code points), so extraction is a few vectorised numpy ops.
The vocabulary is a sorted code array (the artifact); at run time a two-choice (cuckoo) hash table built
from it answers "which vocabulary entry is this code" with two fixed gathers per code, instead of sorting
every document's codes and binary-searching them (which cost ~0.2 ms of the 0.5 ms budget).
"""

from __future__ import annotations

import numpy as np

_N2 = np.uint64(1 << 60)
_N1 = np.uint64(2 << 60)
_S16 = np.uint64(16)
_S32 = np.uint64(32)


def codes(text: str) -> np.ndarray:
    """uint64 codes of every character 1-, 2- and 3-gram (code points above U+FFFF fold to U+FFFF)."""
    if not text:
        return np.zeros(0, dtype=np.uint64)
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    np.minimum(cp, np.uint64(0xFFFF), out=cp)
    parts = [cp | _N1]
    if cp.size >= 2:
        parts.append((cp[:-1] << _S16) | cp[1:] | _N2)
    if cp.size >= 3:
        parts.append((cp[:-2] << _S32) | (cp[1:-1] << _S16) | cp[2:])
    return np.concatenate(parts)


def decode(code: int) -> str:
    """The n-gram a code stands for (for evidence)."""
    code = int(code)
    if code >> 60 == 2:
        return chr(code & 0xFFFF)
    if code >> 60 == 1:
        return chr((code >> 16) & 0xFFFF) + chr(code & 0xFFFF)
    return chr((code >> 32) & 0xFFFF) + chr((code >> 16) & 0xFFFF) + chr(code & 0xFFFF)


_H1 = np.uint64(0x9E3779B97F4A7C15)  # odd multipliers for multiplicative hashing (Fibonacci / murmur constants)
_H2 = np.uint64(0xC2B2AE3D27D4EB4F)
_NONE = np.uint64(0xFFFFFFFFFFFFFFFF)  # never a code: `codes` keeps the top nibble ≤ 2


class CodeTable:
    """Exact code → vocabulary index lookup. Every key sits in one of its two hash slots (cuckoo
    insertion), so a lookup is two gathers and two comparisons whatever the document; codes that are not
    in the vocabulary are dropped. Built once when a model loads (~0.2 s for 60,000 keys)."""

    def __init__(self, keys: np.ndarray) -> None:
        n = int(keys.size)
        bits = max(10, int(np.ceil(np.log2(max(1, n) * 4))))  # load ≤ 0.25: insertion succeeds at once
        for attempt in range(4):
            table = self._build(keys, bits + attempt)
            if table is not None:
                break
        else:  # pragma: no cover - needs an adversarial key set
            raise ValueError("could not build the n-gram hash table")
        self.shift = np.uint64(64 - bits - attempt)
        self.table = table
        self.keys = np.append(keys, _NONE)  # index n (empty slot) never matches a real code

    @staticmethod
    def _build(keys: np.ndarray, bits: int) -> np.ndarray | None:
        n, shift = int(keys.size), np.uint64(64 - bits)
        table = np.full(1 << bits, n, dtype=np.intp)
        h1 = ((keys * _H1) >> shift).astype(np.intp).tolist()
        h2 = ((keys * _H2) >> shift).astype(np.intp).tolist()
        slots = table.tolist()
        for i in range(n):
            cur, slot = i, h1[i]
            for _ in range(64):
                if slots[slot] == n:
                    slots[slot] = cur
                    break
                slots[slot], cur = cur, slots[slot]
                slot = h2[cur] if h1[cur] == slot else h1[cur]
            else:
                return None
        return np.asarray(slots, dtype=np.intp)

    def lookup(self, c: np.ndarray) -> np.ndarray:
        """Vocabulary indices of the codes in `c` that are in the vocabulary (one per occurrence)."""
        i1 = self.table[((c * _H1) >> self.shift).astype(np.intp)]
        i2 = self.table[((c * _H2) >> self.shift).astype(np.intp)]
        hit2 = self.keys[i2] == c
        hit2 &= i2 != i1  # a key whose two hashes agree would otherwise be found twice
        return np.concatenate((i1[self.keys[i1] == c], i2[hit2]))


class Vocabulary:
    """Sorted n-gram codes with their idf; `transform` gives (indices, l2-normalised sublinear tf-idf)."""

    def __init__(self, keys: np.ndarray, idf: np.ndarray) -> None:
        self.keys = np.asarray(keys, dtype=np.uint64)
        self.idf = np.asarray(idf, dtype=np.float32)
        self._table: CodeTable | None = None

    @property
    def table(self) -> CodeTable:
        if self._table is None:
            self._table = CodeTable(self.keys)
        return self._table

    def __len__(self) -> int:
        return int(self.keys.size)

    @classmethod
    def fit(cls, texts: list[str], min_df: int = 2, max_features: int = 60000) -> "Vocabulary":
        """Keep n-grams seen in ≥ min_df documents, the most frequent first; smooth idf as sklearn does."""
        uniq = [np.unique(codes(t)) for t in texts]
        allk, df = np.unique(np.concatenate(uniq) if uniq else np.zeros(0, np.uint64), return_counts=True)
        keep = df >= min_df
        allk, df = allk[keep], df[keep]
        if allk.size > max_features:
            top = np.argsort(-df, kind="stable")[:max_features]
            allk, df = allk[top], df[top]
        order = np.argsort(allk)
        allk, df = allk[order], df[order]
        n = len(texts)
        idf = np.log((1 + n) / (1 + df)) + 1.0
        return cls(allk, idf.astype(np.float32))

    def transform_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(ascending vocabulary indices, their tf-idf) for one text."""
        c = codes(text)
        if c.size == 0 or self.keys.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        found = self.table.lookup(c)
        if found.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        # group equal indices: a radix sort when they fit 16 bits (the shipped 60,000-entry vocabulary)
        s = np.sort(found.astype(np.uint16) if self.keys.size <= 0xFFFF else found, kind="stable")
        first = np.empty(s.size, dtype=bool)
        first[0] = True
        np.not_equal(s[1:], s[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        idx = s[starts].astype(np.int64)
        cnt = np.diff(np.append(starts, s.size))
        val = (1.0 + np.log(cnt.astype(np.float32))) * self.idf[idx]
        norm = float(np.sqrt(np.dot(val, val)))
        if norm > 0:
            val = val / norm
        return idx, val.astype(np.float32)

    def transform(self, texts: list[str]):
        """CSR matrix for training (scipy)."""
        from scipy.sparse import csr_matrix

        indptr, indices, data = [0], [], []
        for t in texts:
            i, v = self.transform_one(t)
            indices.append(i)
            data.append(v)
            indptr.append(indptr[-1] + i.size)
        ind = np.concatenate(indices) if indices else np.zeros(0, np.int64)
        dat = np.concatenate(data) if data else np.zeros(0, np.float32)
        return csr_matrix((dat, ind, np.asarray(indptr)), shape=(len(texts), len(self)))
