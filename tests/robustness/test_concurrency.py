"""The running chat page under concurrent clients, and what its HTTP routes refuse to serve.

One real `ofsted-assistant serve` on 127.0.0.1 (a free port) over the session's fixture index; the same
code as `python -m bench.concurrency`, with fewer questions.
"""
from __future__ import annotations

import http.client
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bench.concurrency import Parsed, Source, Verifier, ask, parse_answer, run_load, start_server

QUESTIONS = [
    "What did inspectors say about supervision in Stoke-on-Trent?",
    "Did Stoke misuse section 20?",
    "What grade did Stoke-on-Trent get for children in care in 2019?",
    "What does the national framework say about kinship care?",
    "How do inspectors describe management oversight in Norfolk?",
    "What did inspectors say about care leavers' accommodation?",
    "When was Norfolk last inspected?",
    "What does the SCCIF say about children's homes?",
    "What did inspectors say about caseloads in 2022?",
    "What is the weather like in Glasgow?",
]


@pytest.fixture(scope="module")
def server(built_index, fixture_corpus):
    srv = start_server(built_index[0], fixture_corpus)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def verifier(built_index):
    return Verifier(built_index[0])


@pytest.mark.slow
def test_twenty_clients_at_once_get_whole_verified_answers(server, verifier):
    result = run_load(server.url, [QUESTIONS[i % len(QUESTIONS)] for i in range(40)], clients=20, verifier=verifier,
                      deadline_seconds=600)
    bad = [r for r in result["records"] if r["error"] or r.get("failures")]
    assert not bad, bad[:5]
    assert result["errors"] == 0 and result["failed_checks"] == 0
    assert result["questions"] == 40
    assert result["answered"] >= 24 and result["refused"] >= 4  # Glasgow is refused every time
    assert result["quotes_checked"] >= 100
    assert result["p95_seconds"] < 120
    print(f"\n20 clients x 2 questions: p50 {result['p50_seconds']:.2f} s, p95 {result['p95_seconds']:.2f} s, "
          f"{result['quotes_checked']} quotes re-checked, wall {result['wall_seconds']:.1f} s")


def test_the_checker_catches_a_quote_that_is_not_on_its_page(verifier, built_index):
    """The load test's own check must be able to fail: a changed word, a wrong page, an unknown file."""
    from assistant.index import Index
    from tests.conftest import STOKE_2019

    index = Index(built_index[0])
    doc = next(d for d in index.documents().values() if d.path == STOKE_2019)
    row = index.store.connect().execute("SELECT text, page_start FROM chunks WHERE doc_id=? AND paragraph='34'",
                                        (doc.doc_id,)).fetchone()
    quote = "No social worker is receiving one-to-one case supervision"
    assert quote in row["text"]
    good = Parsed(quotes={1: quote}, sources=[Source("c", 1, STOKE_2019, row["page_start"], quote)])
    assert verifier.check_answer(good) == (1, [])
    for parsed in (
        Parsed(quotes={1: quote.replace("No social", "Every social")}, sources=good.sources),
        Parsed(quotes={1: quote}, sources=[Source("c", 1, STOKE_2019, row["page_start"] + 3, quote)]),
        Parsed(quotes={1: quote}, sources=[Source("c", 1, "reports/x/other.pdf", 9, quote)]),
        Parsed(quotes={1: quote}, sources=[]),
        Parsed(sources=[Source("r", 1, STOKE_2019, row["page_start"], "case supervision is outstanding")]),
    ):
        checked, failures = verifier.check_answer(parsed)
        assert checked == 1 and len(failures) == 1, parsed


def _get(url: str, path: str) -> tuple[int, bytes]:
    """A raw GET with the path sent exactly as written (no client-side normalisation of '..')."""
    parts = urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.slow
def test_http_routes_never_serve_a_file_outside_what_the_page_allows(server, built_index, fixture_corpus, tmp_path):
    index = Path(built_index[0]).resolve()
    pages = index / "pages"
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0 SECRET")
    pages.mkdir(exist_ok=True)
    link = pages / "link-out.png"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(secret, link)  # a symlink inside the allowed folder pointing out of it
    tries = [
        "/gradio_api/file=/etc/passwd", "/gradio_api/file=../../../../etc/passwd",
        "/gradio_api/file=%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/gradio_api/file=//etc/passwd",
        f"/gradio_api/file={index}/state.sqlite", f"/gradio_api/file={pages}/../state.sqlite",
        f"/gradio_api/file={pages}/%2e%2e/state.sqlite", f"/gradio_api/file={link}", f"/gradio_api/file={secret}",
        f"/gradio_api/file={Path(fixture_corpus).resolve()}/framework/childrens-social-care-national-framework-2023.txt",
        "/file=/etc/passwd", "/static/../../../../etc/passwd", "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/gradio_api/file%3D/etc/passwd", "/gradio_api/file=/proc/self/environ",
    ]
    try:
        for path in tries:
            status, body = _get(server.url, path)
            assert status in (400, 403, 404, 405), (path, status)
            assert b"root:x:0:0" not in body and b"SECRET" not in body and b"SQLite format" not in body, path
    finally:
        link.unlink()


@pytest.mark.slow
def test_bad_questions_through_the_running_page(server):
    from gradio_client import Client

    client = Client(server.url, verbose=False, download_files=False)
    for question in ("", "   ", "\x00\x01 supervision\x1b[31m", "x" * 20000, "<script>alert(1)</script> supervision",
                     "'; DROP TABLE chunks; --", ".*[(?"):  # (a lone surrogate cannot even be sent as JSON)
        seconds, error, html = ask(client, question)
        assert error is None, (question[:40], error)
        if not question.strip():  # nothing is asked; the conversation says what to do
            assert "Type a question in the box below" in html
        elif html:
            parsed = parse_answer(html)
            assert parsed.complete and parsed.error is None, (question[:40], parsed.error)
            assert "<script" not in html
    # A council the index does not have, sent by a program: the library's own one-line message, no error.
    client.reset_session()
    out = client.submit("supervision", ["Atlantis"], "any", "any", "both", "any", "any", api_name="/ask").result(timeout=60)
    html = out[0] if isinstance(out, (list, tuple)) else out
    assert "No indexed report is for Atlantis" in html and "Traceback" not in html
