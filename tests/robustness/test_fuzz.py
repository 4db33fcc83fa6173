"""Property tests (hypothesis) for the pieces every answer goes through: cleaning, structure, the verbatim
check and the HTML renderer. Each property runs a modest number of examples so the suite stays quick."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from assistant.answers import verify_quote
from assistant.documents.cleaning import clean_pages
from assistant.text import BULLET, normalise_chars, normalise_for_match
from assistant.documents.reports import area_for_heading
from assistant.documents.structure import iter_lines, parse_blocks

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters PDFs really produce: letters, digits, punctuation, curly quotes, dashes, odd spaces, soft hyphens,
# ligatures, bullets and symbol-font glyphs, control characters, and the markup characters of HTML/markdown.
PDF_CHARS = st.one_of(
    st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:?!()'\"-/&%£")),
    st.sampled_from(["\n", "\n", "\t", "\u00a0", "\u00ad", "\u200b", "\ufeff", "\u2018", "\u2019", "\u201c", "\u201d",
                     "\u2013", "\u2014", "\ufb01", "\ufb02", "\uf0b7", "\uf0a7", "\u25aa", "\u25cf", "\ue000",
                     "\U000f0001", "\x00", "\x02", "\x1b", "\x7f", "\x0c", "<", ">", "[", "]", "*", "_", "`"]),
    st.characters(codec="utf-8"),
)
PDF_TEXT = st.text(PDF_CHARS, max_size=300)
PRIVATE_OR_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]")


# ------------------------------------------------------------------------------------------- cleaning

@FUZZ
@given(st.lists(PDF_TEXT, max_size=8))
@example(["Page 1\nHeader\nBoard1 text", "Header\n2\n\uf0b7 item", "Header\nmulti-\nagency work\n3"])
def test_cleaning_never_fails_and_keeps_one_string_per_page(pages):
    out = clean_pages(pages)
    assert isinstance(out, list) and len(out) == len(pages)
    for page in out:
        assert isinstance(page, str)
        assert not PRIVATE_OR_CONTROL.search(page), repr(page)  # symbol-font bullets mapped, other glyphs gone
        for line in page.split("\n"):
            # One line per source line, whitespace folded: offsets into it are stable.
            assert line == " ".join(line.split())
        assert "\n\n\n" not in page and page == page.strip("\n")


@FUZZ
@given(PDF_TEXT)
def test_character_normalisation_and_quote_matching_are_idempotent(text):
    once = normalise_chars(text)
    assert normalise_chars(once) == once
    matched = normalise_for_match(text)
    assert normalise_for_match(matched) == matched
    assert not PRIVATE_OR_CONTROL.search(matched)


WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=10)
SENTENCE = st.lists(WORD, min_size=1, max_size=12).map(lambda ws: " ".join(ws) + ".")


@FUZZ
@given(st.lists(st.lists(SENTENCE, min_size=1, max_size=6).map("\n".join), min_size=1, max_size=2))
def test_plain_prose_is_a_fixed_point_of_cleaning(pages):
    """Lower-case sentences carry nothing cleaning removes: no header repeats on two pages, no numbers,
    no hyphen at a line end, no boilerplate, so the pages come back exactly as given."""
    assume(len(pages) < 2 or not set(pages[0].split("\n")) & set(pages[1].split("\n")))
    assert clean_pages(pages) == pages
    assert clean_pages(clean_pages(pages)) == pages


# ------------------------------------------------------------------------------------------- structure

LINE = st.one_of(
    st.builds(lambda n, s: f"{n}. {s}", st.integers(0, 40), SENTENCE),                       # numbered paragraph
    st.builds(lambda a, b, s: f"{a}.{b} {s.capitalize()}", st.integers(1, 3), st.integers(1, 6), SENTENCE),  # "3.23"
    st.builds(lambda n, s: f"{n} {s.capitalize()}", st.integers(1, 30), SENTENCE),           # a footnote
    st.builds(lambda ws: " ".join(w.capitalize() for w in ws), st.lists(WORD, min_size=1, max_size=6)),  # heading
    st.builds(lambda s: f"{BULLET} {s}", SENTENCE),                                          # bullet
    SENTENCE,
    st.builds(lambda ws: " ".join(ws), st.lists(WORD, min_size=1, max_size=8)),              # a wrapped line
    st.just(""),                                                                             # blank line
    PDF_TEXT.map(lambda t: " ".join(t.split())),                                             # anything at all
)
PAGES = st.lists(st.lists(LINE, max_size=14).map("\n".join), min_size=1, max_size=4)


@FUZZ
@given(PAGES, st.booleans())
def test_block_spans_point_at_the_real_text_and_lose_nothing(pages, report):
    blocks = parse_blocks(pages, area_for_heading if report else None)
    seen, in_order = [], []
    for block in blocks:
        assert block.lines
        for line in block.lines:
            assert pages[line.page][line.start:line.end] == line.text
            seen.append((line.page, line.start))
            if block.kind != "footnote":
                in_order.append((line.page, line.start))
        for page, start, end in block.segments:
            joined = " ".join(l.text for l in block.lines if l.page == page and start <= l.start < end)
            assert pages[page][start:end].replace("\n", " ") == joined
    # Every non-blank line belongs to exactly one block, in reading order; a framework page's footnotes follow
    # the paragraph they interrupt (reports have none).
    expected = [(l.page, l.start) for l in iter_lines(pages) if l is not None]
    assert sorted(seen) == expected and in_order == sorted(in_order)
    assert not report or seen == expected


@FUZZ
@given(PAGES)
def test_paragraph_numbers_only_count_up_or_restart(pages):
    """Numbered paragraphs count up; numbering may restart at 1 (a new chapter or a short list), and may
    then resume above where the earlier run stopped. Never any other step back."""
    numbers = [int(b.paragraph) for b in parse_blocks(pages, area_for_heading) if b.kind == "numbered"]
    previous, highest_before_restart = None, 0
    for n in numbers:
        if previous is not None and n <= previous:
            assert n == 1, numbers
            highest_before_restart = max(highest_before_restart, previous)
        elif previous is not None and highest_before_restart and n > highest_before_restart:
            highest_before_restart = 0  # resumed the earlier numbering
        assert n >= 1, numbers
        previous = n


# ------------------------------------------------------------------------------------------- verbatim check

PASSAGE_WORD = st.text(st.one_of(st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-'’“”£%,.")),
                                 st.sampled_from(["\u00e9", "\ufb01", "\u00ad", "\u2013"])), min_size=1, max_size=9)
SEPARATOR = st.sampled_from([" ", " ", "  ", "\n", " \n ", "\u00a0", "\t"])


@st.composite
def passage_and_cut(draw):
    words = draw(st.lists(PASSAGE_WORD, min_size=2, max_size=40))
    seps = draw(st.lists(SEPARATOR, min_size=len(words) - 1, max_size=len(words) - 1))
    text = words[0] + "".join(s + w for s, w in zip(seps, words[1:]))
    starts, pos = [0], len(words[0])
    ends = [pos]
    for s, w in zip(seps, words[1:]):
        starts.append(pos + len(s))
        pos += len(s) + len(w)
        ends.append(pos)
    i = draw(st.integers(0, len(words) - 1))
    j = draw(st.integers(i, len(words) - 1))
    return text, words, i, j, text[starts[i]:ends[j]]


@FUZZ
@given(passage_and_cut())
def test_a_quote_cut_from_a_passage_always_verifies(case):
    text, _, _, _, quote = case
    assume(normalise_for_match(quote))
    assert verify_quote(quote, text, text)
    assert verify_quote(quote, text)  # also against the chunk alone
    assert verify_quote(" \n" + quote + "\n ", text, "before. " + text + " after.")


@FUZZ
@given(passage_and_cut(), st.data())
def test_a_quote_with_one_word_changed_never_verifies(case, data):
    text, words, i, j, _ = case
    k = data.draw(st.integers(i, j))
    fresh = data.draw(st.text(st.sampled_from("qxzjkv"), min_size=3, max_size=8))
    assume(fresh not in normalise_for_match(text))
    changed = " ".join(words[i:k] + [fresh] + words[k + 1:j + 1])
    assert not verify_quote(changed, text, text)
    assert not verify_quote(changed, text + " " + changed, text)  # in the chunk but not on the cited page


def _stitched(index, row, start, end) -> bool:
    """True when the sentence's pieces on one page are not contiguous there: the chunk skipped a line inside it."""
    pos, last = 0, None
    for page, s, e in row["segments"]:
        lo, hi = max(start, pos), min(end, pos + e - s)
        if lo < hi:
            a, b = s + lo - pos, s + hi - pos
            if last is not None and last[0] == page:
                between = (index.store.page_text(row["doc_id"], page) or "")[last[1]:a]
                if between.strip():
                    return True
            last = (page, b)
        pos += e - s + 1
    return False


