"""`ofsted-assistant` (also `python -m assistant`): every command of the click CLI, over the library.

Only click and the light modules (settings, the domain) are imported at start; each command imports the
stack it needs, so `--help` and an unchanged re-ingest stay fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from assistant.config import Settings, apply_offline_env, fetch_target, is_sample_corpus, resolve_corpus
from assistant.domain import AREAS, FRAMEWORKS, GRADES

apply_offline_env()

# --------------------------------------------------------------------------- shared options and helpers

INDEX_OPTION = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Index folder (default: OFSTED_INDEX or ./index).",
)
CHROMA_OPTION = click.option("--chroma-url", default=None, help="Use a `chroma run` server (or OFSTED_CHROMA_URL).")
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
DENSE_OPTION = click.option(
    "--dense/--no-dense", default=False, show_default=True,
    help="Also rank with the embedding model. It finds the same passages (quotes must contain the theme's words) "
         "and costs a model load, so it is off by default.",
)


def fail(message: str, code: int = 1) -> NoReturn:
    from assistant.terminal import shown  # messages name files, and a file name must not forge a line

    click.echo(f"Error: {shown(message)}", err=True)
    sys.exit(code)


def open_index(index_dir: Path | None, chroma_url: str | None = None, settings: Settings | None = None):
    """The index folder asked for (else OFSTED_INDEX or ./index), or a one-line error when there is none."""
    from assistant.index import Index, IndexMissing

    settings = settings or Settings()
    try:
        return Index(index_dir or settings.index, chroma_url, settings)
    except IndexMissing as exc:
        fail(str(exc))


def show_markdown(markdown: str) -> None:
    """Rendered in a terminal, plain Markdown when piped (so `> file.md` keeps the Markdown)."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(markdown))
    else:
        click.echo(markdown)


@click.group()
@click.version_option(package_name="inspection-assistant")
def cli() -> None:
    """Cited answers from Ofsted children's services inspection reports, offline."""


# --------------------------------------------------------------------------- index

@cli.command()
@click.argument("corpus", required=False, type=click.Path(path_type=Path))
@INDEX_OPTION
@CHROMA_OPTION
@click.option("--all", "all_reports", flag_value=True, default=None,
              help="Every report, full history (the default; widens an index built with --latest-only).")
@click.option("--latest-only", "all_reports", flag_value=False, help="Each council's latest report only.")
@click.option("--no-embed", is_flag=True, help="Parse and build the keyword index only; embed later.")
@click.option("--first-wave", is_flag=True,
              help="Stop once the latest reports and frameworks are keyword-indexed; a later ingest adds the rest.")
@click.option("--prune", is_flag=True, help="Remove missing files from the index even when most are missing.")
@JSON_OPTION
def ingest(corpus, index_dir, chroma_url, all_reports, no_embed, first_wave, prune, as_json) -> None:
    """Index a corpus folder: every report (each council's latest first, then older ones newest first) and the
    framework documents."""
    from assistant.ingest import CorpusShrank
    from assistant.ingest import ingest as run_ingest
    from assistant.locking import IndexBusy
    from assistant.terminal import ProgressPrinter, print_summary

    settings = Settings()
    corpus = resolve_corpus(corpus)
    if not corpus.is_dir():
        fail(f"corpus folder not found: {corpus}")
    if is_sample_corpus(corpus):
        from assistant.sample import sample_notice

        click.echo(sample_notice(), err=True)
    printer = ProgressPrinter(enabled=not as_json or sys.stderr.isatty())
    try:
        with printer:
            summary = run_ingest(
                corpus, index_dir or settings.index, all_reports=all_reports, settings=settings,
                chroma_url=chroma_url or settings.chroma_url, embed=not no_embed, progress=printer.update,
                log=printer.log, prune=prune, first_wave_only=first_wave,
            )
    except IndexBusy as exc:
        fail(str(exc), 75)
    except CorpusShrank as exc:
        fail(str(exc))
    except PermissionError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"the index could not be written: {exc.strerror or exc}; what was already indexed is kept")
    if as_json:
        click.echo(json.dumps(summary.model_dump(include={
            "documents", "pages", "chunks", "embedded", "reused", "skipped", "seconds"}), indent=2))
    else:
        print_summary(summary)
        from assistant.index import Index

        for line in Index(index_dir or settings.index).coverage().summary(commands=True):
            click.echo(line)


