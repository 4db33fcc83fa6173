"""Which reports a trainer tool may draw on: year range, framework era and named councils."""
from __future__ import annotations

from assistant.domain import FRAMEWORKS, in_years, report_year, sort_date
from assistant.index import Index
from assistant.models import DocumentInfo
from assistant.query import CouncilMatcher
from assistant.trainer.models import Scope, describe_years


REGION_UNSUPPORTED = (
    "Region filters are not supported: the indexed reports carry no region (only the council and Ofsted's URN), "
    "so pass the councils of the region instead."
)


class UnsupportedFilter(ValueError):
    pass


def council_matcher(index: Index) -> CouncilMatcher:
    return CouncilMatcher([d.local_authority for d in index.reports() if d.local_authority])


def resolve_councils(index: Index, names: list[str]) -> tuple[list[str], list[str]]:
    """(indexed council names, names that match none), accepting short forms such as "Stoke"."""
    matcher = council_matcher(index)
    found, missing = [], []
    for name in names:
        hit = matcher.resolve(name)
        if hit is None:
            missing.append(name)
        elif hit not in found:
            found.append(hit)
    return found, missing


def resolve_frameworks(names: list[str]) -> list[str]:
    """Era names to the index's framework labels; "ILACS" means every ILACS era."""
    out: list[str] = []
    for name in names:
        key = name.strip().casefold().replace("_", " ")
        matches = [f for f in FRAMEWORKS if f.casefold() == key] or [f for f in FRAMEWORKS if f.casefold().startswith(key)]
        if not matches:
            raise UnsupportedFilter(f"unknown framework era {name!r}; use one of: {', '.join(FRAMEWORKS)}")
        out.extend(m for m in matches if m not in out)
    return out


def select_reports(
    index: Index, year_from: int | None = None, year_to: int | None = None, frameworks: list[str] | None = None,
    councils: list[str] | None = None, region: str | None = None,
) -> tuple[list[DocumentInfo], Scope, list[str]]:
    """(reports admitted, scope description, notices)."""
    if region:
        raise UnsupportedFilter(REGION_UNSUPPORTED)
    notices: list[str] = []
    eras = resolve_frameworks(frameworks or [])
    names, missing = resolve_councils(index, councils or [])
    if missing:
        notices.append(f"No indexed report is for {', '.join(missing)}.")
    wanted = {n.casefold() for n in names}
    reports = [
        d for d in index.reports()
        if in_years(d, year_from, year_to)
        and (not eras or d.framework in eras)
        and (not councils or (d.local_authority or "").casefold() in wanted)
    ]
    reports.sort(key=lambda d: (d.local_authority or "", sort_date(d)))
    scope = Scope(year_from=year_from, year_to=year_to, frameworks=eras, councils=names, reports=len(reports),
                  description=describe(year_from, year_to, eras, names, councils))
    return reports, scope, notices


def describe(year_from, year_to, eras, names, asked) -> str:
    parts = []
    if asked:
        parts.append("reports for " + (", ".join(names) if names else "no indexed council"))
    else:
        parts.append("all indexed reports")
    if years := describe_years(year_from, year_to):
        parts.append(years)
    if eras:
        parts.append("under " + " or ".join(eras))
    return ", ".join(parts)


def available_filters(index: Index) -> dict:
    """What the page's filter widgets can offer: councils, framework eras present and the year range."""
    reports = index.reports()
    years = sorted({y for d in reports if (y := report_year(d))})
    return {
        "councils": sorted({d.local_authority for d in reports if d.local_authority}),
        "frameworks": [f for f in FRAMEWORKS if any(d.framework == f for d in reports)],
        "years": (years[0], years[-1]) if years else None,
        "region": REGION_UNSUPPORTED,
    }
