"""Injected SEO spam in the text (serious): gambling brands and porn-title runs.

A distinctive brand (必威, Betway) is reported alone; a brand that is also an ordinary word (开云, 半岛, 星空)
only with a gambling suffix (开云体育, 半岛体育app). Porn titles are runs of title tokens (…一区二区_…无码_…):
tokens within a few characters of each other are chained and a chain scoring >= 4 is reported as one finding.
"""

from __future__ import annotations

import re

import ahocorasick_rs

from nlp.schema import Finding
from nlp.wording.common import MAX_FINDINGS, ASCII_LOWER, WordFreq, finding
from nlp.wording.tables import SpamToken, Tables

_SUFFIX = re.compile(r"\s*(体育|娱乐城|娱乐|真人|电子|彩票|棋牌|官网|官方网站|app|平台|登录|注册|下载|网址|入口|网页版|手机版|客户端|在线)")
_VENUE = set("馆场中局赛总运")  # 半岛体育馆, 江南体育场, 星空体育中心 are places, not brands
_TAIL = re.compile(r"[\s]*(?:体育|娱乐|app|官网|官方网站|平台|登录|注册|下载|网址|入口|手机版|网页版|客户端|官方)+")
_GAP = re.compile(r"^[\s_\-|,，、/·.:：]*[a-z0-9]{0,3}[\s_\-|,，、/·.:：]*$|^.{0,6}$", re.S)


class SpamChecker:
    def __init__(self, tables: Tables, words: WordFreq | None = None) -> None:
        self.words = words or WordFreq({})
        self.tokens: dict[str, SpamToken] = {t.token.translate(ASCII_LOWER): t for t in tables.spam}
        self._pats = sorted(self.tokens)
        self._ac = ahocorasick_rs.AhoCorasick(self._pats, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def check(self, text: str, lowered: str) -> list[Finding]:
        out: list[Finding] = []
        porn: list[tuple[int, int, int, str]] = []
        for idx, s, e in self._ac.find_matches_as_indexes(lowered)[:MAX_FINDINGS]:
            tok = self._pats[idx]
            t = self.tokens[tok]
            if tok.isascii():
                if s > 0 and lowered[s - 1].isalnum() and lowered[s - 1].isascii():
                    continue  # inside a longer Latin word
                if e < len(lowered) and lowered[e].isalnum() and lowered[e].isascii() and not _SUFFIX.match(lowered, e):
                    continue  # betwayapp is a brand + suffix; betwayx is not
            if t.kind == "brand":
                if len(tok) >= 3 and not tok.isascii() and s > 0 and self.words.get(text[s - 1:s + 1]) >= 200:
                    continue  # 快乐|天堂 is not the brand 乐天堂
                m = _TAIL.match(lowered, e)
                end = m.end() if m else e
                out.append(finding("spam", "serious", s, end, text, rule=f"spam.gambling_brand:{t.token}",
                                   message=f"疑似博彩广告注入：“{text[s:end]}”是博彩品牌（{t.token}）；请检查网页是否被篡改并删除",
                                   confidence=0.95))
            elif t.kind == "stem":
                m = _SUFFIX.match(lowered, e)
                if not m:
                    continue
                if m.group(1) == "体育" and m.end() < len(text) and text[m.end()] in _VENUE:
                    continue
                t2 = _TAIL.match(lowered, e)
                end = t2.end() if t2 else m.end()
                out.append(finding("spam", "serious", s, end, text, rule=f"spam.gambling_brand:{t.token}",
                                   message=f"疑似博彩广告注入：“{text[s:end]}”是博彩品牌（{t.token}+博彩后缀）；请检查网页是否被篡改并删除",
                                   confidence=0.9))
            elif t.kind in ("porn1", "porn2"):
                porn.append((s, e, 2 if t.kind == "porn2" else 1, t.token))
        out.extend(self._porn_runs(text, porn))
        return out

    @staticmethod
    def _porn_runs(text: str, hits: list[tuple[int, int, int, str]]) -> list[Finding]:
        out = []
        i = 0
        while i < len(hits):
            j = i
            while j + 1 < len(hits) and _GAP.match(text[hits[j][1]:hits[j + 1][0]]):
                j += 1
            run = hits[i:j + 1]
            i = j + 1
            score = sum(h[2] for h in run)
            if score >= 4 and any(h[2] == 2 for h in run) and len(run) >= 2:
                s, e = run[0][0], run[-1][1]
                toks = "、".join(dict.fromkeys(h[3] for h in run))
                out.append(finding("spam", "serious", s, e, text, rule="spam.porn_title",
                                   message=f"疑似色情标题注入：连续出现色情标题用语（{toks}）；请检查网页是否被篡改",
                                   confidence=min(0.99, 0.6 + 0.05 * score)))
        return out
