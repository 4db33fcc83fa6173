"""Build or update an index folder from a corpus folder.

Order matters for a first-time user. First wave: each council's latest report and the framework documents
are parsed and the keyword index is written, so the page answers from them within a minute or so. Second
wave: the earlier reports, newest first, with the keyword index rebuilt every `keyword_refresh_seconds` so
they become answerable as they arrive. Then dense vectors in the same order (latest reports first, then
older ones newest first), batch by batch; retrieval uses them for whatever already has them. Each step
commits on its own, so a killed ingest leaves an index that opens and answers, and the next run finishes
the rest. What is still to come is written to the index (meta "queue") for the page and `documents`.
"""
from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from assistant import keyword
from assistant.config import Settings
from assistant.documents.boilerplate import NOT_EMBEDDED
from assistant.documents.corpus import discover
from assistant.documents.loaders import Unusable
from assistant.documents.parse import file_sha, parse_file
from assistant.embedding import embed_texts, embedding_input
from assistant.index import STATE_FILE, index_id
from assistant.locking import ingest_lock
from assistant.models import IngestSummary, Skipped
from assistant.store import Store
from assistant.vectors import chroma_metadata, open_collection

Progress = Callable[[str, int, int], None]  # (phase, done, total)
# Bump when parsing or chunking changes what is stored: the next ingest then re-parses every file.
PARSER_VERSION = "14"
log = logging.getLogger(__name__)


class CorpusShrank(Exception):
    """The corpus has lost most of its indexed files (unmounted, emptied, the wrong folder): nothing changed."""


@dataclass
class _Run:
    parsed: int = 0
    removed: int = 0
    embedded: int = 0
    reused: int = 0
    changed: bool = False
    timings: dict = field(default_factory=dict)
    reparsed: set = field(default_factory=set)  # shas parsed by this run (a second copy needs no second parse)
    vectors_removed: int = 0


def ingest(
    corpus: Path,
    index_dir: Path,
    all_reports: bool | None = None,
    settings: Settings | None = None,
    chroma_url: str | None = None,
    embed: bool = True,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
    prune: bool = False,
    first_wave_only: bool = False,
) -> IngestSummary:
    """`all_reports`: every report (True), each council's latest only (False), or what this index was built
    with (None; an index made before the whole history became the default is widened to it).
    `prune`: remove the documents of missing files even when most of the indexed files are missing
    (refused otherwise with CorpusShrank, before anything is changed).
    `first_wave_only`: stop once the latest reports and frameworks are keyword-indexed (scripts/start.sh opens
    the page then and runs the rest in the background)."""
    settings = settings or Settings()
    started = time.perf_counter()
    corpus, index_dir = Path(corpus), Path(index_dir)
    say = log or (lambda message: None)
    tick = progress or (lambda phase, done, total: None)
    with ingest_lock(index_dir), _write_errors():
        store = Store(index_dir / STATE_FILE)
        _check_writable(index_dir)
        if all_reports is None:
            all_reports = store.get_meta("scope") != LATEST_ONLY
        found = discover(corpus, all_reports)
        if not prune:
            _check_shrink(store, corpus, found, settings)
        store.set_meta("scope", "all" if all_reports else LATEST_ONLY)
        # Remembered so the chat page can offer the original files without being told where they are.
        store.set_meta("corpus", str(corpus.resolve()))
        if chroma_url is not None:
            store.set_meta("chroma_url", chroma_url)
        chroma_url = store.get_meta("chroma_url") or None
        run = _Run()
        clock = time.perf_counter
        if found.superseded:
            say(f"{found.superseded} earlier reports left out (--latest-only); `ingest --all` indexes every report")
        parser_changed = store.get_meta("parser_version") != PARSER_VERSION
        first = set(map(str, found.first))
        _write_queue(store, corpus, found)
        t0 = clock()
        _sync_files(store, corpus, found, run, settings, tick, say, only=first, parser_changed=parser_changed)
        t1 = clock()
        if run.changed or _keyword_stale(store, index_dir):
            _build_keyword(store, index_dir)
        t2 = clock()
        run.timings.update(parse_first=t1 - t0, keyword_first_ready=t2 - started)
        if all_reports and not first_wave_only and found.older:
            last_build = [clock()]

            def refresh(remaining: int) -> None:
                # Older reports become answerable as they arrive, not only when the last one is parsed.
                if remaining and clock() - last_build[0] >= settings.keyword_refresh_seconds:
                    _build_keyword(store, index_dir)
                    _write_queue(store, corpus, found)
                    last_build[0] = clock()

            changed_before, run.changed = run.changed, False
            _sync_files(store, corpus, found, run, settings, tick, say, only=set(map(str, found.older)),
                        parser_changed=parser_changed, order=[str(p) for p in found.older], refresh=refresh)
            if run.changed or _keyword_stale(store, index_dir):
                _build_keyword(store, index_dir)
            run.changed = run.changed or changed_before
        if not first_wave_only:
            store.set_meta("parser_version", PARSER_VERSION)  # skipped files are retried after a parser change
            _write_queue(store, corpus, found)
        t3 = clock()
        run.timings.update(parse=(t1 - t0) + (t3 - t2), keyword=t2 - t1, keyword_ready=t3 - started)
        if embed and not first_wave_only:
            _embed_pending(store, index_dir, chroma_url, settings, run, tick, _embedding_order(store, found))
            vectors = store.count("SELECT COUNT(*) FROM chunks WHERE embedded=1")
            if run.vectors_removed and run.vectors_removed >= settings.rebuild_vectors_share * vectors:
                say(f"{run.vectors_removed:,} vectors were replaced: rebuilding the vector collection (no embedding)")
                _rebuild_collection(store, index_dir, chroma_url, settings, tick)
                run.timings["rebuild"] = clock() - t3
        run.timings["embed"] = clock() - t3
        return _summary(store, run, time.perf_counter() - started)


