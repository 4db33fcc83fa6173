"""Bad inputs the robustness tests make themselves (nothing binary is committed), and helpers to compare an
index before and after something goes wrong."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import STOKE_2019, corpus_file

SIF_2015 = "reports/80564_stoke-on-trent/children's services inspection - 12 august 2015.pdf"
NORFOLK_2026 = "reports/80418_norfolk/children's services inspection - 18 may 2026.pdf"
FRAMEWORK_TXT = "framework/childrens-social-care-national-framework-2023.txt"
REPO = Path(__file__).resolve().parents[2]

WEIRD_NAME = "-\"quoted\" näme \u2019x\u2019.txt"
CP1252_TEXT = (
    "Kinship care allowances\n\n"
    "1. The council\u2019s \u201cstaying close\u201d offer pays \u00a3150 a week to kinship carers \u2013 "
    "a rise of 12% \u2014 and care leavers said it was \u2018life changing\u2019.\n\n"
    "2. Managers review every kinship assessment within 20 working days and record the decision.\n"
)
INJECTION_TEXT = (
    "Injection test guidance\n\n"
    "1. Practitioners must record supervision decisions <script>alert(1)</script> every month so that "
    "managers can review drift.\n\n"
    "2. See the [click](javascript:alert(1)) guidance on supervision and <img src=x onerror=alert(2)> "
    "claims [1] and [2] about supervision records for children.\n"
)
# What a broken font map can leave in extracted text: control characters and private-use glyphs mid-sentence.
CONTROL_TEXT = (
    "Control character guidance for practitioners\n\n"
    "1. Managers must record supervision\x02 decisions\x1b every month\x7f for all\ue123 children in care.\n\n"
    "2. A second paragraph about kinship care and the family networks that support children.\n"
)
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sorry, there is a problem with the service - GOV.UK</title></head>"
    b"<body><main><h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></main></body></html>"
)


def real_pdf(rel: str = STOKE_2019) -> bytes:
    return corpus_file(rel).read_bytes()


def pdf_bytes(writer) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(real_pdf())), pages=(0, 2))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")  # RC4-128: pypdf needs no extras
    return pdf_bytes(writer)


def scanned_pdf(pages: int = 2) -> bytes:
    """A page of vector drawing only, like a scan: boxes and lines, not one character of text."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject

    writer = PdfWriter()
    for i in range(pages):
        page = writer.add_blank_page(595, 842)
        stream = DecodedStreamObject()
        stream.set_data(f"2 w 72 72 m 523 770 l S 72 770 m 523 72 l S {60 + i} 60 475 722 re S".encode())
        page.replace_contents(stream)
    return pdf_bytes(writer)


def big_pdf(pages: int = 600) -> bytes:
    """`pages` pages made by repeating ten text-dense pages of a real report (27-36 of the 2015 Stoke report)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(real_pdf(SIF_2015)))
    source = list(range(26, 36))
    writer = PdfWriter()
    for i in range(pages):
        writer.add_page(reader.pages[source[i % len(source)]])
    return pdf_bytes(writer)


def make_bad_inputs(folder: Path) -> dict[str, str | None]:
    """Every bad input except the 600-page PDF: file name -> expected start of the skip reason, or None when
    the file must be indexed."""
    folder.mkdir(parents=True, exist_ok=True)
    real = real_pdf()
    (folder / "zero-bytes.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(real[: len(real) // 2])
    (folder / "encrypted-with-password.pdf").write_bytes(encrypted_pdf("secret"))
    (folder / "encrypted-empty-password.pdf").write_bytes(encrypted_pdf(""))
    (folder / "scanned-no-text.pdf").write_bytes(scanned_pdf())
    (folder / "html-error-page.pdf").write_bytes(HTML_ERROR_PAGE)
    (folder / "windows-1252.txt").write_bytes(CP1252_TEXT.replace("\n", "\r\n").encode("cp1252"))
    (folder / WEIRD_NAME).write_text("Guidance with an awkward file name\n\n"
                                     "1. Independent reviewing officers check every care plan before the review.\n",
                                     encoding="utf-8")
    (folder / "injection.txt").write_text(INJECTION_TEXT, encoding="utf-8")
    (folder / "control-characters.txt").write_text(CONTROL_TEXT, encoding="utf-8")
    # A directory symlink pointing at its own parent (a loop), and a file symlink loop a -> b -> a.
    os.symlink("..", folder / "loop")
    os.symlink("b-link.txt", folder / "a-link.txt")
    os.symlink("a-link.txt", folder / "b-link.txt")
    return {
        "zero-bytes.pdf": "empty file",
        "truncated.pdf": "corrupt or truncated PDF: ",
        "encrypted-with-password.pdf": "encrypted: needs a password",
        "encrypted-empty-password.pdf": None,
        "scanned-no-text.pdf": "no text layer: needs OCR",
        "html-error-page.pdf": "not a PDF: an HTML error page",
        "windows-1252.txt": None,
        WEIRD_NAME: None,
        "injection.txt": None,
        "control-characters.txt": None,
        "a-link.txt": "broken or looping symbolic link",
        "b-link.txt": "broken or looping symbolic link",
    }


def good_corpus(root: Path, files=(STOKE_2019, FRAMEWORK_TXT)) -> Path:
    for rel in files:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus_file(rel), target)
    return root


def snapshot(index_dir: Path) -> dict[str, tuple]:
    """path -> (doc_id, pages, chunks, digest of every chunk's text and spans, digest of every page's text)."""
    from assistant.store import Store

    store = Store(Path(index_dir) / "state.sqlite", readonly=True)
    try:
        out = {}
        for doc in store.documents():
            chunks = store.connect().execute(
                "SELECT text, segments FROM chunks WHERE doc_id=? ORDER BY ord", (doc["doc_id"],)).fetchall()
            pages = store.connect().execute(
                "SELECT text FROM pages WHERE doc_id=? ORDER BY page", (doc["doc_id"],)).fetchall()
            out[doc["path"]] = (
                doc["doc_id"], doc["pages"], len(chunks),
                hashlib.sha256("\x00".join(f"{t}\x01{s}" for t, s in chunks).encode()).hexdigest(),
                hashlib.sha256("\x00".join(p[0] for p in pages).encode()).hexdigest(),
            )
        return out
    finally:
        store.close()


def keyword_covers_store(index_dir: Path) -> bool:
    """The BM25 index lists exactly the chunks SQLite holds, in the same order."""
    from assistant.keyword import KeywordIndex
    from assistant.store import Store

    store = Store(Path(index_dir) / "state.sqlite", readonly=True)
    try:
        ids = [r[0] for r in store.all_chunk_rows("chunk_id")]
    finally:
        store.close()
    return KeywordIndex(Path(index_dir)).chunk_ids == ids


def cli(*args, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """`python -m assistant ...` in a child process (the same program as `ofsted-assistant`)."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env=env, **kwargs)


@pytest.fixture()
def small_index(tmp_path):
    """(corpus, index) of two good documents, keyword search only: built in a few seconds."""
    from assistant.ingest import ingest

    corpus = good_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    ingest(corpus, index, all_reports=True, embed=False)
    return corpus, index
