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
