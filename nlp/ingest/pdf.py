"""Text of a PDF (pdfminer.six), page by page, in a child process with a memory cap and a hard deadline.

pdfminer has no timeout and inflates every compressed stream fully in memory, so a small hostile PDF (a
deflate bomb, a page with millions of operators) can take minutes or gigabytes. The extraction therefore
runs in a forked child with RLIMIT_AS raised only PDF_MEMORY_BYTES above what the process already maps,
and the parent kills it after PDF_TIME_LIMIT_S (keeping the pages read so far). Inside the child the page
and character budgets still apply. Where fork is unavailable it runs in-process with the page/time budget.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from io import BytesIO, StringIO

from nlp.ingest.limits import MAX_EXTRACTED_CHARS, MAX_PDF_PAGES, PDF_MEMORY_BYTES, PDF_TIME_LIMIT_S
from nlp.schema import Issue


class PdfError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.issue = Issue(code=code, message=message)


def _pages(data: bytes, deadline: float):
    """Yield the text of each page (stops at the page budget or the deadline). Raises on a damaged file."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    rsrc = PDFResourceManager(caching=True)
    total = 0
    for i, page in enumerate(PDFPage.get_pages(BytesIO(data), check_extractable=False)):
        if i >= MAX_PDF_PAGES:
            yield ("limit", f"only the first {MAX_PDF_PAGES} pages were read")
            return
        if time.monotonic() > deadline:
            yield ("limit", f"stopped after {i} pages: reading took over {PDF_TIME_LIMIT_S:.0f} s")
            return
        out = StringIO()
        dev = TextConverter(rsrc, out, laparams=LAParams())
        PDFPageInterpreter(rsrc, dev).process_page(page)
        dev.close()
        text = out.getvalue()
        total += len(text)
        yield ("page", text)
        if total > MAX_EXTRACTED_CHARS:
            return


def _child(data: bytes, conn, deadline: float) -> None:
    try:
        import resource

        vm = _vm_bytes()
        if vm:
            resource.setrlimit(resource.RLIMIT_AS, (vm + PDF_MEMORY_BYTES, vm + PDF_MEMORY_BYTES))
        for item in _pages(data, deadline):
            conn.send(item)
        conn.send(("done", ""))
    except MemoryError:
        conn.send(("error", "memory"))
    except Exception as exc:  # pdfminer raises a zoo of types on damaged files
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        conn.close()


def _vm_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _run_forked(data: bytes) -> tuple[list[str], list[tuple[str, str]]]:
    import pdfminer.pdfpage  # noqa: F401  (imported before the fork: the child starts at once)

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    deadline = time.monotonic() + PDF_TIME_LIMIT_S
    proc = ctx.Process(target=_child, args=(data, send, deadline), daemon=True)
    proc.start()
    send.close()
    pages: list[str] = []
    events: list[tuple[str, str]] = []
    try:
        while True:
            left = deadline + 1.0 - time.monotonic()
            if left <= 0 or not recv.poll(left):
                events.append(("timeout", ""))
                break
            try:
                kind, payload = recv.recv()
            except EOFError:  # the child died (memory cap hit hard, or killed)
                events.append(("error", "memory" if proc.exitcode in (None, -9) or proc.exitcode != 0 else "died"))
                break
            if kind == "page":
                pages.append(payload)
            elif kind == "done":
                break
            else:
                events.append((kind, payload))
                if kind == "error":
                    break
    finally:
        recv.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    return pages, events


def _run_inline(data: bytes) -> tuple[list[str], list[tuple[str, str]]]:
    pages: list[str] = []
    events: list[tuple[str, str]] = []
    try:
        for kind, payload in _pages(data, time.monotonic() + PDF_TIME_LIMIT_S):
            (pages.append(payload) if kind == "page" else events.append((kind, payload)))
    except MemoryError:
        events.append(("error", "memory"))
    except Exception as exc:
        events.append(("error", f"{type(exc).__name__}: {exc}"[:300]))
    return pages, events


def pdf_text(data: bytes) -> tuple[str, list[Issue]]:
    """(text with pages separated by newlines, warnings). Raises PdfError."""
    try:
        import pdfminer  # noqa: F401
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise PdfError("pdf_unsupported", f"pdfminer.six is not installed ({exc}); run `make venv`") from None
    forkable = hasattr(os, "fork") and "fork" in mp.get_all_start_methods()
    pages, events = _run_forked(data) if forkable else _run_inline(data)
    warnings: list[Issue] = []
    for kind, payload in events:
        if kind == "limit":
            warnings.append(Issue(code="truncated_pdf", message=f"{payload}; submit the text for a complete check"))
        elif kind == "timeout":
            if not pages:
                raise PdfError("pdf_timeout", f"reading the PDF took over {PDF_TIME_LIMIT_S:.0f} s without one page; it "
                               "may be malformed or hostile — submit the text instead")
            warnings.append(Issue(code="truncated_pdf", message=f"stopped after {len(pages)} pages: reading took over "
                                  f"{PDF_TIME_LIMIT_S:.0f} s; submit the text for a complete check"))
        elif kind == "error":
            if payload == "memory":
                if not pages:
                    raise PdfError("pdf_too_complex", f"reading the PDF needs more than {PDF_MEMORY_BYTES >> 20} MB "
                                   "(a compressed-stream bomb?); submit the text instead")
                warnings.append(Issue(code="pdf_partly_read", message=f"page {len(pages) + 1} needs too much memory; "
                                      f"only the first {len(pages)} pages were read"))
            elif not pages:
                raise PdfError("bad_pdf", f"the PDF could not be read ({payload}); it may be damaged or encrypted — "
                               "submit the text instead")
            else:
                warnings.append(Issue(code="pdf_partly_read", message=f"the PDF is damaged after page {len(pages)}; "
                                      "only those pages were read"))
    if not pages:
        if any(kind in ("limit", "timeout") for kind, _ in events):
            raise PdfError("pdf_timeout", f"no page of the PDF could be read within {PDF_TIME_LIMIT_S:.0f} s; it may be "
                           "malformed or hostile — submit the text instead")
        raise PdfError("bad_pdf", "the PDF has no pages that could be read; it may be damaged — submit the text instead")
    text = "\n".join(pages).replace("\x0c", "\n")
    if not text.strip():
        raise PdfError("no_text_layer", f"the PDF ({len(pages)} page(s)) has no text layer — it is a scanned image; run "
                       "OCR on it first or submit the text")
    return text, warnings
