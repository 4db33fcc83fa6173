"""`fetch` against a stand-in for Ofsted's reports site on 127.0.0.1 (tests/fetch_server.py): the corpus layout,
skipping what is already there, politeness, and every kind of failure the real site has shown."""
from __future__ import annotations

import datetime as dt
import json
import socket

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.config import SAMPLE_CORPUS, Settings
from assistant.fetch import FetchError, PoliteClient, fetch_reports, parse_provider_page, report_file_name
from tests.fetch_server import FILES, FixtureSite

STOKE = "reports/80564_stoke-on-trent"
NEW = {
    f"{STOKE}/children's services inspection - 15 july 2025.pdf": "80564-2025",
    f"{STOKE}/children's services inspection - 18 march 2019.pdf": "80564-2019",
    "reports/80481_leeds/children's services inspection - 12 august 2025.pdf": "80481-2025",
    "reports/80476_kent/children's services inspection - 02 february 2026.pdf": "80476-2026",
    "reports/80461_devon/children's services inspection - 13 may 2025.pdf": "80461-2025",
}
KENT_ERROR_PAGE = "reports/80476_kent/children's services inspection - 23 august 2013.pdf"


@pytest.fixture
def site():
    with FixtureSite(slow_seconds=2.0) as s:
        yield s


def settings_for(site, **overrides) -> Settings:
    # A short backoff: the site needs a moment to see that a timed-out client hung up before the retry arrives.
    values = dict(fetch_base_url=site.base_url, fetch_delay=0, fetch_timeout=0.5, fetch_retries=1, fetch_backoff=0.2)
    values.update(overrides)
    return Settings(**values)


def files_in(corpus):
    return sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file())


def test_first_fetch_writes_every_report_in_the_corpus_layout(site, tmp_path):
    corpus = tmp_path / "corpus"
    summary = fetch_reports(corpus, settings_for(site))

    assert summary.councils == 4
    assert sorted(f.path for f in summary.new) == sorted(NEW)
    assert files_in(corpus) == sorted([*NEW, ".fetch-state.json"])  # no temporary files left behind
    for rel, fid in NEW.items():
        assert (corpus / rel).read_bytes() == FILES[fid].read_bytes()
    # Leeds's report published again under a second URL and date: recognised by its content, not written twice.
    [copy] = summary.unchanged
    assert copy.url.endswith("/files/80481-2025-copy") and "same content as reports/80481_leeds/" in copy.reason
    failed = {f.url.rsplit("/", 2)[-2]: f.reason for f in summary.failed}
    assert failed == {"missing": "HTTP 404", "slow": "timed out after 0.5 s (2 tries)",
                      "error": "an HTML page (197 bytes), not written"}
    assert not (corpus / KENT_ERROR_PAGE).exists()
    # The focused-visit letter on Stoke's page is not a children's services inspection: never requested.
    assert not site.paths("/missing/80564-fv")


def test_search_results_are_read_over_both_pages_and_requests_are_polite(site, tmp_path):
    fetch_reports(tmp_path / "corpus", settings_for(site))
    searches = site.paths("/search")
    assert [s.split("&start=")[1] for s in searches] == ["0&rows=100", "2&rows=100", "4&rows=100"]
    assert "level_1_types=3&level_2_types%5B%5D=12" in searches[0]
    assert site.max_in_flight == 1  # one request at a time, even while a slow answer is pending
    agents = {r.user_agent for r in site.requests}
    assert len(agents) == 1 and agents.pop().startswith("inspection-assistant/")
    assert site.paths("/flaky/80481-2025") == ["/flaky/80481-2025"] * 2  # a 503, then the retry that worked
    assert site.paths("/slow/") == ["/slow/80461-2015"] * 2  # timed out, retried once, then given up


