"""Normalisation of submitted text, keeping a map back to what the user wrote.

Crawled government pages arrive damaged in repeatable ways: copied through a traditional-character
converter that glues pinyin after each character ("關(guān)于"), saved in the wrong encoding ("?。▍^"),
padded with full-width digits, table pipes, ideographic spaces and share/print/close chrome. The checks
downstream must see clean simplified text, but an editor must see findings highlighted where they wrote
them, so every pass keeps `offsets[i]` = index in the input of `norm[i]` (plus one sentinel = len(input)).

Each pass is a regex substitution rebuilt by `_sub`, so only the matches cost Python time (the copy of
unchanged stretches of the offset list is a C-level slice): normalising a 2,000-character page takes well
under a millisecond when there is nothing to fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from nlp.schema import Issue

Offsets = list[int]
# offsets[i] = index in the submitted text of norm[i], plus one sentinel (= len(submitted)); see Document.to_source
OffsetMap = Offsets

# ---------------------------------------------------------------- helpers


def _sub(text: str, offs: Offsets | None, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> tuple[str, Offsets | None]:
    """`pattern.sub` that also rewrites the offset map (plain `pattern.sub` when there is no map).

    A replacement of the same length maps 1:1 onto the replaced characters; a shorter or longer one maps
    every new character to the start of the match (a deleted span simply disappears from the map).
    """
    if offs is None:
        return pattern.sub(repl, text), None
    out: list[str] = []
    new: Offsets = []
    last = 0
    for m in pattern.finditer(text):
        s, e = m.span()
        r = repl(m) if callable(repl) else repl
        if r == text[s:e]:
            continue
        out.append(text[last:s])
        new.extend(offs[last:s])
        if r:
            out.append(r)
            if len(r) == e - s:
                new.extend(offs[s:e])
            else:
                new.extend([offs[s]] * len(r))
        last = e
    if not out and last == 0:
        return text, offs
    out.append(text[last:])
    new.extend(offs[last:])  # includes the sentinel
    return "".join(out), new


# ---------------------------------------------------------------- passes: characters

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
# zero-width characters, soft hyphen, BOM, and C0/C1 controls other than \t and \n
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]+")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# One toned pinyin syllable in parentheses, e.g. "(guān)". Converters that produce these glue them after
# every ambiguous character; an untoned "(de)" or a multi-word "(Běijīng City)" is left alone.
_PINYIN = re.compile(rf"[(（][a-zü]{{0,5}}[{_TONED}][a-zü]{{0,5}}[)）]")

# full-width ASCII letters and digits -> half-width; Chinese punctuation (，：（）〔〕…) is kept
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})
_WIDE_CHARS = frozenset(chr(c) for c in _WIDTH)


@lru_cache(maxsize=1)
def _opencc_sets() -> tuple[frozenset[str], frozenset[str], dict[int, str]]:
    """Characters that are only traditional / only simplified, plus a 1:1 char table (t2s first choice)."""
    import opencc

    d = Path(opencc.__file__).resolve().parent / "dictionary"

    def load(name: str) -> dict[str, str]:
        m: dict[str, str] = {}
        with (d / name).open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and len(parts[0]) == 1:
                    first = parts[1].split(" ")[0]
                    if len(first) == 1 and first != parts[0]:
                        m[parts[0]] = first
        return m

    ts, st = load("TSCharacters.txt"), load("STCharacters.txt")
    trad = frozenset(ts) - frozenset(st)
    simp = frozenset(st) - frozenset(ts)
    return trad, simp, {ord(k): v for k, v in ts.items()}


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def traditional_ratio(text: str) -> tuple[int, int]:
    """(distinct traditional-only chars, distinct simplified-only chars) — set intersections run in C."""
    trad, simp, _ = _opencc_sets()
    chars = set(text)
    return len(chars & trad), len(chars & simp)


def is_mostly_traditional(text: str) -> bool:
    """True when traditional-only characters outnumber simplified-only ones (and there are a few).

    Simplified text quoting a legitimate variant (乾隆, a 繁体 brand name) stays untouched.
    """
    t, s = traditional_ratio(text)
    return t >= 2 and t > 2 * s


def to_simplified(text: str) -> str:
    """Traditional -> simplified, length-preserving (OpenCC phrases per line, 1:1 characters otherwise)."""
    cc = _t2s()
    _, _, table = _opencc_sets()
    out = []
    for line in text.split("\n"):
        conv = cc.convert(line) if line else line
        out.append(conv if len(conv) == len(line) else line.translate(table))
    return "\n".join(out)


# ---------------------------------------------------------------- passes: lines and chrome

_HSPACE = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
# Patterns start at a pipe (not at optional spaces) so a long run of spaces is never rescanned (linear time);
# the spaces around a removed pipe are collapsed by the whitespace passes that follow.
_PIPES = re.compile(rf"\|(?:{_HSPACE}*\|)+")
_EDGE_PIPE = re.compile(rf"(?m)^{_HSPACE}*[|¦]+|(?<![|¦])[|¦]+{_HSPACE}*$")
_LINE_EDGE_WS = re.compile(rf"(?m)^{_HSPACE}+|(?<!{_HSPACE}){_HSPACE}+$")  # lookbehind: never rescan inside a run
_INNER_WS = re.compile(rf"{_HSPACE}{{2,}}|[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_BLANK_LINES = re.compile(r"\n{2,}")

# A chrome line consists only of UI words (print, close, share, QR code, font size, view counter...).
_CHROME_WORDS = (
    "扫一扫在手机打开当前页|在手机打开当前页|扫一扫|扫描二维码|手机扫描二维码|二维码|关注我们|手机版|"
    "打印本页|打印此页|打印文章|打印正文|打印|关闭窗口|关闭本页|关闭|返回顶部|返回首页|返回列表|返回|"
    "加入收藏|收藏本页|收藏|分享到|分享|字号|字体|默认|视力保护色|保护视力色|我要纠错|纠错|"
    "浏览次数|浏览量|访问量|访问次数|点击数|点击量|点击率|点击|阅读量|阅读次数|阅读数|"
    "QQ空间|QQ好友|新浪微博|腾讯微博|微信好友|微信|微博|朋友圈|人人网|豆瓣|今日头条|复制链接|保存"
)
_CHROME_STRONG = re.compile(_CHROME_WORDS)
_CHROME_LINE = re.compile(rf"(?:{_CHROME_WORDS}|[大中小次]|[0-9\s:：|/·•\-—()（）,，.。、【】\[\]>＞»])+")
_CHROME_PREFIX = re.compile(r"(?:本文链接|本页链接|本文地址|本文关键词|相关文章|相关链接|相关阅读|相关政策|最新政策|相关新闻|上一篇|下一篇)(?:$|[:：\s])")


# site footer lines (never in a document body): copyright, ICP licence, site id, organiser/tech support
_FOOTER = re.compile(r"版权所有|Copyright|©|ICP备|公网安备|网站标识码|网站地图|^(?:主办|承办|协办|技术支持|维护)(?:单位)?\s*[:：]|^联系我们")


def _is_chrome_line(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 120:
        return False
    if _CHROME_PREFIX.match(s) or _FOOTER.search(s):
        return True
    if len(s) > 80:
        return False
    return bool(_CHROME_LINE.fullmatch(s) and _CHROME_STRONG.search(s))


def is_chrome_line(line: str) -> bool:
    """Public for the HTML extractor: the same test on a block's text."""
    return _is_chrome_line(line)


