"""Presenting a run: a rich table on the terminal, the run's JSON, and a self-contained HTML report with
matplotlib plots embedded as base64 PNGs."""
from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
from pathlib import Path
from typing import Any

METRICS = (
    ("recall@5", "Recall@5", "retrieval"),
    ("recall@10", "Recall@10", "retrieval"),
    ("mrr", "MRR@10", "retrieval"),
    ("ndcg@10", "nDCG@10", "retrieval"),
    ("evidence_coverage@10", "Evidence coverage@10", "retrieval"),
    ("answer_accuracy", "Answer accuracy", "answers"),
    ("citation_validity", "Citation validity", "citations"),
    ("citation_precision", "Citation precision", "citations"),
    ("refusal_precision", "Refusal precision", "refusal"),
    ("refusal_recall", "Refusal recall", "refusal"),
    ("false_refusal_rate", "False refusal rate", "refusal"),
    ("latency_p50", "Latency p50 (s)", "latency"),
    ("latency_p95", "Latency p95 (s)", "latency"),
    ("lead_ok", "Lead: complete, cited sentences", "answers"),
    ("lead_cites_evidence", "Lead cites expected evidence (findings)", "answers"),
    ("duplicate_sources", "Duplicate sources", "answers"),
    ("junk_quotes", "Quotes flagged as junk (quality.junk_reason)", "answers"),
    ("follow_ups_answered", "Suggested follow-ups answered", "answers"),
)
GROUP_COLUMNS = (
    ("n", "n"), ("recall@5", "R@5"), ("recall@10", "R@10"), ("mrr", "MRR"), ("ndcg@10", "nDCG@10"),
    ("answer_accuracy", "Acc"), ("citation_validity", "Cit. valid"), ("citation_precision", "Cit. prec"),
    ("refusal_recall", "Refusal rec"), ("false_refusal_rate", "False ref"), ("latency_p50", "p50 s"),
)


def fmt(value: Any, key: str = "", digits: int = 3) -> str:
    if value is None:
        return "–"
    if key in ("n",) or isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if key.startswith("latency"):
        return f"{value:.2f}"
    return f"{value:.{digits}f}"


def _accuracy_rows(summary: dict) -> list[tuple[str, Any]]:
    return [(f"  accuracy: {t}", v) for t, v in summary["overall"].get("accuracy_by_type", {}).items()]


# --------------------------------------------------------------------------- failures

def failure_reason(r: dict) -> str | None:
    if r.get("skipped"):
        return None
    if r.get("error"):
        return "error: " + r["error"]
    if r["type"] == "unanswerable":
        return None if r.get("refused") else "answered a question the corpus cannot answer"
    if r.get("answer_correct"):
        return None
    if r["type"] == "fact":
        got = (r.get("fact") or {}).get("value")
        return f"expected {r.get('expected')!r}, got {got!r}" if r.get("fact") else f"no fact answer (expected {r.get('expected')!r})"
    if r.get("refused"):
        rank = r.get("first_relevant_rank")
        return "refused" + (f" although evidence was retrieved at rank {rank}" if rank else " (no evidence retrieved)")
    rank = r.get("first_relevant_rank")
    if rank is None:
        return "expected evidence not in the top 10"
    return f"evidence retrieved at rank {rank} but not quoted"


def worst(records: list[dict], n: int = 15) -> list[dict]:
    failed = [r for r in records if failure_reason(r)]
    failed.sort(key=lambda r: (r.get("mrr") or 0, r.get("recall@10") or 0, r["type"], r["id"]))
    return failed[:n]


def citation_artefacts(records: list[dict]) -> list[dict]:
    """Valid citations whose quote shows a cosmetic artefact (see CitationChecker)."""
    return [{"id": r["id"], **c} for r in records for c in r.get("citations") or [] if c.get("note")]


def invalid_citations(records: list[dict]) -> list[dict]:
    out = []
    for r in records:
        for c in r.get("citations") or []:
            if c.get("valid") is False:
                out.append({"id": r["id"], **c})
    return out


# --------------------------------------------------------------------------- terminal

