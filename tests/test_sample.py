"""The shipped sample corpus: where resolve_corpus falls back to it, what it holds, and the notices a user sees."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.config import SAMPLE_CORPUS, fetch_target, is_sample_corpus, resolve_corpus
from assistant.domain import GRADES


@pytest.fixture
def bare_cwd(tmp_path, monkeypatch):
    """A working folder with no ./corpus, no ../shared/corpus and no OFSTED_CORPUS: a fresh machine."""
    cwd = tmp_path / "machine" / "app"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("OFSTED_CORPUS", raising=False)
    return cwd


def test_fallback_order_ends_with_the_sample(bare_cwd, monkeypatch):
    assert resolve_corpus() == SAMPLE_CORPUS and is_sample_corpus(resolve_corpus())

    shared = bare_cwd.parent / "shared" / "corpus"
    shared.mkdir(parents=True)
    assert resolve_corpus().resolve() == shared.resolve()

    (bare_cwd / "corpus").mkdir()
    (bare_cwd / "corpus" / "README.md").write_text("only the README")
    assert resolve_corpus().resolve() == shared.resolve()  # a README alone is not a corpus
    (bare_cwd / "corpus" / "framework").mkdir()
    (bare_cwd / "corpus" / "framework" / "guide.txt").write_text("Practitioners must record supervision.")
    assert resolve_corpus() == Path("corpus")

    monkeypatch.setenv("OFSTED_CORPUS", str(shared))
    assert resolve_corpus() == shared
    assert resolve_corpus("elsewhere") == Path("elsewhere")
    assert not is_sample_corpus(shared) and not is_sample_corpus(None)


def test_fetch_never_targets_the_sample_or_the_shared_corpus(bare_cwd, monkeypatch):
    (bare_cwd.parent / "shared" / "corpus").mkdir(parents=True)
    assert fetch_target() == Path("corpus")
    monkeypatch.setenv("OFSTED_CORPUS", "mine")
    assert fetch_target() == Path("mine")
    assert fetch_target("given") == Path("given")


def test_sample_is_small_and_carries_its_licence():
    files = [p for p in SAMPLE_CORPUS.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= 10 * 1024 * 1024
    readme = (SAMPLE_CORPUS / "README.md").read_text(encoding="utf-8")
    assert "Contains public sector information licensed under the Open Government Licence v3.0" in readme
    assert "Crown copyright" in readme and "Ofsted" in readme
    for f in files:  # every shipped document is listed in the README
        if f.name != "README.md":
            assert f.relative_to(SAMPLE_CORPUS).as_posix() in readme, f


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    """The README's first run on a machine with no corpus at all: `ingest --no-embed` from a bare folder (every
    report is the default)."""
    cwd = tmp_path_factory.mktemp("fresh") / "app"
    cwd.mkdir()
    old, env = os.getcwd(), os.environ.pop("OFSTED_CORPUS", None)
    os.chdir(cwd)
    try:
        runner = CliRunner()
        result = runner.invoke(cli, ["ingest", "--no-embed", "--index", "index"])
        docs = runner.invoke(cli, ["documents", "--index", "index", "--json"])
    finally:
        os.chdir(old)
        if env is not None:
            os.environ["OFSTED_CORPUS"] = env
    assert result.exit_code == 0, result.output
    assert docs.exit_code == 0, docs.output
    return cwd / "index", result, json.loads(docs.stdout)


def test_first_run_without_a_corpus_indexes_the_sample_and_says_so(sample_index):
    _, result, docs = sample_index
    assert "Using the sample corpus shipped with the app: 15 reports from 9 councils" in result.stderr
    assert "ofsted-assistant fetch" in result.stderr
    # What is indexed so far, in words: every report by keyword, meaning-based search still to come.
    assert "Latest report of each council (9) and framework documents (2): keyword search only so far" in result.stdout
    assert "Older reports indexed so far (6): keyword search only so far" in result.stdout
    reports = [d for d in docs if d["kind"] == "report"]
    assert len(reports) == 15 and sum(d["kind"] == "framework" for d in docs) == 2
    overall = {d["judgements"]["overall_effectiveness"] for d in reports}
    assert set(GRADES) <= overall and None in overall  # every grade, and a 2026 report without one
    stoke = [d for d in reports if d["local_authority"] == "Stoke-on-Trent"]
    assert len(stoke) == 4 and {d["framework"] for d in stoke} == {"SIF 2013-17", "ILACS 2018", "ILACS 2023"}


def test_chat_page_says_it_is_a_sample_and_how_to_get_the_rest(sample_index, tmp_path):
    from assistant.api import Assistant
    from assistant.web.page import ChatPage

    page = ChatPage(Assistant(index=sample_index[0]), SAMPLE_CORPUS, stage_dir=tmp_path, stream_delay=0)
    state = page.library()[-1]
    assert state.startswith("**This is a sample:** 15 reports from 9 councils")
    assert "ofsted-assistant fetch" in state and "./corpus" in state and "documents indexed" in state
    notices = [b for b in page.blocks.blocks.values() if getattr(b, "elem_id", None) == "ia-sample-notice"]
    assert len(notices) == 1 and notices[0].visible and "This is a sample" in notices[0].value


def test_an_index_of_another_corpus_has_no_sample_notice(injection_index):
    from assistant.index import Index
    from assistant.sample import page_notice

    assert page_notice(Index(injection_index[1])) == ""
