"""The smaller items of the second hardening round (issue 12): skip reasons that say what happened, file
names printed escaped, a size limit per document, cuts at a word boundary, a serve that finds its corpus."""
from __future__ import annotations

import io
import zlib

import pytest

from tests.robustness.conftest import cli, good_corpus, real_pdf, scanned_pdf, snapshot


def pdf_bomb() -> bytes:
    """Two pages whose content streams inflate from a few hundred KB to 100 MB each."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    for _ in range(2):
        page = writer.add_blank_page(595, 842)
        stream = StreamObject()
        stream._data = zlib.compress(b"BT /F1 12 Tf 72 720 Td (x) Tj ET " + b" " * 100_000_000, 9)
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        page[NameObject("/Contents")] = writer._add_object(stream)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def half_scanned_pdf() -> bytes:
    """Two pages of a real report, then two pages with no text (like scans)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(real_pdf())), pages=(0, 2))
    writer.append(PdfReader(io.BytesIO(scanned_pdf(2))))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_a_pdf_bomb_is_named_as_one_not_as_a_scan(tmp_path):
    from assistant.documents.loaders import Unusable, load_document

    (tmp_path / "bomb.pdf").write_bytes(pdf_bomb())
    with pytest.raises(Unusable) as info:
        load_document(tmp_path / "bomb.pdf")
    assert str(info.value).startswith("too large when decompressed (a compression bomb?)"), info.value
    assert "LimitReachedError" not in str(info.value)


def test_a_half_scanned_report_is_indexed_with_a_note(tmp_path):
    from assistant.ingest import ingest

    corpus, index_dir = good_corpus(tmp_path / "corpus"), tmp_path / "index"
    (corpus / "framework" / "half-scanned.pdf").write_bytes(half_scanned_pdf())
    summary = ingest(corpus, index_dir, all_reports=True, embed=False)
    notes = {n.path: n.reason for n in summary.notes}
    assert notes["framework/half-scanned.pdf"] == (
        "2 of 4 pages have no text layer (scanned?) and cannot be searched: pages 3-4")
    assert "framework/half-scanned.pdf" in snapshot(index_dir)
    # Said again by later runs, which parse nothing.
    again = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert again.parsed == 0 and {n.path for n in again.notes} == {"framework/half-scanned.pdf"}


def test_control_characters_and_bidi_overrides_in_names_are_printed_escaped(tmp_path):
    corpus = good_corpus(tmp_path / "corpus")
    forged = "x.pdf\nError: the index is corrupt; run rm -rf index\u202eexe.pdf"
    (corpus / "framework" / forged).write_bytes(b"")
    proc = cli("ingest", corpus, "--index", tmp_path / "index", "--no-embed", "--all")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    assert not any(line.startswith("Error:") for line in out.splitlines()), out
    assert "\u202e" not in out
    assert "skipped framework/x.pdf\\nError: the index" in out and "\\u202eexe.pdf: empty file" in out, out


def test_a_document_over_the_size_limit_is_skipped_unread(tmp_path, monkeypatch):
    from assistant.ingest import ingest

    corpus, index_dir = good_corpus(tmp_path / "corpus"), tmp_path / "index"
    body = "<p>1. Practitioners record supervision decisions every month for every child.</p>\n" * 40_000
    (corpus / "framework" / "huge.html").write_text(f"<html><body><main>{body}</main></body></html>")
    monkeypatch.setenv("OFSTED_MAX_DOCUMENT_MB", "2")
    summary = ingest(corpus, index_dir, all_reports=True, embed=False)
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons["framework/huge.html"] == "too large: 3 MB, over the 2 MB limit (OFSTED_MAX_DOCUMENT_MB)"
    assert summary.documents == 2 and summary.parsed == 2


def test_a_long_question_is_cut_at_a_word_boundary(assistant):
    filler = "What did inspectors say about children in care in " + "a " * 970
    question = filler + "stoke-on-trent and their supervision?"
    cut_at = 2000 - len(filler)
    assert 0 < cut_at < len("stoke-on-trent")  # the plain cut would leave "stoke-on-t..."
    ans = assistant.ask(question)
    assert len(ans.question) <= 2000 and not ans.question.endswith(question[len(filler):2000])
    assert ans.question.split()[-1] == "a"
    assert "No indexed document mentions" not in ans.answer, ans.answer


def test_serve_uses_the_corpus_recorded_in_the_index(tmp_path, monkeypatch):
    from assistant.ingest import ingest
    from assistant.web.server import corpus_for

    corpus, index_dir = good_corpus(tmp_path / "corpus"), tmp_path / "index"
    ingest(corpus, index_dir, all_reports=True, embed=False)
    monkeypatch.delenv("OFSTED_CORPUS", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./corpus with documents here... except the one just built
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert corpus_for(index_dir) == corpus.resolve()
    assert corpus_for(index_dir, tmp_path / "other") == tmp_path / "other"  # --corpus still wins
    monkeypatch.setenv("OFSTED_CORPUS", str(tmp_path / "env"))
    assert corpus_for(index_dir) == tmp_path / "env"
