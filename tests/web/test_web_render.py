"""Rendering of answers, sources and pages to HTML, and the exports: document text is always text."""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re

from docx import Document

from assistant.compose import plain_text
from assistant.models import Answer, Citation, Lead, Quote, QuoteGroup, Row, Sentence, Table
from assistant.web import render
from assistant.web.export import md_escape, to_markdown, write_docx
from assistant.web.render import Turn

EVIL = "Staff record decisions <script>alert(1)</script> and see [click](javascript:alert(1)) and claims [1] here."
PAGE = "Heading line\n34. Two models. " + EVIL + "\nNext paragraph."


def _citation(n=1, quote=EVIL, **kw) -> Citation:
    start = PAGE.index(quote) if quote in PAGE else None
    base = dict(n=n, doc_id="ab" * 32, path="reports/1_x/report <b>.pdf", title="X <i>council</i> report", kind="report",
                local_authority="X<script>", published=dt.date(2019, 3, 18), section="Leaders <img src=x onerror=alert(1)>",
                paragraph="34", page=9, quote=quote, score=0.1, passage="34. Two models. " + EVIL,
                char_start=start, char_end=start + len(quote) if start is not None else None)
    base.update(kw)
    return Citation(**base)


def _answer(cits, lead="Inspectors wrote about supervision in 1 report; see [2] of <Guidance>.") -> Answer:
    blocks = [Lead(sentences=[Sentence(text=lead)]),
              QuoteGroup(label="Strengths", source="X<script>, report published 18 March 2019 [1]",
                         quotes=[Quote(n=c.n, text=c.quote) for c in cits])]
    return Answer(question="q <b>?</b>", answer=plain_text(blocks), refused=False, citations=cits, blocks=blocks,
                  filters={"local_authority": ["X<script>"], "year_from": None, "year_to": None, "kind": None,
                           "area": None, "grade": None, "doc_id": []}, seconds=0.2, notices=["Note <u>this</u>"])


def test_document_text_is_escaped_everywhere_in_an_answer():
    html = render.render_turn(0, Turn("q <b>?</b>", answer=_answer([_citation()])))
    assert "<script" not in html and "<b>" not in html and "<i>" not in html and "<img" not in html and "<u>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "href" not in html  # a markdown link in a report is never a link
    assert "[click](javascript:alert(1))" in html


def test_only_the_librarys_markers_become_citation_buttons():
    html = render.render_turn(0, Turn("q", answer=_answer([_citation()])))
    buttons = re.findall(r'<button[^>]*data-action="cite"[^>]*data-n="(\d+)"', html)
    # One in the quote line and one in the sources list; the document's own "[1]", the lead's "[2]" and the
    # "[1]" in a report's title stay text.
    assert buttons == ["1", "1"]
    quote_html = re.search(r"<q>(.*?)</q>", html).group(1)
    assert "claims [1] here." in quote_html and "<button" not in quote_html
    assert "see [2] of &lt;Guidance&gt;." in html


def test_every_marker_of_a_lead_and_a_table_is_a_button():
    cit = _citation(quote="The experiences and progress of children in care Inadequate", char_start=None, char_end=None)
    lead = Lead(sentences=[Sentence(text="X, report published 18 March 2019 (ILACS 2018): children in care: inadequate.", cites=[1])])
    table = Table(caption="Judgements", columns=["Judgement", "Grade"],
                  rows=[Row(cells=["Children in care", "inadequate"], cites=[1]), Row(cells=["Care leavers", "good"])])
    ans = Answer(question="q", answer=plain_text([lead, table]), refused=False, citations=[cit], filters={},
                 seconds=0.01, blocks=[lead, table])
    html = render.render_turn(0, Turn("q", answer=ans))
    # The lead's marker and the table row's are both buttons (two), and the sources list has one more.
    assert html.count('data-action="cite"') == 3 and "inadequate. <button" in html
    assert "<td>inadequate <button" in html and "<td>good</td>" in html


def test_refused_answer_says_not_found_and_lists_related_passages():
    related = _citation(n=1)
    ans = Answer(question="q", answer="The indexed documents do not cover this question.", refused=True, citations=[],
                 filters={}, seconds=0.01, related=[related], notices=["Nothing matches closely enough to quote."])
    html = render.render_turn(3, Turn("q", answer=ans))
    assert render.NOT_FOUND in html and "Possibly related passages" in html
    assert 'data-group="r"' in html and 'data-turn="3"' in html
    assert "<script" not in html


def test_never_blank_while_waiting_or_on_error():
    assert "Searching the indexed documents" in render.render_turn(0, Turn("q"))
    assert "Something went wrong" in render.render_turn(0, Turn("q", error="boom <x>"))
    assert "boom &lt;x&gt;" in render.render_turn(0, Turn("q", error="boom <x>"))
    assert "Ask about Ofsted" in render.render_conversation([])


