"""The naive "afternoon" pipeline the assistant is measured against.

llama-index `SimpleDirectoryReader` over the same document files as the index under test, the default
`SentenceSplitter` (1024-token chunks, 200 overlap), our MiniLM embedder and dense-only top-k retrieval from
an in-memory vector store. No keyword search, no filters, no history, no refusals, no page-level
verification. Its "answer" is the top chunk's text: right when that chunk holds an expected snippet.

`llama-index-readers-file` (which brings the default PDF reader) is not a dependency, so the PDF and HTML
readers below do what its defaults do: one Document per PDF page (pypdf `extract_text`, `page_label`
metadata) and the visible text of an HTML page.

Parsing and embedding ~170 documents takes minutes on two cores, so nodes and vectors are cached under
`eval/results/baseline-cache/`, one pair of files per document keyed by its content hash, path and the
pipeline's parameters.
Nothing is written to the index folders.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from assistant.config import resolve_corpus
from assistant.embedding import configure_llama_index, embed_texts, llama_embed_model
from assistant.evaluation import metrics as M
from assistant.evaluation.gold import PASSAGE_TYPES
from assistant.evaluation.scoring import (
    base_record, evidence_matches, index_scope, indexed_paths, retrieval_scores, skip_reason,
)
from assistant.index import Index

CACHE_VERSION = 1
CHUNK_SIZE = 1024
CHUNK_OVERLAP = 200
TOP_K = 10
DEFAULT_CACHE = Path("eval") / "results" / "baseline-cache"


def _readers():
    from llama_index.core.readers.base import BaseReader
    from llama_index.core.schema import Document

    class NaivePDFReader(BaseReader):
        """What llama-index's default PDFReader does: a Document per page, pypdf text, page_label."""

        def load_data(self, file, extra_info: dict | None = None, fs=None) -> list:
            import pypdf

            reader = pypdf.PdfReader(str(file))
            docs = []
            for i, page in enumerate(reader.pages):
                meta = {"page_label": str(i + 1), **(extra_info or {})}
                docs.append(Document(text=page.extract_text() or "", metadata=meta))
            return docs

    class NaiveHTMLReader(BaseReader):
        def load_data(self, file, extra_info: dict | None = None, fs=None) -> list:
            from bs4 import BeautifulSoup

            soup = BeautifulSoup(Path(file).read_text(encoding="utf-8", errors="replace"), "html.parser")
            for tag in soup(["script", "style", "noscript", "template"]):
                tag.decompose()
            return [Document(text=soup.get_text("\n"), metadata={**(extra_info or {})})]

    return {".pdf": NaivePDFReader(), ".html": NaiveHTMLReader(), ".htm": NaiveHTMLReader()}


