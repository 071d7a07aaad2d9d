"""Where the read-only shared data lives (../shared beside the checkout, or $GOVLINT_SHARED)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"


def shared_dir() -> Path:
    env = os.environ.get("GOVLINT_SHARED")
    return Path(env) if env else (ROOT.parent / "shared")


def require_shared(*parts: str) -> Path:
    """The path inside ../shared, or a clear error saying how to provide it."""
    p = shared_dir().joinpath(*parts)
    if not p.exists():
        raise SystemExit(f"{p} not found: put the shared data at {shared_dir()} or set GOVLINT_SHARED")
    return p
