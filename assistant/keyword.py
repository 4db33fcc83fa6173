"""The BM25 keyword index beside Chroma (llama-index's BM25Retriever over bm25s).

Council names and practitioners' abbreviations decide retrieval on this corpus, and plain BM25 beats
dense search here, so keyword search is never optional.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np

from assistant.store import Store

BM25_DIR = "bm25"
IDS_FILE = "chunk_ids.json"
VOCABULARY_FILE = "vocabulary.json"  # word -> how many passages use it, for spelling suggestions
_VOCABULARY_WORD = re.compile(r"[a-z]{4,}")
# Keep tokens such as "s20", "s47", "16-" parts and "CP": words of 2+ word characters.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"


def vocabulary(texts) -> dict[str, int]:
    """Lower-case words of four or more letters -> the number of passages using them."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(set(_VOCABULARY_WORD.findall(text.lower())))
    return dict(counts)


def bm25_text(context: str | None, text: str) -> str:
    return f"{context}\n{text}" if context else text


def build(store: Store, index_dir: Path) -> int:
    """Rebuild the keyword index from every stored chunk and swap it in atomically."""
    from llama_index.core.schema import TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    rows = store.all_chunk_rows()
    target = Path(index_dir) / BM25_DIR
    fresh = Path(index_dir) / (BM25_DIR + ".new")
    old = Path(index_dir) / (BM25_DIR + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    if not rows:
        shutil.rmtree(target, ignore_errors=True)
        return 0
    # Nodes carry only their id: the text and metadata live in SQLite, so the persisted corpus stays small.
    nodes = [TextNode(id_=r["chunk_id"], text=bm25_text(r["context"], r["text"])) for r in rows]
    retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=10, token_pattern=TOKEN_PATTERN)
    fresh.mkdir(parents=True)
    # Only the BM25 matrices are saved: the retriever's own persisted corpus would hold every node's full
    # text again, and the chunk ids in order are all a search needs to find its rows in SQLite.
    retriever.bm25.save(str(fresh))
    (fresh / IDS_FILE).write_text(json.dumps([r["chunk_id"] for r in rows]))
    (fresh / VOCABULARY_FILE).write_text(json.dumps(vocabulary(r["text"] for r in rows)))
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
    return len(rows)


class KeywordIndex:
    def __init__(self, index_dir: Path):
        import bm25s

        folder = Path(index_dir) / BM25_DIR
        if not folder.exists() and (Path(index_dir) / (BM25_DIR + ".old")).exists():
            folder = Path(index_dir) / (BM25_DIR + ".old")  # killed mid-swap: the previous index is whole
        self.folder = folder
        self.chunk_ids: list[str] = json.loads((folder / IDS_FILE).read_text())
        self.bm25 = bm25s.BM25.load(str(folder), load_corpus=False)
        self.mtime = (folder / IDS_FILE).stat().st_mtime
        self._retriever = None

    def idf(self, token: str) -> float:
        """BM25 idf of a stemmed token; a word the corpus never uses gets the highest weight."""
        n = int(self.bm25.scores["num_docs"])
        tid = self.bm25.vocab_dict.get(token)
        df = 0 if tid is None else int(self.bm25.scores["indptr"][tid + 1] - self.bm25.scores["indptr"][tid])
        return math.log((n - df + 0.5) / (df + 0.5) + 1)

    def absent_idf(self) -> float:
        """The idf of a word no passage uses: the highest there is."""
        return self.idf("\u0000absent")

    def indexed(self, token: str) -> bool:
        """Whether any passage uses this stemmed token."""
        return self.idf(token) < self.absent_idf()

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk_id, score) best first; mask (0/1 per chunk) restricts which chunks may match."""
        from llama_index.retrievers.bm25 import BM25Retriever

        n = len(self.chunk_ids)
        if n == 0 or (mask is not None and not mask.any()):
            return []
        k = min(k, n if mask is None else int(mask.sum()))
        if self._retriever is None:
            self._retriever = BM25Retriever(existing_bm25=self.bm25, similarity_top_k=10, token_pattern=TOKEN_PATTERN)
        retriever = self._retriever
        try:
            # The retriever's own _retrieve rebuilds nodes from a stored corpus; we keep only ids, so we call
            # its bm25s model with the retriever's tokenisation and a per-query mask for the filters.
            results = retriever.bm25.retrieve(
                _tokenize(retriever, query), k=k, show_progress=False, n_threads=1,
                weight_mask=mask.astype(np.float32) if mask is not None else None,
            )
        except ValueError:  # the query had no indexable words
            return []
        indexes, scores = results
        out = []
        for idx, score in zip(indexes[0], scores[0]):
            if score <= 0:
                continue
            out.append((self.chunk_ids[int(idx)], float(score)))
        return out


def _tokenize(retriever, query: str):
    import bm25s

    return bm25s.tokenize(query, stemmer=retriever.stemmer, token_pattern=TOKEN_PATTERN, show_progress=False,
                          stopwords="en")