def test_streaming_shows_the_lead_first():
    ans = _answer([_citation(1), _citation(2, quote="Two models.", char_start=None, char_end=None)])
    first = render.render_turn(0, Turn("q", answer=ans), shown=1)
    assert "ia-lead" in first and "<q>" not in first and "Sources" not in first
    full = render.render_turn(0, Turn("q", answer=ans))
    assert full.count("<q>") == 2 and "Sources (2)" in full and "Filters in force" in full


def test_filters_in_force_say_which_came_from_the_question():
    in_force = {"local_authority": ["Stoke-on-Trent"], "year_from": 2019, "year_to": 2019, "kind": "report"}
    text = render.describe_filters(in_force, {"kind": "report"})
    assert "Local authority: Stoke-on-Trent (from your question)" in text
    assert "Published: 2019 (from your question)" in text
    assert "Documents: reports only" in text


def test_find_span_uses_offsets_then_falls_back_to_searching():
    quote = "Two models. Staff record decisions"
    start = PAGE.index("Two models.")
    assert render.find_span(PAGE, quote, start, start + len(quote)) == (start, start + len(quote))
    # Wrong offsets (an index rebuilt since): found by searching, across the line break and case.
    span = render.find_span(PAGE, "paragraph. NEXT", 0, 5)
    assert span is None or PAGE[span[0]:span[1]].lower().startswith("paragraph")
    span = render.find_span("a b\nline one\nline two c", "line one line two")
    assert span == (4, 21)
    assert render.find_span("nothing here", "absent words entirely") is None


def test_page_text_is_escaped_and_the_quote_marked():
    span = render.find_span(PAGE, EVIL)
    html = render.render_page_text(PAGE, span, True)
    assert html.count("<mark") == 1 and "<script" not in html and "&lt;script&gt;" in html
    missing = render.render_page_text(PAGE, None, True)
    assert "could not be located" in missing and "<mark" not in missing


def test_reflow_keeps_offsets():
    text = "a wrapped\nline and\nA new line"
    assert len(render.reflow(text)) == len(text)
    assert render.reflow(text) == "a wrapped line and\nA new line"


def test_markdown_export_escapes_document_text_and_keeps_quotes():
    cits = [_citation(1), _citation(2, quote="Two models.", char_start=None, char_end=None)]
    md = to_markdown([Turn("What about <x>?", ui_filters={}, answer=_answer(cits))])
    assert "\u201cTwo models.\u201d \\[2\\]" in md
    outside_code = re.sub(r"`[^`]*`", "", md)
    assert not re.search(r"(?<!\\)[<\[\]]", outside_code)  # every <, [ and ] of document text is escaped
    assert md_escape("[click](javascript:alert(1))") in md
    assert "reports/1_x/report <b>.pdf" in md  # file names sit inside code spans
    assert "Filters in force: Local authority: X\\<script\\> (from your question)" in md


def test_docx_export_holds_the_conversation(tmp_path):
    cits = [_citation(1)]
    path = write_docx([Turn("What about supervision?", answer=_answer(cits)), Turn("And then?", error="failed")], tmp_path / "c.docx")
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "What about supervision?" in text and EVIL in text and "[1]" in text
    assert "No answer: failed" in text
    section = Document(path).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, not US Letter


# ------------------------------------------------------------------------------------------- previews, copy, re-ask

def _parts(html: str, tag: str, cls: str) -> list[str]:
    return re.findall(rf'<{tag} class="{cls}"[^>]*>(.*?)</{tag}>', html, re.S)


def test_every_marker_is_described_by_its_citations_preview():
    cits = [_citation(1), _citation(2, quote="Two models.", section=None, paragraph=None, page=4, char_start=None,
                                     char_end=None)]
    ans = _answer(cits)
    ans.blocks[0] = Lead(sentences=[Sentence(text="Two things.", cites=[1, 2, 7])])  # 7: no such citation
    html = render.render_turn(2, Turn("q", answer=ans))
    described = re.findall(r'data-n="(\d+)" aria-describedby="([^"]+)"', html)
    # The lead's two, the quotes' two and the sources list's two; never a description that points at nothing.
    assert sorted(described) == [("1", "ia-pv-2-c-1")] * 3 + [("2", "ia-pv-2-c-2")] * 3
    assert 'data-n="7" title="Open source 7"' in html
    previews = dict(re.findall(r'<span class="ia-preview" id="(ia-pv-[^"]+)" data-page="\d+">(.*?)</span></span>', html))
    assert set(previews) == {"ia-pv-2-c-1", "ia-pv-2-c-2"}
    first = previews["ia-pv-2-c-1"]
    # The quote, section, paragraph, page and document, all as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in first and "<script" not in first and "<img" not in first
    assert "Section: Leaders &lt;img src=x onerror=alert(1)&gt;; paragraph 34; page 9." in first
    assert "X&lt;script&gt;, report published 18 March 2019." in first
    assert "\u201cTwo models.\u201d" in previews["ia-pv-2-c-2"] and ">page 4.<" in previews["ia-pv-2-c-2"]
    # Hidden: a description for screen readers and the popup's source, not a second copy of the quote on screen.
    assert re.search(r'<div class="ia-previews" hidden><span class="ia-preview" id="ia-pv-2-c-1"', html)