LATEST_ONLY = "latest-only"  # the stored scope of an index built with --latest-only ("all" otherwise)
QUEUE = "queue"  # meta: the corpus's reports not indexed yet, newest first (see Index.coverage)


def _build_keyword(store: Store, index_dir: Path) -> None:
    keyword.build(store, index_dir)
    store.set_meta("generation", str(time.time()))


def _write_queue(store: Store, corpus: Path, found) -> None:
    """The reports in the corpus that are not (yet) indexed, newest first, for the page's "in the corpus but
    not indexed" messages: the ones an ingest has still to parse, or with --latest-only the ones left out on
    purpose (`left_out`); with the seconds their parsing should take on this machine."""
    files = store.files()
    waiting = [str(p) for p in found.older if not (files.get(str(p)) and files[str(p)]["doc_id"])
               and not (files.get(str(p)) and files[str(p)]["skipped_reason"])]
    size = 0
    for path in waiting:
        try:
            size += (corpus / path).stat().st_size
        except OSError:
            pass
    store.set_meta(QUEUE, json.dumps({
        "paths": waiting, "left_out": found.superseded > 0, "updated": time.time(),
        "parse_seconds": round(size / 1e6 * _parse_rate(store))}))


# Seconds of parsing per MB of file on 2 cores, until this machine has timed a run (bench.ingest; PDF size
# tracks parse time better than a page count, as the 2013-17 reports run to 41 pages and more).
DEFAULT_PARSE_SECONDS_PER_MB = 1.0


def _parse_rate(store: Store) -> float:
    try:
        return float(store.get_meta("parse_seconds_per_mb") or DEFAULT_PARSE_SECONDS_PER_MB)
    except ValueError:
        return DEFAULT_PARSE_SECONDS_PER_MB


def _embedding_order(store: Store, found) -> list[str]:
    """Document ids in the order their passages get vectors: the first wave, then older reports newest first."""
    files = store.files()
    seen: set[str] = set()
    out = []
    for rel in [*found.first, *found.older]:
        row = files.get(str(rel))
        if row and row["doc_id"] and row["doc_id"] not in seen:
            seen.add(row["doc_id"])
            out.append(row["doc_id"])
    return out


def _check_writable(index_dir: Path) -> None:
    probe = index_dir / ".write-test"
    try:
        probe.write_bytes(b"x")
        probe.unlink()
    except OSError as exc:
        raise PermissionError(f"the index folder {index_dir} cannot be written ({exc.strerror}); nothing was changed") from exc


_SQLITE_WRITE_ERRORS = (("full", errno.ENOSPC), ("readonly", errno.EROFS), ("read-only", errno.EROFS),
                        ("disk i/o", errno.EIO), ("unable to open", errno.EIO))


