"""Dense vectors in Chroma: embedded PersistentClient under the index folder, or a `chroma run` server."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

COLLECTION_PREFIX = "ofsted_chunks_"
log = logging.getLogger(__name__)


def open_client(index_dir: Path, chroma_url: str | None = None):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        if not url.hostname:
            raise ValueError(f"not a Chroma server URL: {chroma_url!r} (expected http://host:port)")
        return chromadb.HttpClient(
            host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https", settings=settings
        )
    return chromadb.PersistentClient(path=str(Path(index_dir) / "chroma"), settings=settings)


def forget_embedded_clients() -> None:
    """chromadb keeps one System per path in each process, and its vector segment reads the files once: vectors
    another process adds afterwards are invisible, and every filtered search fails with 'Error finding id'
    (chromadb 1.5.9). Dropping the cached Systems makes the next client read the files again; clients already
    handed out keep working on what they had."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def open_collection(index_dir: Path, index_id: str, chroma_url: str | None = None, *, ef_search: int):
    """The index's collection, searching with HNSW breadth `ef_search` (Settings.chroma_ef_search)."""
    client = open_client(index_dir, chroma_url)
    # embedding_function=None: we always pass our own vectors; Chroma's default would download a model.
    collection = client.get_or_create_collection(
        COLLECTION_PREFIX + index_id, embedding_function=None,
        configuration={"hnsw": {"space": "cosine", "ef_search": ef_search}},
    )
    hnsw = (collection.configuration_json or {}).get("hnsw") or {}
    if hnsw.get("ef_search") != ef_search:
        # A collection made before the setting (or with another value): ef_search can change in place.
        try:
            collection.modify(configuration={"hnsw": {"ef_search": ef_search}})
        except Exception as exc:  # a read-only index keeps searching with what it has
            log.warning("could not set Chroma's ef_search to %s: %s", ef_search, exc)
    return collection


def chroma_metadata(chunk: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """Flat, non-null metadata that Chroma can filter on."""
    info = doc["info"]
    year = (info.get("published") or info.get("inspection_end") or info.get("inspection_start") or "")[:4]
    return {
        "doc_id": chunk["doc_id"],
        "kind": doc["kind"],
        "local_authority": info.get("local_authority") or "",
        "year": int(year) if year.isdigit() else 0,
        "area": chunk.get("area") or "",
        "grade": chunk.get("grade") or ((info.get("judgements") or {}).get("overall_effectiveness") or ""),
        "framework": info.get("framework") or "",
    }
