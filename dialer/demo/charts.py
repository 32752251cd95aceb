"""Inline SVG charts for the demo report: vertical bars, horizontal bars and a line with a limit.

Pure functions from numbers to markup; every label is escaped.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 44, 28, 12
BAR = "#3b6ea8"
ALERT = "#b03a2e"


def _frame(body: str, *, title: str, height: int = HEIGHT) -> str:
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<g font-family="sans-serif" font-size="11">{body}</g></svg>'
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return float(step)
    return float(value)


def bar_chart(labels: list[str], values: list[float], *, title: str) -> str:
    """Vertical bars (e.g. contacts by local hour); the y axis starts at zero."""
    top = _nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(values), 1)
    parts = [_axis(top, plot_h)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        x = PAD_LEFT + i * slot
        parts.append(
            f'<rect x="{x + slot * 0.1:.1f}" y="{PAD_TOP + plot_h - h:.1f}" '
            f'width="{slot * 0.8:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}: {value:g}</title></rect>"
        )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    return _frame("".join(parts), title=title)


def hbar_chart(items: list[tuple[str, float]], *, title: str, alert: bool = False) -> str:
    """Horizontal bars with their values (outcomes, block reasons)."""
    if not items:
        return f'<p class="empty">{escape(title)}: none.</p>'
    row, label_w = 22, 190
    height = PAD_TOP + row * len(items) + 8
    top = max(value for _, value in items) or 1
    plot_w = WIDTH - label_w - 70
    parts = []
    for i, (label, value) in enumerate(items):
        y = PAD_TOP + i * row
        w = plot_w * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{ALERT if alert else BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{value:,.0f}</text>'
        )
    return _frame("".join(parts), title=title, height=height)


def line_chart(
    points: list[tuple[float, float]], *, limit: float | None, title: str, x_label: str
) -> str:
    """A step line of (x, y) with a dashed horizontal limit (calls per second against the cap)."""
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_TOP - PAD_BOTTOM
    top = _nice_max(max([y for _, y in points] + [limit or 0], default=1) * 1.15)
    span = max((points[-1][0] if points else 1.0), 1.0)
    parts = [_axis(top, plot_h)]

    def px(x: float, y: float) -> str:
        return f"{PAD_LEFT + plot_w * x / span:.1f},{PAD_TOP + plot_h - plot_h * y / top:.1f}"

    if points:
        path = " ".join(px(x, y) for x, y in points)
        parts.append(f'<polyline fill="none" stroke="{BAR}" stroke-width="1.5" points="{path}"/>')
    if limit is not None:
        y = PAD_TOP + plot_h - plot_h * limit / top
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{PAD_LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{ALERT}" stroke-dasharray="5,4"/>'
            f'<text x="{PAD_LEFT + plot_w - 4}" y="{y - 4:.1f}" text-anchor="end" '
            f'fill="{ALERT}">limit {limit:g}/s</text>'
        )
    parts.append(
        f'<text x="{PAD_LEFT + plot_w / 2}" y="{HEIGHT - 8}" text-anchor="middle">'
        f"{escape(x_label)} (0 to {span:.0f})</text>"
    )
    return _frame("".join(parts), title=title)


def _axis(top: float, plot_h: float) -> str:
    ticks = []
    for fraction in (0, 0.5, 1):
        y = PAD_TOP + plot_h - plot_h * fraction
        ticks.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{PAD_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{top * fraction:g}</text>'
        )
    return "".join(ticks)


def per_second(timestamps: list[float], *, start: float, end: float) -> list[tuple[float, float]]:
    """Counts per whole second since `start` (the emulator's accepted call creates)."""
    seconds = max(int(end - start) + 1, 1)
    counts = [0] * seconds
    for moment in timestamps:
        index = int(moment - start)
        if 0 <= index < seconds:
            counts[index] += 1
    return [(float(i), float(n)) for i, n in enumerate(counts)]
