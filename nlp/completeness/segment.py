"""Cut an interpretation into units (headings and text blocks) that keep their offsets into Document.text.

Crawled bodies are messy in three ways this module absorbs so the classifier sees clean paragraphs:
numbers and dates broken onto their own lines by the CMS ("2022\\n〕\\n7\\n号"), pages that repeat their whole
body (picture tab + text tab), and headings glued to the paragraph they introduce ("（一）储备目的。避免…").
Headings are returned as their own units so callers can either use them (run time, a strong signal) or drop
them (training and evaluation, where the model must work without them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_NUM = "一二三四五六七八九十"
# level 1: 一、  第一、 第一部分 ; level 2: （一） (一) ; level 3: 1. 1、 （1） ①
_NUMBERING = [
    (1, re.compile(rf"^\s*(?:第[{_CN_NUM}]+(?:部分|章|节|[、，,.．:：\s])|[{_CN_NUM}]+\s*[、.．，,:：])\s*")),
    (2, re.compile(rf"^\s*[（(]\s*[{_CN_NUM}]+\s*[)）]\s*[、.．]?\s*")),
    (3, re.compile(r"^\s*(?:\d{1,2}\s*[、.．](?!\d)|[（(]\d{1,2}[)）]|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
]
_QA_PREFIX = re.compile(r"^\s*(?:问[：:]|Q[：:\d]|【问】)")
_ANSWER_PREFIX = re.compile(r"^\s*(?:答[：:]|A[：:\d]|【答】)")
_TERMINAL = "。！？!?；;：:"
_HEADING_MAX = 40  # longer lines are text, even when numbered
_TAB_CHROME = {"图片解读", "文字解读", "图文解读", "视频解读", "图解", "打印", "关闭", "返回顶部"}


@dataclass(frozen=True)
class Unit:
    """A span of Document.text: a heading (`level` 1-3, or 4 for a question) or a block of text."""

    start: int
    end: int
    text: str
    kind: str  # "heading" | "text"
    level: int = 0
    label_text: str = ""  # heading text without its numbering (for the synonym table)


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str


def split_lines(text: str) -> list[Line]:
    """Non-empty lines with their offsets (surrounding whitespace trimmed from the span)."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        s = pos
        e = pos + len(raw)
        pos = e + 1
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        out.extend(_cut_long(Line(s + lead, s + lead + len(stripped), stripped)))
    return out


_INLINE_HEAD = re.compile(rf"(?<=[。！？；])\s*(?=[{_CN_NUM}]{{1,3}}、|[（(][{_CN_NUM}]{{1,3}}[)）])")
_SENT_END = re.compile(r"(?<=[。！？；])")
LONG_LINE = 400  # a flattened page body (no line breaks) is cut at inline headings, then into sentence groups
CHUNK = 250


def _cut_long(line: Line) -> list[Line]:
    if len(line.text) <= LONG_LINE:
        return [line]
    cuts = sorted({0, len(line.text), *(m.start() for m in _INLINE_HEAD.finditer(line.text))})
    pieces: list[Line] = []
    for a, b in zip(cuts, cuts[1:]):
        seg = line.text[a:b]
        if len(seg) <= LONG_LINE:
            pieces.append(Line(line.start + a, line.start + b, seg))
            continue
        start = 0
        bounds = [m.start() for m in _SENT_END.finditer(seg)] + [len(seg)]
        last = 0
        for e in bounds:
            if e - start >= CHUNK or e == len(seg):
                if e > start:
                    pieces.append(Line(line.start + a + start, line.start + a + e, seg[start:e]))
                start = e
            last = e
    out = []
    for p in pieces:  # trim whitespace the cut left at the edges
        t = p.text.strip()
        if t:
            lead = len(p.text) - len(p.text.lstrip())
            out.append(Line(p.start + lead, p.start + lead + len(t), t))
    return out


def drop_repeated_body(lines: list[Line]) -> list[Line]:
    """Keep the first copy of a body the page shows twice (first three lines recur later, in order)."""
    n = len(lines)
    if n < 6:
        return lines
    first = [ln.text for ln in lines[:3]]
    for k in range(3, n - 2):
        if [ln.text for ln in lines[k : k + 3]] == first:
            rest = [ln.text for ln in lines[k:]]
            head = [ln.text for ln in lines[: len(rest)]]
            same = sum(a == b for a, b in zip(rest, head))
            if same >= 0.6 * len(rest):
                kept = lines[:k]
                while kept and kept[-1].text in _TAB_CHROME:
                    kept.pop()
                return kept
    return lines


def is_section_title(text: str) -> bool:
    """An unnumbered short line counts as a heading only when the synonym table knows it (出台背景, 主要内容…)."""
    from nlp.completeness.headings import load_table

    return bool(load_table().elements(text)) and not text.endswith(tuple("。；;！!"))


