"""Extractive answers: the documents' own sentences, each verified verbatim and cited to paragraph and page.

No generative model runs here, so nothing can be invented: a sentence is shown only when it occurs in the
cited chunk and at the cited page; otherwise it is dropped.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from assistant.config import Settings
from assistant.domain import AREAS, sort_date
from assistant.index import Index
from assistant.models import Citation, DocumentInfo, Filters
from assistant.query import Understanding, topic_concepts
from assistant.retrieval import Hit, Retriever
from assistant.quality import junk_reason
from assistant.stance import IMPROVEMENT_SECTION, classify
from assistant.text import (
    content_stems,
    first_sentence,
    near_duplicate,
    normalise_for_match,
    quotable_sentences,
    sentence_spans,
    stems,
)


# Words in more than about a third of all passages ("care", "children") count when present but are not
# required: "care leavers' accommodation" is about leavers and accommodation.
UBIQUITOUS_IDF = 1.0


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
    return [phrases for _, phrases, _ in worded_concepts(u)]


def worded_concepts(u: Understanding) -> list[tuple[str, set[str], bool]]:
    """concepts(u), each with the user's own wording and whether the glossary gave it equivalents."""
    out: list[tuple[str, set[str], bool]] = []
    seen: list[set[str]] = []
    for concept in u.concepts:
        phrases = concept_phrases(concept)
        if phrases and phrases not in seen:
            seen.append(phrases)
            out.append((concept[0], phrases, len(concept) > 1))
    return out


def concept_phrases(concept: list[str]) -> set[str]:
    """A concept's wordings as stemmed phrases, the form match_concepts looks for."""
    return {" ".join(stems(t)) for t in concept} - {""}


def own_wordings(concept: list[str]) -> set[str]:
    """The user's own wording of a concept as stemmed phrases, with its initialism either way ("IRO" and
    "independent reviewing officer" are one wording; "management oversight" for "supervision" is another)."""
    own = " ".join(stems(concept[0]))
    out = {own} - {""}
    for other in concept_phrases(concept):
        if _initials(other) == own or _initials(own) == other:
            out.add(other)
    return out


def _initials(phrase: str) -> str:
    words = re.split(r"[\s-]+", phrase)
    return "".join(w[0] for w in words if w) if len(words) > 1 else ""


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
    index: Index, hits: list[Hit], u: Understanding, docs: dict[str, DocumentInfo], settings: Settings,
    prefer: str | None = None, spread: bool = False,
) -> list[Candidate]:
    """The best sentences to quote. `prefer` ("weakness", "strength") favours report sentences of that stance
    (the question asked for it); `spread` gives every document its best sentence before any gets a second (one
    council's reports over the years: the answer must span them)."""
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
            if not matched or junk_reason(sentence.text):  # a contents page or a table is no quote
                continue
            coverage = sum(weights[i] for i in matched) / total
            score = coverage + settings.sentence_rank_weight / (1 + rank) + settings.sentence_fused_weight * hit.score
            if prefer and doc.kind == "report":
                stance = classify(sentence.text, row.get("section"))
                if stance == prefer or (prefer == "weakness" and stance == "improvement"):
                    score += settings.stance_weight
                elif stance != "neutral":
                    score -= settings.stance_weight
            pool.append(Candidate(hit, doc, sentence.text, sentence.start, sentence.end, score, matched))
    pool.sort(key=lambda c: -c.score)
    if spread:
        firsts, rest, seen_docs = [], [], set()
        for cand in pool:
            (rest if cand.doc.doc_id in seen_docs else firsts).append(cand)
            seen_docs.add(cand.doc.doc_id)
        pool = firsts + rest
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


def best_matched(hits: list[Hit], n: int = 5) -> list[Hit]:
    """The n passages that match the question best, whatever order the answer shows them in."""
    return sorted(hits, key=lambda h: -h.match_score)[:n]


def evidence_strength(index: Index, hits: list[Hit], chosen: list[Candidate], u: Understanding,
                      ignore: frozenset[str] = frozenset()) -> dict:
    """Signals for the refusal decision: how much of the question's (idf-weighted) meaning the best
    passages contain, and how close the nearest passage is in embedding space. `ignore`: the user's words of
    concepts left out of the share (everyday words no document uses, beside a topic that is found)."""
    worded = worded_concepts(u)
    wanted = [phrases for _, phrases, _ in worded]
    weights = [0.0 if word in ignore else w for (word, _, _), w in zip(worded, concept_weights(index, wanted))]
    total = sum(weights) or 1.0
    best_sentence = max((sum(weights[i] for i in c.matched) for c in chosen), default=0.0) / total
    best_chunk = 0.0
    best = best_matched(hits)
    for hit in best:
        matched = match_concepts(hit.row["context"] + " " + hit.row["text"], wanted)
        best_chunk = max(best_chunk, sum(weights[i] for i in matched) / total)
    dense = max((h.dense_score for h in best), default=0.0)
    cosine = 1 + math.log(dense) if dense > 0 else 0.0
    return {"sentence_coverage": round(best_sentence, 4), "chunk_coverage": round(best_chunk, 4),
            "dense_cosine": round(cosine, 4), "concepts": len(wanted)}


