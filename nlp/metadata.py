"""Document metadata read from plain text: 发文字号, 成文日期 (落款), 发布日期, title, 来源, 发文机关, 栏目.

Used when there is no HTML metadata table (drafts, crawled text, PDFs, .docx) and as a fallback for HTML.
Pure functions over normalised text (simplified characters, one paragraph per line).

The 发文字号 is extracted even when malformed ([2021], (2021), 〔21〕, 第5号): the wording checker flags
the format, ingestion only has to find it. Only a 文号 standing on its own line (or opening a line near the
top) is taken as the document's own number; a 文号 inside a sentence is a citation of another document.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

_CJK = "\u4e00-\u9fff"

# ---------------------------------------------------------------- dates

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_NUM_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九OＯ]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,4})\s*日")


def _cn_small(s: str) -> int | None:
    """一..三十一 -> int."""
    if not s:
        return None
    if "十" not in s:
        return _CN_DIGITS.get(s) if len(s) == 1 else None
    head, _, tail = s.partition("十")
    tens = _CN_DIGITS.get(head, None) if head else 1
    ones = _CN_DIGITS.get(tail, None) if tail else 0
    if tens is None or ones is None:
        return None
    return tens * 10 + ones


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


_ANY_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def to_date(value: "str | _dt.date | None") -> "_dt.date | None":
    """ISO or Chinese date ('2024-09-29 10:00', '2024年9月29日') to a date; None when absent or impossible.

    The one parser the checks share (wording date checks, scan working-day delays) so they agree on a date.
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    m = _ANY_DATE.search(str(value))
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_date(s: str | None) -> str | None:
    """The first date in `s` as ISO (YYYY-MM-DD): 2021年3月9日, 2021-03-22 20:06, 2018.05.29, 二〇二一年三月九日."""
    if not s:
        return None
    m = _NUM_DATE.search(s)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _CN_DATE.search(s)
    if m:
        y = "".join(str(_CN_DIGITS.get(c, "")) for c in m.group(1))
        mo, d = _cn_small(m.group(2)), _cn_small(m.group(3))
        if len(y) == 4 and mo and d:
            return _iso(int(y), mo, d)
    return None


# ---------------------------------------------------------------- 发文字号

_YEAR_BRACKETS = r"[〔\[\(（【［〖﹝]\s*(?:19|20)?\d{2}\s*[〕\]\)）】］〗﹞]"
FILENO = re.compile(
    rf"[{_CJK}]{{1,16}}?{_YEAR_BRACKETS}\s*第?\s*\d{{1,5}}\s*号"
    rf"|[{_CJK}]{{1,14}}?(?:19|20)\d{{2}}\s*年?\s*第?\s*\d{{1,5}}\s*号"  # 国办发2021年5号 (malformed, still a 文号)
    rf"|[{_CJK}]{{1,10}}令\s*第\s*\d{{1,5}}\s*号"
)
_FILENO_LINE = re.compile(rf"[{_CJK}]{{1,16}}{_YEAR_BRACKETS}\s*第?\s*\d{{1,5}}\s*号|[{_CJK}]{{1,10}}令\s*第\s*\d{{1,5}}\s*号")
_FILENO_LABEL = re.compile(r"(?:发文字号|文\s*号)[】\]]?[ \t]*[:：]?[ \t]*([^\s:：].{0,30}?号)")


def find_fileno(text: str, head_lines: int = 30) -> str | None:
    """The document's own 发文字号: a labelled one, a line that is only a 文号, or one opening a line near the top."""
    m = _FILENO_LABEL.search(text[:3000])
    if m:
        return _squash(m.group(1))
    lines = _lines(text)
    for line in lines[:head_lines]:
        if len(line) <= 40 and _FILENO_LINE.fullmatch(line.strip("　 ")):
            return _squash(line)
    for line in lines[:10]:
        m = _FILENO_LINE.match(line)
        if m and (m.end() == len(line) or line[m.end()] in "《<〈“\" "):
            return _squash(m.group(0))
    return None


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# ---------------------------------------------------------------- 成文日期 / 发布日期

