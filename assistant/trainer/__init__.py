"""Trainer tools: theme briefings, council comparisons, council timelines and handouts.

Everything here is extractive like the chat answers: each quote is a sentence of an indexed document that
passed the same verbatim check against its chunk and its page.

Names are imported on first use, so the CLI can register the trainer commands without loading matplotlib,
python-docx or the index code for `--help`.
"""
from importlib import import_module

_EXPORTS = {
    "build_briefing": "briefing", "compare_councils": "compare", "council_timeline": "timeline",
    "write_handout": "handout", "write_docx": "handout", "write_markdown": "handout", "docx_document": "handout",
    "handout_markdown": "handout",
    "docx_to_pdf": "handout", "PdfUnavailable": "handout",
    "briefing_markdown": "markdown", "comparison_markdown": "markdown", "timeline_markdown": "markdown",
    "grade_chart": "plots", "timeline_chart": "plots", "as_image": "plots", "available_filters": "scope",
    "Briefing": "models", "Comparison": "models", "Distinction": "models", "GroupSummary": "models",
    "Quote": "models", "ReportSummary": "models", "Scope": "models", "Timeline": "models",
    "UnsupportedFilter": "scope", "REGION_UNSUPPORTED": "scope", "FRAMEWORKS": "scope",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'assistant.trainer' has no attribute {name!r}")
    value = getattr(import_module(f"assistant.trainer.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
