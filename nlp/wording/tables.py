"""Read the project's rule tables (data/lexicons/*.tsv) into plain records.

Why TSV: every entry is a reviewed fact with a source, and editors can diff and extend it without code.
Lines starting with "#" are comments; the first other line is the header.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "lexicons"


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a commented TSV as dicts (missing trailing columns become "")."""
    with path.open(encoding="utf-8") as fh:
        lines = [ln.rstrip("\n") for ln in fh if ln.strip() and not ln.startswith("#")]
    if not lines:
        return []
    header = lines[0].split("\t")
    rows = []
    for ln in csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE):
        rows.append({h: (ln[i].strip() if i < len(ln) else "") for i, h in enumerate(header)})
    return rows


@dataclass(frozen=True)
class Protected:
    id: str
    term: str
    kind: str
    ops: frozenset[str]
    positions: tuple[int, int]
    source: str


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: str  # literal, or a regex after "re:"
    suggestion: str
    severity: str
    category: str
    message: str
    source: str

    @property
    def is_regex(self) -> bool:
        return self.pattern.startswith("re:")


@dataclass(frozen=True)
class Institution:
    old: str
    current: str
    year: int
    level: str
    note: str


@dataclass(frozen=True)
class SensitiveTerm:
    term: str
    sub: str
    mode: str
    reason: str
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpamToken:
    token: str
    kind: str
    note: str


@dataclass(frozen=True)
class Misspelling:
    wrong: str
    right: str
    source: str


@dataclass(frozen=True)
class Tables:
    protected: list[Protected]
    rules: list[Rule]
    institutions: list[Institution]
    sensitive: list[SensitiveTerm]
    spam: list[SpamToken]
    misspellings: list[Misspelling]
    contexts: dict[str, tuple[str, ...]]
    allow: list[str]


def _positions(spec: str, n: int) -> tuple[int, int]:
    if not spec or spec == "all":
        return 0, n - 1
    a, _, b = spec.partition("-")
    return int(a), int(b or a)


def load_tables(data_dir: Path = DATA_DIR) -> Tables:
    """All tables; raises FileNotFoundError naming the missing file (the checker cannot run without them)."""
    d = Path(data_dir)
    protected = [
        Protected(r["id"], r["term"], r["kind"], frozenset(o for o in r["ops"].split(",") if o and o != "-"),
                  _positions(r["positions"], len(r["term"])), r["source"])
        for r in read_tsv(d / "protected.tsv")
    ]
    rules = [Rule(r["id"], r["pattern"], r["suggestion"], r["severity"], r["category"] or "political",
                  r["message"], r["source"]) for r in read_tsv(d / "political_rules.tsv")]
    inst = [Institution(r["old"], r["current"], int(r["year"]), r["level"], r["note"])
            for r in read_tsv(d / "institutions.tsv")]
    sens = [SensitiveTerm(r["term"], r["sub"], r["mode"], r["reason"],
                          tuple(x for x in r.get("except", "").split(",") if x)) for r in read_tsv(d / "sensitive.tsv")]
    spam = [SpamToken(r["token"], r["kind"], r["note"]) for r in read_tsv(d / "spam.tsv")]
    miss = [Misspelling(r["wrong"], r["right"], r["source"]) for r in read_tsv(d / "misspellings.tsv")]
    ctx = {r["set"]: tuple(r["cues"].split()) for r in read_tsv(d / "contexts.tsv")}
    allow = [r["term"] for r in read_tsv(d / "allow.tsv")]
    return Tables(protected, rules, inst, sens, spam, miss, ctx, allow)
