"""Text of a PDF (pdfminer.six), page by page under a page and time budget.

pdfminer has no timeout of its own; reading page by page lets the budget stop a pathological file
between pages (a single page is bounded by its own content size, itself bounded by MAX_INPUT_BYTES).
"""

from __future__ import annotations

import time
from io import BytesIO, StringIO

from nlp.ingest.limits import MAX_EXTRACTED_CHARS, MAX_PDF_PAGES, PDF_TIME_LIMIT_S
from nlp.schema import Issue


class PdfError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.issue = Issue(code=code, message=message)


def pdf_text(data: bytes) -> tuple[str, list[Issue]]:
    """(text with pages separated by newlines, warnings). Raises PdfError."""
    try:
        from pdfminer.converter import TextConverter
        from pdfminer.layout import LAParams
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise PdfError("pdf_unsupported", f"pdfminer.six is not installed ({exc}); run `make venv`") from None
    warnings: list[Issue] = []
    out = StringIO()
    t0 = time.monotonic()
    pages = 0
    try:
        rsrc = PDFResourceManager(caching=True)
        dev = TextConverter(rsrc, out, laparams=LAParams())
        interp = PDFPageInterpreter(rsrc, dev)
        for page in PDFPage.get_pages(BytesIO(data), check_extractable=False):
            if pages >= MAX_PDF_PAGES:
                warnings.append(Issue(code="truncated_pdf", message=f"only the first {MAX_PDF_PAGES} pages were read"))
                break
            if time.monotonic() - t0 > PDF_TIME_LIMIT_S:
                warnings.append(Issue(code="truncated_pdf", message=f"stopped after {pages} pages: reading took over "
                                      f"{PDF_TIME_LIMIT_S:.0f} s; submit the text for a complete check"))
                break
            interp.process_page(page)
            out.write("\n")
            pages += 1
            if out.tell() > MAX_EXTRACTED_CHARS * 4:
                break
        dev.close()
    except Exception as exc:  # pdfminer raises a zoo of exception types on damaged files
        if pages == 0:
            raise PdfError("bad_pdf", f"the PDF could not be read ({type(exc).__name__}: {exc}); it may be damaged or "
                           "encrypted — submit the text instead") from None
        warnings.append(Issue(code="pdf_partly_read", message=f"the PDF is damaged after page {pages}; only those pages were read"))
    if pages == 0:
        raise PdfError("bad_pdf", "the PDF has no pages that could be read; it may be damaged — submit the text instead")
    text = out.getvalue().replace("\x0c", "\n")
    if not text.strip():
        raise PdfError("no_text_layer", f"the PDF ({pages} page(s)) has no text layer — it is a scanned image; run OCR "
                       "on it first or submit the text")
    return text, warnings
