"""Handouts: the DOCX read back with python-docx, the Markdown with its chart, and (slow) a LibreOffice PDF."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from docx import Document

from assistant.trainer import write_handout


def _text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_docx_holds_every_part_of_the_briefing(tmp_path, supervision_briefing):
    b = supervision_briefing
    (path,) = write_handout(b, tmp_path / "supervision.docx")
    doc = Document(str(path))
    text = _text(doc)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Theme briefing: management oversight and supervision"
    for h in ("Summary", "Findings by grade", "What distinguishes strong reports from weak ones",
              "What the framework documents expect", "Discussion prompts", "Sources"):
        assert h in headings
    assert any(h.startswith("Strong (outstanding or good)") for h in headings)
    assert any(h.startswith("Weak (requires improvement or inadequate)") for h in headings)
    for q in b.quotes():
        assert q.text in text and q.reference() in text
    assert all(p in text for p in b.prompts) and all(s in text for s in b.sources)
    assert len(doc.inline_shapes) == 1  # the chart
    assert doc.core_properties.title == "Theme briefing: management oversight and supervision"
    numbered = [p for p in doc.paragraphs if p.style.name == "List Number"]
    assert 3 <= len(numbered) <= 4


def test_empty_briefing_docx_says_so(tmp_path, empty_briefing):
    (path,) = write_handout(empty_briefing, tmp_path / "empty.docx")
    text = _text(Document(str(path)))
    assert "No indexed report speaks to" in text


def test_markdown_handout_keeps_its_chart_beside_it(tmp_path, supervision_briefing):
    md, chart = write_handout(supervision_briefing, tmp_path / "out" / "supervision.md")
    assert chart.name == "supervision-chart.png" and chart.read_bytes()[:4] == b"\x89PNG"
    assert "](supervision-chart.png)" in md.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        write_handout(supervision_briefing, tmp_path / "x.txt")


@pytest.mark.slow
def test_docx_opens_cleanly_in_libreoffice(tmp_path, supervision_briefing):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer)")
    from pypdf import PdfReader

    (docx,) = write_handout(supervision_briefing, tmp_path / "supervision.docx")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=240)
    reader = PdfReader(str(tmp_path / "supervision.pdf"))
    assert 3 <= len(reader.pages) <= 15
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Theme briefing: management oversight and supervision" in " ".join(reader.pages[0].extract_text().split())
    assert "Discussion prompts" in text and "Sources" in text
    assert "Norfolk, report published 18 May 2026" in text
    # The handout's own PDF route gives the same document.
    (pdf,) = write_handout(supervision_briefing, tmp_path / "via-handout.pdf")
    assert len(PdfReader(str(pdf)).pages) == len(reader.pages)
