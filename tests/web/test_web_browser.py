"""The real server driven by Debian's chromium: ask, open a citation, filter, give feedback, export, and
check that the page never talks to any host but this server; then its accessibility: axe-core over every tab at
desktop and phone widths, the one H1, the skip link and the announcing of answers. Screenshots and axe's
reports go to test-artifacts/ (OFSTED_UPDATE_SCREENSHOTS=1 also copies the screenshots to docs/screenshots/
for the README)."""
from __future__ import annotations

import json
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from assistant.web.page import WIDE_PX
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
# axe-core, from the npm registry at the version package-lock.json pins (scripts/setup.sh runs `npm ci`).
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (headings, landmarks): reported, but only a
# serious or critical violation fails the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")
# Selectors of Gradio's own markup that axe may not check, each with the reason it cannot be fixed from this
# side (CSS, attributes set by assistant/web/a11y.py). None today: everything axe found was fixed.
AXE_EXCLUDE: list[str] = []


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
    return ask_on(ui.tab, question)


def ask_on(tab, question: str) -> object:
    n = tab.locator(".ia-turn").count()
    tab.get_by_role("tab", name="Chat").click()
    tab.fill("#ia-question textarea", question)
    tab.click("#ia-ask")
    turn = tab.locator(f'.ia-turn[data-turn="{n}"]')
    turn.locator(".ia-foot").wait_for(timeout=ANSWER_TIMEOUT)
    return turn


def open_tab(tab, name: str) -> None:
    """Click a tab by its name; on a phone, tabs that do not fit sit behind the "..." menu."""
    button = tab.locator(".tab-container").get_by_role("tab", name=name)
    if not button.is_visible():
        tab.locator(".overflow-menu > button").click()
        button = tab.locator(".overflow-dropdown button", has_text=name)
    button.click()


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


def words(text: str) -> str:
    return " ".join(text.split())


