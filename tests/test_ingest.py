"""Ingest: what a user sees from `ofsted-assistant ingest` and `documents` on the fixture corpus."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from tests.conftest import STOKE_2019, corpus_file, make_bad_files


def test_summary_counts_and_skips(built_index):
    from assistant.index import Index

    folder, summary = built_index
    assert summary.documents == 7  # 5 reports + 2 framework documents
    assert summary.chunks > 500 and summary.pages > 70
    assert summary.pending_embeddings == 0
    assert Index(folder).embedded_count() == summary.chunks - summary.not_embedded
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in summary.skipped}
    assert reasons["children's services inspection - 19 october 2012.pdf"] == "not a PDF: an HTML error page"
    assert reasons["children's services inspection - 13 july 2012.pdf"] == "not a PDF: an HTML error page"
    assert reasons["empty.pdf"] == "empty file"
    assert reasons["encrypted.pdf"].startswith("encrypted")
    assert reasons["truncated.pdf"].startswith("corrupt or truncated PDF")


def test_boilerplate_is_found_by_keyword_but_never_embedded(built_index):
    from assistant.documents.boilerplate import NOT_EMBEDDED, is_contents_listing
    from assistant.index import Index
    from assistant.models import Filters
    from assistant.retrieval import Retriever

    folder, summary = built_index
    index = Index(folder)
    rows = index.store.connect().execute("SELECT chunk_id, text FROM chunks WHERE embedded=?", (NOT_EMBEDDED,)).fetchall()
    assert rows and len(rows) == summary.not_embedded < summary.chunks / 50  # a few fragments, not real passages
    assert not index.collection().get(ids=[r["chunk_id"] for r in rows])["ids"]
    # The National Framework's contents page has no vector, yet a search for its words still finds it.
    contents = next(r for r in rows if is_contents_listing(r["text"]))
    hits = Retriever(index).keyword(contents["text"][:120], Filters(), 5)
    assert contents["chunk_id"] in [cid for cid, _ in hits]


def test_stoke_2019_metadata(built_index):
    runner = CliRunner()
    result = runner.invoke(cli, ["documents", "--index", str(built_index[0]), "--json"])
    assert result.exit_code == 0, result.output
    docs = {d["path"]: d for d in json.loads(result.output)}
    stoke = docs[STOKE_2019]
    assert set(stoke) >= {"doc_id", "path", "title", "kind", "local_authority", "urn", "published",
                          "inspection_start", "inspection_end", "lead_inspector", "inspection_type",
                          "framework", "judgements", "pages", "chunks"}
    assert stoke["kind"] == "report"
    assert stoke["local_authority"] == "Stoke-on-Trent"
    assert stoke["urn"] == "80564"
    assert stoke["published"] == "2019-03-18"
    assert (stoke["inspection_start"], stoke["inspection_end"]) == ("2019-02-04", "2019-02-15")
    assert stoke["lead_inspector"] == "Neil Penswick"
    assert stoke["framework"] == "ILACS 2018"
    assert stoke["judgements"] == dict.fromkeys(
        ["overall_effectiveness", "impact_of_leaders", "help_and_protection", "children_in_care", "care_leavers"],
        "inadequate")
    frameworks = [d for d in docs.values() if d["kind"] == "framework"]
    assert len(frameworks) == 2
    assert all(all(v is None for v in d["judgements"].values()) for d in frameworks)


def test_paragraph_34_chunk_on_page_9(built_index):
    from assistant.index import Index

    index = Index(built_index[0])
    doc = next(d for d in index.documents().values() if d.path == STOKE_2019)
    rows = index.store.connect().execute(
        "SELECT * FROM chunks WHERE doc_id=? AND paragraph='34'", (doc.doc_id,)).fetchall()
    assert rows
    chunk = dict(rows[0])
    assert "No social worker is receiving one-to-one case supervision" in chunk["text"]
    assert chunk["page_start"] == 9
    assert chunk["area"] == "impact_of_leaders" and chunk["grade"] == "inadequate"
    # The stored span really is that text on that page (what the viewer highlights).
    page, start, end = json.loads(chunk["segments"])[0]
    page_text = index.store.page_text(doc.doc_id, page)
    assert page_text[start:end].replace("\n", " ") == chunk["text"][: end - start]


def test_every_chunk_fits_the_embedder(built_index):
    from assistant.index import Index

    index = Index(built_index[0])
    from transformers import AutoTokenizer

    from assistant.config import embedder_path
    from assistant.embedding import embedding_input

    tok = AutoTokenizer.from_pretrained(str(embedder_path()))
    rows = index.store.all_chunk_rows("chunk_id, text, context")
    longest = max(len(tok(embedding_input(r["context"], r["text"]))["input_ids"]) for r in rows)
    assert longest <= 256


def test_cleaning_on_real_pages(built_index):
    from assistant.index import Index

    index = Index(built_index[0])
    doc = next(d for d in index.documents().values() if d.path == STOKE_2019)
    pages = [index.store.page_text(doc.doc_id, p) for p in range(1, doc.pages + 1)]
    text = "\n".join(pages)
    assert "multi-agency" in text  # a compound broken over a line is rejoined with its hyphen
    assert "\uf0b7" not in text and "◼" not in text  # bullet glyphs become plain bullets
    assert "•" in text
    assert "Open Government Licence" not in text  # closing licence boilerplate is gone
    assert not any(line.strip().isdigit() for line in text.splitlines())  # bare page numbers are gone


def _tiny_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    target = corpus / STOKE_2019
    target.parent.mkdir(parents=True)
    shutil.copy2(corpus_file(STOKE_2019), target)
    fw = corpus / "framework" / "nf.txt"
    fw.parent.mkdir()
    shutil.copy2(corpus_file("framework/childrens-social-care-national-framework-2023.txt"), fw)
    return corpus


def test_reingest_changes_removals_and_duplicates(tmp_path, monkeypatch):
    import assistant.ingest as ingest_module
    from assistant.index import Index
    from assistant.ingest import ingest

    corpus = _tiny_corpus(tmp_path)
    index_dir = tmp_path / "index"
    first = ingest(corpus, index_dir)
    assert first.documents == 2 and first.embedded > 0

    again = ingest(corpus, index_dir)
    assert (again.parsed, again.embedded, again.reused) == (0, 0, 0)  # unchanged: no parsing, no embedding
    assert again.chunks == first.chunks

    # A new parser version re-parses every file but embeds nothing twice.
    # Every vector was replaced, so the collection is rebuilt from the stored vectors (Chroma's HNSW graph
    # loses recall after many deletions) and the old one dropped; dense search finds the same passages.
    from assistant.index import index_id
    from assistant.models import Filters
    from assistant.retrieval import Retriever
    from assistant.store import Store
    from assistant.vectors import open_client

    before = index_id(Store(index_dir / "state.sqlite"))
    question = Index(index_dir)
    found_before = [cid for cid, _ in Retriever(question).dense("kinship carers support", Filters(), 5)]
    monkeypatch.setattr(ingest_module, "PARSER_VERSION", "next")
    reparsed = ingest(corpus, index_dir)
    assert reparsed.parsed == 2 and reparsed.embedded == 0 and reparsed.reused == first.chunks - first.not_embedded
    assert "rebuild" in reparsed.timings
    after = index_id(Store(index_dir / "state.sqlite"))
    assert after != before
    assert [c.name for c in open_client(index_dir).list_collections()] == ["ofsted_chunks_" + after]
    assert Index(index_dir).collection().count() == first.chunks - first.not_embedded
    # The index opened before the rebuild follows it (the generation stamp), with the same neighbours.
    assert [cid for cid, _ in Retriever(question).dense("kinship carers support", Filters(), 5)] == found_before

    # The same content under a second name is indexed once.
    shutil.copy2(corpus / "framework" / "nf.txt", corpus / "framework" / "copy of nf.txt")
    dup = ingest(corpus, index_dir)
    assert dup.documents == 2 and dup.chunks == first.chunks and dup.embedded == 0
    docs = Index(index_dir).documents()
    assert any(d.other_paths for d in docs.values())

    # A changed file is re-indexed: new text is embedded, unchanged passages come from the cache.
    fw = corpus / "framework" / "nf.txt"
    fw.write_text("A new opening paragraph about kinship carers and the support they receive.\n\n"
                  + fw.read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "framework" / "copy of nf.txt").unlink()
    changed = ingest(corpus, index_dir)
    assert changed.parsed == 1
    assert changed.documents == 2
    assert 0 < changed.embedded < 10 and changed.reused > 30

    # A removed file leaves the index, vectors included.
    (corpus / STOKE_2019).unlink()
    removed = ingest(corpus, index_dir)
    assert removed.removed == 1 and removed.documents == 1
    index = Index(index_dir)
    assert index.collection().count() == removed.chunks - removed.not_embedded


def test_bad_files_never_lose_the_index(tmp_path):
    from assistant.ingest import ingest

    corpus = _tiny_corpus(tmp_path)
    index_dir = tmp_path / "index"
    before = ingest(corpus, index_dir, embed=False)
    expected = make_bad_files(corpus / "reports" / "bad")
    after = ingest(corpus, index_dir, embed=False)
    assert after.documents == before.documents and after.chunks == before.chunks
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in after.skipped}
    for name, start in expected.items():
        assert reasons[name].startswith(start)


def test_cli_ingest_json_and_python_m(tmp_path):
    import subprocess
    import sys

    corpus = _tiny_corpus(tmp_path)
    index_dir = tmp_path / "index"
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(corpus), "--index", str(index_dir), "--json", "--no-embed"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert set(summary) == {"documents", "pages", "chunks", "embedded", "reused", "skipped", "seconds"}
    assert summary["documents"] == 2


def test_second_ingest_refuses_while_one_runs(tmp_path):
    from assistant.ingest import ingest
    from assistant.locking import IndexBusy, ingest_lock

    corpus = _tiny_corpus(tmp_path)
    index_dir = tmp_path / "index"
    with ingest_lock(index_dir):
        with pytest.raises(IndexBusy, match="another ingest"):
            ingest(corpus, index_dir, embed=False)
