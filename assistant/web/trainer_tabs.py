"""The trainer tools as tabs of the chat page: Briefing, Compare and Timeline.

Each tool's result is rendered here as HTML, every string from a document, a file name or the user passing
through `render.esc`: `briefing_markdown` escapes only the characters Markdown acts on, so a `<script>` or
`<b>` written in a report would reach the browser as markup through a Markdown widget. The Markdown stays
what the handout download holds. Each quote carries a numbered button that opens its page in the Source tab,
the quote highlighted, as the chat answers' citations do.

One set of filters: the page's side panel. Its Local authority and years apply to these tools as to chat (the
Briefing's reports; the years of Compare's latest reports and of the Timeline's inspections; the councils of
Compare and Timeline when none is chosen in the tab). Its Documents, Judgement area and Grade filters cannot
apply (a briefing sets grades against each other; a comparison and a timeline show every area's grade), and a
result says so when they are set. The Briefing keeps one option of its own, the framework era, which the side
panel does not offer. Each tool's result downloads as DOCX and Markdown (`assistant.trainer.handout`).
"""
from __future__ import annotations

import logging
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import gradio as gr

from assistant.index import Index
from assistant.domain import AREA_LABELS, AREAS, GRADES
from assistant.trainer import (
    Briefing, Comparison, Quote, Timeline, UnsupportedFilter, as_image, available_filters, build_briefing,
    compare_councils, council_timeline, grade_chart, timeline_chart, write_handout, write_markdown,
)
from assistant.trainer.models import describe_years, long_date
from assistant.web import a11y, render
from assistant.web.render import esc

log = logging.getLogger(__name__)

ANY = "any"
MIN_COUNCILS, MAX_COUNCILS = 2, 5
THEME_CHARS = 200  # a theme is a few words; a pasted page is not a theme
THEME_EXAMPLE = "management oversight and supervision"

# Quote buttons live inside the tool's HTML; one delegated listener sends their number to Python, which
# looks the quote up in the session's own state.
QUOTES_JS = """
element.addEventListener('click', (event) => {
  const b = event.target.closest('button[data-action="cite"]');
  if (!b || !element.contains(b)) return;
  trigger('click', {n: Number(b.dataset.n || 0)});
});
"""
# Scoped to each tool's HTML (gr.HTML css_template); the page's CSS styles the shared classes (ia-quotes, ia-cite...).
TOOL_CSS = """
.ia-tool { font-size: 14.5px; line-height: 1.5; }
.ia-tool h3 { margin: 0 0 4px; font-size: 18px; }
.ia-tool h4 { margin: 18px 0 6px; font-size: 15px; }
.ia-tool h5 { margin: 12px 0 4px; font-size: 14px; }
.ia-tool .ia-scroll { overflow-x: auto; }
.ia-tool table { border-collapse: collapse; margin: 6px 0 4px; font-size: 13.5px; }
.ia-tool th, .ia-tool td { border: 1px solid var(--border-color-primary); padding: 3px 10px; text-align: left; vertical-align: top; }
.ia-tool th { background: var(--background-fill-secondary); font-weight: 600; }
.ia-tool td.ia-num { text-align: right; }
.ia-tool .ia-ref { font-size: 12.5px; color: var(--body-text-color-subdued); }
.ia-tool .ia-phrase { margin: 8px 0 2px; }
.ia-tool .ia-phrase > ul { margin-left: 18px; }
.ia-tool .ia-grade { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12.5px; }
.ia-tool .ia-grade-outstanding { background: rgba(27, 120, 55, 0.18); }
.ia-tool .ia-grade-good { background: rgba(90, 174, 97, 0.20); }
.ia-tool .ia-grade-requires-improvement { background: rgba(241, 163, 64, 0.25); }
.ia-tool .ia-grade-inadequate { background: rgba(215, 48, 39, 0.18); }
"""


# ------------------------------------------------------------------------------------------- rendering

