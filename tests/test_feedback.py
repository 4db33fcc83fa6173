"""Feedback records and their export as draft gold-set lines that eval/check_gold.py accepts."""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.feedback import feedback_record, gold_item, snippet
from assistant.models import Answer, Citation, DocumentInfo

REPO = Path(__file__).resolve().parents[1]
STOKE_OLD, STOKE_NEW = "reports/1_stoke/2019.pdf", "reports/1_stoke/2025.pdf"
FRAMEWORK = "framework/national.txt"
LONG = "Social workers told inspectors that their supervision is regular and reflective and that managers know their children well and help them plan next steps promptly."


def _check_gold():
    spec = importlib.util.spec_from_file_location("check_gold_for_feedback_tests", REPO / "eval" / "check_gold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _docs() -> dict[str, DocumentInfo]:
    def doc(i, path, kind, year=None, framework=None):
        return DocumentInfo(doc_id=str(i) * 64, path=path, title=path, kind=kind, pages=10, chunks=5,
                            local_authority="Stoke-on-Trent" if kind == "report" else None, framework=framework,
                            published=dt.date(year, 3, 1) if year else None)
    return {d.doc_id: d for d in (doc(1, STOKE_OLD, "report", 2019, "ILACS 2018"), doc(2, STOKE_NEW, "report", 2025, "ILACS 2023"),
                                  doc(3, FRAMEWORK, "framework"))}


def _row(rating, paths=(STOKE_OLD,), history=(), quote=LONG, comment=None, fid=7):
    cits = [{"n": i + 1, "doc_id": "x", "path": p, "page": 3, "paragraph": "12" if p.startswith("reports") else None,
             "quote": quote, "local_authority": "Stoke-on-Trent" if p.startswith("reports") else None} for i, p in enumerate(paths)]
    return {"id": fid, "created": 1_700_000_000, "question": "What about supervision?", "rating": rating, "comment": comment,
            "citations": cits, "filters": {"local_authority": ["Stoke-on-Trent"], "year_from": None, "doc_id": []},
            "history": list(history)}


def test_record_keeps_what_a_reviewer_needs():
    cit = Citation(n=1, doc_id="a" * 64, path=STOKE_OLD, title="t", kind="report", page=3, quote=LONG, score=0.1,
                   paragraph="12", local_authority="Stoke-on-Trent", published=dt.date(2019, 3, 18))
    ans = Answer(question="q", answer="lead\n- \u201cx\u201d [1]", refused=False, citations=[cit], filters={}, seconds=0.1)
    rec = feedback_record("q", ans, "wrong evidence", "  wrong council ", {"kind": "report"}, ["earlier?"])
    assert rec["rating"] == "wrong evidence" and rec["comment"] == "wrong council"
    assert rec["citations"][0]["quote"] == LONG and rec["citations"][0]["published"] == "2019-03-18"
    assert rec["filters"] == {"kind": "report"} and rec["history"] == ["earlier?"]
    json.dumps(rec)  # stored as JSON
    with pytest.raises(ValueError):
        feedback_record("q", ans, "meh")


def test_helpful_answers_become_findings_with_the_quotes_as_evidence():
    item = gold_item(_row("helpful"), _docs())
    assert item["id"] == "feedback-007" and item["type"] == "finding"
    assert item["index"] == "all"  # the 2019 report is not Stoke's latest
    assert item["era"] == "ILACS 2018" and item["local_authority"] == "Stoke-on-Trent"
    assert item["filters"] == {"local_authority": ["Stoke-on-Trent"]}
    ev = item["evidence"][0]
    assert ev == {"doc": STOKE_OLD, "page": 3, "paragraph": "12", "snippet": snippet(LONG)}
    assert len(ev["snippet"].split()) == 25 and LONG.startswith(ev["snippet"])
    assert gold_item(_row("helpful", paths=(STOKE_NEW,)), _docs())["index"] == "default"


def test_types_follow_history_and_document_kind():
    assert gold_item(_row("helpful", history=["Earlier?"]), _docs())["type"] == "followup"
    assert gold_item(_row("helpful", paths=(FRAMEWORK,)), _docs())["type"] == "framework"
    declined = _row("helpful", paths=())
    assert gold_item(declined, _docs())["type"] == "unanswerable"
    assert gold_item(_row("helpful", quote="Too short."), _docs()) is None


@pytest.mark.parametrize("rating", ["not helpful", "wrong evidence"])
def test_rejected_answers_become_unanswerable_drafts_with_notes(rating):
    item = gold_item(_row(rating, history=["Earlier?"], comment="Cited the wrong year"), _docs())
    assert item["type"] == "unanswerable" and item["evidence"] == [] and "history" not in item
    assert rating in item["notes"] and "Cited the wrong year" in item["notes"] and STOKE_OLD in item["notes"]
    assert "Asked after: Earlier?" in item["notes"]
    errors = _check_gold().validate_item(item)
    assert errors == []


def test_every_draft_passes_the_gold_schema():
    check = _check_gold()
    rows = [_row("helpful"), _row("helpful", history=["Earlier?"]), _row("helpful", paths=(FRAMEWORK,)),
            _row("helpful", paths=()), _row("not helpful"), _row("wrong evidence", paths=())]
    for row in rows:
        assert check.validate_item(gold_item(row, _docs())) == [], row


def test_cli_export_writes_lines_check_gold_accepts(injection_index, tmp_path):
    from assistant.api import Assistant
    from tests.conftest import INJECTION_QUESTION

    corpus, index = injection_index
    a = Assistant(index=index)
    ans = a.ask(INJECTION_QUESTION)
    assert ans.citations
    a.index.store.add_feedback(feedback_record(INJECTION_QUESTION, ans, "helpful", "good"))
    a.index.store.add_feedback(feedback_record("Who won the cup?", ans, "wrong evidence", "nothing to do with it"))
    out = tmp_path / "feedback.jsonl"
    result = CliRunner().invoke(cli, ["feedback", "export", "--index", str(index), "--out", str(out)])
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in out.read_text().splitlines()]
    assert [i["type"] for i in items[-2:]] == ["framework", "unanswerable"]
    _, errors = _check_gold().check([out], corpus)
    assert errors == []