def topic_found(index: Index, hits: list[Hit], u: Understanding, absent: list[str]) -> bool:
    """Whether the question's domain topic is in the best passages, so that words no document uses are
    incidental ("Is Dorset's LADO doing a decent job?", "how often must a DSL redo their training?") rather
    than its subject ("waiting lists for hip replacements"): every concept with glossary equivalents (the
    practitioners' terms: LADO, DSL, supervision) is matched by one of the top five passages, and at least one
    such concept exists. Words of the council's name or the answer's form are not the topic."""
    worded = worded_concepts(u)
    wanted = [phrases for _, phrases, _ in worded]
    terms = [i for i, (word, _, glossed) in enumerate(worded) if glossed and word not in absent]
    if not terms:
        return False
    return any(set(terms) <= match_concepts(h.row["context"] + " " + h.row["text"], wanted) for h in best_matched(hits))


def build_citations(index: Index, chosen: list[Candidate]) -> list[tuple[Candidate, Citation]]:
    """Citations for the chosen sentences, newest report first; unverifiable sentences are dropped."""
    out: list[tuple[Candidate, Citation]] = []
    for cand in chosen:
        cit = cite_span(index, cand.doc, cand.hit.row, cand.start, cand.end, cand.hit.score)
        if cit is not None:
            out.append((cand, cit))
    return out


def cite_span(index: Index, doc: DocumentInfo, row: dict, start: int, end: int, score: float) -> Citation | None:
    """The citation of chunk text [start, end) when it passes the verbatim check on its page, else None."""
    text = row["text"][start:end]
    page, page_text = page_slice(index, row, start, end)
    if not verify_quote(text, row["text"], page_text):
        return None
    _, cs, ce = locate(row, start, end)
    cit = make_citation(0, doc, row, page, text, score, cs, ce)
    cit.passage_start, cit.passage_end = start, end
    return cit


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


# ------------------------------------------------------------------------------------------- quote quality

# A sentence that turns what came before ("However, the quality of this is variable") belongs with it.
QUALIFIES = re.compile(r"^\W*(?:however|but|although|though|nevertheless|nonetheless|yet|despite this|that said|"
                        r"even so|in contrast|conversely)\b", re.I)
MAX_MERGED_CHARS = 700


def with_qualifiers(index: Index, verified: list[tuple[Candidate, Citation]]) -> list[tuple[Candidate, Citation]]:
    """One source per paragraph, and no quote without the sentence that qualifies it.

    Sentences chosen from one chunk become one quote running from the first to the last (when that is short
    enough; else the best one stays), and a quote is extended over a following sentence that opens with
    "However", "But" and the like. Every extended quote is verified again; one that fails keeps its pieces."""
    by_chunk: dict[str, list[tuple[Candidate, Citation]]] = {}
    for pair in verified:
        by_chunk.setdefault(pair[0].hit.chunk_id, []).append(pair)
    out: list[tuple[Candidate, Citation]] = []
    seen_paragraphs: set[tuple] = set()
    for pairs in sorted(by_chunk.values(), key=lambda ps: -max(c.score for c, _ in ps)):
        cand = max((c for c, _ in pairs), key=lambda c: c.score)
        row = cand.hit.row
        start, end = min(c.start for c, _ in pairs), max(c.end for c, _ in pairs)
        if end - start > MAX_MERGED_CHARS:
            start, end = cand.start, cand.end
        spans = sentence_spans(row["text"])
        after = next(((a, b) for a, b in spans if a >= end), None)
        if after and QUALIFIES.match(row["text"][after[0]:after[1]]) and after[1] - start <= MAX_MERGED_CHARS:
            end = after[1]
        paragraph = (cand.doc.doc_id, row.get("paragraph") or row["chunk_id"])
        if paragraph in seen_paragraphs and row.get("paragraph"):
            continue  # a long paragraph split over two chunks: its best chunk is its one source
        merged = _verified_span(index, cand, start, end) if (start, end) != (cand.start, cand.end) else None
        if merged is not None:
            out.append(merged)
        else:
            best = max(pairs, key=lambda p: p[0].score)
            out.append(best)
        seen_paragraphs.add(paragraph)
    return out


def _verified_span(index: Index, cand: Candidate, start: int, end: int) -> tuple[Candidate, Citation] | None:
    row = cand.hit.row
    text = row["text"][start:end].strip()
    lead = len(row["text"][start:end]) - len(row["text"][start:end].lstrip())
    start += lead
    end = start + len(text)
    cit = None if junk_reason(text) else cite_span(index, cand.doc, row, start, end, cand.hit.score)
    if cit is None:
        return None
    return Candidate(cand.hit, cand.doc, text, start, end, cand.score, cand.matched), cit