def print_report(run: dict, console=None, failures: int = 15) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    meta = run["meta"]
    systems = run["systems"]
    ours = systems["ours"]["summary"]
    console.print(f"[bold]Evaluation[/bold] of index [cyan]{meta['index']}[/cyan] (scope {meta['scope']}, "
                  f"{meta['documents']} documents, {meta['chunks']} chunks, commit {meta.get('commit')}), {meta['items']} gold items, "
                  f"{ours['evaluated']} evaluated")
    for reason, count in ours["skipped"].items():
        console.print(f"  skipped {count}: {reason}")
    table = Table(title="Metrics (overall)")
    table.add_column("metric")
    for name in systems:
        table.add_column(name, justify="right")
    rows = [(label, key) for key, label, _ in METRICS]
    for label, key in rows:
        table.add_row(label, *[fmt(systems[s]["summary"]["overall"].get(key), key) for s in systems])
    for t in sorted(ours["overall"].get("accuracy_by_type", {})):
        table.add_row(f"  accuracy: {t}", *[fmt(systems[s]["summary"]["overall"].get("accuracy_by_type", {}).get(t)) for s in systems])
    table.add_row("citations checked", *[str(systems[s]["summary"]["overall"].get("citations")) for s in systems])
    console.print(table)
    for name in systems:
        for key, title in (("by_type", "question type"), ("by_era", "report era")):
            t = Table(title=f"{name}: by {title}")
            t.add_column(title)
            for _, label in GROUP_COLUMNS:
                t.add_column(label, justify="right")
            for group, s in systems[name]["summary"][key].items():
                t.add_row(group, *[fmt(s.get(k), k, 2) for k, _ in GROUP_COLUMNS])
            console.print(t)
    if run.get("metadata"):
        print_metadata(run["metadata"], console)
    stance = run.get("stance")
    if stance:
        recalls = ", ".join(f"{k} {fmt(v['recall'])} (n={v['n']})" for k, v in stance["by_label"].items())
        console.print(f"Strength/weakness labels: accuracy {fmt(stance['accuracy'])} on {stance['n']} hand-labelled "
                      f"sentences from {stance['reports']} reports (eval/stance/); recall by label: {recalls}; "
                      f"by era: " + ", ".join(f"{e} {fmt(a)}" for e, a in stance["by_era"].items()))
    held = run.get("stance_heldout")
    if held:
        recalls = ", ".join(f"{k} {fmt(v['recall'])} (n={v['n']})" for k, v in held["by_label"].items())
        console.print(f"Held out (eval/stance/heldout.jsonl, not used for tuning): accuracy {fmt(held['accuracy'])} "
                      f"on {held['n']} sentences from {held['reports']} reports; recall by label: {recalls}")
    records = systems["ours"]["records"]
    bad = worst(records, failures)
    if bad:
        t = Table(title=f"Worst questions (ours, {len([r for r in records if failure_reason(r)])} failures)")
        for col in ("id", "question", "why"):
            t.add_column(col, overflow="fold")
        for r in bad:
            t.add_row(r["id"], r["question"][:90], failure_reason(r))
        console.print(t)
    invalid = invalid_citations(records)
    if invalid:
        console.print(f"[bold red]{len(invalid)} invalid citations[/bold red] (anything under 100% is a bug):")
        for c in invalid:
            console.print(f"  {c['id']} [{c['n']}] {c['doc']} p.{c['page']} ¶{c['paragraph']}: {c['problem']}\n"
                          f"     “{c['quote'][:160]}”")
    for c in citation_artefacts(records):
        console.print(f"  note: {c['id']} [{c['n']}] {c['doc']} p.{c['page']}: {c['note']}")
    unfindable = run.get("diagnostics", {}).get("unfindable_evidence") or []
    if unfindable:
        console.print(f"{len(unfindable)} evidence snippets are in no chunk of their (indexed) document:")
        for u in unfindable:
            console.print(f"  {u['id']} {u['doc']} p.{u['page']}: {u['snippet'][:100]}")


def print_metadata(md: dict, console) -> None:
    from rich.table import Table

    t = Table(title=f"Metadata accuracy vs {md['csv']} ({md['rows']} rows)")
    t.add_column("field")
    t.add_column(f"in index (n={md['in_index']['n']})", justify="right")
    t.add_column(f"whole table (n={md['whole_table']['n']})", justify="right")
    for g in md["whole_table"]["groups"]:
        t.add_row(f"[bold]{g}[/bold]", fmt(md["in_index"]["groups"].get(g)), fmt(md["whole_table"]["groups"].get(g)))
    for f in md["whole_table"]["fields"]:
        t.add_row(f"  {f}", fmt(md["in_index"]["fields"].get(f)), fmt(md["whole_table"]["fields"].get(f)))
    t.add_row("all fields", fmt(md["in_index"]["all_fields"]), fmt(md["whole_table"]["all_fields"]))
    t.add_row("rows fully right", fmt(md["in_index"]["rows_fully_right"]), fmt(md["whole_table"]["rows_fully_right"]))
    console.print(t)
    misses = md["whole_table"]["misses"]
    if misses:
        console.print(f"{len(misses)} metadata misses (whole table), first 20:")
        for m in misses[:20]:
            console.print(f"  {m['doc']} {m['field']}: expected {m['expected']!r}, got {m['got']!r}")


