"""Choosing quotes: the most representative sentences of a group, spread over councils, no near-duplicates."""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Callable

from assistant.index import Index
from assistant.text import content_stems, near_duplicate, stems
from assistant.trainer.evidence import Passage, Theme, verify
from assistant.trainer.models import Quote


def _vector(text: str, idf: Callable[[str], float], skip: frozenset) -> dict[str, float]:
    meaning = content_stems(text)
    counts = Counter(s for s in stems(text) if s in meaning and s not in skip)
    vec = {s: c * idf(s) for s, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {s: v / norm for s, v in vec.items()}


def _idf(index: Index) -> Callable[[str], float]:
    keyword = index.keyword()
    cache: dict[str, float] = {}

    def idf(token: str) -> float:
        if token not in cache:
            cache[token] = keyword.idf(token) if keyword is not None else 1.0
        return cache[token]

    return idf


def _length_factor(n_words: int) -> float:
    # Trainers read quotes aloud: one-line fragments and 80-word sentences both make poor handout material.
    if n_words < 8:
        return 0.6
    if n_words > 55:
        return max(0.4, 1 - (n_words - 55) / 60)
    return 1.0


# Inspectors' words of criticism. Good reports carry criticisms and weak ones praise; a handout contrasting
# the groups reads better when each group's quotes are in its own key, so those are preferred (not required).
CRITICAL = re.compile(
    r"\b(?:not|no|lack\w*|insufficient\w*|inconsistent\w*|variable|weak\w*|poor\w*|limited|too|delay\w*|gaps?|"
    r"fail\w*|absence|inadequate\w*|unclear|ineffective\w*|drift|cannot|concern\w*|less)\b", re.I)


def tone_factor(p: Passage, group: str | None) -> float:
    if group is None:
        return 1.0
    critical = bool(CRITICAL.search(p.text))
    return 0.75 if critical == (group == "strong") else 1.0


def rank(index: Index, theme: Theme, passages: list[Passage], group: str | None = None,
         reference: list[Passage] | None = None) -> list[tuple[float, Passage]]:
    """Passages scored by how typical they are (closeness to the centroid of the pool, or of `reference`),
    their match to the theme, their retrieval rank and (given a group) whether their tone fits it; best first."""
    if not passages:
        return []
    idf = _idf(index)
    vectors = [_vector(p.text, idf, theme.stems) for p in passages]
    centroid: Counter = Counter()
    for v in ([_vector(p.text, idf, theme.stems) for p in reference] if reference else vectors):
        centroid.update(v)
    norm = math.sqrt(sum(x * x for x in centroid.values())) or 1.0
    typical = [sum(w * centroid[s] for s, w in v.items()) / norm for v in vectors]
    # Cosines to a centroid are small and bunched; scaled to the pool's best they can outweigh a retrieval rank.
    top = max(typical) or 1.0
    scored = []
    for p, t in zip(passages, typical):
        score = (p.relevance + 0.8 * t / top + 0.3 / (1 + p.rank / 20)) * _length_factor(len(p.text.split())) \
            * tone_factor(p, group)
        scored.append((score, p))
    scored.sort(key=lambda sp: -sp[0])
    return scored


def pick(index: Index, scored: list[tuple[float, Passage]], n: int, per_council: int = 1,
         per_report: int = 2, avoid: list[set[str]] | None = None) -> list[Quote]:
    """Up to n verified quotes, best first, one per council until every council has had its turn; a quote
    repeating a chosen one in near-identical words (the same finding, two councils) is left out."""
    threshold = index.settings.theme_near_duplicate
    chosen: list[Quote] = []
    keys: list[set[str]] = list(avoid or [])
    used_council: Counter = Counter()
    used_report: Counter = Counter()
    for limit in range(1, max(per_council, 1) + 1):
        for score, p in scored:
            if len(chosen) >= n:
                return chosen
            if used_council[p.council] >= limit or used_report[p.doc.doc_id] >= per_report:
                continue
            key = content_stems(p.text)
            if any(near_duplicate(key, k, threshold) for k in keys):
                continue
            quote = verify(index, p, score)
            keys.append(key)  # a sentence that failed the check is not retried in the next round
            if quote is None:
                continue
            chosen.append(quote)
            used_council[p.council] += 1
            used_report[p.doc.doc_id] += 1
    return chosen


def quote_keys(quotes: list[Quote]) -> list[set[str]]:
    return [content_stems(q.text) for q in quotes]
