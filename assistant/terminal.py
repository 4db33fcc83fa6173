"""What the CLI shows a person: progress bars with an ETA, summaries and answers (rich, on stderr/stdout)."""
from __future__ import annotations

import re

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from assistant.domain import AREA_LABELS
from assistant.models import Answer, DocumentInfo, IngestSummary

out = Console()
err = Console(stderr=True)

# Control characters, bidi overrides and invisible marks in a file name could forge an "Error:" line or show
# "report.pdf" for "fdp.troper"; they are printed as escapes instead.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def shown(text: str) -> str:
    return _HIDDEN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))

_PHASES = {"parse": "Parsing documents", "embed": "Embedding passages", "rebuild": "Rebuilding the vector collection"}


class ProgressPrinter:
    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("eta"), TimeRemainingColumn(), console=err, disable=not enabled,
        )
        self.tasks: dict[str, int] = {}

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def update(self, phase: str, done: int, total: int) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(_PHASES.get(phase, phase), total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)

    def log(self, message: str) -> None:
        if self.enabled:
            self.progress.console.print(shown(message), markup=False, highlight=False)


def print_summary(s: IngestSummary) -> None:
    table = Table(title="Ingest summary", show_header=False)
    for label, value in [
        ("documents", s.documents), ("pages", s.pages), ("chunks", s.chunks),
        ("parsed this run", s.parsed), ("removed this run", s.removed),
        ("newly embedded", s.embedded), ("reused from cache", s.reused),
        ("still to embed", s.pending_embeddings), ("skipped", len(s.skipped)), ("seconds", s.seconds),
    ]:
        table.add_row(label, str(value))
    out.print(table)
    for item in s.skipped:
        out.print(f"  skipped {shown(item.path)}: {shown(item.reason)}", markup=False, highlight=False)
    for item in s.notes:
        out.print(f"  note {shown(item.path)}: {shown(item.reason)}", markup=False, highlight=False)


def print_documents(docs: list[DocumentInfo], skipped: list[dict]) -> None:
    table = Table(title=f"{len(docs)} documents")
    for col in ("kind", "local authority / title", "published", "framework", "lead inspector", *AREA_LABELS.values(), "pages", "chunks"):
        table.add_column(col)
    for d in docs:
        table.add_row(
            d.kind, d.local_authority or d.title, str(d.published or ""), d.framework or "", d.lead_inspector or "",
            *[(d.judgements.get(k) or "") for k in AREA_LABELS], str(d.pages), str(d.chunks),
        )
    out.print(table)
    for item in skipped:
        out.print(f"skipped {shown(item['path'])}: {shown(item['reason'])}", markup=False, highlight=False)


def print_answer(a: Answer) -> None:
    out.print(a.answer, markup=False, highlight=False)
    if a.citations:
        out.print("\nSources", style="bold")
        for c in a.citations:
            where = ", ".join(x for x in (
                c.local_authority or c.title, str(c.published or ""), c.section or "",
                f"paragraph {c.paragraph}" if c.paragraph else "", f"page {c.page}") if x)
            out.print(f"[{c.n}] {where}\n    {shown(c.path)}", markup=False, highlight=False)
    if a.related:
        out.print("\nPossibly related", style="bold")
        for c in a.related:
            out.print(f"- {c.title}, page {c.page}: {c.quote[:200]}", markup=False, highlight=False)
    for notice in a.notices:
        out.print(f"\nNote: {notice}", style="yellow", markup=False, highlight=False)
    applied = {k: v for k, v in a.filters.items() if v}
    if applied:
        out.print(f"\nFilters: {applied}", style="dim", markup=False, highlight=False)


def print_fetch_summary(s) -> None:
    """A FetchSummary (assistant/fetch.py): counts, then each new and each failed file."""
    table = Table(title="Fetch summary", show_header=False)
    for label, value in [("councils", s.councils), ("new files", len(s.new)), ("unchanged", len(s.unchanged)),
                         ("failed", len(s.failed)), ("seconds", s.seconds)]:
        table.add_row(label, str(value))
    out.print(table)
    # soft_wrap: one file a line, never broken at the terminal's width, so the lines can be grepped.
    for item in s.new:
        out.print(f"  new {item.path}", markup=False, highlight=False, soft_wrap=True)
    for item in s.failed:
        out.print(f"  failed {item.path or item.url}: {item.reason} ({item.url})", markup=False, highlight=False, soft_wrap=True)
    if s.failed:
        out.print("Failed files are tried again on the next run.", markup=False, highlight=False, soft_wrap=True)
