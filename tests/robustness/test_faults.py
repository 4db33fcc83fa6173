"""Faults while indexing: a full disk, a read-only index folder, a second ingest, questions during an ingest.

As root `chmod` does not stop writes, so faults are injected where the ingest writes (the write check,
SQLite, the keyword swap, Chroma) with the exceptions the real failures raise; test_real_faults.py repeats
the main cases on a real full and read-only file system where the machine allows it.
"""
from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tests.robustness.conftest import (
    NORFOLK_2026, REPO, SIF_2015, cli, corpus_file, good_corpus, keyword_covers_store, snapshot,
)

QUESTION = "What did inspectors say about supervision in Stoke-on-Trent?"


def _add_norfolk(corpus: Path) -> str:
    target = corpus / NORFOLK_2026
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(corpus_file(NORFOLK_2026), target)
    return NORFOLK_2026


def _still_answers(index_dir: Path) -> None:
    from assistant.api import Assistant

    ans = Assistant(index=index_dir).ask(QUESTION)
    assert ans.citations and not ans.refused, ans.answer


def _cli_ingest(corpus: Path, index_dir: Path):
    from assistant.cli import cli as command

    return CliRunner().invoke(command, ["ingest", str(corpus), "--index", str(index_dir), "--all", "--no-embed"])


