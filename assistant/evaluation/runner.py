"""Run a gold set against an index and score every answer (metrics: eval/README.md, "Evaluation runs").

`run_eval(index, items)` asks every question through the public API (`Assistant.ask`) and returns a
JSON-ready dict: per-question records plus summaries overall, by question type and by report era.
"""
from __future__ import annotations

import datetime as dt
import platform
import re
import subprocess
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

from assistant.api import Assistant
from assistant.config import REPO_ROOT, Settings
from assistant.evaluation import metrics as M
from assistant.evaluation import quality as Q
from assistant.evaluation.baseline import evaluate_baseline
from assistant.evaluation.gold import ANSWERABLE, PASSAGE_TYPES
from assistant.evaluation.metadata import metadata_accuracy
from assistant.evaluation.scoring import (
    answer_correct,
    base_record,
    citation_precise,
    corpus_for,
    evidence_matches,
    index_scope,
    indexed_paths,
    retrieval_scores,
    skip_reason,
)
from assistant.documents.structure import decimal_paragraphs, footnote_lines, iter_lines
from assistant.index import Index
from assistant.quality import junk_reason

Progress = Callable[[int, int, str], None]  # (done, total, item id)

# --------------------------------------------------------------------------- citation validity

_HYPHEN_SPACE = re.compile(r"(?<=-) ")


def verbatim_form(text: str | None) -> str:
    """The gold normal form, with the space after a hyphen or dash dropped: the gold rules allow only
    line-break whitespace to differ, and a quote may render "17-\nyear-olds" as "17- year-olds"."""
    return _HYPHEN_SPACE.sub("", M.normalise(text))


class CitationChecker:
    """Is a quote verbatim (normalised) on the cited page of the cited document and in the cited chunk, whose
    paragraph and pages agree with the citation? A quote may run on over following pages (at most 3), past the
    footnotes at the foot of a framework document's page, as a reader's eye does."""

    MAX_PAGES = 4

    def __init__(self, index: Index):
        self.index = index
        self._pages: dict[tuple[str, int], str] = {}
        self._bodies: dict[tuple[str, int], str] = {}

    def body(self, doc_id: str, page: int) -> str:
        """The page without the footnotes at its foot (framework documents: reports' parse keeps them)."""
        key = (doc_id, page)
        if key not in self._bodies:
            raw = self.index.store.page_text(doc_id, page) or ""
            doc = self.index.documents().get(doc_id)
            if doc is not None and doc.kind == "framework":
                lines = iter_lines([raw])
                notes = footnote_lines(lines, set(decimal_paragraphs(lines)))  # the parser's rule, page by page
                raw = "\n".join(line.text for i, line in enumerate(lines) if line is not None and i not in notes)
            self._bodies[key] = verbatim_form(raw)
        return self._bodies[key]

    def page(self, doc_id: str, page: int) -> str:
        key = (doc_id, page)
        if key not in self._pages:
            self._pages[key] = verbatim_form(self.index.store.page_text(doc_id, page) or "")
        return self._pages[key]

    def check(self, cit: dict, chunk: dict | None) -> tuple[str | None, str | None]:
        """(problem, note): problem is None when the citation is valid; note names a cosmetic artefact of a
        valid quote (a line-end hyphen shown with a space after it)."""
        raw = M.normalise(cit.get("quote"))
        q = verbatim_form(cit.get("quote"))
        if not q:
            return "empty quote", None
        doc = self.index.documents().get(cit.get("doc_id"))
        if doc is None:
            return "cited document not in the index", None
        if cit.get("path") not in {doc.path, *doc.other_paths}:
            return f"path {cit.get('path')!r} is not the document's", None
        page = int(cit.get("page") or 0)
        here = self.page(doc.doc_id, page)
        if q not in here:
            joined, found = self.body(doc.doc_id, page), False
            for nxt in range(page + 1, min(page + self.MAX_PAGES, (doc.pages or page) + 1)):
                joined = joined + " " + self.body(doc.doc_id, nxt)
                pos = joined.find(q)
                if pos != -1:
                    found = pos < len(self.body(doc.doc_id, page))
                    break
            if not found:
                return f"quote not on page {page}" + self._why(doc, q, page), None
        if cit.get("chunk_id"):
            if chunk is None:
                return "cited chunk not in the index", None
            if q not in verbatim_form(chunk["text"]):
                return "quote not in the cited chunk", None
            if (chunk.get("paragraph") or None) != (cit.get("paragraph") or None):
                return f"paragraph {cit.get('paragraph')!r} differs from the chunk's {chunk.get('paragraph')!r}", None
            if not (chunk["page_start"] or 0) <= page <= (chunk["page_end"] or page):
                return f"page {page} outside the chunk's pages {chunk['page_start']}-{chunk['page_end']}", None
        note = None
        if raw != q and raw not in M.normalise(self.index.store.page_text(doc.doc_id, page) or ""):
            note = "a line-end hyphen is shown with a space after it (e.g. '17- year-olds')"
        return None, note

    def _why(self, doc, q: str, page: int) -> str:
        if any(q in self.page(doc.doc_id, p) for p in range(1, (doc.pages or 0) + 1) if p != page):
            return " (it is on another page)"
        if q.replace(" ", "") in self.page(doc.doc_id, page).replace(" ", ""):
            return " (differs only in spacing)"
        words = q.split(" ")
        head, tail = " ".join(words[:6]), " ".join(words[-6:])
        text = self.page(doc.doc_id, page) + " " + self.page(doc.doc_id, page + 1)
        if head in text and tail in text:
            return " (its start and end are there: the quote joins text that is not contiguous on the page)"
        return ""


