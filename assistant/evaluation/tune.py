"""Choosing settings by measurement.

* `refusal_sweep(records, ...)`: replays the refusal rule (refuse when chunk_coverage < c AND dense_cosine < d)
  over the evidence signals a run recorded, for a grid of thresholds, without asking again.
* `settings_sweep(index, items, variants)`: one evaluation per Settings variant (retrieval weights, k...).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from assistant.config import Settings
from assistant.evaluation import metrics as M
from assistant.evaluation.runner import run_eval
from assistant.index import Index


def refusal_sweep(records: list[dict], settings: dict, coverages: Iterable[float] = (0.3, 0.4, 0.5, 0.6, 0.7),
                  cosines: Iterable[float] = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75)) -> list[dict[str, Any]]:
    """Refusal precision/recall and false refusals for each (coverage, cosine) pair. Records without
    evidence signals (fact answers, unknown councils) keep their refusal, as do refusals for another reason
    than the thresholds (nothing quotable). `answered_right_lost` counts right answers a stricter pair would
    refuse; `newly_answered` counts threshold refusals a looser pair would answer (their correctness is
    unknown until re-run)."""
    base_cov, base_cos = settings["refuse_below_coverage"], settings["refuse_below_cosine"]
    done = [r for r in records if not r.get("skipped")]
    out = []
    for c in coverages:
        for d in cosines:
            pairs, lost, newly = [], 0, 0
            for r in done:
                ev = r.get("evidence_signals") or {}
                refused = bool(r.get("refused"))
                if "chunk_coverage" in ev and r["type"] != "fact":
                    cov, cos = ev["chunk_coverage"], ev["dense_cosine"]
                    weak_before = cov < base_cov and cos < base_cos
                    weak_now = cov < c and cos < d
                    other_reason = refused and not weak_before
                    new_refused = other_reason or weak_now
                    if new_refused and not refused and r.get("answer_correct") and r["type"] != "unanswerable":
                        lost += 1
                    if refused and not new_refused:
                        newly += 1
                    refused = new_refused
                pairs.append((r["should_refuse"], refused))
            s = M.refusal_scores(pairs)
            out.append({"refuse_below_coverage": c, "refuse_below_cosine": d, **{k: s[k] for k in (
                "refusal_precision", "refusal_recall", "false_refusal_rate", "refused_unanswerable", "refused_answerable")},
                "answered_right_lost": lost, "newly_answered": newly})
    return out


def settings_sweep(index, items: list[dict], variants: list[dict[str, Any]],
                   log: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Overall metrics of one run per variant (a dict of Settings fields)."""
    index = index if isinstance(index, Index) else Index(Path(index))
    rows = []
    for variant in variants:
        run = run_eval(index, items, Settings(**variant))
        o = run["systems"]["ours"]["summary"]["overall"]
        row = {**variant, **{k: o.get(k) for k in (
            "recall@5", "recall@10", "mrr", "ndcg@10", "answer_accuracy", "citation_precision", "citation_validity",
            "refusal_precision", "refusal_recall", "false_refusal_rate", "latency_p50", "latency_p95")}}
        rows.append(row)
        if log:
            log(str(row))
    return rows
