"""The cross-encoder reranker (assistant/reranking.py): the shipped model scores, and the blend is pure."""
from __future__ import annotations

import pytest

from assistant.reranking import RerankerUnavailable, blend, cross_encoder


def test_blend_moves_what_the_reranker_prefers_up_without_dropping_anything():
    fused = ["a", "b", "c", "d"]
    assert blend(fused, {"a": 0.1, "b": 0.2, "c": 9.0, "d": 0.0}, weight=2.0, k=20)[0] == "c"
    assert blend(fused, {"a": 0.1, "b": 0.2, "c": 9.0, "d": 0.0}, weight=0.0, k=20) == fused
    assert sorted(blend(fused, {"c": 1.0}, weight=1.0, k=20)) == sorted(fused)


def test_the_shipped_cross_encoder_prefers_the_answering_passage():
    try:
        encoder = cross_encoder(256)
    except RerankerUnavailable as exc:
        pytest.fail(f"{exc}: scripts/setup.sh installs it")
    scores = encoder.scores("How often do social workers get supervision?", [
        "Social workers receive regular supervision every four weeks, and it is reflective.",
        "The council's budget for highways maintenance rose this year.",
    ])
    assert scores[0] > scores[1]