@contextmanager
def _write_errors():
    """A full disk or read-only file reaches us as sqlite3.OperationalError or a Chroma InternalError; raise
    it as one OSError with the reason, so the CLI prints one line instead of a traceback. Each document and
    each vector batch commits on its own, so everything written before the failure stays."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        code = next((c for word, c in _SQLITE_WRITE_ERRORS if word in str(exc).lower()), None)
        if code is None:
            raise
        raise OSError(code, f"{os.strerror(code)} ({exc})") from exc
    except Exception as exc:
        if not type(exc).__module__.startswith("chromadb") or isinstance(exc, OSError):
            raise
        code = next((c for word, c in _SQLITE_WRITE_ERRORS if word in str(exc).lower()), errno.EIO)
        raise OSError(code, f"the vector store failed ({str(exc)[:200]})") from exc


def _kept_paths(known, found) -> set[str]:
    """Known paths inside folders that could not be listed: kept as they are."""
    folders = [str(rel) for rel, _ in found.unreadable]
    return {p for p in known if any(p.startswith(f + "/") for f in folders)}


def _check_shrink(store: Store, corpus: Path, found, settings: Settings) -> None:
    """An unmounted share or an emptied folder looks exactly like a corpus whose files were all deleted;
    removing most of the index on that evidence alone needs the user's say-so (--prune)."""
    known = {p: r for p, r in store.files().items() if r["doc_id"]}
    if not known:
        return
    listed = {str(p) for p in found.files} | _kept_paths(known, found)
    missing = [p for p in known if p not in listed and not (corpus / p).exists()]
    if len(missing) > settings.prune_guard * len(known):
        raise CorpusShrank(
            f"{len(missing)} of the {len(known)} indexed files are missing from {corpus} (an unmounted or wrong "
            "folder?); nothing was changed. Pass --prune to remove them from the index.")


def _keyword_stale(store: Store, index_dir: Path) -> bool:
    """True when the keyword index does not list exactly the stored chunks: a run stopped (killed, disk full)
    after committing documents but before the new keyword index was swapped in. Nothing on disk looks
    changed then, so without this check the keyword index would stay behind for good."""
    try:
        listed = json.loads((index_dir / keyword.BM25_DIR / keyword.IDS_FILE).read_text())
    except (OSError, ValueError):
        return store.count("SELECT COUNT(*) FROM chunks") > 0
    return listed != [r[0] for r in store.all_chunk_rows("chunk_id")]


