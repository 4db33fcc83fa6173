"""Bad questions, filters and viewer requests: each gets a clear message or an empty answer, never a
traceback, and never a file from outside the corpus."""
from __future__ import annotations

import os
import re
from types import SimpleNamespace

import pytest

from assistant.answers import verify_quote
from assistant.api import EMPTY_MESSAGE
from tests.robustness.conftest import good_corpus

NUL_AND_CONTROL = "supervision\x00 in Stoke-on-Trent\x1b[31m\x07\x08\u202e\ufeff?"
BAD_QUESTIONS = {
    "empty": "",
    "spaces": "   ",
    "whitespace": "\t\n\r\x0b\x0c",
    "only-control": "\x00\x01\x02\x7f",
    "only-punctuation": "?!.,;:[](){}",
    "20000-chars": "What did inspectors say about supervision? " + "x" * 19956,
    "20000-words": "supervision " * 1667,
    "nul-and-control": NUL_AND_CONTROL,
    "regex": r".*(?:[a-z]+)\1{999}[^\w\s]++(?<=x)|(a|aa)*$\\",
    "sql": "supervision'; DROP TABLE chunks; -- \" OR 1=1 /* %_% */",
    "fts-operators": 'supervision AND OR NOT NEAR("caseloads") * -title:x ^2 ~3',
    "shell-and-format": "$(rm -rf /) `id` {0} %s %n {{7*7}} ${jndi:ldap://x}",
    "html": "<script>alert(1)</script> supervision <img src=x onerror=alert(2)>",
    "emoji-and-rtl": "supervision \U0001F600\u200f\u0645\u0631\u062d\u0628\u0627 \U0001F1EC\U0001F1E7",
    "lone-surrogate": "supervision \udc80 in Stoke",
}


def _check_answer(assistant, ans) -> None:
    assert isinstance(ans.answer, str) and ans.answer.strip()
    assert "Traceback" not in ans.answer
    assert ans.refused or ans.citations
    for c in ans.citations:
        page = assistant.index.store.page_text(c.doc_id, c.page) or ""
        nxt = assistant.index.store.page_text(c.doc_id, c.page + 1) or ""
        assert verify_quote(c.quote, c.passage, page + " " + nxt), c.quote


@pytest.mark.parametrize("name", list(BAD_QUESTIONS))
def test_bad_questions_get_an_answer_or_a_clear_message(assistant, name):
    before = assistant.index.chunk_count()
    ans = assistant.ask(BAD_QUESTIONS[name])
    _check_answer(assistant, ans)
    assert ans.seconds < 60
    if name in ("empty", "spaces", "whitespace", "only-control", "only-punctuation"):
        assert ans.answer == EMPTY_MESSAGE and ans.refused
    if name.startswith("20000"):
        assert any("longer than" in n for n in ans.notices)
        assert len(ans.question) <= 2000
    assert assistant.index.chunk_count() == before  # nothing a question says reaches the database as SQL


@pytest.mark.parametrize("filters, says", [
    ({"local_authority": ["Atlantis"]}, "No indexed report is for Atlantis"),
    ({"local_authority": ["'; DROP TABLE documents; --"]}, "No indexed report is for"),
    ({"year_from": 2025, "year_to": 2019}, "No indexed document matches the filters"),
    ({"year_from": 3000}, "No indexed document matches the filters"),
    ({"year_to": 1066}, "No indexed document matches the filters"),
    ({"year_from": -5, "year_to": -1}, "No indexed document matches the filters"),
    ({"area": "not_an_area"}, "No indexed document matches the filters"),
    ({"grade": "superb"}, "No indexed document matches the filters"),
    ({"doc_id": ["f" * 64]}, "No indexed document matches the filters"),
    ({"kind": "report", "local_authority": ["Norfolk"], "year_from": 2015, "year_to": 2015},
     "No indexed document matches the filters"),
], ids=["unknown-council", "sql-council", "years-reversed", "year-3000", "year-1066", "negative-years",
        "unknown-area", "unknown-grade", "unknown-doc-id", "no-match-combined"])
def test_impossible_filters_say_so(assistant, filters, says):
    ans = assistant.ask("What did inspectors say about supervision?", filters=filters)
    _check_answer(assistant, ans)
    assert ans.refused and not ans.citations
    assert says in ans.answer, ans.answer
    assert not ans.answer.rstrip().endswith(": ."), ans.answer  # the message names the filters it could not meet


