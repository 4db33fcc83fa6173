"""Report metadata read from real reports, one per era, plus the heading/grade helpers.

Expected values were checked by reading each PDF's first page (and, for SIF,
the inspection-team list near the end, where SIF names the lead inspector).
"""

from __future__ import annotations

import datetime
import os
from functools import lru_cache
from pathlib import Path

import pytest

from assistant.documents.reports import (
    ReportMetadata,
    area_for_heading,
    extract_report_metadata,
    grade_in_text,
)
from assistant.domain import AREAS

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("OFSTED_CORPUS", REPO.parent / "shared" / "corpus"))
STOKE = "reports/80564_stoke-on-trent"

RI = "requires improvement"


@lru_cache(maxsize=None)
def _metadata(rel: str) -> ReportMetadata:
    import pypdf

    path = CORPUS / rel
    if not path.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    pages = [page.extract_text() for page in pypdf.PdfReader(str(path)).pages]
    return extract_report_metadata(pages, path)


def _grades(overall, leaders, help_protect, in_care, leavers) -> dict[str, str | None]:
    return dict(zip(AREAS, (overall, leaders, help_protect, in_care, leavers)))


CASES = {
    # The 2013 inspection of looked after children services, before the SIF: four-point scale, its own label.
    "lac_2013": (
        "reports/80549_sandwell/children's services inspection,  pdf - 02 august 2013.pdf",
        dict(
            local_authority="Sandwell",
            urn="80549",
            published=datetime.date(2013, 8, 2),
            inspection_start=datetime.date(2013, 6, 24),
            inspection_end=datetime.date(2013, 6, 28),
            lead_inspector="Christopher Sands",
            inspection_type="looked after children",
            framework="LAC 2012-13",
            judgements=_grades("inadequate", "inadequate", None, None, None),
            judgement_page=24,
        ),
    ),
    # SIF, numbered judgement list; text carries its own publication date.
    "sif": (
        f"{STOKE}/children's services inspection - 12 august 2015.pdf",
        dict(
            local_authority="Stoke-on-Trent",
            urn="80564",
            published=datetime.date(2015, 8, 10),  # "Report published: 10/08/2015", not the file name's 12 August
            inspection_start=datetime.date(2015, 6, 1),
            inspection_end=datetime.date(2015, 6, 25),
            lead_inspector="Peter McEntee",
            inspection_type="SIF",
            framework="SIF 2013-17",
            judgements=_grades(RI, RI, RI, RI, RI),
            judgement_page=1,
        ),
    ),
    # SIF with mixed grades and the "Lead inspector on site:" variant.
    "sif_mixed": (
        "reports/80497_hammersmith and fulham/children's services inspection - 29 march 2016.pdf",
        dict(
            local_authority="Hammersmith and Fulham",
            urn="80497",
            published=datetime.date(2016, 3, 29),
            inspection_start=datetime.date(2016, 1, 11),
            inspection_end=datetime.date(2016, 2, 4),
            lead_inspector="Pietro Battista",
            inspection_type="SIF",
            framework="SIF 2013-17",
            judgements=_grades("good", "outstanding", "good", "good", "good"),
            judgement_page=1,
        ),
    ),
    # ILACS 2018: combined children in care / care leavers row.
    "ilacs_2018": (
        f"{STOKE}/children's services inspection - 18 march 2019.pdf",
        dict(
            local_authority="Stoke-on-Trent",
            urn="80564",
            published=datetime.date(2019, 3, 18),
            inspection_start=datetime.date(2019, 2, 4),
            inspection_end=datetime.date(2019, 2, 15),
            lead_inspector="Neil Penswick",
            inspection_type="standard",
            framework="ILACS 2018",
            judgements=_grades(*(["inadequate"] * 5)),
            judgement_page=1,
        ),
    ),
    # ILACS 2018 table, two lead inspectors.
    "ilacs_2018_two_leads": (
        f"{STOKE}/children's services inspection - 25 november 2022.pdf",
        dict(
            local_authority="Stoke-on-Trent",
            urn="80564",
            published=datetime.date(2022, 11, 25),
            inspection_start=datetime.date(2022, 10, 3),
            inspection_end=datetime.date(2022, 10, 14),
            lead_inspector="Rebecca Quested and Matthew Reed",
            inspection_type="standard",
            framework="ILACS 2018",
            judgements=_grades(RI, RI, RI, "good", "good"),
            judgement_page=1,
        ),
    ),
    # ILACS 2023: separate care leavers row.
    "ilacs_2023": (
        f"{STOKE}/children's services inspection - 15 july 2025.pdf",
        dict(
            local_authority="Stoke-on-Trent",
            urn="80564",
            published=datetime.date(2025, 7, 15),
            inspection_start=datetime.date(2025, 5, 12),
            inspection_end=datetime.date(2025, 5, 23),
            lead_inspector="John Roughton",
            inspection_type="standard",
            framework="ILACS 2023",
            judgements=_grades(RI, RI, RI, "good", RI),
            judgement_page=1,
        ),
    ),
    # Post-April-2026 format: no overall effectiveness row.
    "ilacs_2026": (
        "reports/2637539_north northamptonshire/children's services inspection - 07 july 2026.pdf",
        dict(
            local_authority="North Northamptonshire",
            urn="2637539",
            published=datetime.date(2026, 7, 7),
            inspection_start=datetime.date(2026, 5, 11),
            inspection_end=datetime.date(2026, 5, 22),
            lead_inspector="David Cohen",
            inspection_type="standard",
            framework="ILACS 2026",
            judgements=_grades(None, "outstanding", "good", "good", "good"),
            judgement_page=1,
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_report_metadata(case: str) -> None:
    rel, expected = CASES[case]
    # The 2013-17 sub-judgements are checked on their own (test_the_single_inspection_frameworks_sub_judgements).
    assert _metadata(rel).model_dump(exclude={"sub_judgements"}) == expected


def test_stoke_2019_every_judgement_inadequate() -> None:
    meta = _metadata(f"{STOKE}/children's services inspection - 18 march 2019.pdf")
    assert set(meta.judgements) == set(AREAS)
    assert set(meta.judgements.values()) == {"inadequate"}


def test_pages_without_a_report_give_nulls() -> None:
    meta = extract_report_metadata(["Working together to safeguard children", "Chapter 1"], "framework/guide.pdf")
    assert meta.local_authority is None and meta.framework is None and meta.urn is None
    assert meta.judgements == dict.fromkeys(AREAS)
    assert extract_report_metadata([], "x.pdf").judgements == dict.fromkeys(AREAS)


def test_raw_pypdf_quirks_on_a_synthetic_page() -> None:
    # Curly apostrophes, a grade split over lines and a heading broken mid-phrase.
    page = (
        " \n 1 \nInspection of Anyshire local \nauthority children\u2019s services  \n"
        "Inspection dates: 30 September to 11 October 2024 and 13 to 16 January 2025 \n"
        "Lead inspector: Ann Example, His Majesty\u2019s Inspector \n"
        "Judgement Grade \nThe impact of leaders on social work \npractice with children and families \n"
        "Requires improvement \nto be good \nThe experiences and progress of \n"
        "children who need help and protection  \nInadequate \n"
        "The experiences and progress of \nchildren in care \nGood \n"
        "The experiences and progress of care \nleavers  \nOutstanding \n"
        "Overall effectiveness Inadequate \nChildren\u2019s experiences in Anyshire remain poor.\n"
    )
    meta = extract_report_metadata([page], "reports/12345_anyshire/children's services inspection - 13 may 2025.pdf")
    assert meta.local_authority == "Anyshire"
    assert meta.urn == "12345"
    assert meta.published == datetime.date(2025, 5, 13)
    assert (meta.inspection_start, meta.inspection_end) == (datetime.date(2024, 9, 30), datetime.date(2025, 1, 16))
    assert meta.lead_inspector == "Ann Example"
    assert meta.framework == "ILACS 2023"
    assert meta.judgements == _grades("inadequate", RI, "inadequate", "good", "outstanding")


@pytest.mark.parametrize(
    ("heading", "area"),
    [
        ("The experiences and progress of children who need help and protection is: inadequate", "help_and_protection"),
        ("The experiences and progress of children who need help and \nprotection: requires improvement to be good", "help_and_protection"),
        ("Leadership, management and governance", "impact_of_leaders"),
        ("3. Leadership, management and governance Requires improvement", "impact_of_leaders"),
        ("The impact of leaders on social work practice with children and families: good", "impact_of_leaders"),
        ("Children who need help and protection", "help_and_protection"),
        ("2. Children looked after and achieving permanence", "children_in_care"),
        ("The experiences and progress of children in care: outstanding", "children_in_care"),
        ("The experiences and progress of children in care and care leavers", "children_in_care"),
        ("2.2 Experiences and progress of care leavers", "care_leavers"),
        ("The experiences and progress of care \nleavers: good", "care_leavers"),
        ("Overall effectiveness", "overall_effectiveness"),
        ("Children\u2019s services in Stoke-on-Trent require improvement to be good", "overall_effectiveness"),
        ("2.1 Adoption performance", None),
        ("The Local Safeguarding Children Board", None),
        ("What needs to improve?", None),
        ("Children looked after in this area", None),
        ("Kent County Council Inspection of looked after children services", None),
        ("", None),
    ],
)
def test_area_for_heading(heading: str, area: str | None) -> None:
    assert area_for_heading(heading) == area


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Requires improvement to be good", RI),
        ("Requires \nimprovement to \nbe good", RI),
        ("Require improvement", RI),
        ("requires improvement", RI),
        ("Inadequate", "inadequate"),
        ("Good ", "good"),
        ("Outstanding", "outstanding"),
        ("Not judged", None),
        ("Adequate", None),  # 2013 four-point scale; not one of GRADES
        ("", None),
    ],
)
def test_grade_in_text(text: str, grade: str | None) -> None:
    assert grade_in_text(text) == grade


@pytest.mark.parametrize("rel, adoption, lscb", [
    # The LSCB's judgement on page 1 (from 2014), or at the head of its own section (before).
    ("reports/80536_oxfordshire/children's services inspection - 30 june 2014.pdf", "good", "good"),
    ("reports/80488_bexley/children's services inspection - 23 may 2014.pdf", RI, "inadequate"),
    ("reports/80444_calderdale/children's services inspection - 20 march 2015.pdf", "inadequate", RI),
    (f"{STOKE}/children's services inspection - 12 august 2015.pdf", "good", RI),
])
def test_the_single_inspection_frameworks_sub_judgements(rel, adoption, lscb):
    assert _metadata(rel).sub_judgements == {"adoption_performance": adoption, "lscb": lscb}


def test_later_frameworks_have_no_sub_judgements():
    assert _metadata(f"{STOKE}/children's services inspection - 18 march 2019.pdf").sub_judgements == {}
