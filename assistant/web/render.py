"""Answers, sources and pages as HTML for the chat page.

Every string that comes from a document, a file name or the user goes through `esc()`: the page shows a
`<script>` or a markdown link written in a report as text, and never turns a document's own "[1]" into a
citation button. The only markup here is what this module writes itself.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from assistant.domain import AREA_LABELS
from assistant.models import Answer, Citation, DocumentInfo
from assistant.text import cut_at_word

NOT_FOUND = "Not found in the indexed documents"
RATINGS = ("helpful", "not helpful", "wrong evidence")

_WORD = re.compile(r"\w+")


@dataclass
class Turn:
    """One question of a conversation and what the page knows about its answer."""

    question: str
    ui_filters: dict = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    answer: Answer | None = None
    error: str | None = None
    rating: str = ""  # the rating saved for this answer, if any
    feedback: str = ""  # what became of it, said beside the rating buttons

    def __post_init__(self):
        # The question is shown, offered as a label and written to the Markdown and Word exports: control
        # characters and lone surrogates would make those exports fail (XML, UTF-8), so they go here.
        self.question = _UNPRINTABLE.sub("", str(self.question or ""))


_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def fmt_date(value) -> str:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}" if isinstance(value, dt.date) else ""


# ------------------------------------------------------------------------------------------- filters

def describe_filters(in_force: dict | None, chosen: dict | None = None,
                     docs: dict[str, DocumentInfo] | None = None, lent: dict | None = None) -> list[str]:
    """The filters an answer was given, marking those the assistant read from the question and those kept
    from an earlier question (`lent`: Answer.detected["inherited"])."""
    in_force, chosen, lent = in_force or {}, chosen or {}, lent or {}

    def origin(key) -> str:
        if in_force.get(key) == chosen.get(key):
            return ""
        return " (kept from an earlier question)" if key in lent else " (from your question)"

    def origin_of_years(detected: bool) -> str:
        if not detected:
            return ""
        return " (kept from an earlier question)" if "years" in lent else " (from your question)"

    out = []
    if in_force.get("local_authority"):
        out.append(f"Local authority: {', '.join(in_force['local_authority'])}{origin('local_authority')}")
    y0, y1 = in_force.get("year_from"), in_force.get("year_to")
    if y0 or y1:
        years = str(y0) if y0 == y1 else f"{y0 or 'any'} to {y1 or 'any'}"
        detected = in_force.get("year_from") != chosen.get("year_from") or in_force.get("year_to") != chosen.get("year_to")
        out.append(f"Published: {years}{origin_of_years(detected)}")
    if in_force.get("kind"):
        out.append(f"Documents: {'reports' if in_force['kind'] == 'report' else 'framework'} only{origin('kind')}")
    if in_force.get("area"):
        out.append(f"Judgement area: {AREA_LABELS.get(in_force['area'], in_force['area'])}{origin('area')}")
    if in_force.get("grade"):
        out.append(f"Grade: {in_force['grade']}{origin('grade')}")
    if in_force.get("doc_id"):
        titles = [docs[d].title if docs and d in docs else d[:12] for d in in_force["doc_id"]]
        out.append(f"Document: {'; '.join(titles)}{origin('doc_id')}")
    return out


# ------------------------------------------------------------------------------------------- answers

def preview_id(turn: int, group: str, n: int) -> str:
    return f"ia-pv-{turn}-{group}-{n}"


def cite_button(turn: int, n: int, group: str = "c", described: bool = False) -> str:
    """A citation marker. `described`: its turn carries the citation's preview (`citation_preview`), which the
    button names as its description; the page shows it beside the button on hover and keyboard focus, so the
    native title tooltip would only repeat the button's name over it."""
    if described:
        extra = f' aria-describedby="{preview_id(turn, group, n)}"'
    else:
        extra = f' title="Open source {n}"'
    return (f'<button type="button" class="ia-cite" data-action="cite" data-turn="{turn}" data-group="{group}" '
            f'data-n="{n}"{extra} aria-label="Open source {n}">[{n}]</button>')


# A preview quotes at most this much: a screen reader reads it whenever the marker has the focus.
PREVIEW_CHARS = 280


def citation_preview(turn: int, group: str, cit: Citation) -> str:
    """What a marker points at, in words: the quote, its section, paragraph and page, and the document.
    Hidden: it is the marker's accessible description (aria-describedby), and the page's script copies its
    lines into the popup it shows beside the marker."""
    quote = cit.quote if len(cit.quote) <= PREVIEW_CHARS else cut_at_word(cit.quote, PREVIEW_CHARS) + "\u2026"
    where = [f"Section: {cit.section}"] if cit.section else []
    if cit.paragraph:
        where.append(f"paragraph {cit.paragraph}")
    where.append(f"page {cit.page}")
    return (f'<span class="ia-preview" id="{preview_id(turn, group, cit.n)}" data-page="{cit.page}">'
            f'<span class="ia-pv-quote">\u201c{esc(quote)}\u201d</span> '
            f'<span class="ia-pv-where">{esc("; ".join(where))}.</span> '
            f'<span class="ia-pv-source">{esc(source_label(cit))}.</span></span>')


