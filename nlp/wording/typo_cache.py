"""On-disk cache of the typo layer's hash tables (`VecTables`), so a process starts in ~1 s less.

Why: building the tables from the typo model takes ~2 s of CPU (packing 570k lexicon words and n-grams,
sorting, hashing) and every process pays it — a `govlint analyze` on one draft, each API worker, each scan.
They are a pure function of the model files and of the code that builds them, so they are saved once as a
plain .npz (no pickle: loading never runs code) under the user's cache directory, keyed by a hash of both.
Any problem with the cache (missing, stale, corrupt, read-only directory) falls back to building the tables;
results never depend on the cache.

Location: `$GOVLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/govlint`, else `~/.cache/govlint`;
`GOVLINT_CACHE=0` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import fields
from pathlib import Path

import numpy as np

from nlp.log import get_logger
from nlp.wording import typo_model, typo_vec
from nlp.wording.typo_model import TypoResources
from nlp.wording.typo_vec import KeyIndex, VecTables

log = get_logger(__name__)

FORMAT = 1  # bump when the stored layout changes
KEEP = 4  # newest table files kept (several model folders may be in use, e.g. tests)
_KEYINDEX_ATTRS = ("bits", "shift", "slot_key", "slot_row", "fbits", "fshift", "filter", "sorted_keys", "sorted_rows")
_EXTRA_ARRAYS = ("lex_lp", "ng_cnt", "char_cnt", "char_ng1")
_SCALARS = ("floor", "lex_total", "ng_total")


def cache_dir() -> Path | None:
    """Where cached tables live, or None when caching is off."""
    if os.environ.get("GOVLINT_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    if os.environ.get("GOVLINT_CACHE_DIR"):
        return Path(os.environ["GOVLINT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govlint"


def tables_key(model_dir: Path) -> str:
    """Hash of the model files' contents and of the modules that build the tables from them."""
    h = hashlib.sha256(f"format={FORMAT}\n".encode())
    for p in sorted(Path(model_dir).iterdir()):
        if p.is_file() and p.suffix in (".npz", ".gz", ".json", ".txt"):
            h.update(p.name.encode() + b"\0")
            with p.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
    for mod in (typo_vec, typo_model):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()[:24]


def to_arrays(vt: VecTables) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for f in fields(vt):
        v = getattr(vt, f.name)
        if isinstance(v, KeyIndex):
            for a in _KEYINDEX_ATTRS:
                out[f"{f.name}.{a}"] = np.asarray(getattr(v, a))
        else:
            out[f.name] = np.asarray(v)
    for a in _EXTRA_ARRAYS:
        out[a] = np.asarray(getattr(vt, a))
    for a in _SCALARS:
        out[a] = np.asarray(float(getattr(vt, a)), dtype=np.float64)
    return out


def from_arrays(z) -> VecTables:
    kw = {}
    for f in fields(VecTables):
        if f.name.endswith("_ix"):
            ix = KeyIndex.__new__(KeyIndex)
            for a in _KEYINDEX_ATTRS:
                v = z[f"{f.name}.{a}"]
                setattr(ix, a, v[()] if v.ndim == 0 else v)
            ix.bits, ix.fbits = int(ix.bits), int(ix.fbits)
            kw[f.name] = ix
        else:
            kw[f.name] = z[f.name]
    vt = VecTables(**kw)
    for a in _EXTRA_ARRAYS:
        setattr(vt, a, z[a])
    for a in _SCALARS:
        setattr(vt, a, float(z[a]))
    return vt


def _read(path: Path) -> VecTables:
    with np.load(path, allow_pickle=False) as z:
        return from_arrays({k: z[k] for k in z.files})


def _write(vt: VecTables, path: Path) -> None:
    """Atomic: a reader sees the old file, no file, or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **to_arrays(vt))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_or_build(res: TypoResources, model_dir: Path) -> VecTables:
    """The tables for `res` (loaded from `model_dir`): from the cache when it holds them, else built (and
    saved for the next process when the cache directory is writable)."""
    d = cache_dir()
    if d is None:
        return VecTables.build(res)
    try:
        path = d / f"typo_tables-{tables_key(model_dir)}.npz"
    except OSError as exc:
        log.warning("typo_cache_key_failed", error=str(exc))
        return VecTables.build(res)
    if path.exists():
        try:
            return _read(path)
        except Exception as exc:  # corrupt or foreign file: rebuild and overwrite it
            log.warning("typo_cache_unreadable", path=str(path), error=f"{type(exc).__name__}: {exc}")
    vt = VecTables.build(res)
    try:
        _write(vt, path)
        olds = sorted(d.glob("typo_tables-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in olds[KEEP:]:  # tables of earlier models or code versions
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("typo_cache_not_written", path=str(path), error=str(exc))
    return vt