def _sync_files(store: Store, corpus: Path, found, run: _Run, settings: Settings, tick: Progress, say,
                only: set[str], parser_changed: bool, order: list[str] | None = None,
                refresh: Callable[[int], None] | None = None) -> None:
    """Bring the files in `only` (parsed in `order` when given) up to date; removals cover the whole corpus."""
    known = store.files()
    versions = store.parser_versions(store.get_meta("parser_version"))

    def current(doc_id) -> bool:
        # Per document, so a run killed half-way through a re-parse resumes instead of starting over.
        return bool(doc_id) and versions.get(doc_id) == PARSER_VERSION

    def settled(row) -> bool:
        return bool(row["skipped_reason"]) and not parser_changed or current(row["doc_id"])

    current_paths = {str(p) for p in found.files} | _kept_paths(known, found)
    for rel, reason in [*found.unsupported, *found.unreadable]:
        store.set_file(str(rel), None, 0, 0.0, "", reason)
        current_paths.add(str(rel))
    # Removed files leave the index; a document goes when no path points at it any more.
    for path in set(known) - current_paths:
        store.remove_file(path)
        run.changed = True
    todo = []
    rank = {p: i for i, p in enumerate(order or [])}
    for rel in sorted((f for f in found.files if str(f) in only), key=lambda f: rank.get(str(f), -1)):
        full = corpus / rel
        row = known.get(str(rel))
        try:
            stat = full.stat()
        except OSError as exc:
            # A file that exists but cannot be read now keeps its indexed document; size 0 retries it next time.
            store.set_file(str(rel), row["doc_id"] if row else None, 0, 0.0, "", _unreadable(exc, row))
            continue
        if stat.st_size > settings.max_document_mb * 1024 * 1024:
            # Checked before reading a byte: a 50 MB HTML page took minutes, gigabytes and 61,114 passages.
            store.set_file(str(rel), None, stat.st_size, stat.st_mtime, "",
                           f"too large: {stat.st_size / 1024 / 1024:.0f} MB, over the {settings.max_document_mb:g} MB "
                           "limit (OFSTED_MAX_DOCUMENT_MB)", file_stamp(stat))
            continue
        if row and row["size"] == stat.st_size and row["mtime"] == stat.st_mtime and (
            row["stamp"] == file_stamp(stat)
        ) and settled(row):
            continue  # unchanged since the last ingest: no hashing, parsing or embedding
        todo.append((rel, full, stat))
    # Hash first (cheap), so a document already indexed under another name is recognised without parsing.
    jobs: dict[str, list] = {}
    for rel, full, stat in todo:
        try:
            sha = file_sha(full)
        except OSError as exc:
            row = known.get(str(rel))
            store.set_file(str(rel), row["doc_id"] if row else None, 0, 0.0, "", _unreadable(exc, row))
            continue
        row = known.get(str(rel))
        if row and row["sha"] == sha and settled(row):
            # Only the stamp moved (a copy, a restore, a touch): the same bytes need no parsing.
            store.set_file(str(rel), row["doc_id"], stat.st_size, stat.st_mtime, sha, row["skipped_reason"],
                           file_stamp(stat))
            continue
        if sha not in jobs and (current(sha) or sha in run.reparsed):
            store.set_file(str(rel), sha, stat.st_size, stat.st_mtime, sha, None, file_stamp(stat))  # another name
            run.changed = True
            continue
        jobs.setdefault(sha, []).append((rel, full, stat))
        run.reparsed.add(sha)
    done = size = 0
    began = time.perf_counter()
    for sha, outcome in _parse_all(jobs, settings):
        done += 1
        tick("parse", done, len(jobs))
        copies = jobs[sha]
        if isinstance(outcome, str):
            for rel, _, stat in copies:
                store.set_file(str(rel), None, stat.st_size, stat.st_mtime, sha, outcome, file_stamp(stat))
                say(f"skipped {rel}: {outcome}")
            continue
        if store.has_document(sha):  # re-parsed by a new parser version: its old vectors go first
            run.vectors_removed += _remove_vectors(store, [sha], settings)
        outcome.doc["info"]["parser"] = PARSER_VERSION
        store.add_document(outcome.doc, outcome.pages, outcome.chunks)
        for rel, _, stat in copies:
            store.set_file(str(rel), sha, stat.st_size, stat.st_mtime, sha, None, file_stamp(stat))
        for warning in outcome.warnings:
            say(f"note {copies[0][0]}: {warning}")
        run.parsed += 1
        run.changed = True
        size += copies[0][2].st_size
        if refresh is not None:
            refresh(len(jobs) - done)
    if size >= 20e6:  # enough to time: the estimate the page gives for reports still to come
        store.set_meta("parse_seconds_per_mb", f"{(time.perf_counter() - began) / (size / 1e6):.3f}")
    if _merge_copies(store):
        run.changed = True
    orphans = store.orphan_documents()
    if orphans:
        run.vectors_removed += _remove_vectors(store, orphans, settings)
        for doc_id in orphans:
            store.delete_document(doc_id)
        run.removed += len(orphans)
        run.changed = True
    if store.repoint_documents():
        run.changed = True


def _merge_copies(store: Store) -> int:
    """One report saved twice with different bytes (re-downloaded, re-saved, metadata changed) is one
    document: same kind, title, council, dates and page count, and the same text on every page. Otherwise
    it would be quoted twice and counted as two reports. Returns how many documents were merged away."""
    groups: dict[tuple, list[dict]] = {}
    for doc in store.documents():
        info = doc["info"]
        key = (doc["kind"], doc["title"], doc["pages"], info.get("local_authority"), info.get("published"),
               info.get("inspection_start"), info.get("inspection_end"))
        groups.setdefault(key, []).append(doc)
    merged = 0
    for docs in groups.values():
        if len(docs) < 2:
            continue
        kept: list[tuple[list[str], str]] = []
        for doc in sorted(docs, key=lambda d: (d["parsed_at"] or 0, d["path"])):  # the first indexed stays
            pages = store.page_texts(doc["doc_id"])
            same = next((keep for texts, keep in kept if texts == pages), None)
            if same is None:
                kept.append((pages, doc["doc_id"]))
            else:
                store.merge_document(doc["doc_id"], same)
                merged += 1
    return merged