# --------------------------------------------------------------------------- one system

def evaluate_ours(index: Index, items: list[dict], settings: Settings | None = None,
                  progress: Progress | None = None) -> list[dict]:
    assistant = Assistant(index=index, settings=settings)
    scope = index_scope(index)
    paths = indexed_paths(index)
    aliases = {p: {d.path, *d.other_paths} for d in index.documents().values() for p in (d.path, *d.other_paths)}
    checker = CitationChecker(index)
    # Load the embedder and the keyword index before timing anything: latency is per question, warm.
    assistant.ask("How do inspectors describe supervision of social workers?")
    records = []
    for n, item in enumerate(items, 1):
        if progress:
            progress(n, len(items), item["id"])
        rec = base_record(item)
        rec["skipped"] = skip_reason(item, scope, set(paths))
        if rec["skipped"]:
            records.append(rec)
            continue
        started = time.perf_counter()
        try:
            ans = assistant.ask(item["question"], filters=item.get("filters") or None, history=item.get("history") or [])
        except Exception as exc:  # noqa: BLE001 -- a crash is a failure of that question, not of the run
            rec.update(error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - started, refused=True,
                       answer_correct=False if item["type"] != "unanswerable" else True)
            records.append(rec)
            continue
        rec["seconds"] = time.perf_counter() - started
        answer = ans.model_dump(mode="json")
        rec.update(refused=ans.refused, answer=ans.answer[:600], fact=ans.fact, evidence_signals=ans.evidence,
                   notices=ans.notices)
        ev = item.get("evidence") or []
        rows = index.store.chunks_by_id(ans.retrieved[:10] + [c.chunk_id for c in ans.citations if c.chunk_id])
        if item["type"] in PASSAGE_TYPES:
            docs = index.documents()
            matches = []
            for cid in ans.retrieved[:10]:
                row = rows.get(cid)
                doc = docs.get(row["doc_id"]) if row else None
                doc_paths = {doc.path, *doc.other_paths} if doc else set()
                matches.append(evidence_matches(ev, doc_paths, row["text"]) if row else set())
            rec["retrieved"] = [_short_hit(rows.get(cid), docs) for cid in ans.retrieved[:10]]
            rec.update(retrieval_scores(ev, matches))
        rec["answer_correct"] = answer_correct(item, answer, aliases)
        cits = []
        for c in answer["citations"]:
            problem, note = checker.check(c, rows.get(c["chunk_id"]) if c.get("chunk_id") else None)
            cits.append({
                "n": c["n"], "doc": c["path"], "page": c["page"], "paragraph": c.get("paragraph"),
                "chunk_id": c.get("chunk_id"), "quote": c["quote"], "valid": problem is None, "problem": problem,
                "note": note,
                "precise": citation_precise(ev, c["path"], c["page"], c["quote"], aliases.get(c["path"])) if ev else None,
            })
        rec["citations"] = cits
        if not ans.refused:
            rec["lead_ok"] = Q.lead_ok(ans)
            lead = Q.lead_citations(ans)
            if item["type"] == "finding" and ev:
                rec["lead_cites_evidence"] = any(c["precise"] for c in cits if c["n"] in lead)
            rec["duplicate_sources"] = Q.duplicate_sources(ans)
            rec["junk_quotes"] = [c.quote[:200] for c in ans.citations if junk_reason(c.quote)]
            rec["follow_ups"] = Q.follow_ups(ans)
            rec["plan"] = ans.plan
        records.append(rec)
    # Every suggested follow-up is asked on its own, as a click on it would: does it get an answer?
    for rec in records:
        asked = []
        for q in rec.get("follow_ups") or []:
            got = assistant.ask(q)
            asked.append({"question": q, "refused": got.refused})
        if asked:
            rec["follow_ups"] = asked
    return records


