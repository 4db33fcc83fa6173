"""Strength / weakness / improvement labels of report sentences (assistant/stance.py): the groups an answer shows
("Strengths", "Weaknesses", "What needs to improve") and the reasons "why was X judged inadequate" gives."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.stance import classify

LABELS = Path(__file__).resolve().parents[1] / "eval" / "stance" / "labels.jsonl"


@pytest.mark.parametrize("sentence, expected", [
    # The point is the clause a sentence ends on.
    ("Although caseloads have reduced, they remain too high for some social workers.", "weakness"),
    ("Work with children who are vulnerable to exploitation or at risk of going missing is effective.", "strength"),
    # ... unless the verdict is denied or limited.
    ("Not all work with children at risk is effective.", "weakness"),
    ("Few assessments are thorough.", "weakness"),
    ("Managers do not know whether the work is effective.", "weakness"),
    # A shortfall named in other words than "not" or "too".
    ("High staff turnover hampers the service's ability to build relationships with families.", "weakness"),
    ("Frequent changes of manager are hindering progress in the assessment teams.", "weakness"),
    ("Take-up of return home interviews is low.", "weakness"),
    ("Complaints from children in care are low, and are resolved quickly.", "strength"),
    ("At the time of the inspection, only two children had an up-to-date pathway plan.", "weakness"),
    ("The new system is yet to be embedded across the service.", "weakness"),
    # Devon 2025's summary: a shortfall in extent, and care leavers' homes that are unsuitable.
    ("The positive impact for children and care leavers is not widespread.", "weakness"),
    ("This is particularly the case for care leavers living in unsuitable accommodation.", "weakness"),
    # Recommendations worded as imperatives, and facts with no judgement.
    ("Ensure that partners are held to account for the quality of their referrals.", "improvement"),
    ("The service went live on 1 April 2015.", "neutral"),
    ("These include a youth offending team and an edge-of-care service.", "neutral"),
])
def test_formulaic_sentences(sentence, expected):
    assert classify(sentence) == expected


def test_a_recommendations_section_makes_every_sentence_an_improvement():
    assert classify("Supervision is regular and reflective.", "Recommendations") == "improvement"


def test_accuracy_on_the_hand_labelled_sentences():
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    right = sum(classify(r["sentence"], r.get("section")) == r["label"] for r in rows)
    assert len(rows) >= 300
    assert right / len(rows) >= 0.90, f"{right} of {len(rows)}"