def file_stamp(stat: os.stat_result) -> str:
    """Inode and change time: an edit that keeps size and modification time (`touch -r`, a tool restoring
    mtime, a same-length fix) still moves ctime, which no program can set back. A differing stamp only costs
    a hash; the file is parsed again only when its bytes changed."""
    return f"{stat.st_ino}:{stat.st_ctime_ns}"


def _unreadable(exc: OSError, row) -> str:
    kept = "; the indexed copy is kept" if row is not None and row["doc_id"] else ""
    return f"cannot be read: {exc.strerror or exc}{kept}"


def parse_job(full: Path, rel: str, sha: str, max_tokens: int, min_tokens: int):
    """One document, in a worker process: a ParsedDocument, or the reason it cannot be used."""
    try:
        parsed = parse_file(full, rel, sha, max_tokens, min_tokens)
    except Unusable as exc:
        return str(exc)
    except Exception as exc:  # one bad document must never stop the rest
        return f"could not be parsed: {type(exc).__name__}: {str(exc)[:160]}"
    return parsed if parsed.chunks else "no text found to index"


def _parse_all(jobs: dict[str, list], settings: Settings):
    """(sha, outcome) as documents finish; parsing is CPU-bound pure Python, so it runs on every core."""
    args = [(copies[0][1], str(copies[0][0]), sha, settings.chunk_max_tokens, settings.chunk_min_tokens)
            for sha, copies in jobs.items()]
    workers = min(settings.parse_workers, len(args))
    if workers <= 1:
        for a in args:
            yield a[2], parse_job(*a)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn, not fork: a forked worker would inherit the ingest lock's file descriptor and keep the index
    # locked after the ingest itself was killed; it also avoids forking a process that may hold threads.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(parse_job, *a): a[2] for a in args}
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except Exception as exc:  # a worker that died (memory, a crash in a C library)
                yield futures[future], f"could not be parsed: worker failed: {type(exc).__name__}"


def _remove_vectors(store: Store, doc_ids: list[str], settings: Settings) -> int:
    """Delete the documents' vectors from Chroma; how many there were."""
    had = store.count("SELECT COUNT(*) FROM chunks WHERE embedded=1 AND doc_id IN (%s)" % ",".join("?" * len(doc_ids)),
                      tuple(doc_ids))
    if not had:
        return 0
    collection = open_collection(store.path.parent, index_id(store), store.get_meta("chroma_url") or None,
                                 ef_search=settings.chroma_ef_search)
    for start in range(0, len(doc_ids), 100):
        collection.delete(where={"doc_id": {"$in": doc_ids[start:start + 100]}})
    return had


def _rebuild_collection(store: Store, index_dir: Path, chroma_url: str | None, settings: Settings, tick: Progress) -> None:
    """A fresh Chroma collection from the stored vectors (no embedding), swapped in by renaming the index's
    collection id: after many deletions and re-insertions Chroma's HNSW graph finds fewer true neighbours
    (the full history after a parser change: R@5 0.604 -> 0.583 on the same texts; a rebuild restored it).
    Readers reopen on the generation stamp; the old collection is dropped last."""
    import uuid

    from assistant.vectors import COLLECTION_PREFIX, open_client

    old_id, new_id = index_id(store), uuid.uuid4().hex[:12]
    collection = open_collection(index_dir, new_id, chroma_url, ef_search=settings.chroma_ef_search)
    docs = {d["doc_id"]: d for d in store.documents()}
    rows = store.connect().execute(
        "SELECT chunk_id, doc_id, text, context, embed_key, area, grade FROM chunks WHERE embedded=1 "
        "ORDER BY doc_id, ord").fetchall()
    for start in range(0, len(rows), 1000):
        part = rows[start:start + 1000]
        vectors, _ = vectors_for(store, part, settings.embed_batch)
        upsert_rows(collection, part, vectors, docs)
        tick("rebuild", start + len(part), len(rows))
    store.set_meta("index_id", new_id)
    store.set_meta("generation", str(time.time()))
    try:
        open_client(index_dir, chroma_url).delete_collection(COLLECTION_PREFIX + old_id)
    except Exception as exc:  # noqa: BLE001 - a leftover collection wastes disk, nothing else
        log.warning("could not drop the replaced vector collection %s: %s", old_id, exc)