def _short_hit(row: dict | None, docs: dict) -> dict:
    if row is None:
        return {"chunk_id": None}
    doc = docs.get(row["doc_id"])
    return {"chunk_id": row["chunk_id"], "doc": doc.path if doc else row["doc_id"], "page": row["page_start"],
            "paragraph": row.get("paragraph")}


# --------------------------------------------------------------------------- summaries

RETRIEVAL_KEYS = ("recall@5", "recall@10", "mrr", "ndcg@10", "evidence_coverage@10")


def summarise(records: list[dict]) -> dict[str, Any]:
    """Every metric overall, by question type and by era."""
    done = [r for r in records if not r.get("skipped")]
    out = {"overall": _summary(done), "by_type": {}, "by_era": {}}
    for key, field in (("by_type", "type"), ("by_era", "era")):
        groups: dict[str, list[dict]] = defaultdict(list)
        for r in done:
            groups[r[field]].append(r)
        out[key] = {g: _summary(rs) for g, rs in sorted(groups.items())}
    skipped: dict[str, int] = defaultdict(int)
    for r in records:
        if r.get("skipped"):
            skipped[r["skipped"]] += 1
    out["skipped"] = dict(skipped)
    out["evaluated"] = len(done)
    return out


def _summary(records: list[dict]) -> dict[str, Any]:
    s: dict[str, Any] = {"n": len(records)}
    retr = [r for r in records if r["type"] in PASSAGE_TYPES and "recall@5" in r]
    s["n_retrieval"] = len(retr)
    for key in RETRIEVAL_KEYS:
        s[key] = M.mean(r.get(key) for r in retr)
    answerable = [r for r in records if r["type"] in ANSWERABLE]
    s["answer_accuracy"] = M.mean(float(bool(r.get("answer_correct"))) for r in answerable)
    s["n_answerable"] = len(answerable)
    acc_by_type = {}
    for t in sorted({r["type"] for r in records}):
        acc_by_type[t] = M.mean(float(bool(r.get("answer_correct"))) for r in records if r["type"] == t)
    s["accuracy_by_type"] = acc_by_type
    cits = [c for r in records for c in r.get("citations") or []]
    checked = [c for c in cits if c.get("valid") is not None]
    s["citations"] = len(cits)
    s["citation_validity"] = M.mean(float(c["valid"]) for c in checked) if checked else None
    s["citation_artefacts"] = sum(1 for c in checked if c.get("note"))
    precise = [c for r in records if r["type"] in ANSWERABLE for c in r.get("citations") or [] if c.get("precise") is not None]
    s["citation_precision"] = M.mean(float(c["precise"]) for c in precise) if precise else None
    s.update(M.refusal_scores((r["should_refuse"], bool(r.get("refused"))) for r in records))
    secs = [r["seconds"] for r in records if r.get("seconds") is not None]
    s["latency_p50"] = M.percentile(secs, 50)
    s["latency_p95"] = M.percentile(secs, 95)
    s["errors"] = sum(1 for r in records if r.get("error"))
    answered = [r for r in records if "lead_ok" in r]
    s["lead_ok"] = M.mean(float(r["lead_ok"]) for r in answered) if answered else None
    leads = [r for r in records if "lead_cites_evidence" in r]
    s["lead_cites_evidence"] = M.mean(float(r["lead_cites_evidence"]) for r in leads) if leads else None
    s["duplicate_sources"] = sum(r.get("duplicate_sources", 0) for r in records)
    s["junk_quotes"] = sum(len(r.get("junk_quotes") or []) for r in records)
    asked = [f for r in records for f in r.get("follow_ups") or [] if isinstance(f, dict)]
    s["follow_ups"] = len(asked)
    s["follow_ups_answered"] = M.mean(float(not f["refused"]) for f in asked) if asked else None
    return s