def _one_clear_line(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in error[0], error[0]


# Deterministic unit vectors instead of the model, the same in every process: the faults and races under
# test are in writing and reading vectors, not in computing them, and the model would cost a minute.
FAKE_EMBEDDINGS = """
import hashlib, numpy as np, assistant.embedding as _embedding
def _fake_embed_texts(texts, batch_size=32):
    out = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha1(text.encode('utf-8', 'replace')).digest()[:4], 'big')
        v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
        out.append(v / np.linalg.norm(v))
    return np.stack(out) if out else np.zeros((0, 384), dtype=np.float32)
_embedding.embed_texts = _fake_embed_texts
"""


def _fake_embeddings(monkeypatch):
    import assistant.embedding as embedding

    # Record the real function first: the snippet (shared with the child process) installs the fake by plain
    # assignment, and monkeypatch must put the real one back after the test, or later tests embed noise.
    import assistant.ingest as ingest_module
    import assistant.retrieval as retrieval_module

    monkeypatch.setattr(embedding, "embed_texts", embedding.embed_texts)
    namespace: dict = {}
    exec(FAKE_EMBEDDINGS, namespace)
    # Ingest and retrieval hold their own reference to the function: fake it there too.
    for module in (embedding, ingest_module, retrieval_module):
        monkeypatch.setattr(module, "embed_texts", namespace["_fake_embed_texts"])


def _ingest_process(corpus: Path, index_dir: Path, log, *args: str) -> subprocess.Popen:
    """`ofsted-assistant ingest` in a child process, with the fake embeddings."""
    code = FAKE_EMBEDDINGS + "\nimport sys\nfrom assistant.cli import main\nsys.argv = sys.argv[1:]\nmain()\n"
    return subprocess.Popen([sys.executable, "-c", code, "ofsted-assistant", "ingest", str(corpus), "--index",
                             str(index_dir), "--all", *args], stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["disk-full", "read-only"])
def test_index_folder_that_cannot_be_written_is_refused_before_anything_changes(small_index, monkeypatch, code):
    from assistant.ingest import ingest

    corpus, index_dir = small_index
    before = snapshot(index_dir)
    _add_norfolk(corpus)
    real_write = Path.write_bytes

    def write_bytes(self, data):
        if self.name == ".write-test":
            raise OSError(code, os.strerror(code), str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    with pytest.raises(OSError, match=os.strerror(code)):
        ingest(corpus, index_dir, all_reports=True, embed=False)
    _one_clear_line(_cli_ingest(corpus, index_dir), "cannot be written", os.strerror(code), "nothing was changed")
    monkeypatch.undo()
    assert snapshot(index_dir) == before
    assert keyword_covers_store(index_dir)
    _still_answers(index_dir)


@pytest.mark.parametrize("method, message, code", [
    ("add_document", "database or disk is full", errno.ENOSPC),
    ("set_file", "attempt to write a readonly database", errno.EROFS),
], ids=["disk-full", "read-only"])
def test_sqlite_write_failure_mid_ingest_is_one_clear_error_and_loses_nothing(small_index, monkeypatch, method, message, code):
    from assistant.ingest import ingest
    from assistant.store import Store

    corpus, index_dir = small_index
    before = snapshot(index_dir)
    new = _add_norfolk(corpus)

    def fail(*args, **kwargs):
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(Store, method, fail)
    with pytest.raises(OSError) as info:
        ingest(corpus, index_dir, all_reports=True, embed=False)
    assert info.value.errno == code and message in str(info.value)
    _one_clear_line(_cli_ingest(corpus, index_dir), "could not be written", os.strerror(code), "already indexed is kept")
    monkeypatch.undo()
    now = snapshot(index_dir)
    assert {p: now[p] for p in before} == before  # (a document whose file row failed may be whole in the index)
    _still_answers(index_dir)
    # Space back: the next ingest completes the work.
    ingest(corpus, index_dir, all_reports=True, embed=False)
    assert set(snapshot(index_dir)) == set(before) | {new}
    assert keyword_covers_store(index_dir)


def test_disk_full_while_swapping_the_keyword_index_keeps_the_old_one_and_the_next_ingest_repairs_it(small_index, monkeypatch):
    from assistant import keyword
    from assistant.api import Assistant
    from assistant.ingest import ingest

    corpus, index_dir = small_index
    before = snapshot(index_dir)
    new = _add_norfolk(corpus)
    real_build = keyword.build

    def build(store, folder):
        (Path(folder) / "bm25.new").mkdir(exist_ok=True)
        (Path(folder) / "bm25.new" / "partial.npy").write_bytes(b"\x93NUMPY")  # half-written, then the disk fills
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(keyword, "build", build)
    with pytest.raises(OSError, match="No space left"):
        ingest(corpus, index_dir, all_reports=True, embed=False)
    monkeypatch.setattr(keyword, "build", real_build)
    # The new document's rows are committed, the keyword index is the previous one, whole; questions work.
    assert {p: r for p, r in snapshot(index_dir).items() if p != new} == before
    _still_answers(index_dir)
    # The next ingest finds nothing new on disk, but must still bring the keyword index up to date.
    ingest(corpus, index_dir, all_reports=True, embed=False)
    assert keyword_covers_store(index_dir)
    assert not (index_dir / "bm25.new").exists()
    ans = Assistant(index=index_dir).ask("What did inspectors say about supervision in Norfolk?")
    assert any(c.path == new for c in ans.citations), ans.answer


@pytest.mark.slow
def test_disk_full_while_embedding_keeps_keyword_answers_and_resumes(small_index, monkeypatch):
    """SQLite (embedding cache) and Chroma (vectors) each fail as a full disk makes them fail."""
    import chromadb.api.models.Collection as chroma_collection
    from chromadb.errors import InternalError

    from assistant.index import Index
    from assistant.ingest import ingest
    from assistant.store import Store

    corpus, index_dir = small_index
    before = snapshot(index_dir)
    _fake_embeddings(monkeypatch)
    total = Index(index_dir).embeddable_count()

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    def chroma_full(*args, **kwargs):
        # What chromadb 1.5 raised when its folder filled up (seen on a 12 MB tmpfs).
        raise InternalError("Error in compaction: Failed to apply logs to the metadata segment")

    for target, name, fault in ((Store, "cache_vectors", full), (chroma_collection.Collection, "upsert", chroma_full)):
        with monkeypatch.context() as m:
            m.setattr(target, name, fault)
            with pytest.raises(OSError) as info:
                ingest(corpus, index_dir, embed=True)
            assert "Traceback" not in str(info.value) and str(info.value)
        assert snapshot(index_dir) == before
        assert Index(index_dir).embedded_count() == 0  # nothing marked embedded that Chroma does not hold
        _still_answers(index_dir)
    summary = ingest(corpus, index_dir, embed=True)
    assert summary.pending_embeddings == 0
    assert Index(index_dir).collection().count() == total == summary.chunks - summary.not_embedded


def test_a_second_ingest_refuses_clearly_while_the_first_holds_the_lock(small_index):
    from assistant.locking import ingest_lock

    corpus, index_dir = small_index
    before = snapshot(index_dir)
    with ingest_lock(index_dir):
        proc = cli("ingest", corpus, "--index", index_dir, "--no-embed", timeout=120)
    assert proc.returncode == 75, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("Error: another ingest (pid ")
    assert "wait for it to finish" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(index_dir) == before


@pytest.mark.slow
def test_questions_are_answered_while_another_process_ingests(small_index, tmp_path):
    """An ingest of four more reports runs in a child process; this process keeps asking meanwhile. Every
    answer is whole and every quote is on its cited page; a second ingest started meanwhile refuses."""
    from assistant.answers import verify_quote
    from assistant.api import Assistant
    from assistant.index import Index
    from assistant.locking import is_locked

    corpus, index_dir = small_index
    before = snapshot(index_dir)
    # The 47-page 2015 report keeps the first ingest busy long enough for the second to start and meet the lock.
    for rel in (SIF_2015, NORFOLK_2026, "reports/80564_stoke-on-trent/children's services inspection - 25 november 2022.pdf",
                "reports/80564_stoke-on-trent/children's services inspection - 15 july 2025.pdf"):
        target = corpus / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus_file(rel), target)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    log = open(tmp_path / "ingest.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(corpus), "--index", str(index_dir),
                             "--all", "--no-embed"], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    assistant = Assistant(index=Index(index_dir))
    questions = [QUESTION, "What did inspectors say about supervision in Norfolk?",
                 "How are care leavers supported?", "What grade did Stoke-on-Trent get in 2025?"]
    answers, second, deadline = [], None, time.monotonic() + 300
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if second is None and is_locked(index_dir):
                second = cli("ingest", corpus, "--index", index_dir, "--no-embed", timeout=120)
            ans = assistant.ask(questions[len(answers) % len(questions)])
            answers.append(ans)
            assert ans.answer.strip()
            assert ans.refused or ans.citations
            for c in ans.citations:
                page = assistant.index.store.page_text(c.doc_id, c.page) or ""
                following = assistant.index.store.page_text(c.doc_id, c.page + 1) or ""
                assert verify_quote(c.quote, c.passage, page + " " + following), c
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    log.seek(0)
    assert proc.returncode == 0, log.read()
    assert len(answers) >= 3, "the ingest finished before questions could be asked during it"
    assert second is not None and second.returncode == 75 and "another ingest" in second.stderr
    after = snapshot(index_dir)
    assert {p: after[p] for p in before} == before and len(after) == len(before) + 4
    assert keyword_covers_store(index_dir)
    ans = assistant.ask("What did inspectors say about supervision in Norfolk?")  # the new documents answer
    assert any("norfolk" in c.path for c in ans.citations), ans.answer


def _copy_reports(corpus: Path, *rels: str) -> None:
    for rel in rels:
        target = corpus / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus_file(rel), target)


