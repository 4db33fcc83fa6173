"""Turn raw extracted page text into clean, quotable page text.

The cleaned page keeps one line per source line (so paragraph and heading structure survives) and is the
text every chunk span, quote and highlight refers to.
"""
from __future__ import annotations

import re
from collections import Counter

from assistant.text import normalise_chars

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$", re.I)
_DIGITS = re.compile(r"\d+")

# The closing licence and contact block of Ofsted and gov.uk publications: cut from here to the end.
_BOILERPLATE_START = re.compile(
    r"^(?:Ofsted has published a report"
    r"|Any complaints about the inspection or the report"
    r"|The Office for Standards in Education, Children.s Services and\b"
    r"|If you would like a copy of this document in a different format"
    r"|You may reuse this information \(not including logos\)"
    r"|© Crown copyright \d{4}\s*$)",
)


def _lines(page: str) -> list[str]:
    return [" ".join(line.split()) for line in normalise_chars(page).split("\n")]


def clean_pages(pages: list[str]) -> list[str]:
    """Clean every page of one document; the result has exactly one string per input page."""
    pages_lines = [_lines(p) for p in pages]
    repeated = _running_lines(pages_lines)
    cleaned: list[list[str]] = []
    for lines in pages_lines:
        cleaned.append(_strip_edges(lines, repeated))
    _strip_boilerplate(cleaned)
    return [_finish(lines) for lines in cleaned]


def _signature(line: str) -> str:
    return _DIGITS.sub("#", line.casefold())


def _edge_lines(lines: list[str], depth: int = 3) -> list[str]:
    content = [line for line in lines if line]
    return content[:depth] + content[-depth:]


def _running_lines(pages_lines: list[list[str]]) -> set[str]:
    """Signatures of lines that open or close many pages: running headers and footers."""
    if len(pages_lines) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages_lines:
        counts.update({_signature(line) for line in _edge_lines(lines)})
    threshold = max(3, int(0.4 * len(pages_lines)))
    return {sig for sig, n in counts.items() if n >= threshold and sig.strip("# ")}


def _strip_edges(lines: list[str], repeated: set[str]) -> list[str]:
    """Drop running headers/footers and bare page numbers from the top and bottom of a page."""
    lines = list(lines)
    for from_top in (True, False):
        checked = 0
        while lines and checked < 4:
            index = 0 if from_top else -1
            line = lines[index]
            if not line:
                lines.pop(index)
                continue
            if _PAGE_NUMBER.match(line) or _signature(line) in repeated:
                lines.pop(index)
                checked += 1
                continue
            break
    return lines


def _strip_boilerplate(pages_lines: list[list[str]]) -> None:
    """Cut the closing licence/contact block, which only ever sits on the last pages."""
    first = max(0, len(pages_lines) - 2)
    for p in range(first, len(pages_lines)):
        for i, line in enumerate(pages_lines[p]):
            if _BOILERPLATE_START.match(line):
                del pages_lines[p][i:]
                for later in range(p + 1, len(pages_lines)):
                    pages_lines[later].clear()
                return


_HYPHEN_END = re.compile(r"[A-Za-z]-$")
# A footnote's first line ("89 Attendance below 90% is classed as ..."); they run past 200 in Working Together
# and KCSIE. documents/structure.py finds a page's footnotes with it too.
FOOTNOTE_LINE = re.compile(r"^(\d{1,3}) [A-Z‘'\"(]")


def _join_hyphenated(lines: list[str]) -> list[str]:
    """Rejoin words broken at a line end, keeping the hyphen ("multi-" + "agency" -> "multi-agency")."""
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line and _HYPHEN_END.search(out[-1]) and line[0].islower():
            head, _, rest = line.partition(" ")
            out[-1] = out[-1] + head
            if rest:
                out.append(rest)
            continue
        out.append(line)
    return out


def _detach_footnotes(lines: list[str]) -> list[str]:
    """Remove footnote markers glued to words ("Board1" -> "Board", "minimum.30 It" -> "minimum. It") when the
    page has that footnote. The footnotes themselves stay: some carry the answer (Working Together defines
    private fostering in one); cutting them off the page lost three framework answers of the gold set."""
    numbers = {m.group(1) for line in lines if (m := FOOTNOTE_LINE.match(line))}
    if not numbers:
        return lines
    markers = "|".join(sorted(numbers, key=len, reverse=True))
    pattern = re.compile(rf"(?<=[a-z?)’'.”%])({markers})(?=[\s,.;:]|$)")
    out = []
    for line in lines:
        if FOOTNOTE_LINE.match(line):
            out.append(line)
            continue
        # Only after a real word of three or more letters: "s20" or "COVID-19" must stay whole.
        out.append(pattern.sub(lambda m: "" if _word_before(line, m.start()) else m.group(0), line))
    return out


def _word_before(line: str, end: int) -> bool:
    start = end
    if start > 0 and line[start - 1] in ".”%":  # "minimum.30", "(2018)’220", "16%6": the note follows punctuation
        start -= 1
        end -= 1
    while start > 0 and (line[start - 1].isalpha() or line[start - 1] in "?)’'"):
        start -= 1
    word = line[start:end].strip("?)’'")
    return len(word) >= 3 and word.isalpha()


def _finish(lines: list[str]) -> str:
    lines = _detach_footnotes(_join_hyphenated(lines))
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