# --------------------------------------------------------------------------- the whole run

def run_eval(
    index: str | Path | Index,
    items: list[dict],
    settings: Settings | None = None,
    *,
    baseline: bool = False,
    corpus: str | Path | None = None,
    cache_dir: str | Path | None = None,
    metadata_csv: str | Path | None = None,
    gold_files: list[str] | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Score our assistant (and optionally the naive baseline) on `items`; see module docstring."""
    settings = settings or Settings()
    index = index if isinstance(index, Index) else Index(index, settings=settings)
    say = log or (lambda message: None)
    started = time.time()
    docs = index.documents()
    run: dict[str, Any] = {
        "meta": {
            "created": dt.datetime.now().isoformat(timespec="seconds"),
            "index": index.folder.name, "scope": index_scope(index), "documents": len(docs),
            "reports": sum(1 for d in docs.values() if d.kind == "report"),
            "chunks": index.chunk_count(), "embedded": index.embedded_count(),
            "gold_files": gold_files or sorted({i.get("_file", "?") for i in items}), "items": len(items),
            "settings": settings.model_dump(mode="json", exclude={"corpus", "index", "chroma_url"}),
            "python": platform.python_version(), "commit": _commit(),
        },
        "systems": {},
    }
    if index.embedded_count() < index.embeddable_count():
        say(f"warning: only {index.embedded_count()} of {index.embeddable_count()} chunks are embedded; dense retrieval is partial")
    ours = evaluate_ours(index, items, settings, progress)
    run["systems"]["ours"] = {"records": ours, "summary": summarise(ours)}
    run["diagnostics"] = {"unfindable_evidence": unfindable_evidence(index, items)}
    run["stance"] = Q.stance_accuracy()
    run["stance_heldout"] = Q.stance_accuracy(Q.STANCE_HELDOUT)
    corpus = corpus_for(index, corpus)
    if baseline:
        base = evaluate_baseline(index, items, corpus=corpus, cache_dir=cache_dir, progress=progress, log=say)
        run["systems"]["baseline"] = {"records": base, "summary": summarise(base)}
    if metadata_csv:
        run["metadata"] = metadata_accuracy(index, metadata_csv, corpus=corpus, cache_dir=cache_dir, log=say)
    run["meta"]["seconds"] = round(time.time() - started, 1)
    return run


def _commit() -> str | None:
    """The repository's commit (with "+dirty" for uncommitted changes), to tell runs apart."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                              timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (head + ("+dirty" if dirty else "")) or None


def unfindable_evidence(index: Index, items: list[dict]) -> list[dict]:
    """Evidence snippets of indexed documents that no chunk of that document contains: such an item cannot
    reach Recall@k = 1 however good the ranking (a chunking/cleaning loss, or a snippet across chunks)."""
    paths = indexed_paths(index)
    by_doc: dict[str, list[str]] = {}
    out = []
    for item in items:
        if item["type"] not in PASSAGE_TYPES:
            continue
        for e in item.get("evidence") or []:
            doc_id = paths.get(e["doc"])
            if doc_id is None:
                continue
            if doc_id not in by_doc:
                rows = index.store.connect().execute("SELECT text FROM chunks WHERE doc_id=? ORDER BY ord", (doc_id,))
                by_doc[doc_id] = [r[0] for r in rows]
            if not any(M.snippet_in_text(e["snippet"], t) for t in by_doc[doc_id]):
                out.append({"id": item["id"], "doc": e["doc"], "page": e.get("page"), "snippet": e["snippet"]})
    return out
