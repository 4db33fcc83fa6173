"""What distinguishes strong reports from weak ones: phrases of two to four words that recur across one group's
passages on the theme and are rare or absent in the other's, each backed by quotes.

A phrase must carry meaning on its own, because a handout and its discussion prompts quote it bare ("weaker
reports describe “take place”" says nothing). So, measured on real themes over the full index (README,
"Trainer tools"): single words are never phrases ("too", "lack", "strong"); a phrase starts and ends on a content
word and holds at least two; it may not name a grade (the groups are made of grades: "achieving permanence good"
only restates them); it may not be a piece of a longer phrase (when most of its uses share the same word before
or after it: "leavers have access" out of "care leavers have access"); and text that is the reports' furniture
rather than a finding (judgement tables, the grade descriptors many reports repeat word for word) is not mined.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from assistant.index import Index
from assistant.text import STOP_WORDS, normalise_for_match, stem_words, words
from assistant.trainer.evidence import Passage, Theme
from assistant.trainer.models import Distinction, Group
from assistant.trainer.select import pick, rank

# Words that cannot start or end a phrase, and do not count as its content: function words, and the adverbs
# and quantifiers that qualify a finding without being one ("too", "not yet", "sufficiently").
FUNCTION_WORDS = frozenset(STOP_WORDS | set(
    "a an the of in on at to for by with and or but is are was were be been being this that these those it its "
    "their they them there as from has have had which who whom when where all some most more many also such than "
    "then so very into about through do does did can could should would will may well what how other our his her "
    "s not no nor too yet only just still even often always never sometimes usually already now recently "
    "however including within across between over under up out while because whether if both each every any few "
    "several much less least own same others further here whilst since until upon via per among against "
    "sufficiently consistently routinely fully always clearly particularly generally increasingly highly "
    "lack lacks place places take takes taken taking make makes made ensure ensures ensured provide provides "
    "provided providing get gets got see seen become becomes became remain remains need needed "
    "range variety majority minority proportion amount "
    "after before during without around towards toward behind beyond below above alongside throughout".split()))
# The people a report is about, as the first of two words, are the subject of a verb ("children wait",
# "children experience"), not a modifier.
_SUBJECTS = frozenset("children child young people families family parents carers".split())
# The function words a noun phrase may hold inside it ("quality of their plans", "education and training");
# any other ("care leavers have access", "leavers who are parents") makes it a clause or a piece of one.
JOINING_WORDS = frozenset("of and or for in on with to from at by the a an their its his her our".split())
# The grades the groups are made of: a phrase naming one only restates the grouping.
GRADE_WORDS = frozenset("outstanding good inadequate requires require improvement judgement judgment judged "
                        "graded grade grades".split())
# Adverbs end in -ly, nouns rarely do: a phrase ending on one is a fragment of a clause ("visited regularly").
_NOUNS_IN_LY = frozenset("family assembly supply ally reply anomaly early monopoly rally".split())
# Adjectives wait for their noun: a phrase ending on one is cut short.
_ADJECTIVE_ENDINGS = ("ful", "ous", "able", "ible")
# Words of the reports' furniture, not of practice: a phrase of only these says nothing.
_BLAND = frozenset(stem_words(
    "children young people child person local authority authorities council social care services service work "
    "workers worker family families time number year years report inspection inspectors".split()))
# A judgement table's row read as a sentence: a grade written with a capital after the sentence has begun.
_TABLE_ROW = re.compile(r"(?<=\S)\s+(?:Outstanding|Good|Requires [Ii]mprovement|Inadequate)\b")
# The same sentence in this many reports is standard text (a grade descriptor, a heading), not a finding.
BOILERPLATE_REPORTS = 3
# A phrase is a piece of a longer one when at least this share of its uses has the same content word beside it.
FRAGMENT_SHARE = 0.6


def content_word(w: str) -> bool:
    return w not in FUNCTION_WORDS and not any(c.isdigit() for c in w)


def meaningful(raw: list[str]) -> bool:
    """Whether words (lower case, in order) can stand alone as a phrase: 2 to 4 words, starting and ending on a
    content word, at least two content words, only joining words between them, no grade, not ending on an -ly
    adverb or an adjective, not two words that read as subject and verb ("children wait")."""
    if not 2 <= len(raw) <= 4 or not content_word(raw[0]) or not content_word(raw[-1]):
        return False
    if sum(content_word(w) for w in raw) < 2 or any(w in GRADE_WORDS for w in raw):
        return False
    if any(not content_word(w) and w not in JOINING_WORDS for w in raw[1:-1]):
        return False
    if len(raw) == 2 and raw[0] in _SUBJECTS:
        return False
    if raw[-1].endswith(_ADJECTIVE_ENDINGS):  # "living in neglectful [homes]"
        return False
    return not (raw[-1].endswith("ly") and raw[-1] not in _NOUNS_IN_LY)


@dataclass
class _Gram:
    reports: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    surfaces: Counter = field(default_factory=Counter)
    passages: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    before: Counter = field(default_factory=Counter)  # the content word just before each use (None: none)
    after: Counter = field(default_factory=Counter)

    def fragment(self) -> bool:
        """Most uses have the same content word beside them: the phrase is part of a longer one."""
        uses = sum(self.surfaces.values())
        for side in (self.before, self.after):
            word, n = next(((w, n) for w, n in side.most_common(2) if w is not None), (None, 0))
            if word is not None and n >= FRAGMENT_SHARE * uses:
                return True
        return False


_CLAUSE = re.compile(r"[,;:()\u2013\u2014]|\s-\s")


def _grams(p: Passage, theme: Theme, place_words: set[str]):
    """(stems, surface, word before, word after) for every meaningful phrase of the passage."""
    # Phrases never run across punctuation: "is clear. Management" is not the phrase "clear management".
    for clause in _CLAUSE.split(p.text):
        raw = words(clause)
        stems = stem_words(raw)
        banned = [w in place_words for w in raw]
        # A word that says something beyond the theme and the reports' furniture.
        telling = [content_word(w) and s not in theme.stems and s not in _BLAND for w, s in zip(raw, stems)]
        for i in range(len(raw)):
            for n in range(2, min(4, len(raw) - i) + 1):
                j = i + n - 1
                if banned[j] or banned[i]:
                    break
                if not any(telling[i:j + 1]) or not meaningful(raw[i:j + 1]):
                    continue
                before = _neighbour(raw, stems, i - 1, -1)
                after = _neighbour(raw, stems, j + 1, 1)
                yield tuple(stems[i:j + 1]), " ".join(raw[i:j + 1]), before, after


_LOOK_PAST = frozenset("the a an their its his her our and or".split())


def _neighbour(raw: list[str], stems: list[str], k: int, step: int) -> str | None:
    """The content word at k, looking past determiners and "and"/"or" ("to meet [their] needs", "need help [and]
    protection"); None at any other function word."""
    while 0 <= k < len(raw) and raw[k] in _LOOK_PAST:
        k += step
    return stems[k] if 0 <= k < len(raw) and content_word(raw[k]) else None


def _furniture(passages: list[Passage]) -> set[int]:
    """Indexes of the passages that are no finding: judgement-table rows and sentences many reports repeat."""
    seen: dict[str, set[str]] = defaultdict(set)
    keys = [" ".join(words(normalise_for_match(p.text))) for p in passages]
    for p, key in zip(passages, keys):
        seen[key].add(p.doc.doc_id)
    return {i for i, (p, key) in enumerate(zip(passages, keys))
            if len(seen[key]) >= BOILERPLATE_REPORTS or _TABLE_ROW.search(p.text)}


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
    everything = [p for ps in by_group.values() for p in ps]
    furniture = {id(everything[i]) for i in _furniture(everything)}
    grams: dict[tuple, _Gram] = defaultdict(_Gram)
    for group, passages in by_group.items():
        for i, p in enumerate(passages):
            if id(p) in furniture:
                continue
            for key, surface, before, after in set(_grams(p, theme, place_words)):
                g = grams[key]
                g.reports[group].add(p.doc.doc_id)
                g.surfaces[surface] += 1
                g.passages[group].append(i)
                g.before[before] += 1
                g.after[after] += 1
    sizes = {g: len({p.doc.doc_id for p in ps}) for g, ps in by_group.items()}
    small = min(sizes.values()) < SMALL_GROUP
    out: list[Distinction] = []
    for group, other in (("strong", "weak"), ("weak", "strong")):
        candidates = []
        least = min_reports(sizes[group])
        for key, g in grams.items():
            mine, theirs = len(g.reports[group]), len(g.reports[other])
            if mine < least or g.fragment():
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