def opening_sentence(index: Index, doc: DocumentInfo, area: str) -> tuple[Citation, dict] | None:
    """The first quotable sentence of the report's section on an area (it usually sums up the judgement)."""
    for row in index.store.chunks_of(doc.doc_id):
        if row.get("area") != area or not row.get("paragraph"):
            continue
        for sentence in quotable_sentences(row["text"], capitalised=True):
            cit = None if junk_reason(sentence.text) else cite_span(index, doc, row, sentence.start, sentence.end, 1.0)
            if cit is not None:
                return cit, row
        return None
    return None


def topic_wanted(index: Index, u: Understanding) -> list[set[str]]:
    """The telling concepts of the question's topic, as stemmed phrases: words in more than about a third of
    passages ("care", "children") are dropped unless nothing else is left."""
    wanted = concepts(Understanding(u.question, u.search_text, u.dense_text, u.filters, concepts=topic_concepts(u)))
    if not wanted:
        return []
    weights = concept_weights(index, wanted)
    return [c for c, w in zip(wanted, weights) if w >= UBIQUITOUS_IDF] or wanted


def answered_topic(u: Understanding, texts: list[str]) -> Understanding:
    """The question narrowed to the topic its quotes speak to: the most topic concepts that one quoted passage
    names. "What's a reasonable caseload for one full-time IRO?" answered from passages on IROs' caseloads is
    about those two, not "reasonable": counting reports that discuss all three found none, beside five quoted
    ones. Unchanged when a passage names them all, or none does."""
    topic = topic_concepts(u)
    if len(topic) < 2 or not texts:
        return u
    wanted = [concept_phrases(c) for c in topic]
    best = max((match_concepts(t, wanted) for t in texts), key=len)
    if not best or len(best) == len(topic):
        return u
    dropped = [c for i, c in enumerate(topic) if i not in best]
    return replace(u, concepts=[c for c in u.concepts if c not in dropped])


def documents_discussing(index: Index, u: Understanding, doc_ids: set[str], pool: int) -> set[str]:
    """The documents among `doc_ids` with a passage naming every telling concept of the question's topic.
    Keyword search finds the candidates: a passage without the words cannot name them."""
    keyword = index.keyword()
    telling = topic_wanted(index, u)
    if keyword is None or not telling or not doc_ids:
        return set()
    topic = " ".join(c[0] for c in topic_concepts(u)) or u.search_text
    found = keyword.search(topic, pool, Retriever(index).mask(Filters(), doc_ids))
    out: set[str] = set()
    for row in index.store.chunks_by_id([cid for cid, _ in found]).values():
        if row["doc_id"] not in out and len(match_concepts((row.get("context") or "") + " " + row["text"], telling)) == len(telling):
            out.add(row["doc_id"])
    return out


def reports_discussing(index: Index, u: Understanding, retriever, pool: int = 1500) -> tuple[int, int] | None:
    """(indexed reports in scope that discuss the question's topic, reports in scope)."""
    if not topic_wanted(index, u):
        return None
    allowed = retriever.allowed_docs(u.filters.model_copy(update={"kind": "report"}))
    reports = {d.doc_id for d in index.reports() if allowed is None or d.doc_id in allowed}
    if not reports:
        return None
    return len(documents_discussing(index, u, reports, pool)), len(reports)


def reasons(index: Index, doc: DocumentInfo, area: str, wanted: str, limit: int = 6) -> list[tuple[Candidate, Citation]]:
    """The report's reasons for a judgement: its sentences of the wanted stance ("weakness" for a poor grade,
    "strength" for a good one) in the area's own section (for overall effectiveness, the summary before the
    first area section), then its "what needs to improve" items, in the report's order."""
    found: list[tuple[Candidate, Citation]] = []
    improvements: list[tuple[Candidate, Citation]] = []
    in_summary = True
    for row in index.store.chunks_of(doc.doc_id):
        row_area = row.get("area")
        if row_area in AREAS and row_area != "overall_effectiveness":
            in_summary = False
        improving = bool(IMPROVEMENT_SECTION.search(row.get("section") or ""))
        if not improving and not (row_area == area if area != "overall_effectiveness" else in_summary):
            continue
        for sentence in quotable_sentences(row["text"], capitalised=True):
            stance = classify(sentence.text, row.get("section"))
            bucket = improvements if stance == "improvement" else found if stance == wanted else None
            if bucket is None or len(bucket) >= limit or junk_reason(sentence.text):
                continue
            cit = cite_span(index, doc, row, sentence.start, sentence.end, 1.0)
            if cit is None:
                continue
            score = 1.0 - 0.01 * (len(found) + len(improvements))  # the report's order: its summary comes first
            hit = Hit(chunk_id=row["chunk_id"], score=1.0, row=row)
            bucket.append((Candidate(hit, doc, sentence.text, sentence.start, sentence.end, score, frozenset()), cit))
    return found + improvements[: max(2, limit // 2)]