# A table wider than a phone scrolls sideways in this box: focusable and named, so that a keyboard can scroll it
# too (WCAG 2.1.1; axe: scrollable-region-focusable).
SCROLL_OPEN = '<div class="ia-scroll" tabindex="0" role="region" aria-label="Grades table">'


def _key(q: Quote) -> tuple:
    return q.doc_id, q.page, q.text


def number_quotes(quotes: list[Quote]) -> tuple[list[Quote], dict[tuple, int]]:
    """Each distinct quote once, in reading order, and its button number (1-based)."""
    unique: list[Quote] = []
    numbers: dict[tuple, int] = {}
    for q in quotes:
        if _key(q) not in numbers:
            unique.append(q)
            numbers[_key(q)] = len(unique)
    return unique, numbers


def cite_button(n: int) -> str:
    return (f'<button type="button" class="ia-cite" data-action="cite" data-n="{n}" '
            f'title="Open source {n} on its page" aria-label="Open source {n}">[{n}]</button>')


def quote_list(quotes: list[Quote], numbers: dict[tuple, int]) -> str:
    items = "".join(
        f'<li><q>{esc(q.text)}</q> <span class="ia-ref">\u2014 {esc(q.reference())}</span> {cite_button(numbers[_key(q)])}</li>'
        for q in quotes
    )
    return f'<ul class="ia-quotes">{items}</ul>'


def _notices(notices: list[str]) -> str:
    return '<ul class="ia-notices">' + "".join(f"<li>{esc(n)}</li>" for n in notices) + "</ul>" if notices else ""


def grade_chip(grade: str | None) -> str:
    if not grade:
        return "\u2014"
    slug = re.sub(r"[^a-z]+", "-", grade.lower()).strip("-")
    return f'<span class="ia-grade ia-grade-{esc(slug)}">{esc(grade.capitalize())}</span>'


def grade_chart_alt(b: Briefing) -> str:
    """The briefing chart's text alternative: the numbers it draws (WCAG 1.1.1)."""
    counts = "; ".join(f"{(g or 'no grade').capitalize()}: {int(n)}" for g, n in b.by_grade.items())
    return f"Chart of the reports speaking to the theme, by grade. {counts}."


def render_briefing(b: Briefing) -> tuple[str, list[Quote]]:
    """(HTML, the quotes its buttons number) for a briefing; every document string escaped."""
    quotes, numbers = number_quotes(b.quotes())
    out = [f"<h3>Theme briefing: {esc(b.theme)}</h3>",
           f'<p class="ia-note">Scope: {esc(b.scope.description)}. Generated {b.generated:%d %B %Y %H:%M} in '
           f"{b.seconds:.1f} s. Every quote is verbatim from the cited report or framework document and was checked "
           "against its page; click a number to open the page.</p>"]
    if b.empty:
        out.append(f'<div class="ia-notfound">{esc(b.message)}</div>')
    else:
        out.append(f'<p class="ia-lead">{esc(b.message)}</p>')
    out.append(_notices(b.notices))
    if not b.empty:
        rows = "".join(f'<tr><td>{grade_chip(g)}</td><td class="ia-num">{int(n)}</td></tr>' for g, n in b.by_grade.items())
        out.append("<h4>Reports speaking to the theme, by grade</h4>"
                   f"<table><tr><th>Grade the report gave this part of the work</th><th>Reports</th></tr>{rows}</table>")
        for g in b.groups:
            out.append(f"<h4>{esc(g.label)}: {g.reports} report{'s' if g.reports != 1 else ''}, "
                       f"{g.passages} passage{'s' if g.passages != 1 else ''}</h4>")
            if g.councils:
                out.append(f'<p class="ia-note">{esc(g.councils_line())}</p>')
            out.append(quote_list(g.quotes, numbers) if g.quotes else "<p>No passage in this group speaks to the theme.</p>")
        out.append("<h4>What distinguishes strong reports from weak ones</h4>")
        if b.distinctions:
            for d in b.distinctions:
                mine, other = ("strong", "weak") if d.group == "strong" else ("weak", "strong")
                out.append(f'<div class="ia-phrase"><strong>\u201c{esc(d.phrase)}\u201d</strong> \u2014 {mine} reports: '
                           f"{d.reports}; {other} reports: {d.other_reports}{quote_list(d.quotes, numbers)}</div>")
        else:
            out.append("<p>No phrase recurs in one group\u2019s passages and not the other\u2019s.</p>")
    out.append("<h4>What the framework documents expect</h4>")
    out.append(quote_list(b.framework, numbers) if b.framework else
               "<p>No framework document in the index speaks to the theme.</p>")
    if b.prompts:
        out.append("<h4>Discussion prompts</h4><ol>" + "".join(f"<li>{esc(p)}</li>" for p in b.prompts) + "</ol>")
    if b.sources:
        out.append("<h4>Sources</h4><ul>" + "".join(f"<li>{esc(s)}</li>" for s in b.sources) + "</ul>")
    return f'<div class="ia-tool ia-briefing-result">{"".join(out)}</div>', quotes