def test_a_second_run_downloads_nothing_and_retries_only_the_failures(site, tmp_path):
    corpus = tmp_path / "corpus"
    fetch_reports(corpus, settings_for(site))
    before = len(site.requests)
    again = fetch_reports(corpus, settings_for(site))

    assert not again.new and len(again.unchanged) == 6 and len(again.failed) == 3
    second = [r.path for r in site.requests[before:]]
    assert not [p for p in second if p.startswith(("/files/", "/flaky/"))]  # no report downloaded again
    assert files_in(corpus) == sorted([*NEW, ".fetch-state.json"])


def test_files_already_in_the_corpus_are_not_downloaded(site, tmp_path):
    corpus = tmp_path / "corpus"
    by_hand = corpus / f"{STOKE}/children's services inspection - 15 july 2025.pdf"
    by_hand.parent.mkdir(parents=True)
    by_hand.write_bytes(FILES["80564-2025"].read_bytes())
    # Saved by hand under another name: found by its content once downloaded, and not written again.
    other_name = corpus / "reports/80461_devon/devon 2025.pdf"
    other_name.parent.mkdir(parents=True)
    other_name.write_bytes(FILES["80461-2025"].read_bytes())

    summary = fetch_reports(corpus, settings_for(site), las=["Stoke-on-Trent", "Devon"])

    assert not site.paths("/files/80564-2025")
    reasons = {f.path: f.reason for f in summary.unchanged}
    assert reasons[f"{STOKE}/children's services inspection - 15 july 2025.pdf"] == "already in the corpus"
    assert reasons["reports/80461_devon/devon 2025.pdf"] == "same content as reports/80461_devon/devon 2025.pdf"
    assert [f.path for f in summary.new] == [f"{STOKE}/children's services inspection - 18 march 2019.pdf"]
    state = json.loads((corpus / ".fetch-state.json").read_text())["files"]
    assert state[f"{site.base_url}/files/80461-2025"]["path"] == "reports/80461_devon/devon 2025.pdf"


def test_an_existing_council_folder_is_reused(site, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "reports" / "80476_kent county").mkdir(parents=True)
    summary = fetch_reports(corpus, settings_for(site), las=["kent"])
    assert [f.path for f in summary.new] == ["reports/80476_kent county/children's services inspection - 02 february 2026.pdf"]


def test_la_and_since_choose_councils_and_reports(site, tmp_path):
    summary = fetch_reports(tmp_path / "corpus", settings_for(site), las=["leeds", "Kent County Council"],
                            since=dt.date(2025, 9, 1))
    assert summary.councils == 2
    assert [f.path for f in summary.new] == ["reports/80476_kent/children's services inspection - 02 february 2026.pdf"]
    assert not summary.failed  # Kent's 2013 error page is older than --since: not even requested
    providers = site.paths("/provider/")
    assert sorted(providers) == ["/provider/44/80476", "/provider/44/80481"]
    assert not site.paths("/error/")


def test_waits_between_requests_and_backs_off_before_each_retry(site):
    now = [0.0]  # a clock that only moves when the client sleeps: every request seems to take no time
    waits: list[float] = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    client = PoliteClient(settings_for(site, fetch_delay=2.0, fetch_retries=3, fetch_backoff=5.0),
                          sleep=sleep, clock=lambda: now[0])
    try:
        client.get(f"{site.base_url}/files/80564-2019")
        with pytest.raises(FetchError, match="^HTTP 404$"):
            client.get(f"{site.base_url}/missing/x")  # not retried: a 404 will not go away
        with pytest.raises(FetchError, match=r"^HTTP 503 \(4 tries\)$"):
            client.get(f"{site.base_url}/busy/x")
    finally:
        client.close()
    # 2 s before each later request; 5, 10 and 20 s before the three retries (the delay is then already over).
    assert waits == [2.0, 2.0, 5.0, 10.0, 20.0]
    assert site.paths("/busy/") == ["/busy/x"] * 4


