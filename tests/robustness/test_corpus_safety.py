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