def _grades_table(reports, first_heading: str, label: Callable) -> str:
    head = f"<tr><th>{esc(first_heading)}</th>" + "".join(f"<th>{esc(label(r))}</th>" for r in reports) + "</tr>"
    rows = ["<tr><td>Published</td>" + "".join(f"<td>{esc(long_date(r.published))}</td>" for r in reports) + "</tr>",
            "<tr><td>Framework</td>" + "".join(f"<td>{esc(r.framework or chr(0x2014))}</td>" for r in reports) + "</tr>"]
    for area in AREAS:
        rows.append(f"<tr><td>{esc(AREA_LABELS[area])}</td>"
                    + "".join(f"<td>{grade_chip(r.judgements.get(area))}</td>" for r in reports) + "</tr>")
    return f'{SCROLL_OPEN}<table>{head}{"".join(rows)}</table></div>'


def render_comparison(c: Comparison) -> tuple[str, list[Quote]]:
    quotes, numbers = number_quotes([q for r in c.reports for q in r.quotes])
    out = [f"<h3>Comparison: {esc(', '.join(c.councils) or 'no indexed council')}</h3>",
           f'<p class="ia-note">{esc(c.scope_line())}</p>', _notices(c.notices)]
    if c.reports:
        out.append("<h4>Latest grades</h4>" + _grades_table(c.reports, "Area", lambda r: r.local_authority or r.title))
    if c.theme:
        out.append(f"<h4>What each latest report says on \u201c{esc(c.theme)}\u201d</h4>")
        for r in c.reports:
            out.append(f"<h5>{esc(r.local_authority or r.title)} (published {esc(long_date(r.published))})</h5>")
            out.append(quote_list(r.quotes, numbers) if r.quotes else "<p>Nothing quotable on the theme.</p>")
    return f'<div class="ia-tool ia-compare-result">{"".join(out)}</div>', quotes


def render_timeline(t: Timeline) -> tuple[str, list[Quote]]:
    quotes, numbers = number_quotes([q for r in t.reports for q in r.quotes])
    out = [f"<h3>Timeline: {esc(t.council)}</h3>", f'<p class="ia-note">{esc(t.scope_line())}</p>',
           _notices(t.notices)]
    if t.reports:
        head = ("<tr><th>Published</th><th>Inspected</th><th>Framework</th>"
                + "".join(f"<th>{esc(AREA_LABELS[a])}</th>" for a in AREAS) + "</tr>")
        rows = []
        for r in t.reports:
            inspected = (f"{long_date(r.inspection_start)} \u2013 {long_date(r.inspection_end)}"
                         if r.inspection_start else "\u2014")
            rows.append(f"<tr><td>{esc(long_date(r.published))}</td><td>{esc(inspected)}</td>"
                        f"<td>{esc(r.framework or chr(0x2014))}</td>"
                        + "".join(f"<td>{grade_chip(r.judgements.get(a))}</td>" for a in AREAS) + "</tr>")
        out.append(f'<h4>Inspections</h4>{SCROLL_OPEN}<table>{head}{"".join(rows)}</table></div>')
    if t.theme:
        out.append(f"<h4>How inspectors wrote about \u201c{esc(t.theme)}\u201d</h4>")
        for r in t.reports:
            overall = (r.judgements.get("overall_effectiveness") or "\u2014").capitalize()
            out.append(f"<h5>{esc(long_date(r.published))} ({esc(r.framework or 'framework unknown')}; overall: {esc(overall)})</h5>")
            out.append(quote_list(r.quotes, numbers) if r.quotes else "<p>Nothing quotable on the theme.</p>")
    return f'<div class="ia-tool ia-timeline-result">{"".join(out)}</div>', quotes