class Baseline:
    """Dense-only retrieval over naive 1024-token chunks of the index's documents."""

    def __init__(self, index: Index, corpus: str | Path | None = None, cache_dir: str | Path | None = None,
                 log: Callable[[str], None] | None = None):
        self.index = index
        self.corpus = Path(corpus) if corpus else resolve_corpus()
        self.cache_dir = Path(cache_dir) if cache_dir else DEFAULT_CACHE
        self.say = log or (lambda message: None)
        self.docs = sorted((d.path, d.doc_id) for d in index.documents().values())
        self._retriever = None

    # building
    def _cache_key(self, path: str, doc_id: str) -> str:
        src = json.dumps({"v": CACHE_VERSION, "doc": [path, doc_id], "chunk": [CHUNK_SIZE, CHUNK_OVERLAP],
                          "model": "all-MiniLM-L6-v2"})
        return hashlib.sha256(src.encode()).hexdigest()[:24]

    def _load_cached(self, key: str) -> list | None:
        from llama_index.core.schema import TextNode

        meta_file, vec_file = self.cache_dir / f"{key}.json", self.cache_dir / f"{key}.npy"
        if not (meta_file.exists() and vec_file.exists()):
            return None
        rows = json.loads(meta_file.read_text(encoding="utf-8"))
        vectors = np.load(vec_file)
        if len(rows) != len(vectors):
            return None
        return [TextNode(id_=r["id"], text=r["text"], metadata=r["metadata"], embedding=v.tolist(),
                         excluded_embed_metadata_keys=r.get("excluded", []), excluded_llm_metadata_keys=r.get("excluded", []))
                for r, v in zip(rows, vectors)]

    def _store(self, key: str, nodes: list) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        rows = [{"id": n.node_id, "text": n.get_content(), "metadata": n.metadata,
                 "excluded": list(n.excluded_embed_metadata_keys)} for n in nodes]
        vectors = np.asarray([n.embedding for n in nodes], dtype=np.float32) if nodes else np.zeros((0, 384), np.float32)
        tmp_json, tmp_npy = self.cache_dir / f"{key}.json.tmp", self.cache_dir / f"{key}.tmp.npy"
        tmp_json.write_text(json.dumps(rows), encoding="utf-8")
        with open(tmp_npy, "wb") as f:
            np.save(f, vectors)
        tmp_npy.replace(self.cache_dir / f"{key}.npy")
        tmp_json.replace(self.cache_dir / f"{key}.json")

    def _nodes(self):
        """Nodes with vectors for every document; cached per document, so indexes sharing files share work."""
        nodes, todo = [], []
        for path, doc_id in self.docs:
            key = self._cache_key(path, doc_id)
            cached = self._load_cached(key)
            if cached is None:
                todo.append((path, key))
            else:
                nodes.extend(cached)
        if todo:
            self.say(f"baseline: {len(self.docs) - len(todo)} documents cached, building {len(todo)}")
            built = self._build([p for p, _ in todo])
            for path, key in todo:
                mine = built.get(path, [])
                self._store(key, mine)
                nodes.extend(mine)
        else:
            self.say(f"baseline: all {len(self.docs)} documents cached ({len(nodes)} chunks)")
        return nodes

    def _build(self, paths: list[str]) -> dict[str, list]:
        from llama_index.core import SimpleDirectoryReader
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.core.schema import MetadataMode

        missing = [p for p in paths if not (self.corpus / p).is_file()]
        if missing:
            raise FileNotFoundError(f"baseline: {len(missing)} indexed documents are not under the corpus folder "
                                    f"{self.corpus} (first: {missing[0]}); pass --corpus")
        started = time.perf_counter()
        by_abs = {str(self.corpus / p): p for p in paths}

        def file_metadata(name: str) -> dict[str, Any]:
            return {"file_path": by_abs.get(name, Path(name).name), "file_name": Path(name).name}

        reader = SimpleDirectoryReader(input_files=[self.corpus / p for p in paths], file_metadata=file_metadata,
                                       file_extractor=_readers(), filename_as_id=True)
        documents = reader.load_data()
        self.say(f"baseline: read {len(documents)} pages/documents in {time.perf_counter() - started:.0f}s")
        nodes = SentenceSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP).get_nodes_from_documents(documents)
        texts = [n.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes]
        started = time.perf_counter()
        vectors = embed_texts(texts) if texts else np.zeros((0, 384), dtype=np.float32)
        self.say(f"baseline: embedded {len(nodes)} chunks in {time.perf_counter() - started:.0f}s")
        out: dict[str, list] = {}
        for n, v in zip(nodes, vectors):
            n.embedding = v.tolist()
            out.setdefault(n.metadata.get("file_path"), []).append(n)
        return out

    def retriever(self):
        if self._retriever is None:
            from llama_index.core import Settings, VectorStoreIndex

            configure_llama_index()  # MockLLM: nothing may call OpenAI
            Settings.llm = None
            embed = llama_embed_model()
            vindex = VectorStoreIndex(self._nodes(), embed_model=embed, show_progress=False)
            self._retriever = vindex.as_retriever(similarity_top_k=TOP_K)
        return self._retriever

    def retrieve(self, question: str) -> list[dict[str, Any]]:
        out = []
        for hit in self.retriever().retrieve(question):
            node = hit.node
            page = node.metadata.get("page_label")
            out.append({"doc": node.metadata.get("file_path"), "page": int(page) if page else None,
                        "text": node.get_content(), "score": hit.score})
        return out


def evaluate_baseline(index: Index, items: list[dict], corpus=None, cache_dir=None, progress=None, log=None) -> list[dict]:
    base = Baseline(index, corpus, cache_dir, log)
    base.retrieve("How do inspectors describe supervision of social workers?")  # warm, like ours
    scope = index_scope(index)
    paths = set(indexed_paths(index))
    records = []
    for n, item in enumerate(items, 1):
        if progress:
            progress(n, len(items), "baseline " + item["id"])
        rec = base_record(item)
        rec["skipped"] = skip_reason(item, scope, paths)
        if rec["skipped"]:
            records.append(rec)
            continue
        started = time.perf_counter()
        hits = base.retrieve(item["question"])
        rec["seconds"] = time.perf_counter() - started
        rec["refused"] = False
        ev = item.get("evidence") or []
        top = hits[0] if hits else None
        rec["answer"] = top["text"][:600] if top else ""
        if item["type"] in PASSAGE_TYPES:
            matches = [evidence_matches(ev, {h["doc"]}, h["text"]) for h in hits[:10]]
            rec.update(retrieval_scores(ev, matches))
            rec["retrieved"] = [{"doc": h["doc"], "page": h["page"], "score": round(h["score"] or 0, 4)} for h in hits[:10]]
        if item["type"] == "unanswerable":
            rec["answer_correct"] = False
        elif item["type"] == "fact":
            # Lenient: the expected value appears in the top chunk (there is no fact extraction).
            rec["answer_correct"] = bool(top) and M.normalise_fact(item.get("answer")) in M.normalise(top["text"])
        else:
            # The top chunk is the answer: right when it holds an expected snippet. (Token overlap with a
            # 1024-token chunk would be meaningless: half of any snippet's words occur in most chunks.)
            rec["answer_correct"] = bool(top) and bool(evidence_matches(ev, {top["doc"]}, top["text"]))
        precise = None
        if top and ev:
            precise = any(e["doc"] == top["doc"] and (top["page"] is None or e.get("page") == top["page"])
                          and M.snippet_in_text(e["snippet"], top["text"]) for e in ev)
        rec["citations"] = [] if not top else [{
            "n": 1, "doc": top["doc"], "page": top["page"], "paragraph": None, "quote": top["text"][:300] + "…",
            "valid": None, "problem": None, "precise": precise,
        }]
        records.append(rec)
    return records