@cli.command()
@click.argument("corpus", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--la", "las", multiple=True, help="Only this council (repeatable), e.g. --la Leeds --la Kent.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only reports published on or after this date (YYYY-MM-DD).")
@JSON_OPTION
def fetch(corpus, las, since, as_json) -> None:
    """Download councils' children's services inspection reports from Ofsted's reports site into a corpus folder
    (default: OFSTED_CORPUS or ./corpus). Only files not already there are downloaded; then run `ingest`."""
    from assistant.fetch import FetchError, fetch_reports
    from assistant.terminal import ProgressPrinter, print_fetch_summary

    settings = Settings()
    corpus = fetch_target(corpus)
    if is_sample_corpus(corpus):
        fail("the shipped sample is not a download folder: fetch into ./corpus (the default) or another folder")
    printer = ProgressPrinter(enabled=not as_json or sys.stderr.isatty())
    try:
        with printer:
            summary = fetch_reports(corpus, settings, las=las, since=since.date() if since else None,
                                    progress=printer.update)
    except FetchError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"the corpus folder {corpus} could not be written: {exc.strerror or exc}")
    if as_json:
        click.echo(json.dumps(summary.model_dump(), indent=2))
    else:
        print_fetch_summary(summary)


@cli.command()
@INDEX_OPTION
@JSON_OPTION
def documents(index_dir, as_json) -> None:
    """List the indexed documents with their metadata and judgements."""
    from assistant.terminal import print_documents

    index = open_index(index_dir)
    docs = sorted(index.documents().values(), key=lambda d: (d.kind, d.local_authority or d.title, str(d.published)))
    if as_json:
        rows = [d.model_dump(mode="json", exclude={"judgement_page", "format", "other_paths"}) for d in docs]
        click.echo(json.dumps(rows, indent=2))
    else:
        print_documents(docs, index.store.skipped())
        for line in index.coverage().summary(commands=True):
            click.echo(line)


# --------------------------------------------------------------------------- questions

@cli.command()
@click.argument("question")
@INDEX_OPTION
@CHROMA_OPTION
@click.option("--la", "las", multiple=True, help="Local authority (repeatable).")
@click.option("--year-from", type=int)
@click.option("--year-to", type=int)
@click.option("--kind", type=click.Choice(["report", "framework"]))
@click.option("--area", type=click.Choice(AREAS))
@click.option("--grade", type=click.Choice(GRADES))
@click.option("--history", multiple=True, help="An earlier question of the conversation (repeatable, oldest first).")
@JSON_OPTION
def ask(question, index_dir, chroma_url, las, year_from, year_to, kind, area, grade, history, as_json) -> None:
    """Ask a question; the answer quotes the documents and cites report, paragraph and page."""
    from assistant.api import Assistant
    from assistant.models import Filters
    from assistant.terminal import print_answer

    settings = Settings()
    assistant = Assistant(index=open_index(index_dir, chroma_url, settings), settings=settings)
    filters = Filters(local_authority=list(las), year_from=year_from, year_to=year_to, kind=kind, area=area, grade=grade)
    answer = assistant.ask(question, filters=filters, history=list(history))
    if as_json:
        click.echo(json.dumps(answer.model_dump(mode="json"), indent=2))
    else:
        print_answer(answer)


# --------------------------------------------------------------------------- the chat page

@cli.command("serve")
@INDEX_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; keep the default unless behind a login.")
@click.option("--port", default=7860, show_default=True, type=int)
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Corpus folder the index was built from, for page images and downloads (default: as for ingest).")
@click.option("--auth", "auth_spec", default=None, metavar="FILE|env:VAR",
              help="Require a login: a file of user:password lines, or env:VARNAME holding user:password.")
@CHROMA_OPTION
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1, 32),
              help="Questions answered at the same time; later ones wait in Gradio's queue.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another host name the page may be reached by (repeatable); '*' turns the Host check off.")