def in_view(tab, selector: str) -> bool:
    return tab.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.width > 0 && r.bottom > 0 && r.top < window.innerHeight && r.right <= window.innerWidth + 1; }""",
                        selector)


def test_on_a_wide_screen_a_citation_opens_beside_the_chat(ui):
    """1400 px wide: the cited page (its image, the quote highlighted in its text) in the pane beside the
    conversation; the Chat tab stays selected and the question box stays on screen."""
    turn = ui.tab.locator('.ia-turn[data-turn="0"]')
    quote = turn.locator(".ia-quotes q").first.inner_text()
    turn.locator(".ia-quotes .ia-cite").first.click()
    mark = ui.tab.locator("#ia-side #ia-side-text mark")
    mark.wait_for(timeout=30_000)
    ui.tab.locator("#ia-side #ia-side-image img").wait_for(timeout=30_000)
    assert words(mark.inner_text())[:40] in words(quote)
    assert "quote highlighted" in ui.tab.locator("#ia-side-image").inner_text()
    assert words(quote)[:40] in words(ui.tab.locator("#ia-side-head").inner_text())
    assert ui.tab.get_by_role("tab", name="Chat").get_attribute("aria-selected") == "true"
    assert ui.tab.locator("#ia-question textarea").is_visible() and ui.tab.locator("#ia-conversation").is_visible()
    assert in_view(ui.tab, "#ia-side")  # beside the answer, not below it
    side, chat = ui.tab.locator("#ia-side").bounding_box(), ui.tab.locator("#ia-conversation").bounding_box()
    assert side["x"] >= chat["x"] + chat["width"] - 1
    # The pane stays in view while the conversation scrolls.
    ui.tab.locator("#ia-question textarea").scroll_into_view_if_needed()
    assert in_view(ui.tab, "#ia-side-text")
    turn.locator(".ia-quotes .ia-cite").first.scroll_into_view_if_needed()
    ui.tab.wait_for_timeout(300)  # let the image finish painting for the screenshot
    shot(ui.tab, "chat-side-by-side")


def test_the_pane_opens_its_page_in_the_source_tab(ui):
    turn = ui.tab.locator('.ia-turn[data-turn="0"]')
    quote = turn.locator(".ia-quotes q").first.inner_text()
    ui.tab.click("#ia-side-source")
    mark = ui.tab.locator("#ia-page-text mark")
    mark.wait_for(timeout=30_000)
    ui.tab.locator("#ia-page-image img").wait_for(timeout=30_000)
    assert words(mark.inner_text())[:40] in words(quote)
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


def test_the_pane_closes(ui):
    ui.tab.get_by_role("tab", name="Chat").click()
    ui.tab.click("#ia-side-close")
    ui.tab.locator("#ia-side").wait_for(state="hidden", timeout=10_000)
    ui.tab.locator('.ia-turn[data-turn="0"] .ia-quotes .ia-cite').first.click()  # and opens again
    ui.tab.locator("#ia-side-text mark").wait_for(timeout=30_000)


def test_keyboard_focus_on_a_marker_previews_its_quote_and_page(ui):
    tab = ui.tab
    tab.get_by_role("tab", name="Chat").click()
    item = tab.locator('.ia-turn[data-turn="0"] .ia-quotes li').first
    marker = item.locator(".ia-cite")
    n, quote = marker.get_attribute("data-n"), words(item.locator("q").inner_text())
    where = tab.locator(f'.ia-turn[data-turn="0"] .ia-source:has(.ia-cite[data-n="{n}"]) .ia-where').inner_text()
    page = where.split("page ")[1].split()[0]
    marker.focus()
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Tab")  # from the keyboard: the popup shows on :focus-visible
    assert tab.evaluate("document.activeElement.dataset.n") == n
    tip = tab.locator("#ia-cite-tip")
    tip.wait_for(timeout=5_000)
    said = words(tip.inner_text())
    assert quote.strip("\u201c\u201d")[:60] in said and f"page {page}" in said
    box, at = tip.bounding_box(), marker.bounding_box()
    assert abs(box["y"] - (at["y"] + at["height"])) < 40 or abs(box["y"] + box["height"] - at["y"]) < 40  # beside it
    # Announced: the marker's accessible description (as Chromium computes it for screen readers) is the preview.
    marker.evaluate("b => b.setAttribute('data-probe', '1')")
    cdp = tab.context.new_cdp_session(tab)
    try:
        node = cdp.send("DOM.querySelector", {"nodeId": cdp.send("DOM.getDocument")["root"]["nodeId"],
                                              "selector": "[data-probe]"})
        ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node["nodeId"], "fetchRelatives": False})["nodes"][0]
    finally:
        marker.evaluate("b => b.removeAttribute('data-probe')")
        cdp.detach()
    described = words(ax.get("description", {}).get("value", ""))
    assert ax["name"]["value"] == f"Open source {n}"
    assert quote.strip("\u201c\u201d")[:60] in described and f"page {page}" in described
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "citation-preview.png"))
    tab.keyboard.press("Escape")  # dismissable without moving the focus (WCAG 1.4.13)
    tip.wait_for(state="hidden", timeout=5_000)
    assert tab.evaluate("document.activeElement.dataset.n") == n
    # A pointer shows it too.
    tab.locator('.ia-turn[data-turn="0"] .ia-lead .ia-cite').first.hover()
    tip.wait_for(timeout=5_000)
    tab.mouse.move(5, 5)
    tip.wait_for(state="hidden", timeout=5_000)


def clipboard_after(tab, button) -> str:
    tab.evaluate("navigator.clipboard.writeText('')")
    button.click()
    tab.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)", timeout=5_000, polling=100)
    return tab.evaluate("navigator.clipboard.readText()")


def test_copy_puts_the_answer_with_its_citations_on_the_clipboard(ui):
    ui.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=ui.url.rstrip("/"))
    tab = ui.tab
    tab.get_by_role("tab", name="Chat").click()
    turn = tab.locator('.ia-turn[data-turn="0"]')
    quote = words(turn.locator(".ia-quotes q").first.inner_text())
    actions = turn.locator(".ia-actions")
    text = clipboard_after(tab, actions.get_by_role("button", name="Copy", exact=True))
    actions.locator(".ia-act-said", has_text="Copied").wait_for(timeout=5_000)
    assert actions.locator(".ia-act-said").get_attribute("role") == "status"
    assert quote in words(text) and "[1]" in text
    assert text.startswith(words(turn.locator(".ia-lead").inner_text())[:30])
    assert "\nSources:\n[1] " in text and "page " in text
    md = clipboard_after(tab, actions.get_by_role("button", name="Copy as Markdown"))
    actions.locator(".ia-act-said", has_text="Copied as Markdown").wait_for(timeout=5_000)
    assert quote in words(md.replace("\\", "")) and "\\[1\\]" in md and "\nSources:\n\n1. " in md
    assert md != text


def test_reask_puts_the_question_back_in_the_box_for_other_filters(ui):
    tab = ui.tab
    tab.get_by_role("tab", name="Chat").click()
    tab.fill("#ia-question textarea", "")
    actions = tab.locator('.ia-turn[data-turn="0"] .ia-actions')
    actions.get_by_role("button", name="Re-ask with different filters").click()
    assert tab.input_value("#ia-question textarea") == QUESTION
    assert tab.evaluate("document.activeElement.closest('#ia-question') !== null")
    assert "change the filters" in actions.locator(".ia-act-said").inner_text()
    tab.fill("#ia-question textarea", "")


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
    # The one-click rating already said "Answer 1: ... saved" there: wait for what the panel's save says.
    ui.tab.locator("#ia-feedback-status", has_text=re.compile(r"^\s*Thank you: feedback #\d+ saved")).wait_for(timeout=10_000)
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


@contextmanager
def phone_page(browser, url: str):
    """The page on a 390 px phone, once its filters panel (full-screen there) has closed by itself."""
    context = browser.new_context(**VIEWS["phone"])
    try:
        tab = context.new_page()
        tab.goto(url)
        tab.wait_for_selector("#ia-question textarea")
        tab.wait_for_function("!document.querySelector('.sidebar.open')", timeout=10_000)
        yield tab
    finally:
        context.close()


def test_on_a_phone_the_filters_start_closed_and_every_tab_fits(ui, browser):
    """390 px wide: the filters panel (full-screen there) starts closed, so the question box shows."""
    with phone_page(browser, ui.url) as tab:
        tab.wait_for_timeout(400)  # the panel slides shut
        box = tab.locator("#ia-question textarea").bounding_box()
        hit = tab.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('#ia-question') !== null",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit, "the question box is covered"
        shot(tab, "phone-chat", full_page=True)
        for name in ("Source", "Library", "Briefing", "Compare", "Timeline"):
            open_tab(tab, name)
            tab.wait_for_timeout(500)
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390 + 2, f"{name} is wider than the phone"
            shot(tab, f"phone-{name.lower()}", full_page=True)
        # The panel still opens on request.
        tab.get_by_role("button", name="Toggle Sidebar").click()
        tab.locator(".sidebar.open").wait_for(timeout=5_000)


def test_on_a_phone_a_citation_still_opens_the_source_tab(ui, browser):
    with phone_page(browser, ui.url) as tab:
        turn = ask_on(tab, QUESTION)
        quote = turn.locator(".ia-quotes q").first.inner_text()
        turn.locator(".ia-quotes .ia-cite").first.tap()
        mark = tab.locator("#ia-page-text mark")
        mark.wait_for(timeout=30_000)
        assert words(mark.inner_text())[:40] in words(quote)
        # The Source tab, in place of the conversation; the pane is never shown on a narrow screen.
        assert not tab.locator("#ia-conversation").is_visible() and not tab.locator("#ia-question textarea").is_visible()
        assert not tab.locator("#ia-side").is_visible() and not tab.locator("#ia-cite-tip").is_visible()


def test_on_a_desktop_the_filters_start_open(ui):
    assert ui.tab.locator(".sidebar.open").count() == 1


def test_the_page_talks_only_to_the_local_server(ui):
    assert ui.requests, "no requests recorded"
    assert foreign_requests(ui) == []
    assert ui.dialogs == []


# ------------------------------------------------------------------------------------------- accessibility
# WCAG 2.2 AA. assistant/web/a11y.py holds the fixes; README "Accessibility" says what is checked.

@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():  # a failure, never a skip: a missing install must not pass for an accessible page
        pytest.fail(f"axe-core is not installed ({AXE.relative_to(AXE.parents[2])} is missing): "
                    "run `npm ci` in the repository (scripts/setup.sh does)")
    return AXE


def settle(tab) -> None:
    """Wait until no transition or animation runs: a result fading in has not its final colours yet."""
    tab.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=10_000)


def axe_violations(tab, axe: Path) -> list[dict]:
    settle(tab)
    if not tab.evaluate("typeof window.axe === 'object'"):
        tab.add_script_tag(path=str(axe))
    context = {"exclude": [[s] for s in AXE_EXCLUDE]} if AXE_EXCLUDE else None
    return tab.evaluate("""([context, tags]) => axe.run(context || document,
        {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}).then(r => r.violations)""",
                        [context, AXE_TAGS])


def pick_option(tab, box: str, typed: str, name: str) -> None:
    tab.click(f"{box} input")
    tab.keyboard.type(typed)
    tab.locator(f'{box} [role="option"][aria-label="{name}"]').click()
    tab.keyboard.press("Escape")


def visit_every_tab(tab, check) -> None:
    """Each tab in a state that shows its content: an answer, its cited page, the library, and a result of each
    trainer tool (their quotes, tables and charts). `check(name)` runs on each."""
    ask_on(tab, QUESTION)
    tab.locator("#ia-feedback-panel").get_by_text("Feedback on an answer").click()  # its inputs too
    check("chat")
    marker = tab.locator('.ia-turn[data-turn="0"] .ia-quotes .ia-cite').first
    marker.click()
    if tab.viewport_size["width"] >= WIDE_PX:  # the page beside the conversation, and a marker's preview
        tab.locator("#ia-side-text mark").wait_for(timeout=30_000)
        tab.locator("#ia-side-image img").wait_for(timeout=30_000, state="attached")
        tab.mouse.move(5, 5)
        marker.focus()
        tab.keyboard.press("Shift+Tab")
        tab.keyboard.press("Tab")
        tab.locator("#ia-cite-tip").wait_for(timeout=5_000)
        check("chat-pane")
        tab.keyboard.press("Escape")
        open_tab(tab, "Source")
    tab.locator("#ia-page-text mark").wait_for(timeout=30_000)
    tab.locator("#ia-page-image img").wait_for(timeout=30_000, state="attached")
    check("source")
    open_tab(tab, "Library")
    tab.locator("#ia-documents", has_text="Norfolk").wait_for(timeout=10_000)
    check("library")
    open_tab(tab, "Briefing")
    tab.locator("#ia-briefing-theme textarea, #ia-briefing-theme input").fill("supervision")
    tab.click("#ia-briefing-build")
    tab.locator("#ia-briefing .ia-briefing-result").wait_for(timeout=60_000)
    tab.locator("#ia-briefing-chart img").wait_for(timeout=30_000, state="attached")
    check("briefing")
    open_tab(tab, "Compare")
    pick_option(tab, "#ia-compare-councils", "Stoke", "Stoke-on-Trent")
    pick_option(tab, "#ia-compare-councils", "Norf", "Norfolk")
    tab.locator("#ia-compare-theme textarea, #ia-compare-theme input").fill("supervision")
    tab.click("#ia-compare-run")
    tab.locator("#ia-compare .ia-compare-result").wait_for(timeout=60_000)
    check("compare")
    open_tab(tab, "Timeline")
    pick_option(tab, "#ia-timeline-council", "Stoke", "Stoke-on-Trent")
    tab.locator("#ia-timeline-theme textarea, #ia-timeline-theme input").fill("supervision")
    tab.click("#ia-timeline-run")
    tab.locator("#ia-timeline .ia-timeline-result").wait_for(timeout=60_000)
    tab.locator("#ia-timeline-chart img").wait_for(timeout=30_000, state="attached")
    check("timeline")


def write_axe_report(name: str, found: dict[str, list[dict]]) -> None:
    """Every violation, whatever its impact, to test-artifacts/axe-NAME.json and a readable axe-NAME.txt."""
    ARTIFACTS.mkdir(exist_ok=True)
    slim = {where: [{"id": v["id"], "impact": v["impact"], "help": v["help"], "helpUrl": v["helpUrl"],
                     "nodes": [{"target": n["target"], "html": n["html"][:300], "summary": n.get("failureSummary", "")}
                               for n in v["nodes"]]} for v in vs] for where, vs in found.items()}
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(slim, indent=1), encoding="utf-8")
    lines = [f"axe-core {AXE_TAGS} on the {name} page; failing impacts: {', '.join(FAILING_IMPACTS)}"]
    for where, vs in slim.items():
        lines.append(f"{where}: " + ("no violation" if not vs else f"{len(vs)} rule(s) violated"))
        for v in vs:
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            lines.append(f"  {v['id']} ({v['impact']}, {len(v['nodes'])} node(s)): {v['help']} -- {targets}")
    (ARTIFACTS / f"axe-{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


VIEWS = {
    "desktop": dict(viewport={"width": 1400, "height": 1000}),
    "phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True),
    # The theme's dark colours are set apart from its light ones (a11y.THEME_COLOURS and CSS): checked too.
    "desktop-dark": dict(viewport={"width": 1400, "height": 1000}, color_scheme="dark"),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_axe_finds_no_serious_or_critical_violation_on_any_tab(ui, browser, axe_script, view):
    context = browser.new_context(**VIEWS[view])
    found: dict[str, list[dict]] = {}
    try:
        tab = context.new_page()
        tab.goto(ui.url)
        tab.wait_for_selector("#ia-question textarea")
        if view == "phone":
            tab.wait_for_function("!document.querySelector('.sidebar.open')", timeout=10_000)
        else:
            assert tab.evaluate("document.documentElement.classList.contains('dark') || "
                                "document.body.classList.contains('dark')") == view.endswith("dark")

        def check(where):
            found[where] = axe_violations(tab, axe_script)

        check("welcome")
        visit_every_tab(tab, check)
        if view == "phone":  # the filters panel, which covers the whole screen there
            tab.get_by_role("button", name="Toggle Sidebar").click()
            tab.locator(".sidebar.open").wait_for(timeout=5_000)
            check("filters")
    finally:
        context.close()
        write_axe_report(view, found)
    failing = [f"{where}: {v['id']} ({v['impact']}): {v['help']} at "
               + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
               for where, vs in found.items() for v in vs if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe-core found {len(failing)} serious or critical violation(s) ({view}):\n" + "\n".join(failing)


def test_the_page_has_exactly_one_h1(ui):
    headings = ui.tab.locator("h1, [role='heading'][aria-level='1']")
    assert headings.count() == 1 and headings.inner_text() == "Inspection Assistant"


def test_the_first_tab_press_lands_on_a_skip_link_to_the_question_box(ui, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab = context.new_page()
        tab.goto(ui.url)
        tab.wait_for_selector("#ia-question textarea")
        tab.wait_for_selector("#ia-skip", state="attached")
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.id") == "ia-skip"
        box = tab.locator("#ia-skip").bounding_box()  # shown once it has the focus (WCAG 2.4.7)
        assert box and box["y"] >= 0 and box["width"] > 50
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "skip-link.png"))
        tab.keyboard.press("Enter")
        tab.wait_for_function("document.activeElement?.closest('#ia-question') !== null", timeout=5_000)
        assert tab.evaluate("document.activeElement.tagName") == "TEXTAREA"
        # From another tab, the link opens Chat first.
        open_tab(tab, "Library")
        tab.focus("#ia-skip")
        tab.keyboard.press("Enter")
        tab.wait_for_function("document.activeElement?.closest('#ia-question') !== null", timeout=5_000)
        assert tab.get_by_role("tab", name="Chat").get_attribute("aria-selected") == "true"
    finally:
        context.close()


def test_new_answers_are_announced_politely(ui):
    live = ui.tab.locator("#ia-answer-live")
    assert live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status"
    # In the Chat tab, beside the conversation, not inside it: the conversation is re-rendered whole at each step.
    assert ui.tab.locator("#ia-conversation #ia-answer-live").count() == 0
    assert live.evaluate("e => e.closest('[role=tabpanel]') !== null")
    turn = ask(ui, "What did inspectors say about care leavers in Norfolk?")
    n = int(turn.get_attribute("data-turn")) + 1
    lead = " ".join(turn.locator(".ia-lead, .ia-notfound").first.inner_text().split())
    ui.tab.wait_for_function("n => document.getElementById('ia-answer-live').textContent.startsWith(`Answer ${n}:`)",
                             arg=n, timeout=5_000)
    said = live.inner_text()
    assert lead in said, (lead, said)
    assert len(said) < len(turn.inner_text()) / 2  # a line, not the whole answer again


def test_the_lines_that_were_too_pale_reach_4_5_to_1(ui):
    """The section/page lines, "Filters in force" and the citation numbers were 1.9:1 and 2.8:1 (issue 16)."""
    ui.tab.get_by_role("tab", name="Chat").click()
    if not ui.tab.locator(".ia-turn .ia-where").count():
        ask(ui, QUESTION)
    ratios = ui.tab.evaluate("""() => {
      const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                                          .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
      const background = (e) => {
        for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c; }
        return [255, 255, 255];
      };
      const out = {};
      for (const sel of ['.ia-where', '.ia-filters', '.ia-quotes .ia-cite', '.ia-sources .ia-cite', '.ia-foot']) {
        const e = document.querySelector(`#ia-conversation ${sel}`);
        const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
        out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      }
      return out;
    }""")
    assert all(r >= 4.5 for r in ratios.values()), ratios


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
        # The previews hold the document's markup as text, and the popup shows it so.
        previews = ui.tab.locator(".ia-preview").evaluate_all("els => els.map(e => e.textContent)")
        assert any("<script>alert(1)</script>" in p for p in previews) and any("<b>bold</b>" in p for p in previews)
        marker = turn.locator(".ia-quotes .ia-cite").first
        marker.hover()
        ui.tab.locator("#ia-cite-tip").wait_for(timeout=5_000)
        assert words(ui.tab.locator("#ia-cite-tip").inner_text()) == words(turn.locator(
            f'#{marker.get_attribute("aria-describedby")}').evaluate("e => [...e.children].map(c => c.textContent).join(' ')"))
        assert ui.tab.locator("#ia-cite-tip script, #ia-cite-tip b").count() == 0
        marker.click()
        ui.tab.locator("#ia-side-text mark").wait_for(timeout=30_000)
        assert "<script>alert(1)</script>" in ui.tab.locator("#ia-side-text").inner_text()
        assert ui.tab.locator("#ia-side script, #ia-side-text b").count() == 0
        assert not ui.tab.locator("#ia-side-image img").count()  # a text document has no page image
        open_tab(ui.tab, "Source")
        ui.tab.locator("#ia-page-text mark").wait_for(timeout=30_000)
        assert "<script>alert(1)</script>" in ui.tab.locator("#ia-page-text").inner_text()
        assert ui.tab.locator("#ia-page-text script, #ia-page-text b").count() == 0
        assert not ui.tab.locator("#ia-page-image img").count()
        assert ui.dialogs == [] and foreign_requests(ui) == []
        shot(ui.tab, "injection")
    finally:
        ui.context.close()
        page.blocks.close()


# ------------------------------------------------------------------------------------------- a long conversation
# Issue 16: eight turns in one session, mixing councils, the framework and questions across councils, each
# answer's "Filters in force" line checked exactly. Where a filter is kept from an earlier question the line says
# so and the answer says how to drop it; where the side panel and the question disagree the answer says which won.
# Every question is one the fixture index answers (Stoke-on-Trent's four reports, Norfolk 2026, the National
# Framework 2023, the SCCIF).

FRAMEWORK_TITLE = "Childrens social care national framework 2023"
KEPT_NOTICE = "Kept from your earlier question: Stoke-on-Trent; the topic \u201csupervision\u201d. To drop it, ask this question on its own."
OVERRIDE_NOTICE = ("Your question names Stoke-on-Trent, but the local authority filter is set to Norfolk: this answer "
                   "follows the filter. Clear the filter to ask about Stoke-on-Trent.")
# (question, side-panel council or None, the exact "Filters in force" line)
CONVERSATION = [
    ("What did inspectors say about supervision in Stoke-on-Trent?", None,
     "Local authority: Stoke-on-Trent (from your question)"),
    ("And what about in 2022?", None,
     "Local authority: Stoke-on-Trent (kept from an earlier question); Published: 2022 (from your question)"),
    ("What does the national framework say about kinship care?", None, f"Document: {FRAMEWORK_TITLE} (from your question)"),
    ("How well does the front door work in Norfolk?", None, "Local authority: Norfolk (from your question)"),
    ("How many councils are rated outstanding?", None, "none"),
    ("What did they say about care leavers there?", None, "Local authority: Norfolk (kept from an earlier question)"),
    ("What do inspectors say about caseloads across councils?", None, "none"),
    ("What did inspectors say about caseloads in Stoke-on-Trent?", "Norfolk", "Local authority: Norfolk"),
]
@pytest.fixture(scope="module")
def long_conversation(ui, browser) -> list[dict]:
    """The eight turns asked in one fresh session; what each answer showed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    seen: list[dict] = []
    try:
        tab = context.new_page()
        tab.goto(ui.url)
        tab.wait_for_selector("#ia-question textarea")
        for question, council, _ in CONVERSATION:
            if council:
                pick_option(tab, "#ia-la", council[:4], council)
                tab.locator("#ia-la", has_text=council).wait_for()
            turn = ask_on(tab, question)
            seen.append({
                "question": turn.locator(".ia-q").inner_text(),
                "filters": turn.locator(".ia-filters").inner_text(),
                "notices": turn.locator(".ia-notices li").all_inner_texts(),
                "sources": turn.locator(".ia-source strong").all_inner_texts(),
                "tables": turn.locator(".ia-table").count(),
                "refused": turn.locator(".ia-notfound").count() > 0,
            })
        seen[-1]["fresh_button"] = tab.locator("#ia-ask-fresh").inner_text()
        shot(tab, "long-conversation")
    finally:
        context.close()
    return seen