# --------------------------------------------------------------------------- files

def write_json(run: dict, out_dir: str | Path) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # The counter is always present and zero-padded so that sorting the names sorts the runs by time,
    # even for two runs within one second (`run-X-2.json` would otherwise sort before `run-X.json`).
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    n = 1
    path = out_dir / f"run-{stamp}-{n:03d}.json"
    while path.exists():
        n += 1
        path = out_dir / f"run-{stamp}-{n:03d}.json"
    path.write_text(json.dumps(run, indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    return path


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def plots(run: dict) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    out = {}
    systems = run["systems"]
    keys = [("recall@5", "R@5"), ("recall@10", "R@10"), ("mrr", "MRR"), ("ndcg@10", "nDCG@10"), ("answer_accuracy", "Accuracy"),
            ("refusal_recall", "Refusal recall")]
    for group in ("by_type", "by_era"):
        names = sorted(set().union(*(systems[s]["summary"][group].keys() for s in systems)))
        if not names:
            continue
        fig, axes = plt.subplots(1, len(systems), figsize=(6 * len(systems), 3.6), squeeze=False, sharey=True)
        for ax, sname in zip(axes[0], systems):
            x = np.arange(len(names))
            width = 0.8 / len(keys)
            for i, (k, label) in enumerate(keys):
                vals = [systems[sname]["summary"][group].get(n, {}).get(k) for n in names]
                ax.bar(x + i * width - 0.4 + width / 2, [v if v is not None else 0 for v in vals], width, label=label)
            ax.set_xticks(x, names, rotation=25, ha="right", fontsize=8)
            ax.set_ylim(0, 1.05)
            ax.set_title(f"{sname}: metrics {group.replace('_', ' ')}")
            ax.grid(axis="y", alpha=0.3)
        axes[0][0].legend(fontsize=7, ncol=len(keys), loc="upper left")
        out[group] = _png(fig)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    every = [r["seconds"] for s in systems for r in systems[s]["records"] if r.get("seconds") is not None]
    bins = np.linspace(0, max(every) if every else 1, 31)
    for sname in systems:
        secs = [r["seconds"] for r in systems[sname]["records"] if r.get("seconds") is not None]
        if secs:
            ax.hist(secs, bins=bins, alpha=0.6, label=f"{sname} (p50 {np.median(secs):.2f}s, p95 {np.percentile(secs, 95):.2f}s)")
    ax.set_xlabel("seconds per question")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    ax.legend()
    out["latency"] = _png(fig)
    return out


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}td{vertical-align:top}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
.note{color:#555;font-size:13px}.wide td{text-align:left;max-width:600px}img{max-width:100%}"""


def write_html(run: dict, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta, systems = run["meta"], run["systems"]
    ours = systems["ours"]["summary"]
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>Evaluation {html.escape(meta['created'])}</title>"
             f"<style>{CSS}</style></head><body>",
             f"<h1>Inspection Assistant evaluation</h1><p>{html.escape(meta['created'])}: index <b>{html.escape(meta['index'])}</b> "
             f"(scope {html.escape(meta['scope'])}, {meta['documents']} documents, {meta['chunks']} chunks, "
             f"{meta['embedded']} embedded); gold files {html.escape(', '.join(meta['gold_files']))}; "
             f"{meta['items']} items, {ours['evaluated']} evaluated.</p>"]
    for reason, count in ours["skipped"].items():
        parts.append(f"<p class='note'>Skipped {count} items: {html.escape(reason)}.</p>")
    rows = [[label, *[fmt(systems[s]["summary"]["overall"].get(key), key) for s in systems]] for key, label, _ in METRICS]
    for t in sorted(ours["overall"].get("accuracy_by_type", {})):
        rows.append([f"accuracy: {t}", *[fmt(systems[s]["summary"]["overall"].get("accuracy_by_type", {}).get(t)) for s in systems]])
    rows.append(["citations checked", *[systems[s]["summary"]["overall"].get("citations") for s in systems]])
    parts.append("<h2>Overall</h2>" + _table(["metric", *systems], rows))
    parts.append("<p class='note'>Retrieval metrics cover finding, followup, theme and framework items: a retrieved chunk "
                 "is relevant when it holds an expected snippet (normalised) and comes from the expected document. "
                 "Fact items are answered from report metadata and scored on the answer only. The baseline never "
                 "refuses and its citation is its top chunk, which is not verified.</p>")
    images = plots(run)
    for key, title in (("by_type", "question type"), ("by_era", "report era")):
        parts.append(f"<h2>By {title}</h2>")
        if key in images:
            parts.append(f"<img alt='metrics {title}' src='data:image/png;base64,{images[key]}'>")
        for sname in systems:
            grows = [[g, *[fmt(s.get(k), k) for k, _ in GROUP_COLUMNS]] for g, s in systems[sname]["summary"][key].items()]
            parts.append(f"<h3>{html.escape(sname)}</h3>" + _table([title, *[lbl for _, lbl in GROUP_COLUMNS]], grows))
    parts.append("<h2>Latency</h2>" + f"<img alt='latency' src='data:image/png;base64,{images['latency']}'>")
    if run.get("metadata"):
        md = run["metadata"]
        mrows = [[g, fmt(md["in_index"]["groups"].get(g)), fmt(md["whole_table"]["groups"].get(g))] for g in md["whole_table"]["groups"]]
        mrows += [[f"· {f}", fmt(md["in_index"]["fields"].get(f)), fmt(md["whole_table"]["fields"].get(f))] for f in md["whole_table"]["fields"]]
        mrows.append(["all fields", fmt(md["in_index"]["all_fields"]), fmt(md["whole_table"]["all_fields"])])
        mrows.append(["rows fully right", fmt(md["in_index"]["rows_fully_right"]), fmt(md["whole_table"]["rows_fully_right"])])
        parts.append(f"<h2>Metadata extraction vs {html.escape(md['csv'])}</h2>" + _table(
            ["field", f"in index (n={md['in_index']['n']})", f"whole table (n={md['whole_table']['n']})"], mrows))
        erows = [[e, v["n"], *[fmt(v["groups"].get(g)) for g in ("grades", "dates", "lead_inspector")], fmt(v["all_fields"])]
                 for e, v in md["whole_table_by_era"].items()]
        parts.append(_table(["era", "n", "grades", "dates", "lead inspector", "all fields"], erows))
        if md["whole_table"]["misses"]:
            parts.append("<div class='wide'>" + _table(["document", "field", "expected", "got"], [
                [m["doc"], m["field"], m["expected"], m["got"]] for m in md["whole_table"]["misses"]]) + "</div>")
    records = systems["ours"]["records"]
    invalid = invalid_citations(records)
    parts.append(f"<h2>Invalid citations ({len(invalid)})</h2>")
    if invalid:
        parts.append("<div class='wide'>" + _table(["item", "n", "document", "page", "paragraph", "problem", "quote"], [
            [c["id"], c["n"], c["doc"], c["page"], c["paragraph"], c["problem"], c["quote"]] for c in invalid]) + "</div>")
    else:
        parts.append("<p>None: every quote is verbatim on its cited page and in its cited chunk.</p>")
    notes = citation_artefacts(records)
    if notes:
        parts.append(f"<p class='note'>{len(notes)} valid quotes show a cosmetic artefact:</p><div class='wide'>" + _table(
            ["item", "n", "document", "page", "note", "quote"],
            [[c["id"], c["n"], c["doc"], c["page"], c["note"], c["quote"]] for c in notes]) + "</div>")
    failed = [r for r in records if failure_reason(r)]
    parts.append(f"<h2>Failures, ours ({len(failed)})</h2><div class='wide'>" + _table(
        ["item", "type", "era", "question", "why", "expected evidence"],
        [[r["id"], r["type"], r["era"], r["question"], failure_reason(r),
          "; ".join(f"{e['doc'].split('/')[-2] if '/' in e['doc'] else e['doc']} p.{e['page']}: {e['snippet']}" for e in r["evidence"][:2])]
         for r in worst(records, len(failed))]) + "</div>")
    unfindable = run.get("diagnostics", {}).get("unfindable_evidence") or []
    if unfindable:
        parts.append(f"<h2>Evidence no chunk contains ({len(unfindable)})</h2><div class='wide'>" + _table(
            ["item", "document", "page", "snippet"], [[u["id"], u["doc"], u["page"], u["snippet"]] for u in unfindable]) + "</div>")
    parts.append("<h2>Settings</h2><div class='wide'>" + _table(["setting", "value"], [[k, v] for k, v in meta["settings"].items()]) + "</div>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
