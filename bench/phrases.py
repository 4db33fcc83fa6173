"""Measure the briefing's "what distinguishes" phrases on real themes: `python bench/phrases.py --index index`.

For each theme, the phrases a briefing finds and how many of them carry no meaning on their own by three
mechanical checks that do not reuse the rules of `assistant/trainer/phrases.py`: a single word; a phrase that
starts or ends on one of the project's stop words (`assistant.text.STOP_WORDS`, plus "too", "not" and "no"); a
phrase that names a grade (the groups are made of grades). `--json` prints the same as one JSON object, so two
versions of the code can be compared (run each with its own PYTHONPATH).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script: `python bench/phrases.py`

THEMES = ["management oversight and supervision", "care leavers", "caseloads", "front door", "permanence",
          "neglect", "exploitation", "domestic abuse", "quality assurance", "care planning"]
GRADES = {"outstanding", "good", "inadequate", "requires", "improvement"}


def faults(phrase: str) -> list[str]:
    from assistant.text import STOP_WORDS

    stop = STOP_WORDS | {"too", "not", "no"}
    ws = phrase.lower().split()
    out = []
    if len(ws) == 1:
        out.append("single word")
    if ws[0] in stop or ws[-1] in stop:
        out.append("stop word at an edge")
    if GRADES & set(ws):
        out.append("names a grade")
    return out


def measure(index_dir: str, themes: list[str]) -> dict:
    from assistant.index import Index
    from assistant.trainer import build_briefing

    index = Index(index_dir)
    out = {"index": index_dir, "reports": len(index.reports()), "themes": {}}
    for theme in themes:
        started = time.perf_counter()
        b = build_briefing(index, theme, dense=False)
        out["themes"][theme] = {
            "seconds": round(time.perf_counter() - started, 2),
            "phrases": [{"phrase": d.phrase, "group": d.group, "reports": d.reports, "other": d.other_reports,
                         "faults": faults(d.phrase)} for d in b.distinctions],
            "first_prompt": b.prompts[0] if b.prompts else "",
        }
    every = [p for t in out["themes"].values() for p in t["phrases"]]
    out["total"] = len(every)
    out["faulty"] = sum(bool(p["faults"]) for p in every)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="index")
    parser.add_argument("--theme", action="append", help="A theme (repeatable); default: ten common themes.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.index, args.theme or THEMES)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for theme, t in result["themes"].items():
        print(f"{theme} ({t['seconds']:.1f} s)")
        for p in t["phrases"]:
            flag = f"  <- {', '.join(p['faults'])}" if p["faults"] else ""
            print(f"  {p['group']:6} \u201c{p['phrase']}\u201d {p['reports']}/{p['other']}{flag}")
    print(f"{result['faulty']} of {result['total']} phrases fail a check ({result['reports']} reports).")


if __name__ == "__main__":
    main()