_DATE_LINE = re.compile(
    rf"[（(]?\s*(?:(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|[〇○零一二三四五六七八九OＯ]{{4}}年[一二三四五六七八九十]{{1,3}}月[一二三四五六七八九十]{{1,4}}日)\s*[）)]?"
)
_ORG_SUFFIX = re.compile(r"(?:人民政府|政府|办公厅|办公室|委员会|领导小组|指挥部|局|厅|部|委|院|署|会|中心|办|室|处|所|公司|集团|协会|银行|党组|党委)$")


@dataclass(frozen=True)
class Signature:
    """The 落款: the issuing organ and the 成文日期 at the end of a document."""

    written: str | None
    publisher: str | None
    line: int | None  # index in the non-empty lines


def find_signature(text: str, tail_lines: int = 15) -> Signature:
    """The last line near the end that is only a date (optionally preceded by the organ) is the 落款 date."""
    lines = _lines(text)
    n = len(lines)
    lo = max(0, n - tail_lines) if n > 6 else 0
    for i in range(n - 1, lo - 1, -1):
        line = lines[i].strip()
        m = _DATE_LINE.search(line)
        if not m:
            continue
        before, after = line[: m.start()].strip(), line[m.end():].strip()
        if after or len(before) > 30:
            continue
        if before and not _ORG_SUFFIX.search(before):
            continue
        written = parse_date(m.group(0))
        if not written:
            continue
        publisher = before or None
        if publisher is None and i > 0:
            prev = lines[i - 1].strip()
            if len(prev) <= 30 and _ORG_SUFFIX.search(prev) and not re.search(r"[，。：:；;,]", prev):
                publisher = prev
        return Signature(written=written, publisher=publisher, line=i)
    return Signature(None, None, None)


def find_written(text: str) -> str | None:
    m = re.search(r"成文日期[】\]]?[ \t]*[:：]?[ \t]*(\S[^\n]{0,20})", text[:3000])
    if m and parse_date(m.group(1)):
        return parse_date(m.group(1))
    return find_signature(text).written


_PUBLISHED = re.compile(r"(?:发布时间|发布日期|发表时间|公开日期|发稿时间|发文日期|更新时间|时[ \t]*间|日[ \t]*期)[】\]]?[ \t]*[:：]?[ \t]*([^\n]{6,30})")


def find_published(text: str, limit: int | None = 2000) -> str | None:
    for m in _PUBLISHED.finditer(text[:limit] if limit else text):
        d = parse_date(m.group(1))
        if d:
            return d
    return None


# ---------------------------------------------------------------- 来源 / 发文机关 / 栏目

_SOURCE = re.compile(r"(?:信息)?来[ \t]*源[ \t]*[:：][ \t]*([^\s|:：]{2,40})")
_PUBLISHER = re.compile(r"(?:发文机关|发布机构|发布机关|制定机关)[】\]]?[ \t]*[:：]?[ \t]*([^\s|•【]{2,60})")
_CRUMB = re.compile(r"(?:当前位置|您的位置|你的位置|所在位置|当前栏目|您现在的位置|现在位置)[ \t]*[:：]?[ \t]*([^\n]{1,120})")


def find_source(text: str, limit: int | None = 2000) -> str | None:
    m = _SOURCE.search(text[:limit] if limit else text)
    if not m:
        return None
    val = re.split(r"时间|日期|发布|作者|浏览|点击|字号", m.group(1))[0].strip()
    return val or None


def find_publisher(text: str) -> str | None:
    m = _PUBLISHER.search(text[:3000])
    if m:
        return m.group(1)
    return find_signature(text).publisher


def clean_breadcrumb(s: str) -> str | None:
    """"首页 > 政务公开 > 政策解读" -> "政务公开 > 政策解读"."""
    parts = [p.strip() for p in re.split(r"\s*(?:>>|>|＞|»|›|→|/|\\|＼|－|—)\s*", s) if p.strip()]
    parts = [p for p in parts if p not in {"首页", "网站首页", "主页", "返回首页", "正文", "正文内容", "详情", "内容"}]
    return " > ".join(parts) or None


