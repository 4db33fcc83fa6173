"""Validate evaluation gold sets and verify every evidence snippet against the corpus.

Usage::

    python eval/check_gold.py [files...]

With no arguments every ``eval/gold/*.jsonl`` file is checked.  The corpus is
``$OFSTED_CORPUS`` or ``../shared/corpus`` relative to the repository root.

Two kinds of check:

* schema: required fields per question type, known types/eras/index values,
  unique ids across all files checked, evidence shape (3+ reports for themes,
  none for unanswerable items, a framework document for framework items...),
  ``index: "default"`` only when every cited report is the latest report of its
  council;
* evidence: each snippet must occur, after normalisation, in the text of the
  stated page of the stated document.

Text is compared in the gold set's normal form, the assistant's
``assistant.text.normalise_for_scoring`` (the eval metrics use the same function).
The page texts come from :func:`load_pages`, which is deliberately independent
of the assistant's own parsers (pypdf for PDF, form-feed split for text, the
visible text of ``<main>`` for HTML) so the gold set is verified on its own.

Exits 1 and lists every failure when anything is wrong, 0 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.domain import FRAMEWORKS  # noqa: E402  the era names the extractor writes
from assistant.evaluation import gold as _gold  # noqa: E402  one definition of the format's names
from assistant.text import normalise_for_scoring  # noqa: E402  the gold set's normal form

GOLD_DIR = REPO / "eval" / "gold"

TYPES = _gold.TYPES
ERAS = FRAMEWORKS
INDEXES = ("default", "all")
FILTER_KEYS = set(_gold.FILTER_KEYS)
ITEM_KEYS = set(_gold.ITEM_KEYS)
EVIDENCE_KEYS = {"doc", "page", "paragraph", "snippet"}
MIN_WORDS, MAX_WORDS = _gold.SNIPPET_MIN_WORDS, _gold.SNIPPET_MAX_WORDS


def corpus_root() -> Path:
    return Path(os.environ.get("OFSTED_CORPUS", REPO.parent / "shared" / "corpus"))


# --------------------------------------------------------------------------- text

normalise = normalise_for_scoring


class _MainText(HTMLParser):
    """Visible text inside <main> (the whole <body> if there is no <main>)."""

    BLOCK = {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul",
    }
    HIDDEN = {"script", "style", "noscript", "template", "svg", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.main: list[str] = []
        self.body: list[str] = []
        self._in_main = 0
        self._in_body = 0
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "main":
            self._in_main += 1
        if tag == "body":
            self._in_body += 1
        if tag in self.BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCK:
            self._emit("\n")
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if tag == "main" and self._in_main:
            self._in_main -= 1
        if tag == "body" and self._in_body:
            self._in_body -= 1

    def handle_data(self, data):
        if not self._hidden:
            self._emit(data)

    def _emit(self, s: str) -> None:
        if self._in_main:
            self.main.append(s)
        if self._in_body:
            self.body.append(s)


def html_main_text(html: str) -> str:
    parser = _MainText()
    parser.feed(html)
    parser.close()
    return "".join(parser.main or parser.body)


@functools.lru_cache(maxsize=None)
def _pdf_reader(path: str):
    from pypdf import PdfReader

    return PdfReader(path)


@functools.lru_cache(maxsize=4096)
def _pdf_page(path: str, index: int) -> str:
    return _pdf_reader(path).pages[index].extract_text() or ""


def _pdf_page_count(path: str) -> int:
    return len(_pdf_reader(path).pages)


@functools.lru_cache(maxsize=None)
def _load_pages_cached(path: str) -> tuple[str, ...]:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".pdf":
        return tuple(_pdf_page(path, i) for i in range(_pdf_page_count(path)))
    if suffix in (".txt", ".md"):
        return tuple(p.read_text(encoding="utf-8", errors="replace").split("\f"))
    if suffix in (".html", ".htm"):
        return (html_main_text(p.read_text(encoding="utf-8", errors="replace")),)
    raise ValueError(f"unsupported document type: {p.name}")


def load_pages(path) -> list[str]:
    """Text of every page of a corpus document: pypdf per page for .pdf, form-feed
    separated pages for .txt/.md, the visible text of <main> as one page for .html."""
    return list(_load_pages_cached(str(path)))


def page_text(path, page: int) -> str | None:
    """Text of one 1-based page (extracts only that page of a PDF); None if out of range."""
    path = str(path)
    if path.lower().endswith(".pdf"):
        if not 1 <= page <= _pdf_page_count(path):
            return None
        return _pdf_page(path, page - 1)
    pages = _load_pages_cached(path)
    return pages[page - 1] if 1 <= page <= len(pages) else None


# --------------------------------------------------------------------------- corpus facts

_DATE_RE = re.compile(r" - (\d{1,2} [a-z]+ \d{4})\.pdf$", re.I)


def _publication_date(name: str) -> dt.date | None:
    m = _DATE_RE.search(name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), "%d %B %Y").date()
    except ValueError:
        return None


def _is_real_pdf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(5) == b"%PDF-"


@functools.lru_cache(maxsize=None)
def latest_reports(corpus: str) -> dict[str, str]:
    """Council folder -> relative path of its latest real report (HTML error pages skipped)."""
    out: dict[str, str] = {}
    reports = Path(corpus) / "reports"
    if not reports.is_dir():
        return out
    for folder in sorted(p for p in reports.iterdir() if p.is_dir()):
        dated = [
            (d, f) for f in folder.glob("*.pdf")
            if (d := _publication_date(f.name)) is not None and _is_real_pdf(f)
        ]
        if dated:
            out[folder.name] = f"reports/{folder.name}/{max(dated)[1].name}"
    return out


# --------------------------------------------------------------------------- loading

def load_items(paths) -> tuple[list[dict], list[str]]:
    """Read JSONL files; returns (items, failures). Each item gets a private "_where" key."""
    items, failures = [], []
    for path in paths:
        path = Path(path)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            failures.append(f"{path}: cannot read ({exc})")
            continue
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                failures.append(f"{path.name}:{n}: invalid JSON ({exc})")
                continue
            if not isinstance(obj, dict):
                failures.append(f"{path.name}:{n}: not a JSON object")
                continue
            obj["_where"] = f"{path.name}:{n}"
            items.append(obj)
    return items, failures


def default_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.jsonl"))


# --------------------------------------------------------------------------- schema

def _label(item: dict) -> str:
    return f"{item.get('_where', '?')} [{item.get('id', '?')}]"


def validate_item(item: dict, corpus: Path | None = None) -> list[str]:
    """Schema problems of one item (no text verification)."""
    errs: list[str] = []
    where = _label(item)

    def bad(msg: str) -> None:
        errs.append(f"{where}: {msg}")

    unknown = set(item) - ITEM_KEYS - {"_where"}
    if unknown:
        bad(f"unknown field(s) {sorted(unknown)}")
    for key in ("id", "type", "question", "index", "evidence"):
        if key not in item:
            bad(f"missing field '{key}'")
    iid, typ = item.get("id"), item.get("type")
    if "id" in item and (not isinstance(iid, str) or not iid.strip()):
        bad("id must be a non-empty string")
    if "type" in item and typ not in TYPES:
        bad(f"unknown type {typ!r} (known: {', '.join(TYPES)})")
    q = item.get("question")
    if "question" in item and (not isinstance(q, str) or not q.strip()):
        bad("question must be a non-empty string")
    if "index" in item and item["index"] not in INDEXES:
        bad(f"index must be one of {INDEXES}, got {item['index']!r}")
    era = item.get("era")
    if era is not None and era not in ERAS:
        bad(f"era must be null or one of {ERAS}, got {era!r}")
    la = item.get("local_authority")
    if la is not None and (not isinstance(la, str) or not la.strip()):
        bad("local_authority must be null or a non-empty string")
    notes = item.get("notes")
    if notes is not None and not isinstance(notes, str):
        bad("notes must be a string")

    # filters
    filters = item.get("filters", {})
    if filters is None:
        filters = {}
    if not isinstance(filters, dict):
        bad("filters must be an object")
    else:
        extra = set(filters) - FILTER_KEYS
        if extra:
            bad(f"unknown filter key(s) {sorted(extra)}")
        if "local_authority" in filters and not (
            isinstance(filters["local_authority"], list)
            and all(isinstance(x, str) and x for x in filters["local_authority"])
        ):
            bad("filters.local_authority must be a list of names")
        for k in ("year_from", "year_to"):
            if k in filters and not (isinstance(filters[k], int) and 2000 <= filters[k] <= 2100):
                bad(f"filters.{k} must be a year")
        if isinstance(filters.get("year_from"), int) and isinstance(filters.get("year_to"), int):
            if filters["year_from"] > filters["year_to"]:
                bad("filters.year_from is after filters.year_to")

    # history: follow-ups only
    history = item.get("history")
    if typ == "followup":
        if not (isinstance(history, list) and history and all(isinstance(h, str) and h.strip() for h in history)):
            bad("followup needs 'history': a non-empty list of earlier user turns")
    elif history:
        bad("'history' is only for followup items")

    # answer: facts only
    answer = item.get("answer")
    if typ == "fact":
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            bad("fact needs a non-empty 'answer'")
    elif answer is not None:
        bad("'answer' must be null except for fact items")

    # evidence
    evidence = item.get("evidence")
    if "evidence" in item and not isinstance(evidence, list):
        bad("evidence must be a list")
        evidence = []
    evidence = evidence or []
    if typ == "unanswerable":
        if evidence:
            bad("unanswerable items must have evidence: []")
    elif typ in TYPES and not evidence:
        bad(f"{typ} items need at least one evidence entry")

    docs: list[str] = []
    for k, ev in enumerate(evidence, 1):
        tag = f"evidence[{k}]"
        if not isinstance(ev, dict):
            bad(f"{tag} must be an object")
            continue
        missing = EVIDENCE_KEYS - set(ev)
        if missing:
            bad(f"{tag} missing {sorted(missing)}")
        extra = set(ev) - EVIDENCE_KEYS
        if extra:
            bad(f"{tag} unknown field(s) {sorted(extra)}")
        doc = ev.get("doc")
        if not isinstance(doc, str) or not doc:
            bad(f"{tag}.doc must be a path relative to the corpus root")
        else:
            if doc.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", doc) or ".." in Path(doc).parts:
                bad(f"{tag}.doc must be relative to the corpus root: {doc}")
            elif not doc.startswith(("reports/", "framework/")):
                bad(f"{tag}.doc must start with reports/ or framework/: {doc}")
            else:
                docs.append(doc)
                if corpus is not None and corpus.is_dir() and not (corpus / doc).is_file():
                    bad(f"{tag}.doc not found in corpus: {doc}")
        page = ev.get("page")
        if not (isinstance(page, int) and not isinstance(page, bool) and page >= 1):
            bad(f"{tag}.page must be a 1-based integer")
        para = ev.get("paragraph")
        if para is not None and not (isinstance(para, str) and para.strip()):
            bad(f"{tag}.paragraph must be null or a non-empty string")
        snip = ev.get("snippet")
        if not isinstance(snip, str) or not snip.strip():
            bad(f"{tag}.snippet must be a non-empty string")
        else:
            n = len(snip.split())
            if not MIN_WORDS <= n <= MAX_WORDS:
                bad(f"{tag}.snippet has {n} words (allowed {MIN_WORDS}-{MAX_WORDS})")

    reports = {d for d in docs if d.startswith("reports/")}
    if typ == "theme" and len(reports) < 3:
        bad(f"theme needs evidence from 3+ different reports, has {len(reports)}")
    if typ == "framework" and not any(d.startswith("framework/") for d in docs):
        bad("framework items need evidence from a framework/ document")
    if typ == "finding" and not reports:
        bad("finding items need evidence from a report")

    if item.get("index") == "default" and corpus is not None and corpus.is_dir() and reports:
        latest = latest_reports(str(corpus))
        for d in sorted(reports):
            council = d.split("/")[1] if d.count("/") >= 2 else ""
            if council in latest and latest[council] != d:
                bad(f"index is 'default' but {d} is not the latest report of its council (use 'all')")
    return errs


def validate(items: list[dict], corpus: Path | None = None) -> list[str]:
    """Schema problems of all items, plus duplicate ids across them."""
    errs: list[str] = []
    seen: dict[str, str] = {}
    for item in items:
        errs.extend(validate_item(item, corpus))
        iid = item.get("id")
        if isinstance(iid, str):
            if iid in seen:
                errs.append(f"{_label(item)}: duplicate id (first at {seen[iid]})")
            else:
                seen[iid] = item.get("_where", "?")
    return errs


# --------------------------------------------------------------------------- evidence

def verify_evidence(items: list[dict], corpus: Path) -> list[str]:
    """Every snippet must occur (normalised) on its stated page of its stated document."""
    errs: list[str] = []
    for item in items:
        evidence = item.get("evidence")
        if not isinstance(evidence, list):
            continue
        for k, ev in enumerate(evidence, 1):
            if not isinstance(ev, dict):
                continue
            doc, page, snip = ev.get("doc"), ev.get("page"), ev.get("snippet")
            if not (isinstance(doc, str) and isinstance(page, int) and isinstance(snip, str) and snip.strip()):
                continue  # reported by validate()
            path = corpus / doc
            tag = f"{_label(item)}: evidence[{k}]"
            if not path.is_file():
                errs.append(f"{tag}: document not found: {doc}")
                continue
            try:
                text = page_text(path, page)
            except Exception as exc:  # unreadable document
                errs.append(f"{tag}: cannot read {doc} ({type(exc).__name__}: {exc})")
                continue
            if text is None:
                errs.append(f"{tag}: page {page} out of range for {doc}")
                continue
            needle = normalise(snip)
            if needle in normalise(text):
                continue
            try:
                found = [i for i, t in enumerate(load_pages(path), 1) if needle in normalise(t)]
            except Exception:
                found = []
            hint = f" (found on page(s) {found})" if found else " (not found anywhere in the document)"
            errs.append(f"{tag}: snippet not on page {page} of {doc}{hint}: {snip!r}")
    return errs


# --------------------------------------------------------------------------- summary

def council_of(doc: str) -> str | None:
    parts = doc.split("/")
    return parts[1] if len(parts) >= 3 and parts[0] == "reports" else None


def summarise(items: list[dict]) -> dict:
    """Counts used by the README and the coverage test."""
    types = Counter(i.get("type") for i in items)
    eras = Counter(i.get("era") for i in items if i.get("era"))
    index = Counter(i.get("index") for i in items)
    councils: set[str] = set()
    evidence_eras: set[str] = set()
    for i in items:
        if i.get("type") in ("finding", "followup", "theme"):
            for ev in i.get("evidence") or []:
                c = council_of(ev.get("doc", "")) if isinstance(ev, dict) else None
                if c:
                    councils.add(c)
    return {
        "items": len(items),
        "types": dict(types),
        "eras": dict(eras),
        "index": dict(index),
        "local_authorities": len(councils),
    }


def check(paths, corpus: Path | None = None) -> tuple[list[dict], list[str]]:
    corpus = corpus or corpus_root()
    items, errs = load_items(paths)
    errs += validate(items, corpus)
    if corpus.is_dir():
        errs += verify_evidence(items, corpus)
    else:
        errs.append(f"corpus not found at {corpus} (set OFSTED_CORPUS)")
    return items, errs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="JSONL gold files (default: eval/gold/*.jsonl)")
    ap.add_argument("--corpus", help="corpus root (default: $OFSTED_CORPUS or ../shared/corpus)")
    args = ap.parse_args(argv)
    files = [Path(f) for f in args.files] or default_files()
    if not files:
        print("no gold files found", file=sys.stderr)
        return 1
    corpus = Path(args.corpus) if args.corpus else corpus_root()
    items, errs = check(files, corpus)
    s = summarise(items)
    print(f"checked {s['items']} items in {len(files)} file(s): " + ", ".join(f.name for f in files))
    print("types: " + ", ".join(f"{k}={v}" for k, v in sorted(s["types"].items(), key=lambda kv: str(kv[0]))))
    print("eras: " + ", ".join(f"{k}={v}" for k, v in sorted(s["eras"].items())))
    print("index: " + ", ".join(f"{k}={v}" for k, v in sorted(s["index"].items(), key=lambda kv: str(kv[0]))))
    print(f"local authorities (finding/followup/theme evidence): {s['local_authorities']}")
    if errs:
        print(f"\n{len(errs)} failure(s):")
        for e in errs:
            print(f"  FAIL {e}")
        return 1
    print("all evidence verified: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
