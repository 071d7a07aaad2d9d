"""Service limits and switches, read from the environment once per process (documented in docs/api.md).

Environment variables rather than a config file: the same values must reach every uvicorn worker process,
and workers are started by uvicorn, not by us.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return max(minimum, int(raw))
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not an integer; unset it or give a number") from None


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a number; unset it or give seconds, e.g. 30") from None
    return value if value > 0 else default


@dataclass(frozen=True)
class Settings:
    max_body_bytes: int = 5 * 1024 * 1024
    timeout_s: float = 30.0
    batch_max: int = 50
    max_chars: int = 200_000  # like the 220,000 of commercial 公文校对; bounds the CPU one request can take
    threads: int = 2
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    load_on_startup: bool = True

    @classmethod
    def from_env(cls) -> "Settings":
        origins = tuple(o.strip() for o in os.environ.get("GOVLINT_CORS_ORIGINS", "").split(",") if o.strip())
        return cls(
            max_body_bytes=_int("GOVLINT_MAX_BODY_BYTES", cls.max_body_bytes),
            timeout_s=_float("GOVLINT_TIMEOUT_S", cls.timeout_s),
            batch_max=_int("GOVLINT_BATCH_MAX", cls.batch_max),
            max_chars=_int("GOVLINT_MAX_CHARS", cls.max_chars),
            threads=_int("GOVLINT_THREADS", max(2, os.cpu_count() or 2)),
            cors_origins=origins,
            load_on_startup=os.environ.get("GOVLINT_LAZY_LOAD", "") not in ("1", "true", "yes"),
        )
