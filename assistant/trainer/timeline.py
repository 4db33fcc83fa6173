"""Every inspection of one council in date order: grades per area and how inspectors' words on a theme changed."""
from __future__ import annotations

from pathlib import Path

from assistant.config import Settings, apply_offline_env
from assistant.index import Index
from assistant.trainer.compare import summarise, theme_quotes
from assistant.trainer.evidence import open_index, read_theme
from assistant.trainer.models import Timeline
from assistant.domain import in_years, sort_date
from assistant.trainer.scope import describe_years, resolve_councils


def council_timeline(index: Index | str | Path, council: str, theme: str | None = None, *,
                     year_from: int | None = None, year_to: int | None = None, quotes_per_report: int = 2,
                     dense: bool = False, settings: Settings | None = None) -> Timeline:
    """The council's indexed reports (within the years, when given), oldest first. Raises ValueError when no
    indexed report is for it."""
    apply_offline_env()
    index = open_index(index, settings)
    found, _ = resolve_councils(index, [council])
    if not found:
        raise ValueError(f"no indexed report is for {council!r}")
    name = found[0]
    every = [d for d in index.reports() if d.local_authority == name]
    docs = sorted((d for d in every if in_years(d, year_from, year_to)), key=sort_date)
    notices = []
    cover = index.coverage()
    waiting = cover.waiting_for([name], year_from, year_to)
    if waiting:
        notices.append(cover.waiting_sentence(waiting))
    elif len(every) == 1:
        notices.append(f"The library holds one report for {name}.")
    if len(docs) < len(every):
        notices.append(f"{len(docs)} of the {len(every)} indexed reports of {name} are {describe_years(year_from, year_to)}.")
    summaries = [summarise(d) for d in docs]
    theme = " ".join((theme or "").split()) or None
    if theme:
        quotes = theme_quotes(index, read_theme(index, theme), docs, quotes_per_report, dense)
        for s in summaries:
            s.quotes = quotes.get(s.doc_id, [])
        silent = [str(s.published.year) if s.published else s.title for s in summaries if not s.quotes]
        if silent:
            notices.append(f"Nothing quotable on \u201c{theme}\u201d in the report{'s' if len(silent) != 1 else ''} of {', '.join(silent)}.")
    return Timeline(council=name, theme=theme, reports=summaries, notices=notices, year_from=year_from, year_to=year_to)
