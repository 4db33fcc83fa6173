"""Handouts of a briefing: DOCX (python-docx), Markdown, and PDF when LibreOffice is installed.

PDF goes through LibreOffice because no maintained pure-Python library turns a DOCX into PDF offline; drawing a
second layout with a PDF library would let the two handouts drift apart.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.shared import Inches, Pt, RGBColor

from assistant.trainer.markdown import briefing_markdown
from assistant.trainer.models import GROUP_LABELS, Briefing, Quote
from assistant.trainer.plots import grade_chart

FORMATS = (".docx", ".md", ".pdf")


# Characters XML 1.0 forbids; some extracted texts carry them (a stray \x02 where the PDF had a hyphen).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PdfUnavailable(RuntimeError):
    pass


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def write_handout(b: Briefing, path: str | Path) -> list[Path]:
    """Write the handout in the format the suffix names; returns every file written (a .md gets its chart beside it)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"handouts are {', '.join(FORMATS)}, not {path.suffix or 'a file without a suffix'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".docx":
        return [write_docx(b, path)]
    if suffix == ".md":
        return write_markdown(b, path)
    return [write_pdf(b, path)]


def write_markdown(b: Briefing, path: Path) -> list[Path]:
    written = []
    image = None
    if not b.empty:
        chart = path.with_name(path.stem + "-chart.png")
        chart.write_bytes(grade_chart(b))
        image = chart.name  # relative, so the folder can be moved or shared
        written.append(chart)
    path.write_text(briefing_markdown(b, image), encoding="utf-8")
    return [path, *written]


def write_docx(b: Briefing, path: str | Path) -> Path:
    path = Path(path)
    doc = docx_document(b)
    doc.save(str(path))
    return path


def docx_document(b: Briefing):
    doc = Document()
    props = doc.core_properties
    props.title, props.subject, props.author = f"Theme briefing: {b.theme}", "Ofsted inspection reports", "Inspection Assistant"
    _title_page(doc, b)
    # A page break before the first heading (rather than a break run) is what LibreOffice and Word both honour.
    doc.add_heading("Summary", level=1).paragraph_format.page_break_before = True
    doc.add_paragraph(_xml(b.message))
    for n in b.notices:
        _note(doc, n)
    if not b.empty:
        _grade_table(doc, b)
        doc.add_picture(io.BytesIO(grade_chart(b)), width=Inches(6.0))
        doc.add_heading("Findings by grade", level=1)
        for g in b.groups:
            doc.add_heading(f"{g.label}: {g.reports} report{'s' if g.reports != 1 else ''}, "
                            f"{g.passages} passage{'s' if g.passages != 1 else ''}", level=2)
            if g.councils:
                doc.add_paragraph(g.councils_line())
            _quotes(doc, g.quotes, "No passage in this group speaks to the theme.")
        doc.add_heading("What distinguishes strong reports from weak ones", level=1)
        for d in b.distinctions:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(_xml(f"\u201c{d.phrase}\u201d")).bold = True
            other = "weak" if d.group == "strong" else "strong"
            p.add_run(f" \u2014 {GROUP_LABELS[d.group].split(' (')[0].lower()} reports: {d.reports}; "
                      f"{other} reports: {d.other_reports}")
            for q in d.quotes:
                _quote(doc, q)
        if not b.distinctions:
            doc.add_paragraph("No phrase recurs in one group's passages and not the other's.")
    doc.add_heading("What the framework documents expect", level=1)
    _quotes(doc, b.framework, "No framework document in the index speaks to the theme.")
    if b.prompts:
        doc.add_heading("Discussion prompts", level=1)
        for prompt in b.prompts:
            doc.add_paragraph(_xml(prompt), style="List Number")
    if b.sources:
        doc.add_heading("Sources", level=1)
        for s in b.sources:
            doc.add_paragraph(s, style="List Bullet")
    return doc


def _title_page(doc, b: Briefing) -> None:
    doc.add_heading(f"Theme briefing: {b.theme}", level=0)
    doc.add_paragraph(f"Scope: {b.scope.description} ({b.scope.reports} report{'s' if b.scope.reports != 1 else ''}).")
    doc.add_paragraph(f"Prepared {b.generated:%d %B %Y} with Inspection Assistant.")
    _note(doc, "Every quotation is verbatim from the cited Ofsted inspection report or framework document and was "
               "checked against the cited page. Passages are grouped by the grade the report gave the judgement area "
               "they belong to (else its overall effectiveness): strong is outstanding or good, weak is requires "
               "improvement or inadequate.")


def _note(doc, text: str) -> None:
    run = doc.add_paragraph().add_run(_xml(text))
    run.italic = True
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _quote(doc, q: Quote) -> None:
    doc.add_paragraph(_xml(f"\u201c{q.text}\u201d"), style="Quote")
    cite = doc.add_paragraph()
    run = cite.add_run(f"\u2014 {q.reference()}")
    run.font.size = Pt(9)
    cite.paragraph_format.left_indent = Inches(0.5)


def _quotes(doc, quotes: list[Quote], none: str) -> None:
    """Each quote with its reference, or one line saying there is none."""
    for q in quotes:
        _quote(doc, q)
    if not quotes:
        doc.add_paragraph(none)


def _grade_table(doc, b: Briefing) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.style = "Light Grid Accent 1"
    head = table.rows[0].cells
    head[0].text, head[1].text = "Grade of the passage's judgement", "Reports speaking to the theme"
    for grade, n in b.by_grade.items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = grade.capitalize(), str(n)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, pdf: Path, timeout: int = 180) -> Path:
    """Convert with LibreOffice headless, in a private profile so it never collides with a running instance."""
    exe = soffice()
    if exe is None:
        raise PdfUnavailable("PDF handouts need LibreOffice (`soffice`); install libreoffice-writer or write a .docx")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(docx)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env={**os.environ, "HOME": tmp})
        made = Path(tmp, docx.stem + ".pdf")
        if not made.exists():
            raise PdfUnavailable(f"LibreOffice did not convert {docx.name}")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), pdf)
    return pdf


def write_pdf(b: Briefing, path: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        docx = write_docx(b, Path(tmp, path.stem + ".docx"))
        return docx_to_pdf(docx, path)
