"""Accessibility of the chat page (WCAG 2.2 AA), in one place: the theme's colours, the skip link, the
answer announcements, headings for screen readers and small fixes to Gradio's own markup.

tests/web/test_web_browser.py runs axe-core over every tab, at desktop and phone widths, and fails on any
serious or critical violation; it also checks the H1, the skip link and the live region.
"""
from __future__ import annotations

import html

import gradio as gr

# Text at least 4.5:1 against its background (WCAG 1.4.3), in light and dark mode alike. The Default theme's
# subdued grey (zinc 400, #bbbbc2) is 1.9:1 on white; it colours every secondary line (a source's section and
# page, "Filters in force", notices, hints under the inputs, the footer). Its orange accent (orange 500) is
# 2.8:1 as text (citation buttons, the selected tab) and 2.9:1 under a primary button's white text.
THEME_COLOURS = dict(
    body_text_color_subdued="*neutral_600",            # 7.7:1 on white; dark mode keeps zinc 400 (10:1)
    input_placeholder_color="*neutral_500",            # 4.8:1 on white
    input_placeholder_color_dark="*neutral_400",
    color_accent="*primary_700",                       # 5.2:1 on white; dark mode: see .dark in CSS
    button_primary_background_fill="*primary_700",     # white text 5.2:1
    button_primary_background_fill_hover="*primary_800",
    button_primary_border_color="*primary_700",
    button_primary_border_color_hover="*primary_800",
    button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover_dark="*primary_800",
    button_primary_border_color_dark="*primary_700",
    button_primary_border_color_hover_dark="*primary_800",
)

CSS = """
/* Gradio has no dark value for the accent: orange 700 is 3.7:1 on the dark background, orange 400 is 8.5:1. */
.dark { --color-accent: var(--primary-400); }
/* Seen only by screen readers: the status line that announces answers, the headings of the tabs. A block made
   so takes no room in its column either (out of the flow, so no gap). */
.ia-sr-only { position: absolute !important; width: 1px !important; height: 1px !important; padding: 0 !important;
          margin: -1px !important; overflow: hidden !important; clip: rect(0 0 0 0) !important;
          clip-path: inset(50%) !important; white-space: nowrap !important; border: 0 !important; }
/* The skip link: off screen until it has the keyboard focus, then at the top left, above everything. */
.ia-skip { position: absolute; left: 8px; top: -200px; z-index: 10000; padding: 8px 14px; border-radius: 6px;
          background: #ffffff; color: #1f2937; font-weight: 600; text-decoration: underline;
          outline: 3px solid #1f2937; outline-offset: 2px; }
.ia-skip:focus { top: 8px; }
/* Dark mode's light text on the half-clear yellow highlight is too faint: dark text on a solid yellow. One rule
   each: Gradio's scoping of custom CSS puts a second ".dark" inside the second selector of a list. */
.dark .ia-conversation mark { background: #fde047; color: #18181b; }
.dark .ia-page-text mark { background: #fde047; color: #18181b; }
/* A closed filters panel is slid off screen, its inputs still in the Tab order: the keyboard focus would go
   where nobody can see it (WCAG 2.4.7, 2.4.11). Hidden once it has slid shut, so Tab skips it. */
.sidebar:not(.open) .sidebar-content { visibility: hidden; transition: visibility 0s linear 0.3s; }
.sidebar.open .sidebar-content { visibility: visible; }
/* A visible keyboard focus on the page's own buttons (WCAG 2.4.7), not only a change of background. */
.ia-cite:focus-visible, .ia-rate:focus-visible, .ia-page-text:focus-visible, .ia-scroll:focus-visible {
          outline: 2px solid var(--color-accent); outline-offset: 2px; }
/* The page's one H1 and the filters' H2, at the sizes their H2 and H3 had. */
#ia-title h1 { font-size: var(--text-xxl); margin: 0 0 6px; }
#ia-filters-head h2 { font-size: var(--text-lg); margin: 0 0 4px; }
"""

