"""Passages not worth a vector: kept in the keyword index and in answers, never embedded.

Cleaning already drops running headers, footers, page numbers and the licence block before chunking, so what is
left for these rules is small (about 80 of 12,910 chunks in the default corpus). Each rule's effect on the eval
suite's retrieval was measured by `python -m bench.embedding_cuts` before it was switched on; see the README.
"""
from __future__ import annotations

import re

# Ingest marks chunks in the `embedded` column: 0 pending, 1 embedded, NOT_EMBEDDED kept out on purpose.
NOT_EMBEDDED = 2

# Fewer word-pieces than this is a fragment: "(Reg 39)", "216. The advert should include:".
MIN_TOKENS = 12
# The same passage in this many documents is a template paragraph (the 2026 reports' note on how areas for
# improvement map to the National Framework appears word for word in every one).
REPEATED_IN_DOCUMENTS = 3

_CONTENTS_ENTRY = re.compile(r"([A-Za-z][^0-9]{3,80}?) (\d{1,3})(?= |$)")


def is_contents_listing(text: str) -> bool:
    """A run of 'Heading 12 Heading 14 ...' entries covering most of the passage, their page numbers never going
    back: a table of contents. (Findings full of figures, "25 of the 30 social workers", fail the order test.)"""
    entries = _CONTENTS_ENTRY.findall(text)
    pages = [int(n) for _, n in entries]
    return (len(entries) >= 4 and pages == sorted(pages)
            and sum(len(h) + len(n) + 2 for h, n in entries) > 0.6 * len(text))


def worth_embedding(text: str, n_tokens: int) -> bool:
    return n_tokens >= MIN_TOKENS and not is_contents_listing(text)


REPEATED_TEXTS_SQL = f"SELECT text FROM chunks GROUP BY text HAVING COUNT(DISTINCT doc_id) >= {REPEATED_IN_DOCUMENTS}"
REPEATED_SQL = f"UPDATE chunks SET embedded = {NOT_EMBEDDED} WHERE embedded = 0 AND text IN ({REPEATED_TEXTS_SQL})"
