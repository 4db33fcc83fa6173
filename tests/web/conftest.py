"""Fixtures for the chat page: a tiny corpus whose only document tries HTML and markdown injection, and
helpers that start the real server on a free loopback port."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

INJECTION_TEXT = """Injection test guidance

1. Practitioners must record supervision decisions <script>alert(1)</script> every month so that managers can review drift.

2. See the [click](javascript:alert(1)) guidance on supervision and <b>bold</b> claims [1] about supervision records for children.
"""
INJECTION_FILE = "framework/injection-test-guidance.txt"
INJECTION_QUESTION = "What does the guidance say about supervision records?"


@pytest.fixture(scope="session")
def injection_index(tmp_path_factory):
    """(corpus, index) holding one framework .txt with <script> and markdown-link text; keyword search only."""
    from assistant.ingest import ingest

    root = tmp_path_factory.mktemp("injection")
    corpus, index = root / "corpus", root / "index"
    (corpus / "framework").mkdir(parents=True)
    (corpus / INJECTION_FILE).write_text(INJECTION_TEXT, encoding="utf-8")
    ingest(corpus, index, embed=False)
    return corpus, index


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_page(page, **launch):
    """Launch a ChatPage in this process on a free loopback port; returns its URL."""
    port = free_port()
    page.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch)
    return f"http://127.0.0.1:{port}/"


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
