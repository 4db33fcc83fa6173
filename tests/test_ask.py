"""Asking questions: what a manager reads, on the fixture index."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.answers import verify_quote
from assistant.cli import cli
from assistant.text import normalise_for_match
from assistant.models import Filters
from tests.conftest import STOKE_2019


def _assert_citations_verbatim(assistant, answer):
    """Every quote is in its chunk and on the cited page (a sentence may run onto the next page)."""
    store = assistant.index.store
    for c in answer.citations:
        assert c.quote
        page = store.page_text(c.doc_id, c.page) or ""
        following = store.page_text(c.doc_id, c.page + 1) or ""
        assert normalise_for_match(c.quote) in normalise_for_match(page + " " + following), c
        if c.passage:
            assert normalise_for_match(c.quote) in normalise_for_match(c.passage)


def test_supervision_in_stoke_2019_cites_paragraph_34_page_9(assistant):
    ans = assistant.ask("What did inspectors say about supervision in Stoke-on-Trent in 2019?")
    assert not ans.refused
    hits = [c for c in ans.citations if c.path == STOKE_2019 and c.paragraph == "34" and c.page == 9]
    assert hits, [(c.path, c.paragraph, c.page) for c in ans.citations]
    assert any("one-to-one case supervision" in c.quote for c in hits)
    assert ans.filters["local_authority"] == ["Stoke-on-Trent"]
    assert ans.filters["year_from"] == ans.filters["year_to"] == 2019
    # The lead answers: the council's judgement of the area, cited to the judgement table, then the best quote.
    lead = ans.blocks[0]
    assert lead.kind == "lead" and ans.plan == "council"
    assert lead.sentences[0].text.startswith("Stoke-on-Trent's report published 18 March 2019 judged")
    assert lead.sentences[0].cites == [1] and ans.citations[0].page == 1
    assert lead.sentences[1].text.startswith("Inspectors found: \u201c") and lead.sentences[1].cites
    # The lead quotes paragraph 34 itself, not the summary's shorter restatement of it (no number to cite).
    quoted = next(c for c in ans.citations if c.n == lead.sentences[1].cites[0])
    assert (quoted.paragraph, quoted.page) == ("34", 9), (quoted.paragraph, quoted.page, quoted.quote)
    assert "[1]" in ans.answer
    _assert_citations_verbatim(assistant, ans)


def test_section_20_found_through_the_glossary(assistant):
    ans = assistant.ask("Did Stoke misuse section 20?")
    assert not ans.refused
    hits = [c for c in ans.citations if c.path == STOKE_2019 and c.paragraph == "18"]
    assert hits and "s20" in hits[0].quote
    _assert_citations_verbatim(assistant, ans)


def test_answers_are_grouped_newest_report_first(assistant):
    ans = assistant.ask("What did inspectors say about care leavers in Stoke-on-Trent?")
    assert not ans.refused
    # After the lead, the newest report's quotes, then each earlier report's, newest first.
    groups = [b for b in ans.blocks if b.kind == "quotes"]
    by_doc = {c.doc_id: c.published for c in ans.citations}
    dates = list(dict.fromkeys(by_doc[g.doc_id] for g in groups))
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True)
    assert [g.label for g in groups if g.label == "Earlier report"], [g.label for g in groups]
    quotes = [normalise_for_match(c.quote) for c in ans.citations]
    assert len(quotes) == len(set(quotes))


def test_explicit_filters_are_applied_and_reported(assistant):
    ans = assistant.ask("How are children in care supported?", filters=Filters(local_authority=["Norfolk"], kind="report"))
    assert not ans.refused
    assert {c.local_authority for c in ans.citations} == {"Norfolk"}
    assert ans.filters["local_authority"] == ["Norfolk"] and ans.filters["kind"] == "report"
    framework_only = assistant.ask("How should leaders support kinship carers?", filters={"kind": "framework"})
    assert framework_only.citations and {c.kind for c in framework_only.citations} == {"framework"}
    years = assistant.ask("What did inspectors say about supervision?", filters={"year_from": 2022, "year_to": 2026})
    assert years.citations and all(c.published.year >= 2022 for c in years.citations)


def test_follow_up_keeps_council_and_topic(assistant):
    first = "What did inspectors say about supervision in Stoke-on-Trent?"
    ans = assistant.ask("And what about in 2022?", history=[first])
    assert not ans.refused
    assert ans.filters["local_authority"] == ["Stoke-on-Trent"]
    assert {c.published.year for c in ans.citations} == {2022}
    leavers = assistant.ask("What did they say about care leavers there?", history=[first])
    assert not leavers.refused
    assert {c.local_authority for c in leavers.citations} == {"Stoke-on-Trent"}
    assert any("care leaver" in c.quote.lower() or "care-experienced" in c.quote.lower() for c in leavers.citations)


@pytest.mark.parametrize("question, area, grade", [
    ("What grade did Stoke-on-Trent get for children in care in 2019?", "children_in_care", "inadequate"),
    ("How was Norfolk judged for care leavers?", "care_leavers", "outstanding"),
    # The 2013-17 framework's own name for the leadership judgement.
    ("What grade did Stoke-on-Trent get for leadership, management and governance in 2015?", "impact_of_leaders",
     "requires improvement"),
])
def test_grade_questions_answered_from_metadata(assistant, question, area, grade):
    ans = assistant.ask(question)
    assert not ans.refused
    assert ans.fact["kind"] == "grade" and ans.fact["area"] == area and ans.fact["value"] == grade
    assert ans.citations and ans.citations[0].page == 1
    assert grade in ans.citations[0].quote.lower()
    _assert_citations_verbatim(assistant, ans)


def test_date_and_inspector_questions(assistant):
    when = assistant.ask("When was Stoke last inspected?")
    assert when.fact["inspection_start"] == "2025-05-12" and when.fact["inspection_end"] == "2025-05-23"
    assert "12 May 2025" in when.answer and when.citations
    lead = assistant.ask("Who was the lead inspector for Stoke-on-Trent in 2019?")
    assert lead.fact["value"] == "Neil Penswick"
    assert "Neil Penswick" in lead.citations[0].quote
    listing = assistant.ask("Which councils were judged inadequate for help and protection in 2019?")
    assert listing.fact["value"] == "Stoke-on-Trent"


@pytest.mark.parametrize("question", [
    "What did inspectors say about fostering in Glasgow City Council?",
    "How long are adult social care waiting lists for hip replacements?",
    "What did the 2031 inspection of Stoke-on-Trent find?",
])
def test_refuses_what_the_corpus_cannot_answer(assistant, question):
    ans = assistant.ask(question)
    assert ans.refused
    assert "do not cover" in ans.answer
    assert not ans.citations
    assert len(ans.related) <= 3


@pytest.mark.parametrize("question", [
    "Is Stoke-on-Trent City Council doing a decent job on supervision?",  # a title and everyday words
    "How often do SWs in Stoke get supervision, and how many DCSs have they had?",  # plurals of abbreviations
])
def test_everyday_phrasing_of_an_answerable_question_is_answered(assistant, question):
    ans = assistant.ask(question)
    assert not ans.refused and ans.citations, ans.notices
    assert {c.local_authority for c in ans.citations if c.kind == "report"} == {"Stoke-on-Trent"}


def test_unknown_council_filter_is_explained(assistant):
    ans = assistant.ask("What about supervision?", filters={"local_authority": ["Atlantis"]})
    assert ans.refused and "Atlantis" in ans.answer


@pytest.mark.parametrize("question", ["", "   ", "?!...", "\x00\x01\x02", "((((", "'; DROP TABLE chunks; --", ".*+?[]"])
def test_odd_questions_get_a_clear_answer(assistant, question):
    ans = assistant.ask(question)
    assert ans.answer
    assert ans.refused or ans.citations


def test_very_long_question_is_truncated_and_says_so(assistant):
    ans = assistant.ask("supervision in Stoke-on-Trent " * 700)  # about 21,000 characters
    assert any("longer than" in n for n in ans.notices)
    assert len(ans.question) <= 2000


def test_verbatim_check_rejects_altered_quotes():
    chunk = "34. No social worker is receiving one-to-one case supervision from a manager."
    assert verify_quote("No social worker is receiving one-to-one case supervision", chunk)
    assert verify_quote("No social worker is receiving  one-to-one\ncase supervision", chunk)  # whitespace only
    assert not verify_quote("Every social worker is receiving one-to-one case supervision", chunk)
    assert not verify_quote("No social worker is receiving case supervision", chunk)
    assert not verify_quote("No social worker is receiving one-to-one case supervision", chunk, page_text="other page")


def test_unverifiable_sentences_are_never_shown(assistant, monkeypatch):
    """If a page's stored text no longer holds a sentence, that sentence is dropped, not shown."""
    import assistant.answers as answers

    real = answers.page_slice
    monkeypatch.setattr(answers, "page_slice", lambda index, row, s, e: (real(index, row, s, e)[0], "altered page text"))
    ans = assistant.ask("What did inspectors say about supervision in Stoke-on-Trent in 2019?")
    assert not ans.citations