def test_quotes_cut_from_the_real_index_verify_on_their_pages(built_index):
    """Every sentence of a sample of real chunks verifies against its chunk and the page text it maps to,
    except a sentence the chunk stitched together over skipped lines: that one must fail (it is not on the
    page as written)."""
    from assistant.answers import page_slice
    from assistant.text import sentence_spans
    from assistant.index import Index

    index = Index(built_index[0])
    rows = index.store.chunks_by_id([r["chunk_id"] for r in index.store.all_chunk_rows("chunk_id")][::5])
    checked = 0
    for row in rows.values():
        for s, e in sentence_spans(row["text"]):
            _, page_text = page_slice(index, row, s, e)
            ok = verify_quote(row["text"][s:e], row["text"], page_text)
            assert ok != _stitched(index, row, s, e), (row["chunk_id"], row["text"][s:e])
            checked += 1
    assert checked > 200


# ------------------------------------------------------------------------------------------- HTML rendering

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


RENDERER_TAGS = {"div", "article", "span", "p", "ul", "li", "q", "button", "h4", "details", "summary", "ol",
                 "strong", "mark", "b", "h3", "section", "table", "caption", "thead", "tbody", "tr", "th", "td",
                 "template"}  # an answer's texts for the copy buttons, inert
RENDERER_ATTRS = {"class", "type", "title", "aria-label", "aria-busy", "aria-pressed", "id", "open", "data-action", "data-turn",
                  "data-group", "data-n", "data-rating", "data-question", "scope", "role", "aria-level", "tabindex",
                  "aria-describedby", "hidden", "data-format", "data-page"}  # citation previews, copy buttons
