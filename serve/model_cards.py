"""What GET /v1/models shows: every models/* folder, its MODEL_CARD.md read generically, and metrics JSON.

Cards are written by different people, so nothing here assumes a template: the name is the folder, the
title is the first heading, the version comes from front matter or a `version:` line (else the card's
date), and metrics are any *.json file whose name mentions metric/eval/report/bench/result, included as-is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

MAX_JSON_BYTES = 256 * 1024
_METRIC_NAMES = re.compile(r"metric|eval|report|bench|result", re.I)
_VERSION_LINE = re.compile(r"(?im)^[\s>*#|-]*(?:\*\*)?(?:model\s+)?version(?:\*\*)?\s*[:：|][\s`*:]*([^\s|`*]+)")


def _front_matter(text: str) -> dict[str, str]:
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        return {}
    out = {}
    for line in text[3:end].splitlines():
        if ":" in line and not line.startswith((" ", "\t")):
            k, v = line.split(":", 1)
            out[k.strip().lower()] = v.strip().strip("'\"")
    return out


def _title(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def _dir_size(d: Path) -> int:
    return sum(p.stat().st_size for p in d.rglob("*") if p.is_file())


def _metrics(d: Path) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for p in sorted(d.glob("*.json")):
        if not _METRIC_NAMES.search(p.name):
            continue
        if p.stat().st_size > MAX_JSON_BYTES:
            metrics[p.name] = {"skipped": f"larger than {MAX_JSON_BYTES} bytes"}
            continue
        try:
            metrics[p.name] = json.loads(p.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            metrics[p.name] = {"unreadable": str(exc)[:200]}
    return metrics


def _date(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc).date().isoformat()


def read_card(d: Path) -> dict[str, Any]:
    """One model folder; a folder without MODEL_CARD.md is still listed (card: null) with its metrics."""
    card = d / "MODEL_CARD.md"
    if card.is_file():
        text = card.read_text(encoding="utf-8", errors="replace")
        fm = _front_matter(text)
        version = fm.get("version")
        if not version:
            m = _VERSION_LINE.search(text)
            version = m.group(1) if m else None
        updated = _date(card.stat().st_mtime)
        title = fm.get("title") or _title(text)
        card_path: str | None = f"models/{d.name}/MODEL_CARD.md"
    else:
        files = [p for p in d.rglob("*") if p.is_file()]
        updated = _date(max(p.stat().st_mtime for p in files)) if files else None
        version, title, card_path = None, None, None
    return {
        "name": d.name,
        "title": title,
        "version": version or updated,
        "card": card_path,
        "updated": updated,
        "size_bytes": _dir_size(d),
        "metrics": _metrics(d),
    }


def list_models(models_dir: Path) -> list[dict[str, Any]]:
    if not models_dir.is_dir():
        return []
    out = []
    for d in sorted(p for p in models_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        try:
            out.append(read_card(d))
        except OSError as exc:
            out.append({"name": d.name, "error": f"unreadable: {exc.strerror}"})
    return out
