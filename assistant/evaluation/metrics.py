"""Metric functions of the evaluation suite: pure, small and unit-tested (tests/evaluation/test_metrics.py).

Text is compared in the gold set's normal form (eval/README.md, "How snippets are matched"):
`assistant.text.normalise_for_scoring`, the same function `eval/check_gold.py` verifies snippets with.
"""
from __future__ import annotations

import math
import re
from typing import Iterable, Sequence

from assistant.text import normalise_for_scoring as normalise
from assistant.text import scoring_tokens as tokens


# --------------------------------------------------------------------------- snippets

def snippet_in_text(snippet: str, text: str, boundary_share: float = 0.5) -> bool:
    """The snippet occurs in a retrieved passage. A snippet cut by a chunk boundary still counts when a
    leading or trailing run of at least `boundary_share` of its words occurs in the passage."""
    s, t = normalise(snippet), normalise(text)
    if not s or not t:
        return False
    if s in t:
        return True
    words = s.split(" ")
    n = len(words)
    m = max(3, math.ceil(n * boundary_share))
    if m >= n:
        return False
    return _ends_with_prefix(t, words, m) or _starts_with_suffix(t, words, m)


def _ends_with_prefix(t: str, words: list[str], m: int) -> bool:
    """Passage ends with the snippet's first k >= m words (snippet runs on into the next chunk)."""
    return any(t.endswith(" ".join(words[:k])) for k in range(m, len(words)))


def _starts_with_suffix(t: str, words: list[str], m: int) -> bool:
    n = len(words)
    return any(t.startswith(" ".join(words[n - k:])) for k in range(m, n))


def snippet_overlap(snippet: str, quote: str, min_share: float = 0.5) -> bool:
    """A quote overlaps an expected snippet: one contains the other (normalised), or the quote holds at least
    `min_share` of the snippet's tokens."""
    s, q = normalise(snippet), normalise(quote)
    if not s or not q:
        return False
    if s in q or q in s:
        return True
    st = tokens(s)
    if not st:
        return False
    qt = set(tokens(q))
    return sum(1 for w in st if w in qt) / len(st) >= min_share


# --------------------------------------------------------------------------- ranking

def first_relevant_rank(relevance: Sequence[bool], k: int | None = None) -> int | None:
    """1-based rank of the first relevant result within the first k, else None."""
    for i, rel in enumerate(relevance[:k] if k else relevance):
        if rel:
            return i + 1
    return None


def recall_at_k(relevance: Sequence[bool], k: int) -> float:
    """1.0 when any of the first k results is relevant (hit rate: the user sees the evidence)."""
    return 1.0 if any(relevance[:k]) else 0.0


def reciprocal_rank(relevance: Sequence[bool], k: int | None = 10) -> float:
    rank = first_relevant_rank(relevance, k)
    return 1.0 / rank if rank else 0.0


def ndcg_at_k(gains: Sequence[float], n_relevant: int, k: int = 10) -> float:
    """Binary nDCG@k. `gains[i]` is 1 when result i matches an evidence entry not matched by an earlier
    result (so repeats of the same passage earn nothing); the ideal ranking puts min(k, n_relevant)
    relevant results first."""
    ideal = min(k, n_relevant)
    if ideal <= 0:
        return 0.0
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    idcg = sum(1.0 / math.log2(i + 2) for i in range(ideal))
    return dcg / idcg


def dedup_gains(matches: Sequence[Iterable[int]]) -> list[float]:
    """Gains for nDCG from, per result, the evidence entries it matches: a result earns 1 for the first
    time it brings a new entry."""
    seen: set[int] = set()
    out = []
    for m in matches:
        new = set(m) - seen
        out.append(1.0 if new else 0.0)
        seen |= set(m)
    return out


# --------------------------------------------------------------------------- facts

_LIST_SPLIT = re.compile(r"\s*;\s*|\s*,\s*|\s+and\s+")


def normalise_fact(value) -> str:
    """A fact value in comparable form: normalised text, trailing full stop and "HMI" style titles dropped,
    "requires improvement to be good" -> "requires improvement"."""
    text = normalise(str(value) if value is not None else "")
    text = re.sub(r"[.\s]+$", "", text)
    text = re.sub(r",?\s*(?:hmi|his majesty's inspector|her majesty's inspector)$", "", text)
    text = re.sub(r"^requires? improvement to be good$", "requires improvement", text)
    return text.strip()


def normalise_list(value) -> str:
    """A list answer ("A; B; C" or "A, B and C") as its sorted, normalised, "; "-joined names."""
    if isinstance(value, (list, tuple)):
        parts = [normalise_fact(v) for v in value]
    else:
        parts = [normalise_fact(p) for p in str(value or "").split(";")]
    return "; ".join(sorted(p for p in parts if p))


def fact_correct(expected: str | None, fact: dict | None) -> bool:
    """Exact match of the normalised expected answer with the assistant's fact value; date facts also accept
    the inspection start/end and publication dates; lists compare their sorted names; several lead
    inspectors may be joined by "and", "," or ";" in either."""
    if not fact or expected is None:
        return False
    want = normalise_fact(expected)
    kind = fact.get("kind")
    value = fact.get("value")
    if kind == "list" or ";" in str(expected):
        return normalise_list(expected) == normalise_list(value)
    candidates = [value]
    if kind in ("date", "when"):
        candidates += [fact.get("inspection_start"), fact.get("inspection_end"), fact.get("published")]
    for v in (fact.get("values") or []):
        if isinstance(v, dict) and v.get("kind") in ("date", "when"):
            candidates += [v.get("inspection_start"), v.get("inspection_end"), v.get("published")]
    for c in candidates:
        if c is None:
            continue
        got = normalise_fact(c)
        if got == want:
            return True
        if kind in ("lead_inspector", "lead") and _names(got) == _names(want) and _names(want):
            return True
    return False


def _names(text: str) -> tuple[str, ...]:
    return tuple(sorted(p.strip() for p in _LIST_SPLIT.split(text) if p.strip()))


# --------------------------------------------------------------------------- aggregates

def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of the values, None when empty."""
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    if len(vals) == 1:
        return float(vals[0])
    pos = (len(vals) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(vals) - 1)
    return float(vals[lo] + (vals[hi] - vals[lo]) * (pos - lo))


def mean(values: Iterable[float | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def refusal_scores(pairs: Iterable[tuple[bool, bool]]) -> dict:
    """From (should_refuse, refused) pairs: precision and recall of refusing, and the false refusal rate
    (share of answerable questions refused)."""
    tp = fp = fn = tn = 0
    for should, did in pairs:
        if should and did:
            tp += 1
        elif should:
            fn += 1
        elif did:
            fp += 1
        else:
            tn += 1
    return {
        "refusal_precision": tp / (tp + fp) if tp + fp else None,
        "refusal_recall": tp / (tp + fn) if tp + fn else None,
        "false_refusal_rate": fp / (fp + tn) if fp + tn else None,
        "unanswerable": tp + fn, "answerable": fp + tn, "refused_unanswerable": tp, "refused_answerable": fp,
    }
