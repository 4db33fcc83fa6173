"""Council comparisons and timelines on the fixture index (Stoke-on-Trent 2015/2019/2022/2025, Norfolk 2026)."""
from __future__ import annotations

import pytest

from assistant.trainer import comparison_markdown, compare_councils, council_timeline, timeline_chart, timeline_markdown

RI, INADEQUATE, GOOD = "requires improvement", "inadequate", "good"
# What the reports' judgement tables say (checked against the index below as well).
STOKE = {
    2015: ("SIF 2013-17", {"overall_effectiveness": RI}),
    2019: ("ILACS 2018", dict.fromkeys(("overall_effectiveness", "impact_of_leaders", "help_and_protection",
                                         "children_in_care", "care_leavers"), INADEQUATE)),
    2022: ("ILACS 2018", {"overall_effectiveness": RI, "children_in_care": GOOD, "care_leavers": GOOD}),
    2025: ("ILACS 2023", {"overall_effectiveness": RI, "children_in_care": GOOD}),
}


def test_timeline_lists_stokes_four_inspections_with_their_grades(index):
    t = council_timeline(index, "Stoke", "supervision", dense=False)
    assert t.council == "Stoke-on-Trent"
    assert [r.published.year for r in t.reports] == [2015, 2019, 2022, 2025]
    docs = {d.doc_id: d for d in index.reports()}
    for r in t.reports:
        framework, grades = STOKE[r.published.year]
        assert r.framework == framework
        assert r.judgements == docs[r.doc_id].judgements
        for area, grade in grades.items():
            assert r.judgements[area] == grade, (r.published, area)
        assert r.inspection_start and r.inspection_start <= r.published


def test_timeline_shows_how_the_words_on_a_theme_changed(index):
    t = council_timeline(index, "Stoke-on-Trent", "supervision", quotes_per_report=3, dense=False)
    by_year = {r.published.year: r.quotes for r in t.reports}
    assert all(by_year.values())
    assert any("No social worker is receiving one-to-one case supervision" in q.text for q in by_year[2019])
    for r in t.reports:
        assert all(q.doc_id == r.doc_id and q.local_authority == "Stoke-on-Trent" for q in r.quotes)
    md = timeline_markdown(t)
    assert md.index("10 August 2015") < md.index("18 March 2019") < md.index("25 November 2022") < md.index("15 July 2025")
    assert timeline_chart(t)[:8] == b"\x89PNG\r\n\x1a\n"


def test_timeline_of_an_unknown_council_is_an_error(index):
    with pytest.raises(ValueError, match="Atlantis"):
        council_timeline(index, "Atlantis")


def test_compare_uses_each_councils_latest_report(index):
    c = compare_councils(index, ["Stoke-on-Trent", "Norfolk"], "caseloads", dense=False)
    assert c.councils == ["Stoke-on-Trent", "Norfolk"] and not c.missing
    stoke, norfolk = c.reports
    assert stoke.published.year == 2025 and norfolk.published.year == 2026
    assert stoke.judgements["overall_effectiveness"] == RI and stoke.judgements["children_in_care"] == GOOD
    assert set(norfolk.judgements.values()) == {"outstanding"}
    for r in c.reports:
        assert r.quotes and all(q.doc_id == r.doc_id for q in r.quotes)
        assert all("caseload" in q.text.lower() or "workload" in q.text.lower() for q in r.quotes)
    md = comparison_markdown(c)
    assert "| Children in care | Good | Outstanding |" in md and "Stoke-on-Trent, report published 15 July 2025" in md


def test_compare_needs_two_to_five_councils_and_reports_unknown_ones(index):
    with pytest.raises(ValueError):
        compare_councils(index, ["Norfolk"])
    with pytest.raises(ValueError):
        compare_councils(index, ["Norfolk"] * 6)
    c = compare_councils(index, ["Norfolk", "Atlantis"])
    assert c.missing == ["Atlantis"] and [r.local_authority for r in c.reports] == ["Norfolk"]
    assert c.reports[0].quotes == []


def test_compare_and_timeline_keep_to_a_year_range(index):
    """The side panel's years reach both tools: a comparison as the councils stood then, a timeline cut to them."""
    c = compare_councils(index, ["Stoke-on-Trent", "Norfolk"], year_to=2019)
    assert [(r.local_authority, r.published.year) for r in c.reports] == [("Stoke-on-Trent", 2019)]
    assert "No indexed report of Norfolk is published up to 2019." in c.notices
    assert c.scope_line() == "Each council\u2019s latest indexed report published up to 2019."
    t = council_timeline(index, "Stoke-on-Trent", year_from=2019, year_to=2022)
    assert [r.published.year for r in t.reports] == [2019, 2022]
    assert "2 of the 4 indexed reports of Stoke-on-Trent are published 2019-2022." in t.notices
    assert "published 2019-2022" in timeline_markdown(t) and "published up to 2019" in comparison_markdown(c)
