"""Many people asking at once, through the running chat page, with every answer's quotes checked.

    python -m bench.concurrency [--index index] [--corpus DIR] [--clients 20] [--questions 200] [--url URL]

Starts `ofsted-assistant serve` on 127.0.0.1 and a free port (or uses --url, loopback only), waits until it
answers, asks one untimed warm-up question, then runs --clients gradio_client clients in threads sharing
--questions questions (the gold questions, cycled). Each question is asked in a fresh session (no follow-up
history) through the page's "/ask" endpoint, timed until the streamed answer is complete.

Every answer is then checked against the index folder itself (opened read-only): each quoted sentence must
occur verbatim (after the same normalisation as the verbatim check) in the text of its cited page, or that
page and the next when it runs over a page break, and in one of that document's chunks; the quote marked in
each source's passage, for answers without quote lines (facts, possibly related passages), on its page.

Prints a table, writes bench/results/concurrency.json; exit status 1 on any error or failed check.
Loopback only; every loop and wait is bounded.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "eval" / "gold"
STARTUP_SECONDS = 300
REQUEST_SECONDS = 300
LOOPBACK = ("127.0.0.1", "localhost", "::1")


# ------------------------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen | None = None
    workdir: Path | None = None

    def log_tail(self, lines: int = 30) -> str:
        path = self.workdir / "serve.log" if self.workdir else None
        if not path or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def serve_command() -> list[str]:
    """The installed `ofsted-assistant` next to this Python, else `python -m assistant` (the same program)."""
    script = Path(sys.executable).with_name("ofsted-assistant")
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


def start_server(index: str | Path, corpus: str | Path | None = None, seconds: float = STARTUP_SECONDS) -> Server:
    """`ofsted-assistant serve` on 127.0.0.1 and a free port, its Gradio files in a private temp folder."""
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="ia-concurrency-"))
    cmd = [*serve_command(), "serve", "--index", str(index), "--host", "127.0.0.1", "--port", str(port)]
    if corpus:
        cmd += ["--corpus", str(corpus)]
    env = {**os.environ, "GRADIO_TEMP_DIR": str(workdir / "gradio"), "PYTHONPATH": str(REPO)}
    log = open(workdir / "serve.log", "wb")
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
    log.close()
    server = Server(f"http://127.0.0.1:{port}/", proc, workdir)
    try:
        wait_until_up(server, seconds)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_up(server: Server, seconds: float) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.proc is not None and server.proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.proc.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(server.url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the server did not answer within {seconds:.0f} s:\n{server.log_tail()}")


# ------------------------------------------------------------------------------------------- answers

@dataclass
class Source:
    group: str  # "c" cited source, "r" possibly related passage
    n: int
    path: str
    page: int
    marked: str | None  # the quote as marked in the passage excerpt


@dataclass
class Parsed:
    quotes: dict[int, str] = field(default_factory=dict)  # n -> quoted sentence (quote lines)
    sources: list[Source] = field(default_factory=list)
    refused: bool = False
    complete: bool = False
    error: str | None = None


def parse_answer(html: str) -> Parsed:
    """The last answer of the page's conversation HTML: its quote lines, sources, refusal, completeness."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html or "", "html.parser")
    turns = soup.select("article.ia-turn")
    out = Parsed()
    if not turns:
        out.error = "no answer in the page"
        return out
    turn = turns[-1]
    err = turn.select_one(".ia-error")
    if err is not None:
        out.error = " ".join(err.get_text(" ").split())[:200]
    out.refused = turn.select_one(".ia-notfound") is not None
    out.complete = turn.select_one(".ia-foot") is not None and not turn.has_attr("aria-busy")
    for li in turn.select("ul.ia-quotes > li"):
        q, button = li.find("q"), li.select_one("button.ia-cite")
        if q is not None and button is not None:
            out.quotes[int(button["data-n"])] = q.get_text()
    for li in turn.select("li.ia-source"):
        button = li.select_one("button.ia-cite")
        where = li.select_one(".ia-where")
        path_el = li.select_one(".ia-where .ia-path")
        if button is None or where is None or path_el is None:
            out.error = out.error or "a source without its page or file"
            continue
        path = path_el.get_text()
        text = where.get_text()
        head = text[: text.rfind(path)] if path else text
        m = re.search(r"page (\d+)\s*\u00b7\s*$", head)
        mark = li.select_one(".ia-passage mark")
        out.sources.append(Source(button.get("data-group", "c"), int(button["data-n"]), path,
                                  int(m.group(1)) if m else 0, mark.get_text() if mark is not None else None))
    return out


