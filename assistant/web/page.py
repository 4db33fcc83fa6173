"""The chat page: Gradio Blocks over one `Assistant`.

Tabs: Chat (conversation, examples, feedback, exports), Source (the cited page as an image with the quote
marked, the page's text with the quote highlighted, the original file), Library (what is indexed) and the
trainer tools Briefing, Compare and Timeline (`trainer_tabs`).
Filters sit in a side panel and apply to every question. All document text reaches the browser through
`render`, escaped; the page fetches nothing but this server.
"""
from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import uuid
from pathlib import Path

import gradio as gr
import pandas as pd

from assistant.api import Assistant
from assistant.feedback import RATINGS, feedback_record
from assistant.domain import AREA_LABELS, AREAS, GRADES, report_year
from assistant.models import Citation, Filters
from assistant.sample import page_notice
from assistant.text import cut_at_word
from assistant.web import a11y, render
from assistant.web.export import write_docx, write_markdown
from assistant.web.render import Turn
from assistant.web.sources import SourceError, SourceFiles, SourceRefused
from assistant.web.trainer_tabs import TrainerTabs

log = logging.getLogger(__name__)

# The welcome page's "Try" examples, one place, by the kind of question each shows. Every one was checked to
# give a cited answer (not refused) on the full default index with `Assistant(index=...).ask(q)`, and
# tests/web/test_web_page.py checks each on the test fixture (Stoke-on-Trent's four reports, Norfolk 2026, the
# National Framework 2023, SCCIF). None names an older year: the page opens while older reports are still
# being added, and an example should answer from the first minute.
EXAMPLES_BY_KIND = {
    "council finding": ["What did inspectors say about supervision in Stoke-on-Trent?",
                        "What did inspectors say about care leavers in Norfolk?"],
    "grade fact": ["What grade did Stoke-on-Trent get for children in care?"],
    "framework rule": ["What does the national framework say about kinship care?"],
    "count across councils": ["How many councils were judged good for children in care?"],
}
EXAMPLES = [q for questions in EXAMPLES_BY_KIND.values() for q in questions]
EMPTY_QUESTION = (f"Type a question in the box below and press Ask (or Enter), for example: {EXAMPLES[0]} "
                  "Or click one of the examples.")
KIND_CHOICES = [("Reports and framework", "both"), ("Reports only", "report"), ("Framework only", "framework")]
ANY = "any"
# System fonts only: the default theme's web fonts are local, but nothing here should depend on a font download.
FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]

# The width from which a clicked citation opens in the pane beside the conversation instead of the Source tab;
# CSS hides the pane below it, so the two always agree.
WIDE_PX = 1200
# Citation, rating, copy and re-ask buttons live inside the conversation's HTML; one delegated listener sends
# the data attributes of citations and ratings to Python, which looks the citation up in the session's own
# state (with `wide`: whether the pane beside the conversation shows it); copying and re-asking stay here.
CONVERSATION_JS = """
const wide = () => window.matchMedia('(min-width: __WIDE_PX__px)').matches;
// The status line of an answer's own buttons (copy, re-ask): said once, then cleared.
const tell = (b, text) => {
  const said = b.closest('.ia-actions')?.querySelector('.ia-act-said');
  if (!said) return;
  said.textContent = text;
  clearTimeout(said.iaTimer);
  said.iaTimer = setTimeout(() => { said.textContent = ''; }, 6000);
};
// The answer's text rides in a <template> beside the buttons (render.answer_actions): copied inside the click.
const copy = (b) => {
  const src = b.closest('.ia-actions')?.querySelector(`template[data-format="${b.dataset.format}"]`);
  const text = src ? src.content.textContent : '';
  const done = () => tell(b, b.dataset.format === 'md' ? 'Copied as Markdown' : 'Copied');
  const fallback = () => {  // no Clipboard API (a page served over plain http to another host) or refused
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    area.remove();
    b.focus();
    if (ok) done(); else tell(b, 'Could not copy: the browser refused the clipboard.');
  };
  if (!text) { tell(b, 'Nothing to copy.'); return; }
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
  else fallback();
};
element.addEventListener('click', (event) => {
  const b = event.target.closest('button[data-action]');
  if (!b || !element.contains(b)) return;
  if (b.dataset.action === 'ask') {  // a suggested follow-up or a re-ask: into the question box, for the user to send
    const box = document.querySelector('#ia-question textarea');
    if (box) { box.value = b.dataset.question; box.dispatchEvent(new Event('input', {bubbles: true})); box.focus(); }
    if (b.classList.contains('ia-reask')) tell(b, 'The question is in the box: change the filters, then press Ask.');
    return;
  }
  if (b.dataset.action === 'copy') { copy(b); return; }
  const beside = b.dataset.action === 'cite' && wide();
  if (b.dataset.action === 'cite' && !beside) hide();  // the Source tab opens over the marker
  if (beside) {  // the pane changes out of the focus's way: say so
    const live = document.getElementById('ia-answer-live');
    if (live) live.textContent = `Source ${b.dataset.n} opens beside the conversation.`;
  }
  trigger('click', {action: b.dataset.action, turn: Number(b.dataset.turn), group: b.dataset.group || 'c',
                    n: Number(b.dataset.n || 0), rating: b.dataset.rating || '', wide: beside});
});
// A marker's preview: its quote, section, paragraph, page and document (render.citation_preview, the marker's
// aria-describedby) shown beside it on hover and on keyboard focus; Escape hides it (WCAG 1.4.13), and the
// pointer may move onto it. One popup for the page, outside the conversation, which is re-rendered whole.
const host = element.closest('.gradio-container') || document.body;
let tip = document.getElementById('ia-cite-tip');
if (!tip) {
  tip = document.createElement('div');
  tip.id = 'ia-cite-tip';
  tip.className = 'ia-cite-tip';
  tip.setAttribute('aria-hidden', 'true');  // a screen reader has it already, as the marker's description
  tip.hidden = true;
  host.appendChild(tip);
}
let anchor = null, hiding = 0;
const place = () => {
  if (!anchor) return;
  const r = anchor.getBoundingClientRect(), w = tip.offsetWidth, h = tip.offsetHeight;
  const left = Math.max(8, Math.min(r.left, window.innerWidth - w - 8));
  const below = r.bottom + 6 + h <= window.innerHeight - 8;
  tip.style.left = `${left}px`;
  tip.style.top = `${below ? r.bottom + 6 : Math.max(8, r.top - h - 6)}px`;
};
const show = (b) => {
  const src = document.getElementById(b.getAttribute('aria-describedby') || '');
  if (!src) return;
  clearTimeout(hiding);
  anchor = b;
  tip.replaceChildren(...Array.from(src.children, (part) => {
    const line = document.createElement('div');
    line.className = part.className;
    line.textContent = part.textContent;
    return line;
  }));
  tip.hidden = false;
  place();
};
const hide = () => { clearTimeout(hiding); anchor = null; tip.hidden = true; };
const hideSoon = () => { clearTimeout(hiding); hiding = setTimeout(hide, 250); };
const marker = (event) => event.target.closest && event.target.closest('.ia-cite[aria-describedby]');
// The keyboard's focus only (:focus-visible): a tap on a phone focuses the marker as it opens the Source tab.
element.addEventListener('focusin', (event) => { const b = marker(event); if (b && b.matches(':focus-visible')) show(b); });
element.addEventListener('focusout', (event) => { if (marker(event) === anchor) hide(); });
element.addEventListener('mouseover', (event) => { const b = marker(event); if (b) show(b); });
element.addEventListener('mouseout', (event) => { if (marker(event) && marker(event) === anchor) hideSoon(); });
tip.addEventListener('mouseenter', () => clearTimeout(hiding));
tip.addEventListener('mouseleave', hideSoon);
document.addEventListener('keydown', (event) => { if (event.key === 'Escape' && !tip.hidden) hide(); });
window.addEventListener('scroll', () => { if (anchor && !anchor.isConnected) hide(); else place(); }, true);
new MutationObserver(() => { if (anchor && !anchor.isConnected) hide(); })
  .observe(element, {childList: true, subtree: true});
// New content arrives by re-rendering; bring a newly asked question to the top of the view.
let seen = 0;
new MutationObserver(() => {
  const turns = element.querySelectorAll('.ia-turn');
  if (turns.length > seen) turns[turns.length - 1].scrollIntoView({block: 'start'});
  seen = turns.length;
}).observe(element, {childList: true, subtree: true});
""".replace("__WIDE_PX__", str(WIDE_PX)) + a11y.ANNOUNCE_JS
PAGE_TEXT_JS = """
// Scroll the page text to the highlighted quote whenever a new page is shown. The Source tab may still be
// hidden when the text arrives, so wait (a few frames at most) until the box has a size to measure.
const toQuote = (tries = 30) => {
  const box = element.querySelector('.ia-page-text');
  if (!box || box.dataset.scrolled === '1') return;
  if (!box.clientHeight) { if (tries > 0) requestAnimationFrame(() => toQuote(tries - 1)); return; }
  box.dataset.scrolled = '1';
  const mark = box.querySelector('mark');
  box.scrollTop = mark ? box.scrollTop + mark.getBoundingClientRect().top - box.getBoundingClientRect().top - 80 : 0;
};
new MutationObserver(() => toQuote()).observe(element, {childList: true, subtree: true});
requestAnimationFrame(() => toQuote());
"""

