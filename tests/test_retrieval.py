"""Retrieval (assistant/retrieval.py): a question about what must happen hears from the statutory documents even
when report passages outrank them in the searches over everything."""
from __future__ import annotations

from assistant.models import Filters
from assistant.retrieval import Retriever, _best_ranks

QUESTION = "How often should social workers have supervision?"


def test_two_rankings_are_interleaved_each_passage_once_at_its_better_place():
    overall = [("r1", 9.0), ("r2", 8.0), ("f1", 7.0)]
    own = [("f1", 7.0), ("f2", 5.0)]
    assert _best_ranks(overall, own) == [("r1", 9.0), ("f1", 7.0), ("r2", 8.0), ("f2", 5.0)]
    assert _best_ranks(overall, []) == overall


def test_a_normative_question_ranks_framework_passages_among_themselves(assistant):
    index = assistant.index
    settings = index.settings.model_copy(update={"bm25_k": 3, "dense_k": 3, "kind_boost": 1.0})
    retriever = Retriever(index, settings)
    kinds = {d.doc_id: d.kind for d in index.documents().values()}

    def kinds_found(boost_kind):
        hits = retriever.search(QUESTION, QUESTION, Filters(), k=6, boost_kind=boost_kind)
        return [kinds[h.row["doc_id"]] for h in hits]

    assert "framework" not in kinds_found(None)  # three reports each list outrank the national framework
    found = kinds_found("framework")
    assert "framework" in found and "report" in found  # the reports' own best passages stay