def vectors_for(store: Store, rows, batch_size: int = 32, timings: dict | None = None) -> tuple[dict, int]:
    """Each row's vector by embed_key, from the cache or embedded now (and cached); and how many were embedded.
    `timings["model"]` accumulates the seconds spent in the model alone."""
    cached = store.cached_vectors([r["embed_key"] for r in rows])
    missing = [r for r in rows if r["embed_key"] not in cached]
    if missing:
        t = time.perf_counter()
        vectors = embed_texts([embedding_input(r["context"], r["text"]) for r in missing], batch_size)
        if timings is not None:
            timings["model"] = timings.get("model", 0.0) + time.perf_counter() - t
        fresh = {r["embed_key"]: v for r, v in zip(missing, vectors)}
        store.cache_vectors(fresh)
        cached.update(fresh)
    return cached, len(missing)


def upsert_rows(collection, rows, vectors: dict, docs: dict) -> None:
    """Chunk rows into Chroma with their filter metadata. Upsert is idempotent: a batch repeated after a kill
    does not duplicate vectors."""
    collection.upsert(
        ids=[r["chunk_id"] for r in rows],
        embeddings=[vectors[r["embed_key"]].tolist() for r in rows],
        metadatas=[chroma_metadata(dict(r), docs[r["doc_id"]]) for r in rows],
        documents=[r["text"] for r in rows],
    )


def _embed_pending(store: Store, index_dir: Path, chroma_url: str | None, settings: Settings, run: _Run,
                   tick: Progress, order: list[str]) -> None:
    """Vectors for every passage still without one, documents in `order` first (then any other)."""
    store.skip_repeated_passages()
    total = store.count("SELECT COUNT(*) FROM chunks WHERE embedded=0")
    if not total:
        return
    collection = open_collection(index_dir, index_id(store), chroma_url, ef_search=settings.chroma_ef_search)
    docs = {d["doc_id"]: d for d in store.documents()}
    done = 0
    tick("embed", 0, total)
    # 512 passages a call: the model sorts a call's texts by length, and less padding was 8% faster here
    # than 128 (bench: 46.5 -> 50.1 passages/s on 2 cores); one call is ~10 s of work between commits.
    batch_size = max(settings.embed_batch * 16, 64)
    queue = list(order)
    began = time.perf_counter()
    while True:
        rows = store.pending_chunks(batch_size, queue)
        if not rows:
            break
        vectors, embedded = vectors_for(store, rows, settings.embed_batch, run.timings)
        run.embedded += embedded
        run.reused += len(rows) - embedded
        upsert_rows(collection, rows, vectors, docs)
        store.mark_embedded([r["chunk_id"] for r in rows])
        done += len(rows)
        tick("embed", done, total)
        if embedded and done >= 500:  # the page's "complete in about N minutes"
            store.set_meta("seconds_per_passage", f"{(time.perf_counter() - began) / done:.4f}")
    store.set_meta("embedded_at", str(time.time()))


def _summary(store: Store, run: _Run, seconds: float) -> IngestSummary:
    return IngestSummary(
        documents=store.count("SELECT COUNT(*) FROM documents"),
        pages=store.count("SELECT COALESCE(SUM(pages), 0) FROM documents"),
        chunks=store.count("SELECT COUNT(*) FROM chunks"),
        embedded=run.embedded,
        reused=run.reused,
        skipped=[Skipped(**s) for s in store.skipped()],
        seconds=round(seconds, 2),
        parsed=run.parsed,
        removed=run.removed,
        pending_embeddings=store.count("SELECT COUNT(*) FROM chunks WHERE embedded=0"),
        not_embedded=store.count("SELECT COUNT(*) FROM chunks WHERE embedded=?", (NOT_EMBEDDED,)),
        timings={k: round(v, 3) for k, v in run.timings.items()},
        notes=[Skipped(path=d["path"], reason=n) for d in store.documents() for n in d["info"].get("notes", [])],
    )
