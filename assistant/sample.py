"""The sample corpus shipped in `sample/`: what it holds, and the notice shown wherever it is in use.

The sample is the last fallback of resolve_corpus, so a first run works on any machine; its users must be
told plainly that it is not every council's inspections and how to get the rest.
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.config import SAMPLE_CORPUS, is_sample_corpus

__all__ = ["SampleContents", "sample_contents", "sample_notice", "is_sample_corpus"]

HOW_TO_GET_THE_REST = ("run `ofsted-assistant fetch` to download every council's reports into ./corpus "
                       "(or put your own there), then `ofsted-assistant ingest`")


@dataclass(frozen=True)
class SampleContents:
    reports: int
    councils: int
    frameworks: int


def sample_contents() -> SampleContents:
    """Counted from the folder, so the notice cannot drift from what is shipped."""
    reports = [p for p in (SAMPLE_CORPUS / "reports").rglob("*") if p.is_file()]
    frameworks = [p for p in (SAMPLE_CORPUS / "framework").rglob("*") if p.is_file()]
    return SampleContents(len(reports), len({p.parent for p in reports}), len(frameworks))


def sample_notice(reports: int | None = None, councils: int | None = None) -> str:
    """One line for the terminal; `reports` and `councils` are what an index holds when they are known."""
    shipped = sample_contents()
    reports = shipped.reports if reports is None else reports
    councils = shipped.councils if councils is None else councils
    return (f"Using the sample corpus shipped with the app: {reports} reports from {councils} councils, not every "
            f"council's inspections. To get the rest, {HOW_TO_GET_THE_REST}.")


def page_notice(index) -> str:
    """Markdown for the chat page when `index` was built from the sample; "" otherwise. An index remembers the
    folder it was built from (store meta "corpus"), so this holds whatever folder `serve` is given."""
    if not is_sample_corpus(index.store.get_meta("corpus")):
        return ""
    reports = [d for d in index.documents().values() if d.kind == "report"]
    councils = len({d.local_authority for d in reports if d.local_authority})
    return (f"**This is a sample:** {len(reports)} reports from {councils} councils shipped with the app, not "
            f"every council's inspections. To get the rest, {HOW_TO_GET_THE_REST}.")
