"""The rules of the domain, in one place: Ofsted's judgement areas and grades, the framework eras, and what
"a report's date", "in these years" and "the latest report of each council" mean.

Every part of the assistant (ingest, filters, facts, answers, trainer tools, the page, the eval checkers)
imports these, so a list or a rule cannot drift between copies. The functions take any object with a
DocumentInfo's date fields (`published`, `inspection_start`, `inspection_end`, `local_authority`, `doc_id`).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # the document model imports this module; a runtime import would be a cycle
    from assistant.models import DocumentInfo

# The five judgements, in the order the reports state them. The 2013-17 single inspection framework's
# "leadership, management and governance" is stored as impact_of_leaders; its "children looked after and
# achieving permanence" as children_in_care. In the 2018-22 format children in care and care leavers are one
# judgement, stored under both keys. Reports from April 2026 have no overall-effectiveness judgement.
AREAS = ("overall_effectiveness", "impact_of_leaders", "help_and_protection", "children_in_care", "care_leavers")
AREA_LABELS = {
    "overall_effectiveness": "Overall effectiveness",
    "impact_of_leaders": "Impact of leaders",
    "help_and_protection": "Help and protection",
    "children_in_care": "Children in care",
    "care_leavers": "Care leavers",
}

# The single inspection framework (2013-17) also graded adoption performance (within children looked after)
# and the local safeguarding children board; no later framework has these judgements.
SUB_JUDGEMENTS = ("adoption_performance", "lscb")
SUB_JUDGEMENT_LABELS = {
    "adoption_performance": "Adoption performance",
    "lscb": "The effectiveness of the local safeguarding children board (LSCB)",
}

# Best first. "Requires improvement to be good" (ILACS) and "requires improvement" (SIF) are one grade.
GRADES = ("outstanding", "good", "requires improvement", "inadequate")
STRONG_GRADES = ("outstanding", "good")
WEAK_GRADES = ("requires improvement", "inadequate")


def grade_rank(grade: str | None) -> int | None:
    """0 for outstanding ... 3 for inadequate; None for no grade. Lower is better."""
    return GRADES.index(grade) if grade in GRADES else None


# Framework eras, oldest first, as the metadata extractor labels them.
FRAMEWORK_LAC = "LAC 2012-13"  # the 2013 inspections of looked after children services
FRAMEWORK_SIF = "SIF 2013-17"
FRAMEWORK_ILACS_2018 = "ILACS 2018"
FRAMEWORK_ILACS_2023 = "ILACS 2023"
FRAMEWORK_ILACS_2026 = "ILACS 2026"
FRAMEWORKS = (FRAMEWORK_LAC, FRAMEWORK_SIF, FRAMEWORK_ILACS_2018, FRAMEWORK_ILACS_2023, FRAMEWORK_ILACS_2026)


# Short names a few reports use for their council; the other reports (and Ofsted's provider list) use the
# official one. Applied when metadata is extracted and when an index is read, so one council is one name.
COUNCIL_NAME_VARIANTS = {
    "Hull": "Kingston upon Hull",
    "Newcastle": "Newcastle upon Tyne",
    "East Riding": "East Riding of Yorkshire",
}


def council_name(name: str | None) -> str | None:
    return COUNCIL_NAME_VARIANTS.get(name, name) if name else name


def report_date(doc: DocumentInfo) -> dt.date | None:
    """A report's date: its publication date, else the last day of the inspection, else the first."""
    return doc.published or doc.inspection_end or doc.inspection_start


def report_year(doc: DocumentInfo) -> int | None:
    when = report_date(doc)
    return when.year if when else None


def sort_date(doc: DocumentInfo) -> dt.date:
    """report_date for ordering: a report whose dates were not found sorts first, never crashes a comparison."""
    return report_date(doc) or dt.date.min


def in_years(doc: DocumentInfo, year_from: int | None, year_to: int | None) -> bool:
    """Whether a report falls in a year range: its publication year or its inspection year may fall in it
    (a report inspected in December 2018 and published in February 2019 is "the 2019 report" and "the 2018
    inspection"). No range admits everything."""
    if not (year_from or year_to):
        return True
    years = {y for y in (report_year(doc), doc.inspection_start.year if doc.inspection_start else None) if y}
    return any((year_from or 0) <= y <= (year_to or 9999) for y in years)


def published_in(doc: DocumentInfo, year_from: int | None, year_to: int | None) -> bool:
    """Whether a report's year (report_year: its publication year when known) falls in a range. Counts and
    lists over years ("which councils were judged inadequate in reports published in 2024?") use this rather
    than in_years, so a report inspected in December and published in February is counted in one year only."""
    year = report_year(doc)
    return year is not None and (year_from or 0) <= year <= (year_to or 9999)


def latest_per_council(docs: Iterable[DocumentInfo]) -> dict[str, DocumentInfo]:
    """council name -> its newest report (by report_date; on a tie, the greater doc_id, so the choice is stable
    whatever order the documents come in). Documents without a council are left out."""
    latest: dict[str, DocumentInfo] = {}
    for doc in docs:
        if not doc.local_authority:
            continue
        best = latest.get(doc.local_authority)
        if best is None or (sort_date(doc), doc.doc_id) > (sort_date(best), best.doc_id):
            latest[doc.local_authority] = doc
    return latest
