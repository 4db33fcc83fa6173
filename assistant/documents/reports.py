"""Metadata of Ofsted local-authority children's services inspection reports.

Everything is read from the report's own text (the page texts pypdf returns);
the file path only supplies the URN (folder ``<urn>_<la>``) and, when the text
carries no publication date, the date in the file name.  There are no lookup
tables of councils, inspectors or grades: names are canonicalised by generic
prefix/suffix rules so that every era of the same council gets the same name.

Report shapes recognised (``framework``):

* ``"LAC 2012-13"`` -- the 2013 "Inspection of looked after children services" reports
  (the framework before the SIF; its inspections ran until the SIF began in November 2013).  Their four-point scale includes "adequate", which is not one of
  ``GRADES`` and therefore becomes ``None``.  Their "Overall effectiveness of
  services for looked after children" fills ``overall_effectiveness`` and
  their "Leadership and management" fills ``impact_of_leaders``.
* ``"SIF 2013-17"`` -- single inspection framework: a numbered judgement list
  and a headline "Children's services in X are good".  Adoption performance
  has no key.  Later SIF re-inspections and stand-alone LSCB reviews use the
  same framework label.
* ``"ILACS 2018"`` -- judgement table on page 1 with ONE row for children in
  care and care leavers; that grade is stored under both keys.
* ``"ILACS 2023"`` -- separate children-in-care and care-leavers rows.
* ``"ILACS 2026"`` -- separate rows and no overall-effectiveness row
  (``overall_effectiveness`` is ``None``).

``inspection_type`` vocabulary:

* ``"looked after children"`` -- 2013 inspection of looked after children services;
* ``"SIF"`` -- SIF inspection (usually combined with the LSCB review);
* ``"re-inspection"`` -- SIF re-inspection of an authority judged inadequate;
* ``"LSCB review"`` -- stand-alone review of the local safeguarding children board;
* ``"standard"`` / ``"short"`` -- ILACS inspections.  The reports do not name
  the type; ILACS standard inspections have two weeks on site and short ones
  one week, so the first on-site block of the "Inspection dates" decides
  (at most 7 days -> ``"short"``).
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import Iterable

from pydantic import BaseModel

from assistant.domain import (
    AREAS,
    FRAMEWORK_ILACS_2018,
    FRAMEWORK_ILACS_2023,
    FRAMEWORK_ILACS_2026,
    FRAMEWORK_LAC,
    FRAMEWORK_SIF,
    council_name,
)


class ReportMetadata(BaseModel):
    local_authority: str | None
    urn: str | None
    published: datetime.date | None
    inspection_start: datetime.date | None
    inspection_end: datetime.date | None
    lead_inspector: str | None
    inspection_type: str | None
    framework: str | None
    judgements: dict[str, str | None]
    judgement_page: int | None
    sub_judgements: dict[str, str | None] = {}  # SIF only: adoption performance and the LSCB (domain.SUB_JUDGEMENTS)


# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------

# pypdf keeps typographic characters and turns bullets into private-use glyphs;
# mapping them to ASCII lets one set of regexes serve every era.
_CHAR_MAP = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u00ad": "",
        "\uf06e": " ",
        "\uf0a7": " ",
        "\uf02d": " ",
        "\u25fc": " ",
        "\u25aa": " ",
        "\u2022": " ",
    }
)


def _clean(text: str) -> str:
    """Map odd characters and re-join words hyphenated across a line break."""
    text = text.translate(_CHAR_MAP)
    # Line-end hyphens in these reports are real compounds ("multi-\nagency",
    # "Stoke-\non-Trent"), so keep the hyphen and drop only the break.
    return re.sub(r"(?<=\w)-[ \t]*\n\s*(?=\w)", "-", text)


def _flat(text: str) -> str:
    """Normalised single-line text: headings split over lines become one run."""
    return re.sub(r"\s+", " ", _clean(text)).strip()


# --------------------------------------------------------------------------
# Grades and headings
# --------------------------------------------------------------------------

_GRADE_PATTERN = (
    r"requires?\s+improvement(?:\s+to\s+be\s+good)?"
    r"|inadequate|outstanding|good|not\s+judged"
)
_GRADE_RE = re.compile(rf"\b(?:{_GRADE_PATTERN})\b", re.IGNORECASE)


def grade_in_text(text: str) -> str | None:
    """The first grade named in ``text`` as one of ``GRADES``, else ``None``.

    "Requires improvement to be good" (in any case, across line breaks) is
    "requires improvement"; "Not judged" and "adequate" (2013 scale) give None.
    """
    match = _GRADE_RE.search(_flat(text))
    if match is None:
        return None
    word = match.group(0).lower()
    if word.startswith("require"):
        return "requires improvement"
    if word.startswith("not"):
        return None
    return word


def _heading_areas(text: str) -> tuple[str, ...] | None:
    """Areas a judgement heading covers.

    ``()`` means a recognised heading that has no key of ours (adoption
    performance, the LSCB, capacity to improve); ``None`` means not a
    judgement heading at all.  The ILACS 2018-22 combined heading covers two
    areas, which is why this returns a tuple.
    """
    t = _flat(text).lower()
    t = re.sub(r"^\d+(?:\.\d+)?\.?\s*", "", t)
    if not t or len(t) > 200:
        return None
    # Running headers ("Kent County Council Inspection of looked after
    # children services") and the SIF area profile ("Children looked after in
    # this area") mention the same words but are not judgement sections.
    if re.search(r"inspection of|in this area|information about|summary for", t):
        return None
    if "adoption" in t or "safeguarding children board" in t or "lscb" in t:
        return ()
    if "capacity to improve" in t or "quality of provision" in t:
        return ()
    if re.search(r"outcomes for looked after", t):
        return ()
    if "overall effectiveness" in t or "overall judgement" in t:
        return ("overall_effectiveness",)
    if re.match(r"(?:the\s+)?children's services (?:in|on)\b", t):
        return ("overall_effectiveness",)
    if re.search(r"impact of leaders|leadership,? management|leadership and management", t):
        return ("impact_of_leaders",)
    if "help and protection" in t:
        return ("help_and_protection",)
    in_care = bool(re.search(r"children in care|looked[- ]after|achieving permanence", t))
    leavers = "care leaver" in t
    if in_care and leavers:
        return ("children_in_care", "care_leavers")
    if leavers:
        return ("care_leavers",)
    if in_care:
        return ("children_in_care",)
    return None


def area_for_heading(text: str) -> str | None:
    """Map a judgement heading (with or without its grade) to an ``AREAS`` key.

    The ILACS 2018-22 combined heading "children in care and care leavers"
    maps to ``"children_in_care"``; the extractor files that grade under
    ``"care_leavers"`` as well.  Adoption performance and the LSCB map to None.
    """
    areas = _heading_areas(text)
    return areas[0] if areas else None


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTH_PATTERN = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_DATE_TOKEN_RE = re.compile(
    rf"\b(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})/(?P<y>\d{{4}})\b"
    rf"|\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s+(?P<month>{_MONTH_PATTERN})\b\.?)?(?:\s+(?P<year>(?:19|20)\d\d)\b)?",
    re.IGNORECASE,
)


def _month_number(name: str) -> int:
    return _MONTHS[next(m for m in _MONTHS if m.startswith(name.lower()[:3]))]


def _date_tokens(text: str) -> list[tuple[int, int | None, int | None]]:
    """(day, month, year) tuples in order; month/year may be missing."""
    tokens: list[tuple[int, int | None, int | None]] = []
    for m in _DATE_TOKEN_RE.finditer(text):
        if m.group("d"):
            tokens.append((int(m.group("d")), int(m.group("m")), int(m.group("y"))))
            continue
        month = _month_number(m.group("month")) if m.group("month") else None
        year = int(m.group("year")) if m.group("year") else None
        if month is None and year is None:
            # A bare number ("4 to 15 February") is only a day when a month
            # follows somewhere later in the range.
            tokens.append((int(m.group("day")), None, None))
        else:
            tokens.append((int(m.group("day")), month, year))
    return tokens


def _resolve_dates(tokens: list[tuple[int, int | None, int | None]]) -> list[datetime.date]:
    """Fill missing months/years from the next token that has them ("4 to 15 February 2019")."""
    dates: list[datetime.date] = []
    for i, (day, month, year) in enumerate(tokens):
        later = tokens[i + 1 :]
        if month is None:
            month = next((t[1] for t in later if t[1] is not None), None)
        if year is None:
            year = next((t[2] for t in later if t[2] is not None), None)
        if month is None or year is None:
            continue
        try:
            dates.append(datetime.date(year, month, day))
        except ValueError:
            continue
    return dates


def parse_date_range(text: str) -> list[datetime.date]:
    """All dates in a range expression such as "30 September to 11 October 2024 and 13 to 16 January 2025"."""
    return _resolve_dates(_date_tokens(text))


def _parse_single_date(text: str) -> datetime.date | None:
    dates = parse_date_range(text)
    return dates[0] if dates else None


_INSPECTION_DATES_RE = re.compile(r"\bInspection\s+dates?\s*:?\s*(?P<range>.{4,160})", re.IGNORECASE)
# What follows the dates on page 1 in one era or another.
_AFTER_DATES_RE = re.compile(
    r"\s(?:Lead\s+inspector|Reporting\s+inspector|Report\s+published|Judgement|Published"
    r"|Children's\s+services|The\s+overall|Age\s+group)",
    re.IGNORECASE,
)


def _inspection_dates(flat_first: str) -> tuple[list[datetime.date], str | None]:
    match = _INSPECTION_DATES_RE.search(flat_first)
    if match is None:
        return [], None
    range_text = match.group("range")
    stop = _AFTER_DATES_RE.search(range_text)
    if stop:
        range_text = range_text[: stop.start()]
    return parse_date_range(range_text), range_text


_PUBLISHED_RE = re.compile(
    rf"\b(?:Report\s+)?published\s*:\s*(?P<date>\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{1,2}}\s+(?:{_MONTH_PATTERN})\s+\d{{4}})",
    re.IGNORECASE,
)
_FILENAME_DATE_RE = re.compile(rf"(?P<date>\d{{1,2}}\s+(?:{_MONTH_PATTERN})\s+\d{{4}})\s*\.pdf$", re.IGNORECASE)


def _published(flat_first: str, path: Path) -> datetime.date | None:
    match = _PUBLISHED_RE.search(flat_first)
    if match:
        found = _parse_single_date(match.group("date"))
        if found:
            return found
    match = _FILENAME_DATE_RE.search(path.name)
    return _parse_single_date(match.group("date")) if match else None


# --------------------------------------------------------------------------
# Lead inspector
# --------------------------------------------------------------------------

_LEAD_RE = re.compile(
    r"(?P<label>(?:deputy\s+)?lead\s+inspectors?(?:\s+on\s+site)?\s*:|reporting\s+inspector\b:?)",
    re.IGNORECASE,
)
# Whatever follows the names: another "Label:", the page-1 judgement table,
# or a new section.
_LEAD_STOP_RE = re.compile(
    r"\s(?:[A-Z][A-Za-z]*(?:\s+[a-z]+){0,3}\s*:|Deputy\b|Team\s+inspectors?\b|Report\s+author\b"
    r"|Judgement\b|Age\s+group|Published\b|Inspection\b|The\s+[a-z])"
)
_INSPECTOR_TITLE_RE = re.compile(
    r"\(?\b(?:senior\s+)?(?:his|her)\s+majesty's\s+inspectors?\b\)?|\(?\b(?:senior\s+)?S?HMI\b\)?|\bOfsted\s+Inspector\b",
    re.IGNORECASE,
)


_NAME_RE = re.compile(r"[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){1,4}")


def _clean_inspector_names(raw: str) -> str | None:
    text = _INSPECTOR_TITLE_RE.sub(",", raw)
    text = re.sub(r"(?<=[a-z])-\s+(?=[A-Z])", "-", text)  # "Thomson- Jones"
    parts = [p.strip(" ,.;") for p in re.split(r",|;|\band\b|&", text)]
    # A name has at least two words and starts with a capital.
    names = [p for p in parts if _NAME_RE.fullmatch(p) and p[0].isupper()]
    return " and ".join(names) if names else None


def _lead_inspector(flat_pages: Iterable[str]) -> str | None:
    """First non-deputy "Lead inspector(s):" (page 1 in ILACS, team list in SIF)."""
    for flat in flat_pages:
        for match in _LEAD_RE.finditer(flat):
            if match.group("label").lower().startswith("deputy"):
                continue
            tail = flat[match.end() : match.end() + 200]
            stop = _LEAD_STOP_RE.search(" " + tail)
            raw = tail[: stop.start() - 1] if stop else tail
            names = _clean_inspector_names(raw)
            if names:
                return names
    return None


# --------------------------------------------------------------------------
# Local authority name
# --------------------------------------------------------------------------

_LA_SUFFIX_RE = re.compile(
    r"(?:(?:\s+(?:metropolitan|district|borough|city|county|unitary))*\s+(?:council|authority|borough|city)"
    r"|\s+local\s+authority"
    r"|\s+children's\s+services"
    r"|\s+safeguarding\s+children\s+board"
    r"|\s+children\s+and\s+families\s+trust"
    r"|,?\s+city\s+of)$",
    re.IGNORECASE,
)
_LA_PREFIX_RE = re.compile(
    r"^(?:the\s+)?(?:(?:london|royal|metropolitan)\s+)?borough\s+of\s+|^(?:the\s+)?council\s+of\s+(?:the\s+)?|^the\s+",
    re.IGNORECASE,
)


def canonical_local_authority(name: str) -> str | None:
    """Strip council-style prefixes/suffixes so every era gives the same name."""
    name = re.sub(r"\s+", " ", name).strip(" ,.")
    previous = None
    while previous != name:
        previous = name
        name = _LA_SUFFIX_RE.sub("", name).strip(" ,")
        name = _LA_PREFIX_RE.sub("", name).strip(" ,")
    # "City of X Council" is a council's formal style; the City of London's
    # name *is* "City of London", so the prefix only goes if X is not London.
    name = re.sub(r"^City of (?!London\b)", "", name, flags=re.IGNORECASE)
    name = re.sub(r"\s+&\s+", " and ", name)
    name = re.sub(r"\bUpon\b", "upon", name)
    name = re.sub(r"\bSt\.\s*", "St ", name)
    return council_name(name) or None


_TITLE_RE = re.compile(
    r"\b(?:re-?inspection|inspection|review)\s+of\s+(?:services|the\s+effectiveness|children's\s+social|local\s+authority|looked\s+after)",
    re.IGNORECASE,
)
_ILACS_TITLE_RE = re.compile(
    r"\bInspection\s+of\s+(?:the\s+)?(?P<la>(?!children's|local\s+authority)[A-Z].{1,80}?)\s+"
    r"(?:local\s+authority\s+children's\s+(?:social\s+care\s+)?services|children's\s+services|Inspection\s+dates?)",
)
_LAC_TITLE_RE = re.compile(
    r"Inspection\s+of\s+looked\s+after\s+children\s+services\s+(?P<la>.{2,80}?)\s+Inspection\s+dates?",
    re.IGNORECASE,
)


def _local_authority_raw(flat_first: str) -> str | None:
    text = re.sub(r"^\d+\s+", "", flat_first)
    match = _LAC_TITLE_RE.search(text)
    if match:
        return match.group("la")
    match = _ILACS_TITLE_RE.search(text)
    if match:
        return match.group("la")
    # SIF and 2018-21 ILACS: the council's name sits above the report title.
    match = _TITLE_RE.search(text)
    if match and 0 < match.start() <= 120:
        return text[: match.start()]
    return None


# --------------------------------------------------------------------------
# Judgements
# --------------------------------------------------------------------------


def _empty_judgements() -> dict[str, str | None]:
    return {area: None for area in AREAS}


_TABLE_HEAD_RE = re.compile(r"^(?:the\s+)?(?:impact|experiences|overall\s+effectiveness)", re.IGNORECASE)
_TABLE_PAIR_RE = re.compile(rf"\s*(?P<head>.{{3,160}}?)\s*\b(?P<grade>{_GRADE_PATTERN})\b\.?", re.IGNORECASE)


def _ilacs_table(flat: str) -> tuple[dict[str, str | None], list[tuple[str, ...]]] | None:
    """Parse the ILACS "Judgement Grade" table; also return the row shapes seen."""
    start = re.search(r"\bJudgement\s+Grade\b", flat, re.IGNORECASE)
    if start is None:
        return None
    judgements = _empty_judgements()
    rows: list[tuple[str, ...]] = []
    rest = flat[start.end() :]
    while True:
        match = _TABLE_PAIR_RE.match(rest)
        if match is None or not _TABLE_HEAD_RE.match(match.group("head")):
            break
        areas = _heading_areas(match.group("head"))
        if not areas:
            break
        for area in areas:
            judgements[area] = grade_in_text(match.group("grade"))
        rows.append(areas)
        rest = rest[match.end() :]
    return (judgements, rows) if rows else None


_SIF_ITEM_RE = re.compile(
    rf"(?<![\w.])\d(?:\.\d)?\.?\s+(?P<head>[A-Z][A-Za-z,' ]{{5,90}}?)\s+(?P<grade>(?i:{_GRADE_PATTERN}))\b",
)
_SIF_OVERALL_RE = re.compile(
    r"(?:Children's\s+services\s+(?:in|on|for)\s+.{2,80}?"
    r"|The\s+overall\s+judgement\s+is(?:\s+that\s+children's\s+services?)?)"
    r"\s+(?:is\s+|are\s+)?(?P<grade>requires?\s+improvement(?:\s+to\s+be\s+good)?|inadequate|good|outstanding)\b",
    re.IGNORECASE,
)


def _sif_overall(flat: str) -> str | None:
    match = _SIF_OVERALL_RE.search(flat)
    return grade_in_text(match.group("grade")) if match else None


_SIF_ADOPTION_RE = re.compile(rf"\b2\.1\.?\s+Adoption\s+performance\s+(?P<grade>{_GRADE_PATTERN})\b", re.IGNORECASE)
# "The effectiveness of the Local Safeguarding Children Board (LSCB) is inadequate" (page 1 from 2014), or the
# LSCB section's opening "The Local Safeguarding Children Board requires improvement" (earlier reports).
_LSCB_RE = re.compile(
    rf"\bThe\s+(?:effectiveness\s+of\s+the\s+)?(?:LSCB|Local\s+Safeguarding\s+Children\s+Board(?:\s*\(LSCB\))?)\s+"
    rf"(?:is\s*:?\s*|requires?\s+)(?P<grade>{_GRADE_PATTERN}|improvement)\b", re.IGNORECASE)


def _sif_sub_judgements(flat_pages: list[str]) -> dict[str, str | None]:
    """Adoption performance from the judgement list on page 1-2; the LSCB's judgement wherever the report
    states it (page 1 from 2014, its own section before)."""
    adoption = _SIF_ADOPTION_RE.search(" ".join(flat_pages[:2]))
    lscb = next((m for flat in flat_pages if (m := _LSCB_RE.search(flat))), None)
    lscb_grade = None
    if lscb is not None:
        text = lscb.group(0)
        lscb_grade = "requires improvement" if re.search(r"requires?\s+improvement", text, re.I) else grade_in_text(lscb.group("grade"))
    return {"adoption_performance": grade_in_text(adoption.group("grade")) if adoption else None, "lscb": lscb_grade}


def _sif_judgements(flat: str) -> dict[str, str | None] | None:
    """Numbered SIF list "1. Children who need help and protection Good ..."."""
    judgements = _empty_judgements()
    found = False
    for match in _SIF_ITEM_RE.finditer(flat):
        areas = _heading_areas(match.group("head"))
        if areas is None:
            continue
        for area in areas:
            if judgements[area] is None:
                judgements[area] = grade_in_text(match.group("grade"))
        found = True
    overall = _sif_overall(flat)
    if overall is not None:
        judgements["overall_effectiveness"] = overall
        found = True
    return judgements if found else None


_LAC_ROW_RE = re.compile(
    r"\b(?P<head>Overall\s+effectiveness|Leadership\s+and\s+management)\s+(?P<grade>outstanding|good|adequate|inadequate)\b",
    re.IGNORECASE,
)


def _lac_judgements(flat_pages: list[str]) -> tuple[dict[str, str | None], int | None]:
    """2013 looked-after-children reports: the closing "Record of main findings" table."""
    judgements = _empty_judgements()
    for number in range(len(flat_pages), 0, -1):
        flat = flat_pages[number - 1]
        table_at = flat.find("Record of main findings")
        if table_at < 0:
            continue
        for match in _LAC_ROW_RE.finditer(flat, table_at):
            area = "overall_effectiveness" if match.group("head").lower().startswith("overall") else "impact_of_leaders"
            judgements[area] = grade_in_text(match.group("grade"))
        return judgements, number
    return judgements, None


# --------------------------------------------------------------------------
# Era, type and assembly
# --------------------------------------------------------------------------


def _framework_from_rows(rows: list[tuple[str, ...]], start: datetime.date | None) -> str:
    if any(len(areas) > 1 for areas in rows):
        return FRAMEWORK_ILACS_2018
    if any(areas == ("overall_effectiveness",) for areas in rows):
        return FRAMEWORK_ILACS_2023
    # No overall row: the 2026 format, unless the dates say the inspection
    # predates it (then the row was lost in extraction, not dropped by Ofsted).
    if start is not None and start < _ILACS_2026_FROM:
        return FRAMEWORK_ILACS_2023
    return FRAMEWORK_ILACS_2026


_ILACS_2026_FROM = datetime.date(2026, 4, 1)


def _framework_from_date(start: datetime.date | None) -> str | None:
    """Fallback when the judgement table cannot be read."""
    if start is None:
        return None
    if start < datetime.date(2018, 1, 1):
        return FRAMEWORK_SIF
    if start < datetime.date(2023, 1, 1):
        return FRAMEWORK_ILACS_2018
    if start < _ILACS_2026_FROM:
        return FRAMEWORK_ILACS_2023
    return FRAMEWORK_ILACS_2026


def _ilacs_type(range_text: str | None) -> str | None:
    """Short inspections have one week on site, standard ones two."""
    if not range_text:
        return None
    first_block = re.split(r"\band\b", range_text, maxsplit=1)[0]
    dates = parse_date_range(first_block)
    if len(dates) < 2:
        return None
    return "short" if (dates[-1] - dates[0]).days <= 7 else "standard"


_SIF_TITLE_RE = re.compile(
    r"\b(?:re-?inspection\s+of\s+services|inspection\s+of\s+services|review\s+of\s+the\s+effectiveness)",
    re.IGNORECASE,
)


def _sif_type(flat_first: str) -> str:
    head = flat_first[:400].lower()
    if re.search(r"\bre-?inspection of services", head):
        return "re-inspection"
    if re.search(r"inspection of services", head):
        return "SIF"
    if "review of the effectiveness" in head:
        return "LSCB review"
    return "SIF"


def _urn(path: Path) -> str | None:
    match = re.match(r"(\d+)_", path.parent.name)
    return match.group(1) if match else None


def extract_report_metadata(pages: list[str], path: str | os.PathLike[str]) -> ReportMetadata:
    """Metadata of one report from its raw pypdf page texts."""
    path = Path(path)
    flat_pages = [_flat(page or "") for page in pages]
    flat_first = flat_pages[0] if flat_pages else ""

    dates, range_text = _inspection_dates(flat_first)
    judgements = _empty_judgements()
    judgement_page: int | None = None
    framework: str | None = None
    inspection_type: str | None = None
    sub_judgements: dict[str, str | None] = {}

    is_lac = bool(re.search(r"Inspection\s+of\s+looked\s+after\s+children\s+services", flat_first[:300], re.I))
    if is_lac:
        judgements, judgement_page = _lac_judgements(flat_pages)
        inspection_type = "looked after children"
        framework = FRAMEWORK_LAC
    else:
        for number, flat in enumerate(flat_pages[:3], start=1):
            table = _ilacs_table(flat)
            if table:
                judgements, rows = table
                judgement_page = number
                framework = _framework_from_rows(rows, dates[0] if dates else None)
                inspection_type = _ilacs_type(range_text)
                break
        else:
            if _SIF_TITLE_RE.search(flat_first[:400]):
                # SIF lists can run over onto page 2 (the footnote sits between).
                sif = _sif_judgements(" ".join(flat_pages[:2]))
                if sif is not None:
                    judgements = sif
                    judgement_page = 1
                framework = FRAMEWORK_SIF
                inspection_type = _sif_type(flat_first)
                sub_judgements = _sif_sub_judgements(flat_pages)
            else:
                framework = _framework_from_date(dates[0] if dates else None)

    raw_la = _local_authority_raw(flat_first)
    return ReportMetadata(
        local_authority=canonical_local_authority(raw_la) if raw_la else None,
        urn=_urn(path),
        published=_published(flat_first, path),
        inspection_start=dates[0] if dates else None,
        inspection_end=dates[-1] if dates else None,
        lead_inspector=_lead_inspector(_lead_search_order(flat_pages)),
        inspection_type=inspection_type,
        framework=framework,
        judgements=judgements,
        judgement_page=judgement_page,
        sub_judgements=sub_judgements,
    )


def _lead_search_order(flat_pages: list[str]) -> Iterable[str]:
    # ILACS names the lead on page 1; SIF in the team list near the end, so
    # search page 1 first and then from the back.
    if not flat_pages:
        return []
    return [flat_pages[0], *reversed(flat_pages[1:])]
