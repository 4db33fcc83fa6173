"""The evaluation gold sets (eval/gold/*.jsonl) are well formed, every evidence snippet really
is on the stated page of the stated document, and the sets cover what the evaluation needs."""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("OFSTED_CORPUS", REPO.parent / "shared" / "corpus"))
GOLD = REPO / "eval" / "gold"

# The test-suite index: fixture.jsonl must be answerable from these documents alone.
FIXTURE_DOCS = {
    "reports/80564_stoke-on-trent/children's services inspection - 12 august 2015.pdf",
    "reports/80564_stoke-on-trent/children's services inspection - 18 march 2019.pdf",
    "reports/80564_stoke-on-trent/children's services inspection - 25 november 2022.pdf",
    "reports/80564_stoke-on-trent/children's services inspection - 15 july 2025.pdf",
    "reports/80418_norfolk/children's services inspection - 18 may 2026.pdf",
    "framework/childrens-social-care-national-framework-2023.txt",
    "framework/sccif-childrens-homes-2025.html",
}
MIN_PER_TYPE = 12
CORE_TYPES = ("finding", "theme", "framework", "unanswerable", "followup")


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_gold", REPO / "eval" / "check_gold.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_gold", module)
    spec.loader.exec_module(module)
    return module


cg = _load_checker()


def _need_corpus() -> Path:
    if not (CORPUS / "reports").is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="module")
def gold():
    files = cg.default_files()
    assert files, "no eval/gold/*.jsonl files"
    items, errors = cg.load_items(files)
    assert errors == [], "\n".join(errors)
    return items


def test_schema(gold):
    errors = cg.validate(gold, CORPUS if CORPUS.is_dir() else None)
    assert errors == [], "\n".join(errors)


def test_every_snippet_is_on_its_page(gold):
    corpus = _need_corpus()
    errors = cg.verify_evidence(gold, corpus)
    assert errors == [], f"{len(errors)} evidence failure(s):\n" + "\n".join(errors)


def test_counts_per_type(gold):
    types = cg.summarise(gold)["types"]
    for t in CORE_TYPES:
        assert types.get(t, 0) >= MIN_PER_TYPE, f"only {types.get(t, 0)} {t} items (need {MIN_PER_TYPE})"
    if types.get("fact"):
        assert types["fact"] >= MIN_PER_TYPE, f"only {types['fact']} fact items (need {MIN_PER_TYPE})"


def test_local_authority_coverage(gold):
    assert cg.summarise(gold)["local_authorities"] >= 40


def test_era_and_history_coverage(gold):
    summary = cg.summarise(gold)
    for era in cg.ERAS:
        assert summary["eras"].get(era, 0) >= 1, f"no items for era {era}"
    assert summary["index"].get("all", 0) >= 20, "need 20+ items that need the full-history index"


def test_questions_file_is_substantial():
    items, errors = cg.load_items([GOLD / "questions.jsonl"])
    assert errors == []
    assert len(items) >= 110
    for t in CORE_TYPES:
        assert sum(i["type"] == t for i in items) >= 14, t
    # the two Stoke-on-Trent items every evaluation must carry
    by_question = {i["question"]: i for i in items}
    supervision = by_question["What did inspectors say about supervision in Stoke-on-Trent in 2019?"]
    assert supervision["evidence"][0]["page"] == 9 and supervision["evidence"][0]["paragraph"] == "34"
    s20 = by_question["Did Stoke misuse section 20?"]
    assert s20["evidence"][0]["paragraph"] == "18"


def test_fixture_set_uses_only_fixture_documents():
    items, errors = cg.load_items([GOLD / "fixture.jsonl"])
    assert errors == []
    assert 15 <= len(items) <= 40
    types = {i["type"] for i in items}
    assert {"finding", "followup", "framework", "unanswerable"} <= types
    assert sum(i["type"] == "unanswerable" for i in items) >= 3
    for item in items:
        for ev in item["evidence"]:
            assert ev["doc"] in FIXTURE_DOCS, f"{item['id']}: {ev['doc']} is not in the fixture subset"


# ----------------------------------------------------------------- the checker itself

def test_normalise():
    n = cg.normalise
    assert n("multi-\nagency  work") == "multi-agency work"
    assert n("multi- \n agency") == "multi-agency"
    assert n("children\u2019s \u201cfront door\u201d") == "children's \"front door\""
    assert n("16\u2013 and 17\u2014year") == "16- and 17-year"
    assert n("Quality\n  Standards") == "quality standards"
    assert n("\ufb01nancial") == "financial"  # NFKC ligature


def test_load_pages_text_and_html():
    corpus = _need_corpus()
    nf = cg.load_pages(corpus / "framework" / "childrens-social-care-national-framework-2023.txt")
    assert len(nf) > 50 and "Outcome 1" in "".join(nf)
    html = cg.load_pages(corpus / "framework" / "sccif-childrens-homes-2025.html")
    assert len(html) == 1
    assert "All inspections of children’s homes are unannounced." in html[0]
    assert "<script" not in html[0] and "gtm.js" not in html[0]


def test_checker_reports_bad_items(tmp_path):
    corpus = _need_corpus()
    stoke = "reports/80564_stoke-on-trent/children's services inspection - 18 march 2019.pdf"
    good_ev = {"doc": stoke, "page": 9, "paragraph": "34",
               "snippet": "No social worker is receiving one-to-one case supervision"}
    rows = [
        {"id": "x-1", "type": "finding", "question": "q", "index": "all", "evidence": [dict(good_ev, page=8)]},
        {"id": "x-1", "type": "finding", "question": "q", "index": "default", "evidence": [good_ev]},
        {"id": "x-3", "type": "opinion", "question": "q", "index": "all", "evidence": [good_ev]},
        {"id": "x-4", "type": "followup", "question": "and there?", "index": "all", "evidence": [good_ev]},
        {"id": "x-5", "type": "unanswerable", "question": "q", "index": "default", "evidence": [good_ev]},
        {"id": "x-6", "type": "theme", "question": "q", "index": "all", "evidence": [good_ev]},
        {"id": "x-7", "type": "finding", "question": "q", "index": "all",
         "evidence": [dict(good_ev, snippet="receiving one-to-one case supervision")]},
        {"id": "x-8", "type": "finding", "question": "q", "index": "all",
         "evidence": [dict(good_ev, doc="/abs/" + stoke)]},
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    _, errors = cg.check([path], corpus)
    text = "\n".join(errors)
    assert "snippet not on page 8" in text and "found on page(s) [1, 9]" in text
    assert "duplicate id" in text
    assert "is not the latest report" in text
    assert "unknown type 'opinion'" in text
    assert "followup needs 'history'" in text
    assert "unanswerable items must have evidence: []" in text
    assert "theme needs evidence from 3+ different reports" in text
    assert "snippet has 4 words" in text
    assert "must be relative to the corpus root" in text
    assert cg.main([str(path), "--corpus", str(corpus)]) == 1
