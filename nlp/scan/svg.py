"""Tiny inline-SVG charts: the report must open offline (inspectors' machines, no CDN), in any browser."""

from __future__ import annotations

from html import escape

PALETTE = {"interpretation": "#2b8a3e", "news": "#e8590c", "normative": "#1c7ed6", "other": "#868e96",
           "unavailable": "#ced4da", "serious": "#c92a2a", "warning": "#f08c00", "info": "#74c0fc"}
_FALLBACK = ["#5c7cfa", "#20c997", "#fab005", "#e64980", "#7950f2", "#15aabf"]


def _color(name: str, i: int) -> str:
    return PALETTE.get(name, _FALLBACK[i % len(_FALLBACK)])


def stacked_bars(rows: list[tuple[str, dict[str, int]]], series: list[str], title: str, width: int = 760) -> str:
    """Horizontal stacked bars: one row per category (e.g. column), one segment per series (e.g. genre)."""
    if not rows:
        return f"<p><em>{escape(title)}: no data</em></p>"
    label_w, bar_h, gap, top = 230, 18, 6, 34
    total_max = max(sum(v.values()) for _, v in rows) or 1
    plot_w = width - label_w - 60
    h = top + len(rows) * (bar_h + gap) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img" aria-label="{escape(title)}" '
           'font-family="sans-serif" font-size="12">', f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>']
    for i, (label, vals) in enumerate(rows):
        y = top + i * (bar_h + gap)
        short = label if len(label) <= 18 else label[:17] + "…"
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end"><title>{escape(label)}</title>{escape(short)}</text>')
        x = float(label_w)
        for j, s in enumerate(series):
            n = vals.get(s, 0)
            if not n:
                continue
            w = plot_w * n / total_max
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{_color(s, j)}">'
                       f'<title>{escape(label)} · {escape(s)}: {n}</title></rect>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + 13}">{sum(vals.values())}</text>')
    ly = h - 10
    lx = label_w
    for j, s in enumerate(series):
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="10" height="10" fill="{_color(s, j)}"/>'
                   f'<text x="{lx + 14}" y="{ly}">{escape(s)}</text>')
        lx += 24 + 8 * len(s)
    out.append("</svg>")
    return "".join(out)


def histogram(values: list[float], lo: float, hi: float, bins: int, title: str, color: str = "#1c7ed6",
              width: int = 760, height: int = 200) -> str:
    if not values:
        return f"<p><em>{escape(title)}: no data</em></p>"
    counts = [0] * bins
    for v in values:
        k = int((v - lo) / (hi - lo) * bins) if hi > lo else 0
        counts[min(max(k, 0), bins - 1)] += 1
    left, top, bottom = 40, 30, 30
    pw, ph = width - left - 10, height - top - bottom
    cmax = max(counts) or 1
    bw = pw / bins
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
           'font-family="sans-serif" font-size="11">', f'<text x="0" y="16" font-weight="bold" font-size="12">{escape(title)} (n={len(values)})</text>']
    for i, c in enumerate(counts):
        bh = ph * c / cmax
        x = left + i * bw
        a, b = lo + (hi - lo) * i / bins, lo + (hi - lo) * (i + 1) / bins
        out.append(f'<rect x="{x + 1:.1f}" y="{top + ph - bh:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}" fill="{color}">'
                   f'<title>{a:g}–{b:g}: {c}</title></rect>')
    for i in range(0, bins + 1, max(1, bins // 5)):
        x = left + i * bw
        out.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{lo + (hi - lo) * i / bins:g}</text>')
    out.append(f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{cmax}</text>')
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{width - 10}" y2="{top + ph}" stroke="#333"/></svg>')
    return "".join(out)
