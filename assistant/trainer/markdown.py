"""Markdown for briefings, comparisons and timelines: what the CLI prints, the .md handout and the page can show."""
from __future__ import annotations

from assistant.domain import AREA_LABELS, AREAS
from assistant.trainer.models import GROUP_LABELS, Briefing, Comparison, Quote, ReportSummary, Timeline, long_date


DASH = "\u2014"


def _esc(text: str) -> str:
    """Quotes are verbatim; only characters Markdown would act on at a line start or inline are escaped."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`").replace("[", "\\[")


def quote_line(q: Quote, bullet: str = "-") -> str:
    return f"{bullet} \u201c{_esc(q.text)}\u201d \u2014 {q.reference()}"


def _grade(value: str | None) -> str:
    return value.capitalize() if value else "\u2014"


def briefing_markdown(b: Briefing, image: str | None = None) -> str:
    """The briefing as Markdown; `image` is the chart's path relative to where the Markdown will live."""
    out = [f"# Theme briefing: {b.theme}", "",
           f"*Scope: {b.scope.description}. Generated {b.generated:%d %B %Y %H:%M}. Every quote is verbatim from the "
           "cited report or framework document and was checked against its page.*", "", b.message, ""]
    for n in b.notices:
        out += [f"> {n}", ""]
    if not b.empty:
        out += ["## Reports speaking to the theme, by grade", "",
                "| Grade of the passage's judgement | Reports |", "| --- | ---: |"]
        out += [f"| {g.capitalize()} | {n} |" for g, n in b.by_grade.items()]
        out.append("")
        if image:
            out += [f"![Reports speaking to the theme by grade]({image})", ""]
        for g in b.groups:
            out += [f"## {g.label}: {g.reports} report{'s' if g.reports != 1 else ''}, {g.passages} passage{'s' if g.passages != 1 else ''}", ""]
            if g.councils:
                out += [g.councils_line(limit=None), ""]  # the document lists every council; the page may shorten
            out += [quote_line(q) for q in g.quotes] or ["No passage in this group speaks to the theme."]
            out.append("")
        out += ["## What distinguishes strong reports from weak ones", ""]
        if b.distinctions:
            for d in b.distinctions:
                other = "strong" if d.group == "weak" else "weak"
                out.append(f"- **\u201c{_esc(d.phrase)}\u201d** \u2014 {GROUP_LABELS[d.group].split(' (')[0].lower()} "
                           f"reports: {d.reports}; {other} reports: {d.other_reports}")
                out += [quote_line(q, "    -") for q in d.quotes]
        else:
            out.append("No phrase recurs in one group's passages and not the other's.")
        out.append("")
    out += ["## What the framework documents expect", ""]
    out += [quote_line(q) for q in b.framework] or ["No framework document in the index speaks to the theme."]
    out.append("")
    if b.prompts:
        out += ["## Discussion prompts", ""] + [f"{i}. {p}" for i, p in enumerate(b.prompts, 1)] + [""]
    if b.sources:
        out += ["## Sources", ""] + [f"- {s}" for s in b.sources] + [""]
    return "\n".join(out)


def _grades_table(reports: list[ReportSummary], heading: str, label) -> list[str]:
    out = [f"| {heading} | " + " | ".join(label(r) for r in reports) + " |",
           "| --- | " + " | ".join("---" for _ in reports) + " |"]
    out.append("| Published | " + " | ".join(long_date(r.published) for r in reports) + " |")
    out.append("| Framework | " + " | ".join(r.framework or "\u2014" for r in reports) + " |")
    for area in AREAS:
        out.append(f"| {AREA_LABELS[area]} | " + " | ".join(_grade(r.judgements.get(area)) for r in reports) + " |")
    return out


def comparison_markdown(c: Comparison) -> str:
    out = [f"# Comparison: {', '.join(c.councils) or 'no indexed council'}", "",
           f"*{c.scope_line()} Generated {c.generated:%d %B %Y %H:%M}. Every quote is verbatim from the cited report "
           "and was checked against its page.*", ""]
    out += [f"> {n}" for n in c.notices] + ([""] if c.notices else [])
    if c.reports:
        out += ["## Latest grades", ""] + _grades_table(c.reports, "Area", lambda r: r.local_authority or r.title) + [""]
    if c.theme:
        out += [f"## What each latest report says on \u201c{c.theme}\u201d", ""]
        for r in c.reports:
            out += [f"### {r.local_authority} (published {long_date(r.published)})", ""]
            out += [quote_line(q) for q in r.quotes] or ["Nothing quotable on the theme."]
            out.append("")
    return "\n".join(out)


def timeline_markdown(t: Timeline, image: str | None = None) -> str:
    out = [f"# Timeline: {t.council}", "",
           f"*{t.scope_line()} Generated {t.generated:%d %B %Y %H:%M}. Every quote is verbatim from the cited report "
           "and was checked against its page.*", ""]
    out += [f"> {n}" for n in t.notices] + ([""] if t.notices else [])
    if t.reports:
        out += ["## Inspections", "", "| Published | Inspected | Framework | " + " | ".join(AREA_LABELS[a] for a in AREAS) + " |",
                "| --- | --- | --- | " + " | ".join("---" for _ in AREAS) + " |"]
        for r in t.reports:
            inspected = f"{long_date(r.inspection_start)} \u2013 {long_date(r.inspection_end)}" if r.inspection_start else "\u2014"
            out.append(f"| {long_date(r.published)} | {inspected} | {r.framework or DASH} | "
                       + " | ".join(_grade(r.judgements.get(a)) for a in AREAS) + " |")
        out.append("")
    if image:
        out += [f"![Judgements over time]({image})", ""]
    if t.theme:
        out += [f"## How inspectors wrote about \u201c{t.theme}\u201d", ""]
        for r in t.reports:
            out += [f"### {long_date(r.published)} ({r.framework or 'framework unknown'}; overall: "
                    f"{_grade(r.judgements.get('overall_effectiveness'))})", ""]
            out += [quote_line(q) for q in r.quotes] or ["Nothing quotable on the theme."]
            out.append("")
    return "\n".join(out)
