"""The hand-labelled stance sets (eval/stance/): every sentence verbatim on its page of the indexed text, the
coverage each set was drawn for, and the held-out set from councils the rules were not tuned on."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("OFSTED_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.mark.slow
@pytest.mark.parametrize("flags", [[], ["--heldout"]], ids=["tuned-on", "held-out"])
def test_each_labelled_sentence_is_on_its_page(flags, capsys):
    if not (CORPUS / "reports").is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    spec = importlib.util.spec_from_file_location("check_stance", REPO / "eval" / "stance" / "check.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    assert check.main(["check.py", str(CORPUS), *flags]) == 0, capsys.readouterr().out[-3000:]
