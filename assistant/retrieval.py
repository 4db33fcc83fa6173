"""Hybrid retrieval: BM25 and dense (Chroma) results fused by weighted reciprocal rank.

Both sides are llama-index retrievers (BM25Retriever; VectorIndexRetriever over ChromaVectorStore). The
fusion is written here rather than with QueryFusionRetriever because we need per-side weights in RRF mode,
a judgement-area boost and each side's raw score for the refusal decision.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from assistant.config import Settings
from assistant.domain import in_years
from assistant.embedding import embed_texts
from assistant.index import Index
from assistant.keyword import bm25_text
from assistant.models import Filters
from assistant.reranking import blend, cross_encoder
from assistant.text import TIME_LIMIT

log = logging.getLogger(__name__)


@dataclass
class Hit:
    chunk_id: str
    score: float
    bm25_rank: int | None = None
    bm25_score: float = 0.0
    dense_rank: int | None = None
    dense_score: float = 0.0
    rerank_score: float | None = None
    row: dict = field(default_factory=dict)
    # The factor `score` carries only to order an answer's passages (the newest report's first): the refusal
    # gate judges how well the passages match the question without it.
    order_boost: float = 1.0

    @property
    def match_score(self) -> float:
        return self.score / self.order_boost


class Retriever:
    def __init__(self, index: Index, settings: Settings | None = None):
        self.index = index
        self.settings = settings or index.settings
        self.last_dense_error: str | None = None  # shown to the user: no silent fallback to keyword-only
        self.last_rerank_error: str | None = None

    # filters
    def allowed_docs(self, filters: Filters) -> set[str] | None:
        """Documents a filter admits (None: no document-level restriction)."""
        if not (filters.local_authority or filters.year_from or filters.year_to or filters.kind or filters.doc_id):
            return None
        wanted = {n.casefold() for n in filters.local_authority}
        out = set()
        for doc in self.index.documents().values():
            if filters.doc_id and doc.doc_id not in filters.doc_id:
                continue
            if filters.kind and doc.kind != filters.kind:
                continue
            if wanted and (doc.local_authority or "").casefold() not in wanted:
                continue
            if (filters.year_from or filters.year_to) and (
                    doc.kind != "report" or not in_years(doc, filters.year_from, filters.year_to)):
                continue
            out.add(doc.doc_id)
        return out

    def mask(self, filters: Filters, allowed: set[str] | None) -> np.ndarray | None:
        table = self.index.table()
        if table is None:
            return None
        m = np.ones(len(table.chunk_ids), dtype=bool)
        m &= table.doc_ids != ""
        if allowed is not None:
            m &= np.isin(table.doc_ids, list(allowed)) if allowed else False
        if filters.area:
            m &= table.areas == filters.area
        if filters.grade:
            m &= table.grades == filters.grade
        return m

    def _where(self, filters: Filters, allowed: set[str] | None) -> dict | None:
        clauses = []
        if allowed is not None:
            clauses.append({"doc_id": {"$in": sorted(allowed)}})
        if filters.area:
            clauses.append({"area": {"$eq": filters.area}})
        if filters.grade:
            clauses.append({"grade": {"$eq": filters.grade}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    # search
    def keyword(self, text: str, filters: Filters, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        keyword = self.index.keyword()
        if keyword is None:
            return []
        return keyword.search(text, k, self.mask(filters, allowed))

    def dense(self, text: str, filters: Filters, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        if self.index.embedded_count() == 0 or (allowed is not None and not allowed):
            return []
        from llama_index.core.schema import QueryBundle

        where = self._where(filters, allowed)
        bundle = QueryBundle(query_str=text, embedding=embed_texts([text])[0].tolist())
        for attempt in (1, 2):
            try:
                retriever = self.index.vector_index().as_retriever(
                    similarity_top_k=k, vector_store_kwargs={"where": where} if where else {}
                )
                nodes = retriever.retrieve(bundle)
                break
            except Exception as exc:  # a broken or unreachable vector store must not lose the keyword answer
                if attempt == 1 and "Error finding id" in str(exc):
                    self.index.reset_vectors()  # a stale embedded store (see vectors.forget_embedded_clients)
                    continue
                log.warning("dense search failed: %s", exc)
                self.last_dense_error = str(exc)
                return []
        return [(n.node.node_id, float(n.score or 0.0)) for n in nodes]

    def search(
        self, keyword_text: str, dense_text: str, filters: Filters, k: int = 10,
        boost_areas: list[str] | None = None, expansion_text: str = "", boost_kind: str | None = None,
        per_report: int | None = None, boost_docs: set[str] | None = None, boost_timing: bool = False,
    ) -> list[Hit]:
        """The k best fused hits. `per_report` caps how many come from one report, so a question across
        councils hears from many of them (framework documents are not capped); passages of `boost_docs` count
        `newest_boost` times more; with `boost_timing`, passages stating a time limit count `timing_boost` times more."""
        s = self.settings
        allowed = self.allowed_docs(filters)
        if allowed is not None and not allowed:
            return []
        bm25 = self.keyword(keyword_text, filters, s.bm25_k, allowed)
        # Glossary equivalents form their own list: they find "s20" for "section 20" without drowning
        # the user's own words.
        expanded = self.keyword(expansion_text, filters, s.bm25_k, allowed) if expansion_text else []
        dense = self.dense(dense_text, filters, s.dense_k, allowed) if s.dense_weight > 0 else []
        own = self._kind_docs(boost_kind, allowed)
        if own:
            # "How often must a child's plan be reviewed?": hundreds of report passages on reviews outrank the
            # IRO handbook's rule in both lists, so the boost below never sees it. The kind's own lists rank its
            # passages among themselves.
            bm25 = _best_ranks(bm25, self.keyword(keyword_text, filters, s.bm25_k, own))
            if s.dense_weight > 0:
                dense = _best_ranks(dense, self.dense(dense_text, filters, s.dense_k, own))
        hits: dict[str, Hit] = {}
        for rank, (cid, score) in enumerate(bm25, 1):
            hit = hits.setdefault(cid, Hit(cid, 0.0))
            hit.bm25_rank, hit.bm25_score = rank, score
            hit.score += s.bm25_weight / (s.rrf_k + rank)
        # When no passage has the user's own words ("IROs" in a report that writes "independent reviewing
        # officers"), the equivalents are what the question means: they count as much as the words would.
        expansion_weight = s.bm25_weight if expanded and not bm25 else s.expansion_weight
        for rank, (cid, score) in enumerate(expanded, 1):
            hit = hits.setdefault(cid, Hit(cid, 0.0))
            hit.score += expansion_weight / (s.rrf_k + rank)
        for rank, (cid, score) in enumerate(dense, 1):
            hit = hits.setdefault(cid, Hit(cid, 0.0))
            hit.dense_rank, hit.dense_score = rank, score
            hit.score += s.dense_weight / (s.rrf_k + rank)
        rows = self.index.store.chunks_by_id(hits.keys())
        kinds = {d.doc_id: d.kind for d in self.index.documents().values()} if boost_kind or per_report else {}
        out = []
        for hit in hits.values():
            row = rows.get(hit.chunk_id)
            if row is None:
                continue  # removed by an ingest since the keyword index was loaded
            if boost_areas and row.get("area") in boost_areas:
                hit.score *= s.area_boost
            if boost_kind and kinds.get(row["doc_id"]) == boost_kind:
                hit.score *= s.kind_boost
            if boost_timing and TIME_LIMIT.search(row["text"]):
                hit.score *= s.timing_boost
            if boost_docs and row["doc_id"] in boost_docs:
                hit.score *= s.newest_boost
                hit.order_boost = s.newest_boost
            hit.row = row
            out.append(hit)
        out.sort(key=lambda h: -h.score)
        out = self.rerank(dense_text, out)
        return diversify(out, k, per_report, kinds) if per_report else out[:k]

    def _kind_docs(self, kind: str | None, allowed: set[str] | None) -> set[str]:
        """The documents of `kind` a search may also rank on their own: none when the search is already
        confined to them."""
        if not kind:
            return set()
        own = {d.doc_id for d in self.index.documents().values() if d.kind == kind}
        if allowed is not None:
            own &= allowed
            if own == allowed:
                return set()
        return own

    def rerank(self, question: str, hits: list[Hit]) -> list[Hit]:
        """The fused top `rerank_candidates` reordered with the cross-encoder (blended with the fused order)."""
        s = self.settings
        n = min(s.rerank_candidates, len(hits))
        if n < 2 or s.rerank_weight <= 0:
            return hits
        head = hits[:n]
        try:
            encoder = cross_encoder(s.rerank_max_tokens)
            scores = encoder.scores(question, [bm25_text(h.row.get("context"), h.row["text"]) for h in head])
        except Exception as exc:  # noqa: BLE001  said in the answer; the fused order still answers
            log.warning("reranking failed: %s", exc)
            self.last_rerank_error = str(exc)
            return hits
        for hit, score in zip(head, scores):
            hit.rerank_score = float(score)
        by_id = {h.chunk_id: h for h in head}
        order = blend([h.chunk_id for h in head], {h.chunk_id: h.rerank_score for h in head}, s.rerank_weight, s.rrf_k)
        return [by_id[c] for c in order] + hits[n:]


def _best_ranks(overall: list[tuple[str, float]], own: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """One ranked list from a search over everything and one over a subset: the two interleaved by rank, each
    passage once, at the better of its two places (at equal ranks the overall list's passage first)."""
    best: dict[str, tuple[int, float]] = {}
    for ranked in (overall, own):
        for rank, (cid, score) in enumerate(ranked, 1):
            if cid not in best or rank < best[cid][0]:
                best[cid] = (rank, score)
    return [(cid, score) for cid, (rank, score) in sorted(best.items(), key=lambda kv: kv[1][0])]


def diversify(hits: list[Hit], k: int, per_report: int, kinds: dict[str, str]) -> list[Hit]:
    """The first k hits (best first) taking at most `per_report` from any one report."""
    taken: dict[str, int] = {}
    out = []
    for hit in hits:
        doc_id = hit.row["doc_id"]
        if kinds.get(doc_id) == "report":
            if taken.get(doc_id, 0) >= per_report:
                continue
            taken[doc_id] = taken.get(doc_id, 0) + 1
        out.append(hit)
        if len(out) >= k:
            break
    return out
