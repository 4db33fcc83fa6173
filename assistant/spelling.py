"""Spelling: a word of the question that no indexed passage uses, corrected to the corpus word it most likely
meant ("supervison" -> "supervision"), when that is clear.

Written by hand rather than with a spelling library: the vocabulary that matters is the corpus's own (council
names, "s20", "MASH", "care-experienced"), and a general English dictionary would both miss those and
"correct" them.
"""
from __future__ import annotations

import re
from typing import Callable

MIN_LENGTH = 5  # shorter words have too many neighbours ("hip" -> "his", "hit") to correct safely
MIN_PASSAGES = 3  # a correction is a word the corpus really uses, not another typo
CLEAR_MARGIN = 2.0  # the best candidate is used this many times more than the next one at the same distance


def max_edits(word: str) -> int:
    return 1 if len(word) <= 6 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters is one edit), or limit + 1 when larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def correction(word: str, vocabulary: dict[str, int]) -> str | None:
    """The corpus word `word` was most likely meant to be, or None when it is known, short or unclear."""
    word = word.lower()
    if len(word) < MIN_LENGTH or not word.isalpha() or word in vocabulary:
        return None
    limit = max_edits(word)
    best: dict[int, list[tuple[int, str]]] = {}
    for candidate, passages in vocabulary.items():
        if passages < MIN_PASSAGES or abs(len(candidate) - len(word)) > limit or candidate[0] != word[0]:
            continue
        d = edit_distance(word, candidate, limit)
        if d <= limit:
            best.setdefault(d, []).append((passages, candidate))
    if not best:
        return None
    ranked = sorted(best[min(best)], reverse=True)
    if len(ranked) > 1 and ranked[0][0] < CLEAR_MARGIN * ranked[1][0]:
        return None
    return ranked[0][1]


def corrections(question: str, terms: list[str], vocabulary: dict[str, int],
                known: Callable[[str], bool] = lambda word: False) -> dict[str, str]:
    """Misspelt words of the question -> their corrections. Words written with a capital or in capitals
    (names, abbreviations such as "CQC") are left as written, and so are words `known` accepts: another form
    of a corpus word ("falling" where the reports write "fall") is not a typo."""
    out = {}
    for term in dict.fromkeys(terms):
        written = re.search(rf"(?<![\w'-]){re.escape(term)}(?![\w'-])", question, re.I)
        if written is None or not written.group(0).islower() or known(term):
            continue
        fixed = correction(term, vocabulary)
        if fixed:
            out[term] = fixed
    return out


def apply(question: str, fixes: dict[str, str]) -> str:
    for wrong, right in fixes.items():
        question = re.sub(rf"(?<![\w'-]){re.escape(wrong)}(?![\w'-])", right, question, flags=re.I)
    return question
