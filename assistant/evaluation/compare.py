"""Which questions got better or worse between two runs (run-*.json files written by `eval --out`)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.evaluation.report import METRICS, fmt

QUESTION_KEYS = ("answer_correct", "recall@5", "recall@10", "mrr", "ndcg@10")


def load_run(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _score(r: dict) -> tuple:
    """Ordering of one question's outcome: a right answer first, then the evidence's reciprocal rank,
    nDCG and the share of valid citations."""
    cits = r.get("citations") or []
    valid = sum(1 for c in cits if c.get("valid") is not False) / len(cits) if cits else 1.0
    return (1 if r.get("answer_correct") else 0, round(r.get("mrr") or 0, 4), round(r.get("ndcg@10") or 0, 4), round(valid, 4))


def compare_runs(a: dict, b: dict, system: str = "ours") -> dict[str, Any]:
    """Per-question changes from run `a` to run `b`, plus the change of every overall metric."""
    ra = {r["id"]: r for r in a["systems"][system]["records"] if not r.get("skipped")}
    rb = {r["id"]: r for r in b["systems"][system]["records"] if not r.get("skipped")}
    better, worse, same = [], [], 0
    for qid in sorted(ra.keys() & rb.keys()):
        sa, sb = _score(ra[qid]), _score(rb[qid])
        if sa == sb:
            same += 1
            continue
        change = {"id": qid, "type": rb[qid]["type"], "question": rb[qid]["question"],
                  "before": {k: ra[qid].get(k) for k in QUESTION_KEYS}, "after": {k: rb[qid].get(k) for k in QUESTION_KEYS}}
        (better if sb > sa else worse).append(change)
    oa, ob = a["systems"][system]["summary"]["overall"], b["systems"][system]["summary"]["overall"]
    deltas = {}
    for key, label, _ in METRICS:
        va, vb = oa.get(key), ob.get(key)
        deltas[key] = {"label": label, "before": va, "after": vb,
                       "delta": (vb - va) if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else None}
    return {"better": better, "worse": worse, "unchanged": same, "only_before": sorted(ra.keys() - rb.keys()),
            "only_after": sorted(rb.keys() - ra.keys()), "metrics": deltas,
            "before": a["meta"].get("created"), "after": b["meta"].get("created")}


def print_comparison(diff: dict, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    t = Table(title=f"{diff['before']} → {diff['after']}")
    for col in ("metric", "before", "after", "Δ"):
        t.add_column(col, justify="right" if col != "metric" else "left")
    for key, d in diff["metrics"].items():
        delta = d["delta"]
        colour = "" if not delta else ("green" if (delta > 0) != (key in ("false_refusal_rate",) or key.startswith("latency")) else "red")
        t.add_row(d["label"], fmt(d["before"], key), fmt(d["after"], key),
                  f"[{colour}]{delta:+.3f}[/{colour}]" if delta and colour else fmt(delta, key))
    console.print(t)
    console.print(f"{len(diff['better'])} better, {len(diff['worse'])} worse, {diff['unchanged']} unchanged")
    for title, rows, colour in (("Better", diff["better"], "green"), ("Worse", diff["worse"], "red")):
        for r in rows:
            b, a = r["before"], r["after"]
            console.print(f"[{colour}]{title}[/{colour}] {r['id']}: correct {b['answer_correct']}→{a['answer_correct']}, "
                          f"MRR {fmt(b['mrr'])}→{fmt(a['mrr'])}  {r['question'][:80]}")
    if diff["only_before"] or diff["only_after"]:
        console.print(f"only in the first run: {len(diff['only_before'])}; only in the second: {len(diff['only_after'])}")
