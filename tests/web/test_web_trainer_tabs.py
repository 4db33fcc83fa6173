"""The Briefing, Compare and Timeline tabs: their callbacks in-process on the fixture index (Stoke-on-Trent's
four reports, Norfolk 2026, the National Framework and the SCCIF), escaping of document text, errors shown
as messages, and one browser run of the Briefing tab that saves its screenshot."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import gradio as gr
import pytest

from assistant.trainer import Briefing, Quote, Scope
from assistant.trainer.models import GroupSummary
from assistant.web.trainer_tabs import TrainerTabs, render_briefing, render_comparison, render_timeline, slug
from tests.web.conftest import start_page

EVIL = "Managers record supervision <script>alert(1)</script> and see [click](javascript:alert(1)) and <b>bold</b> **claims**."


@pytest.fixture(scope="module")
def page(assistant, fixture_corpus, tmp_path_factory):
    from assistant.web.page import ChatPage

    return ChatPage(assistant, fixture_corpus, stage_dir=tmp_path_factory.mktemp("trainer-stage"), stream_delay=0)


@pytest.fixture(scope="module")
def supervision(page):
    """The Briefing tab's outputs for "supervision" over every report (the side panel left empty)."""
    return page.trainer.briefing("supervision", [], "", [], "any", "any", "both", "any", "any")


def _path(button) -> Path:
    value = button.value
    return Path(value["path"] if isinstance(value, dict) else value)


def test_the_page_has_the_three_tool_tabs(page):
    labels = [b.label for b in page.blocks.blocks.values() if isinstance(b, gr.Tab)]
    assert labels[:3] == ["Chat", "Source", "Library"] and labels[3:] == ["Briefing", "Compare", "Timeline"]
    frameworks, compare_councils, timeline_council = page.trainer.filter_choices()
    assert compare_councils.constructor_args["choices"] == ["Norfolk", "Stoke-on-Trent"]
    assert compare_councils.constructor_args["choices"] == timeline_council.constructor_args["choices"]
    assert "ILACS 2018" in frameworks.constructor_args["choices"]


def test_briefing_shows_quotes_chart_and_handouts(supervision):
    html, chart, docx, md, quotes, session = supervision
    assert "Theme briefing: supervision" in html and "Strong (outstanding or good)" in html
    assert "Norfolk, report published 18 May 2026" in html and "Stoke-on-Trent" in html
    assert "What the framework documents expect" in html and "Discussion prompts" in html
    assert len(quotes) >= 6 and html.count('data-action="cite"') >= len(quotes)
    assert all(f'data-n="{n}"' in html for n in range(1, len(quotes) + 1))
    assert chart.visible is True and chart.value is not None
    assert docx.interactive and md.interactive and session
    assert _path(docx).read_bytes()[:2] == b"PK"  # a .docx is a zip
    text = _path(md).read_text(encoding="utf-8")
    assert text.startswith("# Theme briefing: supervision") and quotes[0].text.split("\u201d")[0][:60] in text
    assert "![" not in text  # one downloadable file: no link to a chart left behind


def test_briefing_filters_are_applied(page):
    """The side panel's council and years (in reverse order here) with the tab's own framework era."""
    html, chart, docx, md, quotes, _ = page.trainer.briefing("supervision", ["ILACS 2023"], "", ["Stoke-on-Trent"],
                                                             "2026", "2022", "both", "any", "any")
    assert "reports for Stoke-on-Trent, published 2022-2026, under ILACS 2023" in html  # years swapped into order
    assert quotes and {q.local_authority for q in quotes if q.kind == "report"} == {"Stoke-on-Trent"}
    assert {q.published.year for q in quotes if q.kind == "report"} == {2025}


def _inputs_of(page, fn) -> list[str]:
    """The elem_ids (or labels) of the components an event of `fn` reads, in order."""
    block_fn = next(f for f in page.blocks.fns.values() if getattr(f, "fn", None) == fn)
    return [b.elem_id or getattr(b, "label", None) or type(b).__name__ for b in block_fn.inputs]


def test_the_side_panel_is_the_one_set_of_filters(page):
    """Issue 16, item 12a: the side panel showed beside the Briefing but did not apply to it, and the Briefing had
    year and council filters of its own. Now every tool reads the side panel and the Briefing has none of those."""
    ids = {getattr(b, "elem_id", None) for b in page.blocks.blocks.values()}
    assert not ids & {"ia-briefing-year-from", "ia-briefing-year-to", "ia-briefing-councils"}
    panel = ["ia-la", "ia-year-from", "ia-year-to", "ia-kind", "ia-area", "ia-grade"]
    assert _inputs_of(page, page.trainer.briefing)[-6:] == panel
    assert _inputs_of(page, page.trainer.compare)[-6:] == panel
    assert _inputs_of(page, page.trainer.timeline)[-6:] == panel
    head = next(b for b in page.blocks.blocks.values() if getattr(b, "elem_id", None) == "ia-filters-head")
    assert "Briefing, Compare and Timeline" in head.value