@pytest.mark.parametrize("n", [pytest.param(i, id=f"turn{i}") for i in range(1, len(CONVERSATION) + 1)])
def test_each_turn_of_a_long_conversation_shows_its_filters_exactly(long_conversation, n):
    question, council, line = CONVERSATION[n - 1]
    turn = long_conversation[n - 1]
    assert question in turn["question"]
    assert not turn["refused"], f"turn {n} was not answered"
    assert turn["filters"] == f"Filters in force: {line}"
    if "(kept from an earlier question)" in line:  # it says so, and how to drop it
        assert any(note.startswith("Kept from your earlier question") and "To drop it, ask this question on its own." in note
                   for note in turn["notices"]), turn["notices"]
    else:
        assert not any(note.startswith("Kept from") for note in turn["notices"]), turn["notices"]
    if line.startswith("Local authority: "):
        council_in_force = line.split(": ", 1)[1].split(" (")[0]
        assert turn["sources"] and all(s.startswith(council_in_force) for s in turn["sources"]), turn["sources"]


def test_a_long_conversation_keeps_drops_and_overrides_as_it_says(long_conversation):
    kept = long_conversation[1]
    assert KEPT_NOTICE in kept["notices"]
    assert all("2022" in s for s in kept["sources"] if s.startswith("Stoke-on-Trent")), kept["sources"]
    # The way to drop it that the notice names is a button of the page.
    assert long_conversation[-1]["fresh_button"] == "Ask the last question on its own"
    framework = long_conversation[2]
    assert framework["sources"] and all(s.startswith(FRAMEWORK_TITLE) for s in framework["sources"]), framework["sources"]
    count = long_conversation[4]
    assert count["tables"] >= 1  # a count across councils is a table
    # "there" after that question across councils means Norfolk, the council named before it, and says so.
    there = long_conversation[5]
    assert any(n.startswith("Kept from your earlier question: Norfolk") for n in there["notices"]), there["notices"]
    across = long_conversation[6]
    assert {s.split(",")[0] for s in across["sources"]} <= {"Stoke-on-Trent", "Norfolk"}
    # The side panel says Norfolk and the question Stoke-on-Trent: the answer says they disagree and that the panel won.
    disagree = long_conversation[7]
    assert OVERRIDE_NOTICE in disagree["notices"]
