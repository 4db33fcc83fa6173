"""The whole history by default, indexed progressively (issue 13): latest reports and frameworks first, older
reports newest first, vectors in the same order; and what the user is told while that happens, or when a
question names a report that is in the corpus but not indexed."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.documents.corpus import discover

SAMPLE = Path(__file__).resolve().parent.parent / "sample"
STOKE = "reports/80564_stoke-on-trent"
LEEDS = "reports/80481_leeds"
FILES = [
    f"{STOKE}/children's services inspection - 12 august 2015.pdf",
    f"{STOKE}/children's services inspection - 18 march 2019.pdf",
    f"{STOKE}/children's services inspection - 25 november 2022.pdf",
    f"{STOKE}/children's services inspection - 15 july 2025.pdf",
    f"{LEEDS}/children's services inspection - 09 may 2022.pdf",
    f"{LEEDS}/children's services inspection - 12 august 2025.pdf",
    "framework/childrens-social-care-national-framework-2023.txt",
]
LATEST = {FILES[3], FILES[5], FILES[6]}
OLDER_NEWEST_FIRST = [FILES[2], FILES[4], FILES[1], FILES[0]]  # Nov 2022, May 2022, 2019, 2015
Q_2019 = "What did inspectors say about supervision in Stoke-on-Trent in 2019?"


@pytest.fixture()
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SAMPLE / rel, root / rel)
    return root


def test_discovery_puts_each_councils_latest_report_first_then_older_ones_newest_first(corpus):
    found = discover(corpus, all_reports=True)
    assert set(map(str, found.first)) == LATEST
    assert [str(p) for p in found.older] == OLDER_NEWEST_FIRST
    assert [str(p) for p in found.files][-4:] == OLDER_NEWEST_FIRST  # the parse order of the second wave
    latest_only = discover(corpus, all_reports=False)
    assert set(map(str, latest_only.files)) == LATEST and latest_only.superseded == 4


def test_first_wave_answers_and_says_which_reports_are_still_to_come(corpus, tmp_path):
    from assistant.api import Assistant
    from assistant.ingest import ingest

    index = tmp_path / "index"
    first = ingest(corpus, index, embed=False, first_wave_only=True)
    assert first.documents == 3
    a = Assistant(index)
    cover = a.index.coverage()
    assert [w.path for w in cover.waiting] == OLDER_NEWEST_FIRST
    assert {w.council for w in cover.waiting} == {"Stoke-on-Trent", "Leeds"}
    assert not cover.left_out and not cover.running

    # A year that only a waiting report has: said plainly, with what to do, instead of "not covered".
    ans = a.ask(Q_2019)
    assert ans.refused and not ans.citations
    assert "Stoke-on-Trent\u2019s 2019 report is in the corpus but not indexed yet" in ans.answer
    assert "not indexed yet: indexing stopped before it; the next indexing run adds it in about" in ans.answer
    assert "`ofsted-assistant ingest` adds them" in " ".join(a.index.coverage().summary(commands=True))
    # The council without a year: answered from what is indexed, saying which of its reports are left out.
    ans = a.ask("What did inspectors say about supervision in Stoke-on-Trent?")
    assert not ans.refused and {c.published.year for c in ans.citations} == {2025}
    assert ("This answer leaves out Stoke-on-Trent\u2019s 2022, 2019 and 2015 reports, in the corpus but not indexed "
            "yet: indexing stopped before them; the next indexing run adds them in about") in " ".join(ans.notices)
    assert any(n.startswith("Still indexing:") and "4 older reports are not indexed yet" in n for n in ans.notices)

    # The second wave: every report, and the same question now quotes the 2019 report.
    second = ingest(corpus, index, embed=False)
    assert second.documents == 7 and second.parsed == 4
    cover = a.index.coverage()
    assert not cover.waiting and cover.older_reports == 4 and cover.latest_reports == 2
    ans = a.ask(Q_2019)
    assert not ans.refused and {c.published.year for c in ans.citations} == {2019}
    assert any("older reports have keyword search only" in n for n in ans.notices)
    summary = " ".join(cover.summary())
    assert "Older reports indexed so far (4): keyword search only so far" in summary
    assert "embedded" not in summary and "chunk" not in summary


def test_latest_only_says_the_older_reports_are_left_out_on_purpose(corpus, tmp_path):
    from assistant.api import Assistant
    from assistant.ingest import ingest
    from assistant.store import Store

    index = tmp_path / "index"
    assert ingest(corpus, index, all_reports=False, embed=False).documents == 3
    ans = Assistant(index).ask(Q_2019)
    assert ans.refused
    assert "this library holds each council's latest report only; indexing every report would add it (about" in ans.answer
    # The choice is remembered by a plain re-ingest ...
    assert ingest(corpus, index, embed=False).documents == 3
    # ... while an index built when latest-only was the default (scope "latest") is widened to every report.
    Store(index / "state.sqlite").set_meta("scope", "latest")
    assert ingest(corpus, index, embed=False).documents == 7


def test_vectors_go_to_the_latest_reports_first(corpus, tmp_path):
    """An ingest stopped after its first batch of vectors has given them to the latest reports only."""
    from assistant.ingest import ingest
    from assistant.store import Store

    index = tmp_path / "index"
    ingest(corpus, index, embed=False)

    class Stop(Exception):
        pass

    def stop_after_first_batch(phase, done, total):
        if phase == "embed" and done > 0:
            raise Stop

    from assistant.config import Settings

    with pytest.raises(Stop):  # batches of 64 passages: the three latest documents have more than that
        ingest(corpus, index, progress=stop_after_first_batch, settings=Settings(embed_batch=4))
    store = Store(index / "state.sqlite")
    files = store.files()
    latest_ids = {files[p]["doc_id"] for p in LATEST}
    embedded = {r[0] for r in store.connect().execute("SELECT DISTINCT doc_id FROM chunks WHERE embedded=1")}
    assert embedded and embedded <= latest_ids
