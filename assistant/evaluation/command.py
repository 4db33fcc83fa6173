"""What `ofsted-assistant eval` does (the click declaration lives in assistant/cli.py)."""
from __future__ import annotations

import sys
from pathlib import Path

from assistant.config import Settings


def parse_overrides(pairs: tuple[str, ...] | list[str]) -> dict:
    """"key=value" strings -> Settings fields (values are validated by pydantic)."""
    out = {}
    fields = Settings.model_fields
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in fields:
            raise ValueError(f"--set expects key=value with a Settings field, got {pair!r}")
        out[key] = value.strip()
    return out


def eval_command(index_dir: Path, gold: tuple[Path, ...], out: Path | None, compare: tuple[Path, Path] | None,
                 baseline: bool, limit: int | None, types: str | None, corpus: Path | None,
                 overrides: tuple[str, ...], metadata: bool | None, chroma_url: str | None = None) -> int:
    from rich.console import Console

    console = Console() if sys.stdout.isatty() else Console(width=160)
    err = Console(stderr=True)
    if compare:
        from assistant.evaluation.compare import compare_runs, load_run, print_comparison

        print_comparison(compare_runs(load_run(compare[0]), load_run(compare[1])), console)
        return 0

    from assistant.evaluation.gold import load_gold, shipped_gold
    from assistant.evaluation.report import print_report, write_html, write_json
    from assistant.evaluation.runner import index_scope, run_eval, select_items
    from assistant.index import Index, IndexMissing

    try:
        index = Index(index_dir, chroma_url)
    except IndexMissing as exc:
        err.print(f"Error: {exc}")
        return 1
    gold_paths = list(gold) or shipped_gold()
    try:
        items = load_gold(gold_paths)
        settings = Settings(**parse_overrides(overrides))
    except (ValueError, OSError) as exc:
        err.print(f"Error: {exc}")
        return 2
    items = select_items(items, (types or "").split(","), limit)
    if not items:
        err.print("Error: no gold items selected")
        return 2
    if index_scope(index) != "all":
        full = sum(1 for i in items if i.get("index") == "all")
        if full:
            err.print(f"[yellow]{full} items need the full-history index and are skipped: this index holds each "
                      f"council's latest report only (build one with `ingest --all`).[/yellow]")
    with_metadata = (not gold) if metadata is None else metadata
    out_dir = Path(out) if out else Path("eval") / "results"
    cache_dir = out_dir / "baseline-cache"

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("evaluating", total=len(items))

        def tick(done: int, total: int, label: str) -> None:
            progress.update(task, completed=done - 1, total=total, description=label)

        run = run_eval(index, items, settings, baseline=baseline, corpus=corpus, cache_dir=cache_dir,
                       metadata_csv=_metadata_csv() if with_metadata else None,
                       gold_files=[Path(p).name for p in gold_paths], progress=tick, log=err.print)
    print_report(run, console)
    json_path = write_json(run, out_dir)
    html_path = write_html(run, out_dir / "report.html")
    console.print(f"wrote {json_path} and {html_path}")
    return 0


def _metadata_csv() -> Path:
    from assistant.evaluation.metadata import METADATA_CSV

    return METADATA_CSV


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `ofsted-assistant eval`")
