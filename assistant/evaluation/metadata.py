"""Report-metadata accuracy against the hand-checked table eval/gold/metadata.csv.

Two figures per field: the documents in the index under test (as the index stored them, `Index.documents()`),
and the whole table (the index's value where the report is indexed, otherwise
`assistant.documents.reports.extract_report_metadata` run over the PDF's pypdf pages). Extraction results of
non-indexed PDFs are cached under eval/results/baseline-cache/metadata-<hash>.json, keyed by file content and
the extractor's source, because reading 77 PDFs with pypdf takes a few minutes.
"""
from __future__ import annotations

import csv
import hashlib
import inspect
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable

from assistant.config import REPO_ROOT, resolve_corpus
from assistant.documents import reports as reports_module
from assistant.documents.reports import extract_report_metadata
from assistant.domain import AREAS
from assistant.evaluation import metrics as M
from assistant.index import Index

METADATA_CSV = REPO_ROOT / "eval" / "gold" / "metadata.csv"
GRADE_FIELDS = AREAS
DATE_FIELDS = ("published", "inspection_start", "inspection_end")
FIELDS = ("local_authority", *DATE_FIELDS, "lead_inspector", "framework", *GRADE_FIELDS, "judgement_page")
GROUPS = {"grades": GRADE_FIELDS, "dates": DATE_FIELDS, "lead_inspector": ("lead_inspector",)}


def _norm(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field == "lead_inspector":
        return M.normalise_fact(value)
    if field == "judgement_page":
        return str(int(value)) if str(value).strip() else ""
    return M.normalise(str(value))


def _extract(args: tuple[str, str]) -> tuple[str, dict | None, str | None]:
    path, rel = args
    try:
        import logging

        import pypdf

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        pages = [p.extract_text() or "" for p in pypdf.PdfReader(path).pages]
        meta = extract_report_metadata(pages, rel).model_dump(mode="json")
        return rel, meta, None
    except Exception as exc:  # noqa: BLE001 -- reported as a miss
        return rel, None, f"{type(exc).__name__}: {exc}"


def _flatten(meta: dict) -> dict[str, Any]:
    out = {k: meta.get(k) for k in FIELDS if k in meta}
    for k in GRADE_FIELDS:
        out[k] = (meta.get("judgements") or {}).get(k)
    return out


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def metadata_accuracy(index: Index | None, csv_path: str | Path = METADATA_CSV, corpus: str | Path | None = None,
                      cache_dir: str | Path | None = None, log: Callable[[str], None] | None = None,
                      workers: int = 2) -> dict[str, Any]:
    say = log or (lambda message: None)
    corpus = Path(corpus) if corpus else resolve_corpus()
    rows = list(csv.DictReader(Path(csv_path).open(encoding="utf-8")))
    by_path = {}
    if index is not None:
        for doc in index.documents().values():
            if doc.kind != "report":
                continue
            flat = _flatten(doc.model_dump(mode="json"))
            for p in (doc.path, *doc.other_paths):
                by_path[p] = flat

    code_hash = hashlib.sha256(inspect.getsource(reports_module).encode()).hexdigest()[:12]
    cache_file = Path(cache_dir or Path("eval") / "results" / "baseline-cache") / f"metadata-{code_hash}.json"
    cache: dict[str, Any] = json.loads(cache_file.read_text(encoding="utf-8")) if cache_file.exists() else {}
    extracted: dict[str, dict | None] = {}
    errors: dict[str, str] = {}
    todo = []
    for row in rows:
        rel = row["doc"]
        if rel in by_path:
            continue
        path = corpus / rel
        if not path.is_file():
            errors[rel] = "file not found in corpus"
            continue
        key = _file_sha(path)
        if key in cache:
            extracted[rel] = cache[key]
        else:
            todo.append((str(path), rel, key))
    if todo:
        say(f"metadata: extracting {len(todo)} reports not in the index with pypdf")
        keys = {rel: key for _, rel, key in todo}
        jobs = [(p, rel) for p, rel, _ in todo]
        if workers > 1 and len(jobs) > 4:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(_extract, jobs))
        else:
            results = [_extract(j) for j in jobs]
        for rel, meta, err in results:
            if meta is None:
                errors[rel] = err or "extraction failed"
                continue
            extracted[rel] = _flatten(meta)
            cache[keys[rel]] = extracted[rel]
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache, indent=0), encoding="utf-8")

    def score(subset: list[dict], source: Callable[[str], dict | None]) -> dict[str, Any]:
        per_field: dict[str, dict[str, int]] = {f: {"right": 0, "n": 0} for f in FIELDS}
        misses = []
        for row in subset:
            got = source(row["doc"])
            for f in FIELDS:
                if f not in row:
                    continue
                want = _norm(f, row[f])
                have = _norm(f, (got or {}).get(f))
                per_field[f]["n"] += 1
                if got is not None and want == have:
                    per_field[f]["right"] += 1
                else:
                    misses.append({"doc": row["doc"], "field": f, "expected": row[f], "got": (got or {}).get(f)})
        fields = {f: (v["right"] / v["n"] if v["n"] else None) for f, v in per_field.items()}
        groups = {}
        for g, fs in GROUPS.items():
            right = sum(per_field[f]["right"] for f in fs)
            n = sum(per_field[f]["n"] for f in fs)
            groups[g] = right / n if n else None
        all_right = sum(v["right"] for v in per_field.values())
        all_n = sum(v["n"] for v in per_field.values())
        rows_right = sum(1 for row in subset if not any(m["doc"] == row["doc"] for m in misses))
        return {"n": len(subset), "fields": fields, "groups": groups, "all_fields": all_right / all_n if all_n else None,
                "rows_fully_right": rows_right / len(subset) if subset else None, "misses": misses}

    in_index = [r for r in rows if r["doc"] in by_path]
    whole = score(rows, lambda rel: by_path.get(rel) or extracted.get(rel))
    by_era: dict[str, Any] = {}
    for era in sorted({r.get("framework") or "none" for r in rows}):
        sub = [r for r in rows if (r.get("framework") or "none") == era]
        s = score(sub, lambda rel: by_path.get(rel) or extracted.get(rel))
        by_era[era] = {"n": s["n"], "groups": s["groups"], "all_fields": s["all_fields"]}
    return {
        "csv": Path(csv_path).name,
        "rows": len(rows),
        "in_index": score(in_index, lambda rel: by_path.get(rel)),
        "whole_table": whole,
        "whole_table_by_era": by_era,
        "errors": errors,
    }
