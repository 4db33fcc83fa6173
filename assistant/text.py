"""The text toolkit: one definition each of the characters, words, stems, sentences and quotes that ingest,
chat answers, trainer tools and the eval suite work with.

- `normalise_chars`: the characters of stored page text (ingest cleans with it; quotes are compared with it).
- `normalise_for_match`: the form in which a quote is checked against its chunk and page (verbatim check).
- `normalise_for_scoring`: the gold set's normal form (eval/README.md, "How snippets are matched"); the
  gold checker `eval/check_gold.py` imports it too.
- `words`, `stems`, `content_stems`: tokens for matching questions and themes to sentences.
- `sentence_spans`, `quotable_sentences`: where sentences are, and which of them can stand alone as a quote.
- `near_duplicate`: two sentences saying the same thing.
- `cut_at_word`: a long question cut to a length without halving a word.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --------------------------------------------------------------------------- time limits

# A time limit or a frequency stated in a passage: "within five working days", "no more than six months",
# "at least once a month", "annually", "every 12 weeks".
_NUMBER_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|twenty-one|24|48|72)"
TIME_LIMIT = re.compile(
    rf"\b{_NUMBER_WORD}[- ](?:working[- ])?(?:days?|weeks?|months?|years?|hours?)\b|\b(?:annually|monthly|weekly|"
    r"fortnightly|once an? (?:day|week|month|year|term))\b|\bevery (?:\w+ )?(?:days?|weeks?|months?|years?)\b", re.I)


# --------------------------------------------------------------------------- characters

BULLET = "•"
# Word processors export bullets as private-use symbol-font glyphs (U+F0xx) or as squares.
_BULLET_GLYPHS = dict.fromkeys([*range(0xF000, 0xF100), 0x25FC, 0x25AA, 0x25A0, 0x25CF, 0x2023, 0x2043, 0x25E6], BULLET)
_SPACES = dict.fromkeys([0x00A0, 0x2007, 0x202F, 0x2009, 0x200A, 0x2002, 0x2003], " ")
_INVISIBLE = dict.fromkeys([0x00AD, 0x200B, 0x200C, 0x200D, 0xFEFF], None)
# Left over after the mappings above: control characters that are not whitespace (a broken font map emits
# them; a Word export of a quote fails on them), lone surrogates and other private-use glyphs (no meaning).
_UNUSABLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]")


def normalise_chars(text: str) -> str:
    text = text.translate(_BULLET_GLYPHS).translate(_SPACES).translate(_INVISIBLE)
    # Compatibility forms (ligatures, full-width) read the same and search better in their plain form.
    return _UNUSABLE.sub("", unicodedata.normalize("NFKC", text).replace("\uf0b7", BULLET))


def normalise_for_match(text: str) -> str:
    """The form in which quotes are compared with documents: characters unified, whitespace collapsed."""
    text = normalise_chars(text)
    text = text.replace("‘", "'").replace("’", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    return " ".join(text.split())


_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}
_SCORING = str.maketrans({**_QUOTES, **_DASHES, "\u00ad": None})
_SCORING_TOKEN = re.compile(r"\w+(?:[-'.]\w+)*")


def normalise_for_scoring(text: str | None) -> str:
    """NFKC, straight quotes, hyphens for dashes, "multi-\\nagency" -> "multi-agency", one space, casefold.

    Works on raw extracted text too (the gold checker reads PDFs with pypdf), hence the line-break rule."""
    text = unicodedata.normalize("NFKC", text or "").translate(_SCORING)
    # A word broken at a line end ("multi-\nagency"); not a dash before a capital ("follows:—\nPART 1").
    text = re.sub(r"-[^\S\n]*\n\s*(?=[a-z])", "-", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip().casefold()


def scoring_tokens(text: str | None) -> list[str]:
    return _SCORING_TOKEN.findall(normalise_for_scoring(text))


def cut_at_word(text: str, limit: int) -> str:
    """At most `limit` characters, ending at a word boundary: a half word ("stoke-on-t") matches nothing
    and made the question look like one about an unknown place."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not text[limit].isspace():
        space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"))
        if space > 0:
            cut = cut[:space]
    return cut.rstrip()


# --------------------------------------------------------------------------- words and stems

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")

try:
    import Stemmer

    _stemmer = Stemmer.Stemmer("english")
    stem = _stemmer.stemWord
    _stem_words = _stemmer.stemWords
except ImportError:  # PyStemmer comes with the BM25 retriever; this only guards odd installs
    def stem(word: str) -> str:
        return word

    def _stem_words(ws: list[str]) -> list[str]:
        return list(ws)

# The Snowball stemmer keeps "children" apart from "child": a question on "the child's voice" must find
# "children's voices".
_SAME_STEM = {"children": "child"}

STOP_WORDS = frozenset(
    "a an the of in on at to for by with and or but is are was were be been being this that these those it its "
    "their they them there as from has have had which who when where all some most more many also such than then "
    "so very into about through do does not no can could should would will may well whom what how".split()
)


