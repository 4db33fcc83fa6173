"""The sentences of the indexed documents that speak to a theme, and their verbatim check.

Retrieval is the chat answers' hybrid retriever with a much larger pool (a briefing must see every report,
not the best twelve passages); sentence matching and the verbatim check are the chat answers' own functions,
so a briefing quote is exactly as trustworthy as a chat citation.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.answers import concept_weights, concepts, locate, page_slice, stem, verify_quote, words
from assistant.chunking import sentence_spans
from assistant.config import Settings
from assistant.index import Index
from assistant.models import DocumentInfo, Filters
from assistant.query import Understanding, understand
from assistant.trainer.models import Quote
from assistant.trainer.scope import council_matcher

log = logging.getLogger(__name__)

# A sentence counts as speaking to the theme when it and its section heading carry this share of the theme's
# (idf-weighted) meaning: "care leavers' accommodation" needs more than "accommodation" in a care section.
MIN_RELEVANCE = 0.7
# Words in more than about a third of all passages ("care", "children") count when present but are not
# required: "care leavers' accommodation" is about leavers and accommodation.
UBIQUITOUS_IDF = 1.0
# The stemmer keeps "children" apart from "child"; a theme on "the child's voice" must find "children's voices".
_SAME = {"children": "child"}
_FILTER_WORDS = {"since", "from", "after", "before", "until", "between", "during", "latest", "recent", "recently"}
_LEADING_NUMBER = re.compile(r"\s*(?:\d{1,3}\.|[•\uf06e\uf0a7\uf02d▪◦·-])\s+")
_MIN_CHARS, _MIN_WORDS = 25, 5
# A sentence opens with a capital, a digit or a quotation mark; a lower-case start is a fragment of a list or
# table that sentence splitting could not separate, and reads badly as a quote.
_STARTS_WELL = re.compile(r"[\W_]*[A-Z0-9]")


@dataclass
class Theme:
    text: str
    understanding: Understanding
    wanted: list[set[str]]  # each concept as stemmed phrases
    weights: list[float]
    stems: frozenset  # every stemmed word of the theme and its equivalents

    @property
    def empty(self) -> bool:
        return not self.wanted


@dataclass
class Passage:
    """A candidate sentence: offsets are into the chunk text (row["text"])."""

    row: dict
    doc: DocumentInfo
    start: int
    end: int
    text: str
    relevance: float
    rank: int  # the chunk's place in the fused retrieval
    grade: str | None
    area: str | None

    @property
    def council(self) -> str:
        return self.doc.local_authority or self.doc.title


def open_index(index: Index | str | Path) -> Index:
    return index if isinstance(index, Index) else Index(index)


try:  # the same Snowball stemmer as the chat answers, called once per sentence rather than once per word
    import Stemmer

    _stem_words = Stemmer.Stemmer("english").stemWords
except ImportError:
    def _stem_words(ws: list[str]) -> list[str]:
        return [stem(w) for w in ws]


def theme_stems(text: str) -> list[str]:
    return [_SAME.get(s, s) for s in _stem_words(words(text))]


def match(text: str, wanted: list[set[str]]) -> frozenset:
    """Indexes of the concepts whose phrases occur in text (the chat answers' matching, children = child)."""
    joined = " " + " ".join(theme_stems(text)) + " "
    return frozenset(i for i, phrases in enumerate(wanted) if any(f" {p} " in joined for p in phrases if p))


def read_theme(index: Index, text: str) -> Theme:
    u = understand(text, council_matcher(index), Filters())
    # "since 2022" is a filter (taken by understand), not something inspectors write about.
    u.concepts = [c for c in u.concepts if not all(w in _FILTER_WORDS for phrase in c for w in phrase.split())]
    wanted = [{" ".join(_SAME.get(t, t) for t in p.split()) for p in phrases} for phrases in concepts(u)]
    weights = concept_weights(index, wanted) if wanted else []
    stems = frozenset(s for phrases in wanted for p in phrases for s in p.split())
    return Theme(text, u, wanted, weights, stems)


def relevance(theme: Theme, sentence: str, around: frozenset) -> float:
    """Weighted share of the theme's concepts in the sentence plus its heading; 0 unless the sentence itself
    carries one of the theme's telling concepts."""
    own = match(sentence, theme.wanted)
    if not own:
        return 0.0
    w = theme.weights
    if len(w) > 1 and max(w[i] for i in own) < 0.5 * (max(w) or 1.0):
        return 0.0
    found = own | around
    total = sum(x for i, x in enumerate(w) if x >= UBIQUITOUS_IDF or i in found) or 1.0
    return sum(w[i] for i in found) / total


def passage_grade(row: dict, doc: DocumentInfo, theme_areas: list[str]) -> tuple[str | None, str | None]:
    """(area, grade) of a passage: its own section's judgement, else the report's overall effectiveness,
    else (reports from April 2026 have no overall grade) the judgement of the theme's area."""
    if row.get("grade"):
        return row.get("area"), row["grade"]
    overall = doc.judgements.get("overall_effectiveness")
    if overall:
        return "overall_effectiveness", overall
    for area in theme_areas:
        if doc.judgements.get(area):
            return area, doc.judgements[area]
    return None, None


def retrieve(index: Index, theme: Theme, docs: list[DocumentInfo], pool: int, dense: bool = True,
             settings: Settings | None = None):
    """Fused hits over the given documents, up to `pool` of them.

    Callers default to keyword retrieval (dense=False): a quote must contain the theme's words, so the large
    BM25 pool already holds every passage that can be quoted, and on the fixture index hybrid retrieval found
    the same passages while costing a model load (about 18 s cold on a busy 2-core machine)."""
    from assistant.retrieval import Retriever

    if not docs or theme.empty:
        return []
    base = settings or Settings()
    tuned = base.model_copy(update={"bm25_k": pool, "dense_k": min(pool, 100) if dense else 0,
                                    "dense_weight": base.dense_weight if dense else 0.0})
    kinds = {d.kind for d in docs}
    every = [d for d in index.documents().values() if d.kind in kinds]
    # Naming every document of a kind restricts nothing: a kind filter is cheaper for both sides.
    if len(kinds) == 1 and len(every) == len(docs):
        filters = Filters(kind=next(iter(kinds)))
    else:
        filters = Filters(doc_id=[d.doc_id for d in docs])
    u = theme.understanding
    try:
        return Retriever(index, tuned).search(u.search_text, u.dense_text, filters, k=pool, boost_areas=u.areas,
                                               expansion_text=u.expansion_text)
    except Exception as exc:  # noqa: BLE001  a missing or broken vector store must not cost the briefing
        if not dense:
            raise
        log.warning("dense retrieval failed (%s); the briefing uses keyword retrieval only", exc)
        return retrieve(index, theme, docs, pool, dense=False, settings=settings)


def theme_passages(index: Index, theme: Theme, docs: list[DocumentInfo], pool: int | None = None,
                   dense: bool = True, settings: Settings | None = None, headings: bool = True) -> list[Passage]:
    """Every sentence of the retrieved chunks that speaks to the theme, best retrieved chunk first.

    With `headings`, a concept named in the section heading counts for the sentence (a report's "care leavers"
    section); framework documents' long generic headings are better left out."""
    if pool is None:
        pool = pool_size(index, docs)
    hits = retrieve(index, theme, docs, pool, dense, settings)
    allowed = {d.doc_id: d for d in docs}
    out: list[Passage] = []
    headed: dict[str, frozenset] = {}  # chunks of one section share their heading
    for rank, hit in enumerate(hits):
        row = hit.row
        doc = allowed.get(row["doc_id"])
        if doc is None:
            continue
        around = frozenset()
        if headings:
            heading = f"{row.get('section') or ''} {row.get('context') or ''}"
            if heading not in headed:
                headed[heading] = match(heading, theme.wanted)
            around = headed[heading]
        area, grade = passage_grade(row, doc, theme.understanding.areas) if doc.kind == "report" else (None, None)
        text = row["text"]
        for s, e in sentence_spans(text):
            lead = _LEADING_NUMBER.match(text, s, e)
            if lead:  # quote the sentence, not the paragraph number or bullet printed before it
                s = lead.end()
            sentence = text[s:e].strip()
            if len(sentence) < _MIN_CHARS or len(words(sentence)) < _MIN_WORDS or not _STARTS_WELL.match(sentence):
                continue
            score = relevance(theme, sentence, around)
            if score < MIN_RELEVANCE:
                continue
            start = text.index(sentence, s)
            out.append(Passage(row, doc, start, start + len(sentence), sentence, score, rank, grade, area))
    return out


def pool_size(index: Index, docs: list[DocumentInfo]) -> int:
    """Enough chunks that every report's passages on a common theme are seen, not the whole index."""
    reports = sum(1 for d in docs if d.kind == "report")
    return max(200, min(3000, 15 * reports + 10 * (len(docs) - reports)))


def verify(index: Index, p: Passage, score: float = 0.0) -> Quote | None:
    """The passage as a cited Quote, or None when it fails the chat answers' verbatim check."""
    row = p.row
    page, page_text = page_slice(index, row, p.start, p.end)
    if not verify_quote(p.text, row["text"], page_text):
        return None
    _, cs, ce = locate(row, p.start, p.end)
    d = p.doc
    return Quote(
        text=p.text, doc_id=d.doc_id, kind=d.kind, title=d.title, path=d.path, local_authority=d.local_authority,
        published=d.published, framework=d.framework, section=row.get("section"), paragraph=row.get("paragraph"),
        page=page, area=p.area, grade=p.grade, chunk_id=row.get("chunk_id"), char_start=cs, char_end=ce,
        score=round(float(score), 4),
    )


def stems_of(text: str) -> list[str]:
    return _stem_words(words(text))
