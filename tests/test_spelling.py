"""Spelling corrections (assistant/spelling.py): clear typos of corpus words are fixed, nothing else is."""
from __future__ import annotations

from assistant.spelling import apply, correction, corrections, edit_distance

VOCABULARY = {"supervision": 900, "supervisor": 40, "management": 800, "accommodation": 500, "fostering": 300,
              "private": 200, "placements": 400, "placement": 350, "leavers": 900}


def test_edit_distance_counts_a_swap_as_one():
    assert edit_distance("supervison", "supervision", 2) == 1
    assert edit_distance("managmeent", "management", 2) == 1
    assert edit_distance("cat", "supervision", 2) == 3  # beyond the limit: limit + 1


def test_clear_typos_are_corrected():
    assert correction("supervison", VOCABULARY) == "supervision"
    assert correction("accomodation", VOCABULARY) == "accommodation"
    assert correction("privte", VOCABULARY) == "private"


def test_known_short_unclear_or_capitalised_words_are_left_alone():
    assert correction("supervision", VOCABULARY) is None  # known
    assert correction("hipp", VOCABULARY) is None  # too short to correct safely
    assert correction("placementz", {"placements": 400, "placement": 350}) is None  # two close candidates: unclear
    assert correction("zzzzzzz", VOCABULARY) is None
    assert corrections("What is the CQC rating of Supervison?", ["cqc", "rating", "supervison"], VOCABULARY) == {}


def test_the_question_is_rewritten_with_the_corrections():
    fixes = corrections("supervison of staff in stoke", ["supervison", "staff", "stoke"], VOCABULARY)
    assert fixes == {"supervison": "supervision"}
    assert apply("supervison of staff in stoke", fixes) == "supervision of staff in stoke"


def test_another_form_of_a_corpus_word_is_not_a_typo():
    vocabulary = {"failing": 50, "fall": 40}
    assert corrections("falling behind", ["falling", "behind"], vocabulary) == {"falling": "failing"}
    assert corrections("falling behind", ["falling", "behind"], vocabulary, known=lambda w: w == "falling") == {}