def test_five_thousand_councils_in_a_filter(assistant):
    unknown = [f"Council number {i}" for i in range(5000)]
    ans = assistant.ask("What did inspectors say about supervision?", filters={"local_authority": unknown})
    _check_answer(assistant, ans)
    assert ans.refused and ans.answer.startswith("No indexed report is for Council number 0")
    assert len(ans.answer) < 500, f"the message lists every name: {len(ans.answer)} characters"
    assert ans.seconds < 10
    # Real councils repeated thousands of times, with one unknown: still a clear, quick refusal.
    ans = assistant.ask("What did inspectors say about supervision?",
                        filters={"local_authority": ["Stoke-on-Trent"] * 2500 + ["Atlantis"] + ["Norfolk"] * 2500})
    assert ans.refused and "Atlantis" in ans.answer and len(ans.answer) < 500
    # And all of them known: answered, from those councils only.
    ans = assistant.ask("What did inspectors say about supervision?",
                        filters={"local_authority": ["stoke-on-trent", "NORFOLK"] * 2500})
    _check_answer(assistant, ans)
    assert ans.citations and {c.local_authority for c in ans.citations} <= {"Stoke-on-Trent", "Norfolk"}


def test_a_huge_history_is_read_but_never_slow(assistant):
    history = [("What did inspectors say about supervision in Stoke-on-Trent in 2019? " * 40)[:2000]] * 1000
    ans = assistant.ask("and what about caseloads there?", history=history)
    _check_answer(assistant, ans)
    assert ans.seconds < 30
    ans = assistant.ask("supervision", history=[None, 5, {"x": 1}, ["a"], "\x00" * 100, ""])
    _check_answer(assistant, ans)


# ------------------------------------------------------------------------------------------- the chat page

@pytest.fixture(scope="module")
def page(assistant, fixture_corpus, tmp_path_factory):
    from assistant.web.page import ChatPage

    return ChatPage(assistant, fixture_corpus, stage_dir=tmp_path_factory.mktemp("stage"), stream_delay=0)


def _respond(page, question, las=None, year_from="any", year_to="any", kind="both", area="any", grade="any"):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gr.Info outside a request only warns
        return list(page.respond(question, [], "", las or [], year_from, year_to, kind, area, grade))


@pytest.mark.parametrize("name", [n for n in BAD_QUESTIONS if n not in ("20000-words", "fts-operators")])
def test_the_chat_page_answers_bad_questions_with_a_message(page, name):
    outputs = _respond(page, BAD_QUESTIONS[name])
    assert outputs
    html = outputs[-1][0]
    if name in ("empty", "spaces", "whitespace"):  # nothing is asked; the conversation says what to do
        assert "Type a question in the box below" in html and 'class="ia-turn"' not in html
        return
    assert 'class="ia-turn"' in html and "Traceback" not in html and "ia-error" not in html
    assert "<script" not in html and "<img" not in html


def test_the_chat_page_survives_impossible_filter_choices(page):
    for args in (dict(year_from="2025", year_to="2019"), dict(year_from="3000"), dict(year_to="not a year"),
                 dict(las=[f"Council {i}" for i in range(5000)]), dict(area="../../etc", grade="<b>"),
                 dict(kind="'; DROP TABLE chunks; --")):
        html = _respond(page, "What did inspectors say about supervision?", **args)[-1][0]
        assert 'class="ia-turn"' in html and "Traceback" not in html and "ia-error" not in html, args
        assert "<b>" not in html


BAD_DOC_IDS = ["../../etc/passwd", "/etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd", "",
               "f" * 64, "A" * 64, "0" * 7, "0" * 65, "abc\x00def", None, 12345]


@pytest.mark.parametrize("doc_id", BAD_DOC_IDS)
def test_the_source_viewer_explains_unknown_or_malformed_doc_ids(page, doc_id):
    head, _, image, text, download, state = page.view(doc_id, 1)
    assert "ia-error" in head and ("not a document id" in head or "No indexed document" in head), head
    assert image is None and state is None and text == ""


