"""`ofsted-assistant` (also `python -m assistant`): a small click CLI over the library.

Imports of the heavy stack happen inside commands, so `--help` and an unchanged re-ingest stay fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assistant.config import Settings, apply_offline_env, resolve_corpus

apply_offline_env()

INDEX_OPTION = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Index folder (default: OFSTED_INDEX or ./index).",
)
CHROMA_OPTION = click.option("--chroma-url", default=None, help="Use a `chroma run` server (or OFSTED_CHROMA_URL).")


def _settings() -> Settings:
    return Settings()


def _index_dir(index_dir: Path | None) -> Path:
    return index_dir or _settings().index


def _fail(message: str, code: int = 1) -> None:
    from assistant.terminal import shown  # messages name files, and a file name must not forge a line

    click.echo(f"Error: {shown(message)}", err=True)
    sys.exit(code)


@click.group()
@click.version_option(package_name="inspection-assistant")
def cli() -> None:
    """Cited answers from Ofsted children's services inspection reports, offline."""


@cli.command()
@click.argument("corpus", required=False, type=click.Path(path_type=Path))
@INDEX_OPTION
@CHROMA_OPTION
@click.option("--all", "all_reports", flag_value=True, default=None, help="Every report, full history.")
@click.option("--latest-only", "all_reports", flag_value=False, help="Back to each council's latest report only.")
@click.option("--no-embed", is_flag=True, help="Parse and build the keyword index only; embed later.")
@click.option("--prune", is_flag=True, help="Remove missing files from the index even when most are missing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(corpus, index_dir, chroma_url, all_reports, no_embed, prune, as_json) -> None:
    """Index a corpus folder: by default each council's latest report plus the framework documents."""
    from assistant.ingest import CorpusShrank
    from assistant.ingest import ingest as run_ingest
    from assistant.locking import IndexBusy
    from assistant.terminal import ProgressPrinter

    settings = _settings()
    corpus = resolve_corpus(corpus)
    index_dir = _index_dir(index_dir)
    chroma_url = chroma_url or settings.chroma_url
    if not corpus.is_dir():
        _fail(f"corpus folder not found: {corpus}")
    printer = ProgressPrinter(enabled=not as_json or sys.stderr.isatty())
    try:
        with printer:
            summary = run_ingest(
                corpus, index_dir, all_reports=all_reports, settings=settings, chroma_url=chroma_url,
                embed=not no_embed, progress=printer.update, log=printer.log, prune=prune,
            )
    except IndexBusy as exc:
        _fail(str(exc), 75)
    except CorpusShrank as exc:
        _fail(str(exc))
    except PermissionError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"the index could not be written: {exc.strerror or exc}; what was already indexed is kept")
    if as_json:
        click.echo(json.dumps(summary.model_dump(include={
            "documents", "pages", "chunks", "embedded", "reused", "skipped", "seconds"}), indent=2))
        return
    from assistant.terminal import print_summary

    print_summary(summary)


@cli.command()
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
def documents(index_dir, as_json) -> None:
    """List the indexed documents with their metadata and judgements."""
    from assistant.index import Index, IndexMissing

    try:
        index = Index(_index_dir(index_dir))
    except IndexMissing as exc:
        _fail(str(exc))
    docs = sorted(index.documents().values(), key=lambda d: (d.kind, d.local_authority or d.title, str(d.published)))
    if as_json:
        rows = [d.model_dump(mode="json", exclude={"judgement_page", "format", "other_paths"}) for d in docs]
        click.echo(json.dumps(rows, indent=2))
        return
    from assistant.terminal import print_documents

    print_documents(docs, index.store.skipped())


@cli.command()
@click.argument("question")
@INDEX_OPTION
@CHROMA_OPTION
@click.option("--la", "las", multiple=True, help="Local authority (repeatable).")
@click.option("--year-from", type=int)
@click.option("--year-to", type=int)
@click.option("--kind", type=click.Choice(["report", "framework"]))
@click.option("--area", type=click.Choice(
    ["overall_effectiveness", "impact_of_leaders", "help_and_protection", "children_in_care", "care_leavers"]))
@click.option("--grade", type=click.Choice(["outstanding", "good", "requires improvement", "inadequate"]))
@click.option("--history", multiple=True, help="An earlier question of the conversation (repeatable, oldest first).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def ask(question, index_dir, chroma_url, las, year_from, year_to, kind, area, grade, history, as_json) -> None:
    """Ask a question; the answer quotes the documents and cites report, paragraph and page."""
    from assistant.api import Assistant
    from assistant.index import IndexMissing
    from assistant.models import Filters

    try:
        assistant = Assistant(index=_index_dir(index_dir), chroma_url=chroma_url)
    except IndexMissing as exc:
        _fail(str(exc))
    filters = Filters(local_authority=list(las), year_from=year_from, year_to=year_to, kind=kind, area=area, grade=grade)
    answer = assistant.ask(question, filters=filters, history=list(history))
    if as_json:
        click.echo(json.dumps(answer.model_dump(mode="json"), indent=2))
        return
    from assistant.terminal import print_answer

    print_answer(answer)


@cli.command("hash-password")
@click.argument("user")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line) instead of asking.")
def hash_password(user, password_stdin) -> None:
    """Print a `user:scrypt$...` line for the `serve --auth` file; the password itself is never stored."""
    from assistant.web.auth import hash_password as make_hash

    if ":" in user or not user.strip() or user != user.strip():
        _fail("the user name must be non-empty, without ':' or surrounding spaces")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    if not password:
        _fail("the password is empty")
    click.echo(f"{user}:{make_hash(password)}")


@cli.command("eval")
@INDEX_OPTION
@CHROMA_OPTION
@click.option("--gold", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gold JSONL file (repeatable; default: eval/gold/questions.jsonl + facts.jsonl).")
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
    from assistant.evaluation.command import eval_command

    code = eval_command(_index_dir(index_dir), gold, out, compare, baseline, limit, types, corpus, overrides, metadata,
                        chroma_url)
    if code:
        sys.exit(code)


from assistant.trainer.commands import COMMANDS as _TRAINER_COMMANDS  # noqa: E402  briefing, compare, timeline

for _command in _TRAINER_COMMANDS:
    cli.add_command(_command)

from assistant.feedback import feedback_group  # noqa: E402  feedback export
from assistant.web.server import serve_command  # noqa: E402  the chat page; gradio loads only when it runs

cli.add_command(serve_command)
cli.add_command(feedback_group)


def main() -> None:
    cli(prog_name="ofsted-assistant")


if __name__ == "__main__":
    main()
