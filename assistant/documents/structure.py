"""Split a cleaned document into sections, numbered paragraphs and other blocks, keeping their pages.

Every block records where its text lies as (page index, start, end) spans into the cleaned page texts,
so a chunk can be highlighted on its page and every quote traced back to it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.documents.cleaning import FOOTNOTE_LINE as _FOOTNOTE
from assistant.text import BULLET

_NUMBERED = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
# Framework documents number paragraphs by chapter ("3.23 The local authority is required to ..."). Reports do
# not (their cover pages list sub-judgements as "2.1 Adoption performance"), so only framework documents use it.
_DECIMAL = re.compile(r"^(\d{1,2})\.(\d{1,3})\s+(?=[A-Z‘'\"“(•])")  # not "2.5 million children ..."
_TERMINAL = re.compile(r"[.;,]$")
_SENTENCE_END = re.compile(r"[.;:?!)”’\"']$")
_HEADING_MAX = 110
# ILACS judgement headings: "The experiences and progress of children in care: good", "The impact of leaders on
# social work practice with children and families: requires improvement to be good".
_JUDGEMENT_START = re.compile(r"^\s*(?:the experiences and progress of|the impact of leaders)\b", re.I)
_JUDGEMENT_HEADING = re.compile(
    r"^\s*(?:the experiences and progress of|the impact of leaders)\b[^.:;]{0,120}:?\s*"
    r"(?:requires improvement(?: to be good)?|good|outstanding|inadequate)\.?\s*$", re.I)
DEFAULT_SECTION = "Summary"


@dataclass
class Line:
    page: int  # 0-based
    start: int
    end: int
    text: str


@dataclass
class Block:
    section: str
    area: str | None
    paragraph: str | None
    kind: str  # "numbered", "sublist", "bullets", "text", "heading", "footnote"
    lines: list[Line] = field(default_factory=list)

    @property
    def segments(self) -> list[tuple[int, int, int]]:
        """Merged (page, start, end) spans, one per page the block touches."""
        spans: list[tuple[int, int, int]] = []
        for line in self.lines:
            if spans and spans[-1][0] == line.page and spans[-1][2] + 1 == line.start:
                spans[-1] = (line.page, spans[-1][1], line.end)
            else:
                spans.append((line.page, line.start, line.end))
        return spans

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


def iter_lines(pages: list[str]) -> list[Line | None]:
    """All lines of the document in order; None marks a blank line or a page break."""
    out: list[Line | None] = []
    for p, page in enumerate(pages):
        offset = 0
        for raw in page.split("\n"):
            if raw.strip():
                out.append(Line(p, offset, offset + len(raw), raw))
            else:
                out.append(None)
            offset += len(raw) + 1
    return out


_DANGLING = {"of", "and", "the", "to", "in", "for", "with", "a", "an", "or", "by", "on", "at", "as", "that", "their", "is", "are",
             "be", "from", "into", "about", "within", "without", "between", "through", "towards", "than", "who", "which"}
# A quoted sentence ("Another said, 'Thank you ... a great job!'") is text, not a heading.
_QUOTED_SENTENCE = re.compile(r"[.!?,;][\"'’”]$")


def _is_heading_text(text: str, continuation: bool = False) -> bool:
    if not text or len(text) > _HEADING_MAX or _TERMINAL.search(text) or _QUOTED_SENTENCE.search(text):
        return False
    if text.endswith(":") and len(text) > 60:
        return False  # a sentence introducing a list, not a heading: its words must stay in the chunks
    if continuation:
        return not text.startswith(BULLET) and not _NUMBERED.match(text)
    if text.startswith(BULLET) or _NUMBERED.match(text):
        return False
    first = text.lstrip("‘'\"(")[:1]
    return first.isupper() or first.isdigit()


def footnote_lines(lines: list[Line | None], paragraphs: set[int] = frozenset()) -> set[int]:
    """Indices of the lines that are a page's footnotes: the runs after the page's last blank lines, to the
    page's end, each starting with a footnote number, numbered upwards through the document (or from 1 again:
    a new chapter's notes). A paragraph running on to the next page continues past them ("184. ... Local" /
    notes 89 and 90 / "authorities should consider ..."), instead of quoting them. A page whose text has no
    blank line keeps its notes in place: nothing marks where they start. `paragraphs`: lines that start a
    chapter-numbered paragraph ("4.1 The IRO should ..."), which are never notes."""
    by_page: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line is not None:
            by_page.setdefault(line.page, []).append(i)
    out: set[int] = set()
    last_note = 0
    for page in sorted(by_page):
        first, last = by_page[page][0], by_page[page][-1]
        # The page's runs, last first: each run is the lines after a blank line, up to the next blank line.
        region: list[int] = []
        end = last + 1
        for blank in (j for j in range(last - 1, first, -1) if lines[j] is None):
            run = [j for j in range(blank + 1, end) if lines[j] is not None]
            end = blank
            if not run:
                continue
            if not _FOOTNOTE.match(lines[run[0]].text) or any(j in paragraphs for j in run):
                break
            region = run + region
        numbers = [int(m.group(1)) for j in region if (m := _FOOTNOTE.match(lines[j].text))]
        body = len(by_page[page]) - len(region)
        ascending = numbers == sorted(set(numbers)) and bool(numbers) and (numbers[0] > last_note or numbers[0] == 1)
        if region and ascending and len(region) <= body:  # notes are the foot of a page, not most of it
            out.update(region)
            last_note = numbers[-1]
    return out


def _follows(last: tuple[int, int] | None, number: tuple[int, int] | None) -> bool:
    """`number` is the chapter-numbered paragraph after `last`: the next in its chapter (one or two skipped
    tolerated) or the start of a later chapter."""
    if last is None or number is None:
        return False
    (major, minor) = number
    return (major == last[0] and last[1] < minor <= last[1] + 3) or (last[0] < major <= last[0] + 2 and minor <= 3)


def decimal_paragraphs(lines: list[Line | None]) -> dict[int, tuple[int, int]]:
    """The chapter-numbered paragraphs' lines, by index: a line starting "3.23 " that follows the previous such
    line or is followed by the next one (so a chain starts anywhere, and "2.5 million children" alone is not one)."""
    found = [(i, (int(m.group(1)), int(m.group(2)))) for i, line in enumerate(lines)
             if line is not None and (m := _DECIMAL.match(line.text))]
    out: dict[int, tuple[int, int]] = {}
    last = None
    for k, (i, number) in enumerate(found):
        following = found[k + 1][1] if k + 1 < len(found) else None
        if _follows(last, number) or _follows(number, following):
            out[i], last = number, number
    return out


def parse_blocks(pages: list[str], area_for_heading=None) -> list[Block]:
    """Blocks in reading order. `area_for_heading(text) -> area key | None` labels judgement sections; a
    document without it (a framework document) may number its paragraphs by chapter ("3.23")."""
    lines = iter_lines(pages)
    # Reports' footnotes are few and on the cover (where the judgement table's rows must stay as they are).
    decimals = decimal_paragraphs(lines) if area_for_heading is None else {}
    notes = footnote_lines(lines, set(decimals)) if area_for_heading is None else set()
    blocks: list[Block] = []
    section, area, area_heading = DEFAULT_SECTION, None, ""
    current: Block | None = None
    held: list[Block] = []  # footnotes met inside the current block: they follow it
    last_number = sub_number = earlier_number = 0
    label: str | None = None  # the latest numbered paragraph's number: "34", "3.23"
    heading_since = False

    def close() -> None:
        nonlocal current
        if current is not None and current.lines:
            blocks.append(current)
        current = None
        blocks.extend(held)
        held.clear()

    def add_to_list(line: Line) -> None:
        nonlocal current, sub_number
        if current is None or current.kind != "sublist":
            close()
            current = Block(section, area, label, "sublist", [])
        current.lines.append(line)
        sub_number += 1

    def heading_run(i: int) -> int:
        """How many lines starting at i form a heading (0 when they do not)."""
        first = lines[i]
        if first is None or not _is_heading_text(first.text):
            return 0
        run = 1
        # Headings wrap onto a second line ("...need help and" / "protection is: inadequate").
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        last_word = first.text.rsplit(" ", 1)[-1].lower()
        if (
            nxt is not None
            and _is_heading_text(nxt.text, continuation=True)
            and not _SENTENCE_END.search(first.text)
            and (last_word in _DANGLING or nxt.text[:1].islower())
        ):
            run = 2
        elif last_word in _DANGLING:
            return 0
        after = lines[i + run] if i + run < len(lines) else None
        # A heading stands alone: what follows is a blank, a numbered paragraph, a bullet or a new page's text.
        if after is None or _NUMBERED.match(after.text) or after.text.startswith(BULLET):
            return run
        # A short line followed by text is a heading only when it is short in words too: a sentence's first line
        # ("This decoupling has enabled the recruitment and introduction of a new") is not.
        if (run == 1 and len(first.text) < 70 and len(first.text.split()) <= 10 and not _SENTENCE_END.search(first.text)
                and not after.text[:1].islower()):
            return 1
        return 0

    def judgement_run(i: int) -> int:
        """A report's judgement heading wrapped before or inside its grade ("... help and protection:" /
        "requires improvement to be good."): the generic rules take a long line ending in ":" for a sentence
        introducing a list, and a line ending in "." for text, and missed it in 14 reports, whose paragraphs
        then fell under "What needs to improve?"."""
        if area_for_heading is None or not _JUDGEMENT_START.match(lines[i].text):
            return 0
        for run in (1, 2, 3):
            run_lines = lines[i:i + run]
            if len(run_lines) < run or any(l is None for l in run_lines):
                return 0
            joined = " ".join(l.text.strip() for l in run_lines)
            if _JUDGEMENT_HEADING.match(joined) and area_for_heading(joined.rstrip(".")):
                # Only a section's heading: its first numbered paragraph follows. The cover page's judgement
                # table has the same words, followed by the next row or the summary.
                following = next((l for l in lines[i + run:i + run + 3] if l is not None), None)
                return run if following is not None and _NUMBERED.match(following.text) else 0
        return 0

    i = 0
    while i < len(lines):
        line = lines[i]
        if line is None:
            if current is not None and current.kind != "numbered":
                close()
            elif current is not None and current.kind == "numbered" and current.lines and _SENTENCE_END.search(current.lines[-1].text):
                close()
            i += 1
            continue
        if i in notes:  # a page's notes are one block, after the paragraph they interrupt
            if held and held[-1].lines[-1].page == line.page:
                held[-1].lines.append(line)
            else:
                held.append(Block(section, area, None, "footnote", [line]))
            i += 1
            continue
        if held and current is None:
            blocks.extend(held)
            held.clear()
        if i in decimals:
            close()
            label, sub_number, heading_since = "{}.{}".format(*decimals[i]), 0, False
            current = Block(section, area, label, "numbered", [line])
            i += 1
            continue
        match = _NUMBERED.match(line.text)
        number = int(match.group(1)) if match else 0
        # A numbered list inside a paragraph ("54. ... 1. ... 2. ...", "3.23 ... the Regulations: 1. ... 2. ...")
        # belongs to that paragraph; after a chapter-numbered paragraph, before any new paragraph of "1.".
        in_list = bool(match) and bool(label) and number == sub_number + 1 and not heading_since
        if in_list and "." in label:
            add_to_list(line)
            i += 1
            continue
        if match:
            # The next paragraph number (a skipped one tolerated), or numbering restarting at 1 after a
            # heading (a new chapter).
            resumes = 0 < earlier_number < number <= earlier_number + 3  # a short numbered list ended
            if last_number < number <= last_number + 3 or resumes or (number == 1 and last_number != 0 and heading_since):
                close()
                if number == 1 and last_number > 1:
                    earlier_number = last_number
                elif resumes:
                    earlier_number = 0
                last_number, sub_number, heading_since, label = number, 0, False, str(number)
                current = Block(section, area, label, "numbered", [line])
                i += 1
                continue
            if in_list:
                add_to_list(line)
                i += 1
                continue
        starts_block = current is None or (current.lines and _SENTENCE_END.search(current.lines[-1].text))
        # A judgement heading starts a section even after a list item that lacks its full stop.
        run = judgement_run(i) or (heading_run(i) if starts_block else 0)
        if run:
            close()
            heading_lines = [l for l in lines[i:i + run] if l is not None]
            heading = " ".join(l.text for l in heading_lines)
            found = area_for_heading(heading) if area_for_heading is not None else None
            if found:
                area, area_heading, section = found, heading, heading
            elif area and _continues_area(heading):
                section = f"{area_heading}: {heading}"
            elif area_for_heading is not None and heading_lines[0].page == 0 and area is None:
                section = DEFAULT_SECTION  # the cover page's title, dates and judgement table
            else:
                area, section = None, heading
            blocks.append(Block(section, area, None, "heading", heading_lines))
            heading_since = True
            i += run
            continue
        if line.text.startswith(BULLET):
            if current is None or current.kind != "bullets":
                # A list right after a numbered paragraph is part of that paragraph ("32. ... including:").
                previous = current if current is not None else next(
                    (b for b in reversed(blocks) if b.kind != "footnote"), None)
                number = previous.paragraph if previous is not None and previous.kind in ("numbered", "sublist") else None
                close()
                current = Block(section, area, number, "bullets", [])
            current.lines.append(line)
        elif current is None:
            current = Block(section, area, None, "text", [line])
        else:
            current.lines.append(line)
        i += 1
    close()
    return blocks


def _continues_area(heading: str) -> bool:
    """Sub-headings inside a judgement section ("What needs to improve?") keep the section's area."""
    return heading.lower().startswith(
        ("what needs to improve", "areas for improvement", "summary", "inspection findings", "recommendations")
    )
