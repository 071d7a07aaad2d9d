"""Format sniffing: magic bytes first, file extension second, content third."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

_HTML_SNIFF = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|meta|title|div|p|table|span|td|br|a\s|script|style|article|section|h[1-6])\b",
    re.I,
)
_TEXTLIKE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\x20-\x7e\t\r\n“”‘’…—·]")
_TEXT_EXT = {".txt", ".text", ".md", ".csv"}
_HTML_EXT = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}


def _ext(name: str | None) -> str:
    if not name or "." not in name:
        return ""
    return "." + name.rsplit(".", 1)[-1].lower()


def sniff(data: bytes, name: str | None = None, content_type: str | None = None) -> str:
    """One of html, text, docx, pdf, json, doc, zip, binary, image."""
    head = data[:8192]
    ext = _ext(name)
    ct = (content_type or "").lower()
    if head.startswith(b"%PDF-") or ext == ".pdf" and b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if ext == ".docx" or "wordprocessingml" in ct:
            return "docx"
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return "docx"
        except (zipfile.BadZipFile, OSError, ValueError):
            pass
        return "zip"
    if ext == ".docx" or "wordprocessingml" in ct:
        return "docx"  # not a zip: the docx reader reports it
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head[:4] in (b"\x89PNG", b"GIF8") or head[:3] == b"\xff\xd8\xff":
        return "image"
    if ext == ".pdf" or ct == "application/pdf":
        return "pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if ext == ".json" or ct.startswith("application/json") or (stripped[:1] == b"{" and ext not in _HTML_EXT | _TEXT_EXT):
        if stripped[:1] in (b"{", b"["):
            return "json"
    if _looks_binary(head):
        return "binary"
    if ext in _HTML_EXT or "html" in ct:
        return "html" if _HTML_SNIFF.search(head[:4096]) or b"</" in head[:4096] else "text"  # text saved as .html
    if ext in _TEXT_EXT or ct.startswith("text/plain"):
        return "html" if _HTML_SNIFF.search(head[:2048]) and head.count(b"<") > 5 else "text"
    return "html" if _HTML_SNIFF.search(head[:4096]) else "text"


def _looks_binary(head: bytes) -> bool:
    """NUL bytes (outside UTF-16) or many control bytes mean this is not text."""
    if not head:
        return False
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False  # UTF-16 with BOM
    if b"\x00" in head:
        # UTF-16 without BOM decodes to mostly Chinese/ASCII text; random bytes give ~1/3 CJK at best
        sample = head[: len(head) // 2 * 2]
        for enc in ("utf-16-le", "utf-16-be"):
            text = sample.decode(enc, errors="replace")
            good = len(_TEXTLIKE.findall(text))
            if text and good / len(text) > 0.8:
                return False
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return ctrl / len(head) > 0.05
