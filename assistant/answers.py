"""Extractive answers: the documents' own sentences, each verified verbatim and cited to paragraph and page.

No generative model runs here, so nothing can be invented: a sentence is shown only when it occurs in the
cited chunk and at the cited page; otherwise it is dropped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.config import Settings
from assistant.domain import sort_date
from assistant.index import Index
from assistant.models import Citation, DocumentInfo
from assistant.query import Understanding
from assistant.retrieval import Hit
from assistant.text import content_stems, first_sentence, near_duplicate, normalise_for_match, quotable_sentences, stems


@dataclass
class Candidate:
    hit: Hit
    doc: DocumentInfo
    text: str
    start: int  # offsets in the chunk text
    end: int
    score: float
    matched: frozenset


def concepts(u: Understanding) -> list[set[str]]:
    """Each concept of the question as a set of stemmed phrases (the user's words and their equivalents)."""
    out: list[set[str]] = []
    for concept in u.concepts:
        phrases = {" ".join(stems(t)) for t in concept}
        phrases.discard("")
        if phrases and phrases not in out:
            out.append(phrases)
    return out


def match_concepts(text: str, wanted: list[set[str]]) -> frozenset:
    joined = " " + " ".join(stems(text)) + " "
    hits = set()
    for i, phrases in enumerate(wanted):
        if any(f" {p} " in joined for p in phrases if p):
            hits.add(i)
    return frozenset(hits)


def verify_quote(quote: str, chunk_text: str, page_text: str | None = None) -> bool:
    """The verbatim check: the quote occurs in the chunk, and in the cited page's text when given."""
    q = normalise_for_match(quote)
    if not q or q not in normalise_for_match(chunk_text):
        return False
    return page_text is None or q in normalise_for_match(page_text)


def locate(row: dict, start: int, end: int) -> tuple[int, int | None, int | None]:
    """Page (1-based) and page offsets of chunk-text offsets [start, end)."""
    pos = 0
    for page, s, e in row["segments"]:
        length = e - s
        if start < pos + length + 1:
            local_start = s + max(0, start - pos)
            local_end = s + min(length, end - pos)
            return page, local_start, local_end
        pos += length + 1  # segments are joined by one space in the chunk text
    page, s, e = row["segments"][-1]
    return page, None, None


def page_slice(index: Index, row: dict, start: int, end: int) -> tuple[int, str]:
    """The page a sentence starts on, and the page text the sentence occupies (joined across a page break).

    Two pieces on one page are joined by what really lies between them there, so a sentence the chunk stitched
    together over skipped lines (a heading, a table cell) does not pass the verbatim check."""
    pos = 0
    first_page = None
    parts = []
    last = None  # (page, end offset) of the previous piece
    for page, s, e in row["segments"]:
        length = e - s
        lo, hi = max(start, pos), min(end, pos + length)
        if lo < hi:
            text = index.store.page_text(row["doc_id"], page) or ""
            a, b = s + lo - pos, s + hi - pos
            if last is not None and last[0] == page and a >= last[1]:
                parts[-1] += text[last[1]:b]
            else:
                parts.append(text[a:b])
            last = (page, b)
            if first_page is None:
                first_page = page
        pos += length + 1
    return (first_page or row["segments"][0][0]), " ".join(parts)


def select_sentences(
    index: Index, hits: list[Hit], u: Understanding, docs: dict[str, DocumentInfo], settings: Settings
) -> list[Candidate]:
    wanted = concepts(u)
    if not wanted:
        return []
    # A sentence naming the question's rarest idea ("s20") beats one naming only its common words.
    weights = concept_weights(index, wanted)
    total = sum(weights) or 1.0
    pool: list[Candidate] = []
    for rank, hit in enumerate(hits):
        row = hit.row
        doc = docs.get(row["doc_id"])
        if doc is None:
            continue
        for sentence in quotable_sentences(row["text"]):
            matched = match_concepts(sentence.text, wanted)
            if not matched:
                continue
            coverage = sum(weights[i] for i in matched) / total
            score = coverage + settings.sentence_rank_weight / (1 + rank) + settings.sentence_fused_weight * hit.score
            pool.append(Candidate(hit, doc, sentence.text, sentence.start, sentence.end, score, matched))
    pool.sort(key=lambda c: -c.score)
    chosen: list[Candidate] = []
    seen: list[set[str]] = []
    per_chunk: dict[str, int] = {}
    for cand in pool:
        key = content_stems(cand.text)
        if any(near_duplicate(key, k, settings.answer_near_duplicate) for k in seen):
            continue
        if per_chunk.get(cand.hit.chunk_id, 0) >= 2:
            continue
        seen.append(key)
        per_chunk[cand.hit.chunk_id] = per_chunk.get(cand.hit.chunk_id, 0) + 1
        chosen.append(cand)
        if len(chosen) >= settings.max_sentences:
            break
    return chosen


def concept_weights(index: Index, wanted: list[set[str]]) -> list[float]:
    """How telling each concept is: the idf of the rarest word of its least rare wording."""
    keyword = index.keyword()
    if keyword is None:
        return [1.0] * len(wanted)
    weights = []
    for phrases in wanted:
        weights.append(min(max((keyword.idf(w) for w in p.split()), default=0.0) for p in phrases))
    return weights


def evidence_strength(index: Index, hits: list[Hit], chosen: list[Candidate], u: Understanding) -> dict:
    """Signals for the refusal decision: how much of the question's (idf-weighted) meaning the best
    passages contain, and how close the nearest passage is in embedding space."""
    wanted = concepts(u)
    weights = concept_weights(index, wanted)
    total = sum(weights) or 1.0
    best_sentence = max((sum(weights[i] for i in c.matched) for c in chosen), default=0.0) / total
    best_chunk = 0.0
    for hit in hits[:5]:
        matched = match_concepts(hit.row["context"] + " " + hit.row["text"], wanted)
        best_chunk = max(best_chunk, sum(weights[i] for i in matched) / total)
    dense = max((h.dense_score for h in hits[:5]), default=0.0)
    cosine = 1 + math.log(dense) if dense > 0 else 0.0
    return {"sentence_coverage": round(best_sentence, 4), "chunk_coverage": round(best_chunk, 4),
            "dense_cosine": round(cosine, 4), "concepts": len(wanted)}


def build_citations(index: Index, chosen: list[Candidate]) -> list[tuple[Candidate, Citation]]:
    """Citations for the chosen sentences, newest report first; unverifiable sentences are dropped."""
    out: list[tuple[Candidate, Citation]] = []
    for cand in chosen:
        row = cand.hit.row
        page, page_text = page_slice(index, row, cand.start, cand.end)
        if not verify_quote(cand.text, row["text"], page_text):
            continue
        _, cs, ce = locate(row, cand.start, cand.end)
        cit = make_citation(0, cand.doc, row, page, cand.text, cand.hit.score, cs, ce)
        cit.passage_start, cit.passage_end = cand.start, cand.end
        out.append((cand, cit))
    return out


def make_citation(n: int, doc: DocumentInfo, row: dict, page: int, quote: str, score: float,
                  char_start: int | None = None, char_end: int | None = None) -> Citation:
    return Citation(
        n=n, doc_id=doc.doc_id, path=doc.path, title=doc.title, kind=doc.kind,
        local_authority=doc.local_authority, published=doc.published, section=row.get("section"),
        paragraph=row.get("paragraph"), page=page, quote=quote, score=round(float(score), 5),
        chunk_id=row.get("chunk_id"), passage=row.get("text"), char_start=char_start, char_end=char_end,
    )


def order_key(doc: DocumentInfo) -> tuple:
    """Newest report first, then framework documents."""
    return (0 if doc.kind == "report" else 1, -sort_date(doc).toordinal(), doc.title)


def related_citations(index: Index, hits: list[Hit], docs: dict[str, DocumentInfo], n: int = 3) -> list[Citation]:
    """Up to n nearest passages, each shown by its verified first sentence (beside a refusal)."""
    related: list[Citation] = []
    for hit in hits[:n]:
        doc = docs.get(hit.row["doc_id"])
        first = first_sentence(hit.row["text"])
        if doc is None or first is None:
            continue
        page, page_text = page_slice(index, hit.row, first.start, first.end)
        if verify_quote(first.text, hit.row["text"], page_text):
            related.append(make_citation(len(related) + 1, doc, hit.row, page, first.text, hit.score))
    return related
