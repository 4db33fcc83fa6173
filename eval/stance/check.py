"""Check the hand-labelled stance sets (eval/stance/labels.jsonl, or heldout.jsonl) against the corpus.

    python eval/stance/check.py [corpus folder] [--heldout]

The corpus folder defaults to ../shared/corpus beside the repository root. Every record must have a valid
label, era and page, name a document that exists, and quote a sentence that occurs verbatim on that page of
the text the assistant itself indexes (assistant.documents.loaders.load_document, then
assistant.documents.cleaning.clean_pages), compared after collapsing whitespace. Prints counts per label,
era and report; exits with status 1 and lists every failure when anything is wrong.
"""
from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents.cleaning import clean_pages  # noqa: E402
from assistant.documents.loaders import Unusable, load_document  # noqa: E402

LABELS = ("strength", "weakness", "improvement", "neutral")
ERAS = ("sif", "ilacs", "2026")
FIELDS = ("doc", "page", "era", "section", "sentence", "label", "mixed")
# What each set was built to cover (eval/stance/README.md): (sentences, reports, reports per era).
COVERAGE = {"labels.jsonl": (330, 33, {"sif": 10, "ilacs": 16, "2026": 5}),
            "heldout.jsonl": (120, 12, {"sif": 3, "ilacs": 6, "2026": 2})}


def collapse(text: str) -> str:
    return " ".join(text.split())


def main(argv: list[str]) -> int:
    heldout = "--heldout" in argv
    argv = [a for a in argv if a != "--heldout"]
    corpus = Path(argv[1]) if len(argv) > 1 else (ROOT / ".." / "shared" / "corpus")
    corpus = corpus.resolve()
    labels_file = HERE / ("heldout.jsonl" if heldout else "labels.jsonl")
    MIN_SENTENCES, MIN_REPORTS, MIN_REPORTS_PER_ERA = COVERAGE[labels_file.name]
    failures: list[str] = []
    pages_cache: dict[str, list[str] | None] = {}
    records = []
    with open(labels_file, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                records.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                failures.append(f"line {n}: not JSON ({exc})")

    seen: set[tuple[str, str]] = set()
    for n, r in records:
        where = f"line {n}"
        missing = [k for k in FIELDS if k not in r]
        extra = sorted(set(r) - set(FIELDS))
        if missing or extra:
            failures.append(f"{where}: missing fields {missing} / unexpected fields {extra}")
            continue
        if r["label"] not in LABELS:
            failures.append(f"{where}: label {r['label']!r} is not one of {LABELS}")
        if r["era"] not in ERAS:
            failures.append(f"{where}: era {r['era']!r} is not one of {ERAS}")
        if not isinstance(r["mixed"], bool):
            failures.append(f"{where}: mixed must be true or false")
        if r["section"] is not None and not isinstance(r["section"], str):
            failures.append(f"{where}: section must be a string or null")
        if not isinstance(r["sentence"], str) or not r["sentence"].strip():
            failures.append(f"{where}: empty sentence")
            continue
        doc = r["doc"]
        if not isinstance(doc, str) or doc.startswith("/") or ":" in doc[:3] or not doc.startswith("reports/"):
            failures.append(f"{where}: doc must be a path relative to the corpus folder under reports/: {doc!r}")
            continue
        key = (doc, collapse(r["sentence"]))
        if key in seen:
            failures.append(f"{where}: duplicate sentence for {doc}")
        seen.add(key)
        if doc not in pages_cache:
            path = corpus / doc
            if not path.is_file():
                pages_cache[doc] = None
            else:
                try:
                    pages_cache[doc] = clean_pages(load_document(path).pages)
                except Unusable as exc:
                    failures.append(f"{where}: {doc} cannot be read: {exc}")
                    pages_cache[doc] = []
        pages = pages_cache[doc]
        if pages is None:
            failures.append(f"{where}: no such document: {doc}")
            continue
        page = r["page"]
        if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= len(pages):
            failures.append(f"{where}: page {page!r} is not a page of {doc} (1..{len(pages)})")
            continue
        if collapse(r["sentence"]) not in collapse(pages[page - 1]):
            failures.append(f"{where}: sentence not found on page {page} of {doc}: {r['sentence'][:80]!r}")

    rows = [r for _, r in records if all(k in r for k in FIELDS)]
    by_label = Counter(r["label"] for r in rows)
    by_era = Counter(r["era"] for r in rows)
    reports: dict[str, Counter] = defaultdict(Counter)
    report_era: dict[str, str] = {}
    for r in rows:
        reports[r["doc"]][r["label"]] += 1
        report_era[r["doc"]] = r["era"]
    reports_per_era = Counter(report_era.values())
    mixed = sum(1 for r in rows if r.get("mixed") is True)

    print(f"{len(rows)} sentences from {len(reports)} reports; {mixed} mixed")
    print("per label: " + ", ".join(f"{k} {by_label[k]}" for k in LABELS))
    print("per era:   " + ", ".join(f"{k} {by_era[k]} sentences / {reports_per_era[k]} reports" for k in ERAS))
    print("label x era:")
    for era in ERAS:
        c = Counter(r["label"] for r in rows if r["era"] == era)
        print(f"  {era:6} " + "  ".join(f"{k[:4]} {c[k]:3}" for k in LABELS))
    print("per report (strength/weakness/improvement/neutral):")
    for doc in sorted(reports, key=lambda d: (ERAS.index(report_era[d]) if report_era[d] in ERAS else 9, d)):
        c = reports[doc]
        folder = doc.split("/")[1] if doc.count("/") >= 2 else doc
        date = doc.rsplit(" - ", 1)[-1].removesuffix(".pdf")
        print(f"  {report_era[doc]:6} {folder[:40]:40} {date:18} {sum(c.values()):3}  "
              + "/".join(str(c[k]) for k in LABELS))

    if len(rows) < MIN_SENTENCES:
        failures.append(f"only {len(rows)} sentences; at least {MIN_SENTENCES} expected")
    if len(reports) < MIN_REPORTS:
        failures.append(f"only {len(reports)} reports; at least {MIN_REPORTS} expected")
    for era, least in MIN_REPORTS_PER_ERA.items():
        if reports_per_era[era] < least:
            failures.append(f"only {reports_per_era[era]} {era} reports; at least {least} expected")
    for label in LABELS:
        if by_label[label] == 0:
            failures.append(f"no {label} sentences")
    if heldout:  # held out means other councils than the set the rules were tuned on
        tuned = {json.loads(line)["doc"].split("/")[1] for line in (HERE / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()}
        shared = sorted({d.split("/")[1] for d in reports} & tuned)
        if shared:
            failures.append(f"councils also in labels.jsonl: {', '.join(shared)}")

    if failures:
        print(f"\nFAILED: {len(failures)} problem(s)")
        for f in failures:
            print("  " + f)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
