"""The page's limits and guards (issue 12, items 7-12): feedback, conversation size, exports, Host header,
uploads and logins."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.web.page import ChatPage

QUESTION = "What does the guidance say about supervision records?"


@pytest.fixture()
def page(injection_index, tmp_path):
    from assistant.api import Assistant

    corpus, index = injection_index
    return ChatPage(Assistant(index=index), corpus, stage_dir=tmp_path / "stage", stream_delay=0)


def _ask(page, question, turns=(), session=""):
    return list(page.respond(question, list(turns), session, [], "any", "any", "both", "any", "any"))


def test_feedback_comments_are_capped_in_size_and_rate_per_session(page):
    turns = _ask(page, QUESTION)[-1][1]
    store = page.index.store
    before = len(store.feedback())
    status = page.send_feedback(turns, 0, "helpful", "x" * 1_000_000, SimpleNamespace(session_hash="a"))[0]
    assert "2,000 characters" in status and "nothing was saved" in status
    assert len(store.feedback()) == before
    for i in range(5):
        assert "saved" in page.send_feedback(turns, 0, "helpful", f"ok {i}", SimpleNamespace(session_hash="a"))[0]
    status = page.send_feedback(turns, 0, "helpful", "one more", SimpleNamespace(session_hash="a"))[0]
    assert "At most 5 feedback messages a minute" in status
    assert len(store.feedback()) == before + 5
    # Another session is not held back by the first.
    assert "saved" in page.send_feedback(turns, 0, "helpful", "", SimpleNamespace(session_hash="b"))[0]
    # The page says so.
    config = page.blocks.config
    comment = next(c for c in config["components"] if c.get("props", {}).get("elem_id") == "ia-comment")
    assert "2,000 characters" in comment["props"]["info"] and comment["props"]["max_length"] == 2000


def test_a_long_conversation_keeps_and_sends_a_bounded_amount(page):
    import warnings

    settings = page.assistant.settings
    turns, session = [], ""
    warnings.simplefilter("ignore")  # gr.Info outside a request only warns
    for i in range(settings.max_turns + 3):
        question = QUESTION + (" supervision" * 1_000_000 if i == 1 else f" {i}")
        steps = _ask(page, question, turns, session)
        turns, session = steps[-1][1], steps[-1][2]
        assert len(steps) <= settings.stream_steps + 2  # first render, the partial ones, the whole answer
    assert len(turns) == settings.max_turns
    assert all(len(t.question) <= settings.max_question_chars for t in turns)
    assert all(len(t.history) <= settings.max_history for t in turns)
    assert turns[-1].question.endswith(f" {settings.max_turns + 2}")
    # The cut question is what was answered, with the library's notice that it was cut.
    long_turn = _ask(page, QUESTION + " supervision" * 1_000_000)[-1][1][-1]
    assert len(long_turn.question) <= settings.max_question_chars
    assert any("longer than" in n for n in long_turn.answer.notices)


def test_exports_are_written_only_when_asked_privately_and_cleaned_up(page):
    import os
    import stat
    import tempfile
    from pathlib import Path

    steps = _ask(page, QUESTION)
    turns, session = steps[-1][1], steps[-1][2]
    exports = page.stage / "exports"
    assert not exports.exists() or not any(exports.rglob("*.*"))  # answering wrote nothing
    files = []
    for kind in ("md", "docx"):
        value = page.export(turns, session, kind).value
        files.append(Path(value["path"] if isinstance(value, dict) else value))
    assert files[0].read_text(encoding="utf-8").startswith("# Inspection Assistant conversation")
    assert files[1].read_bytes()[:2] == b"PK"
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
    # Gradio's own copies go to this user's private folder, not the shared temp folder.
    cache = Path(os.environ["GRADIO_TEMP_DIR"])
    assert cache.parent == Path(tempfile.gettempdir()) / f"inspection-assistant-{os.getuid()}"
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    assert str(page.blocks.GRADIO_CACHE).startswith(str(cache))
    page.new_conversation(session)
    assert not any(p.exists() for p in files)


@pytest.mark.slow
def test_requests_for_another_host_name_are_refused(page):
    import httpx

    from tests.web.conftest import start_page

    url = start_page(page)
    try:
        assert httpx.get(url + "config").status_code == 200
        evil = httpx.get(url + "config", headers={"Host": "evil.example", "Origin": "http://evil.example"})
        # Gradio's CORS layer sits outside and still labels the refusal, but the refusal is all there is to read.
        assert evil.status_code == 400 and evil.text == "Invalid host header"
        ask = {"data": ["supervision", [], "", [], "any", "any", "both", "any", "any"]}
        assert httpx.post(url + "gradio_api/call/ask", json=ask, headers={"Host": "evil.example"}).status_code == 400
    finally:
        page.blocks.close()
    # Names the user configures are answered; '*' turns the check off.
    page.assistant.settings.allowed_hosts = ["assistant.example"]
    url = start_page(page)
    try:
        assert httpx.get(url + "config", headers={"Host": "assistant.example"}).status_code == 200
        assert httpx.get(url + "config", headers={"Host": "evil.example"}).status_code == 400
    finally:
        page.blocks.close()
    page.assistant.settings.allowed_hosts = ["*"]
    url = start_page(page)
    try:
        assert httpx.get(url + "config", headers={"Host": "evil.example"}).status_code == 200
    finally:
        page.blocks.close()


@pytest.mark.slow
def test_uploads_are_refused(page):
    import httpx

    from tests.web.conftest import start_page

    url = start_page(page)
    try:
        upload = httpx.post(url + "gradio_api/upload", files={"files": ("big.bin", b"x" * 2_000_000)})
        assert upload.status_code == 413, (upload.status_code, upload.text[:200])
    finally:
        page.blocks.close()


@pytest.mark.slow
def test_wrong_logins_through_the_server_are_slowed(page):
    import time

    import httpx

    from tests.web.conftest import start_page

    page.assistant.settings.login_delay = 0.3
    url = start_page(page, auth=[("alice", "s3cret")])
    try:
        started = time.perf_counter()
        for i in range(3):
            assert httpx.post(url + "login", data={"username": "alice", "password": f"no{i}"}).status_code == 400
        assert time.perf_counter() - started >= 0.9
        with httpx.Client() as client:
            assert client.post(url + "login", data={"username": "alice", "password": "s3cret"}).status_code == 200
    finally:
        page.blocks.close()


@pytest.mark.slow
def test_api_clients_can_filter_ask_and_answer_refuses_misspelt_keys_in_one_log_line(assistant, fixture_corpus,
                                                                                       tmp_path, capfd, caplog):
    import json

    from gradio_client import Client

    from tests.web.conftest import start_page

    page = ChatPage(assistant, fixture_corpus, stage_dir=tmp_path / "stage", stream_delay=0)
    url = start_page(page)
    try:
        client = Client(url, verbose=False, download_files=False)
        # "/ask" from a program that never loaded the page: the council and year filters are accepted.
        out = client.predict("What did inspectors say about supervision?", ["Stoke-on-Trent"], "2019", "2019",
                             "report", "any", "any", api_name="/ask")
        html = out[0] if isinstance(out, (list, tuple)) else out
        assert "Stoke-on-Trent" in html and "not in the list of choices" not in html
        # A council the index does not have gets the library's own message, not a validation error.
        client.reset_session()
        out = client.predict("supervision", ["Atlantis"], "any", "any", "both", "any", "any", api_name="/ask")
        assert "No indexed report is for Atlantis" in (out[0] if isinstance(out, (list, tuple)) else out)
        # A misspelt filter key is refused with the list of keys; the server log gets one line for it.
        capfd.readouterr()
        with pytest.raises(Exception) as info:
            client.predict("supervision", {"local_authorty": ["Norfolk"]}, None, api_name="/answer")
        assert "Unknown filter key 'local_authorty'" in str(info.value) and "local_authority" in str(info.value)
        good = json.loads(client.predict("supervision", {"local_authority": ["Norfolk"]}, None, api_name="/answer"))
        assert good["filters"]["local_authority"] == ["Norfolk"]
        logged = capfd.readouterr()
        assert "Traceback" not in logged.err + logged.out
        assert [r.message for r in caplog.records if "/answer refused" in r.message] == [
            "/answer refused: Unknown filter key 'local_authorty'; the keys are local_authority, year_from, year_to, "
            "kind, area, grade, doc_id."]
    finally:
        page.blocks.close()
