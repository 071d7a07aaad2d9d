"""The same report as an Excel workbook (openpyxl): evaluators filter and annotate it by hand."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from nlp.atomic import AtomicWriter
from nlp.scan.report_data import ReportData

_BAD = PatternFill("solid", fgColor="FFF5F5")
_ILLEGAL = {c for c in range(32) if c not in (9, 10, 13)}


def _clean(v):
    if isinstance(v, str):
        return "".join(ch for ch in v if ord(ch) not in _ILLEGAL)[:32000]
    return v


def _sheet(wb: Workbook, name: str, rows: list[dict], cols: list[tuple[str, str]], bad=lambda r: False) -> None:
    ws = wb.create_sheet(name)
    ws.append([h for _, h in cols])
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([_clean(r.get(k)) for k, _ in cols])
        if bad(r):
            for c in ws[ws.max_row]:
                c.fill = _BAD
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    for i, (_, h) in enumerate(cols, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(10, len(h) + 4))


def write_xlsx(rd: ReportData, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "summary"
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
