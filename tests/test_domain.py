"""The domain rules (assistant/domain.py) and the facts built on them, on hand-made documents: no index needed."""
from __future__ import annotations

import datetime as dt

from assistant.domain import (
    AREAS, FRAMEWORKS, GRADES, grade_rank, in_years, latest_per_council, published_in, report_date, report_year,
    sort_date,
)
from assistant.facts import answer_fact, wants_fact
from assistant.models import DocumentInfo, Filters
from assistant.query import CouncilMatcher, understand


def _report(doc_id: str, la: str | None = "Kent", published=None, start=None, end=None, **judgements) -> DocumentInfo:
    return DocumentInfo(doc_id=doc_id, path=f"reports/{doc_id}.pdf", title=doc_id, kind="report", local_authority=la,
                        published=published, inspection_start=start, inspection_end=end, framework="ILACS 2023",
                        judgements={a: judgements.get(a) for a in AREAS}, pages=10, chunks=5)


def test_a_reports_date_falls_back_from_publication_to_the_inspection():
    assert report_date(_report("a", published=dt.date(2024, 3, 1), end=dt.date(2024, 1, 20))) == dt.date(2024, 3, 1)
    assert report_date(_report("b", end=dt.date(2024, 1, 20), start=dt.date(2024, 1, 8))) == dt.date(2024, 1, 20)
    assert report_year(_report("c", start=dt.date(2019, 12, 2))) == 2019
    undated = _report("d")
    assert report_date(undated) is None and report_year(undated) is None and sort_date(undated) == dt.date.min


def test_in_years_takes_the_publication_or_the_inspection_year():
    winter = _report("w", published=dt.date(2019, 2, 11), start=dt.date(2018, 12, 3), end=dt.date(2018, 12, 14))
    assert in_years(winter, 2019, 2019) and in_years(winter, 2018, 2018)
    assert not in_years(winter, 2020, None) and in_years(winter, None, 2018) and in_years(winter, None, None)
    assert not in_years(_report("undated"), 2019, 2019)
    # Counts over years take one year per report: its publication year.
    assert published_in(winter, 2019, 2019) and not published_in(winter, 2018, 2018)


def test_latest_per_council_is_stable_and_survives_missing_dates():
    old = _report("k1", published=dt.date(2019, 5, 1))
    new = _report("k2", published=dt.date(2023, 5, 1))
    undated = _report("k3")
    tie_a, tie_b = _report("s1", "Sandwell", dt.date(2022, 1, 1)), _report("s2", "Sandwell", dt.date(2022, 1, 1))
    for order in ([old, new, undated, tie_a, tie_b], [tie_b, undated, new, tie_a, old]):
        latest = latest_per_council(order)
        assert latest["Kent"].doc_id == "k2" and latest["Sandwell"].doc_id == "s2"
    assert latest_per_council([_report("x", la=None)]) == {}


def test_grades_and_eras_in_order():
    assert GRADES[0] == "outstanding" and grade_rank("inadequate") == 3 and grade_rank(None) is None
    assert FRAMEWORKS[0] == "LAC 2012-13" and FRAMEWORKS[-1] == "ILACS 2026"


class _Store:
    def page_text(self, doc_id, page):
        return "Judgement Grade Overall effectiveness Inadequate"


class _Index:
    """The two things facts read from an index: its reports and a page's text."""

    def __init__(self, reports):
        self._reports = reports
        self.store = _Store()

    def reports(self):
        return self._reports


def test_fact_questions_answer_when_a_reports_dates_were_not_found():
    reports = [_report("k1", published=dt.date(2023, 5, 1), overall_effectiveness="inadequate"),
               _report("k2", overall_effectiveness="good"),  # no date found in its text
               _report("d1", "Devon", overall_effectiveness="inadequate")]
    matcher = CouncilMatcher(["Kent", "Devon"])
    listing = understand("Which councils are rated inadequate?", matcher, Filters())
    assert wants_fact(listing) == "list"
    fact = answer_fact(_Index(reports), listing, "list")
    assert fact.fact["value"] == "Devon; Kent" and fact.fact["reports_checked"] == 2
    grade = understand("What grade did Kent get?", matcher, Filters())
    fact = answer_fact(_Index(reports), grade, wants_fact(grade))
    assert fact.fact["doc_id"] == "k1", "the dated report is the latest; the undated one sorts first"


def test_a_2026_report_has_no_overall_grade_and_the_answer_gives_its_four_judgements():
    blackpool = _report("b1", "Blackpool", dt.date(2026, 7, 28), impact_of_leaders="outstanding",
                        help_and_protection="good", children_in_care="outstanding", care_leavers="outstanding")
    u = understand("What overall grade did Blackpool get in 2026?", CouncilMatcher(["Blackpool"]), Filters())
    fact = answer_fact(_Index([blackpool]), u, wants_fact(u))
    assert ("overall effectiveness is not judged in this report; it gives 4 judgements: impact of leaders outstanding, "
            "help and protection good, children in care outstanding, care leavers outstanding") in fact.answer
    table = next(b for b in fact.blocks if b.kind == "table")
    assert ["Help and protection", "good"] in [r.cells for r in table.rows]
    assert [v["value"] for v in fact.fact["values"]] == ["outstanding", "good", "outstanding", "outstanding"]


def test_did_it_get_a_grade_is_a_grade_question_and_a_2026_report_answers_with_its_four():
    portsmouth = _report("p1", "Portsmouth", dt.date(2026, 8, 18), impact_of_leaders="outstanding",
                         help_and_protection="outstanding", children_in_care="outstanding", care_leavers="outstanding")
    matcher = CouncilMatcher(["Portsmouth"])
    u = understand("Did Portsmouth City get outstanding overall at its 2026 inspection?", matcher, Filters())
    assert wants_fact(u) == "grade"
    fact = answer_fact(_Index([portsmouth]), u, wants_fact(u))
    lead = next(b for b in fact.blocks if b.kind == "lead")
    assert "overall effectiveness is not judged in this report; it gives 4 judgements" in lead.sentences[0].text
    assert lead.sentences[0].text.endswith("impact of leaders outstanding, help and protection outstanding, children in "
                                          "care outstanding, care leavers outstanding.")
    # "Overall" beside a named area asks for that area.
    u = understand("Overall, what grade did Portsmouth get for care leavers in 2026?", matcher, Filters())
    fact = answer_fact(_Index([portsmouth]), u, wants_fact(u))
    assert "care leavers: outstanding" in fact.answer and "not judged" not in fact.answer
    assert wants_fact(understand("Did Portsmouth get requires improvement to be good?", matcher, Filters())) == "grade"
    # A grade word inside a question about practice is no grade question.
    for question in ("Do children get good help in Portsmouth?", "Do children in Portsmouth get good care?"):
        assert wants_fact(understand(question, matcher, Filters())) is None, question
