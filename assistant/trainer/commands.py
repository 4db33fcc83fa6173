"""`ofsted-assistant briefing | compare | timeline`: the trainer tools on the command line.

Only click is imported here: the CLI's `--help` must stay fast, so the library is imported inside commands.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

INDEX_OPTION = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Index folder (default: OFSTED_INDEX or ./index).",
)
DENSE_OPTION = click.option(
    "--dense/--no-dense", default=False, show_default=True,
    help="Also rank with the embedding model. It finds the same passages (quotes must contain the theme's words) "
         "and costs a model load, so it is off by default.",
)


def _open(index_dir: Path | None):
    from assistant.config import Settings
    from assistant.index import Index, IndexMissing

    try:
        return Index(index_dir or Settings().index)
    except IndexMissing as exc:
        _fail(str(exc))


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _show(markdown: str) -> None:
    """Rendered in a terminal, plain Markdown when piped (so `> file.md` keeps the Markdown)."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(markdown))
    else:
        click.echo(markdown)


@click.command()
@click.argument("theme")
@INDEX_OPTION
@click.option("--year-from", type=int, help="Only reports published (or inspected) from this year.")
@click.option("--year-to", type=int, help="Only reports published (or inspected) up to this year.")
@click.option("--framework", "frameworks", multiple=True,
              help="Framework era (repeatable): 'LAC 2012-13', 'SIF 2013-17', 'ILACS 2018', 'ILACS 2023', 'ILACS 2026', "
                   "or 'ILACS' for the last three.")
@click.option("--la", "--council", "councils", multiple=True, help="Only these councils (repeatable).")
@click.option("--region", help="Not supported: the reports carry no region; pass its councils with --la.")
@click.option("--quotes", "quotes_per_group", type=click.IntRange(1, 20), default=6, show_default=True,
              help="Quotes per grade group.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a handout: .docx, .md (chart saved beside it) or .pdf (needs LibreOffice).")
@DENSE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the briefing as JSON.")
def briefing(theme, index_dir, year_from, year_to, frameworks, councils, region, quotes_per_group, out, dense, as_json):
    """What inspectors wrote about THEME across the reports, strong against weak, with framework expectations."""
    from assistant.trainer.briefing import build_briefing
    from assistant.trainer.handout import FORMATS, PdfUnavailable, write_handout
    from assistant.trainer.markdown import briefing_markdown
    from assistant.trainer.scope import UnsupportedFilter

    if out is not None and out.suffix.lower() not in FORMATS:
        _fail(f"--out must end in {', '.join(FORMATS)}", 2)
    index = _open(index_dir)
    try:
        b = build_briefing(index, theme, year_from=year_from, year_to=year_to, frameworks=list(frameworks),
                           councils=list(councils), region=region, quotes_per_group=quotes_per_group, dense=dense)
    except UnsupportedFilter as exc:
        _fail(str(exc), 2)
    if as_json:
        click.echo(b.model_dump_json(indent=2))
    elif out is None:
        _show(briefing_markdown(b))
    if out is not None:
        try:
            written = write_handout(b, out)
        except PdfUnavailable as exc:
            _fail(str(exc))
        click.echo(f"{b.message}\nWrote {', '.join(str(p) for p in written)} "
                   f"({len(b.quotes())} verified quotes, {b.seconds:.1f} s).", err=as_json)


@click.command()
@click.argument("councils", nargs=-1, required=True)
@INDEX_OPTION
@click.option("--theme", help="Also quote what each council's latest report says on this theme.")
@click.option("--quotes", "quotes_per_council", type=click.IntRange(1, 10), default=3, show_default=True)
@DENSE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def compare(councils, index_dir, theme, quotes_per_council, dense, as_json):
    """Two to five COUNCILS side by side: latest grades per area and, with --theme, what each report says."""
    from assistant.trainer.compare import compare_councils
    from assistant.trainer.markdown import comparison_markdown

    index = _open(index_dir)
    try:
        c = compare_councils(index, list(councils), theme, quotes_per_council=quotes_per_council, dense=dense)
    except ValueError as exc:
        _fail(str(exc), 2)
    if not c.reports:
        _fail("no indexed report is for " + ", ".join(c.missing or councils))
    if as_json:
        click.echo(c.model_dump_json(indent=2))
    else:
        _show(comparison_markdown(c))


@click.command()
@click.argument("council")
@INDEX_OPTION
@click.option("--theme", help="Also quote how each report wrote about this theme.")
@click.option("--quotes", "quotes_per_report", type=click.IntRange(1, 10), default=2, show_default=True)
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Save the grades-over-time chart (PNG).")
@DENSE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
def timeline(council, index_dir, theme, quotes_per_report, plot, dense, as_json):
    """Every indexed inspection of COUNCIL: dates, grades per area and, with --theme, the inspectors' words."""
    from assistant.trainer.markdown import timeline_markdown
    from assistant.trainer.timeline import council_timeline

    index = _open(index_dir)
    try:
        t = council_timeline(index, council, theme, quotes_per_report=quotes_per_report, dense=dense)
    except ValueError as exc:
        _fail(str(exc))
    if plot is not None:
        from assistant.trainer.plots import timeline_chart

        plot.parent.mkdir(parents=True, exist_ok=True)
        plot.write_bytes(timeline_chart(t))
    if as_json:
        click.echo(t.model_dump_json(indent=2))
    else:
        _show(timeline_markdown(t, str(plot) if plot else None))


COMMANDS = (briefing, compare, timeline)