class Verifier:
    """Re-checks quotes against the index folder's own stored page and chunk texts (read-only)."""

    def __init__(self, index_dir: str | Path):
        from assistant.store import Store

        self.store = Store(Path(index_dir) / "state.sqlite", readonly=True)
        self._lock = threading.Lock()
        rows = self.store.connect().execute("SELECT path, doc_id FROM files WHERE doc_id IS NOT NULL").fetchall()
        self.doc_for_path = {r[0]: r[1] for r in rows}
        self.doc_for_path.update({d["path"]: d["doc_id"] for d in self.store.documents()})

    def _texts(self, source: Source) -> tuple[str | None, str | None, list[str]]:
        """(doc_id, the cited page's text joined to the next page's, the chunks on the cited page)."""
        doc_id = self.doc_for_path.get(source.path)
        if doc_id is None:
            return None, None, []
        with self._lock:  # one read-only connection, shared by the checking threads
            page = self.store.page_text(doc_id, source.page)
            following = self.store.page_text(doc_id, source.page + 1) or ""
            chunks = [r[0] for r in self.store.connect().execute(
                "SELECT text FROM chunks WHERE doc_id=? AND page_start<=? AND page_end>=?",
                (doc_id, source.page, source.page))]
        return doc_id, (None if page is None else page + " " + following), chunks

    def check(self, source: Source, quote: str, in_chunk: bool) -> str | None:
        """None when the quote is on its cited page (and, for quote lines, in a chunk there); else why not."""
        from assistant.answers import verify_quote

        doc_id, pages, chunks = self._texts(source)
        if doc_id is None:
            return f"cited file not in the index: {source.path}"
        if pages is None:
            return f"cited page {source.page} of {source.path} not in the index"
        if not verify_quote(quote, pages):
            return f"not on page {source.page} of {source.path}: {quote[:80]!r}"
        if in_chunk and not any(verify_quote(quote, c) for c in chunks):
            return f"not in any passage on page {source.page} of {source.path}: {quote[:80]!r}"
        return None

    def check_answer(self, parsed: Parsed) -> tuple[int, list[str]]:
        """(quotes checked, failures) for one answer: each quote line by its full quote, each other source
        (facts, possibly related passages) by the words marked in its passage."""
        checked, failures = 0, []
        cited = {s.n: s for s in parsed.sources if s.group == "c"}
        for n, quote in parsed.quotes.items():
            checked += 1
            source = cited.get(n)
            why = f"quote [{n}] has no source" if source is None else self.check(source, quote, in_chunk=True)
            if why:
                failures.append(why)
        for source in parsed.sources:
            if (source.group == "c" and source.n in parsed.quotes) or not source.marked:
                continue
            checked += 1
            why = self.check(source, source.marked, in_chunk=False)
            if why:
                failures.append(why)
        return checked, failures


# ------------------------------------------------------------------------------------------- load

def load_questions(n: int, files=("questions.jsonl", "facts.jsonl")) -> list[str]:
    items: list[str] = []
    for name in files:
        path = GOLD / name
        if path.exists():
            items += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not items:
        raise SystemExit(f"no gold questions found in {GOLD}")
    return [items[i % len(items)] for i in range(n)]


def ask(client, question: str, timeout: float = REQUEST_SECONDS) -> tuple[float, str | None, str]:
    """(seconds, error or None, html) for one question in a fresh session."""
    client.reset_session()  # no history: each question stands alone
    started = time.perf_counter()
    try:
        job = client.submit(question, [], "any", "any", "both", "any", "any", api_name="/ask")
        result = job.result(timeout=timeout)
    except Exception as exc:  # a failed request is what we count, not a reason to stop
        return time.perf_counter() - started, f"{type(exc).__name__}: {exc}"[:300], ""
    elapsed = time.perf_counter() - started
    html = result[0] if isinstance(result, (list, tuple)) else str(result)
    return elapsed, None, html if isinstance(html, str) else ""


