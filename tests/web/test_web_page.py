"""The page's Python side without a browser: streaming, follow-ups, the source viewer, feedback, library."""
from __future__ import annotations

import gradio as gr
import pytest

from assistant.web.page import ChatPage, ui_filters
from assistant.web.render import Turn
from tests.conftest import STOKE_2019

SUPERVISION = "What did inspectors say about supervision in Stoke-on-Trent in 2019?"


@pytest.fixture(scope="module")
def page(assistant, fixture_corpus, tmp_path_factory):
    return ChatPage(assistant, fixture_corpus, stage_dir=tmp_path_factory.mktemp("stage"), stream_delay=0)


def _ask(page, question, turns=(), **filters):
    ui = [filters.get(k) for k in ("las", "year_from", "year_to", "kind", "area", "grade")]
    return list(page.respond(question, list(turns), "", *ui))


def test_ui_filters():
    assert ui_filters([], "any", "any", "both", "any", "any") == {}
    # Enter in the empty council box (a keyboard user's way) adds "": no council filter, not "No indexed report is for ."
    assert ui_filters(["", " "], "any", "any", "both", "any", "any") == {}
    assert ui_filters(["Norfolk"], "2026", "2019", "report", "children_in_care", "good") == {
        "local_authority": ["Norfolk"], "year_from": 2019, "year_to": 2026, "kind": "report",
        "area": "children_in_care", "grade": "good"}


def test_answer_streams_in_and_ends_with_sources_and_exports(page):
    steps = _ask(page, SUPERVISION)
    assert "Searching the indexed documents" in steps[0][0]
    assert len(steps) > 3  # the lead line, then quotes, one by one
    assert "ia-lead" in steps[1][0] and "Sources (" not in steps[1][0]
    html, turns = steps[-1][0], steps[-1][1]
    assert "Sources (" in html and "Filters in force" in html and 'data-action="cite"' in html
    assert steps[-1][4].interactive is True  # the export buttons come on; files are written when pressed
    value = page.export(turns, steps[-1][2], "md").value
    md_path = value["path"] if isinstance(value, dict) else value
    assert "one-to-one case supervision" in open(md_path, encoding="utf-8").read()
    # A follow-up sends the earlier question as history.
    follow = _ask(page, "And what about care leavers there?", turns)
    last = follow[-1][1][-1]
    assert last.history == [SUPERVISION]
    assert last.answer is not None and (last.answer.citations or last.answer.refused)


def test_citation_click_opens_the_page_with_the_quote(page):
    turns = _ask(page, SUPERVISION)[-1][1]
    cit = next(c for c in turns[0].answer.citations if c.path == STOKE_2019 and c.page == 9)
    out = page.on_conversation_click(turns, gr.EventData(None, {"action": "cite", "turn": 0, "group": "c", "n": cit.n}))
    head, column, image, text, download, state = out[:6]
    assert "Stoke-on-Trent" in head and "Page:</b> 9 of" in head
    assert "<mark" in text and "one-to-one case supervision" in text
    assert column.visible is True and image.value is not None
    assert state["doc_id"] == cit.doc_id and state["page"] == 9
    # Numbers from the browser are checked against the session's own answers.
    bad = page.on_conversation_click(turns, gr.EventData(None, {"action": "cite", "turn": 5, "group": "c", "n": 1}))
    assert "not part of this conversation" in bad[0]
    # Paging on shows the next page without a highlight.
    nxt = page.turn_page(state, 1)
    assert nxt[5]["page"] == 10 and "<mark" not in nxt[3]


def test_on_a_wide_screen_a_citation_click_fills_the_pane_and_stays_in_the_chat(page):
    """The browser says `wide` (>= WIDE_PX): the pane beside the conversation shows the page as the Source tab
    does (which gets it too, for "Open in the Source tab"), and no tab change is sent."""
    turns = _ask(page, SUPERVISION)[-1][1]
    cit = next(c for c in turns[0].answer.citations if c.path == STOKE_2019 and c.page == 9)
    click = {"action": "cite", "turn": 0, "group": "c", "n": cit.n, "wide": True}
    out = page.on_conversation_click(turns, gr.EventData(None, click))
    assert len(out) == 13
    head, column, image, text, download, state, tabs, pick = out[:8]
    side, side_head, side_image_col, side_image, side_text = out[8:]
    assert tabs == gr.skip()  # the Chat tab stays
    assert side.visible is True and side_head == head and "Page:</b> 9 of" in side_head
    assert side_image_col.visible is True and side_image.value is not None
    assert '<mark id="ia-side-hit">' in side_text and "one-to-one case supervision" in side_text
    assert 'aria-label="Text of the cited page"' in side_text
    assert '<mark id="ia-hit">' in text and state["page"] == 9 and pick.value == f"0:c:{cit.n}"
    # Without `wide` (a phone, a narrow window): the Source tab, and the pane is left alone.
    narrow = page.on_conversation_click(turns, gr.EventData(None, {**click, "wide": False}))
    assert narrow[6].selected == "source" and all(x == gr.skip() for x in narrow[8:])
    # A stale number says so in the pane, where the eye is.
    stale = page.on_conversation_click(turns, gr.EventData(None, {**click, "turn": 7}))
    assert "not part of this conversation" in stale[9] and stale[8].visible is True


def test_framework_text_has_no_image_but_is_highlighted(page):
    turns = _ask(page, "What does the national framework say about kinship care?")[-1][1]
    cit = turns[0].answer.citations[0]
    head, column, image, text, download, state = page.view(cit.doc_id, cit.page, cit)
    assert column.visible is False and image is None
    assert "<mark" in text


