"""The conversation with its citations as Markdown and as a Word document, for notes and briefings."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from assistant.web.render import NOT_FOUND, Turn, answer_items, describe_filters, source_details, source_label

# Markdown syntax a document's text may contain; escaped so a quoted "[click](javascript:...)" or
# "<script>" stays text in whatever viewer opens the file.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def _stamp() -> str:
    return dt.datetime.now().strftime("%d %B %Y %H:%M")


def to_markdown(turns: list[Turn]) -> str:
    out = ["# Inspection Assistant conversation", "", f"Exported {_stamp()}. Quotes are verbatim from the indexed documents.", ""]
    for i, turn in enumerate(turns, 1):
        out += [f"## {i}. {md_escape(turn.question)}", ""]
        ans = turn.answer
        if turn.error or ans is None:
            out += [f"_No answer: {md_escape(turn.error or 'not answered')}_", ""]
            continue
        filters = describe_filters(ans.filters, turn.ui_filters, lent=ans.detected.get("inherited"))
        out += [f"_Filters in force: {md_escape('; '.join(filters) or 'none')}_", ""]
        if ans.refused and not ans.citations:
            out += [f"**{NOT_FOUND}.** {md_escape(ans.answer)}", ""]
        else:
            for kind, text, n in answer_items(ans):
                if kind == "quote":
                    out.append(f"- \u201c{md_escape(text)}\u201d \\[{n}\\]")
                elif kind == "heading":
                    out += ["", f"**{md_escape(text)}**", ""]
                else:
                    out += [md_escape(text), ""]
            out.append("")
        for note in ans.notices:
            out.append(f"> {md_escape(note)}")
        if ans.notices:
            out.append("")
        cits = ans.citations or ans.related
        if cits:
            out += ["Sources:" if ans.citations else "Possibly related passages (not an answer):", ""]
            for c in cits:
                out.append(f"{c.n}. {md_escape(source_label(c))}; {md_escape(source_details(c))}; file `{c.path.replace('`', '')}`")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def write_markdown(turns: list[Turn], path: Path) -> Path:
    path.write_text(to_markdown(turns), encoding="utf-8")
    return path


def write_docx(turns: list[Turn], path: Path) -> Path:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading("Inspection Assistant conversation", level=0)
    doc.add_paragraph(f"Exported {_stamp()}. Quotes are verbatim from the indexed documents.")
    for i, turn in enumerate(turns, 1):
        doc.add_heading(f"{i}. {turn.question}", level=1)
        ans = turn.answer
        if turn.error or ans is None:
            doc.add_paragraph(f"No answer: {turn.error or 'not answered'}")
            continue
        filters = describe_filters(ans.filters, turn.ui_filters, lent=ans.detected.get("inherited"))
        doc.add_paragraph().add_run(f"Filters in force: {'; '.join(filters) or 'none'}").italic = True
        if ans.refused and not ans.citations:
            p = doc.add_paragraph()
            p.add_run(f"{NOT_FOUND}. ").bold = True
            p.add_run(ans.answer)
        else:
            for kind, text, n in answer_items(ans):
                if kind == "quote":
                    doc.add_paragraph(f"\u201c{text}\u201d [{n}]", style="List Bullet")
                elif kind == "heading":
                    doc.add_heading(text, level=3)
                else:
                    doc.add_paragraph(text)
        for note in ans.notices:
            doc.add_paragraph().add_run(note).font.size = Pt(9)
        cits = ans.citations or ans.related
        if cits:
            doc.add_paragraph().add_run("Sources" if ans.citations else "Possibly related passages (not an answer)").bold = True
            for c in cits:
                doc.add_paragraph(f"[{c.n}] {source_label(c)}; {source_details(c)}; file {c.path}", style="List Number")
    doc.save(path)
    return path
