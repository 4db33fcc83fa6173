"""Corpus folders that lose or leak data: odd file names, symlinks out, unreadable or vanished folders,
silent edits and copies of one report (issue 12, items 1-5)."""
from __future__ import annotations

import os

from tests.robustness.conftest import cli, good_corpus, keyword_covers_store, snapshot

GOOD_HTML = (b"<html><body><main><h1>Kinship guidance</h1><p>1. Kinship carers are visited every six weeks "
             b"by a named social worker who reviews the support plan.</p></main></body></html>")


def _indexed(tmp_path, **kwargs):
    from assistant.ingest import ingest

    corpus, index_dir = good_corpus(tmp_path / "corpus"), tmp_path / "index"
    ingest(corpus, index_dir, all_reports=True, embed=False, **kwargs)
    return corpus, index_dir


def test_a_file_name_that_is_not_utf8_is_skipped_and_the_rest_is_indexed(tmp_path):
    corpus, index_dir = _indexed(tmp_path)
    before = snapshot(index_dir)
    folder = os.fsencode(corpus / "framework")
    with open(os.path.join(folder, b"latin1-\xe9t\xe9.html"), "wb") as f:
        f.write(GOOD_HTML)
    (corpus / "framework" / "new-good.html").write_bytes(GOOD_HTML.replace(b"six", b"four"))
    proc = cli("ingest", corpus, "--index", index_dir, "--no-embed", "--all")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    line = next(l for l in proc.stdout.splitlines() if "latin1-" in l)
    assert "latin1-\\xe9t\\xe9.html" in line and "not valid UTF-8" in line, line
    after = snapshot(index_dir)
    assert "framework/new-good.html" in after
    assert {p: r for p, r in after.items() if p in before} == before
    assert keyword_covers_store(index_dir)


def test_symlinks_out_of_the_corpus_are_skipped_with_a_reason_and_never_quoted(tmp_path):
    from assistant.api import Assistant
    from assistant.ingest import ingest

    corpus, index_dir = _indexed(tmp_path)
    before = snapshot(index_dir)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret guidance\n\n1. The SECRETWORD passphrase opens every supervision "
                                        "record held by the council.\n", encoding="utf-8")
    os.symlink("/etc/passwd", corpus / "passwd.txt")
    os.symlink(outside / "secret.txt", corpus / "framework" / "secret.txt")
    os.symlink(outside, corpus / "framework" / "folder-out")
    (corpus / "framework" / "inside.txt").write_text("Inside guidance\n\n1. Managers review kinship plans.\n")
    os.symlink("inside.txt", corpus / "framework" / "inside-link.txt")  # stays in the corpus: indexed
    summary = ingest(corpus, index_dir, all_reports=True, embed=False)
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons["passwd.txt"] == "symbolic link to a file outside the corpus folder: not indexed"
    assert reasons["framework/secret.txt"] == "symbolic link to a file outside the corpus folder: not indexed"
    assert reasons["framework/folder-out"] == "symbolic link to a folder: not followed"
    after = snapshot(index_dir)
    assert not any(p.startswith(("passwd", "framework/secret", "framework/folder-out")) for p in after), list(after)
    assert {p: r for p, r in after.items() if p in before} == before
    from assistant.index import Index

    paths = {p for d in Index(index_dir).documents().values() for p in [d.path, *d.other_paths]}
    assert {"framework/inside.txt", "framework/inside-link.txt"} <= paths
    ans = Assistant(index=index_dir).ask("What does the SECRETWORD passphrase open? root")
    assert not any("SECRETWORD" in c.quote or "root:" in c.quote for c in ans.citations)


