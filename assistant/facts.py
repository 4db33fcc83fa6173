"""Questions about judgements, dates and inspectors, answered exactly from the extracted report metadata
and cited to the judgement table's page."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.domain import (
    AREA_LABELS,
    AREAS,
    GRADES,
    SUB_JUDGEMENT_LABELS,
    in_years,
    latest_per_council,
    published_in,
    sort_date,
)
from assistant.index import Index
from assistant.compose import Numbers, plain_text
from assistant.models import Citation, DocumentInfo, Lead, Message, Row, Sentence, Table
from assistant.query import Understanding
from assistant.text import normalise_for_match

_LIST = re.compile(r"\b(?:which|what|list(?: the)?|name(?: the)?|how many)\s+(?:councils|local authorities|las|authorities|areas)\b", re.I)
# "Which councils improved from inadequate to good?", "... went from requires improvement to outstanding?"
_CHANGE = re.compile(r"\b(?:improv\w*|went|gone|moved|rose|risen|declin\w*|dropped|fell|fallen|deteriorat\w*|changed)\b"
                     r".*\bfrom\b(?P<before>.+?)\bto\b(?P<after>.+)", re.I)
_INSPECTED = re.compile(r"\b(?:inspected|inspections?|visited)\b", re.I)
_GRADE_Q = re.compile(r"\b(?:grades?|graded|judged|judgements?|judgments?|rated|ratings?|rating|outcome|result)\b|\bhow did\b.*\bdo\b"
                      # "Did Portsmouth get outstanding overall?", "has Kent achieved good?"
                      r"|\b(?:get|got|gotten|receive[ds]?|achieved?|awarded|earn(?:ed|t)?)\b\W+(?:an?\W+)?"
                      r"(?:outstanding|good|inadequate|requires? improvement(?:\W+to be good)?)\b(?=\W*(?:$|overall\b|for\b|at\b|in\b|from\b))", re.I)
_WHEN_Q = re.compile(r"\bwhen\b.*\binspect|\b(?:date|dates)\b.*\binspection|\binspection dates?\b|\blast inspected\b|\bwhen\b.*\bpublished", re.I)
_LEAD_Q = re.compile(r"\blead inspectors?\b|\bwho\b.*\b(?:led|inspected|lead|carried out)\b", re.I)

_GRADE_WORDS = {
    "outstanding": r"outstanding",
    "good": r"\bgood\b",
    "requires improvement": r"requir\w* improvement|\bri\b",
    "inadequate": r"inadequate",
}

_AREA_LABEL_RE = {
    "overall_effectiveness": r"Overall effectiveness|Children.s services in [A-Z][\w ,'&-]+? (?:are|is|require)",
    "impact_of_leaders": r"The impact of leaders on social work practice with children and families|Leadership, management and governance",
    "help_and_protection": r"The experiences and progress of children who need help and protection|Children who need help and protection",
    "children_in_care": r"The experiences and progress of children in care(?: and care leavers)?|Children looked after and achieving permanence",
    "care_leavers": r"The experiences and progress of (?:children )?(?:in care and )?care leavers|Experiences and progress of care leavers",
}
_GRADE_TEXT = r"(?:is:?\s*)?(Outstanding|Good|Requires improvement(?: to be good)?|Inadequate|require improvement(?: to be good)?|good|inadequate|outstanding)"


@dataclass
class FactAnswer:
    answer: str
    citations: list[Citation]
    fact: dict
    blocks: list = field(default_factory=list)


# Words a judgement, date or inspector question may use besides the council, year and area.
_FACT_WORDS = set("""grade grades graded judged judgement judgements judgment rated rating ratings outcome result
get got given receive received inspected inspection inspections last latest recent most lead inspector inspectors led
carried date dates start started end ended published publish when who which councils authorities overall
effectiveness help protection children care leavers impact leaders experiences progress need needs start
outstanding good requires require improvement inadequate ofsted services service social council framework
fieldwork finish finished visit visits onsite on-site begin began leadership management governance looked after
looked-after
royal borough city county metropolitan district london
adoption performance lscb local safeguarding board""".split())
# The 2013-17 framework's names for areas and inspections, then the words of councils' formal styles
# ("the Royal Borough of Greenwich", "Hull City Council"), which name no topic.


def _only_fact_words(u: Understanding) -> bool:
    """A metadata question says little else: "CQC rating ... adult social care assessment" is not one."""
    others = [t for t in u.terms if re.sub(r"['’]s$", "", t.lower()) not in _FACT_WORDS]
    return len(others) <= 1


# "Why was X judged inadequate?" asks for the report's reasons, not the grade alone.
_REASONS = re.compile(r"^\W*why\b|\breasons?\b", re.I)


def wants_fact(u: Understanding) -> str | None:
    q = u.question
    if not _only_fact_words(u) or _REASONS.search(q):
        return None
    if _LIST.search(q) and _CHANGE.search(q):
        return "change"
    if _LIST.search(q) and any(re.search(p, q, re.I) for p in _GRADE_WORDS.values()):
        return "list"
    if _LIST.search(q) and _INSPECTED.search(q) and (u.filters.year_from or u.filters.year_to):
        return "inspected"
    if not u.filters.local_authority:
        return None
    if _LEAD_Q.search(q):
        return "lead"
    if _WHEN_Q.search(q):
        return "when"
    if _GRADE_Q.search(q):
        return "grade"
    return None


def _pick_report(index: Index, la: str, years: tuple[int | None, int | None]) -> DocumentInfo | None:
    reports = [d for d in index.reports()
               if (d.local_authority or "").casefold() == la.casefold() and in_years(d, *years)]
    return latest_per_council(reports).get(reports[0].local_authority) if reports else None


def _table_citation(index: Index, doc: DocumentInfo, n: int, pattern: str, page: int | None = None) -> Citation | None:
    """A verbatim line from the judgement-table page (or the page given) that states the fact."""
    page = page or doc.judgement_page or 1
    text = index.store.page_text(doc.doc_id, page)
    if not text:
        return None
    flat = normalise_for_match(text)
    m = re.search(pattern, flat, re.I)
    if not m:
        return None
    quote = m.group(0).strip()
    return Citation(
        n=n, doc_id=doc.doc_id, path=doc.path, title=doc.title, kind="report", local_authority=doc.local_authority,
        published=doc.published, section=("Judgements" if doc.judgement_page else "Summary") if page == (doc.judgement_page or 1) else None,
        paragraph=None,
        page=page, quote=quote, score=1.0, passage=flat[max(0, m.start() - 200): m.end() + 200],
    )


def _fmt(d) -> str:
    return f"{d.day} {d:%B %Y}" if d else "unknown"


def answer_fact(index: Index, u: Understanding, kind: str) -> FactAnswer | None:
    years = (u.filters.year_from, u.filters.year_to)
    if kind == "list":
        return _answer_list(index, u)
    if kind == "change":
        return _answer_change(index, u)
    if kind == "inspected":
        return _answer_inspected(index, u)
    sentences: list[Sentence] = []
    tables: list[Table] = []
    numbered = Numbers()
    cite = numbered.cite
    facts: list[dict] = []

    for la in u.filters.local_authority:
        doc = _pick_report(index, la, years)
        if doc is None:
            when = f" from {years[0]}" if years[0] and years[0] == years[1] else ""
            sentences.append(Sentence(text=f"No indexed report{when} for {la}."))
            continue
        head = f"{la}, report published {_fmt(doc.published)} ({doc.framework or 'unknown framework'})"
        if kind == "lead":
            value = doc.lead_inspector
            # The 2013-17 reports name the team on their last pages, not beside the judgements.
            cit = _stated_anywhere(index, doc, r"Lead inspectors?:?\s*[^.]{3,120}?(?=\s+(?:Judgement|HMI|His|Her)|$)",
                                   r"Lead inspectors?:?\s*\S+(?: \S+){0,6}")
            if value:
                sentences.append(Sentence(text=f"The lead inspector of {la}'s inspection published {_fmt(doc.published)} was {value}.",
                                          cites=cite(cit)))
            else:
                sentences.append(Sentence(text=f"{la}'s report published {_fmt(doc.published)} does not name a lead inspector."))
            facts.append({"kind": "lead_inspector", "value": value, "doc_id": doc.doc_id})
        elif kind == "when":
            cit = _table_citation(index, doc, 0, _DATES_LINE)
            span = f"{_fmt(doc.inspection_start)} to {_fmt(doc.inspection_end)}" if doc.inspection_start else "on dates the report does not state"
            text = f"{la} was last inspected {span}" if not any(years) else f"{la} was inspected {span}"
            sentences.append(Sentence(text=text + f"; the report was published {_fmt(doc.published)}.", cites=cite(cit)))
            facts.append({"kind": "date", "value": doc.inspection_start.isoformat() if doc.inspection_start else None,
                          "inspection_start": str(doc.inspection_start or ""), "inspection_end": str(doc.inspection_end or ""),
                          "published": str(doc.published or ""), "doc_id": doc.doc_id})
        elif subs := [k for k, pattern in _SUB_WORDS.items() if re.search(pattern, u.question, re.I)
                      and doc.sub_judgements.get(k)]:
            # The 2013-17 framework's graded sub-judgements: adoption performance, the LSCB.
            parts, cites = [], []
            for key in subs:
                cites += cite(_sub_citation(index, doc, key))
                parts.append(f"{SUB_JUDGEMENT_LABELS[key].lower()}: {doc.sub_judgements[key]}")
                facts.append({"kind": "grade", "area": key, "value": doc.sub_judgements[key], "doc_id": doc.doc_id})
            sentences.append(Sentence(text=f"{head}: " + "; ".join(parts) + ".", cites=cites))
        else:
            named = [a for a in u.areas if a in AREAS]
            # "Did Portsmouth get outstanding overall?" names no judgement's full title, but asks for that one;
            # "overall" beside a named area ("care leavers ... overall") asks for that area.
            areas = named or (["overall_effectiveness"] if re.search(r"\boverall\b", u.question, re.I) else list(AREAS))
            judged = [a for a in areas if doc.judgements.get(a)]
            if not judged and any(doc.judgements.values()):
                # Reports from April 2026 have no overall-effectiveness judgement: say so, and give the ones it has.
                given = [a for a in AREAS if doc.judgements.get(a)]
                missing = " and ".join(AREA_LABELS[a].lower() for a in areas if not doc.judgements.get(a))
                table = _judgement_table(index, doc, given, cite)
                # The lead answers with the grades themselves, each cited, not only a pointer to the table.
                grades = ", ".join(f"{AREA_LABELS[a].lower()} {doc.judgements[a]}" for a in given)
                sentences.append(Sentence(text=f"{head}: {missing} is not judged in this report; it gives "
                                               f"{len(given)} judgements: {grades}.",
                                          cites=[n for r in table.rows for n in r.cites]))
                tables.append(table)
                facts += [{"kind": "grade", "area": a, "value": doc.judgements[a], "doc_id": doc.doc_id} for a in given]
            elif len(areas) == 1 or len(judged) == 1:
                area = judged[0] if judged else areas[0]
                grade = doc.judgements.get(area)
                text = f"{head}: {AREA_LABELS[area].lower()}: {grade}." if grade else f"{head}: {AREA_LABELS[area].lower()}: not judged in this report."
                sentences.append(Sentence(text=text, cites=cite(grade_citation(index, doc, area)) if grade else []))
                if grade:
                    facts.append({"kind": "grade", "area": area, "value": grade, "doc_id": doc.doc_id})
            else:
                first = next((a for a in areas if doc.judgements.get(a)), areas[0])
                table = _judgement_table(index, doc, areas, cite)
                row_cites = next((r.cites for r in table.rows if r.cites), [])
                sentences.append(Sentence(text=f"{head}: {AREA_LABELS[first].lower()}: {doc.judgements.get(first)}.",
                                          cites=row_cites if first == areas[0] else []))
                tables.append(table)
                facts += [{"kind": "grade", "area": a, "value": doc.judgements[a], "doc_id": doc.doc_id}
                          for a in areas if doc.judgements.get(a)]
    if not sentences:
        return None
    blocks = [Lead(sentences=sentences), *tables]
    if not facts:
        return FactAnswer(plain_text(blocks), numbered.citations, {"kind": kind, "value": None}, blocks)
    fact = facts[0] if len(facts) == 1 else {"kind": kind, "value": facts[0]["value"], "values": facts}
    return FactAnswer(plain_text(blocks), numbered.citations, fact, blocks)


def _judgement_table(index: Index, doc: DocumentInfo, areas: list[str], cite) -> Table:
    rows = []
    for area in areas:
        grade = doc.judgements.get(area)
        rows.append(Row(cells=[AREA_LABELS[area], grade or "not judged in this report"],
                        cites=cite(grade_citation(index, doc, area)) if grade else []))
    return Table(caption=f"{doc.local_authority}, report published {_fmt(doc.published)}: judgements",
                 columns=["Judgement", "Grade"], rows=rows)


def grade_citation(index: Index, doc: DocumentInfo, area: str) -> Citation | None:
    """The judgement table's line stating a report's grade for an area (or a 2013-17 sub-judgement)."""
    if area in SUB_JUDGEMENT_LABELS:
        return _sub_citation(index, doc, area)
    if area not in AREAS or not doc.judgements.get(area):
        return None
    return _table_citation(index, doc, 0, _grade_line(area))


_SUB_WORDS = {
    "adoption_performance": r"\badoption\b",
    "lscb": r"\blscb\b|\blocal safeguarding children(?:'s)? board\b|\bsafeguarding (?:children )?board\b",
}
_SUB_LABEL_RE = {
    "adoption_performance": r"Adoption performance",
    "lscb": r"The (?:effectiveness of the )?(?:LSCB|Local Safeguarding Children Board(?: \(LSCB\))?)",
}


_DATES_LINE = r"Inspection dates?:?\s*\d[\w ,–-]{0,40}?\d{4}"


def _grade_line(area: str) -> str:
    """The judgement table's line giving an area's grade."""
    return f"(?:{_AREA_LABEL_RE[area]})\\s*{_GRADE_TEXT}"


def _table_answer(lead: str, caption: str, columns: list[str], rows: list[Row], cites: Numbers, fact: dict) -> FactAnswer:
    """A count or list: the count in a sentence, then every council in a table row citing its source."""
    blocks: list = [Lead(sentences=[Sentence(text=lead, cites=rows[0].cites if len(rows) == 1 else [])])]
    if rows:
        blocks.append(Table(caption=caption, columns=columns, rows=rows))
    return FactAnswer(plain_text(blocks), cites.citations, fact, blocks)


def _sub_citation(index: Index, doc: DocumentInfo, key: str) -> Citation | None:
    """The line stating a sub-judgement: on the judgement page, else the first page that states it (the LSCB
    has its own section in the reports before 2014)."""
    return _stated_anywhere(index, doc, f"(?:{_SUB_LABEL_RE[key]})\\s*{_GRADE_TEXT}")


def _stated_anywhere(index: Index, doc: DocumentInfo, *patterns: str) -> Citation | None:
    """The first line matching one of the patterns: on the judgement page, else on the first page that has one."""
    first = doc.judgement_page or 1
    for page in (first, *(p for p in range(1, doc.pages + 1) if p != first)):
        for pattern in patterns:
            cit = _table_citation(index, doc, 0, pattern, page=page)
            if cit is not None:
                return cit
    return None


def _grades_in(text: str) -> list[str]:
    return [g for g, p in _GRADE_WORDS.items() if re.search(p, text, re.I)]


def _answer_change(index: Index, u: Understanding) -> FactAnswer | None:
    """Councils whose judgement went from one grade in a report to another in their next report."""
    m = _CHANGE.search(u.question)
    before, after = _grades_in(m.group("before")), _grades_in(m.group("after"))
    if len(before) != 1 or len(after) != 1:
        return None
    area = next((a for a in u.areas if a in AREAS), "overall_effectiveness")
    label = AREA_LABELS[area].lower()
    by_council: dict[str, list[DocumentInfo]] = {}
    for d in index.reports():
        if d.local_authority and d.judgements.get(area):
            by_council.setdefault(d.local_authority, []).append(d)
    if all(len(docs) < 2 for docs in by_council.values()):
        text = ("This index holds only each council's latest report, so it cannot show a change of grade "
                "between one report and the next.")
        blocks = [Message(text=text)]
        return FactAnswer(text, [], {"kind": "change", "value": None}, blocks)
    cites = Numbers()
    rows, names = [], []
    for la in sorted(by_council):
        docs = sorted(by_council[la], key=sort_date)
        for old, new in zip(docs, docs[1:]):
            if old.judgements[area] == before[0] and new.judgements[area] == after[0]:
                marks = [cites.cite(grade_citation(index, d, area)) for d in (old, new)]
                rows.append(Row(cells=[la, f"{before[0]} ({_fmt(old.published)})", f"{after[0]} ({_fmt(new.published)})"],
                                cites=marks[0] + marks[1]))
                names.append(la)
                break
    checked = sum(1 for docs in by_council.values() if len(docs) > 1)
    plural = "s" if checked != 1 else ""
    if not rows:
        lead = f"No council went from {before[0]} to {after[0]} for {label} between two of its indexed reports ({checked} council{plural} with more than one report checked)."
    else:
        lead = (f"{len(rows)} of {checked} council{plural} with more than one indexed report went from {before[0]} to "
                f"{after[0]} for {label} between one report and the next.")
    return _table_answer(lead, f"Councils that went from {before[0]} to {after[0]} for {label}",
                         ["Council", "Before", "After"], rows, cites,
                         {"kind": "change", "area": area, "from": before[0], "to": after[0],
                          "value": "; ".join(names), "councils_checked": checked})


def _answer_inspected(index: Index, u: Understanding) -> FactAnswer | None:
    """The councils inspected in a year range (the inspection's own dates), each with its dates and grade."""
    lo, hi = u.filters.year_from, u.filters.year_to
    def inspected_in(d: DocumentInfo) -> bool:
        years = {x.year for x in (d.inspection_start, d.inspection_end) if x}
        return any((lo or 0) <= y <= (hi or 9999) for y in years)
    docs = sorted((d for d in index.reports() if inspected_in(d)), key=lambda d: (sort_date(d), d.local_authority or ""))
    span = str(lo) if lo == hi else f"{lo or '…'}-{hi or '…'}"
    cites = Numbers()
    rows = []
    for d in docs:
        overall = d.judgements.get("overall_effectiveness") or "no overall-effectiveness judgement (2026 format)"
        dates = f"inspected {_fmt(d.inspection_start)} to {_fmt(d.inspection_end)}" if d.inspection_start else "dates not stated"
        rows.append(Row(cells=[d.local_authority or d.title, dates, _fmt(d.published), overall],
                        cites=cites.cite(_table_citation(index, d, 0, _DATES_LINE))))
    if not rows:
        lead = f"No indexed report is of an inspection in {span}."
    else:
        lead = f"{len(rows)} indexed report{'s' if len(rows) != 1 else ''} of inspections in {span}."
    return _table_answer(lead, f"Inspections in {span}", ["Council", "Inspection", "Published", "Overall effectiveness"],
                         rows, cites, {"kind": "inspected", "value": "; ".join(d.local_authority or "" for d in docs),
                                       "reports": len(docs)})


def _answer_list(index: Index, u: Understanding) -> FactAnswer | None:
    q = u.question
    grade = next((g for g, p in _GRADE_WORDS.items() if re.search(p, q, re.I)), None)
    if grade is None or grade not in GRADES:
        return None
    area = next((a for a in u.areas if a in AREAS), "overall_effectiveness")
    lo, hi = u.filters.year_from, u.filters.year_to
    if lo or hi:
        pool = [d for d in index.reports() if published_in(d, lo, hi)]
        scope = f"in reports published {lo}" if lo == hi else f"in reports published {lo}-{hi}"
    else:
        pool = list(latest_per_council(index.reports()).values())
        scope = "in each council's latest indexed report"
    matches = sorted((d for d in pool if d.judgements.get(area) == grade), key=lambda d: d.local_authority or "")
    label = AREA_LABELS[area].lower()
    cites = Numbers()
    rows = [Row(cells=[d.local_authority or d.title, _fmt(d.published), grade],
                cites=cites.cite(grade_citation(index, d, area))) for d in matches]
    value = "; ".join(sorted(d.local_authority or "" for d in matches))
    if not matches:
        lead = f"No council was judged {grade} for {label} {scope} ({len(pool)} reports checked)."
    else:
        lead = f"{len(matches)} of {len(pool)} councils were judged {grade} for {label} {scope}."
    return _table_answer(lead, f"Councils judged {grade} for {label}", ["Council", "Published", AREA_LABELS[area]],
                         rows, cites, {"kind": "list", "area": area, "grade": grade, "value": value,
                                       "reports_checked": len(pool)})
