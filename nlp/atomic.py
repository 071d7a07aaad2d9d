"""Atomic file writes: write to a temporary sibling, fsync, rename. A crash never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO


class AtomicWriter:
    def __init__(self, path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> None:
        self.path = Path(path)
        self.mode = mode
        self.encoding = encoding if "b" not in mode else None
        self._fh: IO | None = None
        self._tmp: str | None = None

    def open(self) -> IO:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self._fh = os.fdopen(fd, self.mode, encoding=self.encoding)
        return self._fh

    def commit(self) -> None:
        assert self._fh is not None and self._tmp is not None
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self.path)
        self._tmp = None

    def close(self) -> None:
        if self._fh is not None and not self._fh.closed:
            self._fh.close()
        if self._tmp and os.path.exists(self._tmp):
            os.unlink(self._tmp)
        self._tmp = None

    def __enter__(self) -> IO:
        return self.open()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        self.close()


def write_text_atomic(path: str | Path, text: str) -> None:
    with AtomicWriter(path) as fh:
        fh.write(text)
