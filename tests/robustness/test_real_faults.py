"""A real full disk and a real read-only file system: a 16 MB tmpfs in a private mount namespace.

Needs root and `unshare` (the test containers have both); skipped elsewhere, where test_faults.py's injected
faults still run.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.robustness.conftest import NORFOLK_2026, REPO, corpus_file, good_corpus

SCRIPT = Path(__file__).with_name("_real_faults_script.py")


def _namespaces_work() -> bool:
    if not shutil.which("unshare") or not shutil.which("mount"):
        return False
    try:
        probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
                               capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    if not _namespaces_work():
        pytest.skip("needs root and unshare -m to mount a small tmpfs")
    root = tmp_path_factory.mktemp("real-faults")
    corpus = good_corpus(root / "corpus")
    proc = subprocess.run(["unshare", "-m", sys.executable, str(SCRIPT), str(corpus), str(corpus_file(NORFOLK_2026)),
                           str(root / "mnt")], capture_output=True, text=True, timeout=900, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_real_full_disk_is_one_clear_error_and_keeps_the_index(outcome):
    assert outcome["first"] == 0 and outcome["before"] == 2
    full = outcome["full"]
    assert full["code"] == 1, full
    errors = [line for line in full["stderr"] if line.startswith("Error:")]
    assert len(errors) == 1 and not any("Traceback" in line or line.startswith(" ") for line in full["stderr"]), full
    assert "No space left on device" in errors[0] and "already indexed is kept" in errors[0], full
    assert outcome["full_counts_same"]
    assert outcome["full_ask"]["ok"], outcome["full_ask"]  # a full disk does not stop questions
    assert outcome["after_space_freed"] == {"code": 0, "documents": 3}


@pytest.mark.slow
def test_real_read_only_file_system_refuses_the_ingest_clearly(outcome):
    ro = outcome["readonly"]
    errors = [line for line in ro["stderr"] if line.startswith("Error:")]
    assert ro["code"] == 1 and len(errors) == 1 and not any(line.startswith(" ") for line in ro["stderr"]), ro
    assert "Read-only file system" in errors[0], ro
    assert outcome["readonly_counts_same"]


@pytest.mark.slow
def test_real_read_only_index_still_answers(outcome):
    # WAL mode cannot open on a read-only file system; the reader falls back to an immutable connection.
    assert outcome["readonly_documents"]["ok"], outcome["readonly_documents"]
    assert outcome["readonly_ask"]["ok"], outcome["readonly_ask"]
