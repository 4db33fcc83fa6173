"""Two to five councils side by side: the latest grades per area and, for a theme, what each latest report says."""
from __future__ import annotations

from pathlib import Path

from assistant.config import Settings, apply_offline_env
from assistant.index import Index
from assistant.domain import AREAS, in_years, latest_per_council
from assistant.models import DocumentInfo
from assistant.trainer.evidence import Theme, open_index, read_theme, theme_passages
from assistant.trainer.models import Comparison, Quote, ReportSummary
from assistant.trainer.scope import describe_years, resolve_councils
from assistant.trainer.select import pick, rank

MIN_COUNCILS, MAX_COUNCILS = 2, 5


def summarise(doc: DocumentInfo) -> ReportSummary:
    return ReportSummary(
        doc_id=doc.doc_id, title=doc.title, local_authority=doc.local_authority, published=doc.published,
        inspection_start=doc.inspection_start, inspection_end=doc.inspection_end, framework=doc.framework,
        inspection_type=doc.inspection_type, lead_inspector=doc.lead_inspector,
        judgements={a: doc.judgements.get(a) for a in AREAS},
    )


def theme_quotes(index: Index, theme: Theme, docs: list[DocumentInfo], per_report: int,
                 dense: bool) -> dict[str, list[Quote]]:
    """doc_id -> up to per_report verified quotes on the theme, from one retrieval over all the documents."""
    if theme.empty or not docs:
        return {}
    passages = theme_passages(index, theme, docs, pool=max(100, 40 * len(docs)), dense=dense)
    out: dict[str, list[Quote]] = {}
    for doc in docs:
        mine = [p for p in passages if p.doc.doc_id == doc.doc_id]
        out[doc.doc_id] = pick(index, rank(index, theme, mine), per_report, per_council=per_report, per_report=per_report)
    return out


def compare_councils(index: Index | str | Path, councils: list[str], theme: str | None = None, *,
                     year_from: int | None = None, year_to: int | None = None, quotes_per_council: int = 3,
                     dense: bool = False, settings: Settings | None = None) -> Comparison:
    """Each council's latest indexed report (within the years, when given): grades per area and, given a theme,
    cited quotes on it.

    Raises ValueError unless two to five councils are named."""
    apply_offline_env()
    names = [n for n in (c.strip() for c in councils) if n]
    if not MIN_COUNCILS <= len(names) <= MAX_COUNCILS:
        raise ValueError(f"compare needs {MIN_COUNCILS} to {MAX_COUNCILS} councils, not {len(names)}")
    index = open_index(index, settings)
    found, missing = resolve_councils(index, names)
    latest = latest_per_council(d for d in index.reports() if in_years(d, year_from, year_to))
    docs = [latest[n] for n in found if n in latest]
    notices = [f"No indexed report is for {', '.join(missing)}."] if missing else []
    years = describe_years(year_from, year_to)
    outside = [n for n in found if n not in latest]
    if outside:
        notices.append(f"No indexed report of {', '.join(outside)} is {years}.")
    theme = " ".join((theme or "").split()) or None
    summaries = [summarise(d) for d in docs]
    if theme:
        t = read_theme(index, theme)
        quotes = theme_quotes(index, t, docs, quotes_per_council, dense)
        for s in summaries:
            s.quotes = quotes.get(s.doc_id, [])
            if not s.quotes:
                notices.append(f"{s.local_authority}'s latest report says nothing on \u201c{theme}\u201d that could be quoted.")
    return Comparison(councils=found, theme=theme, reports=summaries, missing=missing, notices=notices,
                      year_from=year_from, year_to=year_to)