_CHROME_ANY = re.compile(_CHROME_WORDS + r"|本文链接|本页链接|本文地址|本文关键词|相关|最新政策|上一篇|下一篇|版权所有|"
                         r"Copyright|©|ICP备|公网安备|网站标识码|网站地图|主办|承办|协办|技术支持|维护|联系我们")


def _drop_chrome_lines(text: str, offs: Offsets | None) -> tuple[str, Offsets | None]:
    if not _CHROME_ANY.search(text):
        return text, offs
    if offs is None:
        return "\n".join(line for line in text.split("\n") if not _is_chrome_line(line)), None
    out: list[str] = []
    new: Offsets = []
    pos = 0
    changed = False
    for line in text.split("\n"):
        end = pos + len(line)
        if _is_chrome_line(line):
            changed = True
        else:
            out.append(line)
            new.extend(offs[pos:end])
            new.append(offs[end])  # the "\n" after the line (or the sentinel for the last line)
        pos = end + 1
    if not changed:
        return text, offs
    joined = "\n".join(out)
    new = new[: len(joined)] + [offs[-1]]
    return joined, new


# ---------------------------------------------------------------- mojibake

# U+2500-2503 (─━│┃) are excluded: editors type them as dashes and bars
_MOJI_CLASS = "\ufffd\ue000-\uf8ff\u2504-\u259f\u3100-\u312f€¤"
_MOJI = re.compile(
    # bounded runs after "?" keep this linear: an unbounded optional prefix would rescan every letter run
    rf"[?？]。?[A-Za-z\u00c0-\u024f]{{0,8}}[{_MOJI_CLASS}][{_MOJI_CLASS}A-Za-z^)\]?]*"  # "?。▍^", "?。ㄎ"
    rf"|[{_MOJI_CLASS}][{_MOJI_CLASS}A-Za-z^)\]?]*"  # "┍O", "\ufffd"
    rf"|\?[a-z]{{0,6}}[\u00c0-\u024f][a-z\u00c0-\u024f]{{0,6}}[)\]]?[A-Z]?"  # "?yè)P"
    r"|[\u00c0-\u00ff]{2,}|[\u00a1-\u00ff]{3,}"  # GBK/UTF-8 bytes read as Latin-1 ("ÖÐÎÄ", "¹ØÓÚ", "å³äº")
    r"|锟斤拷|烫烫烫|屯屯屯"
)