CSS = """
.ia-conversation { font-size: 15px; line-height: 1.5; }
.ia-welcome { padding: 12px 14px; border: 1px dashed var(--border-color-primary); border-radius: 8px; }
.ia-turn { padding: 12px 2px 14px; border-bottom: 1px solid var(--border-color-primary); }
.ia-q { font-weight: 600; margin-bottom: 8px; }
.ia-who { display: inline-block; font-size: 12px; font-weight: 600; padding: 0 6px; margin-right: 6px;
          border-radius: 4px; background: var(--color-accent-soft); }
.ia-lead { font-weight: 500; }
.ia-doc { margin: 10px 0 4px; font-size: 14px; }
.ia-quotes { margin: 0 0 6px 18px; padding: 0; }
.ia-quotes li { margin: 4px 0; }
.ia-table { border-collapse: collapse; margin: 6px 0; }
.ia-table caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; }
.ia-table th, .ia-table td { padding: 4px 10px; }
.ia-followup { font: inherit; font-weight: normal; text-align: left; cursor: pointer; }
.ia-cite, .ia-cite-sample { font: inherit; font-size: 12px; padding: 0 4px; margin: 0 1px; cursor: pointer;
          border: 1px solid var(--color-accent); color: var(--color-accent); background: transparent; border-radius: 4px; }
.ia-cite:hover, .ia-cite:focus { background: var(--color-accent-soft); }
.ia-notfound { padding: 10px 12px; border-left: 4px solid #d97706; background: rgba(217, 119, 6, 0.10); border-radius: 4px; }
.ia-error { padding: 10px 12px; border-left: 4px solid #dc2626; background: rgba(220, 38, 38, 0.08); border-radius: 4px; }
.ia-notices { margin: 8px 0 0 18px; font-size: 13px; color: var(--body-text-color-subdued); }
.ia-filters { margin: 6px 0; font-size: 13px; color: var(--body-text-color-subdued); }
.ia-sources { margin-top: 6px; font-size: 14px; }
.ia-sources summary { cursor: pointer; font-weight: 600; }
.ia-sources ol { list-style: none; margin: 6px 0 0; padding: 0; }
.ia-source { margin: 8px 0; }
.ia-where { font-size: 12.5px; color: var(--body-text-color-subdued); }
.ia-path { font-family: var(--font-mono); font-size: 12px; }
.ia-passage { margin: 4px 0 0; padding: 2px 0 2px 10px; border-left: 3px solid var(--border-color-primary);
          font-size: 13px; opacity: 0.85; }
.ia-foot { display: flex; flex-wrap: wrap; gap: 8px; justify-content: space-between; align-items: center;
          margin-top: 8px; font-size: 12.5px; color: var(--body-text-color-subdued); }
.ia-rate { font: inherit; font-size: 12.5px; margin-left: 6px; padding: 1px 8px; cursor: pointer; border-radius: 12px;
          border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary); color: inherit; }
.ia-rate[aria-pressed="true"] { border-color: var(--color-accent); background: var(--color-accent-soft); font-weight: 600; }
.ia-fb-said { margin-left: 8px; color: var(--body-text-color); }
.ia-wait { color: var(--body-text-color-subdued); font-style: italic; }
.ia-conversation mark, .ia-page-text mark { background: rgba(255, 204, 0, 0.55); color: inherit; padding: 0 1px; }
.ia-page-text { position: relative; white-space: pre-wrap; max-height: 72vh; overflow: auto; padding: 10px 12px;
          font-size: 13.5px; line-height: 1.5; border: 1px solid var(--border-color-primary); border-radius: 6px; }
.ia-source-head h3 { margin: 0 0 4px; }
.ia-source-head p { margin: 2px 0; }
.ia-meta { font-size: 13.5px; }
.ia-fact b { font-weight: 600; }
.ia-quote-line { font-size: 14px; }
.ia-note { font-size: 13px; color: var(--body-text-color-subdued); }
.ia-actions { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 10px; font-size: 12.5px; }
.ia-act { font: inherit; font-size: 12.5px; padding: 2px 10px; cursor: pointer; border-radius: 6px; color: inherit;
          border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary); }
.ia-act:hover { border-color: var(--color-accent); }
.ia-act-said { margin-left: 4px; color: var(--body-text-color); }
/* A marker's preview (CONVERSATION_JS): fixed to the viewport, so no column or table clips it. */
.ia-cite-tip { position: fixed; z-index: 1000; max-width: min(440px, calc(100vw - 16px)); padding: 8px 10px;
          font-size: 13px; line-height: 1.45; border-radius: 6px; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.18);
          border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
          color: var(--body-text-color); }
.ia-cite-tip[hidden] { display: none; }
.ia-cite-tip .ia-pv-quote { font-style: italic; }
.ia-cite-tip .ia-pv-where, .ia-cite-tip .ia-pv-source { margin-top: 4px; font-size: 12.5px;
          color: var(--body-text-color-subdued); }
/* The cited page beside the conversation on a wide screen: it stays in view while the conversation scrolls.
   Below the width where a click opens the Source tab instead (WIDE_PX), it is never shown. */
#ia-side { position: sticky; top: 8px; align-self: flex-start; max-height: calc(100vh - 16px); overflow-y: auto;
          flex-wrap: nowrap; padding: 4px 8px 8px 12px; border-left: 1px solid var(--border-color-primary); }
/* Gradio's container hides what overflows it, which would make it the pane's scroll box (it never scrolls, so
   the pane would not stick); clip hides the same without being one. */
.gradio-container { overflow: clip !important; }
/* Compact: the file's path is in the Source tab and in the answer's sources list. */
#ia-side .ia-page-text { max-height: 32vh; }
#ia-side .ia-source-head { font-size: 13px; line-height: 1.4; }
#ia-side .ia-source-head h3 { font-size: 15px; }
#ia-side .ia-source-head .ia-path { display: none; }
#ia-side-bar { align-items: center; flex-wrap: nowrap; gap: 6px; }
#ia-side-bar > * { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
#ia-side-bar > #ia-side-title { flex: 1 1 auto !important; }
#ia-side-title h2 { font-size: var(--text-lg); margin: 0; white-space: nowrap; }
@media (max-width: __NARROW_PX__px) { #ia-side { display: none !important; } }
""".replace("__NARROW_PX__", str(WIDE_PX - 1)) + a11y.CSS

