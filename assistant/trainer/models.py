"""What the trainer tools return: pydantic models the Gradio page can render and `--json` can print."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from assistant.domain import AREA_LABELS
from assistant.models import Citation

Group = Literal["strong", "weak"]
GROUP_LABELS = {"strong": "Strong (outstanding or good)", "weak": "Weak (requires improvement or inadequate)"}


def long_date(d: dt.date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else "date unknown"


def describe_years(year_from: int | None, year_to: int | None) -> str:
    """"published 2019", "published 2015-2019", "published from 2022", "published up to 2019", or ""."""
    if year_from and year_to:
        return f"published {year_from}" if year_from == year_to else f"published {year_from}-{year_to}"
    if year_from:
        return f"published from {year_from}"
    if year_to:
        return f"published up to {year_to}"
    return ""


class Quote(BaseModel):
    """One verbatim sentence, checked against its chunk and its page, with everything needed to cite it."""

    text: str
    doc_id: str
    kind: Literal["report", "framework"]
    title: str
    path: str
    local_authority: str | None = None
    published: dt.date | None = None
    framework: str | None = None
    section: str | None = None
    paragraph: str | None = None
    page: int
    area: str | None = None  # the judgement area of the passage, when the report's structure tells it
    grade: str | None = None  # the grade the report gave that area (else its overall effectiveness)
    chunk_id: str | None = None
    char_start: int | None = None  # offsets on the page, for highlighting
    char_end: int | None = None
    score: float = 0.0

    def source(self) -> str:
        """Council and report date, or the framework document's title."""
        if self.kind == "report":
            return f"{self.local_authority}, report published {long_date(self.published)}"
        return self.title

    def reference(self) -> str:
        """The full citation: source, paragraph, page."""
        parts = [self.source()]
        if self.paragraph:
            parts.append(f"paragraph {self.paragraph}")
        parts.append(f"page {self.page}")
        return ", ".join(parts)

    def to_citation(self, n: int) -> Citation:
        """The chat answers' citation shape, so the page can reuse its citation widgets."""
        return Citation(
            n=n, doc_id=self.doc_id, path=self.path, title=self.title, kind=self.kind,
            local_authority=self.local_authority, published=self.published, section=self.section,
            paragraph=self.paragraph, page=self.page, quote=self.text, score=self.score, chunk_id=self.chunk_id,
            char_start=self.char_start, char_end=self.char_end,
        )


class Scope(BaseModel):
    """The reports a briefing was drawn from, in words and in numbers."""

    year_from: int | None = None
    year_to: int | None = None
    frameworks: list[str] = Field(default_factory=list)
    councils: list[str] = Field(default_factory=list)
    reports: int = 0  # reports the filters admit
    description: str = "all indexed reports"


class GroupSummary(BaseModel):
    group: Group
    label: str
    reports: int  # distinct reports with at least one passage on the theme in this group
    passages: int
    councils: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)

    def councils_line(self, limit: int | None = 15) -> str:
        """The councils; `limit` shortens the list for the page ("and 109 more"), None lists all (the handouts:
        a trainer checking whether their council is in a group needs every name)."""
        if not self.councils:
            return ""
        # Semicolons: some council names contain commas ("Bournemouth, Christchurch and Poole").
        if limit is None or len(self.councils) <= limit:
            return f"Councils: {'; '.join(self.councils)}."
        return f"Councils ({len(self.councils)}): {'; '.join(self.councils[:limit])}; and {len(self.councils) - limit} more."


class Distinction(BaseModel):
    """A phrase that recurs in one group's passages on the theme and (almost) never in the other's."""

    phrase: str
    group: Group
    reports: int  # reports of this group using it
    other_reports: int  # reports of the other group using it
    quotes: list[Quote] = Field(default_factory=list)


class Briefing(BaseModel):
    theme: str
    scope: Scope
    empty: bool
    message: str
    reports_speaking: int = 0
    by_grade: dict[str, int] = Field(default_factory=dict)  # grade -> reports with passages graded so
    groups: list[GroupSummary] = Field(default_factory=list)
    framework: list[Quote] = Field(default_factory=list)
    distinctions: list[Distinction] = Field(default_factory=list)
    prompts: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)  # one line per document quoted
    notices: list[str] = Field(default_factory=list)
    generated: dt.datetime
    seconds: float = 0.0

    def group(self, name: Group) -> GroupSummary | None:
        return next((g for g in self.groups if g.group == name), None)

    def quotes(self) -> list[Quote]:
        """Every quote of the briefing, each once, in reading order."""
        seen: set[tuple] = set()
        out: list[Quote] = []
        pools = [g.quotes for g in self.groups] + [d.quotes for d in self.distinctions] + [self.framework]
        for pool in pools:
            for q in pool:
                key = (q.doc_id, q.page, q.text)
                if key not in seen:
                    seen.add(key)
                    out.append(q)
        return out


class ReportSummary(BaseModel):
    doc_id: str
    title: str
    local_authority: str | None = None
    published: dt.date | None = None
    inspection_start: dt.date | None = None
    inspection_end: dt.date | None = None
    framework: str | None = None
    inspection_type: str | None = None
    lead_inspector: str | None = None
    judgements: dict[str, str | None] = Field(default_factory=dict)
    quotes: list[Quote] = Field(default_factory=list)  # on the theme, when one was given


class Comparison(BaseModel):
    councils: list[str]
    theme: str | None = None
    reports: list[ReportSummary]  # each council's latest report, in the order asked
    missing: list[str] = Field(default_factory=list)  # names that match no indexed council
    notices: list[str] = Field(default_factory=list)
    areas: dict[str, str] = Field(default_factory=lambda: dict(AREA_LABELS))
    year_from: int | None = None  # each council's latest report within these years
    year_to: int | None = None
    generated: dt.datetime = Field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    def scope_line(self) -> str:
        years = describe_years(self.year_from, self.year_to)
        return "Each council\u2019s latest indexed report" + (f" {years}" if years else "") + "."


class Timeline(BaseModel):
    council: str
    theme: str | None = None
    reports: list[ReportSummary]  # oldest first
    notices: list[str] = Field(default_factory=list)
    areas: dict[str, str] = Field(default_factory=lambda: dict(AREA_LABELS))
    year_from: int | None = None  # only the reports within these years
    year_to: int | None = None
    generated: dt.datetime = Field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    def scope_line(self) -> str:
        years = describe_years(self.year_from, self.year_to)
        return f"Every indexed inspection of {self.council}" + (f", {years}" if years else "") + ", oldest first."
