"""Load test of the chat page: N simulated users ask Q questions each through the page's "/ask" endpoint.

    python bench/load.py [--index index] [--corpus DIR] [--users 10] [--questions 5] [--url URL]

Starts `ofsted-assistant serve` itself on 127.0.0.1 and a free port (unless --url points at a running
local server), waits until it answers, asks one untimed warm-up question, then runs the users in threads.
Each user is one browser-like session, so its later questions are follow-ups with history. Prints error
count and p50/p95 latency, writes bench/results/load-<time>.json. Loopback only; every loop is bounded.
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import percentile, report  # noqa: E402

QUESTIONS = [
    "What did inspectors say about supervision in Stoke-on-Trent?",
    "Did Stoke misuse section 20?",
    "What grade did Stoke-on-Trent get for children in care in 2019?",
    "What does the national framework say about kinship care?",
    "How do inspectors describe the quality of management oversight?",
    "What did inspectors say about care leavers' accommodation?",
    "Which councils were judged inadequate for help and protection?",
]
FILTERS_NONE = ([], "any", "any", "both", "any", "any")  # the side panel untouched
STARTUP_SECONDS = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen | None, seconds: float) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit(f"the server did not answer within {seconds:.0f} s")


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of the server process, from /proc (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def ask(client, question: str) -> tuple[float, str | None]:
    """(seconds, error or None) for one question, timed until the streamed answer is complete."""
    started = time.perf_counter()
    try:
        result = client.predict(question, *FILTERS_NONE, api_name="/ask")
    except Exception as exc:  # a failed request is what we count, not a reason to stop
        return time.perf_counter() - started, f"{type(exc).__name__}: {exc}"[:200]
    elapsed = time.perf_counter() - started
    html = result[0] if isinstance(result, (list, tuple)) else str(result)
    if "ia-foot" not in html or "Something went wrong" in html:
        return elapsed, "answer incomplete or failed"
    return elapsed, None


def user(url: str, n: int, questions: int) -> list[dict]:
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False)
    out = []
    for k in range(questions):
        q = QUESTIONS[(n + k) % len(QUESTIONS)]  # users start at different questions
        seconds, error = ask(client, q)
        out.append({"user": n, "turn": k + 1, "question": q, "seconds": round(seconds, 3), "error": error})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", default="index", help="index folder (default: index)")
    ap.add_argument("--corpus", default=None, help="corpus folder (default: as for ingest)")
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--questions", type=int, default=5, help="questions per user")
    ap.add_argument("--concurrency", type=int, default=None, help="passed to serve: questions answered at once")
    ap.add_argument("--url", default=None, help="a server already running on this machine (loopback only)")
    args = ap.parse_args(argv)
    users, questions = max(1, min(args.users, 100)), max(1, min(args.questions, 50))

    proc = None
    if args.url:
        if urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("--url must be a loopback address: this benchmark never leaves the machine")
        url = args.url
    else:
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        cmd = [sys.executable, "-m", "assistant", "serve", "--index", args.index, "--host", "127.0.0.1", "--port", str(port)]
        if args.corpus:
            cmd += ["--corpus", args.corpus]
        if args.concurrency:
            cmd += ["--concurrency", str(args.concurrency)]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=lambda: proc.stderr.read(), daemon=True).start()  # keep the pipe drained
    try:
        wait_until_up(url, proc, STARTUP_SECONDS)
        from gradio_client import Client

        warm = ask(Client(url, verbose=False, download_files=False), QUESTIONS[0])
        print(f"server up at {url}; warm-up question took {warm[0]:.1f} s")
        rss_warm = rss_mb(proc.pid)[0] if proc is not None else None
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=users) as pool:
            results = [r for batch in pool.map(lambda n: user(url, n, questions), range(users)) for r in batch]
        wall = time.perf_counter() - started
        rss_end, rss_peak = rss_mb(proc.pid) if proc is not None else (None, None)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    times = [r["seconds"] for r in results if not r["error"]]
    errors = [r for r in results if r["error"]]
    rows = [
        ("index", args.index), ("server concurrency", str(args.concurrency or "default")), ("users x questions", f"{users} x {questions}"), ("requests", str(len(results))),
        ("errors", str(len(errors))), ("p50 latency", f"{percentile(times, 0.5):.2f} s"),
        ("p95 latency", f"{percentile(times, 0.95):.2f} s"), ("max latency", f"{max(times, default=float('nan')):.2f} s"),
        ("wall time", f"{wall:.1f} s"), ("throughput", f"{len(results) / wall:.2f} questions/s"),
    ]
    if rss_peak is not None:
        rows += [("serve RSS after warm-up / after the load", f"{rss_warm:.0f} MB / {rss_end:.0f} MB"),
                 ("serve peak RSS (VmHWM)", f"{rss_peak:.0f} MB")]
    data = {"index": args.index, "concurrency": args.concurrency, "users": users, "questions_per_user": questions, "errors": len(errors),
            "p50_seconds": percentile(times, 0.5), "p95_seconds": percentile(times, 0.95), "wall_seconds": wall,
            "warm_up_seconds": warm[0], "rss_mb": {"warm": rss_warm, "end": rss_end, "peak": rss_peak},
            "results": results}
    report("Chat page load test", rows, f"load-{time.strftime('%Y%m%d-%H%M%S')}", data)
    for e in errors[:5]:
        print(f"error: user {e['user']} turn {e['turn']}: {e['error']}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
