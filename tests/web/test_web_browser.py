"""The real server driven by Debian's chromium: ask, open a citation, filter, give feedback, export, and
check that the page never talks to any host but this server. Screenshots go to test-artifacts/
(OFSTED_UPDATE_SCREENSHOTS=1 also copies them to docs/screenshots/ for the README)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from tests.conftest import INJECTION_QUESTION
from tests.web.conftest import ARTIFACTS, start_page

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    # Gradio's own queue code trips pandas 3 deprecation warnings on every event; not ours to fix.
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-gpu"]
QUESTION = "What did inspectors say about supervision in Stoke-on-Trent?"
ANSWER_TIMEOUT = 90_000  # ms; the first answer may load the embedder
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(tab, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("OFSTED_UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, DOCS_SCREENSHOTS / path.name)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests drive Debian's chromium at {CHROMIUM}: apt-get install chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_ui(browser, url: str) -> SimpleNamespace:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    ui = SimpleNamespace(context=context, url=url, requests=[], dialogs=[])
    context.on("request", lambda r: ui.requests.append(r.url))
    ui.tab = context.new_page()
    ui.tab.on("dialog", lambda d: (ui.dialogs.append(d.message), d.dismiss()))
    ui.tab.goto(url)
    ui.tab.wait_for_selector("#ia-question textarea")
    return ui


def ask(ui, question: str) -> object:
    """Ask and wait until the answer is complete; returns the new turn's locator."""
    n = ui.tab.locator(".ia-turn").count()
    ui.tab.get_by_role("tab", name="Chat").click()
    ui.tab.fill("#ia-question textarea", question)
    ui.tab.click("#ia-ask")
    turn = ui.tab.locator(f'.ia-turn[data-turn="{n}"]')
    turn.locator(".ia-foot").wait_for(timeout=ANSWER_TIMEOUT)
    return turn


def foreign_requests(ui) -> list[str]:
    local = urlparse(ui.url).netloc
    return [u for u in ui.requests if urlparse(u).scheme not in ("data", "blob", "about") and urlparse(u).netloc != local]


@pytest.fixture(scope="module")
def ui(browser, assistant, fixture_corpus, tmp_path_factory):
    from assistant.web.page import ChatPage

    page = ChatPage(assistant, fixture_corpus, stage_dir=tmp_path_factory.mktemp("web-stage"), stream_delay=0.02)
    url = start_page(page)
    ui = open_ui(browser, url)
    ui.page = page
    yield ui
    ui.context.close()
    page.blocks.close()


def test_ask_shows_a_cited_answer(ui):
    turn = ask(ui, QUESTION)
    assert turn.locator(".ia-quotes li").count() >= 1
    assert turn.locator(".ia-lead .ia-cite").first.inner_text() == "[1]"  # the lead answers first, cited
    assert "Stoke-on-Trent" in turn.locator(".ia-filters").inner_text()
    assert turn.locator(".ia-sources .ia-source").count() >= turn.locator(".ia-quotes li").count()
    shot(ui.tab, "chat")


def test_citation_opens_the_page_image_and_highlighted_passage(ui):
    turn = ui.tab.locator('.ia-turn[data-turn="0"]')
    quote = turn.locator(".ia-quotes q").first.inner_text()
    turn.locator(".ia-quotes .ia-cite").first.click()
    mark = ui.tab.locator("#ia-page-text mark")
    mark.wait_for(timeout=30_000)
    ui.tab.locator("#ia-page-image img").wait_for(timeout=30_000)
    assert " ".join(mark.inner_text().split())[:40] in " ".join(quote.split())
    assert "quote highlighted" in ui.tab.locator("#ia-page-image").inner_text()
    assert ui.tab.locator("#ia-download").is_visible()
    # The page text is scrolled to the quote.
    ui.tab.wait_for_function("""() => {
        const box = document.querySelector('#ia-page-text .ia-page-text'), m = box && box.querySelector('mark');
        if (!m) return false;
        const b = box.getBoundingClientRect(), r = m.getBoundingClientRect();
        return r.top >= b.top && r.top < b.bottom; }""", timeout=5_000)
    ui.tab.wait_for_timeout(300)  # let the image finish painting for the screenshot
    shot(ui.tab, "source", full_page=True)


def test_export_markdown_contains_the_quote(ui):
    ui.tab.get_by_role("tab", name="Chat").click()
    quote = ui.tab.locator('.ia-turn[data-turn="0"] .ia-quotes q').first.inner_text()
    with ui.tab.expect_download() as info:
        ui.tab.click("#ia-export-md")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert QUESTION in text and quote in text
    with ui.tab.expect_download() as info:
        ui.tab.click("#ia-export-docx")
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"  # a .docx is a zip