def test_labels_become_the_corpus_file_names():
    assert report_file_name("Children\u2019s services inspection, pdf - 15 July 2025") == \
        "children's services inspection - 15 july 2025.pdf"
    assert report_file_name("Children's services inspection,  pdf - 16 August 2013") == \
        "children's services inspection - 16 august 2013.pdf"
    assert report_file_name("Focused visit, pdf - 1 May 2020") is None
    html = ('<a class="publication-link" href="/f/1"><span class="nonvisual">Children\'s services inspection, pdf'
            ' - 2 May 2024</span></a><a class="publication-link" href="/f/2"><span class="nonvisual">Monitoring '
            'visit, pdf - 3 May 2024</span></a>')
    [pub] = parse_provider_page(html, "http://127.0.0.1:1/provider/44/1")
    assert pub.url == "http://127.0.0.1:1/f/1" and pub.published == dt.date(2024, 5, 2)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_fetch_prints_a_summary_and_json(site, tmp_path, monkeypatch):
    for name, value in settings_for(site).model_dump(include={"fetch_base_url", "fetch_delay", "fetch_timeout",
                                                               "fetch_retries", "fetch_backoff"}).items():
        monkeypatch.setenv(f"OFSTED_{name.upper()}", str(value))
    corpus = tmp_path / "corpus"
    runner = CliRunner()
    result = runner.invoke(cli, ["fetch", str(corpus), "--la", "Stoke-on-Trent", "--la", "Kent"])
    assert result.exit_code == 0, result.output
    assert "Fetch summary" in result.stdout
    assert "new reports/80564_stoke-on-trent/children's services inspection - 18 march 2019.pdf" in result.stdout
    assert "failed reports/80476_kent/children's services inspection - 23 august 2013.pdf" in result.stdout
    assert "not written" in result.stdout

    again = runner.invoke(cli, ["fetch", str(corpus), "--la", "Kent", "--json"])
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert data["councils"] == 1 and [f["status"] for f in data["files"]] == ["unchanged", "failed"]


def test_cli_fetch_bad_input_and_unreachable_site_are_one_line_errors(site, tmp_path, monkeypatch):
    monkeypatch.setenv("OFSTED_FETCH_BASE_URL", site.base_url)
    monkeypatch.setenv("OFSTED_FETCH_DELAY", "0")
    runner = CliRunner()
    unknown = runner.invoke(cli, ["fetch", str(tmp_path / "c"), "--la", "Leds"])
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "Error: no council on the site matches --la 'Leds' (4 councils listed)"
    assert not (tmp_path / "c" / "reports").exists()

    bad_date = runner.invoke(cli, ["fetch", str(tmp_path / "c"), "--since", "last month"])
    assert bad_date.exit_code == 2 and "'last month' does not match the format '%Y-%m-%d'" in bad_date.stderr

    into_sample = runner.invoke(cli, ["fetch", str(SAMPLE_CORPUS)])
    assert into_sample.exit_code == 1 and "the shipped sample is not a download folder" in into_sample.stderr

    monkeypatch.setenv("OFSTED_FETCH_BASE_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("OFSTED_FETCH_RETRIES", "1")
    monkeypatch.setenv("OFSTED_FETCH_BACKOFF", "0")
    down = runner.invoke(cli, ["fetch", str(tmp_path / "c")])
    assert down.exit_code == 1
    lines = down.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: the search page http://127.0.0.1:")
    assert "could not connect" in lines[0] and "(2 tries)" in lines[0]


def test_a_site_whose_pages_changed_fails_loudly(site, tmp_path):
    # Not "nothing new": a search page that moved, or that no longer lists councils as links, stops the run.
    with pytest.raises(FetchError, match="could not be read: HTTP 404"):
        fetch_reports(tmp_path / "c", settings_for(site, fetch_base_url=f"{site.base_url}/moved"))
    with pytest.raises(FetchError, match="listed no council: the site may have changed its pages"):
        fetch_reports(tmp_path / "c", settings_for(site, fetch_base_url=f"{site.base_url}/redesigned"))
    assert not (tmp_path / "c").exists()