def serve(index_dir, host, port, corpus, auth_spec, chroma_url, concurrency, allow_hosts) -> None:
    """Start the chat page for managers in the browser."""
    from assistant.index import IndexMissing
    from assistant.web.auth import AuthError, load_auth
    from assistant.web.server import corpus_for, create_page, is_loopback, warm_up

    warnings: list[str] = []
    try:
        auth = load_auth(auth_spec, warnings)
    except AuthError as exc:
        fail(str(exc), 2)
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
    settings = Settings()
    settings.allowed_hosts = [*settings.allowed_hosts, *allow_hosts]
    corpus_root = corpus_for(index_dir or settings.index, corpus)
    if not corpus_root.is_dir():
        click.echo(f"Warning: corpus folder {corpus_root} not found: answers work, but page images and downloads will not.", err=True)
    if not is_loopback(host) and not auth:
        click.echo(f"Warning: binding {host} without --auth lets anyone who can reach this machine use the page.", err=True)
    try:
        page = create_page(index_dir or settings.index, corpus_root, chroma_url or settings.chroma_url,
                           settings=settings, concurrency=concurrency)
    except IndexMissing as exc:
        fail(str(exc))
    warm_up(page)
    page.launch(server_name=host, server_port=port, auth=auth, auth_message="Inspection Assistant: please log in.")


@cli.command("hash-password")
@click.argument("user")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line) instead of asking.")
def hash_password(user, password_stdin) -> None:
    """Print a `user:scrypt$...` line for the `serve --auth` file; the password itself is never stored."""
    from assistant.web.auth import hash_password as make_hash

    if ":" in user or not user.strip() or user != user.strip():
        fail("the user name must be non-empty, without ':' or surrounding spaces")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    if not password:
        fail("the password is empty")
    click.echo(f"{user}:{make_hash(password)}")


@cli.group("feedback")
def feedback() -> None:
    """Feedback given on the chat page."""


@feedback.command("export")
@INDEX_OPTION
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="JSONL file to write (default: standard output).")
def feedback_export(index_dir: Path | None, out: Path | None) -> None:
    """Write each feedback as a draft gold-set item (see eval/README.md), ready for eval/check_gold.py."""
    from assistant.feedback import export_gold

    written, skipped = export_gold(open_index(index_dir), out or sys.stdout)
    where = f" to {out}" if out else ""
    click.echo(f"{written} feedback item(s) written{where}" + (f"; {skipped} skipped (no quote of 6+ words)" if skipped else ""), err=True)


# --------------------------------------------------------------------------- trainer tools

@cli.command()
@click.argument("theme")
@INDEX_OPTION
@click.option("--year-from", type=int, help="Only reports published (or inspected) from this year.")
@click.option("--year-to", type=int, help="Only reports published (or inspected) up to this year.")
@click.option("--framework", "frameworks", multiple=True,
              help="Framework era (repeatable): " + ", ".join(f"'{f}'" for f in FRAMEWORKS) + ", or 'ILACS' for every ILACS era.")
@click.option("--la", "--council", "councils", multiple=True, help="Only these councils (repeatable).")
@click.option("--region", help="Not supported: the reports carry no region; pass its councils with --la.")
@click.option("--quotes", "quotes_per_group", type=click.IntRange(1, 20), default=6, show_default=True,
              help="Quotes per grade group.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a handout: .docx, .md (chart saved beside it) or .pdf (needs LibreOffice).")