# Run once when the page has loaded.
PAGE_JS = """() => {
  // The skip link, the first focusable element of the page: one Tab and Enter reach the question box from the
  // top of the page, whichever tab is open (without it, 18 presses: the filters, then the tabs).
  if (!document.getElementById('ia-skip')) {
    const skip = document.createElement('a');
    skip.id = 'ia-skip';
    skip.className = 'ia-skip';
    skip.href = '#ia-question';
    skip.textContent = 'Skip to the question box';
    skip.addEventListener('click', (event) => {
      event.preventDefault();
      const chat = document.querySelector('[role="tab"][data-tab-id="chat"]');
      if (chat && chat.getAttribute('aria-selected') !== 'true') chat.click();
      const focus = (tries) => {  // the Chat tab may take a frame or two to show
        const box = document.querySelector('#ia-question textarea');
        if (box && box.offsetParent !== null) { box.focus(); box.scrollIntoView({block: 'nearest'}); }
        else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
      };
      focus(60);
    });
    document.body.prepend(skip);
  }
  // Gradio's own markup, fixed from outside whenever it renders again.
  const fix = () => {
    // The table search box is named only by its title (axe: label-title-only).
    document.querySelectorAll('input.search-input:not([aria-label])').forEach((input) =>
      input.setAttribute('aria-label', input.getAttribute('title') || 'Search the table'));
    // The footer's icons repeat their button's words (axe: image-redundant-alt).
    document.querySelectorAll('footer button img:not([alt=""])').forEach((img) => img.setAttribute('alt', ''));
    // The filters panel as a named region, so that a screen reader can list it and jump to it.
    const side = document.querySelector('.sidebar');
    if (side && !side.hasAttribute('role')) { side.setAttribute('role', 'region'); side.setAttribute('aria-label', 'Filters'); }
  };
  fix();
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fix(); });
  }).observe(document.body, {childList: true, subtree: true});
}"""

# Added to the conversation's js_on_load. The conversation is re-rendered whole at every step of an answer,
# so it cannot be the live region itself (a screen reader would read it all again each time): a polite status
# line beside it says, once each, that a question is being searched, the new answer's first line and how many
# quotes it has, and what became of a rating.
ANNOUNCE_JS = """
let announced = '', ratings = new Set();
const announce = () => {
  const live = document.getElementById('ia-answer-live');
  if (!live) return;
  const say = (text) => { text = text.replace(/\\s+/g, ' ').trim(); if (text && text !== announced) live.textContent = announced = text; };
  element.querySelectorAll('.ia-fb-said').forEach((said) => {
    const key = said.closest('.ia-turn')?.dataset.turn + ':' + said.textContent;
    if (!ratings.has(key)) { ratings.add(key); say(said.textContent); }
  });
  const note = element.querySelector('.ia-conversation > .ia-note');
  if (note) { say(note.textContent); return; }
  const turns = element.querySelectorAll('.ia-turn');
  const last = turns[turns.length - 1];
  if (!last) return;
  const n = Number(last.dataset.turn) + 1, answer = last.querySelector('.ia-a');
  if (!answer) return;
  if (answer.querySelector('.ia-wait') && !answer.querySelector('.ia-lead, .ia-notfound, .ia-error')) {
    say(`Question ${n}: searching the indexed documents.`);
    return;
  }
  if (last.getAttribute('aria-busy') === 'true') return;  // streaming in: said once it is whole
  const first = answer.querySelector('.ia-error, .ia-notfound, .ia-lead, p');
  const quotes = answer.querySelectorAll('.ia-quotes li').length;
  say(`Answer ${n}: ${first ? first.textContent : ''}` +
      (quotes ? ` ${quotes} quote${quotes === 1 ? '' : 's'}, with their sources, below.` : ''));
};
new MutationObserver(announce).observe(element, {childList: true, subtree: true, characterData: true});
"""

LIVE_REGION = '<div id="ia-answer-live" role="status" aria-live="polite" aria-atomic="true"></div>'


def sr_heading(text: str, level: int = 2) -> gr.HTML:
    """A heading only screen readers meet: each tab's content starts with one, so the page's outline runs
    H1 (the page), H2 (the tab), H3 (a question, a document, a tool's result), H4..."""
    return gr.HTML(f"<h{level}>{html.escape(text)}</h{level}>", elem_classes=["ia-sr-only"], padding=False,
                   container=False, apply_default_css=False)


def live_region() -> gr.HTML:
    """The polite status line that announces answers (see ANNOUNCE_JS); never updated by Python."""
    return gr.HTML(LIVE_REGION, elem_id="ia-answer-status", elem_classes=["ia-sr-only"], padding=False,
                   container=False, apply_default_css=False)
