"""Theme briefings: what inspectors wrote about a theme across every report, grouped by the grade the report
gave the judgement the passage belongs to, with the framework's expectations and the phrases that set strong
reports apart from weak ones."""
from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

from assistant.config import Settings, apply_offline_env
from assistant.index import Index
from assistant.domain import GRADES, STRONG_GRADES, WEAK_GRADES
from assistant.models import DocumentInfo
from assistant.trainer.evidence import Passage, open_index, read_theme, theme_passages
from assistant.trainer.models import GROUP_LABELS, Briefing, Group, GroupSummary, Quote, Scope, long_date
from assistant.trainer.phrases import find_distinctions
from assistant.trainer.prompts import discussion_prompts
from assistant.trainer.scope import select_reports
from assistant.trainer.select import pick, quote_keys, rank

NORMATIVE = re.compile(r"\b(?:should|must|are expected|is expected|need to|needs to|will ensure|ensure that)\b", re.I)
# The framework documents trainers set practice against, preferred over the others when they speak to the theme.
PREFERRED_FRAMEWORK = re.compile(r"working together|national framework|sccif|common inspection framework", re.I)


def grade_group(grade: str | None) -> Group | None:
    if grade in STRONG_GRADES:
        return "strong"
    if grade in WEAK_GRADES:
        return "weak"
    return None