# ------------------------------------------------------------------------------------------- inputs

def _year(value) -> int | None:
    try:
        return int(value) if value not in (None, "", ANY) else None
    except (TypeError, ValueError):
        return None


def _clean_theme(theme) -> str:
    return " ".join(str(theme or "").split())[:THEME_CHARS]


def _names(values) -> list[str]:
    if isinstance(values, str):
        values = [values]
    return [str(v).strip() for v in (values or []) if str(v or "").strip()]


def slug(text: str, fallback: str = "briefing") -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:50].strip("-") or fallback


@dataclass
class SidePanel:
    """The page's side-panel filters as the trainer tools read them."""

    councils: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    unused: list[str] = field(default_factory=list)  # filters set that no trainer tool can apply, by their labels

    @property
    def years(self) -> str:
        return describe_years(self.year_from, self.year_to)

    def applied(self, councils: bool = True) -> str:
        """What of the side panel a result used, in words ("" when nothing)."""
        parts = ([f"local authority {'; '.join(self.councils)}."] if councils and self.councils else []) + \
            ([f"Years: {self.years}."] if self.years else [])
        return f"From the side panel: {' '.join(parts)}" if parts else ""

    def not_applied(self, why: str) -> str:
        if not self.unused:
            return ""
        names = self.unused[0] if len(self.unused) == 1 else ", ".join(self.unused[:-1]) + " and " + self.unused[-1]
        return f"The side panel\u2019s {names} filter{'s do' if len(self.unused) > 1 else ' does'} not apply here: {why}."


def side_panel(las=None, year_from=None, year_to=None, kind=None, area=None, grade=None) -> SidePanel:
    """The side panel's six values (as the page's filters send them) for the trainer tools."""
    y0, y1 = _year(year_from), _year(year_to)
    if y0 and y1 and y0 > y1:
        y0, y1 = y1, y0
    unused = [label for label, on in (("Documents", kind in ("report", "framework")), ("Judgement area", area in AREAS),
                                      ("Grade", grade in GRADES)) if on]
    return SidePanel(councils=_names(las), year_from=y0, year_to=y1, unused=unused)


def panel_notes(*lines: str) -> str:
    lines = [line for line in lines if line]
    return "".join(f'<p class="ia-note ia-panel-note">{esc(line)}</p>' for line in lines)


def with_notes(html: str, notes: str) -> str:
    """The side-panel notes at the top of a tool's result, inside its box."""
    if not notes:
        return html
    head = re.match(r'<div class="ia-tool [^"]*">(?:<h3>.*?</h3>)?', html)
    return html[:head.end()] + notes + html[head.end():] if head else notes + html


# ------------------------------------------------------------------------------------------- tabs