STOKE_2022 = "reports/80564_stoke-on-trent/children's services inspection - 25 november 2022.pdf"


@pytest.fixture()
def embedded_index(tmp_path, monkeypatch):
    """(corpus, index, assistant) with dense vectors (fake), the assistant already warm: a running server."""
    from assistant.api import Assistant
    from assistant.index import Index
    from assistant.ingest import ingest

    _fake_embeddings(monkeypatch)
    corpus, index_dir = good_corpus(tmp_path / "corpus"), tmp_path / "index"
    ingest(corpus, index_dir, all_reports=True, embed=True)
    assistant = Assistant(index=Index(index_dir))
    assert assistant.ask(QUESTION).citations  # dense side opened, as in a server that has answered before
    return corpus, index_dir, assistant


@pytest.mark.slow
def test_questions_are_answered_while_another_process_embeds(embedded_index, tmp_path):
    """The same as above with the dense side live: the other process writes vectors into Chroma meanwhile."""
    from assistant.answers import verify_quote

    corpus, index_dir, assistant = embedded_index
    _copy_reports(corpus, NORFOLK_2026, STOKE_2022)
    with open(tmp_path / "ingest.log", "w+") as log:
        proc = _ingest_process(corpus, index_dir, log)
        answers, deadline = 0, time.monotonic() + 300
        try:
            while proc.poll() is None and time.monotonic() < deadline:
                ans = assistant.ask([QUESTION, "What did inspectors say about supervision in Norfolk?"][answers % 2])
                answers += 1
                assert ans.answer.strip() and (ans.refused or ans.citations)
                for c in ans.citations:
                    page = (assistant.index.store.page_text(c.doc_id, c.page) or "") + " " + \
                        (assistant.index.store.page_text(c.doc_id, c.page + 1) or "")
                    assert verify_quote(c.quote, c.passage, page), c
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        log.seek(0)
        assert proc.returncode == 0, log.read()[-2000:]
    assert answers >= 3
    assert assistant.index.embedded_count() == assistant.index.embeddable_count()


@pytest.mark.slow
def test_a_running_server_keeps_filtered_dense_search_after_another_process_ingests(embedded_index, tmp_path):
    from assistant.models import Filters
    from assistant.retrieval import Retriever

    corpus, index_dir, assistant = embedded_index
    retriever = Retriever(assistant.index)
    everything = set(assistant.index.documents())
    assert retriever.dense("supervision of social workers", Filters(), 5, allowed=everything)
    _copy_reports(corpus, NORFOLK_2026)
    with open(tmp_path / "ingest.log", "w+") as log:
        proc = _ingest_process(corpus, index_dir, log)
        assert proc.wait(timeout=300) == 0
    everything = set(assistant.index.documents())
    retriever.last_dense_error = None
    hits = retriever.dense("supervision of social workers", Filters(), 5, allowed=everything)
    assert getattr(retriever, "last_dense_error", None) is None and hits
    # The vectors the other process added are searchable here, not just the ones seen before.
    added = {d.doc_id for d in assistant.index.documents().values() if d.local_authority == "Norfolk"}
    hits = retriever.dense("supervision of social workers", Filters(), 5, allowed=added)
    assert retriever.last_dense_error is None and hits
    rows = assistant.index.store.chunks_by_id([cid for cid, _ in hits])
    assert {row["doc_id"] for row in rows.values()} <= added
