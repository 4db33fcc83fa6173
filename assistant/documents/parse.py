"""One file in, one indexed document out: metadata, cleaned pages and chunks."""
from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.chunking import chunk_blocks
from assistant.documents.boilerplate import NOT_EMBEDDED, worth_embedding
from assistant.documents.cleaning import clean_pages
from assistant.documents.loaders import LoadedDocument, load_document
from assistant.documents.reports import area_for_heading, extract_report_metadata
from assistant.documents.structure import parse_blocks
from assistant.domain import AREA_LABELS, AREAS

EMBED_MODEL_ID = "all-MiniLM-L6-v2"
CONTEXT_WORDS = 14


@dataclass
class ParsedDocument:
    doc: dict[str, Any]
    pages: list[str]
    chunks: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)  # indexed, but the user should know (unsearchable pages)


def file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def embed_key(context: str, text: str) -> str:
    """Embeddings are cached by model and exact input, so no text is ever embedded twice."""
    return hashlib.sha1(f"{EMBED_MODEL_ID}\n{context}\n{text}".encode()).hexdigest()


def parse_file(path: Path, rel_path: str, doc_id: str, max_tokens: int = 200, min_tokens: int = 40) -> ParsedDocument:
    loaded = load_document(path)
    pages = clean_pages(loaded.pages)
    info = _metadata(loaded, rel_path)
    kind = "report" if info.get("local_authority") and (info.get("inspection_start") or any(info["judgements"].values())) else "framework"
    title = _title(loaded, rel_path, kind, info)
    blocks = parse_blocks(pages, area_for_heading if kind == "report" else None)
    chunks = chunk_blocks(blocks, max_tokens=max_tokens, min_tokens=min_tokens)
    short = _short_title(kind, info, title)
    rows = []
    for i, c in enumerate(chunks):
        context = _context(short, c.section, c.area)
        grade = info["judgements"].get(c.area) if (kind == "report" and c.area) else None
        rows.append({
            "chunk_id": f"{doc_id[:16]}:{i:04d}",
            "doc_id": doc_id,
            "ord": i,
            "text": c.text,
            "context": context,
            "section": c.section,
            "area": c.area,
            "grade": grade,
            "paragraph": c.paragraph,
            "page_start": c.pages[0],
            "page_end": c.pages[-1],
            "segments": _json_segments(c.segments),
            "n_tokens": c.n_tokens,
            "embed_key": embed_key(context, c.text),
            "embedded": 0 if worth_embedding(c.text, c.n_tokens) else NOT_EMBEDDED,
        })
    doc = {
        "doc_id": doc_id,
        "path": rel_path,
        "title": title,
        "kind": kind,
        "format": loaded.format,
        "info": info if kind == "report" else {"judgements": dict.fromkeys(AREAS)},
        "parsed_at": time.time(),
    }
    if loaded.warnings:
        doc["info"]["notes"] = list(loaded.warnings)  # kept, so every later summary still says it
    return ParsedDocument(doc, pages, rows, list(loaded.warnings))


def _json_segments(segments: list[tuple[int, int, int]]) -> str:
    # Stored 1-based, like every page number a user sees.
    return json.dumps([[p + 1, s, e] for p, s, e in segments])


def _metadata(loaded: LoadedDocument, rel_path: str) -> dict[str, Any]:
    if loaded.format != "pdf":
        return {"judgements": dict.fromkeys(AREAS)}
    meta = extract_report_metadata(loaded.pages, rel_path)
    data = meta.model_dump(mode="json")
    data["judgements"] = {k: data.get("judgements", {}).get(k) for k in AREAS}
    return data


_BAD_TITLES = re.compile(r"microsoft|\.docx?$|^untitled|^document\d*$", re.I)


def _title(loaded: LoadedDocument, rel_path: str, kind: str, info: dict[str, Any]) -> str:
    if kind == "report":
        when = info.get("published") or info.get("inspection_end") or ""
        year = f" ({when})" if when else ""
        return f"{info['local_authority']} children's services inspection{year}"
    stem = Path(rel_path).stem.replace("-", " ").replace("_", " ").strip()
    from_name = stem[:1].upper() + stem[1:]
    title = re.sub(r"\s+-\s+GOV\.UK\s*$", "", loaded.title or "").strip()
    # Embedded PDF titles are often a draft's working name ("QS Stat Guidance (Consultation version...)"):
    # trust one only when it shares words with the file name.
    shared = set(re.findall(r"[a-z]{4,}", title.lower())) & set(re.findall(r"[a-z]{4,}", stem.lower()))
    if title and len(title) > 8 and not _BAD_TITLES.search(title) and (loaded.format == "html" or len(shared) >= 2):
        return title
    return from_name


def _context(short: str, section: str | None, area: str | None) -> str:
    """Where a passage comes from, in a few words: read by the embedder and by BM25 with the passage.

    Kept to CONTEXT_WORDS words so that context plus chunk stays inside the embedder's 256 word-pieces."""
    label = AREA_LABELS.get(area) if area else section
    words = f"{short}. {label}".split() if label else short.split()
    return " ".join(words[:CONTEXT_WORDS])


def _short_title(kind: str, info: dict[str, Any], title: str) -> str:
    if kind == "report":
        year = (info.get("published") or info.get("inspection_end") or "")[:4]
        return f"{info['local_authority']} {year} inspection".replace("  ", " ")
    return title