class TrainerTabs:
    """Builds the three tabs inside the page's `gr.Tabs` (`build`), then wires their events (`wire`).

    `view(doc_id, page, citation)` is the page's source viewer; handouts are written under `stage`."""

    def __init__(self, index: Index, stage: str | Path, view: Callable | None = None, concurrency: int = 2):
        self.index = index
        self.stage = Path(stage)
        self.view = view
        self.concurrency = concurrency

    # -------------------------------------------------------------------------------- layout
    def build(self) -> None:
        f = self.filter_values()
        with gr.Tab("Briefing", id="briefing"):
            a11y.sr_heading("Theme briefing")
            gr.Markdown("What inspectors wrote about a theme across the indexed reports, strong reports against weak "
                        "ones, with what the framework documents expect. The side panel\u2019s **Local authority** and "
                        "**years** choose the reports (every report when they are empty); its Documents, Judgement area "
                        "and Grade filters do not apply to a briefing, which sets the grades against each other.")
            with gr.Row(equal_height=True):
                self.b_theme = gr.Textbox(label="Theme", placeholder=f"for example \u201c{THEME_EXAMPLE}\u201d", lines=1,
                                          max_lines=1, max_length=THEME_CHARS, scale=5, elem_id="ia-briefing-theme")
                self.b_frameworks = gr.Dropdown(label="Framework era", choices=f["frameworks"], multiselect=True, scale=2,
                                                info="Any era when empty.", elem_id="ia-briefing-frameworks")
                self.b_build = gr.Button("Build briefing", variant="primary", scale=1, min_width=140,
                                         elem_id="ia-briefing-build")
            # No label or buttons on the charts: Gradio lays them over the image, on the chart's own title.
            with gr.Row():
                with gr.Column(scale=3):
                    self.b_out = gr.HTML(render.message("Type a theme and press Build briefing."), js_on_load=QUOTES_JS,
                                         css_template=TOOL_CSS, padding=True, elem_id="ia-briefing")
                with gr.Column(scale=2, min_width=320):
                    self.b_chart = gr.Image(label="Reports speaking to the theme, by grade", type="pil", format="png",
                                            interactive=False, visible=False, show_label=False, buttons=[],
                                            elem_id="ia-briefing-chart")
                    with gr.Row():
                        self.b_docx = gr.DownloadButton("Handout (.docx)", size="sm", interactive=False,
                                                        elem_id="ia-briefing-docx")
                        self.b_md = gr.DownloadButton("Handout (Markdown)", size="sm", interactive=False,
                                                      elem_id="ia-briefing-md")
            self.b_quotes = gr.State([])
            self.b_session = gr.State("")
        with gr.Tab("Compare", id="compare"):
            a11y.sr_heading("Compare councils")
            gr.Markdown("Two to five councils side by side: the grades of each one\u2019s latest indexed report and, "
                        "given a theme, what each latest report says on it. Choose the councils here, or leave this "
                        "empty to compare the side panel\u2019s; the side panel\u2019s **years** apply (each council\u2019s "
                        "latest report within them).")
            with gr.Row(equal_height=True):
                self.c_councils = gr.Dropdown(label=f"Councils ({MIN_COUNCILS} to {MAX_COUNCILS})", choices=f["councils"],
                                              multiselect=True, filterable=True, max_choices=MAX_COUNCILS, scale=3,
                                              elem_id="ia-compare-councils")
                self.c_theme = gr.Textbox(label="Theme (optional)", placeholder="for example \u201ccaseloads\u201d", lines=1,
                                          max_lines=1, max_length=THEME_CHARS, scale=3, elem_id="ia-compare-theme")
                self.c_run = gr.Button("Compare", variant="primary", scale=1, min_width=120, elem_id="ia-compare-run")
            with gr.Row():
                self.c_docx = gr.DownloadButton("Comparison (.docx)", size="sm", interactive=False,
                                                elem_id="ia-compare-docx")
                self.c_md = gr.DownloadButton("Comparison (Markdown)", size="sm", interactive=False,
                                              elem_id="ia-compare-md")
            self.c_out = gr.HTML(render.message("Choose two to five councils and press Compare."), js_on_load=QUOTES_JS,
                                 css_template=TOOL_CSS, padding=True, elem_id="ia-compare")
            self.c_quotes = gr.State([])
            self.c_session = gr.State("")
        with gr.Tab("Timeline", id="timeline"):
            a11y.sr_heading("Council timeline")
            gr.Markdown("Every indexed inspection of one council in date order and, given a theme, how inspectors\u2019 "
                        "words on it changed. Choose the council here, or leave it empty to use the side panel\u2019s "
                        "one council; the side panel\u2019s **years** apply.")
            with gr.Row(equal_height=True):
                self.t_council = gr.Dropdown(label="Council", choices=f["councils"], value=None, filterable=True, scale=3,
                                             elem_id="ia-timeline-council")
                self.t_theme = gr.Textbox(label="Theme (optional)", placeholder="for example \u201csupervision\u201d", lines=1,
                                          max_lines=1, max_length=THEME_CHARS, scale=3, elem_id="ia-timeline-theme")
                self.t_run = gr.Button("Show timeline", variant="primary", scale=1, min_width=120, elem_id="ia-timeline-run")
            with gr.Row():
                self.t_docx = gr.DownloadButton("Timeline (.docx)", size="sm", interactive=False,
                                                elem_id="ia-timeline-docx")
                self.t_md = gr.DownloadButton("Timeline (Markdown)", size="sm", interactive=False,
                                              elem_id="ia-timeline-md")
            # The grades table needs the full width, so the chart sits above it.
            self.t_chart = gr.Image(label="Judgements at each inspection", type="pil", format="png", height=340,
                                    interactive=False, visible=False, show_label=False, buttons=[],
                                    elem_id="ia-timeline-chart")
            self.t_out = gr.HTML(render.message("Choose a council and press Show timeline."), js_on_load=QUOTES_JS,
                                 css_template=TOOL_CSS, padding=True, elem_id="ia-timeline")
            self.t_quotes = gr.State([])
            self.t_session = gr.State("")

    def wire(self, demo: gr.Blocks, tabs: gr.Tabs | None = None, viewer_outputs: list | None = None,
             side_panel: list | None = None) -> None:
        """The tabs' events; with the Source tab's outputs, a quote's number opens its page there. `side_panel`:
        the page's six filter components (local authority, from year, to year, documents, area, grade)."""
        hidden = dict(api_visibility="private")
        run = dict(concurrency_limit=self.concurrency, concurrency_id="trainer", **hidden)
        panel = list(side_panel or [])
        b_args = dict(fn=self.briefing, inputs=[self.b_theme, self.b_frameworks, self.b_session, *panel],
                      outputs=[self.b_out, self.b_chart, self.b_docx, self.b_md, self.b_quotes, self.b_session], **run)
        self.b_build.click(**b_args)
        self.b_theme.submit(**b_args)
        c_args = dict(fn=self.compare, inputs=[self.c_councils, self.c_theme, self.c_session, *panel],
                      outputs=[self.c_out, self.c_docx, self.c_md, self.c_quotes, self.c_session], **run)
        self.c_run.click(**c_args)
        self.c_theme.submit(**c_args)
        t_args = dict(fn=self.timeline, inputs=[self.t_council, self.t_theme, self.t_session, *panel],
                      outputs=[self.t_out, self.t_chart, self.t_docx, self.t_md, self.t_quotes, self.t_session], **run)
        self.t_run.click(**t_args)
        self.t_theme.submit(**t_args)
        demo.load(self.filter_choices, outputs=[self.b_frameworks, self.c_councils, self.t_council], **hidden)
        if tabs is not None and viewer_outputs is not None and self.view is not None:
            for out, state in ((self.b_out, self.b_quotes), (self.c_out, self.c_quotes), (self.t_out, self.t_quotes)):
                out.click(self.open_quote, inputs=[state], outputs=[*viewer_outputs, tabs], **hidden)

    # -------------------------------------------------------------------------------- choices
    def filter_values(self) -> dict:
        try:
            f = available_filters(self.index)
        except Exception:  # an index being rebuilt must not stop the page from starting
            log.exception("trainer filters could not be read")
            return {"councils": [], "frameworks": [], "years": []}
        lo_hi = f.get("years")
        return {"councils": f["councils"], "frameworks": f["frameworks"],
                "years": list(range(lo_hi[0], lo_hi[1] + 1)) if lo_hi else []}

    def filter_choices(self):
        """(framework eras, Compare's councils, Timeline's councils) as the index has them now."""
        f = self.filter_values()
        councils = f["councils"]
        return gr.Dropdown(choices=f["frameworks"]), gr.Dropdown(choices=councils), gr.Dropdown(choices=councils)

    # -------------------------------------------------------------------------------- callbacks
    def briefing(self, theme, frameworks, session, *panel):
        """(html, chart, docx download, markdown download, quotes, session) for the Briefing tab; `panel`: the
        side panel's six filter values."""
        session = session or uuid.uuid4().hex
        off = gr.DownloadButton(value=None, interactive=False)
        no_chart = gr.Image(value=None, visible=False)
        side = side_panel(*panel)

        def fail(text: str, kind: str = "error"):
            return render.message(text, kind), no_chart, off, off, [], session

        theme = _clean_theme(theme)
        if not theme:
            return fail(f"Type a theme first, for example \u201c{THEME_EXAMPLE}\u201d.", "note")
        try:
            b = build_briefing(self.index, theme, year_from=side.year_from, year_to=side.year_to,
                               frameworks=_names(frameworks) or None, councils=side.councils or None)
        except UnsupportedFilter as exc:
            return fail(f"That filter is not supported: {exc}")
        except ValueError as exc:
            return fail(f"The briefing could not be built: {exc}")
        except Exception as exc:  # the tab must always say something; the log has the traceback
            log.exception("building a briefing failed")
            return fail(f"The briefing could not be built ({type(exc).__name__}). Please try again.")
        html, quotes = render_briefing(b)
        html = with_notes(html, panel_notes(side.applied(), side.not_applied(
            "a briefing sets the reports\u2019 grades against each other, over every area")))
        if b.empty:
            return html, no_chart, off, off, quotes, session
        try:
            chart = gr.Image(value=as_image(grade_chart(b)), visible=True, alt_text=grade_chart_alt(b))
        except Exception:
            log.exception("drawing the briefing chart failed")
            chart = no_chart
        html, docx, md = self._downloads(b, "briefings", f"briefing-{slug(b.theme)}", session, html)
        return html, chart, docx, md, quotes, session

    def _exports(self, item, kind: str, name: str, session: str) -> tuple[Path, Path]:
        """The DOCX and Markdown of a briefing, comparison or timeline in this session's own folder for that tool,
        replacing its previous ones.

        The Markdown is written without the chart link: a downloaded .md is one file, and the chart is in the
        DOCX and downloadable from the page."""
        folder = self.stage / kind / re.sub(r"[^0-9a-f]", "", session)[:32]
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        docx = write_handout(item, folder / f"{name}.docx")[0]
        md = write_markdown(item, folder / f"{name}.md", chart=False)[0]
        return docx, md

    def _downloads(self, item, kind: str, name: str, session: str, html: str):
        """(html, docx button, markdown button): the files written and offered, or the page told why not."""
        try:
            docx, md = self._exports(item, kind, name, session)
        except Exception as exc:
            log.exception("writing the %s downloads failed", kind)
            off = gr.DownloadButton(value=None, interactive=False)
            return html + render.message(f"The downloads could not be written ({type(exc).__name__}).", "error"), off, off
        return html, gr.DownloadButton(value=str(docx), interactive=True), gr.DownloadButton(value=str(md), interactive=True)

    def compare(self, councils, theme, session, *panel):
        """(html, docx download, markdown download, quotes, session) for the Compare tab."""
        session = session or uuid.uuid4().hex
        off = gr.DownloadButton(value=None, interactive=False)
        side = side_panel(*panel)
        names = _names(councils)
        notes = []
        if not names and side.councils:
            names = side.councils  # nothing chosen here: the side panel's councils
        elif names and side.councils and set(names) != set(side.councils):
            notes.append(f"The side panel\u2019s Local authority ({'; '.join(side.councils)}) is not used here: the "
                         "councils chosen above are compared.")
        if not MIN_COUNCILS <= len(names) <= MAX_COUNCILS:
            return render.message(f"Choose {MIN_COUNCILS} to {MAX_COUNCILS} councils to compare ({len(names)} chosen, "
                                  "here or in the side panel).", "note"), off, off, [], session
        try:
            c = compare_councils(self.index, names, _clean_theme(theme) or None, year_from=side.year_from,
                                 year_to=side.year_to)
        except ValueError as exc:
            return render.message(f"The comparison could not be made: {exc}", "error"), off, off, [], session
        except Exception as exc:
            log.exception("comparing councils failed")
            return (render.message(f"The comparison could not be made ({type(exc).__name__}). Please try again.", "error"),
                    off, off, [], session)
        html, quotes = render_comparison(c)
        html = with_notes(html, panel_notes(side.applied(councils=names == side.councils), *notes, side.not_applied(
            "a comparison shows every area\u2019s grade")))
        if not c.reports:
            return html, off, off, quotes, session
        html, docx, md = self._downloads(c, "comparisons", "comparison-" + slug(" ".join(c.councils), "councils"),
                                         session, html)
        return html, docx, md, quotes, session

    def timeline(self, council, theme, session, *panel):
        """(html, chart, docx download, markdown download, quotes, session) for the Timeline tab."""
        session = session or uuid.uuid4().hex
        off = gr.DownloadButton(value=None, interactive=False)
        no_chart = gr.Image(value=None, visible=False)
        side = side_panel(*panel)
        names = _names(council)
        notes = []
        if not names and len(side.councils) == 1:
            names = side.councils
        elif names and side.councils and side.councils != names:
            notes.append(f"The side panel\u2019s Local authority ({'; '.join(side.councils)}) is not used here: the "
                         "council chosen above is shown.")
        if not names:
            more = f" (the side panel names {len(side.councils)}; a timeline is of one)" if side.councils else ""
            return render.message(f"Choose a council first{more}.", "note"), no_chart, off, off, [], session
        try:
            t = council_timeline(self.index, names[0], _clean_theme(theme) or None, year_from=side.year_from,
                                 year_to=side.year_to)
        except ValueError as exc:
            return render.message(f"No timeline: {exc}.", "error"), no_chart, off, off, [], session
        except Exception as exc:
            log.exception("building a timeline failed")
            return (render.message(f"The timeline could not be built ({type(exc).__name__}). Please try again.", "error"),
                    no_chart, off, off, [], session)
        html, quotes = render_timeline(t)
        html = with_notes(html, panel_notes(side.applied(councils=names == side.councils), *notes, side.not_applied(
            "a timeline shows every area\u2019s grade at each inspection")))
        if not t.reports:
            return html, no_chart, off, off, quotes, session
        try:
            chart = gr.Image(value=as_image(timeline_chart(t)), visible=True,
                             alt_text=f"Chart of the judgements at each inspection of {t.council}; "
                                      "the Inspections table gives the same grades.")
        except Exception:
            log.exception("drawing the timeline chart failed")
            chart = no_chart
        html, docx, md = self._downloads(t, "timelines", f"timeline-{slug(t.council, 'council')}", session, html)
        return html, chart, docx, md, quotes, session

    def open_quote(self, quotes, evt: gr.EventData):
        """A quote's number clicked: its page in the Source tab, the quote highlighted. The number comes from the
        browser, so it is checked against the session's own quotes."""
        data = getattr(evt, "_data", None) or {}
        try:
            n = int(data.get("n") or 0)
        except (TypeError, ValueError):
            n = 0
        quotes = list(quotes or [])
        if not 1 <= n <= len(quotes) or self.view is None:
            return (gr.skip(),) * 7
        q = quotes[n - 1]
        if isinstance(q, dict):
            q = Quote.model_validate(q)
        return (*self.view(q.doc_id, q.page, q.to_citation(n)), gr.Tabs(selected="source"))