def find_column(text: str) -> str | None:
    m = _CRUMB.search(text[:3000])
    return clean_breadcrumb(m.group(1)) if m else None


# ---------------------------------------------------------------- title

_GENRE_END = re.compile(
    r"(?:通知|通报|意见|办法|决定|规定|方案|报告|批复|复函|函|公告|通告|条例|细则|规则|规划|纲要|解读|答记者问|"
    r"要点|措施|标准|决议|命令|公报|讲话|计划|制度|章程|目录|清单|指南|指引|说明|问答|图解|议案|提案|答复|令|公示|公布)"
    r"(?:[（(](?:试行|暂行|征求意见稿|草案|修订|\d{4}年[^)）]{0,8})[)）])?$"
)
_TITLE_WORDS = re.compile(r"关于|印发|转发|解读|通知|通报|意见|办法|决定|规定|实施|方案|报告|批复")
_SENTENCE = re.compile(r"[，。；;！!？?]|[：:]$")
_NOT_TITLE = re.compile(
    r"^(?:当前位置|您的位置|当前栏目|欢迎|首页|来源|时间|日期|发布|浏览|点击|作者|编辑|责任编辑|索引号|主题分类|"
    r"分享|打印|字号|附件|主题词|各[^，,]{0,30}[：:]$)"
)
_SPAM_JOIN = re.compile(r"[^_\s]{2,}_[^_\s]{2,}_[^_\s]{2,}")
_BOOK = re.compile(r"《([^《》\n]{4,120})》")


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _title_score(line: str, cited: set[str]) -> float:
    n = len(line)
    if n < 4 or n > 120:
        return -10
    score = 0.0
    if line.count("_") >= 2:
        return -20  # hacked pages: spam titles of underscore-joined phrases
    if _NOT_TITLE.match(line):
        return -10
    if n < 25 and (_FILENO_LINE.fullmatch(line) or _DATE_LINE.fullmatch(line) or parse_date(line)):
        return -10
    if "关于" in line:
        score += 3
    if _GENRE_END.search(line):
        score += 4
    elif _TITLE_WORDS.search(line):
        score += 1
    if line in cited:
        score += 4
    if _SENTENCE.search(line):
        score -= 5
    if n > 60:
        score -= 2
    if re.search(r"https?://|www\.", line):
        score -= 10
    if _FRAGMENT.search(line):
        score -= 6
    return score


_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十百\d]+[条章节]|\d+[.、．])")
_PAREN_LINE = re.compile(r"^[（(].*[）)]$")


# a line that starts or ends mid-phrase is a fragment of a wrapped paragraph, not a headline
_FRAGMENT_RE = re.compile(r"^[〔〕）)日月号年、，,。；;：:]|[、，,和及与的了于为在对由第（(《〈“已经]$")


class _Fragment:
    """Starts or ends mid-phrase, or has unbalanced 《》: a piece of a wrapped paragraph, not a title."""

    @staticmethod
    def search(line: str) -> bool:
        return bool(_FRAGMENT_RE.search(line)) or line.count("《") != line.count("》")


_FRAGMENT = _Fragment()
_ORG_LINE = re.compile(rf"[{_CJK}]{{2,20}}(?:人民政府|政府|办公厅|办公室|委员会|领导小组|局|厅|部|委|院|署|中心|办|室|处)")


def _body_starts(line: str) -> bool:
    """The salutation (主送机关 "各…：") or the first real sentence: a title comes before it."""
    if len(line) >= 4 and line[-1] in "：:" and not _NOT_TITLE.match(line):
        return True
    return len(line) >= 15 and bool(re.search(r"[，。；,;]", line))


