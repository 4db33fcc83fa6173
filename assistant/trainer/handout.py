"""Handouts of a briefing, a comparison or a timeline: DOCX (python-docx), Markdown, and PDF when LibreOffice is
installed. Every DOCX is set on A4 (210 x 297 mm, 20 mm margins): the trainers print in the UK.

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
from typing import Union

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Inches, Mm, Pt, RGBColor

from assistant.domain import AREA_LABELS, AREAS
from assistant.trainer.markdown import briefing_markdown, comparison_markdown, timeline_markdown
from assistant.trainer.models import GROUP_LABELS, Briefing, Comparison, Quote, ReportSummary, Timeline, long_date
from assistant.trainer.plots import grade_chart, timeline_chart

FORMATS = (".docx", ".md", ".pdf")
Handout = Union[Briefing, Comparison, Timeline]
A4_WIDTH, A4_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(20)
CHART_WIDTH = Mm(160)  # within A4's 170 mm between the margins


# Characters XML 1.0 forbids; some extracted texts carry them (a stray \x02 where the PDF had a hyphen).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PdfUnavailable(RuntimeError):
    pass


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def handout_markdown(item: Handout, image: str | None = None) -> str:
    """The Markdown of any of the three; `image` is a chart's path relative to the Markdown (none for a comparison)."""
    if isinstance(item, Briefing):
        return briefing_markdown(item, image)
    if isinstance(item, Timeline):
        return timeline_markdown(item, image)
    return comparison_markdown(item)


def _chart(item: Handout) -> bytes | None:
    """The PNG chart a handout carries, or None (a comparison, an empty briefing, a timeline with no report)."""
    if isinstance(item, Briefing):
        return None if item.empty else grade_chart(item)
    if isinstance(item, Timeline):
        return timeline_chart(item) if item.reports else None
    return None


def write_handout(item: Handout, path: str | Path) -> list[Path]:
    """Write a briefing, comparison or timeline in the format the suffix names; returns every file written (a .md
    of a briefing or timeline gets its chart beside it)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"handouts are {', '.join(FORMATS)}, not {path.suffix or 'a file without a suffix'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".docx":
        return [write_docx(item, path)]
    if suffix == ".md":
        return write_markdown(item, path)
    return [write_pdf(item, path)]


def write_markdown(item: Handout, path: Path, chart: bool = True) -> list[Path]:
    """The Markdown handout; with `chart`, the chart saved beside it and linked. The web page writes it without
    (one downloadable file; the chart is in the DOCX)."""
    written = []
    image = None
    png = _chart(item) if chart else None
    if png is not None:
        picture = path.with_name(path.stem + "-chart.png")
        picture.write_bytes(png)
        image = picture.name  # relative, so the folder can be moved or shared
        written.append(picture)
    path.write_text(handout_markdown(item, image), encoding="utf-8")
    return [path, *written]


def write_docx(item: Handout, path: str | Path) -> Path:
    path = Path(path)
    doc = docx_document(item)
    doc.save(str(path))
    return path


def docx_document(item: Handout):
    if isinstance(item, Comparison):
        return comparison_docx(item)
    if isinstance(item, Timeline):
        return timeline_docx(item)
    return briefing_docx(item)


def new_document(title: str, subject: str = "Ofsted inspection reports"):
    """An empty DOCX on A4 portrait with 20 mm margins and the handout's properties."""
    doc = Document()
    for section in doc.sections:  # python-docx's template is US Letter
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    props = doc.core_properties
    props.title, props.subject, props.author = _xml(title), subject, "Inspection Assistant"
    return doc