def words(text: str) -> list[str]:
    """Lower-case words of text, hyphenated and apostrophised ones whole ("multi-agency", "child's")."""
    return _WORD.findall(normalise_for_match(text).lower())


def stem_words(ws: list[str]) -> list[str]:
    return [_SAME_STEM.get(s, s) for s in _stem_words(ws)]


def stems(text: str) -> list[str]:
    """The stems matching compares: a question's or theme's concepts against a sentence's words."""
    return stem_words(words(text))


_STOP_STEMS = frozenset(stem_words(sorted(STOP_WORDS)))


def content_stems(text: str) -> set[str]:
    """The stems that carry a sentence's meaning: stop words and numbers left out."""
    return {s for s in stems(text) if s not in _STOP_STEMS and not s.isdigit()}


def near_duplicate(a: set[str], b: set[str], threshold: float) -> bool:
    """Two sentences (as content_stems) that share more than `threshold` of the shorter one's stems."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) > threshold


# --------------------------------------------------------------------------- sentences and quotes

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'’”)]?\s+(?=[\"'‘“(]?[A-Z0-9•])|(?<=\S)\s+(?=• )")
_NUMBER_ONLY = re.compile(r"^\s*\d{1,3}\.\s*$")
# The paragraph number ("34.") or bullet printed before a sentence; quotes start after it.
PARAGRAPH_MARK = re.compile(r"\s*(?:\d{1,3}\.|[•▪◦·-])\s+")
# A run-on sentence (statute text, a long list) is cut at semicolons so a quote stays readable.
_CLAUSE_BREAK = re.compile(r"(?<=;)\s+|(?<=:)\s+(?=\()")
MAX_QUOTE_CHARS = 400
MIN_QUOTE_CHARS, MIN_QUOTE_WORDS = 25, 5
# A sentence opens with a capital, a digit or a quotation mark; a lower-case start is a list item ("to act in
# the best interests of ...") or a fragment of a table that sentence splitting could not separate.
STARTS_WELL = re.compile(r"[\W_]*[A-Z0-9]")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in text; bullets count as sentences."""
    spans, start = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    # A paragraph number ("34.") is not a sentence of its own: it belongs to the sentence it opens.
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and _NUMBER_ONLY.match(text[merged[-1][0]:merged[-1][1]]):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets into the text it was found in
    end: int
    text: str


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    if e - s <= MAX_QUOTE_CHARS:
        return [(s, e)]
    out, start = [], s
    for m in _CLAUSE_BREAK.finditer(text, s, e):
        if m.start() - start >= 40:
            out.append((start, m.start()))
            start = m.end()
    out.append((start, e))
    return out


# A report's judgement table printed before its first sentence ("... Judgement Grade The impact of leaders ...
# Outstanding Overall effectiveness Outstanding Children in Leeds continue ..."): the sentence starts after it.
_GRADE_TABLE = re.compile(r"^.*\b(?:Outstanding|Good|Requires improvement(?: to be good)?|Inadequate)\s+(?=[A-Z][a-z])", re.S)
_TABLE_SIGNS = re.compile(r"\bJudgement Grade\b|\bOverall effectiveness (?:Outstanding|Good|Requires|Inadequate)\b")


def _after_grade_table(text: str, a: int, b: int) -> int:
    if not _TABLE_SIGNS.search(text, a, b):
        return a
    m = _GRADE_TABLE.match(text[a:b])
    return a + m.end() if m else a


def quotable_sentences(text: str, *, capitalised: bool = False) -> list[Sentence]:
    """The sentences of a passage that can be quoted, without the paragraph number or bullet printed before
    them: long enough to say something, run-ons cut at semicolons. Chat answers and trainer tools both quote
    through this.

    `capitalised` also drops sentences opening in lower case. A handout read aloud wants whole sentences;
    a chat answer keeps list items, since a statute's "to act in the best interests of ..." is often the
    answer to a framework question (dropping them cost 3 of 26 framework answers on the gold set)."""
    out = []
    for s, e in sentence_spans(text):
        for a, b in _clauses(text, s, e):
            a = _after_grade_table(text, a, b)
            mark = PARAGRAPH_MARK.match(text, a, b)
            if mark:
                a = mark.end()
            raw = text[a:b]
            body = raw.strip()
            if len(body) < MIN_QUOTE_CHARS or len(words(body)) < MIN_QUOTE_WORDS:
                continue
            if capitalised and not STARTS_WELL.match(body):
                continue
            a += len(raw) - len(raw.lstrip())
            out.append(Sentence(a, a + len(body), body))
    return out


def first_sentence(text: str) -> Sentence | None:
    """The first sentence of a passage, without its paragraph number (a "possibly related" line)."""
    spans = sentence_spans(text)
    if not spans:
        return None
    a, b = spans[0]
    mark = PARAGRAPH_MARK.match(text, a, b)
    a = mark.end() if mark else a
    return Sentence(a, b, text[a:b])
