"""What distinguishes strong reports from weak ones: words and phrases (up to 4 words) that recur across one
group's passages on the theme and are rare or absent in the other's, each backed by quotes."""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from assistant.index import Index
from assistant.text import stem_words, words
from assistant.trainer.evidence import Passage, Theme
from assistant.trainer.models import Distinction, Group
from assistant.trainer.select import pick, rank

# A phrase may not start or end on one of these; "not" and "no" may start one ("no management oversight").
_EDGE = frozenset(
    "a an the of in on at to for by with and or but is are was were be been being this that these those it its "
    "their they them there as from has have had which who whom when where all some most more many also such than "
    "then so very into about through do does did can could should would will may well what how other our his her "
    "s not no".split()
)
_MAY_START = frozenset({"not", "no"})
# Words of the reports' furniture, not of practice: a phrase of only these says nothing.
_BLAND = frozenset(stem_words(
    "children young people child person local authority authorities council social care services service work "
    "workers worker family families time number year years report inspection inspectors".split()))


@dataclass
class _Gram:
    reports: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    surfaces: Counter = field(default_factory=Counter)
    passages: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


_CLAUSE = re.compile(r"[,;:()\u2013\u2014]|\s-\s")


def _grams(p: Passage, theme: Theme, place_words: set[str]):
    # Phrases never run across punctuation: "is clear. Management" is not the phrase "clear management".
    for clause in _CLAUSE.split(p.text):
        raw = words(clause)
        stems = stem_words(raw)
        banned = [w in place_words or any(c.isdigit() for c in w) for w in raw]
        edge = [w in _EDGE for w in raw]
        # A word that says something beyond the theme and the reports' furniture.
        telling = [not e and s not in theme.stems and s not in _BLAND for e, s in zip(edge, stems)]
        for i in range(len(raw)):
            if banned[i] or (edge[i] and raw[i] not in _MAY_START):
                continue
            for n in range(1, min(4, len(raw) - i) + 1):
                j = i + n - 1
                if banned[j]:
                    break
                if edge[j] or (n == 1 and edge[i]) or not any(telling[i:j + 1]):
                    continue
                yield tuple(stems[i:j + 1]), " ".join(raw[i:j + 1])


# Distinct means at least twice as common (as a share of the group's reports) and a log-odds z-score of the
# difference of at least 1.64 (one-sided 5%). Below five reports in a group no test can pass, so there a
# phrase must be absent from the other group altogether.
MIN_RATIO = 2.0
MIN_Z = 1.64
SMALL_GROUP = 5


def log_odds_z(a: int, n_a: int, b: int, n_b: int) -> float:
    """z-score of the log odds ratio of a of n_a reports against b of n_b, with half-counts so zeros are finite."""
    lor = math.log((a + 0.5) / (n_a - a + 0.5)) - math.log((b + 0.5) / (n_b - b + 0.5))
    se = math.sqrt(1 / (a + 0.5) + 1 / (n_a - a + 0.5) + 1 / (b + 0.5) + 1 / (n_b - b + 0.5))
    return lor / se


def min_reports(group_reports: int) -> int:
    """Recurring means several reports: 2 in a small group, about a tenth of a large one."""
    return max(2, math.ceil(0.1 * group_reports)) if group_reports >= 2 else 1


def find_distinctions(index: Index, theme: Theme, by_group: dict[Group, list[Passage]], per_group: int = 4,
                      quotes_each: int = 2) -> list[Distinction]:
    if not all(by_group.get(g) for g in ("strong", "weak")):
        return []  # a contrast needs both groups
    place_words = {w for ps in by_group.values() for p in ps for w in words(p.council)}
    grams: dict[tuple, _Gram] = defaultdict(_Gram)
    for group, passages in by_group.items():
        for i, p in enumerate(passages):
            for key, surface in set(_grams(p, theme, place_words)):
                g = grams[key]
                g.reports[group].add(p.doc.doc_id)
                g.surfaces[surface] += 1
                g.passages[group].append(i)
    sizes = {g: len({p.doc.doc_id for p in ps}) for g, ps in by_group.items()}
    small = min(sizes.values()) < SMALL_GROUP
    out: list[Distinction] = []
    for group, other in (("strong", "weak"), ("weak", "strong")):
        candidates = []
        least = min_reports(sizes[group])
        for key, g in grams.items():
            mine, theirs = len(g.reports[group]), len(g.reports[other])
            if mine < least:
                continue
            if small:
                # Too few reports for a test: only phrases absent from the other group, used in 2+ sentences.
                if theirs or len(set(g.passages[group])) < 2:
                    continue
                score = mine / sizes[group]
            else:
                if mine / sizes[group] < MIN_RATIO * theirs / sizes[other]:
                    continue
                score = log_odds_z(mine, sizes[group], theirs, sizes[other])
                if score < MIN_Z:
                    continue
            # A phrase says more than a word: "group supervision" over "group" when both stand out about as much.
            candidates.append((score * (1 + 0.2 * (len(key) - 1)), len(key), key))
        candidates.sort(key=lambda c: (-c[0], -c[1]))
        chosen: list[tuple] = []
        covered: set[int] = set()
        for _, _, key in candidates:
            if any(_overlaps(key, k) for k in chosen):
                continue
            g = grams[key]
            ids = set(g.passages[group])
            if ids <= covered:  # every sentence using it already backs a chosen phrase: the same finding
                continue
            pool = [by_group[group][i] for i in dict.fromkeys(g.passages[group])]
            quotes = pick(index, rank(index, theme, pool, group), quotes_each, per_report=1)
            if not quotes:
                continue
            chosen.append(key)
            covered |= ids
            out.append(Distinction(phrase=g.surfaces.most_common(1)[0][0], group=group, reports=len(g.reports[group]),
                                   other_reports=len(g.reports[other]), quotes=quotes))
            if len(chosen) >= per_group:
                break
    return out


def _overlaps(a: tuple, b: tuple) -> bool:
    """One phrase inside the other, or sharing a word-pair: the same finding twice."""
    if set(a) <= set(b) or set(b) <= set(a):
        return True
    pairs = lambda t: {t[i:i + 2] for i in range(len(t) - 1)}  # noqa: E731
    return bool(pairs(a) & pairs(b))