# Gradio's filters panel covers the whole screen at 768 px and less (its own breakpoint): there it starts
# closed, so the question box is what a phone shows first. A desktop keeps it open.
CLOSE_FILTERS_ON_PHONE = """() => {
  if (!window.matchMedia('(max-width: 768px)').matches) return;
  const shut = (tries) => {
    const open = document.querySelector('.sidebar.open');
    const toggle = open && open.querySelector('.toggle-button');
    if (toggle) toggle.click();
    else if (tries > 0 && !document.querySelector('.sidebar')) setTimeout(() => shut(tries - 1), 50);
  };
  shut(40);
}"""

_CLICK_DOWNLOAD = """() => {
  const el = document.getElementById('%s');
  const button = el && (el.tagName === 'BUTTON' ? el : el.querySelector('button'));
  if (button) button.click();
}"""


def private_folder() -> Path:
    """This user's own folder in the system temp folder, mode 0700, refused if someone else made it first."""
    folder = Path(tempfile.gettempdir()) / f"inspection-assistant-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        # A folder (or symlink) planted by another user: it could read or swap our files, so use a fresh one.
        return Path(tempfile.mkdtemp(prefix="inspection-assistant-"))
    os.chmod(folder, 0o700)
    return folder


def allowed_hosts(server_name: str, extra: list[str]) -> list[str] | None:
    """Host header values the page answers to; None when the user turned the check off with '*'."""
    if "*" in extra:
        return None
    hosts = {"127.0.0.1", "localhost", *extra}
    if server_name in ("0.0.0.0", "::", ""):
        import socket

        hosts |= {socket.gethostname(), socket.getfqdn()}
    else:
        hosts.add(server_name)
    return sorted(hosts)


def page_theme():
    return gr.themes.Default(font=FONTS, font_mono=MONO).set(**a11y.THEME_COLOURS)


def ui_filters(las, year_from, year_to, kind, area, grade) -> dict:
    """The side panel's choices as `Filters` fields; empty when nothing is chosen."""
    def year(value):
        try:
            return int(value) if value not in (None, "", ANY) else None
        except (TypeError, ValueError):
            return None

    out: dict = {}
    # Enter in the empty council box adds an empty custom value: not a council ("No indexed report is for .").
    las = [str(x) for x in las or [] if str(x).strip()]
    if las:
        out["local_authority"] = las
    y0, y1 = year(year_from), year(year_to)
    if y0 and y1 and y0 > y1:
        y0, y1 = y1, y0
    if y0:
        out["year_from"] = y0
    if y1:
        out["year_to"] = y1
    if kind in ("report", "framework"):
        out["kind"] = kind
    if area in AREAS:
        out["area"] = area
    if grade in GRADES:
        out["grade"] = grade
    return out


