"""Bad documents in the corpus: each gets a one-line reason or is indexed for what it holds; none stops the
ingest, and none costs the index anything it already had."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from tests.robustness.conftest import (
    CP1252_TEXT, WEIRD_NAME, big_pdf, cli, good_corpus, keyword_covers_store, make_bad_inputs, snapshot,
)

def test_each_bad_file_alone_gives_a_one_line_reason_or_its_text(tmp_path):
    from assistant.documents.loaders import Unusable, load_document

    expected = make_bad_inputs(tmp_path)
    for name, reason in expected.items():
        path = tmp_path / name
        if reason is None:
            doc = load_document(path)
            assert any(p.strip() for p in doc.pages), name
            continue
        if name.endswith("-link.txt"):
            continue  # a looping link is caught by corpus discovery, before anything is read
        with pytest.raises(Unusable) as info:
            load_document(path)
        message = str(info.value)
        assert message.startswith(reason), (name, message)
        assert "\n" not in message and len(message) < 200, message


def test_windows_1252_text_is_read_without_mojibake(tmp_path):
    from assistant.documents.loaders import load_document

    make_bad_inputs(tmp_path)
    text = load_document(tmp_path / "windows-1252.txt").pages[0]
    assert text == CP1252_TEXT
    for broken in ("\u00e2\u20ac", "\u00c2\u00a3", "\ufffd", "\r"):  # the usual UTF-8/cp1252 mix-ups
        assert broken not in text


def test_bad_files_are_reported_and_never_cost_the_index_anything(tmp_path):
    """Good corpus first; then every bad file at once; the good documents keep every page and chunk."""
    from assistant.api import Assistant
    from assistant.ingest import ingest
    from assistant.index import Index

    corpus, index_dir = good_corpus(tmp_path / "corpus"), tmp_path / "index"
    first = ingest(corpus, index_dir, all_reports=True, embed=False)
    before = snapshot(index_dir)
    assert first.documents == 2 and not first.skipped

    expected = make_bad_inputs(corpus / "extra")
    started = time.perf_counter()
    second = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert time.perf_counter() - started < 120  # the symlink loop did not send the walk round in circles
    after = snapshot(index_dir)

    for path, row in before.items():
        assert after[path] == row, f"{path} changed"
    reasons = {s.path: s.reason for s in second.skipped}
    for name, reason in expected.items():
        rel = f"extra/{name}"
        if reason is None:
            assert rel in after, f"{name} should be indexed; skipped: {reasons.get(rel)}"
            assert rel not in reasons
        else:
            assert reasons[rel].startswith(reason), (name, reasons.get(rel))
            assert "\n" not in reasons[rel]
    assert not any("loop/" in p for p in [*after, *reasons])  # nothing was found through the looping folder
    assert second.documents == 2 + sum(r is None for r in expected.values())
    assert keyword_covers_store(index_dir)

    # A third run changes nothing: bad files are remembered, not re-read.
    third = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert (third.parsed, third.removed) == (0, 0) and snapshot(index_dir) == after

    # What was readable answers, with the document's own words.
    index = Index(index_dir)
    docs = {d.path: d for d in index.documents().values()}
    assert docs["extra/encrypted-empty-password.pdf"].pages == 2
    pages = index.store.page_text(docs["extra/windows-1252.txt"].doc_id, 1)
    assert "\u201cstaying close\u201d offer pays \u00a3150" in pages
    ans = Assistant(index=index).ask("What does the staying close offer pay kinship carers?",
                                     filters={"doc_id": [docs["extra/windows-1252.txt"].doc_id]})
    assert any("\u00a3150" in c.quote and "\u201cstaying close\u201d" in c.quote for c in ans.citations), ans.answer
    assert any(c.path == f"extra/{WEIRD_NAME}" for c in
               Assistant(index=index).ask("Who checks every care plan before the review?").citations)
    from assistant.web.sources import SourceFiles

    copy = SourceFiles(index, corpus, stage_dir=tmp_path / "stage").download(docs[f"extra/{WEIRD_NAME}"].doc_id)
    assert copy.name == WEIRD_NAME and copy.read_bytes() == (corpus / "extra" / WEIRD_NAME).read_bytes()


def test_a_good_file_overwritten_by_a_broken_copy_is_reported_and_nothing_else_moves(tmp_path):
    """The one case where a document leaves: its file now holds something else. The reason says why."""
    from assistant.ingest import ingest

    corpus, index_dir = good_corpus(tmp_path / "corpus"), tmp_path / "index"
    ingest(corpus, index_dir, all_reports=True, embed=False)
    before = snapshot(index_dir)
    victim = next(p for p in before if p.endswith(".pdf"))
    data = (corpus / victim).read_bytes()
    (corpus / victim).write_bytes(data[: len(data) // 3])
    summary = ingest(corpus, index_dir, all_reports=True, embed=False)
    after = snapshot(index_dir)
    assert {s.path: s.reason for s in summary.skipped}[victim].startswith("corrupt or truncated PDF")
    assert victim not in after
    assert {p: r for p, r in before.items() if p != victim} == after
    assert keyword_covers_store(index_dir)


def test_document_text_with_script_and_markdown_links_is_shown_as_text(tmp_path):
    """<script>, a javascript: markdown link and fake [1] markers in a document reach the page as text."""
    from assistant.api import Assistant
    from assistant.ingest import ingest
    from assistant.web import render
    from assistant.web.export import to_markdown

    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    make_bad_inputs(corpus / "framework")
    ingest(corpus, index_dir, embed=False)
    assistant = Assistant(index=index_dir)
    ans = assistant.ask("What does the guidance say about supervision records and supervision decisions?")
    assert ans.citations, ans.answer
    assert any("<script>" in c.quote or "javascript:" in c.quote for c in ans.citations)
    turn = render.Turn(question="<b>what</b> about [1]?", answer=ans)
    html = render.render_turn(0, turn)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html and "<a " not in html
    # Only the library's own markers became buttons: one per quote plus one per source, never the text's [1]/[2].
    buttons = re.findall(r'<button type="button" class="ia-cite"[^>]*data-n="(\d+)"', html)
    assert len(buttons) == 2 * len(ans.citations)
    md = to_markdown([turn])
    assert not re.search(r"(?<!\\)<(?:script|img|/script)", md)  # every < from the document is escaped
    assert "\\[click\\](javascript:" in md and not re.search(r"(?<!\\)\]\(javascript:", md)  # escaped: not a link


@pytest.mark.slow
def test_a_600_page_pdf_is_indexed_in_bounded_time_and_memory(tmp_path):
    """Keyword-only ingest of a 600-page PDF, in its own process so its peak memory can be measured."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    (corpus / "framework").mkdir(parents=True)
    (corpus / "framework" / "six-hundred-pages.pdf").write_bytes(big_pdf(600))
    started = time.perf_counter()
    with open(tmp_path / "out.json", "wb") as out, open(tmp_path / "err.txt", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(corpus), "--index", str(index_dir),
                                 "--no-embed", "--json"], stdout=out, stderr=err)
    # os.wait4 gives this one process's own peak memory (RUSAGE_CHILDREN would mix in every earlier child).
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > 600:
            os.kill(proc.pid, 9)
            os.wait4(proc.pid, 0)
            pytest.fail("the 600-page ingest did not finish in 10 minutes")
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    peak = usage.ru_maxrss / 1024  # MiB; one document is parsed in the ingest process itself
    assert proc.returncode == 0, (tmp_path / "err.txt").read_text()
    import json

    summary = json.loads((tmp_path / "out.json").read_text())
    assert summary["documents"] == 1 and summary["pages"] == 600 and not summary["skipped"]
    assert summary["chunks"] > 600
    assert seconds < 420, f"600 pages took {seconds:.0f} s"
    assert peak < 1500, f"peak memory {peak:.0f} MiB"
    print(f"\n600-page PDF: {seconds:.0f} s, {summary['chunks']} chunks, peak RSS {peak:.0f} MiB")
    from assistant.api import Assistant

    ans = Assistant(index=index_dir).ask("What did inspectors say about long-term placement stability?")
    assert ans.citations and {c.page for c in ans.citations} <= set(range(1, 601))


def test_control_characters_in_a_document_never_reach_quotes_or_break_the_exports(tmp_path):
    from assistant.api import Assistant
    from assistant.ingest import ingest
    from assistant.web import render
    from assistant.web.export import write_docx, write_markdown

    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    make_bad_inputs(corpus / "framework")
    ingest(corpus, index_dir, embed=False)
    ans = Assistant(index=index_dir).ask("How often must managers record supervision decisions for children in care?")
    quote = next(c.quote for c in ans.citations if "every month" in c.quote)
    assert quote == "Managers must record supervision decisions every month for all children in care."
    # The question itself may hold them too (typed, pasted or sent by a client): the exports still work.
    turn = render.Turn(question="supervision\x00 \x1b[31m decisions \udc80?", answer=ans)
    assert turn.question == "supervision [31m decisions ?"
    write_docx([turn], tmp_path / "conversation.docx")
    assert "every month for all children" in write_markdown([turn], tmp_path / "c.md").read_text(encoding="utf-8")
