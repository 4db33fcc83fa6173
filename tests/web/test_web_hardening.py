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