def test_feedback_is_stored(ui):
    before = len(ui.page.index.store.feedback())
    ui.tab.locator('.ia-turn[data-turn="0"] .ia-rate[data-rating="wrong evidence"]').click()
    # One click saves the rating and says so beside the buttons; no second button is needed.
    ui.tab.locator('.ia-turn[data-turn="0"] .ia-feedback .ia-fb-said', has_text="Saved").wait_for(timeout=10_000)
    assert ui.tab.locator('.ia-turn[data-turn="0"] .ia-rate[aria-pressed="true"]').inner_text() == "Wrong evidence"
    rows = ui.page.index.store.feedback()
    assert len(rows) == before + 1 and rows[-1]["rating"] == "wrong evidence" and not rows[-1]["comment"]
    # A comment is optional and may follow with the panel's button.
    ui.tab.locator("#ia-feedback-panel").get_by_text("Feedback on an answer").click()  # the accordion opens
    ui.tab.wait_for_function("document.querySelector(\"#ia-rating input[value='wrong evidence']\")?.checked")
    ui.tab.fill("#ia-comment textarea", "Should cite the 2019 report")
    ui.tab.click("#ia-send-feedback")
    ui.tab.locator("#ia-feedback-status", has_text="saved").wait_for(timeout=10_000)
    rows = ui.page.index.store.feedback()
    assert len(rows) == before + 2
    assert rows[-1]["question"] == QUESTION and rows[-1]["rating"] == "wrong evidence"
    assert rows[-1]["comment"] == "Should cite the 2019 report" and rows[-1]["citations"]


def test_a_filter_applies_to_the_next_question(ui):
    ui.tab.click("#ia-la input")
    ui.tab.keyboard.type("Norf")
    ui.tab.locator('#ia-la [role="option"][aria-label="Norfolk"]').click()
    ui.tab.keyboard.press("Escape")
    ui.tab.locator("#ia-la", has_text="Norfolk").wait_for()
    turn = ask(ui, "What did inspectors say about supervision?")
    assert "Local authority: Norfolk" in turn.locator(".ia-filters").inner_text()
    sources = turn.locator(".ia-source strong").all_inner_texts()
    assert sources and all(s.startswith("Norfolk") for s in sources), sources
    ui.tab.click("#ia-clear-filters")


def test_library_tab_lists_documents_and_skipped_files(ui):
    ui.tab.get_by_role("tab", name="Library").click()
    ui.tab.locator("#ia-documents", has_text="Norfolk").wait_for(timeout=10_000)
    assert "documents indexed" in ui.tab.locator("#ia-index-state").inner_text()
    assert "encrypted" in ui.tab.locator("#ia-skipped").inner_text()
    shot(ui.tab, "library")


def test_on_a_phone_the_filters_start_closed_and_every_tab_fits(ui, browser):
    """390 px wide: the filters panel (full-screen there) starts closed, so the question box shows."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        tab.goto(ui.url)
        tab.wait_for_selector("#ia-question textarea")
        tab.wait_for_function("!document.querySelector('.sidebar.open')", timeout=10_000)
        tab.wait_for_timeout(400)  # the panel slides shut
        box = tab.locator("#ia-question textarea").bounding_box()
        hit = tab.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('#ia-question') !== null",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit, "the question box is covered"
        shot(tab, "phone-chat", full_page=True)
        for name in ("Source", "Library", "Briefing", "Compare", "Timeline"):
            button = tab.locator(".tab-container").get_by_role("tab", name=name)
            if not button.is_visible():  # tabs that do not fit sit behind the "..." menu
                tab.locator(".overflow-menu > button").click()
                button = tab.locator(".overflow-dropdown button", has_text=name)
            button.click()
            tab.wait_for_timeout(500)
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390 + 2, f"{name} is wider than the phone"
            shot(tab, f"phone-{name.lower()}", full_page=True)
        # The panel still opens on request.
        tab.get_by_role("button", name="Toggle Sidebar").click()
        tab.locator(".sidebar.open").wait_for(timeout=5_000)
    finally:
        context.close()


def test_on_a_desktop_the_filters_start_open(ui):
    assert ui.tab.locator(".sidebar.open").count() == 1


def test_the_page_talks_only_to_the_local_server(ui):
    assert ui.requests, "no requests recorded"
    assert foreign_requests(ui) == []
    assert ui.dialogs == []


def test_injected_html_in_a_document_is_shown_as_text(browser, injection_index, tmp_path):
    from assistant.api import Assistant
    from assistant.web.page import ChatPage

    corpus, index = injection_index
    page = ChatPage(Assistant(index=index), corpus, stage_dir=tmp_path, stream_delay=0)
    ui = open_ui(browser, start_page(page))
    try:
        turn = ask(ui, INJECTION_QUESTION)
        text = turn.inner_text()
        assert "<script>alert(1)</script>" in text and "[click](javascript:alert(1))" in text and "<b>bold</b>" in text
        assert ui.tab.locator("#ia-conversation script, #ia-conversation b, #ia-conversation img").count() == 0
        assert ui.tab.locator("a[href^='javascript']").count() == 0
        # The document's own "[1]" is text: one button per quote, no more.
        assert turn.locator(".ia-quotes .ia-cite").count() == turn.locator(".ia-quotes li").count()
        turn.locator(".ia-quotes .ia-cite").first.click()
        ui.tab.locator("#ia-page-text mark").wait_for(timeout=30_000)
        assert "<script>alert(1)</script>" in ui.tab.locator("#ia-page-text").inner_text()
        assert ui.tab.locator("#ia-page-text script, #ia-page-text b").count() == 0
        assert not ui.tab.locator("#ia-page-image img").count()  # a text document has no page image
        assert ui.dialogs == [] and foreign_requests(ui) == []
        shot(ui.tab, "injection")
    finally:
        ui.context.close()
        page.blocks.close()
