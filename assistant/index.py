"""The read side of a built index folder: state, keyword index, vectors and the chunk table used for filtering."""
from __future__ import annotations

import gc
import json
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.documents.boilerplate import NOT_EMBEDDED
from assistant.domain import AREAS, council_name
from assistant.embedding import configure_llama_index
from assistant.keyword import VOCABULARY_FILE, KeywordIndex, vocabulary
from assistant.locking import is_locked
from assistant.models import DocumentInfo
from assistant.store import Store
from assistant.vectors import forget_embedded_clients, open_collection

STATE_FILE = "state.sqlite"


class IndexMissing(Exception):
    pass


def index_id(store: Store) -> str:
    """A stable id per index folder: names its Chroma collection, so indexes can share one Chroma server."""
    value = store.get_meta("index_id")
    if not value:
        value = uuid.uuid4().hex[:12]
        store.set_meta("index_id", value)
    return value


@dataclass
class ChunkTable:
    """Per-chunk filter columns, aligned with the keyword index's order (the filters on documents, judgement
    area and grade are applied as one mask)."""

    chunk_ids: list[str]
    doc_ids: np.ndarray
    areas: np.ndarray
    grades: np.ndarray


def document_info(doc: dict[str, Any], other_paths: list[str] | None = None) -> DocumentInfo:
    info = doc["info"]
    judgements = {k: (info.get("judgements") or {}).get(k) for k in AREAS}
    return DocumentInfo(
        doc_id=doc["doc_id"], path=doc["path"], title=doc["title"], kind=doc["kind"],
        local_authority=council_name(info.get("local_authority")), urn=info.get("urn"), published=info.get("published"),
        inspection_start=info.get("inspection_start"), inspection_end=info.get("inspection_end"),
        lead_inspector=info.get("lead_inspector"), inspection_type=info.get("inspection_type"),
        framework=info.get("framework"), judgements=judgements, pages=doc["pages"], chunks=doc["chunks"],
        judgement_page=info.get("judgement_page"), sub_judgements=info.get("sub_judgements") or {},
        format=doc.get("format"), other_paths=other_paths or [],
    )


