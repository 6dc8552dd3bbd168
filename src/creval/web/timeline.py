"""The case timeline: an SVG of the case's dates (above the line) and the key dates the rules
compute (below it), with the assessment date and today marked. Labels are numbers into a
legend under the picture, so long texts in any language never overlap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT, LEFT, RIGHT, AXIS = 900, 170, 40, 40, 85


@dataclass
class Point:
    when: date
    text: str
    kind: str  # "fact" (a date of the case), "key" (a key date), "as_of", "today"
    number: int = 0


def svg(points: list[Point], title: str) -> Markup:
    """The SVG markup; every text is escaped."""
    if not points:
        return Markup("")
    first = min(p.when for p in points).toordinal()
    last = max(p.when for p in points).toordinal()
    span = max(last - first, 1)
    pad = max(span // 20, 15)
    first, span = first - pad, span + 2 * pad

    def x(day: date) -> float:
        return round(LEFT + (day.toordinal() - first) * (WIDTH - LEFT - RIGHT) / span, 1)

    parts = [f'<svg class="timeline" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<line class="axis" x1="{LEFT}" y1="{AXIS}" x2="{WIDTH - RIGHT}" y2="{AXIS}"/>']
    for year in range(date.fromordinal(first).year + 1, date.fromordinal(first + span).year + 1):
        if span > 365 * 40 and year % 10:
            continue
        if span > 365 * 12 and year % 5 and span <= 365 * 40:
            continue
        tick = x(date(year, 1, 1))
        parts.append(f'<line class="tick" x1="{tick}" y1="{AXIS - 4}" x2="{tick}" y2="{AXIS + 4}"/>'
                     f'<text class="year" x="{tick}" y="{HEIGHT - 4}">{year}</text>')
    rows: dict[str, list[float]] = {"fact": [], "key": []}
    for p in sorted(points, key=lambda p: p.when):
        at = x(p.when)
        label = escape(f"{p.when.isoformat()}: {p.text}")
        if p.kind in ("as_of", "today"):
            parts.append(f'<g class="mark {p.kind}"><title>{label}</title>'
                         f'<line x1="{at}" y1="12" x2="{at}" y2="{HEIGHT - 20}"/>'
                         f'<text x="{at}" y="10">{escape(p.text)}</text></g>')
            continue
        taken = rows[p.kind]
        level = sum(1 for other in taken if abs(other - at) < 22)  # stagger labels that would touch
        taken.append(at)
        y = AXIS - 22 - 16 * (level % 3) if p.kind == "fact" else AXIS + 26 + 16 * (level % 3)
        shape = (f'<circle cx="{at}" cy="{AXIS}" r="6"/>' if p.kind == "fact"
                 else f'<rect x="{at - 5}" y="{AXIS - 5}" width="10" height="10" transform="rotate(45 {at} {AXIS})"/>')
        parts.append(f'<g class="point {p.kind}" data-date="{p.when.isoformat()}"><title>{label}</title>{shape}'
                     f'<line x1="{at}" y1="{AXIS}" x2="{at}" y2="{y + (4 if p.kind == "fact" else -12)}"/>'
                     f'<text x="{at}" y="{y}">{p.number}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