def _cites(turn: int, numbers: list[int], cited: frozenset = frozenset()) -> str:
    return "".join(" " + cite_button(turn, n, described=n in cited) for n in numbers)


def render_block(block, turn: int, cited: frozenset = frozenset()) -> str:
    """One answer block as HTML; every citation number in it is a button. `cited`: the numbers whose preview
    the turn carries (the answer's citations), so that no description points at nothing."""
    if block.kind == "lead":
        body = " ".join(esc(s.text) + _cites(turn, s.cites, cited) for s in block.sentences)
        return f'<p class="ia-lead">{body}</p>'
    if block.kind == "message":
        return f"<p>{esc(block.text)}</p>"
    if block.kind == "quotes":
        head = ""
        if block.label or block.source:
            label = f'<span class="ia-group-label">{esc(block.label)}</span>' if block.label else ""
            source = f'<span class="ia-group-source">{esc(block.source)}</span>' if block.source else ""
            sep = " \u00b7 " if label and source else ""
            head = f'<h4 class="ia-doc">{label}{sep}{source}</h4>'
        items = "".join(
            f'<li class="ia-stance-{esc(q.stance or "none")}"><q>{esc(q.text)}</q>'
            + (f' <span class="ia-quote-source">({esc(q.source)})</span>' if q.source else "")
            + f" {cite_button(turn, q.n, described=q.n in cited)}</li>"
            for q in block.quotes)
        return f'<section class="ia-group">{head}<ul class="ia-quotes">{items}</ul></section>'
    if block.kind == "table":
        head = "".join(f'<th scope="col">{esc(c)}</th>' for c in block.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r.cells[:-1])
            + f"<td>{esc(r.cells[-1]) if r.cells else ''}{_cites(turn, r.cites, cited)}</td></tr>"
            for r in block.rows)
        return (f'<table class="ia-table"><caption>{esc(block.caption)}</caption><thead><tr>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table>")
    if block.kind == "follow_ups":
        items = "".join(
            f'<li><button type="button" class="ia-followup" data-action="ask" data-question="{esc(q)}">{esc(q)}</button></li>'
            for q in block.questions)
        return f'<div class="ia-followups"><p>You could also ask:</p><ul>{items}</ul></div>'
    return ""


def render_blocks(blocks: list, turn: int, cited: frozenset = frozenset()) -> str:
    return "".join(render_block(b, turn, cited) for b in blocks)


def find_span(text: str, quote: str, start: int | None = None, end: int | None = None) -> tuple[int, int] | None:
    """Where a quote sits in a page's text: the stored offsets when they hold the quote, else a search that
    ignores spacing, punctuation and case (quotes can span a line or page break)."""
    if not text or not quote:
        return None
    if start is not None and end is not None and 0 <= start < end <= len(text):
        got, want = _squash(text[start:end]), _squash(quote)
        if got and (got in want or want in got):
            return start, end
    words = _WORD.findall(quote)
    if not words:
        return None
    for size in (len(words), min(len(words), 12)):  # a shorter prefix finds a quote cut by a page break
        pattern = r"\W+".join(re.escape(w) for w in words[:size])
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            return m.start(), m.end()
    return None


def _squash(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def highlight(text: str, span: tuple[int, int] | None, mark_id: str = "ia-hit") -> str:
    if not span:
        return esc(text)
    a, b = span
    return f'{esc(text[:a])}<mark id="{mark_id}">{esc(text[a:b])}</mark>{esc(text[b:])}'


def passage_excerpt(cit: Citation, width: int = 240) -> str:
    """The cited passage around the quote, the quote marked; the whole chunk would swamp the answer."""
    passage = cit.passage or cit.quote
    span = find_span(passage, cit.quote)
    if not span:
        text = passage if len(passage) <= 2 * width else passage[: 2 * width] + "\u2026"
        return esc(text)
    a, b = span
    lo, hi = max(0, a - width), min(len(passage), b + width)
    before = ("\u2026" if lo else "") + passage[lo:a]
    after = passage[b:hi] + ("\u2026" if hi < len(passage) else "")
    return f"{esc(before)}<mark>{esc(passage[a:b])}</mark>{esc(after)}"


def source_label(cit: Citation) -> str:
    """"Stoke-on-Trent, report published 18 March 2019" for a report; the title for a framework document."""
    if cit.kind == "report" and cit.local_authority:
        return f"{cit.local_authority}, report published {fmt_date(cit.published)}" if cit.published else cit.local_authority
    return cit.title


def source_details(cit: Citation) -> str:
    parts = []
    if cit.section:
        parts.append(f"section: {cit.section}")
    if cit.paragraph:
        parts.append(f"paragraph {cit.paragraph}")
    parts.append(f"page {cit.page}")
    return "; ".join(parts)


def render_sources(cits: list[Citation], turn: int, group: str, title: str) -> str:
    rows = []
    for c in cits:
        rows.append(
            f'<li class="ia-source">{cite_button(turn, c.n, group, described=True)} <strong>{esc(source_label(c))}</strong>'
            f'<div class="ia-where">{esc(source_details(c))} \u00b7 <span class="ia-path">{esc(c.path)}</span></div>'
            f'<div class="ia-passage">{passage_excerpt(c)}</div></li>'
        )
    return f'<details class="ia-sources" open><summary>{esc(title)} ({len(cits)})</summary><ol>{"".join(rows)}</ol></details>'


def feedback_buttons(turn: int, rating: str = "", status: str = "") -> str:
    """The one-click rating buttons; each click saves at once, and `status` says so beside them."""
    buttons = "".join(
        f'<button type="button" class="ia-rate" data-action="rate" data-turn="{turn}" data-rating="{esc(r)}" '
        f'aria-pressed="{"true" if r == rating else "false"}">{esc(r.capitalize())}</button>'
        for r in RATINGS
    )
    said = f'<span class="ia-fb-said" role="status">{esc(status)}</span>' if status else ""
    return f'<div class="ia-feedback">Was this useful? {buttons}{said}</div>'


def answer_actions(index: int, turn: Turn) -> str:
    """Below a finished answer: copy it (plain text, Markdown: its sources listed as the exports list them) and
    ask its question again. The texts ride along in inert <template>s, so the click copies them at once, inside
    the click itself (a clipboard write after a round trip to the server may be refused); "Copied" is said in
    the status line beside the buttons. "Re-ask" puts the question back into the question box, as a suggested
    follow-up does (data-action="ask"), for the user to change the filters and send."""
    from assistant.web.export import answer_markdown, answer_text  # export renders with this module's helpers

    ans = turn.answer
    copies = "".join(f'<template class="ia-copy-src" data-format="{kind}">{esc(text)}</template>'
                     for kind, text in (("text", answer_text(ans)), ("md", answer_markdown(ans))))
    return (f'<div class="ia-actions" role="group" aria-label="Answer {index + 1}">'
            f'<button type="button" class="ia-act" data-action="copy" data-format="text">Copy</button>'
            f'<button type="button" class="ia-act" data-action="copy" data-format="md">Copy as Markdown</button>'
            f'<button type="button" class="ia-act ia-reask" data-action="ask" data-question="{esc(turn.question)}">'
            f'Re-ask with different filters</button>'
            f'<span class="ia-act-said" role="status"></span>{copies}</div>')


def render_turn(index: int, turn: Turn, shown: int | None = None, docs: dict[str, DocumentInfo] | None = None) -> str:
    """One question and its answer; `shown` limits the answer to its first items while it streams in."""
    q = f'<div class="ia-q" role="heading" aria-level="3"><span class="ia-who">You</span> {esc(turn.question)}</div>'
    ans = turn.answer
    if turn.error:
        body = f'<div class="ia-error"><strong>Something went wrong.</strong> {esc(turn.error)}</div>'
        return f'<article class="ia-turn" data-turn="{index}">{q}<div class="ia-a">{body}</div></article>'
    if ans is None:
        body = '<p class="ia-wait">Searching the indexed documents\u2026</p>'
        return f'<article class="ia-turn" data-turn="{index}">{q}<div class="ia-a">{body}</div></article>'
    blocks = ans.blocks
    done = shown is None or shown >= len(blocks)
    parts: list[str] = []
    if ans.refused and not ans.citations:
        message = ans.answer.strip() or "The indexed documents do not cover this question."
        parts.append(f'<div class="ia-notfound"><strong>{NOT_FOUND}.</strong> <span>{esc(message)}</span></div>')
        if done and ans.related:
            parts.append(render_sources(ans.related, index, "r", "Possibly related passages, not an answer"))
    else:
        visible = blocks if done else blocks[:shown]
        parts.append(render_blocks(visible, index, frozenset(c.n for c in ans.citations)) or f"<p>{esc(ans.answer)}</p>")
        if not done:
            parts.append('<p class="ia-wait">\u2026</p>')
    if done:
        if ans.notices:
            parts.append('<ul class="ia-notices">' + "".join(f"<li>{esc(n)}</li>" for n in ans.notices) + "</ul>")
        filters = describe_filters(ans.filters, turn.ui_filters, docs, ans.detected.get("inherited"))
        parts.append(f'<p class="ia-filters">Filters in force: {esc("; ".join(filters) or "none")}</p>')
        if ans.citations:
            parts.append(render_sources(ans.citations, index, "c", "Sources"))
        parts.append(answer_actions(index, turn))
        parts.append(f'<div class="ia-foot"><span>Answered in {ans.seconds:.1f} s</span>{feedback_buttons(index, turn.rating, turn.feedback)}</div>')
    # Every marker's preview, once per citation (a number may be cited by the lead, a quote and the sources).
    previews = [citation_preview(index, "c", c) for c in ans.citations]
    if done and ans.refused and not ans.citations:
        previews += [citation_preview(index, "r", c) for c in ans.related]
    if previews:
        parts.append(f'<div class="ia-previews" hidden>{"".join(previews)}</div>')
    busy = "" if done else ' aria-busy="true"'
    return f'<article class="ia-turn" data-turn="{index}"{busy}>{q}<div class="ia-a">{"".join(parts)}</div></article>'


WELCOME = (
    '<div class="ia-welcome"><p><strong>Ask about Ofsted inspections of children\u2019s services.</strong> '
    "Answers quote the indexed reports and framework documents word for word; click a number such as "
    '<span class="ia-cite-sample">[1]</span> to see the page it comes from. Ask follow-up questions in the '
    "same conversation, and use the filters to narrow the documents.</p></div>"
)


def render_conversation(turns: list[Turn], shown_last: int | None = None, docs: dict[str, DocumentInfo] | None = None,
                        note: str | None = None) -> str:
    """The whole conversation; `note` is a line for the user below it (what to do after an empty question)."""
    after = f'<p class="ia-note" role="status">{esc(note)}</p>' if note else ""
    if not turns:
        return f'<div class="ia-conversation">{WELCOME}{after}</div>'
    rendered = [render_turn(i, t, shown_last if i == len(turns) - 1 else None, docs) for i, t in enumerate(turns)]
    return f'<div class="ia-conversation">{"".join(rendered)}{after}</div>'


def citation_for(turns: list[Turn], turn: int, group: str, n: int) -> Citation | None:
    """A citation by its place on the page; the numbers come from the browser, so check every one."""
    if not isinstance(turn, int) or not 0 <= turn < len(turns) or turns[turn].answer is None:
        return None
    pool = turns[turn].answer.related if group == "r" else turns[turn].answer.citations
    return next((c for c in pool if c.n == n), None)


# ------------------------------------------------------------------------------------------- source viewer

def render_source_header(doc: DocumentInfo, page: int, cit: Citation | None = None) -> str:
    facts = []
    if doc.local_authority:
        facts.append(("Local authority", doc.local_authority))
    if doc.published:
        facts.append(("Published", fmt_date(doc.published)))
    if doc.framework:
        facts.append(("Framework", doc.framework))
    if cit is not None and cit.section:
        facts.append(("Section", cit.section))
    if cit is not None and cit.paragraph:
        facts.append(("Paragraph", cit.paragraph))
    facts.append(("Page", f"{page} of {doc.pages}"))
    line = " \u00b7 ".join(f'<span class="ia-fact"><b>{esc(k)}:</b> {esc(v)}</span>' for k, v in facts)
    quoted = f'<p class="ia-quote-line">Quoted: <q>{esc(cit.quote)}</q></p>' if cit is not None else ""
    return (f'<div class="ia-source-head"><h3>{esc(doc.title)}</h3><p class="ia-meta">{line}</p>'
            f'<p class="ia-path">{esc(doc.path)}</p>{quoted}</div>')


def reflow(text: str) -> str:
    """Join a page's wrapped lines into paragraphs for a narrow column. A line break before a lower-case
    word is a wrap, not a new line; one space for one newline keeps the quote's offsets valid."""
    return re.sub(r"\n(?=[a-z(])", " ", text)


def render_page_text(text: str | None, span: tuple[int, int] | None, wanted: bool, label: str = "Text of the page",
                     mark_id: str = "ia-hit") -> str:
    """The page's text, the quote highlighted. `label` and `mark_id` tell the Source tab's copy from the one
    in the pane beside the conversation: both are on the page at once."""
    if text is None:
        return '<p class="ia-error">This page has no stored text.</p>'
    note = ""
    if wanted and not span:
        note = '<p class="ia-note">The quoted words could not be located on this page\u2019s text.</p>'
    # It scrolls: focusable and named, so that a keyboard can scroll it too (axe: scrollable-region-focusable).
    return (f'{note}<div class="ia-page-text" tabindex="0" role="region" aria-label="{esc(label)}">'
            f'{highlight(reflow(text), span, mark_id)}</div>')


def message(text: str, kind: str = "note") -> str:
    return f'<p class="ia-{esc(kind)}">{esc(text)}</p>'