class Index:
    """Opened once per process; reloads the keyword index when an ingest has rebuilt it."""

    def __init__(self, folder: str | Path, chroma_url: str | None = None, settings: Settings | None = None):
        self.folder = Path(folder)
        self.settings = settings or Settings()
        state = self.folder / STATE_FILE
        if not state.exists():
            raise IndexMissing(
                f"no index at {self.folder}: build one with `ofsted-assistant ingest <corpus> --index {self.folder}`"
            )
        self.store = Store(state, read_only_fallback=True)
        # Flag, then OFSTED_CHROMA_URL, then the server this index was built against.
        self.chroma_url = chroma_url or self.settings.chroma_url or self.store.get_meta("chroma_url") or None
        self._lock = threading.RLock()
        self._keyword = None
        self._table: ChunkTable | None = None
        self._docs: dict[str, DocumentInfo] | None = None
        self._docs_stamp: str | None = None
        self._collection = None
        self._vector_store = None
        self._vector_index = None  # llama-index's VectorStoreIndex over the store, built on first dense search
        self._opened_at: tuple[str, int] | None = None
        self._vocabulary: tuple[KeywordIndex, dict[str, int]] | None = None
        self._coverage = None  # (what it was counted at, Coverage)

    # documents
    def stamp(self) -> str:
        """Changes whenever an ingest has changed what is indexed."""
        return self.store.get_meta("generation", "0") or "0"

    def documents(self) -> dict[str, DocumentInfo]:
        with self._lock:
            stamp = self.stamp()
            if self._docs is None or stamp != self._docs_stamp:
                files = self.store.files()
                paths: dict[str, list[str]] = {}
                for path, row in files.items():
                    if row["doc_id"]:
                        paths.setdefault(row["doc_id"], []).append(path)
                self._docs = {}
                for d in self.store.documents():
                    others = sorted(p for p in paths.get(d["doc_id"], []) if p != d["path"])
                    self._docs[d["doc_id"]] = document_info(d, others)
                self._docs_stamp = stamp
                self._table = None
                self._keyword = None
            return self._docs

    def reports(self) -> list[DocumentInfo]:
        return [d for d in self.documents().values() if d.kind == "report"]

    # keyword side
    def use_settings(self, settings: Settings) -> None:
        """Search with other settings from now on (an eval run with --set); the vector store is reopened when a
        setting it reads has changed."""
        with self._lock:
            changed = settings.chroma_ef_search != self.settings.chroma_ef_search
            self.settings = settings
        if changed:
            self.reset_vectors()

    def keyword(self) -> KeywordIndex | None:
        with self._lock:
            self.documents()
            if self._keyword is None:
                try:
                    self._keyword = KeywordIndex(self.folder)
                except FileNotFoundError:
                    return None
            return self._keyword

    def vocabulary(self) -> dict[str, int]:
        """word -> passages using it, as saved with the keyword index (counted here for an index built before
        the keyword index saved it)."""
        with self._lock:
            keyword = self.keyword()
            if keyword is None:
                return {}
            if self._vocabulary is None or self._vocabulary[0] is not keyword:
                saved = keyword.folder / VOCABULARY_FILE
                words = json.loads(saved.read_text()) if saved.exists() else vocabulary(
                    r["text"] for r in self.store.all_chunk_rows("text"))
                self._vocabulary = (keyword, words)
            return self._vocabulary[1]

    def table(self) -> ChunkTable | None:
        with self._lock:
            keyword = self.keyword()
            if keyword is None:
                return None
            if self._table is None:
                docs = self.documents()
                rows = {r["chunk_id"]: r for r in self.store.all_chunk_rows("chunk_id, doc_id, area, grade")}
                n = len(keyword.chunk_ids)
                doc_ids, areas, grades = ([""] * n for _ in range(3))
                for i, cid in enumerate(keyword.chunk_ids):
                    row = rows.get(cid)
                    if row is None:  # removed since the keyword index was built
                        continue
                    doc = docs.get(row["doc_id"])
                    if doc is None:
                        continue
                    doc_ids[i] = doc.doc_id
                    areas[i] = row["area"] or ""
                    grades[i] = row["grade"] or (doc.judgements.get("overall_effectiveness") or "")
                self._table = ChunkTable(list(keyword.chunk_ids), np.array(doc_ids), np.array(areas), np.array(grades))
            return self._table

    # dense side
    def collection(self):
        with self._lock:
            if self._collection is not None and not self.chroma_url and self._vectors_stamp() != self._opened_at:
                # Another process (an ingest) has changed the embedded store since it was opened here.
                self.reset_vectors()
            if self._collection is None:
                if not self.chroma_url:
                    forget_embedded_clients()
                self._opened_at = self._vectors_stamp()
                self._collection = open_collection(self.folder, index_id(self.store), self.chroma_url,
                                                   ef_search=self.settings.chroma_ef_search)
            return self._collection

    def reset_vectors(self) -> None:
        with self._lock:
            had = self._collection is not None
            self._collection = self._vector_store = self._vector_index = None
        if had:
            # A dropped Chroma client keeps its vector segment (~40 MB for the default index) alive in reference
            # cycles; collecting now stops a server that reopens often (while another process embeds) from
            # growing by that much each time.
            gc.collect()

    def vector_index(self):
        """llama-index's VectorStoreIndex over the Chroma collection, reopened when the vectors have changed."""
        from llama_index.core import VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        with self._lock:
            collection = self.collection()
            if self._vector_index is None:
                configure_llama_index()
                self._vector_store = ChromaVectorStore(chroma_collection=collection)
                self._vector_index = VectorStoreIndex.from_vector_store(self._vector_store)
            return self._vector_index

    def _vectors_stamp(self) -> tuple[str, int]:
        return self.stamp(), self.embedded_count()

    def embedded_count(self) -> int:
        return self.store.count("SELECT COUNT(*) FROM chunks WHERE embedded=1")

    def chunk_count(self) -> int:
        return self.store.count("SELECT COUNT(*) FROM chunks")

    def embeddable_count(self) -> int:
        """Passages meant to have a vector: all but those kept out as boilerplate (documents/boilerplate.py)."""
        return self.store.count("SELECT COUNT(*) FROM chunks WHERE embedded != ?", (NOT_EMBEDDED,))

    def ingest_running(self) -> bool:
        return is_locked(self.folder)

    def coverage(self):
        """What is indexed so far (assistant.coverage), recounted when documents, vectors or the queue moved."""
        from assistant.coverage import coverage

        key = (self.stamp(), self.embedded_count(), self.store.get_meta("queue"), self.ingest_running())
        with self._lock:
            if self._coverage is None or self._coverage[0] != key:
                self._coverage = (key, coverage(self))
            return self._coverage[1]