@lru_cache(maxsize=1)
def _gbk_tables() -> tuple[frozenset[str], frozenset[str]]:
    """(chars whose GBK bytes look like a UTF-8 lead + continuation, GB2312 level-1 common chars)."""
    leads = set()
    for b0 in range(0xE4, 0xEA):
        for b1 in range(0x80, 0xC0):
            try:
                leads.add(bytes((b0, b1)).decode("gbk"))
            except UnicodeDecodeError:
                pass
    common = set()
    for b0 in range(0xB0, 0xD8):
        for b1 in range(0xA1, 0xFF):
            try:
                common.add(bytes((b0, b1)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(leads), frozenset(common)


@lru_cache(maxsize=1)
def _gbk_lead_re() -> re.Pattern[str]:
    leads, _ = _gbk_tables()
    return re.compile("[" + "".join(re.escape(c) for c in sorted(leads)) + "]")


def _utf8_as_gbk_spans(text: str) -> list[tuple[int, int]]:
    """Runs such as "鍏充簬" (UTF-8 bytes of common characters decoded as GBK)."""
    leads, common = _gbk_tables()
    spans: list[tuple[int, int]] = []
    if leads.isdisjoint(text):
        return spans
    nxt = 0
    for m in _gbk_lead_re().finditer(text):
        i = m.start()
        if i < nxt:
            continue
        try:
            dec = text[i : i + 3].encode("gbk").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(dec) == 2 and all(c in common for c in dec):
            if spans and spans[-1][1] >= i - 1:
                spans[-1] = (spans[-1][0], i + 3)
            else:
                spans.append((i, i + 3))
            nxt = i + 3
    return spans


@lru_cache(maxsize=1)
def _suspicious_chars() -> frozenset[str]:
    """Characters that can start a mojibake span: a page without any of them is skipped in one set test."""
    chars = set("\ufffd€¤?锟烫屯")
    for lo, hi in ((0xE000, 0xF8FF), (0x2504, 0x259F), (0x3100, 0x312F), (0x00A1, 0x024F)):
        chars.update(chr(c) for c in range(lo, hi + 1))
    return frozenset(chars) | _gbk_tables()[0]


def find_mojibake(text: str, max_issues: int = 50, chars: set[str] | None = None) -> list[Issue]:
    """Positions of mis-decoded text; spans closer than 3 characters are merged into one warning."""
    if _suspicious_chars().isdisjoint(chars if chars is not None else set(text)):
        return []
    spans = [m.span() for m in _MOJI.finditer(text)]
    spans.extend(_utf8_as_gbk_spans(text))
    if not spans:
        return []
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s - merged[-1][1] <= 2 and "\n" not in text[merged[-1][1] : s]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    issues = []
    for s, e in merged[:max_issues]:
        issues.append(
            Issue(
                code="mojibake",
                message=f"mis-decoded text {text[s:e]!r}: the page was saved or copied in the wrong character "
                "encoding; check the original document and republish the correct characters",
                start=s,
                end=e,
            )
        )
    if len(merged) > max_issues:
        issues.append(Issue(code="mojibake", message=f"{len(merged) - max_issues} more mis-decoded spans not listed"))
    return issues


# ---------------------------------------------------------------- the pipeline


def normalize_with_map(text: str, *, drop_chrome: bool = True, keep_map: bool = True) -> tuple[str, Offsets, list[Issue]]:
    """Clean `text`; return (normalised, offsets into `text` with a sentinel, warnings).

    Warnings: `traditional_converted` (the text was a traditional-character copy), `pinyin_removed`,
    `mojibake` (with start/end in the normalised text). `keep_map=False` skips the offset bookkeeping
    (HTML, .docx, PDF: the extracted text is not what the user typed) and returns an empty map.
    """
    warnings: list[Issue] = []
    offs: Offsets | None = list(range(len(text) + 1)) if keep_map else None
    t, offs = _sub(text, offs, _NEWLINES, "\n")
    t, offs = _sub(t, offs, _INVISIBLE, "")
    t2, offs2 = _sub(t, offs, _PINYIN, "")
    glued = len(t2) != len(t)
    if glued:
        n = (len(t) - len(t2))
        warnings.append(Issue(code="pinyin_removed", message=f"removed pinyin annotations glued after characters "
                              f"({n} characters), a sign the page went through a conversion tool"))
        t, offs = t2, offs2
    chars = set(t)
    trad, simp, _ = _opencc_sets()
    n_trad, n_simp = len(trad.intersection(chars)), len(simp.intersection(chars))
    # pinyin glue is the fingerprint of a conversion tool: then even one traditional character is converted
    if (n_trad >= 2 and n_trad > 2 * n_simp) or (glued and n_trad >= max(1, n_simp)):
        t = to_simplified(t)  # length-preserving: the map is unchanged
        chars = set(t)
        warnings.append(Issue(code="traditional_converted", message="the text was in traditional characters and "
                              "was converted to simplified; the published page should use simplified characters"))
    if not _WIDE_CHARS.isdisjoint(chars):
        t = t.translate(_WIDTH)  # 1:1
    t, offs = _sub(t, offs, _PIPES, " ")
    t, offs = _sub(t, offs, _EDGE_PIPE, "")
    t, offs = _sub(t, offs, _LINE_EDGE_WS, "")
    t, offs = _sub(t, offs, _INNER_WS, " ")
    if drop_chrome:
        t, offs = _drop_chrome_lines(t, offs)
    t, offs = _sub(t, offs, _BLANK_LINES, "\n")
    # trim leading/trailing newlines
    start = 0
    while start < len(t) and t[start] == "\n":
        start += 1
    end = len(t)
    while end > start and t[end - 1] == "\n":
        end -= 1
    if start or end != len(t):
        if offs is not None:
            offs = offs[start:end] + [offs[-1]]
        t = t[start:end]
    warnings.extend(find_mojibake(t, chars=chars))
    return t, offs if offs is not None else [], warnings


def normalize(text: str, **kw) -> str:
    return normalize_with_map(text, **kw)[0]
