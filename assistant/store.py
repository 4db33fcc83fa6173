"""The index's own state in one SQLite file: documents, their cleaned pages, chunks, file paths,
skipped files and the embedding cache. Chroma holds only vectors; BM25 is rebuilt from here."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from assistant.documents.boilerplate import REPEATED_SQL

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT, kind TEXT, format TEXT,
    info TEXT NOT NULL, pages INTEGER, chunks INTEGER, parsed_at REAL
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, doc_id TEXT, size INTEGER, mtime REAL, sha TEXT, skipped_reason TEXT
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT, page INTEGER, text TEXT, PRIMARY KEY (doc_id, page)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ord INTEGER, text TEXT NOT NULL, context TEXT,
    section TEXT, area TEXT, grade TEXT, paragraph TEXT, page_start INTEGER, page_end INTEGER,
    segments TEXT, n_tokens INTEGER, embed_key TEXT, embedded INTEGER DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS chunks_pending ON chunks(embedded);
CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL, question TEXT, answer TEXT, rating TEXT,
    comment TEXT, citations TEXT, filters TEXT, history TEXT
);
"""

CHUNK_COLUMNS = (
    "chunk_id", "doc_id", "ord", "text", "context", "section", "area", "grade", "paragraph",
    "page_start", "page_end", "segments", "n_tokens", "embed_key", "embedded",
)


def _on_read_only_storage(path: Path) -> bool:
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        pass
    return path.exists() and not os.access(folder, os.W_OK)


