"""The sentences of the indexed documents that speak to a theme, and their verbatim check.

Retrieval is the chat answers' hybrid retriever with a much larger pool (a briefing must see every report,
not the best twelve passages); sentence matching and the verbatim check are the chat answers' own functions,
so a briefing quote is exactly as trustworthy as a chat citation.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from assistant.answers import (
    UBIQUITOUS_IDF,
    concept_weights,
    concepts,
    locate,
    match_concepts,
    page_slice,
    verify_quote,
)
from assistant.config import Settings
from assistant.index import Index
from assistant.models import DocumentInfo, Filters
from assistant.query import Understanding, understand
from assistant.retrieval import Retriever
from assistant.text import quotable_sentences
from assistant.trainer.models import Quote
from assistant.trainer.scope import council_matcher

log = logging.getLogger(__name__)

_FILTER_WORDS = {"since", "from", "after", "before", "until", "between", "during", "latest", "recent", "recently"}


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


def open_index(index: Index | str | Path, settings: Settings | None = None) -> Index:
    """The index a trainer tool reads; its settings (given here, else the index's own) travel with it."""
    index = index if isinstance(index, Index) else Index(index, settings=settings)
    if settings is not None:
        index.use_settings(settings)
    return index


def read_theme(index: Index, text: str) -> Theme:
    u = understand(text, council_matcher(index), Filters())
    # "since 2022" is a filter (taken by understand), not something inspectors write about.
    u.concepts = [c for c in u.concepts if not all(w in _FILTER_WORDS for phrase in c for w in phrase.split())]
    wanted = concepts(u)
    weights = concept_weights(index, wanted) if wanted else []
    stems = frozenset(s for phrases in wanted for p in phrases for s in p.split())
    return Theme(text, u, wanted, weights, stems)


def relevance(theme: Theme, sentence: str, around: frozenset) -> float:
    """Weighted share of the theme's concepts in the sentence plus its heading; 0 unless the sentence itself
    carries one of the theme's telling concepts."""
    own = match_concepts(sentence, theme.wanted)
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


def retrieve(index: Index, theme: Theme, docs: list[DocumentInfo], pool: int, dense: bool = True):
    """Fused hits over the given documents, up to `pool` of them.

    Callers default to keyword retrieval (dense=False): a quote must contain the theme's words, so the large
    BM25 pool already holds every passage that can be quoted, and on the fixture index hybrid retrieval found
    the same passages while costing a model load (about 18 s cold on a busy 2-core machine)."""
    if not docs or theme.empty:
        return []
    base = index.settings
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
        return retrieve(index, theme, docs, pool, dense=False)


def theme_passages(index: Index, theme: Theme, docs: list[DocumentInfo], pool: int | None = None,
                   dense: bool = True, headings: bool = True) -> list[Passage]:
    """Every sentence of the retrieved chunks that speaks to the theme, best retrieved chunk first.

    With `headings`, a concept named in the section heading counts for the sentence (a report's "care leavers"
    section); framework documents' long generic headings are better left out."""
    if pool is None:
        pool = pool_size(index, docs)
    hits = retrieve(index, theme, docs, pool, dense)
    min_relevance = index.settings.theme_min_relevance
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
                headed[heading] = match_concepts(heading, theme.wanted)
            around = headed[heading]
        area, grade = passage_grade(row, doc, theme.understanding.areas) if doc.kind == "report" else (None, None)
        for sentence in quotable_sentences(row["text"], capitalised=True):
            score = relevance(theme, sentence.text, around)
            if score < min_relevance:
                continue
            out.append(Passage(row, doc, sentence.start, sentence.end, sentence.text, score, rank, grade, area))
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