def test_viewer_navigation_and_clicks_with_garbage_never_fail(page):
    assert "Open a source first" in page.turn_page(None, 1)[0]
    assert "Open a source first" in page.turn_page({"doc_id": ""}, -1)[0]
    assert "not a document id" in page.turn_page({"doc_id": "../x", "page": 3}, 1)[0]
    for key in ("../../etc/passwd", "1:c:999", "a:b:c:d", "", None, "0:r:-1"):
        out = page.on_pick([], key)
        assert "Choose a source" in out[0]
    for data in ({}, {"action": "cite", "turn": "x"}, {"action": "cite", "turn": 99, "n": 1},
                 {"action": "cite", "turn": 99, "n": 1, "wide": True}, {"action": "cite", "turn": 0, "wide": "<x>"},
                 {"action": "rate", "turn": -1, "rating": "helpful"}, {"action": "<script>", "turn": 0}):
        out = page.on_conversation_click([], SimpleNamespace(_data=data))
        assert len(out) == 13  # the Source tab's 6, the tabs, its list of sources, the pane's 5
        assert "Traceback" not in str(out[0])


# ------------------------------------------------------------------------------------------- downloads

@pytest.fixture()
def tampered(tmp_path):
    """A real index whose document rows point outside the corpus, the way a tampered or stale index could."""
    from assistant.ingest import ingest
    from assistant.store import Store

    corpus = good_corpus(tmp_path / "corpus")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET outside the corpus: supervision caseloads and drift " * 20)
    os.symlink(outside / "secret.txt", corpus / "framework" / "link-out.txt")  # a symlink out of the corpus
    os.symlink(outside, corpus / "framework" / "dir-out")                      # a folder symlink out of it
    index = tmp_path / "index"
    ingest(corpus, index, all_reports=True, embed=False)
    store = Store(index / "state.sqlite")
    docs = {d["path"]: d["doc_id"] for d in store.documents()}
    assert "framework/link-out.txt" not in docs  # skipped by the ingest; the rows below forge it
    targets = {
        "symlink": "framework/link-out.txt",
        "dotdot": "../outside/secret.txt",
        "absolute": str(outside / "secret.txt"),
        "etc-passwd": "../../../../../../../../etc/passwd",
        "url-encoded": "..%2f..%2foutside%2fsecret.txt",
        "through-folder-link": "framework/dir-out/secret.txt",
    }
    ids = {}
    for i, (name, path) in enumerate(targets.items()):
        doc_id = f"{i + 1:x}" * 64
        with store.connect() as db:
            row = db.execute("SELECT * FROM documents WHERE doc_id=?", (next(iter(docs.values())),)).fetchone()
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (doc_id, path, row["title"], row["kind"], row["format"], row["info"], row["pages"], row["chunks"],
                        row["parsed_at"]))
            db.execute("INSERT INTO pages SELECT ?, page, text FROM pages WHERE doc_id=?", (doc_id, row["doc_id"]))
            db.execute("INSERT OR REPLACE INTO files (path, doc_id, size, mtime, sha) VALUES (?, ?, 0, 0, ?)",
                       (path, doc_id, doc_id))
        ids[name] = doc_id
    store.set_meta("generation", "tampered")
    return corpus, index, ids


def test_downloads_and_page_images_never_leave_the_corpus(tampered, tmp_path):
    from assistant.api import Assistant
    from assistant.web import render
    from assistant.web.page import ChatPage
    from assistant.web.sources import SourceError

    corpus, index, ids = tampered
    page = ChatPage(Assistant(index=index), corpus, stage_dir=tmp_path / "stage", stream_delay=0)
    for name, doc_id in ids.items():
        with pytest.raises(SourceError) as info:
            page.sources.download(doc_id)
        assert re.search(r"outside the corpus folder|not in the corpus folder", str(info.value)), (name, info.value)
        with pytest.raises(SourceError):
            page.sources.page_png(doc_id, 1)
        head, _, image, text, download, _ = page.view(doc_id, 1)
        assert image is None
        assert "root:x:0:0" not in text
        # A refused file is refused whole: not even its indexed text is shown beside the refusal.
        shown = head + text
        if "refusing to open it" in shown:
            indexed = render.render_page_text(page.index.store.page_text(doc_id, 1), None, False)
            assert indexed not in shown, name
        assert "outside the corpus folder" in shown or "not in the corpus folder" in shown, (name, shown[:300])
    staged = [p for p in (tmp_path / "stage").rglob("*") if p.is_file()]
    assert not any("secret" in p.name or "passwd" in p.name for p in staged), staged
