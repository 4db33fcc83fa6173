"""What is indexed so far, in plain words: for the page, `documents` and each answer while an ingest is on its
way (latest reports first, then older ones newest first; keyword index first, meaning vectors after), and for
questions about reports that are in the corpus but not (yet) indexed."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePath

from assistant.documents.boilerplate import NOT_EMBEDDED
from assistant.documents.corpus import date_in_name
from assistant.domain import latest_per_council

# Used until this machine has timed an ingest (bench.ingest, full history on 2 cores: 48.5 passages/s embedded).
DEFAULT_SECONDS_PER_PASSAGE = 1 / 45


@dataclass(frozen=True)
class Waiting:
    """A report in the corpus that is not indexed: its path, council (when its folder has an indexed report)
    and publication year (from the file name)."""
    path: str
    council: str | None
    year: int | None


@dataclass
class Coverage:
    latest_reports: int = 0  # each council's latest indexed report
    older_reports: int = 0  # the other indexed reports
    frameworks: int = 0
    latest_dense: float = 1.0  # share of the latest reports' and frameworks' passages with a meaning vector
    older_dense: float = 1.0
    latest_left: int = 0  # passages of the latest reports and frameworks still without a vector
    older_left: int = 0  # the same for the older reports indexed so far
    seconds_per_passage: float = DEFAULT_SECONDS_PER_PASSAGE  # as measured by the last ingest here
    waiting: list[Waiting] = field(default_factory=list)  # reports of the corpus not indexed
    left_out: bool = False  # --latest-only: the waiting reports are left out on purpose, not on their way
    parse_seconds: int = 0  # estimated time to keyword-index the waiting reports
    running: bool = False  # an ingest holds the index now

    @property
    def complete(self) -> bool:
        return not self.waiting and self.latest_dense >= 1 and self.older_dense >= 1

    def summary(self, commands: bool = False) -> list[str]:
        """Sentences for the Library tab and `documents` (`commands`: with the command that adds what is
        missing): what answers can draw on, and what is still to come."""
        out = []
        if not (self.latest_reports or self.frameworks or self.waiting):
            return ["Nothing is indexed yet."]
        if self.complete:
            return [f"Every report in the corpus is indexed ({self.latest_reports + self.older_reports}) with the "
                    f"{self.frameworks} framework documents; keyword and meaning-based search cover them all."]
        out.append(f"Latest report of each council ({self.latest_reports}) and framework documents "
                   f"({self.frameworks}): {_dense(self.latest_dense)}.")
        if self.older_reports:
            out.append(f"Older reports indexed so far ({self.older_reports}): {_dense(self.older_dense)}.")
        if self.waiting:
            out.append(self.waiting_sentence(commands=commands))
        if self.running and self.latest_dense < 1:
            # Older reports are parsed before any vector is made, so that wait comes first.
            wait = (0 if self.left_out else self.parse_seconds) + self.latest_left * self.seconds_per_passage
            out.append(f"Meaning-based search of the latest reports should be complete in about {_duration(wait)}.")
        elif self.running and self.older_dense < 1 and not self.waiting:
            out.append("Meaning-based search of every report should be complete in about "
                       f"{_duration(self.older_left * self.seconds_per_passage)}.")
        return out

    def answer_notice(self) -> str | None:
        """One sentence under an answer while the index is incomplete; None once it is complete."""
        if self.complete:
            return None
        parts = []
        if self.latest_dense < 1:
            parts.append(f"meaning-based search is {_percent(self.latest_dense)} built for the latest reports")
        if self.older_reports and self.older_dense < 1:
            parts.append("older reports have keyword search only" if self.older_dense == 0
                         else f"meaning-based search is {_percent(self.older_dense)} built for older reports")
        if self.waiting and not self.left_out:  # left out on purpose: said only when a question asks for them
            parts.append(f"{len(self.waiting)} older reports are not indexed yet")
        return "Still indexing: " + "; ".join(parts) + "." if parts else None

    def left_out_notice(self, reports: list[Waiting]) -> str:
        """Under an answer about a council some of whose reports are waiting: which ones it could not quote."""
        yet = "" if self.left_out else " yet"
        return f"This answer leaves out {_named(reports)}, in the corpus but not indexed{yet}: " + self._when(reports)

    def waiting_sentence(self, reports: list[Waiting] | None = None, commands: bool = False) -> str:
        """What the user can expect of reports not indexed: on their way (and about when), or left out on
        purpose. `reports`: the ones a question asked about (named, with the time until the last of them).
        `commands`: name the command that adds them (the CLI's `documents`); the page and answers say it in
        words, as the person asking is often not the one who runs the assistant."""
        if reports:
            plural = len(reports) != 1
            what = f"{_named(reports)} {'are' if plural else 'is'} in the corpus but not indexed"
        else:
            plural = len(self.waiting) != 1
            what = f"{len(self.waiting)} older report{'s' if plural else ''} in the corpus {'are' if plural else 'is'} not indexed"
        return f"{what}{'' if self.left_out else ' yet'}: {self._when(reports, commands)}"

    def _when(self, reports: list[Waiting] | None = None, commands: bool = False) -> str:
        """Why the reports are not indexed and when they will be: left out on purpose, on their way, or
        waiting for the next ingest (the time until the last of `reports`, from this machine's parse rate)."""
        shown = reports or self.waiting
        plural = len(shown) != 1
        them = "them" if plural else "it"
        if reports and all(w in self.waiting for w in reports):
            last = max(self.waiting.index(w) for w in reports) + 1
        else:
            last = len(self.waiting)
        seconds = self.parse_seconds * last / max(1, len(self.waiting))
        if self.left_out:
            how = ("`ofsted-assistant ingest --all` adds every report" if commands
                   else f"indexing every report would add {them}")
            return (f"this library holds each council's latest report only; {how} (about "
                    f"{_duration(self.parse_seconds)} until every report can be searched by keyword; meaning-based "
                    "search follows).")
        if self.running:
            return (f"{'they are' if plural else 'it is'} being added now, older reports newest first, in about "
                    f"{_duration(seconds)}. Ask again then.")
        how = f"`ofsted-assistant ingest` adds {them}" if commands else f"the next indexing run adds {them}"
        return f"indexing stopped before {them}; {how} in about {_duration(seconds)}."

    def waiting_for(self, councils: list[str], year_from: int | None, year_to: int | None) -> list[Waiting]:
        """The waiting reports a question's filters name: its councils (all, when it names none) and years.
        Only asked when the question names a council or a year."""
        names = {c.casefold() for c in councils}
        return [w for w in self.waiting
                if (not names or (w.council or "").casefold() in names)
                and (not (year_from or year_to) or (w.year is not None and (year_from or 0) <= w.year <= (year_to or 9999)))]


def _named(reports: list[Waiting]) -> str:
    """"Stoke-on-Trent's 2019 report", "Kent's 2017 and 2014 reports; Leeds's 2015 report", "... and 4 more"."""
    by_council: dict[str, list[str]] = {}
    for w in reports:
        by_council.setdefault(w.council or "a council", []).append(str(w.year) if w.year else "undated")
    parts = []
    for council, years in list(by_council.items())[:3]:
        said = years[0] if len(years) == 1 else ", ".join(years[:-1]) + " and " + years[-1]
        parts.append(f"{council}\u2019s {said} report{'s' if len(years) != 1 else ''}")
    more = sum(len(y) for y in list(by_council.values())[3:])
    return "; ".join(parts) + (f" and {more} more report{'s' if more != 1 else ''}" if more else "")


def _dense(share: float) -> str:
    if share >= 1:
        return "keyword and meaning-based search"
    if share <= 0:
        return "keyword search only so far (meaning-based search not started)"
    return f"keyword search, and meaning-based search {_percent(share)} built"


def _percent(share: float) -> str:
    return f"{min(99, int(100 * share))}%"


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "a minute"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def coverage(index) -> Coverage:
    """The index's coverage now (cheap: one grouped count over the passages and the stored queue)."""
    store = index.store
    docs = index.documents()
    reports = [d for d in docs.values() if d.kind == "report"]
    latest = {d.doc_id for d in latest_per_council(reports).values()}
    first = latest | {d.doc_id for d in docs.values() if d.kind != "report" or not d.local_authority}
    counts = {r[0]: (r[1], r[2]) for r in store.connect().execute(
        "SELECT doc_id, SUM(embedded=1), SUM(embedded!=?) FROM chunks GROUP BY doc_id", (NOT_EMBEDDED,))}

    def share(ids) -> tuple[float, int]:
        done = sum(counts.get(i, (0, 0))[0] for i in ids)
        total = sum(counts.get(i, (0, 0))[1] for i in ids)
        return (done / total if total else 1.0), total - done

    latest_share, latest_left = share(first)
    older = [d.doc_id for d in reports if d.doc_id not in first]
    older_share, older_left = share(older)
    rate = _float(store.get_meta("seconds_per_passage"), DEFAULT_SECONDS_PER_PASSAGE)
    queue = _queue(store)
    folders: dict[str, str] = {}
    for d in reports:
        for path in [d.path, *d.other_paths]:
            folders.setdefault(str(PurePath(path).parent), d.local_authority or "")
    files = store.files()
    waiting = []
    for path in queue.get("paths", []):
        row = files.get(path)
        if row is not None and (row["doc_id"] or row["skipped_reason"]):
            continue  # indexed (or skipped with a reason) since the queue was written
        when = date_in_name(PurePath(path).name)
        waiting.append(Waiting(path, folders.get(str(PurePath(path).parent)) or None, when.year if when else None))
    return Coverage(
        latest_reports=len(latest), older_reports=len(older), frameworks=sum(1 for d in docs.values() if d.kind != "report"),
        latest_dense=latest_share, older_dense=older_share, latest_left=latest_left, older_left=older_left,
        seconds_per_passage=rate,
        waiting=waiting, left_out=bool(queue.get("left_out")),
        parse_seconds=round(queue.get("parse_seconds", 0) * len(waiting) / max(1, len(queue.get("paths", [])))),
        running=index.ingest_running())


def _queue(store) -> dict:
    try:
        return json.loads(store.get_meta("queue") or "{}")
    except ValueError:
        return {}


def _float(value, default: float) -> float:
    try:
        return float(value) if value else default
    except ValueError:
        return default
