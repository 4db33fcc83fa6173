"""Cross-check the report-metadata extractor against an independent reading.

Usage::

    python eval/check_metadata.py [corpus_dir] [--cache FILE] [--verbose]

``corpus_dir`` defaults to ``$OFSTED_CORPUS`` or ``../shared/corpus`` relative
to the repository root.  ``--cache`` stores the pypdf page texts as JSON so
that re-runs skip the (slow) PDF parsing.

The independent reading deliberately uses other parts of each report, or other
methods, than ``assistant.documents.reports``:

* grades: the graded section headings in the body ("The experiences and
  progress of children in care and care leavers is: inadequate", SIF "The
  experiences and progress of children looked after and achieving permanence
  Requires improvement", "The graded judgement about the experience and
  progress of care leavers is that it ..."); overall effectiveness from a
  line-by-line reading of page 1 (the extractor works on flattened text);
* inspection dates: the running page header of ILACS reports from 2021, which
  repeats the inspection dates, plus sanity checks (start <= end <= published,
  on-site span, weekdays);
* lead inspector: the raw "Lead inspector:" line and a plausibility check of
  the name;
* local authority: the folder name ``<urn>_<la>`` (reported, not a failure,
  because the report may legitimately use a different style, e.g. "Hull").

It prints coverage per era, agreement with the independent reading, the
figures for 2018-2026 publications and every miss with its file.  It always
exits 0: it is a report, not a gate.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from assistant.documents.reports import ReportMetadata, extract_report_metadata  # noqa: E402
from assistant.domain import AREAS, FRAMEWORK_ILACS_2026, FRAMEWORKS  # noqa: E402

NO_ERA = "no era found"
TARGET_FROM_YEAR = 2018
TARGET_SHARE = 0.98

# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def default_corpus() -> Path:
    return Path(os.environ.get("OFSTED_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


def is_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def read_pages(path: str) -> tuple[str, list[str] | None]:
    import pypdf

    try:
        return path, [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]
    except Exception:  # noqa: BLE001 -- a broken file is reported as a miss
        return path, None


def load_texts(files: list[Path], corpus: Path, cache: Path | None) -> dict[Path, list[str] | None]:
    cached: dict[str, list[str] | None] = {}
    if cache and cache.exists():
        cached = json.loads(cache.read_text())
    todo = [f for f in files if str(f.relative_to(corpus)) not in cached]
    if todo:
        print(f"reading {len(todo)} PDFs with pypdf ...", file=sys.stderr)
        with ProcessPoolExecutor() as pool:
            for path, pages in pool.map(read_pages, [str(f) for f in todo], chunksize=4):
                cached[str(Path(path).relative_to(corpus))] = pages
        if cache:
            cache.write_text(json.dumps(cached))
    return {f: cached[str(f.relative_to(corpus))] for f in files}


# ---------------------------------------------------------------------------
# Independent reading
# ---------------------------------------------------------------------------

GRADE = r"requires?\s+improvement(?:\s+to\s+be\s+good)?|inadequate|outstanding|good"
MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip


def plain(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")


def grade_word(text: str | None) -> str | None:
    if not text:
        return None
    low = re.sub(r"\s+", " ", text.lower())
    if low.startswith("require"):
        return "requires improvement"
    return low if low in ("inadequate", "outstanding", "good") else None


# Body headings start a line; narrative sentences that mention the same words
# rarely do, and never end in a bare grade followed by a line break.
BODY_HEADINGS: list[tuple[tuple[str, ...], str]] = [
    (("impact_of_leaders",), r"(?:The\s+)?impact\s+of\s+leaders\s+on\s+social\s+work\s+practice\s+with\s+children\s+and\s+families"),
    (("help_and_protection",), r"(?:The\s+)?experiences?\s+and\s+progress\s+of\s+children\s+who\s+need\s+help\s+and\s+protection"),
    (("children_in_care", "care_leavers"), r"(?:The\s+)?experiences?\s+and\s+progress\s+of\s+children\s+in\s+care\s+and\s+care\s+leavers"),
    (("children_in_care",), r"(?:The\s+)?experiences\s+(?:and\s+progress\s+)?of\s+children\s+in\s+care(?!\s+and)"),
    (("care_leavers",), r"(?:The\s+)?experiences?\s+and\s+progress\s+of\s+care\s+leavers"),
    # SIF
    (("children_in_care",), r"The\s+experiences?\s+and\s+progress\s+of\s+children\s+looked\s+after\s+and\s+achieving\s+permanence"),
    (("impact_of_leaders",), r"Leadership,\s+management\s+and\s+governance"),
]
SIF_CARE_LEAVERS = re.compile(
    rf"graded\s+judgement\s+(?:about|for)\s+the\s+experiences?\s+and\s+progress\s+of\s+care\s+leavers\s+is\s+that\s+(?:it|they)\s+(?:is\s+|are\s+)?(?P<g>{GRADE})",
    re.IGNORECASE,
)


def body_grades(pages: list[str]) -> dict[str, str]:
    raw = plain("\n".join(pages[1:]))
    found: dict[str, str] = {}
    for areas, heading in BODY_HEADINGS:
        pattern = rf"(?im)^[ \t]*{heading}[ \t]*(?:\n[ \t]*)?(?:is|are)?\s*:?\s*(?P<g>{GRADE})\b\.?[ \t]*$"
        match = re.search(pattern, raw)
        if match:
            for area in areas:
                found.setdefault(area, grade_word(match.group("g")) or "")
    match = SIF_CARE_LEAVERS.search(re.sub(r"\s+", " ", raw))
    if match:
        found.setdefault("care_leavers", grade_word(match.group("g")) or "")
    return {k: v for k, v in found.items() if v}


def page1_lines(pages: list[str]) -> list[str]:
    return [line.strip() for line in plain(pages[0]).splitlines() if line.strip()] if pages else []


def overall_from_lines(lines: list[str]) -> tuple[bool, str | None]:
    """(has an "Overall effectiveness" row, its grade) read line by line."""
    for i, line in enumerate(lines):
        if line.lower().startswith("overall effectiveness"):
            rest = line[len("overall effectiveness") :].strip()
            if not rest and i + 1 < len(lines):
                rest = lines[i + 1]
            return True, grade_word(re.match(rf"(?i)({GRADE})", rest).group(1)) if re.match(rf"(?i)({GRADE})", rest) else None
    # SIF headline: "Children's services in X are good" (may wrap).
    text = " ".join(lines[:25])
    match = re.search(
        rf"(?i)(?:children's services (?:in|on) .{{2,80}}?|overall judgement is(?: that children's services?)?)\s+(?:is |are )?(?P<g>{GRADE})",
        text,
    )
    return False, grade_word(match.group("g")) if match else None


def dates_in(text: str) -> list[datetime.date]:
    """Independent, simple parser: numbers, month names, years; forward fill."""
    words = re.findall(r"\d{1,2}/\d{1,2}/\d{4}|[A-Za-z]+|\d+", text)
    items: list[list[int | None]] = []
    for word in words:
        if "/" in word:
            d, m, y = (int(x) for x in word.split("/"))
            items.append([d, m, y])
        elif word.isdigit() and len(word) == 4:
            for item in reversed(items):
                if item[2] is None:
                    item[2] = int(word)
        elif word.isdigit():
            items.append([int(word), None, None])
        elif any(m.startswith(word.lower()[:3]) for m in MONTHS) and len(word) >= 3:
            number = next(i for i, m in enumerate(MONTHS, 1) if m.startswith(word.lower()[:3]))
            for item in reversed(items):
                if item[1] is None:
                    item[1] = number
    out = []
    for d, m, y in items:
        if d and m and y:
            try:
                out.append(datetime.date(y, m, d))
            except ValueError:
                pass
    return out


def header_dates(pages: list[str]) -> list[datetime.date]:
    """ILACS (2021+) page headers repeat the inspection dates under the title."""
    for page in pages[1:4]:
        lines = [line.strip() for line in plain(page).splitlines() if line.strip()]
        for i, line in enumerate(lines[:4]):
            if line.lower().endswith("children's services") and i + 1 < len(lines):
                candidate = re.sub(r"\s+\d{1,3}$", "", lines[i + 1])
                found = dates_in(candidate)
                if found:
                    return found
    return []


def lead_line(pages: list[str]) -> str | None:
    for page in pages:
        for line in plain(page).splitlines():
            match = re.match(r"\s*(?:Lead inspectors?(?: on site)?\s*:|Reporting inspector)\s*(.*)", line, re.IGNORECASE)
            if match:
                return match.group(1).strip()
    return None


def plausible_name(name: str) -> bool:
    return all(
        re.fullmatch(r"[A-Z][\w'.-]+(?:\s+[A-Za-z][\w'.-]*){1,3}", part)
        and not re.search(r"(?i)\bHMI\b|majesty|inspector", part)
        for part in name.split(" and ")
    )


def folder_la(path: Path) -> str:
    return re.sub(r"^\d+_", "", path.parent.name)


def simple_name(name: str) -> str:
    return re.sub(r"[^a-z ]", "", name.lower().replace("&", "and")).strip()


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------


@dataclass
class Result:
    path: Path
    meta: ReportMetadata | None
    era: str
    year: int
    # "found": the extractor produced every value the report should have.
    grades_found: bool = False
    dates_found: bool = False
    lead_found: bool = False
    # Independent readings compared (grades per area, dates and lead per report).
    grade_checks: int = 0
    grade_agree: int = 0
    date_checks: int = 0
    date_agree: int = 0
    lead_checks: int = 0
    lead_agree: int = 0
    misses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def all_found(self) -> bool:
        return self.grades_found and self.dates_found and self.lead_found


def expected_areas(meta: ReportMetadata, pages: list[str]) -> list[str]:
    """Areas this report must grade, from what its page 1 says is judged."""
    if meta.inspection_type == "LSCB review":
        return []
    if meta.framework is None:
        # 2013 looked-after-children reports: overall and leadership, unless
        # graded "adequate", which has no place in GRADES.
        return [a for a, g in lac_grades(pages).items() if g != "adequate"]
    page = re.sub(r"\s+", " ", plain(" ".join(pages[:2])))
    not_judged = {
        "children_in_care": re.search(r"(?i)achieving permanence not judged", page),
        "care_leavers": re.search(r"(?i)care leavers not judged", page),
    }
    areas = [a for a in AREAS if not not_judged.get(a)]
    if meta.framework == FRAMEWORK_ILACS_2026:
        areas.remove("overall_effectiveness")
    return areas


def lac_grades(pages: list[str]) -> dict[str, str]:
    """2013 reports: graded section headings "Leadership and management Grade 4 (inadequate)"."""
    text = re.sub(r"\s+", " ", plain(" ".join(pages)))
    found: dict[str, str] = {}
    for area, heading in (
        ("overall_effectiveness", r"Overall effectiveness of services for looked after children and young people"),
        ("impact_of_leaders", r"Leadership and management"),
    ):
        match = re.search(rf"{heading}(?: [^()]{{0,120}}?)? Grade \d \((?P<g>\w+)\)", text)
        if match:
            found[area] = match.group("g").lower()
    return found


def check(path: Path, pages: list[str] | None) -> Result:
    year = int(re.search(r"(\d{4})\.pdf$", path.name).group(1))
    if pages is None:
        result = Result(path, None, "unreadable", year)
        result.misses.append("pypdf could not read the file")
        return result
    try:
        meta = extract_report_metadata(pages, path)
    except Exception as error:  # noqa: BLE001 -- a crash is a miss to report, not a reason to stop
        result = Result(path, None, "extractor error", year)
        result.misses.append(f"extractor raised {type(error).__name__}: {error}")
        return result
    result = Result(path, meta, meta.framework or NO_ERA, year)
    check_grades(result, meta, pages)
    check_dates(result, meta, pages)
    check_lead(result, meta, pages)
    if meta.local_authority is None:
        result.misses.append("local authority not found")
    elif simple_name(meta.local_authority) != simple_name(folder_la(path)):
        result.notes.append(f"local authority {meta.local_authority!r} vs folder {folder_la(path)!r}")
    return result


def check_grades(result: Result, meta: ReportMetadata, pages: list[str]) -> None:
    expected = expected_areas(meta, pages)
    missing = [a for a in expected if meta.judgements.get(a) is None]
    for area in missing:
        result.misses.append(f"grade missing: {area}")
    if meta.framework is None:
        independent = {a: g for a, g in lac_grades(pages).items() if g != "adequate"}
    else:
        independent = body_grades(pages)
        has_overall_row, overall = overall_from_lines(page1_lines(pages))
        if overall:
            independent["overall_effectiveness"] = overall
        if meta.framework == FRAMEWORK_ILACS_2026 and has_overall_row:
            result.misses.append("ILACS 2026 label but page 1 has an overall-effectiveness row")
    if meta.framework == FRAMEWORK_ILACS_2026 and meta.judgements["overall_effectiveness"] is not None:
        result.misses.append("ILACS 2026 report with an overall grade")
    if not expected and any(meta.judgements.values()):
        result.misses.append(f"grades extracted from a report without children's services judgements: {meta.judgements}")
    for area, grade in independent.items():
        result.grade_checks += 1
        if meta.judgements.get(area) == grade:
            result.grade_agree += 1
        else:
            result.misses.append(f"grade disagrees: {area} extracted={meta.judgements.get(area)!r} independent={grade!r}")
    if meta.framework and meta.framework.startswith("ILACS") and len(independent) < len(expected):
        absent = [a for a in expected if a not in independent]
        result.notes.append(f"no independent reading for {', '.join(absent)}")
    result.grades_found = not missing and (bool(expected) or not any(meta.judgements.values()))


def dates_line(pages: list[str]) -> str | None:
    """The raw "Inspection date(s):" line of page 1, with a wrapped continuation."""
    lines = page1_lines(pages)
    for i, line in enumerate(lines):
        if re.match(r"(?i)inspection dates?\b", line):
            text = line
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if text.rstrip().endswith(("and", "-", "to")) or re.fullmatch(r"[\d\s-]*[A-Za-z]*\s*\d{4}", nxt):
                text += " " + nxt
            return re.split(r"(?i)lead inspector|report published", text)[0]
    return None


def check_dates(result: Result, meta: ReportMetadata, pages: list[str]) -> None:
    start, end, published = meta.inspection_start, meta.inspection_end, meta.published
    problems = []
    if not (start and end and published):
        problems.append(f"date missing: start={start} end={end} published={published}")
    else:
        if not start <= end <= published:
            problems.append(f"dates out of order: {start} {end} {published}")
        if (end - start).days > 60:
            result.notes.append(f"long inspection span {start} to {end}")
        if start.weekday() > 4 or end.weekday() > 4:
            result.notes.append(f"weekend inspection date {start} / {end}")
        if (published - end).days > 200:
            result.notes.append(f"published {published} long after end {end}")
        line = dates_line(pages)
        line_dates = dates_in(line) if line else []
        if line_dates:
            result.date_checks += 1
            if (line_dates[0], line_dates[-1]) == (start, end):
                result.date_agree += 1
            else:
                problems.append(f"line reading {line_dates[0]}..{line_dates[-1]} of {line!r} != {start}..{end}")
        header = header_dates(pages)
        if header and (header[0] != start or (len(header) > 1 and header[-1] != end)):
            message = f"page header dates {header[0]}..{header[-1]} != {start}..{end}"
            # Headers carry typos; on-site weeks run Monday to Friday and end
            # before publication, which settles which reading is right.
            if plausibility(start, end, published) > plausibility(header[0], header[-1], published):
                result.notes.append(message + " (header typo: page-1 dates are the plausible ones)")
            else:
                problems.append(message)
        file_date = re.search(r"(\d{1,2}) ([a-z]+) (\d{4})\.pdf$", result.path.name)
        if file_date:
            filed = datetime.date(int(file_date.group(3)), MONTHS.index(file_date.group(2)) + 1, int(file_date.group(1)))
            if filed != published:
                result.notes.append(f"published in text {published} vs file name {filed}")
    result.misses.extend(problems)
    result.dates_found = bool(start and end and published)


def plausibility(start: datetime.date, end: datetime.date, published: datetime.date) -> int:
    return (start.weekday() == 0) + (end.weekday() == 4) + (start <= end <= published)


def check_lead(result: Result, meta: ReportMetadata, pages: list[str]) -> None:
    name = meta.lead_inspector
    line = lead_line(pages)
    if not name:
        reason = "no 'Lead inspector' line in the text" if line is None else f"not parsed from {line!r}"
        result.misses.append(f"lead inspector missing ({reason})")
        return
    result.lead_found = True
    if not plausible_name(name):
        result.misses.append(f"lead inspector implausible: {name!r}")
    if line is not None:
        result.lead_checks += 1
        # Every surname must be on the raw line (two leads may wrap onto the next line).
        context = lead_context(pages) or line
        if all(part.split()[-1] in context for part in name.split(" and ")):
            result.lead_agree += 1
        else:
            result.misses.append(f"lead inspector {name!r} disagrees with the line {context!r}")


def lead_context(pages: list[str]) -> str | None:
    for page in pages:
        lines = plain(page).splitlines()
        for i, line in enumerate(lines):
            if re.match(r"\s*(?:Lead inspectors?(?: on site)?\s*:|Reporting inspector)", line, re.IGNORECASE):
                return " ".join(lines[i : i + 2])
    return None


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

ERA_ORDER = [*FRAMEWORKS, NO_ERA, "unreadable", "extractor error"]


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} {100 * part / whole:.1f}%" if whole else "-"


def print_table(title: str, groups: dict[str, list[Result]]) -> None:
    print(f"\n{title}")
    columns = ["era", "n", "grades found", "dates found", "lead found", "all 3 found",
               "grades agree*", "dates agree", "lead agree"]  # fmt: skip
    rows = []
    for era in sorted(groups, key=lambda e: ERA_ORDER.index(e) if e in ERA_ORDER else 99):
        rs = groups[era]
        n = len(rs)
        rows.append([
            era,
            str(n),
            pct(sum(r.grades_found for r in rs), n),
            pct(sum(r.dates_found for r in rs), n),
            pct(sum(r.lead_found for r in rs), n),
            pct(sum(r.all_found for r in rs), n),
            pct(sum(r.grade_agree for r in rs), sum(r.grade_checks for r in rs)),
            pct(sum(r.date_agree for r in rs), sum(r.date_checks for r in rs)),
            pct(sum(r.lead_agree for r in rs), sum(r.lead_checks for r in rs)),
        ])  # fmt: skip
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    print("* per judgement area; dates and lead per report")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None, help="JSON file caching pypdf page texts")
    parser.add_argument("--verbose", action="store_true", help="also list notes (non-failures)")
    args = parser.parse_args(argv)
    corpus = (args.corpus or default_corpus()).resolve()
    files = sorted((corpus / "reports").glob("*/*.pdf"))
    if not files:
        print(f"No reports found under {corpus / 'reports'}")
        return 0
    not_pdf = [f for f in files if not is_pdf(f)]
    pdfs = [f for f in files if f not in not_pdf]
    texts = load_texts(pdfs, corpus, args.cache)
    results = [check(path, texts[path]) for path in pdfs]

    print(f"Corpus: {corpus}")
    print(f"{len(files)} files; {len(not_pdf)} are not PDFs (skipped): " + ", ".join(str(f.relative_to(corpus)) for f in not_pdf))

    by_era: dict[str, list[Result]] = defaultdict(list)
    target: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_era[r.era].append(r)
        if r.year >= TARGET_FROM_YEAR:
            target[r.era].append(r)
    print_table("All reports, by era (era = framework the extractor assigned):", by_era)
    print_table(f"Reports published {TARGET_FROM_YEAR}-2026 (the target set):", target)

    in_target = [r for r in results if r.year >= TARGET_FROM_YEAR]
    total = len(in_target)
    print(f"\nTarget: reports published {TARGET_FROM_YEAR}-2026, n={total}")
    for label, attr in (("grades", "grades_found"), ("dates", "dates_found"), ("lead inspector", "lead_found")):
        ok = sum(getattr(r, attr) for r in in_target)
        flag = "OK " if total and ok / total >= TARGET_SHARE else "LOW"
        print(f"[{flag}] {label + ' found':<22} {pct(ok, total)} (target {TARGET_SHARE:.0%})")
    for label, good, checks in (
        ("grades agree", "grade_agree", "grade_checks"),
        ("dates agree", "date_agree", "date_checks"),
        ("lead agrees", "lead_agree", "lead_checks"),
    ):
        ok, n = sum(getattr(r, good) for r in in_target), sum(getattr(r, checks) for r in in_target)
        flag = "OK " if n and ok / n >= TARGET_SHARE else "LOW"
        print(f"[{flag}] {label:<22} {pct(ok, n)}")
    clean = sum(not r.misses for r in in_target)
    print(f"      reports with no miss   {pct(clean, total)}")

    print("\nMisses (every report with a failed check):")
    missed = [r for r in results if r.misses]
    for r in missed:
        print(f"- {r.path.relative_to(corpus)} [{r.era}]")
        for miss in r.misses:
            print(f"    {miss}")
    if not missed:
        print("  none")

    notes = Counter(note.split(":")[0].split(" ")[0] for r in results for note in r.notes)
    print(f"\nNotes (not failures): {sum(notes.values())} -- run with --verbose to list them")
    if args.verbose:
        for r in results:
            for note in r.notes:
                print(f"- {r.path.relative_to(corpus)}: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
