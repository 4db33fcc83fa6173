"""Shared fixtures: a small corpus drawn from ../shared/corpus (a few reports of each era, two framework
documents including the HTML one, the real HTML-error "reports") plus bad files the tests make themselves,
and one session-scoped index built from it with the real ingest."""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from assistant.config import apply_offline_env

apply_offline_env()

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("OFSTED_CORPUS", REPO.parent / "shared" / "corpus"))

STOKE = "reports/80564_stoke-on-trent"
FIXTURE_FILES = [
    f"{STOKE}/children's services inspection - 12 august 2015.pdf",   # SIF
    f"{STOKE}/children's services inspection - 18 march 2019.pdf",    # ILACS 2018
    f"{STOKE}/children's services inspection - 25 november 2022.pdf", # ILACS 2018 format, late 2022
    f"{STOKE}/children's services inspection - 15 july 2025.pdf",     # ILACS 2023
    "reports/80418_norfolk/children's services inspection - 18 may 2026.pdf",
    "framework/childrens-social-care-national-framework-2023.txt",
    "framework/sccif-childrens-homes-2025.html",
    # Two of the four HTML error pages saved as .pdf: real bad input.
    "reports/80429_birmingham/children's services inspection - 19 october 2012.pdf",
    "reports/80431_blackpool/children's services inspection - 13 july 2012.pdf",
]
STOKE_2019 = f"{STOKE}/children's services inspection - 18 march 2019.pdf"


def corpus_file(rel: str) -> Path:
    path = CORPUS / rel
    if not path.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return path


def make_bad_files(folder: Path) -> dict[str, str]:
    """Bad inputs made here, never committed: name -> expected start of the skip reason."""
    from pypdf import PdfReader, PdfWriter

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.pdf").write_bytes(b"")
    real = corpus_file(STOKE_2019).read_bytes()
    (folder / "truncated.pdf").write_bytes(real[: len(real) // 2])
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(real)), pages=(0, 1))
    writer.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    (folder / "encrypted.pdf").write_bytes(buf.getvalue())
    return {"empty.pdf": "empty file", "truncated.pdf": "corrupt or truncated PDF", "encrypted.pdf": "encrypted"}


def build_fixture_corpus(root: Path) -> Path:
    for rel in FIXTURE_FILES:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus_file(rel), target)
    make_bad_files(root / "reports" / "99999_bad-files")
    return root


@pytest.fixture(scope="session")
def fixture_corpus(tmp_path_factory) -> Path:
    return build_fixture_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def built_index(fixture_corpus, tmp_path_factory):
    """(index folder, ingest summary) for the whole fixture corpus, every report (--all)."""
    from assistant.ingest import ingest

    folder = tmp_path_factory.mktemp("index")
    reuse = os.environ.get("OFSTED_TEST_INDEX_CACHE")
    if reuse:
        # Local iteration only: copy a fixture index built earlier; the ingest then only checks for changes.
        # The copy's file records point at another corpus folder, so they are re-parsed if paths differ.
        shutil.copytree(reuse, folder, dirs_exist_ok=True)
    summary = ingest(fixture_corpus, folder, all_reports=True)
    return folder, summary


@pytest.fixture(scope="session")
def assistant(built_index):
    from assistant.api import Assistant

    return Assistant(index=built_index[0])


INJECTION_TEXT = """Injection test guidance

1. Practitioners must record supervision decisions <script>alert(1)</script> every month so that managers can review drift.

2. See the [click](javascript:alert(1)) guidance on supervision and <b>bold</b> claims [1] about supervision records for children.
"""
INJECTION_FILE = "framework/injection-test-guidance.txt"
INJECTION_QUESTION = "What does the guidance say about supervision records?"


@pytest.fixture(scope="session")
def injection_index(tmp_path_factory):
    """(corpus, index) holding one framework .txt with <script> and markdown-link text; keyword search only."""
    from assistant.ingest import ingest

    root = tmp_path_factory.mktemp("injection")
    corpus, index = root / "corpus", root / "index"
    (corpus / "framework").mkdir(parents=True)
    (corpus / INJECTION_FILE).write_text(INJECTION_TEXT, encoding="utf-8")
    ingest(corpus, index, embed=False)
    return corpus, index
