"""Run inside a private mount namespace (`unshare -m`) by test_real_faults.py: a small tmpfs holds the index,
so a full disk and a read-only file system are real, not simulated. Prints one JSON object of outcomes.

usage: python _real_faults_script.py CORPUS EXTRA_FILE MOUNTPOINT
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PY = sys.executable


def run(*args: str) -> dict:
    proc = subprocess.run([PY, "-m", "assistant", *args], capture_output=True, text=True, timeout=600)
    return {"code": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr[-4000:]}


def counts(index: Path) -> list:
    """(path, pages, chunks) of every document, read straight from SQLite (immutable: works on any mount)."""
    import sqlite3

    db = sqlite3.connect(f"file:{index / 'state.sqlite'}?immutable=1", uri=True)
    try:
        return sorted(db.execute("SELECT path, pages, chunks FROM documents").fetchall())
    finally:
        db.close()


def listing(index: Path) -> dict:
    out = run("documents", "--index", str(index), "--json")
    if out["code"]:
        return {"ok": False, "error": (out["stderr"].strip().splitlines() or ["(no output)"])[-1]}
    return {"ok": True, "documents": len(json.loads(out["stdout"]))}


def ask(index: Path) -> dict:
    out = run("ask", "What did inspectors say about supervision in Stoke-on-Trent?", "--index", str(index), "--json")
    if out["code"]:
        return {"ok": False, "error": (out["stderr"].strip().splitlines() or ["(no output)"])[-1]}
    try:
        ans = json.loads(out["stdout"])
    except ValueError:
        return {"ok": False, "error": "not JSON: " + (out["stdout"][:300] + out["stderr"][-300:])}
    return {"ok": bool(ans["citations"]) and not ans["refused"], "citations": len(ans["citations"])}


def main() -> None:
    corpus, extra, mnt = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    mnt.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt)], check=True)
    index = mnt / "index"
    result: dict = {}
    first = run("ingest", str(corpus), "--index", str(index), "--all", "--no-embed", "--json")
    result["first"] = first["code"]
    before = counts(index)
    result["before"] = len(before)

    # Disk full: fill the file system but for 100 KiB, then add a report and ingest.
    target = corpus / "reports" / "extra" / extra.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(extra, target)
    free = shutil.disk_usage(mnt).free
    with open(mnt / "filler", "wb") as f:
        try:
            f.write(b"\0" * max(0, free - 100 * 1024))
        except OSError:
            pass
    full = run("ingest", str(corpus), "--index", str(index), "--all", "--no-embed")
    result["full"] = {"code": full["code"], "stderr": full["stderr"].strip().splitlines()[-3:]}
    result["full_counts_same"] = counts(index) == before
    result["full_ask"] = ask(index)
    os.unlink(mnt / "filler")
    again = run("ingest", str(corpus), "--index", str(index), "--all", "--no-embed", "--json")
    result["after_space_freed"] = {"code": again["code"], "documents": len(counts(index))}

    # Read-only: remount and try to ingest and to answer.
    after = counts(index)
    subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
    ro = run("ingest", str(corpus), "--index", str(index), "--all", "--no-embed")
    result["readonly"] = {"code": ro["code"], "stderr": ro["stderr"].strip().splitlines()[-3:]}
    result["readonly_counts_same"] = counts(index) == after
    result["readonly_ask"] = ask(index)
    result["readonly_documents"] = listing(index)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