def find_title(text: str, head_lines: int = 20) -> str | None:
    """The line that reads like an official title, not simply the first line.

    A 文号 line such as "鄂政办电〔2021〕11号《…的通报》" names the title in 《》: a line equal to it scores
    highest. A title broken over two short lines is joined. Spam lines (underscore-joined phrases) never win.
    Titles precede the salutation / first sentence; after it only a complete "…关于…的通知" line is taken
    (a body without its header has no title, and an attached document's name is not one).
    """
    lines = _lines(text)[:head_lines]
    if not lines:
        return None
    cited: set[str] = set()
    for line in lines:
        m = _FILENO_LINE.match(line)
        if m:
            for b in _BOOK.findall(line[m.end():]):
                cited.add(b.strip())
    head = len(lines)
    for i, line in enumerate(lines):
        if _body_starts(line):
            head = i
            break
    candidates: list[tuple[float, int, str]] = []
    for i, line in enumerate(lines):
        line = re.sub(r"^(?:标\s*题|题\s*目)\s*[:：]\s*", "", line)
        penalty = 0.05 * i + (0 if i < head else 4)  # after the body starts: only strong titles (>= 7) survive
        if _HEADING.match(line) or _PAREN_LINE.match(line):
            continue
        candidates.append((_title_score(line, cited) - penalty, -i, line))
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if nxt and len(line) <= 30 and not _GENRE_END.search(line) and "关于" not in nxt and not _HEADING.match(nxt):
            joined = line + nxt
            if _GENRE_END.search(nxt) and not _SENTENCE.search(joined):
                candidates.append((_title_score(joined, cited) - penalty, -i, joined))
    for b in cited:
        candidates.append((_title_score(b, cited) - 0.5, 0, b))
    if candidates:
        best = max(candidates)
        if best[0] >= 3:
            return best[2]
    # no official-looking title: the first plausible short line before the body (news headlines have no keyword)
    for line in lines[: min(head, 8)]:
        if (6 <= len(line) <= 60 and _title_score(line, cited) > -5 and not _SENTENCE.search(line)
                and not _HEADING.match(line) and not _FRAGMENT.search(line) and not _ORG_LINE.fullmatch(line)
                and len(re.findall(f"[{_CJK}]", line)) >= 5):
            return line
    return None


# ---------------------------------------------------------------- 附件

_ATTACH_LINE = re.compile(r"^附\s*件\s*(\d{1,2})?\s*[:：]\s*(.*)$")
_ATTACH_ITEM = re.compile(r"^(\d{1,2})\s*[.．、]\s*(\S.{1,80})$")


def find_attachments(text: str, tail_lines: int = 40) -> list[str]:
    """Names listed after 附件： ("附件：1.…" and the numbered lines below it), in order, without duplicates."""
    lines = _lines(text)
    names: list[str] = []
    i = max(0, len(lines) - tail_lines) if len(lines) > tail_lines else 0
    while i < len(lines):
        m = _ATTACH_LINE.match(lines[i])
        if not m:
            i += 1
            continue
        first = m.group(2).strip()
        if first:
            item = _ATTACH_ITEM.match(first)
            names.append(item.group(2).strip() if item else first)
        j = i + 1
        while j < len(lines) and (item := _ATTACH_ITEM.match(lines[j])) and len(names) < 30:
            names.append(item.group(2).strip())
            j += 1
        i = j
    seen: set[str] = set()
    out = []
    for n in names:
        n = n.rstrip("。；;，,")
        if 2 <= len(n) <= 80 and n not in seen:
            seen.add(n)
            out.append(n)
    return out


# ---------------------------------------------------------------- all together


def extract(text: str) -> dict[str, str | None]:
    """Every field this module can read from `text` (None when absent)."""
    sig = find_signature(text)
    m = re.search(r"成文日期[】\]]?[ \t]*[:：]?[ \t]*(\S[^\n]{0,20})", text[:3000])
    written = parse_date(m.group(1)) if m else None
    pm = _PUBLISHER.search(text[:3000])
    return {
        "title": find_title(text),
        "fileno": find_fileno(text),
        "written": written or sig.written,
        "published": find_published(text),
        "publisher": pm.group(1) if pm else sig.publisher,
        "source": find_source(text),
        "column": find_column(text),
    }


# public names for the HTML reader (nlp/ingest/htmlmeta.py), which scores headline candidates the same way
GENRE_END = _GENRE_END
iso_date = _iso


def title_score(line: str) -> float:
    """How much a single line reads like an official title (>= 3: title-like; <= -10: certainly not)."""
    return _title_score(line, set())