NASTY = st.lists(st.one_of(st.sampled_from(["<", ">", "&", '"', "'", "<script>", "</q>", "<!--", "]]>", "javascript:",
                                            "[1]", "[2]", "\u201d [1]", "&amp;", "&#60;", "\n", "`", "\\", "onerror=", " "]),
                           st.characters(codec="utf-8", exclude_categories=["Cs"])), max_size=30).map("".join)


def _parse(out: str) -> _Tags:
    parser = _Tags()
    parser.feed(out)
    parser.close()
    return parser


def _only_renderer_markup(out: str) -> _Tags:
    parsed = _parse(out)
    assert set(parsed.tags) <= RENDERER_TAGS, set(parsed.tags) - RENDERER_TAGS
    assert {name for name, _ in parsed.attrs} <= RENDERER_ATTRS
    return parsed


@st.composite
def answers(draw):
    from assistant.compose import plain_text
    from assistant.models import Answer, Citation, Lead, Quote, QuoteGroup, Sentence

    n = draw(st.integers(0, 4))
    cits = []
    for i in range(1, n + 1):
        quote = draw(NASTY.filter(lambda t: "\n" not in t and t.strip()))
        passage = draw(NASTY) + quote + draw(NASTY)
        cits.append(Citation(n=i, doc_id="a" * 64, path=draw(NASTY), title=draw(NASTY), kind=draw(st.sampled_from(["report", "framework"])),
                             local_authority=draw(st.none() | NASTY), section=draw(st.none() | NASTY),
                             paragraph=draw(st.none() | NASTY), page=draw(st.integers(1, 99)), quote=quote, score=0.5,
                             passage=passage))
    # The lead is the library's own sentence; a group's label and source come from a document's title and can
    # hold anything, including text made to look like a citation ("[1]") or a quote line.
    blocks = [Lead(sentences=[Sentence(text=draw(NASTY))])]
    for c in cits:
        title = draw(NASTY)
        if draw(st.booleans()):
            title = f"- \u201c{title}\u201d [{draw(st.integers(1, 4))}]"
        blocks.append(QuoteGroup(label=draw(st.none() | NASTY), source=title, quotes=[Quote(n=c.n, text=c.quote)]))
    refused = not cits and draw(st.booleans())
    return Answer(question=draw(NASTY), answer=plain_text(blocks), refused=refused, citations=cits, blocks=blocks,
                  filters={"local_authority": [draw(NASTY)]}, seconds=0.1, notices=[draw(NASTY)],
                  related=[] if cits else [])


