"""AES-encrypted PDFs with an empty user password are indexed, as the README says (issue 12, item 6)."""
from __future__ import annotations

import io

import pytest

from tests.robustness.conftest import pdf_bytes, real_pdf


def _aes_pdf(user_password: str, algorithm: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(real_pdf())), pages=(0, 2))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    return pdf_bytes(writer)


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_an_aes_pdf_with_an_empty_password_is_read(tmp_path, algorithm):
    from assistant.documents.loaders import load_document

    path = tmp_path / "aes.pdf"
    path.write_bytes(_aes_pdf("", algorithm))
    doc = load_document(path)
    assert len(doc.pages) == 2 and "Stoke-on-Trent" in " ".join(doc.pages)


def test_an_aes_pdf_with_a_password_says_it_needs_one(tmp_path):
    from assistant.documents.loaders import Unusable, load_document

    path = tmp_path / "aes.pdf"
    path.write_bytes(_aes_pdf("secret", "AES-256"))
    with pytest.raises(Unusable, match="^encrypted: needs a password$"):
        load_document(path)