@DENSE_OPTION
@JSON_OPTION
def briefing(theme, index_dir, year_from, year_to, frameworks, councils, region, quotes_per_group, out, dense, as_json):
    """What inspectors wrote about THEME across the reports, strong against weak, with framework expectations."""
    from assistant.trainer.briefing import build_briefing
    from assistant.trainer.handout import FORMATS, PdfUnavailable, write_handout
    from assistant.trainer.markdown import briefing_markdown
    from assistant.trainer.scope import UnsupportedFilter

    if out is not None and out.suffix.lower() not in FORMATS:
        fail(f"--out must end in {', '.join(FORMATS)}", 2)
    index = open_index(index_dir)
    try:
        b = build_briefing(index, theme, year_from=year_from, year_to=year_to, frameworks=list(frameworks),
                           councils=list(councils), region=region, quotes_per_group=quotes_per_group, dense=dense)
    except UnsupportedFilter as exc:
        fail(str(exc), 2)
    if as_json:
        click.echo(b.model_dump_json(indent=2))
    elif out is None:
        show_markdown(briefing_markdown(b))
    if out is not None:
        try:
            written = write_handout(b, out)
        except PdfUnavailable as exc:
            fail(str(exc))
        click.echo(f"{b.message}\nWrote {', '.join(str(p) for p in written)} "
                   f"({len(b.quotes())} verified quotes, {b.seconds:.1f} s).", err=as_json)


OUT_OPTION = click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                          help="Write a handout: .docx (A4), .md (a timeline's chart saved beside it) or .pdf "
                               "(needs LibreOffice).")


@cli.command()
@click.argument("councils", nargs=-1, required=True)
@INDEX_OPTION
@click.option("--theme", help="Also quote what each council's latest report says on this theme.")
@click.option("--quotes", "quotes_per_council", type=click.IntRange(1, 10), default=3, show_default=True)
@click.option("--year-from", type=int, help="Each council's latest report published (or inspected) from this year.")
@click.option("--year-to", type=int, help="Each council's latest report up to this year (as they stood then).")
@OUT_OPTION
@DENSE_OPTION
@JSON_OPTION
def compare(councils, index_dir, theme, quotes_per_council, year_from, year_to, out, dense, as_json):
    """Two to five COUNCILS side by side: latest grades per area and, with --theme, what each report says."""
    from assistant.trainer.compare import compare_councils
    from assistant.trainer.markdown import comparison_markdown

    _check_out(out)
    index = open_index(index_dir)
    try:
        c = compare_councils(index, list(councils), theme, year_from=year_from, year_to=year_to,
                             quotes_per_council=quotes_per_council, dense=dense)
    except ValueError as exc:
        fail(str(exc), 2)
    if not c.reports:
        fail("no indexed report is for " + ", ".join(c.missing or councils))
    if as_json:
        click.echo(c.model_dump_json(indent=2))
    elif out is None:
        show_markdown(comparison_markdown(c))
    _write_out(c, out, as_json)


@cli.command()
@click.argument("council")
@INDEX_OPTION
@click.option("--theme", help="Also quote how each report wrote about this theme.")
@click.option("--quotes", "quotes_per_report", type=click.IntRange(1, 10), default=2, show_default=True)
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), help="Save the grades-over-time chart (PNG).")
@click.option("--year-from", type=int, help="Only inspections published (or inspected) from this year.")
@click.option("--year-to", type=int, help="Only inspections published (or inspected) up to this year.")
@OUT_OPTION
@DENSE_OPTION
@JSON_OPTION
def timeline(council, index_dir, theme, quotes_per_report, plot, year_from, year_to, out, dense, as_json):
    """Every indexed inspection of COUNCIL: dates, grades per area and, with --theme, the inspectors' words."""
    from assistant.trainer.markdown import timeline_markdown
    from assistant.trainer.timeline import council_timeline

    _check_out(out)
    index = open_index(index_dir)
    try:
        t = council_timeline(index, council, theme, year_from=year_from, year_to=year_to,
                             quotes_per_report=quotes_per_report, dense=dense)
    except ValueError as exc:
        fail(str(exc))
    if plot is not None:
        from assistant.trainer.plots import timeline_chart

        plot.parent.mkdir(parents=True, exist_ok=True)
        plot.write_bytes(timeline_chart(t))
    if as_json:
        click.echo(t.model_dump_json(indent=2))
    elif out is None:
        show_markdown(timeline_markdown(t, str(plot) if plot else None))
    _write_out(t, out, as_json)


def _check_out(out: Path | None) -> None:
    from assistant.trainer.handout import FORMATS

    if out is not None and out.suffix.lower() not in FORMATS:
        fail(f"--out must end in {', '.join(FORMATS)}", 2)


