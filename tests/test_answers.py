"""Evidence signals (assistant/answers.py) that need no index."""
from __future__ import annotations

from assistant.answers import best_matched
from assistant.retrieval import Hit


def test_the_refusal_gate_judges_passages_without_the_newest_report_boost():
    # With newest_boost on, Dorset's newest report filled the top five with passages that were boosted, not
    # matched; the LADO passage of the earlier order dropped out of the gate's view and the question was refused.
    boosted = [Hit(f"new{i}", 0.02 * 2.0, order_boost=2.0) for i in range(5)]
    matched = Hit("lado", 0.03)
    hits = sorted(boosted + [matched], key=lambda h: -h.score)
    assert matched not in hits[:5]
    assert best_matched(hits)[0] is matched
    assert {h.chunk_id for h in best_matched(hits)} == {"lado", "new0", "new1", "new2", "new3"}
