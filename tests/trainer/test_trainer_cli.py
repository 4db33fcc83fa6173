"""The trainer commands of `ofsted-assistant`, run in-process with click's runner."""
from __future__ import annotations

import json

from click.testing import CliRunner

from assistant.cli import cli


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_briefing_writes_a_markdown_handout(built_index, tmp_path):
    out = tmp_path / "leavers.md"
    r = _run("briefing", "care leavers' accommodation", "--index", built_index[0], "--year-from", 2019,
             "--out", out, "--no-dense")
    assert r.exit_code == 0, r.output
    assert "Wrote" in r.output and out.exists() and (tmp_path / "leavers-chart.png").exists()
    text = out.read_text(encoding="utf-8")
    assert "# Theme briefing: care leavers' accommodation" in text
    assert "10 August 2015" not in text  # before --year-from


def test_briefing_json_and_region(built_index):
    r = _run("briefing", "supervision", "--index", built_index[0], "--json", "--no-dense", "--la", "Stoke")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert data["scope"]["councils"] == ["Stoke-on-Trent"] and not data["empty"]
    r = _run("briefing", "supervision", "--index", built_index[0], "--region", "North West")
    assert r.exit_code == 2 and "region" in r.output.lower()


def test_compare_and_timeline_commands(built_index, tmp_path):
    r = _run("compare", "Stoke-on-Trent", "Norfolk", "--theme", "caseloads", "--index", built_index[0], "--no-dense")
    assert r.exit_code == 0 and "| Overall effectiveness | Requires improvement | Outstanding |" in r.output
    r = _run("compare", "Norfolk", "--index", built_index[0])
    assert r.exit_code == 2
    plot = tmp_path / "stoke.png"
    r = _run("timeline", "Stoke-on-Trent", "--theme", "supervision", "--plot", plot, "--index", built_index[0], "--no-dense")
    assert r.exit_code == 0 and plot.read_bytes()[:4] == b"\x89PNG"
    assert "No social worker is receiving one-to-one case supervision" in r.output


def test_compare_and_timeline_write_handouts(built_index, tmp_path):
    from docx import Document

    out = tmp_path / "compare.docx"
    r = _run("compare", "Stoke-on-Trent", "Norfolk", "--index", built_index[0], "--out", out, "--no-dense")
    assert r.exit_code == 0 and "Wrote" in r.output, r.output
    cells = {c.text for t in Document(str(out)).tables for row in t.rows for c in row.cells}
    assert {"Stoke-on-Trent", "Norfolk", "Outstanding", "Requires improvement"} <= cells
    out = tmp_path / "stoke.md"
    r = _run("timeline", "Stoke", "--year-to", 2019, "--index", built_index[0], "--out", out, "--no-dense")
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "18 March 2019" in text and "25 November 2022" not in text and (tmp_path / "stoke-chart.png").exists()
    r = _run("timeline", "Stoke", "--index", built_index[0], "--out", tmp_path / "x.txt")
    assert r.exit_code == 2 and "--out" in r.output