def _write_out(item, out: Path | None, as_json: bool) -> None:
    """A comparison's or timeline's handout, as the briefing's (`--out`)."""
    if out is None:
        return
    from assistant.trainer.handout import PdfUnavailable, write_handout

    try:
        written = write_handout(item, out)
    except PdfUnavailable as exc:
        fail(str(exc))
    click.echo(f"Wrote {', '.join(str(p) for p in written)}.", err=as_json)


# --------------------------------------------------------------------------- evaluation

def parse_overrides(pairs: tuple[str, ...] | list[str]) -> dict:
    """"key=value" strings -> Settings fields (values are validated by pydantic)."""
    out = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in Settings.model_fields:
            raise ValueError(f"--set expects key=value with a Settings field, got {pair!r}")
        out[key] = value.strip()
    return out


@cli.command("eval")
@INDEX_OPTION
@CHROMA_OPTION
@click.option("--gold", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gold JSONL file (repeatable; default: the shipped eval/gold/*.jsonl sets but fixture.jsonl).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where run-<timestamp>.json and report.html go (default: eval/results).")
@click.option("--compare", nargs=2, type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Compare two run JSON files: which questions got better or worse.")
@click.option("--baseline", is_flag=True, help="Also run the naive llama-index baseline.")
@click.option("--limit", type=int, default=None, help="Only the first N selected items.")
@click.option("--types", default=None, help="Comma-separated question types, e.g. finding,fact.")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Corpus folder for the baseline and metadata checks (default: as for ingest).")
@click.option("--set", "overrides", multiple=True, help="Override a setting for this run, e.g. --set dense_weight=1.5.")
@click.option("--metadata/--no-metadata", default=None, help="Score metadata extraction (default: with the shipped gold).")
def eval_(index_dir, chroma_url, gold, out, compare, baseline, limit, types, corpus, overrides, metadata) -> None:
    """Score the assistant against gold questions: retrieval, answers, citations, refusals, latency."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console() if sys.stdout.isatty() else Console(width=160)
    err = Console(stderr=True)
    if compare:
        from assistant.evaluation.compare import compare_runs, load_run, print_comparison

        print_comparison(compare_runs(load_run(compare[0]), load_run(compare[1])), console)
        return

    from assistant.evaluation.gold import load_gold, shipped_gold
    from assistant.evaluation.metadata import METADATA_CSV
    from assistant.evaluation.report import print_report, write_html, write_json
    from assistant.evaluation.runner import run_eval
    from assistant.evaluation.scoring import index_scope, select_items

    gold_paths = list(gold) or shipped_gold()
    try:
        items = load_gold(gold_paths)
        # Before the index is opened: a setting such as chroma_ef_search must reach the vector store.
        settings = Settings(**parse_overrides(overrides))
    except (ValueError, OSError) as exc:
        fail(str(exc), 2)
    index = open_index(index_dir, chroma_url, settings)
    items = select_items(items, (types or "").split(","), limit)
    if not items:
        fail("no gold items selected", 2)
    if index_scope(index) != "all":
        full = sum(1 for i in items if i.get("index") == "all")
        if full:
            err.print(f"[yellow]{full} items need every report and are skipped: this index holds each council's "
                      f"latest report only so far (scope: {index_scope(index)}; `ingest --all` adds every report)."
                      "[/yellow]")
    with_metadata = (not gold) if metadata is None else metadata
    out_dir = Path(out) if out else Path("eval") / "results"

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("evaluating", total=len(items))

        def tick(done: int, total: int, label: str) -> None:
            progress.update(task, completed=done - 1, total=total, description=label)

        run = run_eval(index, items, settings, baseline=baseline, corpus=corpus, cache_dir=out_dir / "baseline-cache",
                       metadata_csv=METADATA_CSV if with_metadata else None,
                       gold_files=[Path(p).name for p in gold_paths], progress=tick, log=err.print)
    print_report(run, console)
    json_path = write_json(run, out_dir)
    html_path = write_html(run, out_dir / "report.html")
    console.print(f"wrote {json_path} and {html_path}")


def main() -> None:
    cli(prog_name="ofsted-assistant")


if __name__ == "__main__":
    main()
