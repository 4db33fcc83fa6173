"""Theme briefings: grouping by the grade of the passage's judgement, verbatim quotes, filters, empty themes."""
from __future__ import annotations

import re

import pytest

from assistant.answers import page_slice, verify_quote
from assistant.config import Settings
from assistant.text import content_stems, near_duplicate, words
from assistant.trainer import Briefing, UnsupportedFilter, briefing_markdown, build_briefing
from assistant.trainer.briefing import grade_group
from assistant.trainer.evidence import passage_grade

STRONG, WEAK = {"outstanding", "good"}, {"requires improvement", "inadequate"}


def _doc(index, council, year):
    return next(d for d in index.reports() if d.local_authority == council and d.published.year == year)


def test_grade_groups():
    assert [grade_group(g) for g in ("outstanding", "good", "requires improvement", "inadequate", None)] == \
        ["strong", "strong", "weak", "weak", None]


def test_passage_grade_uses_the_section_then_overall_then_theme_area(index):
    stoke_2019 = _doc(index, "Stoke-on-Trent", 2019)
    assert passage_grade({"area": "children_in_care", "grade": "inadequate"}, stoke_2019, []) == ("children_in_care", "inadequate")
    assert passage_grade({"area": None, "grade": None}, stoke_2019, []) == ("overall_effectiveness", "inadequate")
    no_overall = stoke_2019.model_copy(update={"judgements": {**stoke_2019.judgements, "overall_effectiveness": None}})
    assert passage_grade({}, no_overall, ["impact_of_leaders"]) == ("impact_of_leaders", "inadequate")


def test_norfolk_is_strong_and_stoke_2019_weak(supervision_briefing: Briefing):
    b = supervision_briefing
    assert not b.empty and b.reports_speaking >= 4
    strong, weak = b.group("strong"), b.group("weak")
    assert "Norfolk" in strong.councils and "Stoke-on-Trent" in weak.councils
    assert strong.reports >= 1 and weak.reports >= 3
    assert all(q.grade in STRONG for q in strong.quotes) and all(q.grade in WEAK for q in weak.quotes)
    assert any(q.local_authority == "Norfolk" for q in strong.quotes)
    assert b.by_grade["outstanding"] >= 1 and b.by_grade["inadequate"] >= 1  # Norfolk 2026; Stoke 2019
    assert sum(b.by_grade.values()) >= b.reports_speaking


def test_every_quote_passes_the_verbatim_check(index, supervision_briefing):
    quotes = supervision_briefing.quotes()
    assert len(quotes) >= 6
    rows = index.store.chunks_by_id([q.chunk_id for q in quotes])
    for q in quotes:
        row = rows[q.chunk_id]
        assert q.doc_id == row["doc_id"] and q.page in {p for p, _, _ in row["segments"]}
        # The chat answers' check: in the chunk, and in the page text the sentence occupies (a sentence may
        # run over a page break, so that is the slice of its pages, as for chat citations).
        start = row["text"].index(q.text)
        page, page_text = page_slice(index, row, start, start + len(q.text))
        assert page == q.page and verify_quote(q.text, row["text"], page_text), q.text
        assert q.char_start is not None and q.text.split()[0] in index.store.page_text(q.doc_id, q.page)[q.char_start:]
        assert re.search(r"supervis|oversight", q.text, re.I), q.text
        if q.kind == "report":
            ref = q.reference()
            assert q.local_authority in ref and str(q.published.year) in ref and f"page {q.page}" in ref


def test_quotes_are_not_near_duplicates(supervision_briefing):
    for g in supervision_briefing.groups:
        keys = [content_stems(q.text) for q in g.quotes]
        for i, a in enumerate(keys):
            assert not any(near_duplicate(a, b, Settings().theme_near_duplicate) for b in keys[i + 1:])


def test_framework_expectations_are_cited(supervision_briefing):
    fw = supervision_briefing.framework
    assert fw and all(q.kind == "framework" and q.page >= 1 for q in fw)
    assert any("National Framework" in q.title or "national framework" in q.title.lower() for q in fw)


def test_distinctions_recur_in_one_group_and_are_backed_by_quotes(supervision_briefing):
    ds = supervision_briefing.distinctions
    assert ds
    for d in ds:
        assert d.reports > d.other_reports and d.quotes
        for q in d.quotes:
            assert d.phrase in " ".join(words(q.text)), (d.phrase, q.text)
            assert q.grade in (STRONG if d.group == "strong" else WEAK)
    assert 3 <= len(supervision_briefing.prompts) <= 4


def test_filters_year_framework_and_councils(index):
    recent = build_briefing(index, "supervision", year_from=2022, dense=False)
    assert recent.scope.reports == 3  # Stoke 2022, 2025; Norfolk 2026
    assert all(q.published.year >= 2022 for q in recent.quotes() if q.kind == "report")
    ilacs18 = build_briefing(index, "supervision", frameworks=["ILACS 2018"], dense=False)
    assert {q.framework for q in ilacs18.quotes() if q.kind == "report"} == {"ILACS 2018"}
    norfolk = build_briefing(index, "supervision", councils=["Norfolk"], dense=False)
    assert {q.local_authority for q in norfolk.quotes() if q.kind == "report"} == {"Norfolk"}
    assert norfolk.group("weak").reports == 0 and not norfolk.distinctions
    # Names and years written into the theme are filters, as in chat.
    stoke = build_briefing(index, "supervision in Stoke since 2022", dense=False)
    assert stoke.scope.councils == ["Stoke-on-Trent"] and stoke.scope.year_from == 2022 and stoke.scope.reports == 2
    assert not stoke.empty and any("read from the theme" in n for n in stoke.notices)
    with pytest.raises(UnsupportedFilter, match="region"):
        build_briefing(index, "supervision", region="West Midlands")
    with pytest.raises(UnsupportedFilter):
        build_briefing(index, "supervision", frameworks=["ILACS 2099"])


def test_a_theme_matching_nothing_gives_a_clear_empty_briefing(empty_briefing, index):
    b = empty_briefing
    assert b.empty and not b.groups and not b.distinctions and b.reports_speaking == 0
    assert "No indexed report speaks to" in b.message and "xyzzy" in b.message
    md = briefing_markdown(b)
    assert "No indexed report speaks to" in md
    blank = build_briefing(index, "   ")
    assert blank.empty and "theme" in blank.message.lower()
    nobody = build_briefing(index, "supervision", councils=["Atlantis"], dense=False)
    assert nobody.empty and any("Atlantis" in n for n in nobody.notices)


def test_markdown_has_every_section(supervision_briefing):
    md = briefing_markdown(supervision_briefing, image="chart.png")
    for heading in ("# Theme briefing: management oversight and supervision", "## Strong (outstanding or good)",
                    "## Weak (requires improvement or inadequate)", "## What distinguishes strong reports",
                    "## What the framework documents expect", "## Discussion prompts", "## Sources", "(chart.png)"):
        assert heading in md
    assert "Norfolk, report published 18 May 2026, paragraph" in md


def test_hybrid_retrieval_finds_the_same_passages(index, supervision_briefing):
    """Why keyword retrieval is the default: quotes must contain the theme's words, so the BM25 pool already
    holds every quotable passage; the dense side only reorders them."""
    hybrid = build_briefing(index, "management oversight and supervision", dense=True)
    assert hybrid.reports_speaking == supervision_briefing.reports_speaking
    assert [(g.reports, g.passages) for g in hybrid.groups] == [(g.reports, g.passages) for g in supervision_briefing.groups]
