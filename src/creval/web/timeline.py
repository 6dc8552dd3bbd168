"""The case timeline: an SVG of the case's dates (above the line) and the key dates the rules
compute (below it), with the assessment date and today marked. Labels are numbers into a
legend under the picture, so long texts in any language never overlap.

The axis is linear within a year of the dates shown; a longer empty stretch (a birth date
fifteen years before the removal) is drawn short, with a break mark, so that the months that
decide a case are not squeezed into a corner.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

__all__ = ["AXIS", "BREAK", "HEIGHT", "LEFT", "LONG_GAP", "Point", "RIGHT", "WIDTH", "svg"]

WIDTH, HEIGHT, LEFT, RIGHT, AXIS = 900, 170, 40, 40, 85
LONG_GAP = 400  # days: a longer gap between two dates shown is drawn as a break
BREAK = 60  # days: the length a break is drawn as


@dataclass
class Point:
    when: date
    text: str
    kind: str  # "fact" (a date of the case), "key" (a key date), "as_of", "today"
    number: int = 0


class _Scale:
    """Day number -> x: piecewise linear through the dates shown, long gaps shortened."""

    def __init__(self, days: list[int]):
        days = sorted(set(days))
        pad = 30
        self.days = [days[0] - pad] + days + [days[-1] + pad]
        self.breaks: list[tuple[int, int]] = []
        drawn = [0.0]
        for a, b in zip(self.days, self.days[1:]):
            gap = b - a
            if gap > LONG_GAP:
                self.breaks.append((a, b))
                gap = BREAK
            drawn.append(drawn[-1] + gap)
        self.drawn = drawn
        self.factor = (WIDTH - LEFT - RIGHT) / max(drawn[-1], 1)

    def x(self, day: int) -> float:
        i = min(max(bisect_right(self.days, day) - 1, 0), len(self.days) - 2)
        a, b = self.days[i], self.days[i + 1]
        share = (day - a) / (b - a) if b > a else 0
        return round(LEFT + (self.drawn[i] + share * (self.drawn[i + 1] - self.drawn[i])) * self.factor, 1)

    def linear(self, day: int) -> bool:
        """Whether `day` lies on a part of the axis drawn to scale."""
        return not any(a < day < b for a, b in self.breaks)


def svg(points: list[Point], title: str) -> Markup:
    """The SVG markup; every text is escaped."""
    if not points:
        return Markup("")
    scale = _Scale([p.when.toordinal() for p in points])
    first, last = scale.days[0], scale.days[-1]
    parts = [f'<svg class="timeline" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<line class="axis" x1="{LEFT}" y1="{AXIS}" x2="{WIDTH - RIGHT}" y2="{AXIS}"/>']
    for a, b in scale.breaks:  # a break: two slashes on a gap in the line
        middle = (scale.x(a) + scale.x(b)) / 2
        parts.append(f'<g class="break"><rect x="{middle - 6}" y="{AXIS - 8}" width="12" height="16"/>'
                     f'<line x1="{middle - 8}" y1="{AXIS + 7}" x2="{middle - 2}" y2="{AXIS - 7}"/>'
                     f'<line x1="{middle + 2}" y1="{AXIS + 7}" x2="{middle + 8}" y2="{AXIS - 7}"/></g>')
    years = [y for y in range(date.fromordinal(first).year + 1, date.fromordinal(last).year + 1)
             if scale.linear(date(y, 1, 1).toordinal())]
    for year in years:
        tick = scale.x(date(year, 1, 1).toordinal())
        parts.append(f'<line class="tick" x1="{tick}" y1="{AXIS - 4}" x2="{tick}" y2="{AXIS + 4}"/>'
                     f'<text class="year" x="{tick}" y="{HEIGHT - 4}">{year}</text>')
    marks = sorted((p for p in points if p.kind in ("as_of", "today")), key=lambda p: p.when)
    rows: dict[str, list[float]] = {"fact": [], "key": []}
    for p in sorted(points, key=lambda p: p.when):
        at = scale.x(p.when.toordinal())
        label = escape(f"{p.when.isoformat()}: {p.text}")
        if p.kind in ("as_of", "today"):
            # two marks side by side: the earlier's word to its left, the later's to its right
            anchor = "end" if len(marks) == 2 and p is marks[0] else "start" if len(marks) == 2 else "middle"
            shift = {"end": -3, "start": 3, "middle": 0}[anchor]
            parts.append(f'<g class="mark {p.kind}" data-date="{p.when.isoformat()}"><title>{label}</title>'
                         f'<line x1="{at}" y1="14" x2="{at}" y2="{HEIGHT - 20}"/>'
                         f'<text x="{at + shift}" y="10" text-anchor="{anchor}">{escape(p.text)}</text></g>')
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
