"""Chroma server mode: ingest, ask and re-ingest through a real `chroma run` on 127.0.0.1."""
from __future__ import annotations

import pytest

from tests.test_ingest import _tiny_corpus


@pytest.fixture
def chroma_server(tmp_path):
    from bench.chroma_server import start_server, stop_server

    try:
        proc, url = start_server(tmp_path / "chroma-data")
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield url
    stop_server(proc)


@pytest.mark.slow
def test_ingest_and_ask_through_chroma_server(tmp_path, chroma_server):
    from assistant.api import Assistant
    from assistant.index import Index
    from assistant.ingest import ingest

    corpus = _tiny_corpus(tmp_path)
    index_dir = tmp_path / "index"
    summary = ingest(corpus, index_dir, chroma_url=chroma_server)
    assert summary.pending_embeddings == 0
    assert not (index_dir / "chroma").exists()  # vectors went to the server, not the embedded store
    index = Index(index_dir)
    assert index.chroma_url == chroma_server  # remembered, so later commands need no flag
    assert index.collection().count() == summary.chunks - summary.not_embedded
    # Dense search through the server finds the paragraph without any shared keyword beyond the topic.
    from assistant.models import Filters
    from assistant.retrieval import Retriever

    dense = Retriever(index).dense("no one-to-one supervision of social workers by managers", Filters(), 5)
    assert dense
    ans = Assistant(index=index).ask("What did inspectors say about supervision in Stoke-on-Trent in 2019?")
    assert any(c.paragraph == "34" and c.page == 9 for c in ans.citations)
    again = ingest(corpus, index_dir)
    assert (again.parsed, again.embedded) == (0, 0)
    assert Index(index_dir).collection().count() == summary.chunks - summary.not_embedded
