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


# ------------------------------------------------------------------------------------------- A4, every council

def _a4(doc) -> None:
    """A4 portrait as read back from the file (Word stores twips: 210 mm is 11906 of them, so 0.1 mm apart)."""
    for section in doc.sections:
        assert abs(section.page_width.mm - 210) < 0.2 and abs(section.page_height.mm - 297) < 0.2
        for margin in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
            assert 15 <= margin.mm <= 25


def test_every_handout_is_on_a4(tmp_path, supervision_briefing, empty_briefing, index):
    from assistant.trainer import compare_councils, council_timeline

    items = [supervision_briefing, empty_briefing, compare_councils(index, ["Stoke-on-Trent", "Norfolk"], "caseloads"),
             council_timeline(index, "Stoke-on-Trent", "supervision")]
    for i, item in enumerate(items):
        (path,) = write_handout(item, tmp_path / f"h{i}.docx")
        _a4(Document(str(path)))


def _many_councils(b):
    """The supervision briefing with 124 councils in its strong group, as the full index gives."""
    names = [f"Council {i:03d}" for i in range(124)]
    strong = b.group("strong").model_copy(update={"councils": names})
    groups = [strong if g.group == "strong" else g for g in b.groups]
    return b.model_copy(update={"groups": groups}), names


def test_the_handouts_list_every_council_while_the_page_may_shorten(tmp_path, supervision_briefing):
    from assistant.web.trainer_tabs import render_briefing

    b, names = _many_councils(supervision_briefing)
    (docx,) = write_handout(b, tmp_path / "many.docx")
    md = write_handout(b, tmp_path / "many.md")[0].read_text(encoding="utf-8")
    for text in (_text(Document(str(docx))), md):
        assert all(n in text for n in names)
        assert "more." not in text and "Council 123." in text
    assert "and 109 more" in render_briefing(b)[0]  # the page keeps its short line


def test_comparison_and_timeline_handouts_hold_their_councils_grades_and_quotes(tmp_path, index):
    from assistant.trainer import compare_councils, council_timeline

    c = compare_councils(index, ["Stoke-on-Trent", "Norfolk"], "caseloads")
    (docx,) = write_handout(c, tmp_path / "compare.docx")
    doc = Document(str(docx))
    text = _text(doc)
    assert doc.paragraphs[0].text == "Comparison: Stoke-on-Trent, Norfolk"
    assert doc.core_properties.title == "Comparison: Stoke-on-Trent, Norfolk"
    grades = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert grades[0] == ["Area", "Stoke-on-Trent", "Norfolk"]
    assert ["Overall effectiveness", "Requires improvement", "Outstanding"] in grades
    assert ["Children in care", "Good", "Outstanding"] in grades
    assert ["Published", "15 July 2025", "18 May 2026"] in grades
    for r in c.reports:
        assert r.quotes and all(q.text in text and q.reference() in text for q in r.quotes)
    md = write_handout(c, tmp_path / "compare.md")
    assert [p.name for p in md] == ["compare.md"]  # a comparison has no chart
    md_text = md[0].read_text(encoding="utf-8")
    assert "| Overall effectiveness | Requires improvement | Outstanding |" in md_text and "Norfolk" in md_text

    t = council_timeline(index, "Stoke-on-Trent", "supervision")
    (docx,) = write_handout(t, tmp_path / "timeline.docx")
    doc = Document(str(docx))
    text = _text(doc)
    assert doc.paragraphs[0].text == "Timeline: Stoke-on-Trent"
    rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["Published", "10 August 2015", "18 March 2019", "25 November 2022", "15 July 2025"]
    assert ["Overall effectiveness", "Requires improvement", "Inadequate", "Requires improvement", "Requires improvement"] in rows
    assert ["Framework", "SIF 2013-17", "ILACS 2018", "ILACS 2018", "ILACS 2023"] in rows
    assert len(doc.inline_shapes) == 1  # the chart of grades over time
    assert all(q.text in text for r in t.reports for q in r.quotes)
    md, chart = write_handout(t, tmp_path / "timeline.md")
    assert chart.read_bytes()[:4] == b"\x89PNG" and "](timeline-chart.png)" in md.read_text(encoding="utf-8")
    assert "| 18 March 2019 |" in md.read_text(encoding="utf-8")
