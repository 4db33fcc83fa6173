"""The trainer tools as tabs of the chat page: Briefing, Compare and Timeline.

Each tool's result is rendered here as HTML, every string from a document, a file name or the user passing
through `render.esc`: `briefing_markdown` escapes only the characters Markdown acts on, so a `<script>` or
`<b>` written in a report would reach the browser as markup through a Markdown widget. The Markdown stays
what the handout download holds. Each quote carries a numbered button that opens its page in the Source tab,
the quote highlighted, as the chat answers' citations do.
"""
from __future__ import annotations

import logging
import re
import shutil
import uuid
from pathlib import Path
from typing import Callable

import gradio as gr

from assistant.index import Index
from assistant.domain import AREA_LABELS, AREAS
from assistant.trainer import (
    Briefing, Comparison, Quote, Timeline, UnsupportedFilter, as_image, available_filters, briefing_markdown,
    build_briefing, compare_councils, council_timeline, grade_chart, timeline_chart, write_handout,
)
from assistant.trainer.models import long_date
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
           '<p class="ia-note">Each council\u2019s latest indexed report.</p>', _notices(c.notices)]
    if c.reports:
        out.append("<h4>Latest grades</h4>" + _grades_table(c.reports, "Area", lambda r: r.local_authority or r.title))
    if c.theme:
        out.append(f"<h4>What each latest report says on \u201c{esc(c.theme)}\u201d</h4>")
        for r in c.reports:
            out.append(f"<h5>{esc(r.local_authority or r.title)} (published {esc(long_date(r.published))})</h5>")
            out.append(quote_list(r.quotes, numbers) if r.quotes else "<p>Nothing quotable on the theme.</p>")
    return f'<div class="ia-tool ia-compare-result">{"".join(out)}</div>', quotes


_CLI_HINT = re.compile(r"^The index holds one report for (?P<name>.+?); build it with `ingest --all`.*$")


def plain_notice(notice: str) -> str:
    """A library notice as a web page says it: no command to type."""
    m = _CLI_HINT.match(notice)
    return f"This library holds one report for {m['name']}; older reports are not indexed." if m else notice


