"""The text toolkit (assistant/text.py): what counts as a word, a stem, a quotable sentence and a repeat."""
from __future__ import annotations

from assistant.text import (
    content_stems, near_duplicate, normalise_for_match, normalise_for_scoring, quotable_sentences, stems, words,
)


def test_words_and_stems():
    assert words("Children’s multi-agency work, s20 and CP plans.") == ["children's", "multi-agency", "work", "s20",
                                                                        "and", "cp", "plans"]
    # "children" and "child" are one stem, so "the child's voice" finds "children's voices".
    assert stems("children's voices")[0] == stems("the child's voice")[1]
    assert content_stems("The supervision of the social workers is not regular.") == {"supervis", "social", "worker", "regular"}


def test_quotable_sentences_drop_the_paragraph_number_and_fragments():
    text = ("34. No social worker is receiving one-to-one case supervision. Too short here. "
            "• Managers review plans regularly and record their decisions. • and then a fragment that starts badly.")
    quotes = quotable_sentences(text, capitalised=True)
    assert [q.text for q in quotes] == ["No social worker is receiving one-to-one case supervision.",
                                        "Managers review plans regularly and record their decisions."]
    assert all(text[q.start:q.end] == q.text for q in quotes)
    # Chat answers keep list items: a statute's "to act in the best interests ..." may be the answer.
    assert quotable_sentences(text)[-1].text == "and then a fragment that starts badly."


def test_a_run_on_sentence_is_cut_at_semicolons():
    clause = "the local authority must consider the wishes and feelings of the child in every case"
    text = "When planning care; ".join([clause.capitalize()] * 8) + "."
    quotes = quotable_sentences(text)
    assert len(quotes) > 1 and all(len(q.text) <= 400 for q in quotes)
    assert all(text[q.start:q.end] == q.text for q in quotes)


def test_near_duplicates():
    a = content_stems("Managers provide regular supervision that is reflective and challenging.")
    b = content_stems("Managers provide regular supervision, which is reflective and challenging.")
    c = content_stems("Caseloads are too high in the assessment teams.")
    assert near_duplicate(a, b, 0.85) and not near_duplicate(a, c, 0.7) and not near_duplicate(set(), a, 0.7)


def test_the_two_normal_forms():
    assert normalise_for_match("“front door” – MASH\u00ad") == '"front door" - MASH'
    assert normalise_for_scoring("Multi-\nagency  “work”") == 'multi-agency "work"'


def test_time_limits_and_frequencies_are_recognised_in_passages():
    from assistant.text import TIME_LIMIT

    for text in ("It should do so within five working days of becoming aware.", "at least once a month",
                 "review filtering and monitoring provision at least annually", "no more than six months after",
                 "meet within 10 working days", "every six weeks"):
        assert TIME_LIMIT.search(text), text
    for text in ("Leaders have worked hard this year.", "Children are seen regularly.", "In 2019 the council"):
        assert not TIME_LIMIT.search(text), text