class Store:
    def __init__(self, path: Path, readonly: bool = False, read_only_fallback: bool = False):
        """`read_only_fallback`: for readers. An index on a read-only disk (a CD, a read-only share, a locked-down
        container) still answers; WAL mode needs a writable folder, so SQLite is told the file cannot change."""
        self.path = Path(path)
        self._local = threading.local()
        self.readonly = readonly
        self.immutable = False
        if readonly:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.connect() as db:
                db.executescript(SCHEMA)
                if "stamp" not in {r[1] for r in db.execute("PRAGMA table_info(files)")}:
                    db.execute("ALTER TABLE files ADD COLUMN stamp TEXT")  # indexes built before it existed
        except (sqlite3.OperationalError, OSError):
            if not (read_only_fallback and self.path.exists() and _on_read_only_storage(self.path)):
                raise
            self.close()
            self.readonly = self.immutable = True

    def connect(self) -> sqlite3.Connection:
        """One connection per thread: the chat server answers on several threads."""
        db = getattr(self._local, "db", None)
        if db is None:
            if self.readonly:
                mode = "immutable=1" if self.immutable else "mode=ro"
                db = sqlite3.connect(f"file:{self.path}?{mode}", uri=True, timeout=30, check_same_thread=False)
            else:
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                # WAL lets questions be answered while an ingest writes.
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # meta
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.connect().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.connect() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # files
    def files(self) -> dict[str, sqlite3.Row]:
        return {r["path"]: r for r in self.connect().execute("SELECT * FROM files")}

    def set_file(self, path: str, doc_id: str | None, size: int, mtime: float, sha: str, reason: str | None,
                 stamp: str | None = None) -> None:
        with self.connect() as db:
            db.execute("INSERT OR REPLACE INTO files (path, doc_id, size, mtime, sha, skipped_reason, stamp) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (path, doc_id, size, mtime, sha, reason, stamp))

    def remove_file(self, path: str) -> None:
        with self.connect() as db:
            db.execute("DELETE FROM files WHERE path=?", (path,))

    def skipped(self) -> list[dict[str, str]]:
        rows = self.connect().execute(
            "SELECT path, skipped_reason FROM files WHERE skipped_reason IS NOT NULL ORDER BY path"
        )
        return [{"path": r[0], "reason": r[1]} for r in rows]

    def merge_document(self, duplicate: str, keep: str) -> None:
        """Every file of `duplicate` now names `keep`; `duplicate` is then an orphan and leaves."""
        with self.connect() as db:
            db.execute("UPDATE files SET doc_id=? WHERE doc_id=?", (keep, duplicate))

    def repoint_documents(self) -> int:
        """A document whose recorded file is gone names another of its files; how many changed."""
        with self.connect() as db:
            cur = db.execute(
                "UPDATE documents SET path=(SELECT MIN(path) FROM files f WHERE f.doc_id=documents.doc_id) "
                "WHERE path NOT IN (SELECT path FROM files f WHERE f.doc_id=documents.doc_id) "
                "AND EXISTS (SELECT 1 FROM files f WHERE f.doc_id=documents.doc_id)")
            return cur.rowcount

    def page_texts(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.connect().execute("SELECT text FROM pages WHERE doc_id=? ORDER BY page", (doc_id,))]

    def orphan_documents(self) -> list[str]:
        rows = self.connect().execute(
            "SELECT doc_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM files WHERE doc_id IS NOT NULL)"
        )
        return [r[0] for r in rows]

    # documents
    def has_document(self, doc_id: str) -> bool:
        return self.connect().execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone() is not None

    def add_document(self, doc: dict[str, Any], pages: list[str], chunks: list[dict[str, Any]]) -> None:
        """All of one document in one transaction: a killed ingest never leaves half a document."""
        with self.connect() as db:
            self._delete_document(db, doc["doc_id"])
            db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc["doc_id"], doc["path"], doc["title"], doc["kind"], doc["format"], json.dumps(doc["info"]),
                 len(pages), len(chunks), doc["parsed_at"]),
            )
            db.executemany("INSERT INTO pages VALUES (?, ?, ?)", [(doc["doc_id"], i + 1, t) for i, t in enumerate(pages)])
            db.executemany(
                f"INSERT INTO chunks ({', '.join(CHUNK_COLUMNS)}) VALUES ({', '.join('?' * len(CHUNK_COLUMNS))})",
                [tuple(c.get(k) for k in CHUNK_COLUMNS) for c in chunks],
            )

    def delete_document(self, doc_id: str) -> None:
        with self.connect() as db:
            self._delete_document(db, doc_id)

    @staticmethod
    def _delete_document(db: sqlite3.Connection, doc_id: str) -> None:
        db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
        db.execute("DELETE FROM pages WHERE doc_id=?", (doc_id,))
        db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    def documents(self) -> list[dict[str, Any]]:
        rows = self.connect().execute("SELECT * FROM documents ORDER BY path").fetchall()
        return [self._document(r) for r in rows]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = self.connect().execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return self._document(row) if row else None

    @staticmethod
    def _document(row: sqlite3.Row) -> dict[str, Any]:
        out = dict(row)
        out["info"] = json.loads(out["info"])
        return out

    def page_text(self, doc_id: str, page: int) -> str | None:
        row = self.connect().execute("SELECT text FROM pages WHERE doc_id=? AND page=?", (doc_id, page)).fetchone()
        return row[0] if row else None

    # chunks
    def chunks_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = list(ids)
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            rows = self.connect().execute(
                f"SELECT * FROM chunks WHERE chunk_id IN ({', '.join('?' * len(part))})", part
            )
            for r in rows:
                d = dict(r)
                d["segments"] = json.loads(d["segments"])
                out[d["chunk_id"]] = d
        return out

    def chunks_of(self, doc_id: str) -> list[dict[str, Any]]:
        """A document's chunks in reading order."""
        rows = self.connect().execute("SELECT * FROM chunks WHERE doc_id=? ORDER BY ord", (doc_id,))
        out = []
        for r in rows:
            d = dict(r)
            d["segments"] = json.loads(d["segments"])
            out.append(d)
        return out

    def all_chunk_rows(self, columns: str = "chunk_id, doc_id, text, context") -> list[sqlite3.Row]:
        return self.connect().execute(f"SELECT {columns} FROM chunks ORDER BY doc_id, ord").fetchall()

    def pending_chunks(self, limit: int, order: list[str] | None = None) -> list[sqlite3.Row]:
        """Up to `limit` passages without a vector: those of the documents in `order` first, in that order
        (documents found to have none left are popped off it), then any others."""
        columns = "SELECT chunk_id, doc_id, text, context, embed_key, area, grade FROM chunks WHERE embedded=0"
        db = self.connect()
        rows: list[sqlite3.Row] = []
        while order and len(rows) < limit:
            want = limit - len(rows)
            got = db.execute(f"{columns} AND doc_id=? ORDER BY ord LIMIT ?", (order[0], want)).fetchall()
            rows += got
            if len(got) < want:
                order.pop(0)
        if rows:
            return rows
        return db.execute(f"{columns} ORDER BY doc_id, ord LIMIT ?", (limit,)).fetchall()

    def parser_versions(self, default: str | None) -> dict[str, str | None]:
        """doc_id -> the parser version that produced it (`default` for documents stored before it was kept)."""
        return {r[0]: json.loads(r[1]).get("parser", default)
                for r in self.connect().execute("SELECT doc_id, info FROM documents")}

    def count(self, sql: str, args: tuple = ()) -> int:
        return int(self.connect().execute(sql, args).fetchone()[0])

    def skip_repeated_passages(self) -> None:
        with self.connect() as db:
            db.execute(REPEATED_SQL)

    def mark_embedded(self, chunk_ids: list[str]) -> None:
        with self.connect() as db:
            db.executemany("UPDATE chunks SET embedded=1 WHERE chunk_id=?", [(c,) for c in chunk_ids])

    # embedding cache
    def cached_vectors(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            rows = self.connect().execute(
                f"SELECT key, vector FROM embeddings WHERE key IN ({', '.join('?' * len(part))})", part
            )
            for key, blob in rows:
                out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def cache_vectors(self, items: dict[str, np.ndarray]) -> None:
        with self.connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    # feedback
    def add_feedback(self, record: dict[str, Any]) -> int:
        with self.connect() as db:
            cur = db.execute(
                "INSERT INTO feedback (created, question, answer, rating, comment, citations, filters, history) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record["created"], record["question"], record.get("answer"), record["rating"], record.get("comment"),
                 json.dumps(record.get("citations", [])), json.dumps(record.get("filters", {})),
                 json.dumps(record.get("history", []))),
            )
            return int(cur.lastrowid)

    def feedback(self) -> list[dict[str, Any]]:
        rows = self.connect().execute("SELECT * FROM feedback ORDER BY id").fetchall()
        out = []
        for r in rows:
            d = dict(r)
            for key in ("citations", "filters", "history"):
                d[key] = json.loads(d[key]) if d[key] else ([] if key != "filters" else {})
            out.append(d)
        return out