def render_timeline(t: Timeline) -> tuple[str, list[Quote]]:
    quotes, numbers = number_quotes([q for r in t.reports for q in r.quotes])
    out = [f"<h3>Timeline: {esc(t.council)}</h3>", _notices([plain_notice(n) for n in t.notices])]
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
        years = [ANY] + [str(y) for y in f["years"]]
        with gr.Tab("Briefing", id="briefing"):
            a11y.sr_heading("Theme briefing")
            gr.Markdown("What inspectors wrote about a theme across the indexed reports, strong reports against weak "
                        "ones, with what the framework documents expect. The filters here choose the reports (the side "
                        "panel\u2019s apply to chat questions only); leave one empty to use every report.")
            with gr.Row(equal_height=True):
                self.b_theme = gr.Textbox(label="Theme", placeholder=f"for example \u201c{THEME_EXAMPLE}\u201d", lines=1,
                                          max_lines=1, max_length=THEME_CHARS, scale=5, elem_id="ia-briefing-theme")
                self.b_build = gr.Button("Build briefing", variant="primary", scale=1, min_width=140,
                                         elem_id="ia-briefing-build")
            with gr.Row():
                self.b_year_from = gr.Dropdown(label="From year", choices=years, value=ANY, min_width=100, scale=1,
                                               elem_id="ia-briefing-year-from")
                self.b_year_to = gr.Dropdown(label="To year", choices=years, value=ANY, min_width=100, scale=1,
                                             elem_id="ia-briefing-year-to")
                self.b_frameworks = gr.Dropdown(label="Framework era", choices=f["frameworks"], multiselect=True, scale=2,
                                                info="Any era when empty.", elem_id="ia-briefing-frameworks")
                self.b_councils = gr.Dropdown(label="Councils", choices=f["councils"], multiselect=True, filterable=True,
                                              scale=3, info="Every council when empty. Regions are not supported: "
                                                            "choose the region\u2019s councils.",
                                              elem_id="ia-briefing-councils")
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
                        "given a theme, what each latest report says on it.")
            with gr.Row(equal_height=True):
                self.c_councils = gr.Dropdown(label=f"Councils ({MIN_COUNCILS} to {MAX_COUNCILS})", choices=f["councils"],
                                              multiselect=True, filterable=True, max_choices=MAX_COUNCILS, scale=3,
                                              elem_id="ia-compare-councils")
                self.c_theme = gr.Textbox(label="Theme (optional)", placeholder="for example \u201ccaseloads\u201d", lines=1,
                                          max_lines=1, max_length=THEME_CHARS, scale=3, elem_id="ia-compare-theme")
                self.c_run = gr.Button("Compare", variant="primary", scale=1, min_width=120, elem_id="ia-compare-run")
            self.c_out = gr.HTML(render.message("Choose two to five councils and press Compare."), js_on_load=QUOTES_JS,
                                 css_template=TOOL_CSS, padding=True, elem_id="ia-compare")
            self.c_quotes = gr.State([])
        with gr.Tab("Timeline", id="timeline"):
            a11y.sr_heading("Council timeline")
            gr.Markdown("Every indexed inspection of one council in date order and, given a theme, how inspectors\u2019 "
                        "words on it changed.")
            with gr.Row(equal_height=True):
                self.t_council = gr.Dropdown(label="Council", choices=f["councils"], value=None, filterable=True, scale=3,
                                             elem_id="ia-timeline-council")
                self.t_theme = gr.Textbox(label="Theme (optional)", placeholder="for example \u201csupervision\u201d", lines=1,
                                          max_lines=1, max_length=THEME_CHARS, scale=3, elem_id="ia-timeline-theme")
                self.t_run = gr.Button("Show timeline", variant="primary", scale=1, min_width=120, elem_id="ia-timeline-run")
            # The grades table needs the full width, so the chart sits above it.
            self.t_chart = gr.Image(label="Judgements at each inspection", type="pil", format="png", height=340,
                                    interactive=False, visible=False, show_label=False, buttons=[],
                                    elem_id="ia-timeline-chart")
            self.t_out = gr.HTML(render.message("Choose a council and press Show timeline."), js_on_load=QUOTES_JS,
                                 css_template=TOOL_CSS, padding=True, elem_id="ia-timeline")
            self.t_quotes = gr.State([])

    def wire(self, demo: gr.Blocks, tabs: gr.Tabs | None = None, viewer_outputs: list | None = None) -> None:
        """The tabs' events; with the Source tab's outputs, a quote's number opens its page there."""
        hidden = dict(api_visibility="private")
        run = dict(concurrency_limit=self.concurrency, concurrency_id="trainer", **hidden)
        b_args = dict(fn=self.briefing, inputs=[self.b_theme, self.b_year_from, self.b_year_to, self.b_frameworks,
                                                self.b_councils, self.b_session],
                      outputs=[self.b_out, self.b_chart, self.b_docx, self.b_md, self.b_quotes, self.b_session], **run)
        self.b_build.click(**b_args)
        self.b_theme.submit(**b_args)
        c_args = dict(fn=self.compare, inputs=[self.c_councils, self.c_theme], outputs=[self.c_out, self.c_quotes], **run)
        self.c_run.click(**c_args)
        self.c_theme.submit(**c_args)
        t_args = dict(fn=self.timeline, inputs=[self.t_council, self.t_theme],
                      outputs=[self.t_out, self.t_chart, self.t_quotes], **run)
        self.t_run.click(**t_args)
        self.t_theme.submit(**t_args)
        demo.load(self.filter_choices, outputs=[self.b_year_from, self.b_year_to, self.b_frameworks, self.b_councils,
                                                self.c_councils, self.t_council], **hidden)
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
        f = self.filter_values()
        years = [ANY] + [str(y) for y in f["years"]]
        councils = f["councils"]
        return (gr.Dropdown(choices=years), gr.Dropdown(choices=years), gr.Dropdown(choices=f["frameworks"]),
                gr.Dropdown(choices=councils), gr.Dropdown(choices=councils), gr.Dropdown(choices=councils))

    # -------------------------------------------------------------------------------- callbacks
    def briefing(self, theme, year_from, year_to, frameworks, councils, session):
        """(html, chart, docx download, markdown download, quotes, session) for the Briefing tab."""
        session = session or uuid.uuid4().hex
        off = gr.DownloadButton(value=None, interactive=False)
        no_chart = gr.Image(value=None, visible=False)

        def fail(text: str, kind: str = "error"):
            return render.message(text, kind), no_chart, off, off, [], session

        theme = _clean_theme(theme)
        if not theme:
            return fail(f"Type a theme first, for example \u201c{THEME_EXAMPLE}\u201d.", "note")
        y0, y1 = _year(year_from), _year(year_to)
        if y0 and y1 and y0 > y1:
            y0, y1 = y1, y0
        try:
            b = build_briefing(self.index, theme, year_from=y0, year_to=y1, frameworks=_names(frameworks) or None,
                               councils=_names(councils) or None)
        except UnsupportedFilter as exc:
            return fail(f"That filter is not supported: {exc}")
        except ValueError as exc:
            return fail(f"The briefing could not be built: {exc}")
        except Exception as exc:  # the tab must always say something; the log has the traceback
            log.exception("building a briefing failed")
            return fail(f"The briefing could not be built ({type(exc).__name__}). Please try again.")
        html, quotes = render_briefing(b)
        if b.empty:
            return html, no_chart, off, off, quotes, session
        try:
            chart = gr.Image(value=as_image(grade_chart(b)), visible=True, alt_text=grade_chart_alt(b))
        except Exception:
            log.exception("drawing the briefing chart failed")
            chart = no_chart
        try:
            docx, md = self._handouts(b, session)
            downloads = gr.DownloadButton(value=str(docx), interactive=True), gr.DownloadButton(value=str(md), interactive=True)
        except Exception as exc:
            log.exception("writing the briefing handouts failed")
            html += render.message(f"The handouts could not be written ({type(exc).__name__}).", "error")
            downloads = off, off
        return html, chart, *downloads, quotes, session

    def _handouts(self, b: Briefing, session: str) -> tuple[Path, Path]:
        """The DOCX and Markdown handouts in this session's own folder, replacing its previous ones.

        The Markdown is written without the chart link: a downloaded .md is one file, and the chart is in the
        DOCX and downloadable from the page."""
        folder = self.stage / "briefings" / re.sub(r"[^0-9a-f]", "", session)[:32]
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"briefing-{slug(b.theme)}"
        docx = write_handout(b, folder / f"{name}.docx")[0]
        md = folder / f"{name}.md"
        md.write_text(briefing_markdown(b), encoding="utf-8")
        return docx, md

    def compare(self, councils, theme):
        """(html, quotes) for the Compare tab."""
        names = _names(councils)
        if not MIN_COUNCILS <= len(names) <= MAX_COUNCILS:
            return render.message(f"Choose {MIN_COUNCILS} to {MAX_COUNCILS} councils to compare "
                                  f"({len(names)} chosen).", "note"), []
        try:
            c = compare_councils(self.index, names, _clean_theme(theme) or None)
        except ValueError as exc:
            return render.message(f"The comparison could not be made: {exc}", "error"), []
        except Exception as exc:
            log.exception("comparing councils failed")
            return render.message(f"The comparison could not be made ({type(exc).__name__}). Please try again.", "error"), []
        return render_comparison(c)

    def timeline(self, council, theme):
        """(html, chart, quotes) for the Timeline tab."""
        no_chart = gr.Image(value=None, visible=False)
        names = _names(council)
        if not names:
            return render.message("Choose a council first.", "note"), no_chart, []
        try:
            t = council_timeline(self.index, names[0], _clean_theme(theme) or None)
        except ValueError as exc:
            return render.message(f"No timeline: {exc}.", "error"), no_chart, []
        except Exception as exc:
            log.exception("building a timeline failed")
            return render.message(f"The timeline could not be built ({type(exc).__name__}). Please try again.", "error"), no_chart, []
        html, quotes = render_timeline(t)
        try:
            chart = gr.Image(value=as_image(timeline_chart(t)), visible=True,
                             alt_text=f"Chart of the judgements at each inspection of {t.council}; "
                                      "the Inspections table gives the same grades.")
        except Exception:
            log.exception("drawing the timeline chart failed")
            chart = no_chart
        return html, chart, quotes

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
