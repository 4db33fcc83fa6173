"""Evaluation suite: gold sets, metrics, runs against an index, the naive baseline, reports and comparisons.

    from assistant.evaluation import load_gold, run_eval
    run = run_eval("index", load_gold(["eval/gold/fixture.jsonl"]))

Command line: `ofsted-assistant eval --help`; metrics are described in eval/README.md.
"""
from assistant.evaluation.gold import load_gold, shipped_gold, write_gold
from assistant.evaluation.runner import run_eval, summarise

__all__ = ["load_gold", "run_eval", "shipped_gold", "summarise", "write_gold"]