def test_a_long_quote_is_cut_in_its_preview_and_a_refused_answers_related_passages_have_theirs():
    long = _citation(1, quote="word " * 200, char_start=None, char_end=None)
    html = render.render_turn(0, Turn("q", answer=_answer([long])))
    quote = _parts(html, "span", "ia-pv-quote")[0]
    assert len(quote) <= render.PREVIEW_CHARS + 3 and quote.endswith("\u2026\u201d")
    refused = Answer(question="q", answer="Not covered.", refused=True, citations=[], filters={}, seconds=0.01,
                     related=[_citation(3)])
    html = render.render_turn(1, Turn("q", answer=refused))
    assert 'aria-describedby="ia-pv-1-r-3"' in html and 'id="ia-pv-1-r-3"' in html


def test_copy_buttons_carry_the_answer_as_text_and_markdown_with_its_sources():
    from assistant.web.export import answer_markdown, answer_text

    cits = [_citation(1), _citation(2, quote="Two models.", char_start=None, char_end=None)]
    ans = _answer(cits)
    text, md = answer_text(ans), answer_markdown(ans)
    assert text.startswith(plain_text(ans.blocks))
    assert f"\u201c{EVIL}\u201d [1]" in text and "\u201cTwo models.\u201d [2]" in text
    assert "\nSources:\n[1] X<script>, report published 18 March 2019; section: Leaders" in text
    assert "; page 9; file reports/1_x/report <b>.pdf" in text
    # Markdown as the export writes it: document text escaped, the sources numbered.
    assert f"\u201c{md_escape(EVIL)}\u201d \\[1\\]" in md and "\u201cTwo models.\u201d \\[2\\]" in md
    assert "\nSources:\n\n1. X\\<script\\>, report published 18 March 2019;" in md
    assert "file `reports/1_x/report <b>.pdf`" in md
    html = render.render_turn(0, Turn("q <b>?</b>", answer=ans))
    actions = re.search(r'<div class="ia-actions" role="group" aria-label="Answer 1">.*?</div>', html, re.S).group(0)
    assert 'data-action="copy" data-format="text">Copy</button>' in actions
    assert 'data-action="copy" data-format="md">Copy as Markdown</button>' in actions
    # The texts ride along escaped, inert (a <template> is never shown nor run); a status line says "Copied".
    templates = dict(re.findall(r'<template class="ia-copy-src" data-format="(\w+)">(.*?)</template>', actions, re.S))
    assert html_lib.unescape(templates["text"]) == text and html_lib.unescape(templates["md"]) == md
    assert "<script" not in actions and "<b>" not in actions
    assert '<span class="ia-act-said" role="status"></span>' in actions


def test_reask_puts_the_question_back_like_a_follow_up():
    html = render.render_turn(0, Turn('Supervision "in" <Stoke>?', answer=_answer([_citation()])))
    assert ('<button type="button" class="ia-act ia-reask" data-action="ask" '
            'data-question="Supervision &quot;in&quot; &lt;Stoke&gt;?">Re-ask with different filters</button>') in html
    # Only once the answer is whole, and never for a question still being searched or one that failed.
    ans = _answer([_citation(1), _citation(2, quote="Two models.", char_start=None, char_end=None)])
    assert "ia-actions" not in render.render_turn(0, Turn("q", answer=ans), shown=1)
    assert "ia-actions" not in render.render_turn(0, Turn("q")) + render.render_turn(0, Turn("q", error="x"))
    refused = Answer(question="q", answer="Not covered.", refused=True, citations=[], filters={}, seconds=0.01)
    html = render.render_turn(0, Turn("q", answer=refused))
    assert "Re-ask with different filters" in html and f"{render.NOT_FOUND}. Not covered." in html


def test_the_pane_and_the_source_tab_name_their_page_text_apart():
    span = render.find_span(PAGE, EVIL)
    tab, pane = render.render_page_text(PAGE, span, True), render.render_page_text(PAGE, span, True, "Text of the cited page",
                                                                                 "ia-side-hit")
    assert 'aria-label="Text of the page"' in tab and '<mark id="ia-hit">' in tab
    assert 'aria-label="Text of the cited page"' in pane and '<mark id="ia-side-hit">' in pane