class ChatPage:
    def __init__(self, assistant: Assistant, corpus_root: str | Path, stage_dir: str | Path | None = None,
                 stream_delay: float = 0.03, concurrency: int = 4):
        self.assistant = assistant
        self.index = assistant.index
        private = private_folder()
        # Gradio copies every file and image it sends (exports, page images) into its cache; the system-wide
        # default is readable by every local user, so the cache lives in this user's own folder.
        os.environ.setdefault("GRADIO_TEMP_DIR", str(private / "gradio"))
        if stage_dir is None:  # copies of downloads and exports; ours alone, so removed at exit
            stage_dir = tempfile.mkdtemp(prefix="stage-", dir=private)
            atexit.register(shutil.rmtree, stage_dir, ignore_errors=True)
        self.stage = Path(stage_dir)
        self.sources = SourceFiles(self.index, corpus_root, stage_dir=self.stage / "downloads")
        self.stream_delay = stream_delay
        self.concurrency = concurrency
        self._feedback_times: dict[str, list[float]] = {}
        self._exported: dict[str, list[str]] = {}
        self._feedback_lock = threading.Lock()
        self.trainer = TrainerTabs(self.index, self.stage, view=self.view, concurrency=concurrency)
        self.blocks = self._build()

    def launch(self, **kwargs):
        """Gradio's launch with this page's look and safety settings; kwargs win (host, port, auth...).

        No allowed_paths: page images go out as images and original files as private copies, so Gradio
        serves nothing from the corpus or the index folder itself."""
        limits = self.assistant.settings
        options = dict(
            theme=page_theme(), css=CSS, ssr_mode=False, server_name="127.0.0.1", share=False,
            footer_links=["api", "settings"], run_history=False, max_file_size=limits.max_upload_bytes,
        )
        options.update(kwargs)
        options["share"] = False  # never a public tunnel: the documents and questions stay on this machine
        hosts = allowed_hosts(options["server_name"], limits.allowed_hosts)
        if hosts is not None:
            # A page in the browser under another name (DNS rebinding) would otherwise be answered as if local.
            from starlette.middleware import Middleware
            from starlette.middleware.trustedhost import TrustedHostMiddleware

            app_kwargs = dict(options.get("app_kwargs") or {})
            app_kwargs["middleware"] = [*app_kwargs.get("middleware", []),
                                        Middleware(TrustedHostMiddleware, allowed_hosts=hosts)]
            options["app_kwargs"] = app_kwargs
        if isinstance(options.get("auth"), (list, tuple)):
            from assistant.web.auth import login_checker

            options["auth"] = login_checker(list(options["auth"]), limits.login_delay, limits.login_max_failures,
                                            limits.login_lockout_seconds)
        return self.blocks.launch(**options)

    # ------------------------------------------------------------------------------------ layout
    def _build(self) -> gr.Blocks:
        with gr.Blocks(title="Inspection Assistant", analytics_enabled=False, delete_cache=(600, 3600)) as demo:
            turns = gr.State([])
            session = gr.State("")
            viewer = gr.State(None)
            with gr.Sidebar(label="Filters", open=True, width=300):
                gr.Markdown("## Filters\nApplied to every question you ask. The council and years apply to the "
                            "Briefing, Compare and Timeline tabs too.", elem_id="ia-filters-head")
                # Filled now as well as on page load, and open to other values: API clients of "/ask" never
                # load the page, and a council or year the index gained since gets the library's own message.
                las, years = self._filter_choices()
                la = gr.Dropdown(label="Local authority", choices=las, multiselect=True, filterable=True,
                                 allow_custom_value=True,
                                 info="Type to search; choose one or more.", elem_id="ia-la")
                with gr.Row():
                    year_from = gr.Dropdown(label="From year", choices=years, value=ANY, min_width=100,
                                            allow_custom_value=True, elem_id="ia-year-from")
                    year_to = gr.Dropdown(label="To year", choices=years, value=ANY, min_width=100,
                                          allow_custom_value=True, elem_id="ia-year-to")
                kind = gr.Radio(label="Documents", choices=KIND_CHOICES, value="both", elem_id="ia-kind")
                area = gr.Dropdown(label="Judgement area", value=ANY,
                                   choices=[("Any area", ANY)] + [(AREA_LABELS[a], a) for a in AREAS], elem_id="ia-area")
                grade = gr.Dropdown(label="Grade", value=ANY, choices=[("Any grade", ANY)] + [(g.capitalize(), g) for g in GRADES],
                                    elem_id="ia-grade")
                clear_filters = gr.Button("Clear filters", size="sm", elem_id="ia-clear-filters")
            filter_inputs = [la, year_from, year_to, kind, area, grade]

            # The page's one H1 (each tab's content then starts with an H2 for screen readers).
            gr.Markdown("# Inspection Assistant\nCited answers from Ofsted children\u2019s services inspection reports "
                        "and the framework documents, on this computer only.", elem_id="ia-title")
            notice = page_notice(self.index)
            gr.Markdown(notice, visible=bool(notice), elem_id="ia-sample-notice")
            with gr.Tabs(selected="chat") as tabs:
                with gr.Tab("Chat", id="chat"):
                    a11y.sr_heading("Conversation")
                    with gr.Row(elem_id="ia-chat-row"):
                        with gr.Column(scale=3, min_width=320, elem_id="ia-chat-main"):
                            conversation = gr.HTML(render.render_conversation([]), js_on_load=CONVERSATION_JS,
                                                   elem_id="ia-conversation", padding=True)
                            a11y.live_region()  # says each new answer to screen readers, once
                            with gr.Row():
                                # No autofocus: a screen reader would start in the box, past the page's heading and
                                # its introduction. The skip link (a11y.PAGE_JS) is the first Tab stop instead.
                                question = gr.Textbox(label="Your question",
                                                      placeholder="Ask about an inspection, a council or the framework\u2026",
                                                      lines=1, max_lines=4, scale=5, elem_id="ia-question")
                                ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="ia-ask")
                            gr.Markdown("**Try:**")
                            with gr.Row():
                                examples = [gr.Button(q, size="sm", elem_classes=["ia-example"]) for q in EXAMPLES]
                            with gr.Row():
                                new_chat = gr.Button("New conversation", size="sm", elem_id="ia-new")
                                # An answer may keep a council, year or topic from an earlier question (its notice
                                # says which): one click asks the last question again on its own.
                                fresh = gr.Button("Ask the last question on its own", size="sm", elem_id="ia-ask-fresh")
                                # Written only when asked: the button writes the file, then its hidden download
                                # fetches it.
                                md_file = gr.Button("Export Markdown", size="sm", interactive=False, elem_id="ia-export-md")
                                docx_file = gr.Button("Export Word (.docx)", size="sm", interactive=False,
                                                      elem_id="ia-export-docx")
                                md_download = gr.DownloadButton("Download Markdown", size="sm", visible=False,
                                                                elem_id="ia-download-md")
                                docx_download = gr.DownloadButton("Download Word (.docx)", size="sm", visible=False,
                                                                  elem_id="ia-download-docx")
                            with gr.Accordion("Feedback on an answer", open=False,
                                              elem_id="ia-feedback-panel"):
                                with gr.Row():
                                    fb_turn = gr.Dropdown(label="Answer", choices=[], scale=2)
                                    fb_rating = gr.Radio(label="Rating", choices=list(RATINGS), scale=3, elem_id="ia-rating")
                                limits = self.assistant.settings
                                fb_comment = gr.Textbox(label="Comment (optional)", lines=2, elem_id="ia-comment",
                                                        max_length=limits.feedback_max_chars,
                                                        info=f"Up to {limits.feedback_max_chars:,} characters; at most "
                                                             f"{limits.feedback_per_minute} feedback messages a minute.",
                                                        placeholder="What was missing or wrong? Which report or "
                                                                    "paragraph should it have cited?")
                                fb_send = gr.Button("Send feedback", size="sm", elem_id="ia-send-feedback")
                                fb_status = gr.Markdown("", elem_id="ia-feedback-status")
                        # The cited page beside the conversation, on a wide screen only (see WIDE_PX).
                        with gr.Column(scale=2, min_width=380, visible=False, elem_id="ia-side") as side:
                            with gr.Row(elem_id="ia-side-bar"):
                                gr.HTML("<h2>Cited page</h2>", padding=False, container=False, elem_id="ia-side-title")
                                side_source = gr.Button("Open in the Source tab", size="sm", scale=0,
                                                        elem_id="ia-side-source")
                                side_close = gr.Button("Close", size="sm", scale=0, elem_id="ia-side-close")
                            side_head = gr.HTML("", elem_id="ia-side-head", js_on_load=None)
                            # The text first: at a third of the screen's width the highlighted words read there,
                            # and the image (full screen on request) shows where they sit on the page.
                            side_text = gr.HTML("", elem_id="ia-side-text", js_on_load=PAGE_TEXT_JS)
                            with gr.Column(visible=False) as side_image_col:
                                side_image = gr.Image(label="Page", type="pil", format="png", interactive=False,
                                                      buttons=["fullscreen"], elem_id="ia-side-image")

                with gr.Tab("Source", id="source"):
                    a11y.sr_heading("Source page")
                    with gr.Row():
                        pick = gr.Dropdown(label="Sources in this conversation", choices=[], scale=4)
                        prev_page = gr.Button("\u2190 Previous page", size="sm", scale=1)
                        next_page = gr.Button("Next page \u2192", size="sm", scale=1)
                    src_head = gr.HTML(render.message("Click a citation number in an answer to see its page here."),
                                       elem_id="ia-source-head", js_on_load=None)
                    with gr.Row():
                        # Hidden for text documents, so their text gets the whole width.
                        with gr.Column(scale=5, visible=False) as image_col:
                            src_image = gr.Image(label="Page", type="pil", format="png", interactive=False,
                                                 buttons=["fullscreen"], elem_id="ia-page-image")
                        with gr.Column(scale=4):
                            src_text = gr.HTML("", elem_id="ia-page-text", js_on_load=PAGE_TEXT_JS)
                    src_download = gr.DownloadButton("Download the original file", visible=False, size="sm", elem_id="ia-download")
                with gr.Tab("Library", id="library"):
                    a11y.sr_heading("Library")
                    state_md = gr.Markdown(elem_id="ia-index-state")
                    docs_table = gr.Dataframe(label="Indexed documents (click a row to open it)", interactive=False,
                                              show_search="search", wrap=True, max_height=560, elem_id="ia-documents",
                                              # Narrow columns keep the five grades in view beside the council.
                                              column_widths=["190px", "110px", "100px", *["120px"] * 5, "100px", "110px",
                                                             "70px", "85px", "320px"])
                    skipped_table = gr.Dataframe(label="Skipped files", interactive=False, wrap=True, max_height=300,
                                                 elem_id="ia-skipped")
                    refresh = gr.Button("Refresh", size="sm")
                self.trainer.build()

            viewer_outputs = [src_head, image_col, src_image, src_text, src_download, viewer]
            pane_outputs = [side, side_head, side_image_col, side_image, side_text]
            answer_outputs = [conversation, turns, session, question, md_file, docx_file, fb_turn, pick]
            # Two public API endpoints: "/ask" (the page's own HTML, used by bench/load.py) and "/answer" (JSON);
            # the page's other events are internal.
            hidden = dict(api_visibility="private")
            ask_args = dict(fn=self.respond, inputs=[question, turns, session, *filter_inputs], outputs=answer_outputs,
                            concurrency_limit=self.concurrency, concurrency_id="ask")
            ask.click(**ask_args, api_name="ask")
            # For programs: the JSON text of `ofsted-assistant ask --json` (`Assistant.ask().model_dump_json()`).
            gr.api(self.answer_json, api_name="answer", concurrency_limit=self.concurrency, concurrency_id="ask")
            question.submit(**ask_args, **hidden)
            fresh.click(lambda ts: ts[-1].question if ts else "", inputs=turns, outputs=question, queue=False,
                        **hidden).then(**{**ask_args, "fn": self.respond_on_its_own}, **hidden)
            for button, text in zip(examples, EXAMPLES):
                button.click(lambda t=text: t, outputs=question, queue=False, **hidden).then(**ask_args, **hidden)
            new_chat.click(self.new_conversation, inputs=[session],
                           outputs=[conversation, turns, md_file, docx_file, fb_turn, pick, fb_status, md_download,
                                    docx_download, side], **hidden)
            for button, download, kind in ((md_file, md_download, "md"), (docx_file, docx_download, "docx")):
                button.click(lambda t, s, k=kind: self.export(t, s, k), inputs=[turns, session], outputs=download,
                             **hidden).then(None, js=_CLICK_DOWNLOAD % download.elem_id, **hidden)
            conversation.click(self.on_conversation_click, inputs=[turns],
                               outputs=[*viewer_outputs, tabs, pick, *pane_outputs], **hidden)
            side_close.click(lambda: gr.Column(visible=False), outputs=side, queue=False, **hidden)
            side_source.click(lambda: gr.Tabs(selected="source"), outputs=tabs, queue=False, **hidden)
            conversation.click(self.on_rate_click, inputs=[turns],
                               outputs=[conversation, turns, fb_turn, fb_rating, fb_status], **hidden)
            pick.input(self.on_pick, inputs=[turns, pick], outputs=[*viewer_outputs, tabs], **hidden)
            prev_page.click(lambda v: self.turn_page(v, -1), inputs=viewer, outputs=viewer_outputs, **hidden)
            next_page.click(lambda v: self.turn_page(v, 1), inputs=viewer, outputs=viewer_outputs, **hidden)
            fb_send.click(self.send_feedback, inputs=[turns, fb_turn, fb_rating, fb_comment],
                          outputs=[fb_status, fb_comment, fb_rating], **hidden)
            clear_filters.click(lambda: ([], ANY, ANY, "both", ANY, ANY), outputs=filter_inputs, queue=False, **hidden)
            library_outputs = [la, year_from, year_to, docs_table, skipped_table, state_md]
            demo.load(None, js=CLOSE_FILTERS_ON_PHONE, queue=False, **hidden)
            demo.load(None, js=a11y.PAGE_JS, queue=False, **hidden)
            demo.load(self.library, outputs=library_outputs, **hidden)
            refresh.click(self.library, outputs=library_outputs, **hidden)
            docs_table.select(self.on_library_select, outputs=[*viewer_outputs, tabs], **hidden)
            self.trainer.wire(demo, tabs, viewer_outputs, side_panel=filter_inputs)
        return demo

    # ------------------------------------------------------------------------------------ chat
    def answer_json(self, question: str, filters: dict | None = None, history: list[str] | None = None) -> str:
        """One answer as a JSON text: {"answer", "refused", "citations": [...], "filters", ...}, as `ask --json`.
        `filters` takes the keys of its "filters" (local_authority, year_from, year_to, kind, area, grade);
        `history` the earlier questions of the conversation, oldest first. A text, not an object: gradio_client
        takes any object with a "path" key (every citation has one) for a file and tries to download it."""
        from pydantic import ValidationError

        def refuse(message: str):
            # The client gets the reason; the server log one line, not Gradio's traceback of a bad request.
            log.warning("/answer refused: %s", message)
            return gr.Error(message, print_exception=False)

        if not isinstance(question, str) or not question.strip():
            raise refuse("Send a question: a non-empty string.")
        if filters is not None and not isinstance(filters, dict):
            raise refuse("filters must be an object with the keys " + ", ".join(Filters.model_fields) + ".")
        unknown = sorted(set(filters or {}) - set(Filters.model_fields))
        if unknown:  # a misspelt key would otherwise drop its filter silently
            raise refuse(f"Unknown filter key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                         f"the keys are {', '.join(Filters.model_fields)}.")
        try:
            wanted = Filters.model_validate(filters or {})
        except ValidationError as exc:
            raise refuse(f"The filters are not valid: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None
        if history is not None and not (isinstance(history, list) and all(isinstance(h, str) for h in history)):
            raise refuse("history must be a list of the earlier questions, as strings.")
        return self.assistant.ask(question.strip(), filters=wanted, history=history or None).model_dump_json()

    def respond_on_its_own(self, question, turns, session, *filters):
        """The question asked as if it opened the conversation: nothing kept from earlier questions."""
        yield from self.respond(question, turns, session, *filters, on_its_own=True)

    def respond(self, question, turns, session, las, year_from, year_to, kind, area, grade, on_its_own=False):
        question = (question or "").strip()
        turns = list(turns or [])
        skip = gr.skip()
        if not question:
            # Said in the conversation itself, where the eye is, not only in a passing toast.
            yield (render.render_conversation(turns, docs=self.index.documents(), note=EMPTY_QUESTION),) + (skip,) * 7
            return
        session = session or uuid.uuid4().hex
        limits = self.assistant.settings
        filters = ui_filters(las, year_from, year_to, kind, area, grade)
        # The session keeps what the answer used, never the whole paste: the library says it was cut.
        turn = Turn(question=cut_at_word(question, limits.max_question_chars), ui_filters=filters,
                    history=[] if on_its_own else [t.question for t in turns][-limits.max_history:])
        turns.append(turn)
        if len(turns) > limits.max_turns:
            turns = turns[-limits.max_turns:]
            gr.Info(f"This page keeps the last {limits.max_turns} questions; export the conversation to keep them.")
        docs = self.index.documents()
        yield render.render_conversation(turns, docs=docs), turns, session, "", skip, skip, skip, skip
        try:
            turn.answer = self.assistant.ask(question, filters=filters or None, history=turn.history)
        except Exception as exc:  # the page must always say something; the log has the traceback
            log.exception("answering a question failed")  # not the question itself: it stays private
            turn.error = f"The question could not be answered ({type(exc).__name__}). Nothing was quoted; please try again."
        if turn.answer is not None and turn.answer.citations:
            # Stream the answer in: lead line first, then each heading and quote.
            # Each step resends the whole conversation, so only a few steps, spread over the answer.
            items = len(turn.answer.blocks)
            steps = sorted({1 + (items - 2) * k // max(limits.stream_steps - 1, 1)
                            for k in range(limits.stream_steps)}) if items > 1 else []
            for shown in steps:
                yield render.render_conversation(turns, shown_last=shown, docs=docs), turns, session, skip, skip, skip, skip, skip
                time.sleep(self.stream_delay)
        on = gr.Button(interactive=True)
        yield (render.render_conversation(turns, docs=docs), turns, session, skip, on, on,
               self._turn_choices(turns), self._pick_choices(turns))

    def new_conversation(self, session: str | None = None):
        self._remove_exports(session)
        off, gone = gr.Button(interactive=False), gr.DownloadButton(value=None, visible=False)
        return (render.render_conversation([]), [], off, off, gr.Dropdown(choices=[], value=None),
                gr.Dropdown(choices=[], value=None), "", gone, gone, gr.Column(visible=False))

    def _export_folder(self, session: str | None) -> Path:
        return self.stage / "exports" / (re.sub(r"[^0-9a-f]", "", str(session or ""))[:32] or "none")

    def _remove_exports(self, session: str | None) -> None:
        shutil.rmtree(self._export_folder(session), ignore_errors=True)
        for path in self._exported.pop(str(session or ""), []):  # Gradio's cached copies, before its hourly sweep
            Path(path).unlink(missing_ok=True)

    def export(self, turns: list[Turn], session: str, kind: str):
        """The conversation as a Markdown or Word file, written now, readable by this user only."""
        turns = list(turns or [])
        if not turns:
            gr.Info("Ask a question first; there is nothing to export yet.")
            return gr.DownloadButton(value=None, visible=False)
        folder = self._export_folder(session)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = folder / f"inspection-assistant-conversation.{'docx' if kind == 'docx' else 'md'}"
        old = os.umask(0o077)  # created 0600: never readable by other users, not even for a moment
        try:
            (write_docx if kind == "docx" else write_markdown)(turns, target)
        finally:
            os.umask(old)
        from gradio.processing_utils import save_file_to_cache

        # Copied into Gradio's cache here rather than by Gradio, so the copy is known and can go with the conversation.
        cached = save_file_to_cache(target, self.blocks.GRADIO_CACHE)
        self._exported.setdefault(str(session or ""), []).append(cached)
        return gr.DownloadButton(value=cached, visible=True)

    @staticmethod
    def _turn_choices(turns: list[Turn], value: int | None = None):
        choices = [(f"{i + 1}. {t.question[:70]}", i) for i, t in enumerate(turns)]
        return gr.Dropdown(choices=choices, value=value if value is not None else (len(turns) - 1 if turns else None))

    @staticmethod
    def _pick_choices(turns: list[Turn], value: str | None = None):
        choices = []
        for i, t in enumerate(turns):
            if t.answer is None:
                continue
            group, cits = ("c", t.answer.citations) if t.answer.citations else ("r", t.answer.related)
            for c in cits:
                label = f"Q{i + 1} [{c.n}] {render.source_label(c)}, page {c.page}"
                choices.append((label[:140], f"{i}:{group}:{c.n}"))
        return gr.Dropdown(choices=choices, value=value if any(v == value for _, v in choices) else None)

    def on_conversation_click(self, turns, evt: gr.EventData):
        """A citation clicked: its page in the Source tab, and on a wide screen (the browser says `wide`) also in
        the pane beside the conversation, which then stays in view: the Source tab is not opened.
        (viewer outputs, tabs, the Source tab's list, the pane's outputs.) Ratings go to `on_rate_click`."""
        data = getattr(evt, "_data", None) or {}
        skip = gr.skip()
        nothing = (skip,) * 13
        try:
            turn, n = int(data.get("turn")), int(data.get("n") or 0)
        except (TypeError, ValueError):
            return nothing
        if data.get("action") != "cite":
            return nothing
        beside = data.get("wide") is True
        group = "r" if data.get("group") == "r" else "c"
        cit = render.citation_for(turns or [], turn, group, n)
        if cit is None:
            said = "That citation is not part of this conversation any more."
            pane = self._pane_message(said) if beside else (skip,) * 5
            return (*self._viewer_message(said), skip if beside else gr.Tabs(selected="source"), skip, *pane)
        shown = self.load_page(cit.doc_id, cit.page, cit)
        pane = self._pane(shown) if beside else (skip,) * 5
        return (*self._viewer(shown), skip if beside else gr.Tabs(selected="source"),
                self._pick_choices(turns, f"{turn}:{group}:{n}"), *pane)

    def on_rate_click(self, turns, evt: gr.EventData, request: gr.Request = None):
        """A rating button clicked: the rating is saved at once (one click) and said beside the buttons.
        (conversation, turns, the panel's answer, rating and status), so a comment may follow from the panel."""
        data = getattr(evt, "_data", None) or {}
        skip = gr.skip()
        try:
            turn = int(data.get("turn"))
        except (TypeError, ValueError):
            return (skip,) * 5
        if data.get("action") != "rate" or data.get("rating") not in RATINGS or not 0 <= turn < len(turns or []):
            return (skip,) * 5
        turns = list(turns)
        saved, said = self._save_feedback(turns[turn], data["rating"], "", request)
        status = f"Answer {turn + 1}: {said}" + (" To add a comment, write it below and press **Send feedback**."
                                                  if saved else "")
        return (render.render_conversation(turns, docs=self.index.documents()), turns, self._turn_choices(turns, turn),
                gr.Radio(value=data["rating"] if saved else None), status)

    def on_pick(self, turns, key):
        try:
            turn, group, n = str(key).split(":")
            cit = render.citation_for(turns or [], int(turn), group, int(n))
        except ValueError:
            cit = None
        if cit is None:
            return (*self._viewer_message("Choose a source from the list."), gr.skip())
        return (*self.view(cit.doc_id, cit.page, cit), gr.Tabs(selected="source"))

    def on_library_select(self, evt: gr.SelectData):
        path = (evt.row_value or [None])[-1]
        doc = next((d for d in self.index.documents().values() if d.path == path), None)
        if doc is None:
            return (*self._viewer_message("That document is no longer in the index."), gr.skip())
        return (*self.view(doc.doc_id, doc.judgement_page or 1), gr.Tabs(selected="source"))

    # ------------------------------------------------------------------------------------ source viewer
    def _viewer_message(self, text: str, kind: str = "error"):
        return render.message(text, kind), gr.Column(visible=False), None, "", gr.DownloadButton(visible=False), None

    def _pane_message(self, text: str, kind: str = "error"):
        return gr.Column(visible=True), render.message(text, kind), gr.Column(visible=False), None, ""

    def load_page(self, doc_id: str, page: int, cit: Citation | None = None) -> dict:
        """One page of a document, ready to show: its header, image (the quote marked), text and download; or
        `error`, a message for the user. The Source tab and the pane beside the conversation show it alike."""
        try:
            doc = self.sources.document(doc_id)
        except SourceError as exc:
            return {"error": str(exc)}
        try:
            self.sources.path(doc_id)
        except SourceRefused as exc:  # a refused file is refused whole: its indexed text too
            return {"error": str(exc)}
        except SourceError:
            pass  # only missing from this server's corpus: the indexed text is shown, with the note below
        page = min(max(int(page), 1), max(doc.pages, 1))
        quote = cit if cit is not None and cit.doc_id == doc_id and cit.page == page else None
        text = self.index.store.page_text(doc_id, page)
        span = render.find_span(text or "", quote.quote, quote.char_start, quote.char_end) if quote else None
        shown = dict(doc=doc, page=page, quote=quote, text=text, span=span, notes=[], image=None, marked=False,
                     download=None, head=render.render_source_header(doc, page, quote),
                     state={"doc_id": doc_id, "page": page,
                            "cit": quote or (cit if cit is not None and cit.doc_id == doc_id else None)})
        try:
            shown["image"], shown["marked"] = self.sources.highlighted_page(doc_id, page, quote.quote if quote else None)
            shown["download"] = str(self.sources.download(doc_id))
        except SourceError as exc:
            shown["notes"].append(str(exc))
        return shown

    @staticmethod
    def _image(shown: dict):
        """(image column, image) of a shown page: the column hidden for a document without page images."""
        if shown["image"] is None:
            return gr.Column(visible=False), None
        page, marked = shown["page"], shown["marked"]
        label = f"Page {page}" + (" (quote highlighted)" if marked else "")
        alt = f"Page {page} of {shown['doc'].title}" + (", the quoted passage marked" if marked else "")
        return gr.Column(visible=True), gr.Image(value=shown["image"], label=label, alt_text=alt)

    @staticmethod
    def _body(shown: dict, label: str = "Text of the page", mark_id: str = "ia-hit") -> str:
        return ("".join(render.message(n, "error") for n in shown["notes"])
                + render.render_page_text(shown["text"], shown["span"], shown["quote"] is not None, label, mark_id))

    def _viewer(self, shown: dict):
        """The Source tab's outputs: (header, image column, image, page text, download, viewer state)."""
        if "error" in shown:
            return self._viewer_message(shown["error"])
        doc = shown["doc"]
        if shown["download"]:
            kind = Path(doc.path).suffix.lstrip(".").upper() or "file"
            download = gr.DownloadButton(value=shown["download"], visible=True, label=f"Download the original file ({kind})")
        else:
            download = gr.DownloadButton(visible=False)
        return (shown["head"], *self._image(shown), self._body(shown), download, shown["state"])

    def _pane(self, shown: dict):
        """The pane's outputs: (pane, header, image column, image, page text), the pane shown."""
        if "error" in shown:
            return self._pane_message(shown["error"])
        return (gr.Column(visible=True), shown["head"], *self._image(shown),
                self._body(shown, "Text of the cited page", "ia-side-hit"))

    def view(self, doc_id: str, page: int, cit: Citation | None = None):
        """(header, image column, image, page text, download, viewer state) for one page; the quote marked when on it."""
        return self._viewer(self.load_page(doc_id, page, cit))

    def turn_page(self, state, step: int):
        if not state or not state.get("doc_id"):
            return self._viewer_message("Open a source first.", "note")
        return self.view(state["doc_id"], int(state["page"]) + step, state.get("cit"))

    # ------------------------------------------------------------------------------------ feedback
    def send_feedback(self, turns, turn_index, rating, comment, request: gr.Request = None):
        """The panel's Send button: a comment (optional) with a rating, adding to what a one-click rating saved."""
        turns = turns or []
        if not turns:
            return "Ask a question first; feedback is about an answer.", gr.skip(), gr.skip()
        if rating not in RATINGS:
            return "Choose **helpful**, **not helpful** or **wrong evidence** first.", gr.skip(), gr.skip()
        try:
            turn = turns[int(turn_index)]
        except (TypeError, ValueError, IndexError):
            turn = turns[-1]
        if turn.rating == rating and not str(comment or "").strip():
            return f"Already saved ({rating}); add a comment to send more.", gr.skip(), gr.skip()
        saved, said = self._save_feedback(turn, rating, comment, request)
        return (said, "", None) if saved else (said, gr.skip(), gr.skip())

    def _save_feedback(self, turn: Turn, rating: str, comment, request: gr.Request | None) -> tuple[bool, str]:
        """Store one feedback record for the turn, within the size and rate caps; (saved, what to tell the user).
        The turn remembers the rating and the message, shown beside its rating buttons."""
        limits = self.assistant.settings
        # The comment box's max_length binds only the browser; API clients reach this directly.
        if len(str(comment or "")) > limits.feedback_max_chars:
            return False, f"Please keep the comment to {limits.feedback_max_chars:,} characters; nothing was saved."
        if turn.answer is None:
            return False, "That question has no answer to rate."
        if not self._feedback_allowed(getattr(request, "session_hash", None) or "", limits.feedback_per_minute):
            said = (f"At most {limits.feedback_per_minute} feedback messages a minute; please wait a moment. "
                    "Nothing was saved.")
            turn.feedback = said
            return False, said
        record = feedback_record(turn.question, turn.answer, rating, comment, turn.ui_filters, turn.history)
        try:
            fid = self.index.store.add_feedback(record)
        except Exception:  # a read-only or busy index must not lose the page
            log.exception("feedback could not be stored")
            said = "Sorry, the feedback could not be saved (the index could not be written)."
            turn.feedback = said
            return False, said
        turn.rating = rating
        turn.feedback = f"Saved: {rating}" + (" with your comment" if str(comment or "").strip() else "") + ". Thank you."
        return True, f"Thank you: feedback #{fid} saved ({rating})."

    def _feedback_allowed(self, session: str, per_minute: int) -> bool:
        now = time.monotonic()
        with self._feedback_lock:
            # Sessions that have gone quiet are dropped, so the table itself cannot grow without bound.
            for key in [k for k, times in self._feedback_times.items() if now - times[-1] > 60]:
                del self._feedback_times[key]
            times = [t for t in self._feedback_times.get(session, []) if now - t < 60]
            if len(times) >= per_minute:
                return False
            self._feedback_times[session] = times + [now]
            return True

    def _filter_choices(self, docs=None) -> tuple[list[str], list[str]]:
        docs = list(docs if docs is not None else self.index.documents().values())
        las = sorted({d.local_authority for d in docs if d.local_authority})
        years = sorted({report_year(d) for d in docs} - {None, 0})
        return las, [ANY] + [str(y) for y in years]

    # ------------------------------------------------------------------------------------ library
    def library(self):
        docs = sorted(self.index.documents().values(),
                      key=lambda d: (d.kind != "report", d.local_authority or d.title, -(report_year(d) or 0)))
        rows = []
        for d in docs:
            j = d.judgements
            rows.append([
                d.local_authority or d.title, d.published.isoformat() if d.published else "", d.kind,
                *[(j.get(a) or "") for a in AREAS], d.inspection_type or "", d.framework or "", d.pages, d.chunks, d.path,
            ])
        # Short grade headings keep the five judgements on screen next to the council's name.
        headers = ["Local authority / title", "Published", "Kind", "Overall", "Leaders", "Help and protection",
                   "Children in care", "Care leavers", "Inspection", "Framework", "Pages", "Passages", "File"]
        skipped = self.index.store.skipped()
        total = self.index.chunk_count()
        reports = sum(1 for d in docs if d.kind == "report")
        running = self.index.ingest_running()
        # In plain words: the reader need not know what "embedded" or "ingest" mean.
        cover = self.index.coverage()
        state = (f"**{len(docs)}** documents indexed ({reports} reports, {len(docs) - reports} framework) \u00b7 "
                 f"**{total:,}** passages \u00b7 **{len(skipped)}** files skipped\n\n" + "\n\n".join(cover.summary()))
        if running:
            state += "\n\nThe library is being updated now; press Refresh to see the latest."
        if cover.latest_dense < 1 or cover.older_dense < 1:
            state += "\n\nUntil meaning-based search is built, answers rely more on matching the question\u2019s words."
        if notice := page_notice(self.index):
            state = f"{notice}\n\n{state}"
        las, year_choices = self._filter_choices(docs)
        return (
            gr.Dropdown(choices=las), gr.Dropdown(choices=year_choices), gr.Dropdown(choices=year_choices),
            pd.DataFrame(rows, columns=headers),
            pd.DataFrame([[s["path"], s["reason"]] for s in skipped], columns=["File", "Why it was skipped"]),
            state,
        )