def build_briefing(
    index: Index | str | Path, theme: str, *, year_from: int | None = None, year_to: int | None = None,
    frameworks: list[str] | None = None, councils: list[str] | None = None, region: str | None = None,
    quotes_per_group: int = 6, framework_quotes: int = 4, distinctions_per_group: int = 4, dense: bool = False,
    settings: Settings | None = None,
) -> Briefing:
    """A theme briefing over the indexed reports the filters admit.

    Raises scope.UnsupportedFilter for a region or an unknown framework era; a theme that matches nothing
    gives an empty briefing (`empty=True`) whose `message` says so."""
    apply_offline_env()
    started = time.perf_counter()
    index = open_index(index, settings)
    theme = " ".join("".join(ch if ch.isprintable() else " " for ch in str(theme or "")).split())
    reports, scope, notices = select_reports(index, year_from, year_to, frameworks, councils, region)

    def finish(b: Briefing) -> Briefing:
        b.seconds = round(time.perf_counter() - started, 3)
        return b

    if not re.search(r"\w", theme):
        return finish(_empty(theme, scope, "Please give a theme, for example \u201cmanagement oversight and supervision\u201d.", notices))
    t = read_theme(index, theme)
    if t.empty:
        return finish(_empty(theme, scope, f"\u201c{theme}\u201d has no words to search for; try a more specific theme.", notices))
    # "supervision in Stoke since 2023" means Stoke's reports from 2023: as in chat, names and years in the
    # theme are filters, not search words (explicit filters win).
    found = t.understanding.filters
    named = found.local_authority if not councils else []
    years = (found.year_from, found.year_to) if not (year_from or year_to) and (found.year_from or found.year_to) else None
    if named or years:
        if years:  # "since 2022" comes back as 2022-2100: an open end
            year_from, year_to = (years[0] if years[0] and years[0] > 1900 else None), (years[1] if years[1] and years[1] < 2100 else None)
        reports, scope, more = select_reports(index, year_from, year_to, frameworks, named or councils, region)
        notices += more + [f"Filters read from the theme: {scope.description}."]
    passages = theme_passages(index, t, reports, dense=dense) if reports else []
    frameworks_docs = [d for d in index.documents().values() if d.kind == "framework"]
    framework = _framework_quotes(index, t, frameworks_docs, framework_quotes, dense, passages)
    if not reports:
        msg = "No indexed report matches the filters (" + scope.description + ")."
        return finish(_empty(theme, scope, msg, notices, framework))
    if not passages:
        msg = f"No indexed report speaks to \u201c{theme}\u201d ({scope.reports} report{'s' if scope.reports != 1 else ''} searched: {scope.description})."
        return finish(_empty(theme, scope, msg, notices, framework))

    by_group: dict[Group, list[Passage]] = {"strong": [], "weak": []}
    ungraded: set[str] = set()
    by_grade: dict[str, set[str]] = {g: set() for g in GRADES}
    for p in passages:
        group = grade_group(p.grade)
        if group is None:
            ungraded.add(p.doc.doc_id)
            continue
        by_group[group].append(p)
        by_grade[p.grade].add(p.doc.doc_id)
    if ungraded:
        notices.append(f"{len(ungraded)} report{'s' if len(ungraded) != 1 else ''} speaking to the theme carry no grade "
                       "for the passage's judgement and are left out of the grouping.")

    groups: list[GroupSummary] = []
    taken: list[Quote] = []
    for name in ("strong", "weak"):
        pool = by_group[name]
        # Several councils first; a group drawn from one or two councils may still fill its quota from them.
        councils_in = len({p.council for p in pool}) or 1
        per_council = min(3, max(2, -(-quotes_per_group // councils_in)))
        quotes = pick(index, rank(index, t, pool, name), quotes_per_group, per_council=per_council, per_report=per_council,
                      avoid=quote_keys(taken))
        taken.extend(quotes)
        groups.append(GroupSummary(
            group=name, label=GROUP_LABELS[name], reports=len({p.doc.doc_id for p in pool}), passages=len(pool),
            councils=sorted({p.council for p in pool}), quotes=quotes,
        ))
    speaking = {p.doc.doc_id for p in passages}
    both = {p.doc.doc_id for p in by_group["strong"]} & {p.doc.doc_id for p in by_group["weak"]}
    if both:
        notices.append(f"{len(both)} report{'s' if len(both) != 1 else ''} count in both groups: their judgement areas "
                       "were graded differently and each speaks to the theme under more than one.")
    b = Briefing(
        theme=theme, scope=scope, empty=False, message="", reports_speaking=len(speaking),
        by_grade={g: len(ids) for g, ids in by_grade.items()}, groups=groups, framework=framework,
        distinctions=find_distinctions(index, t, by_group, distinctions_per_group), notices=notices,
        generated=dt.datetime.now().replace(microsecond=0),
    )
    b.message = _summary(b)
    b.prompts = discussion_prompts(b)
    b.sources = sources(b.quotes())
    return finish(b)


def _framework_quotes(index: Index, t, docs: list[DocumentInfo], n: int, dense: bool,
                      reports: list[Passage]) -> list[Quote]:
    if not docs or n <= 0:
        return []
    passages = theme_passages(index, t, docs, pool=200, dense=dense, headings=False)
    # The expectations worth quoting are about what inspectors write on the theme ("caseloads" of social
    # workers, not of probation officers): closeness is measured to the reports' passages when there are any.
    scored = rank(index, t, passages, reference=reports or None)
    # Working Together, the National Framework and the SCCIF set the expectations inspectors test against.
    # Sentences that state a duty ("should", "must", or under a "how leaders should ..." heading) set an
    # expectation; definitions and background do not.
    def normative(p: Passage) -> bool:
        return bool(NORMATIVE.search(p.text) or NORMATIVE.search(p.row.get("section") or ""))

    if sum(normative(p) for _, p in scored) >= 2:
        scored = [(s, p) for s, p in scored if normative(p)]
    scored = [(s * (1.15 if PREFERRED_FRAMEWORK.search(p.doc.title) else 1.0), p) for s, p in scored]
    scored.sort(key=lambda sp: -sp[0])
    # A short list of close matches beats a full one padded with passages that merely use the word.
    best = scored[0][0] if scored else 0.0
    return pick(index, [(s, p) for s, p in scored if s >= 0.7 * best], n, per_council=2, per_report=2)


def _empty(theme: str, scope: Scope, message: str, notices: list[str], framework: list[Quote] | None = None) -> Briefing:
    b = Briefing(theme=theme, scope=scope, empty=True, message=message, notices=notices, framework=framework or [],
                 by_grade=dict.fromkeys(GRADES, 0), generated=dt.datetime.now().replace(microsecond=0))
    b.sources = [_source_line(q) for q in dict((q.doc_id, q) for q in b.framework).values()]
    return b


def _summary(b: Briefing) -> str:
    strong, weak = b.group("strong"), b.group("weak")
    parts = [f"{b.reports_speaking} of {b.scope.reports} report{'s' if b.scope.reports != 1 else ''} "
             f"({b.scope.description}) speak to \u201c{b.theme}\u201d."]
    parts.append(f"Strong (outstanding or good): {strong.reports} report{'s' if strong.reports != 1 else ''}, "
                 f"{strong.passages} passage{'s' if strong.passages != 1 else ''}; weak (requires improvement or "
                 f"inadequate): {weak.reports} report{'s' if weak.reports != 1 else ''}, "
                 f"{weak.passages} passage{'s' if weak.passages != 1 else ''}.")
    if not b.distinctions:
        parts.append("No phrase recurs in one group and not the other" + (
            " (both groups are needed for a contrast)." if not (strong.passages and weak.passages) else "."))
    return " ".join(parts)


def _source_line(q: Quote) -> str:
    name = Path(q.path).name
    if q.kind == "report":
        return f"{q.local_authority}: children's services inspection report published {long_date(q.published)}" + \
            (f" ({q.framework})" if q.framework else "") + f", file \u201c{name}\u201d"
    return f"{q.title}, file \u201c{name}\u201d"


def sources(quotes: list[Quote]) -> list[str]:
    """One line per document quoted: reports by council and date, then framework documents."""
    docs: dict[str, Quote] = {}
    for q in quotes:
        docs.setdefault(q.doc_id, q)
    ordered = sorted(docs.values(), key=lambda q: (q.kind != "report", q.local_authority or q.title,
                                                    q.published or dt.date.min))
    return [_source_line(q) for q in ordered]
