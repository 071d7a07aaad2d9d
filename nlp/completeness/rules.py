"""Rule signals that need no training: the linked document, the page's form, itemisation, phrase cues.

These are the parts of completeness an inspector checks by eye (does it name 《the document》 or its 文号?
is it a Q&A? is there any text at all?), so rules are both more precise and easier to explain than a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.completeness.segment import Unit
from nlp.metadata import FILENO

# 《title》 of a document (not a newspaper or a law quoted in passing is hard to tell apart; any 《…》 of
# policy-like length counts) and a 文号 such as 明政办〔2022〕2号 / 闽政〔2021〕12号 (also [] () 【】 variants).
TITLE_RX = re.compile(r"《[^《》\n]{4,80}》")
FILENO_RX = FILENO  # the project's one 文号 pattern (nlp.metadata)
_INTRO_RX = re.compile(r"(?:印发|出台|发布|制定|颁布|公布|修订|起草)了?《[^《》\n]{4,80}》|《[^《》\n]{4,80}》(?:（[^）]{0,40}）)?(?:以下简称|的?政策解读|解读如下|主要内容)")

QUESTION_TITLE_RX = re.compile(r"答记者问|问答|一问一答|答问|访谈|热点问题|百问|问与答")
GRAPHIC_TITLE_RX = re.compile(r"图解|一图|图说|图读|图示|长图|漫画|动漫|H5")
VIDEO_TITLE_RX = re.compile(r"视频|音频|微课|直播|动画")
ENUM_RX = re.compile(r"(?:^|\n|[。；;：:])\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+[，、条])")

# Phrase cues for the secondary elements: precise, so a hit is evidence on its own.
CUES: dict[str, re.Pattern[str]] = {
    "guidance": re.compile(r"咨询电话|联系电话|受理(?:单位|部门|窗口|地点|时间)|申请材料|申报材料|所需材料|办理(?:流程|程序|时限|地点|渠道)"
                           r"|办事指南|网上办理|登录.{0,20}(?:网|平台|系统)|一网通办|窗口办理|办结"),
    "terms": re.compile(r"是指|指的是|本(?:办法|方案|通知|意见|细则|规定|措施)所称|名词解释|术语"),
    "differences": re.compile(r"与原.{0,12}相比|较原|由原来|原《|调整为|修订后|修改为|不再(?:执行|保留|要求)|新增(?:了)?|取消了|废止"),
    "measures": re.compile(r"自.{0,24}起(?:施行|实施|执行)|有效期|施行之日|实施期限|执行期限|起施行|保障措施|考核|督查|问责"),
    "scope": re.compile(r"适用于|适用范围|适用对象|实施范围|支持对象|补助对象|申报对象|服务对象"),
}


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    text: str


def linked_document(text: str, title: str | None = None) -> list[Hit]:
    """Where the interpretation names the interpreted document (《title》 or 文号), best first."""
    hits: list[Hit] = []
    for rx in (_INTRO_RX, FILENO_RX, TITLE_RX):
        for m in rx.finditer(text):
            hits.append(Hit(m.start(), m.end(), m.group(0)))
        if hits:
            break
    return hits[:3]


def title_names_document(title: str | None) -> bool:
    return bool(title and (TITLE_RX.search(title) or FILENO_RX.search(title)))


def itemized(text: str) -> int:
    """How many enumeration markers (一是, （一）, 1., 第一条…) the text carries."""
    return len(ENUM_RX.findall(text))


def cue_hits(element: str, text: str, units: list[Unit]) -> list[Hit]:
    """Text units containing a cue phrase of the element (the unit is the evidence)."""
    rx = CUES.get(element)
    if rx is None:
        return []
    return [Hit(u.start, u.end, u.text) for u in units if u.kind == "text" and rx.search(u.text)]


def form_of(text: str, title: str | None, units: list[Unit], body_chars: int) -> str:
    """text | qa | graphic | video — the last two only when the page has little text of its own."""
    t = title or ""
    little = body_chars < 200
    if little and VIDEO_TITLE_RX.search(t + text[:200]):
        return "video"
    if little:
        return "graphic"
    questions = sum(1 for u in units if u.kind == "heading" and u.level == 4)
    if QUESTION_TITLE_RX.search(t) or questions >= 2:
        return "qa"
    return "text"
