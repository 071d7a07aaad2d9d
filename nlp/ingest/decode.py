"""Bytes -> str for HTML and plain text in any charset (BOM, declared charset, detection).

Order: BOM; strict UTF-8 (most pages, and the cheapest test); the charset the page declares (meta/
Content-Type), when it decodes cleanly; charset-normalizer on a sample; GB18030 with replacement as the
last resort. GBK and GB2312 are decoded as GB18030 (a superset), Big5 as Big5-HKSCS.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from nlp.ingest.limits import DETECT_SAMPLE_BYTES
from nlp.schema import Issue

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{2,40})""", re.I)
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "hz-gb-2312": "gb18030", "big5": "big5hkscs", "x-big5": "big5hkscs", "cp950": "big5hkscs",
    "unicode": "utf-16", "utf8": "utf-8", "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
}


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[Issue] = field(default_factory=list)
    bad_ratio: float = 0.0  # share of replacement characters introduced by decoding


def canonical(enc: str | None) -> str | None:
    if not enc:
        return None
    e = enc.strip().lower().replace("_", "-")
    e = _ALIASES.get(e, e)
    try:
        return codecs.lookup(e).name
    except LookupError:
        return None


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    if content_type:
        m = re.search(r"charset\s*=\s*([\w\-:.]+)", content_type, re.I)
        if m and canonical(m.group(1)):
            return canonical(m.group(1))
    m = _META_CHARSET.search(data[:4096])
    if m:
        return canonical(m.group(1).decode("ascii", "ignore"))
    return None


def _bom(data: bytes) -> str | None:
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return enc
    return None


def _strict(data: bytes, enc: str) -> tuple[str | None, bool]:
    """(text, truncated): text when `enc` decodes everything, or everything but an incomplete last character."""
    try:
        return data.decode(enc), False
    except UnicodeDecodeError as exc:
        if exc.end >= len(data) - 1 and exc.start >= len(data) - 4:
            try:
                return data[: exc.start].decode(enc), True
            except UnicodeDecodeError:
                return None, False
        return None, False
    except LookupError:
        return None, False


def _truncation_warning(enc: str) -> Issue:
    return Issue(code="truncated_input", message=f"the input ends in the middle of a {enc} character (the file was cut "
                 "short); the text up to that point was used — check that the whole file was uploaded")


def decode_bytes(data: bytes, content_type: str | None = None, html: bool = False) -> Decoded:
    bom = _bom(data)
    if bom:
        text, cut = _strict(data, bom)
        if text is not None:
            return Decoded(text, bom, [_truncation_warning(bom)] if cut else [])
        return _replace(data, bom)
    head = data[:4096]
    if b"\x00" in head:  # UTF-16 without a BOM (the sniffer let it through as text): the byte order that reads as text
        from nlp.ingest.detect import _TEXTLIKE

        sample = head[: len(head) // 2 * 2]
        enc = max(("utf-16-le", "utf-16-be"), key=lambda e: len(_TEXTLIKE.findall(sample.decode(e, errors="replace"))))
        text, cut = _strict(data, enc)
        if text is not None:
            return Decoded(text, enc, [_truncation_warning(enc)] if cut else [])
    text, cut = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", [_truncation_warning("utf-8")] if cut else [])
    declared = declared_charset(data, content_type)
    if declared and declared not in ("utf-8",):
        text, cut = _strict(data, declared)
        if text is not None:
            return Decoded(text, declared, [_truncation_warning(declared)] if cut else [])
    guess = _detect(data)
    if guess:
        text, cut = _strict(data, guess)
        if text is not None:
            return Decoded(text, guess, [_truncation_warning(guess)] if cut else [])
    # try the usual Chinese encodings strictly before giving up
    for enc in ("gb18030", "big5hkscs"):
        text, cut = _strict(data, enc)
        if text is not None:
            return Decoded(text, enc, [_truncation_warning(enc)] if cut else [])
    return _replace(data, declared or guess or "gb18030")


def _replace(data: bytes, enc: str) -> Decoded:
    text = data.decode(enc, errors="replace")
    bad = text.count("\ufffd") / max(1, len(text))
    w = [Issue(code="decode_errors", message=f"some bytes are not valid {enc}; they were replaced by U+FFFD "
               f"({bad:.1%} of characters) — the file may be damaged or in an unusual encoding")]
    return Decoded(text, enc, w, bad)


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    sample = data[:DETECT_SAMPLE_BYTES]
    # cut the sample on a line end so a multi-byte character is not split
    if len(data) > DETECT_SAMPLE_BYTES:
        nl = sample.rfind(b"\n")
        if nl > DETECT_SAMPLE_BYTES // 2:
            sample = sample[: nl + 1]
    try:
        best = from_bytes(sample, cp_isolation=["gb18030", "big5hkscs", "utf_16", "utf_32", "shift_jis", "euc_kr",
                                                 "cp1252", "utf_8"]).best()
    except Exception:  # the detector must never take ingestion down
        return None
    return canonical(best.encoding) if best else None
