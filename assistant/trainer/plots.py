"""Small PNG charts for briefings and timelines.

Figures are drawn on matplotlib's Agg canvas directly, not through pyplot: no global figure state, so
charts can be drawn from the web server's threads and no display is ever needed.
"""
from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from assistant.domain import AREA_LABELS, AREAS, GRADES, grade_rank, report_date
from assistant.trainer.models import Briefing, Timeline

GRADE_COLOURS = {"outstanding": "#1b7837", "good": "#5aae61", "requires improvement": "#f1a340", "inadequate": "#d73027"}
GRADE_SCORE = {g: len(GRADES) - grade_rank(g) for g in GRADES}  # inadequate 1 ... outstanding 4


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    return buf.getvalue()


def grade_chart(briefing: Briefing) -> bytes:
    """Bars: how many reports speak to the theme in passages of each grade, coloured strong to weak."""
    fig = Figure(figsize=(6.0, 3.2))
    ax = fig.add_subplot()
    counts = [briefing.by_grade.get(g, 0) for g in GRADES]
    bars = ax.bar([g.capitalize() for g in GRADES], counts, color=[GRADE_COLOURS[g] for g in GRADES])
    ax.bar_label(bars, padding=2)
    ax.set_ylabel("Reports")
    title = f"Reports speaking to \u201c{briefing.theme}\u201d, by grade of the passage's judgement"
    ax.set_title(textwrap.fill(title, 80), fontsize=9)
    top = max(counts + [1])
    ax.set_ylim(0, top * 1.3)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.axvline(1.5, color="#888888", linestyle=":", linewidth=1)
    for x, label in ((0.5, "strong"), (2.5, "weak")):
        ax.text(x, top * 1.2, label, ha="center", va="center", fontsize=8, color="#555555")
    ax.tick_params(axis="x", labelsize=8)
    return _png(fig)


def timeline_chart(timeline: Timeline) -> bytes:
    """One line per judgement area across the council's inspections (grades on an ordinal axis)."""
    fig = Figure(figsize=(6.5, 3.4))
    ax = fig.add_subplot()
    dates = [report_date(r) for r in timeline.reports]
    markers = {"overall_effectiveness": "o", "impact_of_leaders": "s", "help_and_protection": "^",
               "children_in_care": "D", "care_leavers": "v"}
    for i, area in enumerate(AREAS):
        # A small vertical offset per area keeps equal grades from hiding one another.
        points = [(d, GRADE_SCORE[r.judgements.get(area)] + (i - 2) * 0.05)
                  for d, r in zip(dates, timeline.reports) if d and r.judgements.get(area) in GRADE_SCORE]
        if points:
            xs, ys = zip(*points)
            ax.plot(xs, ys, marker=markers[area], label=AREA_LABELS[area], linewidth=1.2, markersize=5)
    ax.set_yticks([1, 2, 3, 4], ["Inadequate", "Requires\nimprovement", "Good", "Outstanding"], fontsize=8)
    ax.set_ylim(0.6, 4.4)
    ax.set_title(f"{timeline.council}: judgements at each inspection", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    fig.autofmt_xdate()
    return _png(fig)


def as_image(png: bytes):
    """A PIL image of a chart, for widgets that take images rather than bytes (gr.Image)."""
    from PIL import Image

    return Image.open(io.BytesIO(png))