def run_load(url: str, questions: list[str], clients: int, verifier: Verifier, deadline_seconds: float = 3600) -> dict:
    """Ask every question through `clients` concurrent clients; every answer checked. Returns the results."""
    from gradio_client import Client

    host = urlparse(url).hostname
    if host not in LOOPBACK:
        raise SystemExit("the server must be on this machine (a loopback address)")
    warm_client = Client(url, verbose=False, download_files=False)
    warm_seconds, warm_error, _ = ask(warm_client, questions[0])
    deadline = time.monotonic() + deadline_seconds
    records: list[dict] = []
    lock = threading.Lock()

    def worker(k: int) -> None:
        client = Client(url, verbose=False, download_files=False)
        for i in range(k, len(questions), clients):
            if time.monotonic() > deadline:
                with lock:
                    records.append({"client": k, "i": i, "question": questions[i], "seconds": None,
                                    "error": "not asked: the run's time limit was reached"})
                continue
            seconds, error, html = ask(client, questions[i])
            record = {"client": k, "i": i, "question": questions[i], "seconds": round(seconds, 3), "error": error}
            if error is None:
                parsed = parse_answer(html)
                if parsed.error or not parsed.complete:
                    record["error"] = parsed.error or "answer incomplete"
                checked, failures = verifier.check_answer(parsed)
                record.update(refused=parsed.refused, quotes=len(parsed.quotes), sources=len(parsed.sources),
                              checked=checked, failures=failures)
            with lock:
                records.append(record)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(worker, range(clients)))
    wall = time.perf_counter() - started
    records.sort(key=lambda r: r["i"])
    return summarise(records, wall, clients, warm_seconds, warm_error)


def summarise(records: list[dict], wall: float, clients: int, warm_seconds: float, warm_error: str | None) -> dict:
    from bench.common import percentile

    times = [r["seconds"] for r in records if r.get("seconds") is not None and not r["error"]]
    return {
        "clients": clients, "questions": len(records),
        "errors": sum(1 for r in records if r["error"]),
        "answered": sum(1 for r in records if not r["error"] and not r.get("refused")),
        "refused": sum(1 for r in records if not r["error"] and r.get("refused")),
        "quotes_checked": sum(r.get("checked", 0) for r in records),
        "failed_checks": sum(len(r.get("failures", [])) for r in records),
        "p50_seconds": percentile(times, 0.5), "p95_seconds": percentile(times, 0.95),
        "max_seconds": max(times, default=float("nan")), "wall_seconds": wall,
        "throughput_per_second": len(records) / wall if wall else float("nan"),
        "warm_up_seconds": warm_seconds, "warm_up_error": warm_error, "records": records,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", default="index", help="index folder (default: index)")
    ap.add_argument("--corpus", default=None, help="corpus folder, for the page's source viewer")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--questions", type=int, default=200, help="questions in all, shared by the clients")
    ap.add_argument("--url", default=None, help="a server already running on this machine, serving --index")
    args = ap.parse_args(argv)
    clients, n = max(1, min(args.clients, 100)), max(1, min(args.questions, 2000))
    verifier = Verifier(args.index)
    questions = load_questions(n)
    if args.url:
        if urlparse(args.url).hostname not in LOOPBACK:
            raise SystemExit("--url must be a loopback address: this benchmark never leaves the machine")
        server = Server(args.url)
    else:
        server = start_server(args.index, args.corpus)
    try:
        result = run_load(server.url, questions, clients, verifier)
    finally:
        server.stop()

    from bench.common import report

    docs = verifier.store.count("SELECT COUNT(*) FROM documents")
    chunks = verifier.store.count("SELECT COUNT(*) FROM chunks")
    rows = [
        ("index", f"{args.index}: {docs} documents, {chunks} passages"),
        ("clients x questions", f"{clients} concurrent, {result['questions']} questions in all"),
        ("errors", str(result["errors"])),
        ("answered / refused", f"{result['answered']} / {result['refused']}"),
        ("quotes re-checked against the index", str(result["quotes_checked"])),
        ("quotes failing the check", str(result["failed_checks"])),
        ("latency p50 / p95 / max", f"{result['p50_seconds']:.2f} / {result['p95_seconds']:.2f} / {result['max_seconds']:.2f} s"),
        ("wall time", f"{result['wall_seconds']:.1f} s"),
        ("throughput", f"{result['throughput_per_second']:.2f} questions/s"),
        ("warm-up question (untimed)", f"{result['warm_up_seconds']:.1f} s"),
    ]
    report("Concurrent clients through the running chat page", rows, "concurrency",
           {"index": str(args.index), "documents": docs, "chunks": chunks, **result})
    bad = [r for r in result["records"] if r["error"] or r.get("failures")]
    for r in bad[:10]:
        print(f"question {r['i']} ({r['question'][:60]!r}): {r['error'] or '; '.join(r['failures'][:3])}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