def test_cli_ask_json_contract(built_index):
    runner = CliRunner()
    result = runner.invoke(cli, ["ask", "Did Stoke misuse section 20?", "--index", str(built_index[0]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"question", "answer", "refused", "citations", "filters", "seconds"} <= set(data)
    keys = {"n", "doc_id", "path", "title", "kind", "local_authority", "published", "section", "paragraph", "page", "quote", "score"}
    assert data["citations"] and keys <= set(data["citations"][0])
    result = runner.invoke(cli, ["ask", "How are care leavers' homes judged?", "--la", "Norfolk", "--year-from", "2022",
                                 "--kind", "report", "--index", str(built_index[0])])
    assert result.exit_code == 0, result.output
    assert "Norfolk" in result.output and "[1]" in result.output


def test_the_answer_says_what_it_kept_and_where_the_filter_overrode_the_question(assistant):
    first = "What did inspectors say about supervision in Stoke-on-Trent?"
    kept = assistant.ask("And what about care leavers there?", history=[first])
    assert kept.filters["local_authority"] == ["Stoke-on-Trent"]
    assert any(n.startswith("Kept from your earlier question: Stoke-on-Trent") for n in kept.notices), kept.notices
    framework = assistant.ask("What does the national framework say about practice supervisors?", history=[first])
    assert framework.filters["local_authority"] == [] and not any("Kept from" in n for n in framework.notices)
    overridden = assistant.ask("How is supervision in Norfolk?", filters=Filters(local_authority=["Stoke-on-Trent"]))
    assert overridden.filters["local_authority"] == ["Stoke-on-Trent"]
    assert any("names Norfolk" in n and "follows the filter" in n for n in overridden.notices), overridden.notices


def test_counts_changes_and_inspections_by_year_come_from_the_metadata(assistant):
    change = assistant.ask("Which councils improved from inadequate to requires improvement?")
    assert change.fact["kind"] == "change" and change.fact["value"] == "Stoke-on-Trent" and not change.refused
    table = next(b for b in change.blocks if b.kind == "table")
    assert [r.cells for r in table.rows] == [["Stoke-on-Trent", "inadequate (18 March 2019)", "requires improvement (25 November 2022)"]]
    assert table.rows[0].cites == [1, 2]
    assert [c.published.year for c in change.citations] == [2019, 2022]
    inspected = assistant.ask("Which councils were inspected in 2025?")
    assert inspected.fact == {"kind": "inspected", "value": "Stoke-on-Trent", "reports": 1}
    assert "inspected 12 May 2025 to 23 May 2025" in inspected.answer and inspected.citations
    count = assistant.ask("How many councils are rated outstanding?")
    assert count.fact["kind"] == "list" and count.fact["value"] == "Norfolk" and count.answer.startswith("1 of 2 councils")


def test_a_misspelt_word_is_corrected_and_the_answer_says_so(assistant):
    ans = assistant.ask("what did inspectors say about supervison in stoke in 2019?")
    assert not ans.refused and ans.detected["spelling"] == {"supervison": "supervision"}
    assert any(n.startswith("Showing results for \u201csupervision\u201d") for n in ans.notices)
    assert any("one-to-one case supervision" in c.quote for c in ans.citations)


PASTED = ("Two models of social work practice have been introduced, but neither are fully embedded. Social workers "
          "identify the actions they need to take and prioritise their own work, and nobody gives them case direction "
          "or challenge. For many this results in significant issues not being addressed, a lack of progress of plans, "
          "and children remaining in unsafe environments. Inspectors met a considerable number of dedicated and "
          "committed social workers. Which report says this, and what else did it find?")


def test_a_pasted_paragraph_is_searched_for_its_key_phrases(assistant):
    ans = assistant.ask(PASTED)
    assert not ans.refused
    assert any(n.startswith("Your question is long, so it was searched for its key phrases") for n in ans.notices)
    assert len(ans.detected["key_phrases"]) <= assistant.settings.key_phrases
    assert any(c.path == STOKE_2019 for c in ans.citations), [c.path for c in ans.citations]


def test_a_question_across_councils_hears_from_many_reports(assistant):
    ans = assistant.ask("What are common weaknesses in management oversight?")
    rows = assistant.index.store.chunks_by_id(ans.retrieved)
    docs = assistant.index.documents()
    per_report = {}
    for cid in ans.retrieved:
        doc_id = rows[cid]["doc_id"]
        if docs[doc_id].kind == "report":
            per_report[doc_id] = per_report.get(doc_id, 0) + 1
    assert len(per_report) >= 3 and max(per_report.values()) <= assistant.settings.theme_per_report
    one_council = assistant.ask("What are the weaknesses in management oversight in Stoke-on-Trent in 2019?")
    assert len({rows["doc_id"] for rows in assistant.index.store.chunks_by_id(one_council.retrieved).values()}) == 1


def test_a_question_about_a_document_that_is_not_indexed_says_so(assistant):
    ans = assistant.ask("According to Working Together 2023, how soon must an initial child protection conference be held?")
    assert ans.refused and ans.answer.startswith("No indexed document is Working Together to Safeguard Children")


def test_the_single_inspection_frameworks_sub_judgements_are_answered_exactly(assistant):
    adoption = assistant.ask("How did Stoke-on-Trent do on adoption performance in its 2015 inspection?")
    assert adoption.fact["value"] == "good" and adoption.fact["area"] == "adoption_performance"
    assert "adoption performance: good. [1]" in adoption.answer and adoption.citations[0].page == 1
    lscb = assistant.ask("What was Stoke's LSCB judged in 2015?")
    assert lscb.fact["value"] == "requires improvement" and lscb.citations
    assert "requires improvement" in lscb.citations[0].quote.lower()


def test_every_suggested_follow_up_gets_an_answer(assistant):
    ans = assistant.ask("What did inspectors say about supervision in Stoke-on-Trent?")
    questions = [q for b in ans.blocks if b.kind == "follow_ups" for q in b.questions]
    assert len(questions) >= 2, ans.answer
    for q in questions:
        assert not assistant.ask(q).refused, q


def test_one_line_of_the_judgement_table_is_one_source(assistant):
    # In the 2018-22 format children in care and care leavers share one judgement, and one line states it.
    ans = assistant.ask("What were Stoke-on-Trent's inspection grades in 2019?")
    table = next(b for b in ans.blocks if b.kind == "table")
    rows = {r.cells[0]: r.cites for r in table.rows}
    assert rows["Children in care"] and rows["Children in care"] == rows["Care leavers"]
    keys = [(c.path, c.page, c.quote) for c in ans.citations]
    assert len(keys) == len(set(keys))


def test_a_theme_count_is_of_the_topic_its_quotes_speak_to():
    """ "reasonable" is in no quoted passage: the count of reports discussing the topic leaves it out, rather than
    reporting that no report discusses "caseloads and IROs and reasonable" beside the quotes that do."""
    from assistant.answers import answered_topic
    from assistant.query import Understanding

    u = Understanding("What's a reasonable caseload for an IRO?", "reasonable caseload iro", "", Filters(),
                      concepts=[["reasonable"], ["caseload"], ["iro", "independent reviewing officer"]])
    narrowed = answered_topic(u, ["Independent reviewing officers have manageable caseloads."])
    assert [c[0] for c in narrowed.concepts] == ["caseload", "iro"]
    assert answered_topic(u, ["A reasonable caseload lets each IRO know the children."]) is u


def test_the_latest_report_is_the_one_quoted(assistant):
    """ "What does the latest report say ..." quotes the council's newest report only, not each of its reports."""
    ans = assistant.ask("What does the latest report say about care leavers in Stoke-on-Trent?")
    assert not ans.refused
    paths = {c.doc_id: c.path for c in ans.citations}
    quoted = {paths[g.doc_id] for g in ans.blocks if g.kind == "quotes" and g.doc_id}
    assert quoted == {STOKE_2019.replace("18 march 2019", "15 july 2025")}, quoted


def test_an_abbreviation_no_report_uses_is_searched_by_its_expansion(assistant):
    """A report that writes "independent reviewing officers", never "IROs": when no passage has the user's words,
    the passage found by their expansion must still come first, not below the passages the embedder finds for
    the rest of the question (the expansion list alone counts for less, beside passages with the user's words)."""
    from assistant.retrieval import Retriever

    retriever = Retriever(assistant.index)
    ids = [cid for cid in assistant.index.table().chunk_ids[:40]]
    wanted, others = ids[0], ids[1:31]
    retriever.keyword = lambda text, *a, **k: [(wanted, 9.0)] if "reviewing" in text else []
    retriever.dense = lambda *a, **k: [(cid, 0.5) for cid in others]
    hits = retriever.search("iros", "What does the latest report say about IROs?", Filters(), k=5,
                            expansion_text="independent reviewing officers")
    assert wanted in [h.chunk_id for h in hits]


def test_a_time_limit_question_puts_the_passage_stating_one_first(assistant):
    """ "How soon must ...?": of two passages found alike, the one stating a time limit ("within 15 working days")
    comes first; without the question's timing, the order of the search stands."""
    from assistant.retrieval import Retriever
    from assistant.text import TIME_LIMIT

    ids = assistant.index.table().chunk_ids
    rows = assistant.index.store.chunks_by_id(ids)
    timed = next(cid for cid in ids if TIME_LIMIT.search(rows[cid]["text"]))
    untimed = next(cid for cid in ids if not TIME_LIMIT.search(rows[cid]["text"]))
    retriever = Retriever(assistant.index)
    retriever.keyword = lambda text, *a, **k: [(untimed, 9.0), (timed, 8.0)]
    retriever.dense = lambda *a, **k: []
    plain = retriever.search("review", "review", Filters(), k=2)
    timing = retriever.search("review", "review", Filters(), k=2, boost_timing=True)
    assert [h.chunk_id for h in plain] == [untimed, timed]
    assert [h.chunk_id for h in timing] == [timed, untimed]


def test_without_the_reranker_the_lead_is_still_chosen_and_the_answer_says_so(assistant, monkeypatch):
    import assistant.api as api
    from assistant.reranking import RerankerUnavailable

    def missing(max_tokens):
        raise RerankerUnavailable("the reranker's model is not installed")

    monkeypatch.setattr(api, "cross_encoder", missing)
    ans = assistant.ask("What did inspectors say about supervision in Stoke-on-Trent in 2019?")
    assert not ans.refused and ans.blocks[0].kind == "lead"
    assert any("chosen without the reranker" in n and "not installed" in n for n in ans.notices)
