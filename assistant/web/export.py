"""The conversation with its citations as Markdown and as a Word document, for notes and briefings."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from assistant.compose import plain_text
from assistant.models import Answer
from assistant.web.render import NOT_FOUND, Turn, describe_filters, source_details, source_label

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
        out += _markdown_body(ans)
        out.append("")
        for note in ans.notices:
            out.append(f"> {md_escape(note)}")
        if ans.notices:
            out.append("")
        out += markdown_sources(ans)
    return "\n".join(out).rstrip() + "\n"


def markdown_sources(ans: Answer) -> list[str]:
    """The numbered sources of an answer (or its possibly related passages), as Markdown lines."""
    cits = ans.citations or ans.related
    if not cits:
        return []
    out = ["Sources:" if ans.citations else "Possibly related passages (not an answer):", ""]
    for c in cits:
        out.append(f"{c.n}. {md_escape(source_label(c))}; {md_escape(source_details(c))}; file `{c.path.replace('`', '')}`")
    return out + [""]


def answer_markdown(ans: Answer) -> str:
    """One answer for the clipboard as Markdown: its blocks, then its sources, as the Markdown export has them."""
    return "\n".join(_markdown_body(ans) + markdown_sources(ans)).strip() + "\n"


def _markdown_body(ans: Answer) -> list[str]:
    """The answer itself in Markdown: "not found" and its reason, or its blocks."""
    if ans.refused and not ans.citations:
        return [f"**{NOT_FOUND}.** {md_escape(ans.answer)}", ""]
    return markdown_blocks(ans.blocks) or [md_escape(ans.answer), ""]


def source_line(c) -> str:
    """A source as plain text, numbered as its marker (the clipboard's text and the Word export)."""
    return f"[{c.n}] {source_label(c)}; {source_details(c)}; file {c.path}"


def answer_text(ans: Answer) -> str:
    """One answer for the clipboard as plain text: compose's own text of the blocks (what the CLI prints), then
    its sources numbered as the markers, as the Word export has them."""
    if ans.refused and not ans.citations:
        out = [f"{NOT_FOUND}. {ans.answer}".strip()]
    else:
        out = [plain_text(ans.blocks) or ans.answer]
    cits = ans.citations or ans.related
    if cits:
        out += ["", "Sources:" if ans.citations else "Possibly related passages (not an answer):"]
        out += [source_line(c) for c in cits]
    return "\n".join(out).strip() + "\n"


def _marks(numbers: list[int], escape: bool = True) -> str:
    return "".join(f" \\[{n}\\]" if escape else f" [{n}]" for n in numbers)


def markdown_blocks(blocks: list) -> list[str]:
    """An answer's blocks as Markdown lines: the lead, groups of quotes, tables, suggested questions."""
    out: list[str] = []
    for b in blocks:
        if b.kind == "lead":
            out += [" ".join(md_escape(s.text) + _marks(s.cites) for s in b.sentences), ""]
        elif b.kind == "message":
            out += [md_escape(b.text), ""]
        elif b.kind == "quotes":
            head = " \u00b7 ".join(md_escape(x) for x in (b.label, b.source) if x)
            if head:
                out += [f"**{head}**", ""]
            for q in b.quotes:
                where = f" ({md_escape(q.source)})" if q.source else ""
                out.append(f"- \u201c{md_escape(q.text)}\u201d{where}{_marks([q.n])}")
            out.append("")
        elif b.kind == "table":
            out += [f"**{md_escape(b.caption)}**", "", "| " + " | ".join(md_escape(c) for c in b.columns) + " |",
                    "|" + "---|" * len(b.columns)]
            for r in b.rows:
                cells = [md_escape(c).replace("|", "\\|") for c in r.cells]
                if cells:
                    cells[-1] += _marks(r.cites)
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        elif b.kind == "follow_ups":
            out += ["You could also ask:", ""] + [f"- {md_escape(q)}" for q in b.questions] + [""]
    return out


def docx_blocks(doc, blocks: list) -> None:
    for b in blocks:
        if b.kind == "lead":
            doc.add_paragraph(" ".join(s.text + _marks(s.cites, False) for s in b.sentences))
        elif b.kind == "message":
            doc.add_paragraph(b.text)
        elif b.kind == "quotes":
            head = " \u00b7 ".join(x for x in (b.label, b.source) if x)
            if head:
                doc.add_heading(head, level=3)
            for q in b.quotes:
                where = f" ({q.source})" if q.source else ""
                doc.add_paragraph(f"\u201c{q.text}\u201d{where} [{q.n}]", style="List Bullet")
        elif b.kind == "table":
            doc.add_paragraph().add_run(b.caption).bold = True
            table = doc.add_table(rows=1, cols=len(b.columns))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.columns):
                cell.text = text
            for r in b.rows:
                cells = table.add_row().cells
                for i, (cell, text) in enumerate(zip(cells, r.cells)):
                    cell.text = text + (_marks(r.cites, False) if i == len(r.cells) - 1 else "")
        elif b.kind == "follow_ups":
            doc.add_paragraph("You could also ask:")
            for q in b.questions:
                doc.add_paragraph(q, style="List Bullet")


def write_markdown(turns: list[Turn], path: Path) -> Path:
    path.write_text(to_markdown(turns), encoding="utf-8")
    return path


def write_docx(turns: list[Turn], path: Path) -> Path:
    from docx.shared import Pt

    from assistant.trainer.handout import new_document  # A4, as every handout: the users print in the UK

    doc = new_document("Inspection Assistant conversation")
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
            docx_blocks(doc, ans.blocks)
        for note in ans.notices:
            doc.add_paragraph().add_run(note).font.size = Pt(9)
        cits = ans.citations or ans.related
        if cits:
            doc.add_paragraph().add_run("Sources" if ans.citations else "Possibly related passages (not an answer)").bold = True
            for c in cits:
                doc.add_paragraph(source_line(c))
    doc.save(path)
    return path
