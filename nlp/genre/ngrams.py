"""Character 1-3-gram TF-IDF in numpy, identical at training and inference time.

Why not sklearn's TfidfVectorizer at run time: its Python analyzer and per-call sparse-matrix overhead
cost ~1 ms per 2,000-character document, and the fast model must do ≥ 2,000 docs/s on one core. Here an
n-gram is an exact integer code (three 16-bit code points), so extraction is a few vectorised numpy ops
and the vocabulary is a sorted code array searched with `np.searchsorted`.
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


class Vocabulary:
    """Sorted n-gram codes with their idf; `transform` gives (indices, l2-normalised sublinear tf-idf)."""

    def __init__(self, keys: np.ndarray, idf: np.ndarray) -> None:
        self.keys = np.asarray(keys, dtype=np.uint64)
        self.idf = np.asarray(idf, dtype=np.float32)

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
        c = codes(text)
        if c.size == 0 or self.keys.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        u, cnt = np.unique(c, return_counts=True)
        pos = np.searchsorted(self.keys, u)
        pos[pos >= self.keys.size] = 0
        hit = self.keys[pos] == u
        idx = pos[hit]
        val = (1.0 + np.log(cnt[hit].astype(np.float32))) * self.idf[idx]
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