def test_an_unreadable_folder_is_a_skip_and_its_documents_stay_indexed(tmp_path, monkeypatch):
    from assistant.ingest import ingest

    corpus, index_dir = _indexed(tmp_path)
    before = snapshot(index_dir)
    blocked = corpus / "reports"
    real_scandir = os.scandir

    def scandir(path="."):
        # As root chmod 000 stops nothing, so the walk gets the error an unreadable folder gives.
        if os.fspath(path) == os.fspath(blocked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert summary.removed == 0
    assert snapshot(index_dir) == before
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons == {"reports": "folder cannot be read (Permission denied); what was indexed from it is kept"}
    monkeypatch.undo()
    again = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert not again.skipped and snapshot(index_dir) == before


def test_a_file_that_cannot_be_read_keeps_its_document(tmp_path, monkeypatch):
    from assistant import ingest as ingest_module
    from assistant.ingest import ingest

    corpus, index_dir = _indexed(tmp_path)
    before = snapshot(index_dir)
    victim = next(p for p in before if p.endswith(".pdf"))
    os.utime(corpus / victim, (1, 1))  # looks changed, so it is read again
    real_sha = ingest_module.file_sha

    def file_sha(path):
        if str(path).endswith(victim):
            raise PermissionError(13, "Permission denied")
        return real_sha(path)

    monkeypatch.setattr(ingest_module, "file_sha", file_sha)  # the name ingest reads the file through
    summary = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert snapshot(index_dir) == before and summary.removed == 0
    assert {s.path: s.reason for s in summary.skipped} == {
        victim: "cannot be read: Permission denied; the indexed copy is kept"}


def test_an_empty_or_unmounted_corpus_is_refused_unless_pruning(tmp_path):
    corpus, index_dir = _indexed(tmp_path)
    before = snapshot(index_dir)
    empty = tmp_path / "mount-point"
    empty.mkdir()
    proc = cli("ingest", empty, "--index", index_dir, "--no-embed")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("Error: 2 of the 2 indexed files are missing from "), proc.stderr
    assert "Pass --prune to remove them from the index." in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(index_dir) == before
    from assistant.store import Store

    assert Store(index_dir / "state.sqlite", readonly=True).get_meta("corpus") == str(corpus.resolve())

    # Most of the corpus gone is refused too; one of two files gone (half) is an ordinary removal.
    (corpus / next(p for p in before if p.endswith(".txt"))).unlink()
    from assistant.ingest import ingest

    assert ingest(corpus, index_dir, all_reports=True, embed=False).removed == 1
    proc = cli("ingest", empty, "--index", index_dir, "--no-embed", "--prune")
    assert proc.returncode == 0, proc.stderr
    assert snapshot(index_dir) == {}


def test_an_edit_that_keeps_size_and_mtime_is_indexed(tmp_path):
    from assistant.index import Index
    from assistant.ingest import ingest

    corpus, index_dir = _indexed(tmp_path)
    path = next(corpus.rglob("*.txt"))
    old = path.stat()
    data = path.read_bytes()
    assert b"children" in data
    path.write_bytes(data.replace(b"children", b"CHILDREN", 1))  # same length
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (old.st_size, old.st_mtime_ns)
    summary = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert summary.parsed == 1
    index = Index(index_dir)
    doc = next(d for d in index.documents().values() if d.path == str(path.relative_to(corpus)))
    assert any("CHILDREN" in (index.store.page_text(doc.doc_id, p) or "") for p in range(1, doc.pages + 1))
    # Only the stamp moving (a copy that keeps the bytes) costs a hash, never a parse or a new keyword index.
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    generation = index.store.get_meta("generation")
    again = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert again.parsed == 0 and index.store.get_meta("generation") == generation


def test_deleting_the_first_name_of_a_copied_report_keeps_it_openable(tmp_path):
    import shutil

    from assistant.index import Index
    from assistant.ingest import ingest
    from assistant.web.sources import SourceFiles

    corpus, index_dir = _indexed(tmp_path)
    first = next(corpus.rglob("*.pdf"))
    second = first.with_name("zz copy of the report.pdf")
    shutil.copy2(first, second)
    ingest(corpus, index_dir, all_reports=True, embed=False)
    first.unlink()
    summary = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert summary.removed == 0 and summary.documents == 2
    index = Index(index_dir)
    doc = next(d for d in index.documents().values() if d.format == "pdf")
    assert doc.path == str(second.relative_to(corpus)) and not doc.other_paths
    sources = SourceFiles(index, corpus, stage_dir=tmp_path / "stage")
    assert sources.download(doc.doc_id).read_bytes() == second.read_bytes()
    assert sources.page_png(doc.doc_id, 1).stat().st_size > 0


def test_a_report_saved_twice_with_different_bytes_is_one_document(tmp_path):
    import io

    from pypdf import PdfReader, PdfWriter

    from assistant.api import Assistant
    from assistant.index import Index
    from assistant.ingest import ingest

    corpus, index_dir = _indexed(tmp_path)
    original = next(corpus.rglob("*.pdf"))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original.read_bytes())))
    writer.add_metadata({"/Producer": "a re-saved copy"})
    copy = original.with_name("copy (2) of " + original.name)
    with open(copy, "wb") as f:
        writer.write(f)
    assert copy.read_bytes() != original.read_bytes()
    summary = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert summary.documents == 2, [d.path for d in Index(index_dir).documents().values()]
    docs = Index(index_dir).documents()
    report = next(d for d in docs.values() if d.kind == "report")
    assert report.path == str(original.relative_to(corpus))
    assert report.other_paths == [str(copy.relative_to(corpus))]
    ans = Assistant(index=index_dir).ask("What did inspectors say about supervision in Stoke-on-Trent?")
    assert ans.citations and {c.doc_id for c in ans.citations} <= set(docs)
    again = ingest(corpus, index_dir, all_reports=True, embed=False)
    assert (again.parsed, again.removed, again.documents) == (0, 0, 2)
