"""The human report as one self-contained HTML file (inline SVG charts, no scripts, no CDN)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from nlp.atomic import AtomicWriter
from nlp.scan.report_data import ReportData
from nlp.scan.svg import histogram, stacked_bars

MAX_ROWS = 2000  # per table in HTML; the workbook and the database have everything

_CSS = """body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#212529}
table{border-collapse:collapse;font-size:13px;margin:8px 0 24px}th,td{border:1px solid #dee2e6;padding:4px 6px;
text-align:left;vertical-align:top;max-width:480px;overflow-wrap:anywhere}th{background:#f1f3f5}td:first-child{min-width:200px}tr.bad td{background:#fff5f5}.num{text-align:right}
.kpi{display:inline-block;border:1px solid #dee2e6;border-radius:6px;padding:8px 14px;margin:0 8px 8px 0}
.kpi b{display:block;font-size:20px}small{color:#868e96}"""


def _cell(v) -> str:
    if v is None:
        return "<td></td>"
    if isinstance(v, bool):
        return f"<td>{'yes' if v else ''}</td>"
    if isinstance(v, float):
        return f'<td class="num">{v:.2f}</td>'
    if isinstance(v, int):
        return f'<td class="num">{v}</td>'
    s = str(v)
    if s.startswith(("http://", "https://")):
        return f'<td><a href="{escape(s)}">{escape(s if len(s) < 60 else s[:57] + "…")}</a></td>'
    return f"<td>{escape(s)}</td>"


def table(rows: list[dict], cols: list[tuple[str, str]], bad=lambda r: False) -> str:
    if not rows:
        return "<p><em>none</em></p>"
    head = "".join(f"<th>{escape(h)}</th>" for _, h in cols)
    body = []
    for r in rows[:MAX_ROWS]:
        cls = ' class="bad"' if bad(r) else ""
        body.append(f"<tr{cls}>" + "".join(_cell(r.get(k)) for k, _ in cols) + "</tr>")
    more = f"<p><small>{len(rows) - MAX_ROWS} more rows in the workbook</small></p>" if len(rows) > MAX_ROWS else ""
    return f"<table><tr>{head}</tr>{''.join(body)}</table>{more}"


def render(rd: ReportData, title: str = "govlint scan report") -> str:
    s = rd.summary
    kpis = [("pages", s.get("pages")), ("not interpretations in interpretation columns", s["flags"].get("news_in_interpretation_column")),
            ("interpretations", len(rd.interpretations)), ("unlinked", s["flags"].get("interpretation_unlinked")),
            ("late (> 3 working days)", s["flags"].get("interpretation_late")),
            ("dated before document", s["flags"].get("interpretation_before_document")),
            ("copies of the document", s["flags"].get("copy_of_document")),
            ("serious wording findings", s.get("serious_findings")), ("pages with errors", s.get("pages_with_errors"))]
    genres = ["interpretation", "news", "normative", "other", "unavailable"]
    parts = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{escape(title)}</title>"
             f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1>",
             "".join(f'<span class="kpi"><b>{v if v is not None else "–"}</b>{escape(k)}</span>' for k, v in kpis),
             "<h2>Charts</h2>",
             stacked_bars([(c, dict(v)) for c, v in list(rd.genre_by_column.items())[:25]], genres, "Genre by column"),
             histogram(rd.scores, 0, 100, 10, "Completeness score of interpretations", "#2b8a3e"),
             histogram(rd.confidences, 0, 1, 10, "Genre confidence, all pages", "#5c7cfa"),
             stacked_bars([(sev, dict(c)) for sev, c in rd.severity_by_category.items()],
                          sorted({k for c in rd.severity_by_category.values() for k in c}), "Wording findings by severity and category"),
             "<h2>1. Items in interpretation columns that are not interpretations</h2>",
             "<p><small>以新闻稿代替政策解读: the genre model's label, its confidence and the features it relied on.</small></p>",
             table(rd.misplaced, [("title", "title"), ("column", "column"), ("label", "judged as"), ("confidence", "confidence"),
                                  ("evidence", "evidence"), ("published", "published"), ("id", "page")]),
             "<h2>2. Interpretations and their documents</h2>",
             "<p><small>Delay counts working days after the document on the national calendar (holidays and 调休 make-up days); "
             "late = more than 3 working days.</small></p>",
             table(rd.interpretations, [("title", "interpretation"), ("published", "date"), ("document_title", "document"),
                                        ("document_fileno", "文号"), ("document_date", "document date"), ("link_method", "linked by"),
                                        ("delay_working_days", "delay (working days)"), ("late", "late"),
                                        ("before_document", "before document"), ("document_links_back", "document links back"),
                                        ("copy_ratio", "copy ratio"), ("flags", "flags"), ("id", "page")],
                   bad=lambda r: bool(r["flags"])),
             "<h2>3. Completeness, worst first</h2><h3>By column</h3>",
             table(rd.by_column, [("column", "column"), ("interpretations", "interpretations"), ("mean_score", "mean score"), ("min_score", "min")]),
             "<h3>By department</h3>",
             table(rd.by_department, [("department", "department"), ("interpretations", "interpretations"), ("mean_score", "mean score"), ("min_score", "min")]),
             "<h3>By interpretation</h3>",
             table(rd.completeness, [("score", "score"), ("missing_core_elements", "missing core elements"), ("copy_ratio", "copy ratio"),
                                     ("title", "title"), ("column", "column"), ("department", "department"), ("id", "page")]),
             "<h2>4. Wording findings, serious first</h2>",
             table(rd.findings, [("severity", "severity"), ("category", "category"), ("text", "text"), ("suggestion", "suggestion"),
                                 ("message", "why"), ("rule", "rule"), ("confidence", "confidence"), ("title", "page title"),
                                 ("page", "page")], bad=lambda r: r["severity"] == "serious"),
             "</body></html>"]
    return "".join(parts)


def write_html(rd: ReportData, path: Path) -> None:
    with AtomicWriter(path) as fh:
        fh.write(render(rd))