def test_the_side_panel_filters_apply_to_each_tool_and_say_what_they_cannot(page):
    trainer = page.trainer
    html, chart, docx, md, quotes, _ = trainer.briefing("supervision", [], "", ["Norfolk"], "any", "any", "both", "any",
                                                        "outstanding")
    assert "Scope: reports for Norfolk." in html and "From the side panel: local authority Norfolk." in html
    assert {q.local_authority for q in quotes if q.kind == "report"} == {"Norfolk"}
    assert "The side panel\u2019s Grade filter does not apply here" in html
    # Compare: the side panel's councils when none is chosen in the tab, and its years.
    html, docx, md, quotes, _ = trainer.compare([], "", "", ["Stoke-on-Trent", "Norfolk"], "2015", "2019", "both",
                                                "any", "any")
    assert "Comparison: Stoke-on-Trent, Norfolk" in html and "18 March 2019" in html and "15 July 2025" not in html
    assert "No indexed report of Norfolk is published 2015-2019." in html
    html, *_ = trainer.compare(["Stoke-on-Trent", "Norfolk"], "", "", ["Norfolk"], "any", "any", "report", "any", "any")
    assert "Local authority (Norfolk) is not used here" in html and "15 July 2025" in html
    assert "Documents filter does not apply here" in html
    html, *_ = trainer.compare([], "", "", ["Norfolk"], "any", "any", "both", "any", "any")
    assert "Choose 2 to 5 councils to compare (1 chosen, here or in the side panel)" in html
    # Timeline: the side panel's one council when none is chosen, and its years.
    html, chart, docx, md, quotes, _ = trainer.timeline(None, "", "", ["Stoke-on-Trent"], "2022", "any", "both", "any", "any")
    assert "Timeline: Stoke-on-Trent" in html and "25 November 2022" in html and "18 March 2019" not in html
    assert "2 of the 4 indexed reports of Stoke-on-Trent are published from 2022." in html
    html, *_ = trainer.timeline(None, "", "", ["Stoke-on-Trent", "Norfolk"], "any", "any", "both", "any", "any")
    assert "Choose a council first (the side panel names 2; a timeline is of one)." in html


def test_compare_and_timeline_download_as_docx_and_markdown(page):
    from docx import Document

    def cells(path):
        return [[c.text for c in row.cells] for t in Document(str(path)).tables for row in t.rows]

    html, docx, md, quotes, _ = page.trainer.compare(["Stoke-on-Trent", "Norfolk"], "caseloads", "")
    assert docx.interactive and md.interactive
    assert ["Overall effectiveness", "Requires improvement", "Outstanding"] in cells(_path(docx))
    text = _path(md).read_text(encoding="utf-8")
    assert text.startswith("# Comparison: Stoke-on-Trent, Norfolk") and "![" not in text
    assert "| Children in care | Good | Outstanding |" in text and quotes[0].text.split()[0] in text
    html, chart, docx, md, quotes, _ = page.trainer.timeline("Stoke-on-Trent", "supervision", "")
    rows = cells(_path(docx))
    assert rows[0] == ["Published", "10 August 2015", "18 March 2019", "25 November 2022", "15 July 2025"]
    assert ["Children in care", "Requires improvement", "Inadequate", "Good", "Good"] in rows
    text = _path(md).read_text(encoding="utf-8")
    assert text.startswith("# Timeline: Stoke-on-Trent") and "| 18 March 2019 |" in text and "Inadequate" in text


def test_briefing_problems_are_messages_not_tracebacks(page, monkeypatch):
    trainer = page.trainer
    html, chart, docx, md, quotes, _ = trainer.briefing("   ", [], "")
    assert "Type a theme first" in html and chart.visible is False and not docx.interactive and quotes == []
    html, *_ = trainer.briefing("supervision", ["ILACS 2099"], "")
    assert 'class="ia-error"' in html and "not supported" in html and "ILACS 2099" in html
    html, chart, docx, md, quotes, _ = trainer.briefing("xyzzy frobnication quuxes", [], "")
    assert "No indexed report speaks to" in html and chart.visible is False and not md.interactive

    def region(*args, **kwargs):
        from assistant.trainer import UnsupportedFilter
        from assistant.trainer.scope import REGION_UNSUPPORTED

        raise UnsupportedFilter(REGION_UNSUPPORTED)

    monkeypatch.setattr("assistant.web.trainer_tabs.build_briefing", region)
    html, *_ = trainer.briefing("supervision", [], "")
    assert "Region filters are not supported" in html
    monkeypatch.setattr("assistant.web.trainer_tabs.build_briefing", lambda *a, **k: 1 / 0)
    html, *_ = trainer.briefing("supervision", [], "")
    assert "could not be built (ZeroDivisionError)" in html and "Traceback" not in html