def _table_heading_end(body: str) -> int:
    """End of heading words glued to their text without punctuation ("背景依据档案工作是…" -> 4), or 0."""
    from nlp.completeness.headings import load_table

    head = re.sub(r"《[^》]{0,40}》", lambda m: "\0" * len(m.group(0)), body[:30])
    best = 0
    for _el, rx in load_table().rows:
        for m in rx.finditer(head[:16]):
            if m.start() <= 8 and m.end() > best:
                best = m.end()
    # keep a trailing 和/及/与 + second keyword ("背景和目的") already covered; never cut inside 《》
    return best if best >= 2 and "\0" not in body[best - 1 : best] else 0


def _numbering(line: str) -> tuple[int, int]:
    """(level, length of the numbering prefix) or (0, 0)."""
    for level, rx in _NUMBERING:
        m = rx.match(line)
        if m and m.end() < len(line) + 1:
            return level, m.end()
    return 0, 0


def _split_heading(line: Line) -> tuple[Unit | None, Line | None]:
    """Split a line into (heading, remaining text). Either part may be None."""
    t = line.text
    level, cut = _numbering(t)
    if _QA_PREFIX.match(t) or (t.endswith(("？", "?")) and len(t) <= 60):
        return Unit(line.start, line.end, t, "heading", 4, _QA_PREFIX.sub("", t[cut:])), None
    if level == 0:
        bare = t.strip("【】[]：: ")
        bracketed = t.startswith("【") and t.endswith("】")
        if 2 <= len(bare) <= 16 and "，" not in bare and "," not in bare and (bracketed or is_section_title(bare)):
            return Unit(line.start, line.end, t, "heading", 5, bare), None  # unnumbered title: 【政策背景】 / 出台背景
        return None, line
    body = t[cut:]
    if not body:
        return Unit(line.start, line.end, t, "heading", level, ""), None
    if len(t) <= _HEADING_MAX and (body[-1] not in "。；;，," or len(body) <= 14):
        return Unit(line.start, line.end, t, "heading", level, body.rstrip("。：:")), None
    # heading glued to its paragraph: "（一）储备目的。避免…" -> heading up to the first 。/：
    m = re.search(r"[。：:？?]", body)
    k = _table_heading_end(body)
    if m and k and k < m.start() - 2 and body[k] not in "的和及与、":
        m = None  # "主要内容《规划》是指…。": the heading words end before the punctuation
    if m and m.start() <= 24:
        h_end = line.start + cut + m.end()
        rest = t[cut + m.end():].lstrip()
        head = Unit(line.start, h_end, t[: cut + m.end()], "heading", level, body[: m.start()])
        if rest:
            r_start = line.end - len(rest)
            return head, Line(r_start, line.end, rest)
        return head, None
    if k:
        head = Unit(line.start, line.start + cut + k, t[: cut + k], "heading", level, body[:k])
        rest = t[cut + k:]
        return head, Line(line.end - len(rest), line.end, rest)
    # a numbered long sentence: the numbering alone is the heading marker
    return Unit(line.start, line.start + cut, t[:cut], "heading", level, ""), Line(line.start + cut, line.end, body)


def segment(text: str) -> list[Unit]:
    """Units in reading order: headings separate, fragments merged into blocks, a repeated body dropped."""
    lines = drop_repeated_body(split_lines(text))
    units: list[Unit] = []
    block: list[Line] = []

    def flush() -> None:
        if block:
            s, e = block[0].start, block[-1].end
            units.append(Unit(s, e, text[s:e], "text"))
            block.clear()

    seen: set[str] = set()
    for ln in lines:
        if ln.text in _TAB_CHROME:
            continue
        head, rest = _split_heading(ln)
        if head is not None:
            # an unnumbered short line inside a broken paragraph is a fragment, not a heading
            if head.level == 5 and block and block[-1].text[-1] not in _TERMINAL:
                head, rest = None, ln
        if (head is None or head.level == 5) and units and units[-1].kind == "heading" and not block \
                and not units[-1].label_text and len(ln.text) <= 30 and ln.text[-1] not in "。；;，,":
            prev = units.pop()  # "一、" on its own line, the heading words on the next
            head, rest = Unit(prev.start, ln.end, text[prev.start:ln.end], "heading", prev.level, ln.text.rstrip("：:")), None
        if head is not None:
            flush()
            units.append(head)
        if rest is None:
            continue
        if rest.text in seen and len(rest.text) >= 20:
            continue  # the same paragraph printed twice
        seen.add(rest.text)
        if block and block[-1].text[-1] in _TERMINAL and sum(len(b.text) for b in block) >= 20:
            flush()
        block.append(rest)
        if _ANSWER_PREFIX.match(rest.text) and len(block) > 1:
            block.pop()
            flush()
            block.append(rest)
    flush()
    return units


def unit_text(u: Unit) -> str:
    """The model's view of a unit: line breaks inside broken paragraphs removed."""
    return re.sub(r"\s*\n\s*", "", u.text)
