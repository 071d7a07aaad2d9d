"""The same report as an Excel workbook (openpyxl): evaluators filter and annotate it by hand."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from nlp.atomic import AtomicWriter
from nlp.scan.report_data import ReportData

_BAD = PatternFill("solid", fgColor="FFF5F5")
_BOLD = Font(bold=True)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML (and so xlsx) cannot hold


def _clean(v):
    if isinstance(v, str):
        return _ILLEGAL.sub("", v)[:32000]
    return v


def _sheet(wb: Workbook, name: str, rows: list[dict], cols: list[tuple[str, str]], bad=lambda r: False) -> None:
    """One streamed sheet (write-only mode: rows go straight to the file, no per-row re-scan of the sheet)."""
    ws = wb.create_sheet(name)
    for i, (_, h) in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, len(h) + 4))
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"
    ws.append([_cell(ws, h, font=_BOLD) for _, h in cols])
    for r in rows:
        values = [_clean(r.get(k)) for k, _ in cols]
        ws.append([_cell(ws, v, fill=_BAD) for v in values] if bad(r) else values)


def _cell(ws, value, font=None, fill=None):
    c = WriteOnlyCell(ws, value=value)
    if font is not None:
        c.font = font
    if fill is not None:
        c.fill = fill
    return c


def write_xlsx(rd: ReportData, path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("summary")
    for k, v in rd.summary.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                ws.append([f"{k}.{k2}", v2])
        else:
            ws.append([k, v])
    _sheet(wb, "1 not interpretations", rd.misplaced,
           [("title", "title"), ("column", "column"), ("label", "judged as"), ("confidence", "confidence"),
            ("evidence", "evidence"), ("published", "published"), ("id", "page")])
    _sheet(wb, "2 interpretations", rd.interpretations,
           [("title", "interpretation"), ("published", "date"), ("document_title", "document"), ("document_fileno", "文号"),
            ("document_date", "document date"), ("link_method", "linked by"), ("delay_working_days", "delay (working days)"),
            ("delay_calendar_days", "delay (calendar days)"), ("late", "late"), ("before_document", "before document"),
            ("document_links_back", "document links back"), ("copy_ratio", "copy ratio"), ("flags", "flags"),
            ("id", "page"), ("document_id", "document page")], bad=lambda r: bool(r["flags"]))
    _sheet(wb, "3 completeness", rd.completeness,
           [("score", "score"), ("missing_core_elements", "missing core elements"), ("copy_ratio", "copy ratio"),
            ("title", "title"), ("column", "column"), ("department", "department"), ("id", "page")])
    _sheet(wb, "3 by column", rd.by_column, [("column", "column"), ("interpretations", "interpretations"),
                                               ("scored", "scored"), ("mean_score", "mean score"), ("min_score", "min")])
    _sheet(wb, "3 by department", rd.by_department, [("department", "department"), ("interpretations", "interpretations"),
                                                       ("scored", "scored"), ("mean_score", "mean score"), ("min_score", "min")])
    _sheet(wb, "4 wording", rd.findings,
           [("severity", "severity"), ("category", "category"), ("text", "text"), ("suggestion", "suggestion"),
            ("message", "why"), ("rule", "rule"), ("confidence", "confidence"), ("start", "start"), ("end", "end"),
            ("title", "page title"), ("column", "column"), ("page", "page")], bad=lambda r: r["severity"] == "serious")
    with AtomicWriter(path, mode="wb") as fh:
        wb.save(fh)
