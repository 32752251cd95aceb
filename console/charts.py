"""Small server-rendered SVG charts (no JavaScript, no CDN): bars with labels."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = "#2f6db5"
ALERT = "#c0392b"


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 520,
    height: int = 200,
    highlight: frozenset[str] = frozenset(),
    value_format: str = "{:g}",
) -> Markup:
    """A vertical bar chart; `highlight` labels are drawn in the alert colour."""
    top, bottom, left = 24, 34, 8
    plot_h = height - top - bottom
    peak = max((v for _, v in items), default=0) or 1
    slot = (width - 2 * left) / max(len(items), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        'class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - left}" y2="{top + plot_h}" '
        'stroke="#999" stroke-width="1"/>',
    ]
    for index, (label, value) in enumerate(items):
        bar_h = plot_h * value / peak
        x = left + index * slot + slot * 0.15
        y = top + plot_h - bar_h
        colour = ALERT if label in highlight else BAR
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(value_format.format(value))}'
            "</title></rect>"
        )
        if value:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" font-size="10" '
                f'text-anchor="middle" fill="#333">{escape(value_format.format(value))}</text>'
            )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 14}" font-size="10" '
            f'text-anchor="middle" fill="#333">{escape(label)}</text>'
        )
    if not any(v for _, v in items):
        parts.append(
            f'<text x="{width / 2}" y="{top + plot_h / 2}" font-size="12" '
            'text-anchor="middle" fill="#777">—</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


def gauge(value: float | None, *, title: str, width: int = 240, height: int = 44) -> Markup:
    """A horizontal percentage bar (None: no data yet)."""
    share = 0.0 if value is None else max(0.0, min(1.0, value))
    label = "—" if value is None else f"{share * 100:.0f}%"
    filled = (width - 2) * share
    return Markup(  # noqa: S704 - the only text is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" role="img" aria-label="{escape(title)}" class="gauge">'
        f"<title>{escape(title)}</title>"
        f'<rect x="1" y="8" width="{width - 2}" height="18" fill="#eee" stroke="#bbb"/>'
        f'<rect x="1" y="8" width="{filled:.1f}" height="18" fill="{BAR}"/>'
        f'<text x="{width / 2}" y="40" font-size="12" text-anchor="middle" fill="#333">'
        f"{escape(label)}</text></svg>"
    )
