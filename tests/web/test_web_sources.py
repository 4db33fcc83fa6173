"""Original files and page images: documents are found by doc_id only, and never outside the corpus root."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.models import DocumentInfo
from assistant.web.sources import SourceError, SourceFiles
from tests.conftest import STOKE_2019

GOOD, UP, ABSOLUTE, LINK, GONE = ("a" * 64, "b" * 64, "c" * 64, "d" * 64, "e" * 64)


class _StubIndex:
    """Just what SourceFiles reads: documents() and the folder."""

    def __init__(self, folder: Path, paths: dict[str, str]):
        self.folder = folder
        self._docs = {d: DocumentInfo(doc_id=d, path=p, title=p, kind="framework", pages=1, chunks=1) for d, p in paths.items()}

    def documents(self):
        return self._docs


@pytest.fixture()
def stub(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "framework").mkdir(parents=True)
    (corpus / "framework" / "ok.txt").write_text("fine")
    (tmp_path / "secret.txt").write_text("outside the corpus")
    os.symlink(tmp_path / "secret.txt", corpus / "framework" / "link.txt")
    index = _StubIndex(tmp_path / "index", {
        GOOD: "framework/ok.txt", UP: "../secret.txt", ABSOLUTE: str(tmp_path / "secret.txt"),
        LINK: "framework/link.txt", GONE: "framework/missing.txt",
    })
    return SourceFiles(index, corpus, cache_dir=tmp_path / "pages", stage_dir=tmp_path / "stage"), tmp_path


def test_a_document_inside_the_corpus_is_served_as_a_copy(stub):
    files, root = stub
    copy = files.download(GOOD)
    assert copy.read_text() == "fine" and copy.name == "ok.txt"
    assert copy.is_relative_to(root / "stage")


@pytest.mark.parametrize("doc_id", [UP, ABSOLUTE, LINK])
def test_paths_leaving_the_corpus_are_refused(stub, doc_id):
    files, _ = stub
    with pytest.raises(SourceError, match="outside the corpus folder"):
        files.path(doc_id)
    with pytest.raises(SourceError):
        files.download(doc_id)


@pytest.mark.parametrize("doc_id", ["../../etc/passwd", "/etc/passwd", "", "A" * 64, "f" * 64, None])
def test_unknown_or_malformed_doc_ids_get_a_clear_message(stub, doc_id):
    files, _ = stub
    with pytest.raises(SourceError, match="document id|No indexed document"):
        files.path(doc_id)


def test_a_missing_original_file_says_so(stub):
    files, _ = stub
    with pytest.raises(SourceError, match="not in the corpus folder"):
        files.download(GONE)


def test_text_documents_have_no_page_image(stub):
    files, _ = stub
    assert files.page_png(GOOD, 1) is None
    with pytest.raises(SourceError, match="no page 2"):
        files.page_png(GOOD, 2)


def test_pdf_page_is_rendered_once_and_the_quote_marked(built_index, fixture_corpus, tmp_path):
    from assistant.index import Index

    index = Index(built_index[0])
    doc = next(d for d in index.documents().values() if d.path == STOKE_2019)
    files = SourceFiles(index, fixture_corpus, cache_dir=tmp_path / "pages", stage_dir=tmp_path / "stage")
    png = files.page_png(doc.doc_id, 9)
    assert png == tmp_path / "pages" / f"{doc.doc_id}-9.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    stamp = png.stat().st_mtime_ns
    assert files.page_png(doc.doc_id, 9).stat().st_mtime_ns == stamp  # cached, not rendered again
    image, marked = files.highlighted_page(doc.doc_id, 9, "No social worker is receiving one-to-one case supervision from a manager")
    assert marked and image.size[0] > 500
    _, marked = files.highlighted_page(doc.doc_id, 9, "words that are not on this page at all anywhere")
    assert not marked
    assert files.download(doc.doc_id).read_bytes() == (fixture_corpus / STOKE_2019).read_bytes()