def test_compare_tab(page):
    html, docx, md, quotes, session = page.trainer.compare(["Stoke-on-Trent", "Norfolk"], "caseloads", "")
    assert "Comparison: Stoke-on-Trent, Norfolk" in html and "Latest grades" in html
    assert "15 July 2025" in html and "18 May 2026" in html and "ia-grade-outstanding" in html
    assert quotes and all("caseload" in q.text.lower() or "workload" in q.text.lower() for q in quotes)
    assert {q.local_authority for q in quotes} == {"Stoke-on-Trent", "Norfolk"}
    for chosen in ([], ["Norfolk"], ["Norfolk", "Stoke-on-Trent", "a", "b", "c", "d"]):
        html, docx, md, quotes, _ = page.trainer.compare(chosen, "", "")
        assert "Choose 2 to 5 councils" in html and quotes == [] and not docx.interactive
    html, docx, md, quotes, _ = page.trainer.compare(["Norfolk", "Atlantis"], "", "")
    assert "No indexed report is for Atlantis" in html and "Norfolk" in html and quotes == []


def test_timeline_tab(page):
    html, chart, docx, md, quotes, session = page.trainer.timeline("Stoke-on-Trent", "supervision", "")
    assert chart.visible is True and chart.value is not None
    dates = ["10 August 2015", "18 March 2019", "25 November 2022", "15 July 2025"]
    assert [html.index(d) for d in dates] == sorted(html.index(d) for d in dates)
    assert any("one-to-one case supervision" in q.text for q in quotes)
    assert all(q.local_authority == "Stoke-on-Trent" for q in quotes)
    html, chart, docx, md, quotes, _ = page.trainer.timeline(None, "", "")
    assert "Choose a council" in html and chart.visible is False and not docx.interactive
    html, chart, docx, md, quotes, _ = page.trainer.timeline("Atlantis", "", "")
    assert 'class="ia-error"' in html and "Atlantis" in html and quotes == []


def test_a_quote_number_opens_its_page_in_the_source_tab(page, supervision):
    quotes = supervision[4]
    out = page.trainer.open_quote(quotes, gr.EventData(None, {"n": 1}))
    head, column, image, text, download, state, tabs = out
    q = quotes[0]
    assert q.local_authority in head and f"Page:</b> {q.page} of" in head
    assert "<mark" in text and state["doc_id"] == q.doc_id and state["page"] == q.page
    assert tabs.constructor_args["selected"] == "source"
    # Numbers come from the browser: anything not in this session's quotes changes nothing.
    for bad in ({"n": 0}, {"n": len(quotes) + 1}, {"n": "x"}, {}):
        assert all(isinstance(o, type(gr.skip())) for o in page.trainer.open_quote(quotes, gr.EventData(None, bad)))


def _quote(text=EVIL, kind="report", **kw) -> Quote:
    base = dict(text=text, doc_id="ab" * 32, kind=kind, title="X <i>council</i> report", path="reports/x <b>.pdf",
                local_authority="X<script>" if kind == "report" else None, published=dt.date(2019, 3, 18),
                framework="ILACS <u>2018</u>", paragraph="<em>34</em>", page=9, grade="inadequate", area="overall_effectiveness")
    base.update(kw)
    return Quote(**base)


def test_document_text_is_escaped_in_every_tool():
    q, fw = _quote(), _quote(kind="framework", title="Guidance [x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    b = Briefing(theme="supervision <b>now</b>", scope=Scope(reports=1, description="reports for X<script>"), empty=False,
                 message="1 of 1 <i>report</i>", reports_speaking=1, by_grade={"inadequate": 1},
                 groups=[GroupSummary(group="weak", label="Weak", reports=1, passages=1, councils=["X<script>"], quotes=[q])],
                 framework=[fw], prompts=["Why <script>?"], sources=["X<script>: file \u201cx <b>.pdf\u201d"],
                 notices=["Note <u>this</u>"], generated=dt.datetime(2026, 1, 1))
    html = render_briefing(b)[0]
    from assistant.trainer import Comparison, ReportSummary, Timeline

    r = ReportSummary(doc_id="ab" * 32, title="T<script>", local_authority="X<script>", published=dt.date(2019, 3, 18),
                      framework="<b>F</b>", judgements={"overall_effectiveness": "inadequate"}, quotes=[q])
    html += render_comparison(Comparison(councils=["X<script>", "Y"], theme="<i>t</i>", reports=[r, r],
                                         notices=["<u>n</u>"]))[0]
    html += render_timeline(Timeline(council="X<script>", theme="<i>t</i>", reports=[r], notices=["<u>n</u>"]))[0]
    for tag in ("<script", "<b>", "<i>", "<u>", "<em>", "<img", "href"):
        assert tag not in html, tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "[click](javascript:alert(1))" in html
    assert "**claims**" in html  # Markdown is not interpreted either


