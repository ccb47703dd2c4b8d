"""Server-drawn SVG charts: geometry computed here, drawn by templates/insights/_bars.html.

No script and no style attributes (the Content-Security-Policy forbids both): colours are SVG
presentation attributes from a palette readable by people with colour-blindness (Okabe-Ito), and
every chart has a title, a description and the table of its numbers beside it.
"""

from dataclasses import dataclass, field
from datetime import date

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
WIDTH, HEIGHT = 720, 260
LEFT, BOTTOM, TOP = 48, 36, 12


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Chart:
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label) of the value axis
    labels: list[tuple[float, str]] = field(default_factory=list)  # (x, label) under the bars
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM


def _nice_max(value: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000):
        if value <= step * 4:
            return step * 4
    return value


def stacked_weeks(
    *, title: str, weeks: list[date], labels: list[str], counts: dict[str, dict[date, int]], top: int = 6
) -> Chart:
    """A column per week, stacked by label; labels beyond `top` are drawn together as "Other"."""
    shown = labels[:top]
    rest = labels[top:]
    totals = [sum(counts[label].get(week, 0) for label in labels) for week in weeks]
    high = _nice_max(max(totals, default=0) or 1)
    chart = Chart(title=title, description=f"{title}: {len(weeks)} weeks, {sum(totals)} in all.")
    plot = chart.baseline - TOP
    slot = (WIDTH - LEFT - 8) / max(len(weeks), 1)
    groups = [(label, PALETTE[i % len(PALETTE)], [label]) for i, label in enumerate(shown)]
    if rest:
        groups.append(("Other", PALETTE[-1], rest))
    for n, week in enumerate(weeks):
        y = float(chart.baseline)
        for name, colour, members in groups:
            value = sum(counts[m].get(week, 0) for m in members)
            if not value:
                continue
            h = plot * value / high
            y -= h
            x = LEFT + n * slot + slot * 0.15
            chart.bars.append(Bar(x, y, slot * 0.7, h, colour, f"Week of {week:%-d %b}: {name} {value}"))
        if len(weeks) <= 14 or n % 2 == 0:
            chart.labels.append((LEFT + n * slot + slot / 2, f"{week:%-d %b}"))
    chart.ticks = [(chart.baseline - plot * i / 4, f"{high * i / 4:g}") for i in range(5)]
    chart.legend = [(colour, name) for name, colour, _ in groups]
    return chart


def bars(*, title: str, items: list[tuple[str, float]], unit: str = "") -> Chart:
    """One column per item (a distribution, a comparison)."""
    high = _nice_max(max((v for _, v in items), default=0) or 1)
    chart = Chart(title=title, description=f"{title}: " + ", ".join(f"{k} {v:g}{unit}" for k, v in items))
    plot = chart.baseline - TOP
    slot = (WIDTH - LEFT - 8) / max(len(items), 1)
    for n, (label, value) in enumerate(items):
        h = plot * value / high
        x = LEFT + n * slot + slot * 0.2
        chart.bars.append(Bar(x, chart.baseline - h, slot * 0.6, h, PALETTE[0], f"{label}: {value:g}{unit}"))
        chart.labels.append((LEFT + n * slot + slot / 2, label))
    chart.ticks = [(chart.baseline - plot * i / 4, f"{high * i / 4:g}") for i in range(5)]
    return chart
