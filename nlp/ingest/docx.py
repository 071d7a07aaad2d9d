"""Text of a .docx draft (python-docx), after checking the zip cannot exhaust memory.

A .docx is a zip: a 1 MB upload can declare (or really hold) gigabytes of XML. The central directory is
checked first (member count, declared sizes, compression ratio); then every member is decompressed in
chunks while counting, because declared sizes can lie. Only then does python-docx read it.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from nlp.ingest.limits import MAX_DOCX_MEMBERS, MAX_DOCX_RATIO, MAX_DOCX_UNCOMPRESSED, MAX_DOCX_XML_BYTES
from nlp.schema import Issue


class DocxError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.issue = Issue(code=code, message=message)


def check_zip(data: bytes) -> None:
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocxError("bad_docx", f"not a valid .docx (it is not a zip archive: {exc}); save the draft again as "
                        "Word .docx, or submit it as plain text") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_DOCX_MEMBERS:
            raise DocxError("docx_too_complex", f"the .docx holds {len(infos)} parts (limit {MAX_DOCX_MEMBERS}); "
                            "submit the text instead")
        names = {i.filename for i in infos}
        if "word/document.xml" not in names:
            raise DocxError("bad_docx", "the zip has no word/document.xml, so it is not a Word document; save it as .docx")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_DOCX_UNCOMPRESSED:
            raise DocxError("zip_bomb", f"the .docx would decompress to {declared} bytes (limit "
                            f"{MAX_DOCX_UNCOMPRESSED}); it is refused as a possible zip bomb — submit the text instead")
        total = 0
        for info in infos:
            if info.file_size > 1024 * 1024 and info.compress_size and info.file_size / info.compress_size > MAX_DOCX_RATIO:
                raise DocxError("zip_bomb", f"{info.filename} expands {info.file_size // max(1, info.compress_size)}x "
                                "(a zip bomb); submit the text instead")
            is_xml = info.filename.endswith((".xml", ".rels"))
            if is_xml and info.file_size > MAX_DOCX_XML_BYTES:
                raise DocxError("docx_too_complex", f"{info.filename} is {info.file_size} bytes of XML (limit "
                                f"{MAX_DOCX_XML_BYTES}); split the document or submit its text")
            try:
                with zf.open(info) as fh:
                    member = 0
                    while True:
                        chunk = fh.read(1 << 20)
                        if not chunk:
                            break
                        total += len(chunk)
                        member += len(chunk)
                        if is_xml and member > MAX_DOCX_XML_BYTES:
                            raise DocxError("docx_too_complex", f"{info.filename} holds more than {MAX_DOCX_XML_BYTES} "
                                            "bytes of XML; split the document or submit its text")
                        if total > MAX_DOCX_UNCOMPRESSED:
                            raise DocxError("zip_bomb", f"the .docx decompresses to more than {MAX_DOCX_UNCOMPRESSED} "
                                            "bytes (a zip bomb?); submit the text instead")
            except DocxError:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
                raise DocxError("bad_docx", f"the .docx is damaged ({info.filename}: {exc}); save it again") from None


def docx_text(data: bytes) -> tuple[str, dict[str, str | None]]:
    """(paragraph text in body order incl. tables, core properties). Raises DocxError."""
    check_zip(data)
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        d = docx.Document(BytesIO(data))
    except DocxError:
        raise
    except Exception as exc:  # python-docx raises many types on malformed parts
        raise DocxError("bad_docx", f"python-docx could not read the file ({type(exc).__name__}: {exc}); save it "
                        "again as .docx or submit the text") from None
    lines: list[str] = []
    for block in d.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, d).text)
        elif tag == "tbl":
            for row in Table(block, d).rows:
                cells: list[str] = []
                for c in row.cells:
                    t = c.text.strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat their text
                        cells.append(t)
                lines.append(" ".join(cells))
    props = d.core_properties
    meta = {"title": (props.title or "").strip() or None}
    return "\n".join(lines), meta