def test_a_briefing_over_a_document_with_injected_html_shows_it_as_text(injection_index, tmp_path):
    from assistant.index import Index

    corpus, index = injection_index
    trainer = TrainerTabs(Index(index), tmp_path)
    html, chart, docx, md, quotes, _ = trainer.briefing("supervision records", [], "")
    assert "No indexed report matches" in html  # the injection corpus holds one framework document, no report
    assert quotes and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert "<b>" not in html and "href" not in html


def test_slug():
    assert slug("Management oversight & supervision!") == "management-oversight-supervision"
    assert slug("<>") == "briefing" and len(slug("word " * 40)) <= 50


# ------------------------------------------------------------------------------------------- browser

@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:.*no_silent_downcasting:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning")
def test_briefing_tab_in_the_browser(assistant, fixture_corpus, tmp_path):
    """Build a briefing on "supervision" in Chromium: quotes, chart, a handout download, a quote opening its page;
    then the side panel's council applied to the Briefing and the Timeline, and the Timeline's download."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from assistant.web.page import ChatPage
    from tests.web.test_web_browser import ARGS, CHROMIUM, foreign_requests, open_ui, shot

    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests drive Debian's chromium at {CHROMIUM}: apt-get install chromium")
    page = ChatPage(assistant, fixture_corpus, stage_dir=tmp_path, stream_delay=0)
    url = start_page(page)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ui = open_ui(browser, url)
            tab = ui.tab
            tab.get_by_role("tab", name="Briefing").click()
            tab.locator("#ia-briefing-theme input, #ia-briefing-theme textarea").fill("supervision")
            tab.click("#ia-briefing-build")
            result = tab.locator("#ia-briefing .ia-briefing-result")
            result.wait_for(timeout=60_000)
            assert result.locator(".ia-quotes li").count() >= 6
            assert "Norfolk, report published 18 May 2026" in result.inner_text()
            tab.locator("#ia-briefing-chart img").wait_for(timeout=30_000)
            assert tab.locator("#ia-briefing script, #ia-briefing a").count() == 0
            tab.set_viewport_size({"width": 1400, "height": 1400})  # the chart and the first quotes of both groups
            tab.evaluate("window.scrollTo(0, 0)")
            tab.wait_for_timeout(300)  # let the chart finish painting
            shot(tab, "briefing")
            with tab.expect_download() as info:
                tab.click("#ia-briefing-md")
            assert "# Theme briefing: supervision" in Path(info.value.path()).read_text(encoding="utf-8")
            # A quote's number opens its page, the quote marked, in the Source tab.
            result.locator(".ia-quotes .ia-cite").first.click()
            tab.locator("#ia-page-text mark").wait_for(timeout=30_000)
            assert "Norfolk" in tab.locator("#ia-source-head").inner_text()
            # The side panel's council reaches the Briefing and, with none chosen in the tab, the Timeline, whose
            # result downloads as a Word document.
            tab.click("#ia-la input")
            tab.keyboard.type("Norf")
            tab.locator('#ia-la [role="option"][aria-label="Norfolk"]').click()
            tab.keyboard.press("Escape")
            tab.get_by_role("tab", name="Briefing").click()
            tab.click("#ia-briefing-build")
            tab.locator("#ia-briefing .ia-panel-note", has_text="local authority Norfolk").wait_for(timeout=60_000)
            assert "Scope: reports for Norfolk." in result.inner_text()
            tab.get_by_role("tab", name="Timeline").click()
            tab.click("#ia-timeline-run")
            tab.locator("#ia-timeline .ia-timeline-result", has_text="Timeline: Norfolk").wait_for(timeout=60_000)
            with tab.expect_download() as info:
                tab.click("#ia-timeline-docx")
            assert Path(info.value.path()).read_bytes()[:2] == b"PK"
            assert foreign_requests(ui) == [] and ui.dialogs == []
            ui.context.close()
            browser.close()
    finally:
        page.blocks.close()


def test_the_tools_speak_plain_words(page, supervision):
    html = supervision[0]
    assert "Grade the report gave this part of the work" in html and "passage\u2019s judgement" not in html
    # Norfolk has one indexed report: the page says so, with no command-line instruction.
    html = page.trainer.timeline("Norfolk", "", "")[0]
    assert "The library holds one report for Norfolk." in html
    assert "ingest" not in html and "`" not in html
