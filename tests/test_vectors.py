"""The Chroma collection's search settings (assistant/vectors.py)."""
from __future__ import annotations

import gc

import numpy as np


def test_collections_search_wide_enough_new_and_old(tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.config import Settings
    from assistant.vectors import COLLECTION_PREFIX, forget_embedded_clients, open_collection

    wanted = Settings().chroma_ef_search
    assert open_collection(tmp_path / "new", "fresh", ef_search=wanted).configuration_json["hnsw"]["ef_search"] == wanted
    # An index built before the setting existed has Chroma's default (100): opening it widens the search.
    client = chromadb.PersistentClient(path=str(tmp_path / "old" / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    old = client.create_collection(COLLECTION_PREFIX + "old", metadata={"hnsw:space": "cosine"}, embedding_function=None)
    old.add(ids=["a", "b"], embeddings=np.eye(2, 384).tolist())
    assert old.configuration_json["hnsw"]["ef_search"] == 100
    # As when the index is opened by a later process: the old client is gone (its connection could still
    # hold the database's write lock on a busy machine).
    del old, client
    gc.collect()
    forget_embedded_clients()
    reopened = open_collection(tmp_path / "old", "old", ef_search=wanted)
    assert reopened.configuration_json["hnsw"]["ef_search"] == wanted
    assert reopened.query(query_embeddings=[np.eye(1, 384)[0].tolist()], n_results=1)["ids"] == [["a"]]