def briefing_docx(b: Briefing):
    doc = new_document(f"Theme briefing: {b.theme}")
    _title_page(doc, b)
    # A page break before the first heading (rather than a break run) is what LibreOffice and Word both honour.
    doc.add_heading("Summary", level=1).paragraph_format.page_break_before = True
    doc.add_paragraph(_xml(b.message))
    for n in b.notices:
        _note(doc, n)
    if not b.empty:
        _grade_table(doc, b)
        doc.add_picture(io.BytesIO(grade_chart(b)), width=CHART_WIDTH)
        doc.add_heading("Findings by grade", level=1)
        for g in b.groups:
            doc.add_heading(f"{g.label}: {g.reports} report{'s' if g.reports != 1 else ''}, "
                            f"{g.passages} passage{'s' if g.passages != 1 else ''}", level=2)
            if g.councils:
                doc.add_paragraph(_xml(g.councils_line(limit=None)))  # every council: the page may shorten, not this
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


def _tool_document(title: str, tool: Comparison | Timeline):
    """A Compare or Timeline handout up to its first section: title, scope and date, the verbatim note, notices."""
    doc = new_document(title)
    doc.add_heading(_xml(title), level=0)
    doc.add_paragraph(f"{tool.scope_line()} Prepared {tool.generated:%d %B %Y} with Inspection Assistant.")
    _note(doc, "Every quotation is verbatim from the cited Ofsted inspection report and was checked against the cited page.")
    for n in tool.notices:
        _note(doc, n)
    return doc


def comparison_docx(c: Comparison):
    doc = _tool_document(f"Comparison: {', '.join(c.councils) or 'no indexed council'}", c)
    if c.reports:
        doc.add_heading("Latest grades", level=1)
        _grades_by_report(doc, c.reports, "Area", lambda r: r.local_authority or r.title)
    if c.theme:
        doc.add_heading(_xml(f"What each latest report says on \u201c{c.theme}\u201d"), level=1)
        for r in c.reports:
            doc.add_heading(_xml(f"{r.local_authority or r.title} (published {long_date(r.published)})"), level=2)
            _quotes(doc, r.quotes, "Nothing quotable on the theme.")
    return doc


def timeline_docx(t: Timeline):
    doc = _tool_document(f"Timeline: {t.council}", t)
    if t.reports:
        doc.add_heading("Inspections", level=1)
        _grades_by_report(doc, t.reports, "Published", lambda r: long_date(r.published), timeline=True)
        png = _chart(t)
        if png:
            doc.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    if t.theme:
        doc.add_heading(_xml(f"How inspectors wrote about \u201c{t.theme}\u201d"), level=1)
        for r in t.reports:
            overall = (r.judgements.get("overall_effectiveness") or "\u2014").capitalize()
            doc.add_heading(_xml(f"{long_date(r.published)} ({r.framework or 'framework unknown'}; overall: {overall})"),
                            level=2)
            _quotes(doc, r.quotes, "Nothing quotable on the theme.")
    return doc


def _grades_by_report(doc, reports: list[ReportSummary], corner: str, label, timeline: bool = False) -> None:
    """One column per report (a council, or an inspection of one): its dates, framework and the grade of each area.
    Columns rather than rows: five grade columns do not fit the width of a portrait A4 page. A timeline's columns
    are headed by the publication date, and show the inspection's dates under it."""
    table = doc.add_table(rows=1, cols=1 + len(reports))
    table.style = "Light Grid Accent 1"
    head = table.rows[0].cells
    head[0].text = corner
    for cell, r in zip(head[1:], reports):
        cell.text = _xml(label(r))
    rows: list[tuple[str, list[str]]] = [] if timeline else [("Published", [long_date(r.published) for r in reports])]
    if timeline:
        rows.append(("Inspected", [f"{long_date(r.inspection_start)} \u2013 {long_date(r.inspection_end)}"
                                   if r.inspection_start else "\u2014" for r in reports]))
    rows.append(("Framework", [r.framework or "\u2014" for r in reports]))
    rows += [(AREA_LABELS[a], [(r.judgements.get(a) or "\u2014").capitalize() for r in reports]) for a in AREAS]
    for name, values in rows:
        cells = table.add_row().cells
        cells[0].text = name
        for cell, value in zip(cells[1:], values):
            cell.text = _xml(value)


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


def write_pdf(item: Handout, path: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        docx = write_docx(item, Path(tmp, path.stem + ".docx"))
        return docx_to_pdf(docx, path)
