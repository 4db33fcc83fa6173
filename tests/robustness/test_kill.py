"""An ingest killed with SIGKILL at random moments never leaves a broken or duplicated index."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.test_ingest import _tiny_corpus

KILLS = int(os.environ.get("OFSTED_KILL_LOOPS", "10"))


@pytest.mark.slow
def test_sigkill_during_ingest_then_resume(tmp_path):
    from assistant.api import Assistant
    from assistant.index import Index
    from assistant.ingest import ingest

    corpus = _tiny_corpus(tmp_path)
    index_dir = tmp_path / "index"
    rng = random.Random(20261129)
    cmd = [sys.executable, "-m", "assistant", "ingest", str(corpus), "--index", str(index_dir), "--json"]
    for i in range(KILLS):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 14.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not (index_dir / "state.sqlite").exists():
            continue  # killed before anything was written
        index = Index(index_dir)
        ids = [r["chunk_id"] for r in index.store.all_chunk_rows("chunk_id")]
        assert len(ids) == len(set(ids)), f"duplicate chunks after kill {i}"
        if index.keyword() is not None:
            # Whatever was committed answers; a keyword-only answer is fine mid-ingest.
            ans = Assistant(index=index).ask("What did inspectors say about supervision in Stoke-on-Trent?")
            assert ans.answer
            assert ans.refused or ans.citations
    summary = ingest(corpus, index_dir)
    assert summary.documents == 2 and summary.pending_embeddings == 0
    index = Index(index_dir)
    assert index.collection().count() == summary.chunks - summary.not_embedded  # no duplicate or missing vectors
    ans = Assistant(index=index).ask("What did inspectors say about supervision in Stoke-on-Trent in 2019?")
    assert any(c.paragraph == "34" for c in ans.citations)