@FUZZ
@given(answers(), NASTY, st.none() | st.integers(0, 5))
def test_rendered_answers_hold_no_markup_but_the_renderers_own(answer, question, shown):
    from assistant.web import render

    turn = render.Turn(question=question, answer=answer)
    out = render.render_turn(0, turn, shown)
    parsed = _only_renderer_markup(out)
    if shown is not None:
        return  # streaming: the first items only
    # Citation buttons come from the library's own markers only: never from "[1]" inside document text or
    # from a title written to look like a quote line.
    # + the three rating buttons, Copy, Copy as Markdown and Re-ask.
    assert parsed.tags.count("button") == 2 * len(answer.citations) + 6
    # Each citation has one preview, and every marker's description points at one of them.
    ids = [value for name, value in parsed.attrs if name == "id"]
    assert sorted(i for i in ids if i.startswith("ia-pv-")) == sorted(f"ia-pv-0-c-{c.n}" for c in answer.citations)
    assert {value for name, value in parsed.attrs if name == "aria-describedby"} <= set(ids)
    assert parsed.tags.count("q") == len(answer.citations)
    # Each quote is shown whole, as text.
    text = "".join(parsed.text)
    for c in answer.citations:
        assert c.quote in text


@FUZZ
@given(NASTY, st.none() | st.tuples(st.integers(-5, 80), st.integers(-5, 80)), st.booleans())
def test_page_text_and_headers_render_as_text(text, span, wanted):
    from assistant.models import Citation, DocumentInfo
    from assistant.web import render

    if span is not None and not 0 <= span[0] <= span[1] <= len(text):
        span = render.find_span(text, text[len(text) // 3: len(text) // 2])
    out = render.render_page_text(text, span, wanted)
    parsed = _only_renderer_markup(out)
    assert "".join(parsed.text).replace("The quoted words could not be located on this page\u2019s text.", "") \
        == render.reflow(text)
    doc = DocumentInfo(doc_id="b" * 64, path=text, title=text, kind="report", local_authority=text, pages=3, chunks=1,
                       framework=text)
    cit = Citation(n=1, doc_id="b" * 64, path=text, title=text, kind="report", section=text, paragraph=text, page=1,
                   quote=text, score=1.0, passage=text)
    _only_renderer_markup(render.render_source_header(doc, 1, cit))
    _only_renderer_markup(render.passage_excerpt(cit))
    _only_renderer_markup(render.message(text, text))
    assert len(render.reflow(text)) == len(text)