def test_unknown_document_gives_a_message(page):
    head, *_ = page.view("0" * 64, 1)
    assert "No indexed document has that id" in head
    head, *_ = page.view("../../etc/passwd", 1)
    assert "not a document id" in head


def test_feedback_is_stored_with_the_answer(page):
    turns = _ask(page, SUPERVISION)[-1][1]
    before = len(page.index.store.feedback())
    status, comment, rating = page.send_feedback(turns, 0, "helpful", "Spot on")
    assert "saved" in status and comment == "" and rating is None
    rows = page.index.store.feedback()
    assert len(rows) == before + 1
    assert rows[-1]["question"] == SUPERVISION and rows[-1]["comment"] == "Spot on" and rows[-1]["citations"]
    assert "Choose" in page.send_feedback(turns, 0, None, "")[0]
    assert "Ask a question first" in page.send_feedback([], 0, "helpful", "")[0]
    assert "no answer" in page.send_feedback([Turn("q")], 0, "helpful", "")[0]


def test_library_lists_documents_skipped_files_and_state(page):
    la, y0, y1, docs, skipped, state = page.library()
    assert "Stoke-on-Trent" in list(docs["Local authority / title"])
    assert "inadequate" in set(docs["Overall"])
    assert len(skipped) >= 3 and "encrypted" in " ".join(skipped["Why it was skipped"])
    assert "documents indexed" in state and "meaning-based search cover them all" in state


def test_an_empty_question_says_what_to_do(page):
    steps = _ask(page, "   ")
    assert len(steps) == 1 and "Type a question in the box below" in steps[0][0]
    assert 'class="ia-turn' not in steps[0][0]  # nothing was asked


def test_the_last_question_can_be_asked_on_its_own(page):
    turns = _ask(page, SUPERVISION)[-1][1]
    kept = _ask(page, "And what about care leavers there?", turns)[-1][1]
    assert "kept from an earlier question" in _ask(page, "And what about care leavers there?", turns)[-1][0]
    alone = list(page.respond_on_its_own("And what about care leavers there?", kept, "", *([None] * 6)))[-1][1][-1]
    assert alone.history == [] and alone.answer.filters["local_authority"] == []


def test_one_click_rating_is_saved_at_once_and_said_beside_the_buttons(page):
    turns = _ask(page, SUPERVISION)[-1][1]
    before = len(page.index.store.feedback())
    out = page.on_rate_click(turns, gr.EventData(None, {"action": "rate", "turn": 0, "rating": "helpful"}))
    rows = page.index.store.feedback()
    assert len(rows) == before + 1  # saved by the one click, no second button
    assert rows[-1]["rating"] == "helpful" and not rows[-1]["comment"] and rows[-1]["question"] == SUPERVISION
    html, out = out[0], out[:2]
    foot = html[html.index('class="ia-foot"'):]
    assert "Saved" in foot and 'aria-pressed="true"' in foot  # said beside the buttons
    # A comment is optional; one sent later for the same answer adds to the stored feedback.
    status, comment, rating = page.send_feedback(out[1], 0, "helpful", "Spot on")
    rows = page.index.store.feedback()
    assert "saved" in status and len(rows) == before + 2 and rows[-1]["comment"] == "Spot on"
    # Sending the same rating again with no comment saves nothing twice.
    assert len(page.index.store.feedback()) == before + 2
    page.send_feedback(out[1], 0, "helpful", "")
    # A click that is not a rating, or for an answer not in the conversation, saves nothing.
    for data in ({"action": "cite", "turn": 0, "n": 1}, {"action": "rate", "turn": 9, "rating": "helpful"},
                 {"action": "rate", "turn": 0, "rating": "<b>"}, {"turn": "x"}):
        assert page.on_rate_click(out[1], gr.EventData(None, data)) == (gr.skip(),) * 5
    assert len(page.index.store.feedback()) == before + 2


def test_every_example_gives_a_cited_answer(assistant):
    from assistant.web.page import EXAMPLES, EXAMPLES_BY_KIND

    assert set(EXAMPLES_BY_KIND) == {"council finding", "framework rule", "grade fact", "count across councils"}
    assert EXAMPLES == [q for qs in EXAMPLES_BY_KIND.values() for q in qs]
    for question in EXAMPLES:
        ans = assistant.ask(question)
        assert not ans.refused and ans.citations, question


def test_the_library_state_is_in_plain_words(page, monkeypatch):
    from assistant.coverage import Coverage, Waiting

    state = page.library()[-1]
    assert "embedded" not in state and "ingest" not in state
    assert "Every report in the corpus is indexed" in state and "keyword and meaning-based search cover them all" in state
    halfway = Coverage(latest_reports=152, older_reports=40, frameworks=8, latest_dense=0.5, older_dense=0.4,
                       latest_left=6000, older_left=2000, seconds_per_passage=0.02,
                       waiting=[Waiting("reports/x/a.pdf", "Kent", 2014)] * 3, parse_seconds=130, running=True)
    monkeypatch.setattr(page.index, "coverage", lambda: halfway)
    monkeypatch.setattr(page.index, "ingest_running", lambda: True)
    state = page.library()[-1]
    assert "Older reports indexed so far (40): keyword search, and meaning-based search 40% built" in state
    assert "3 older reports in the corpus are not indexed yet: they are being added now" in state
    # The older reports are parsed first (130 s), then the latest reports' 6,000 passages get vectors (120 s).
    assert "Meaning-based search of the latest reports should be complete in about 4 minutes" in state
    assert "embedded" not in state
    assert "being updated now" in state
