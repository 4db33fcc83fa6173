"""Blocks to chunks: a paragraph, or a run of short paragraphs under one heading, always below the
embedder's window. A long paragraph is split at sentence boundaries."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.config import embedder_path
from assistant.documents.structure import Block, Line
from assistant.text import sentence_spans


@dataclass
class Chunk:
    text: str
    section: str
    area: str | None
    paragraph: str | None
    segments: list[tuple[int, int, int]]  # (0-based page, start, end) into cleaned page text
    n_tokens: int

    @property
    def pages(self) -> list[int]:
        return sorted({p + 1 for p, _, _ in self.segments})


@lru_cache(maxsize=1)
def _tokenizer():
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(embedder_path() / "tokenizer.json"))
    tokenizer.no_truncation()  # the shipped file truncates at 128; we need true lengths
    tokenizer.no_padding()
    return tokenizer


def count_tokens(texts: list[str]) -> list[int]:
    """Word-pieces of the embedder's own tokenizer, without [CLS]/[SEP]."""
    if not texts:
        return []
    return [len(e.ids) for e in _tokenizer().encode_batch(texts, add_special_tokens=False)]


class _Flat:
    """A block's lines joined by single spaces, with a map back to page offsets."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.text = " ".join(line.text for line in lines)
        self.starts: list[int] = []
        pos = 0
        for line in lines:
            self.starts.append(pos)
            pos += len(line.text) + 1

    def segments(self, a: int, b: int) -> list[tuple[int, int, int]]:
        spans: list[tuple[int, int, int]] = []
        for line, s in zip(self.lines, self.starts):
            e = s + len(line.text)
            lo, hi = max(a, s), min(b, e)
            if lo >= hi:
                continue
            page_lo, page_hi = line.start + (lo - s), line.start + (hi - s)
            # Merge only lines one newline apart, so a span's text is the chunk text with "\n" for " ".
            if spans and spans[-1][0] == line.page and spans[-1][2] + 1 == page_lo:
                spans[-1] = (line.page, spans[-1][1], page_hi)
            else:
                spans.append((line.page, page_lo, page_hi))
        return spans


def _split_long(flat: _Flat, max_tokens: int) -> list[tuple[int, int]]:
    """Greedy runs of whole sentences under max_tokens; a single overlong sentence is cut at words."""
    sentences = sentence_spans(flat.text)
    sizes = count_tokens([flat.text[a:b] for a, b in sentences])
    pieces: list[tuple[int, int]] = []
    cur_start, cur_end, cur_size = None, None, 0
    for (a, b), size in zip(sentences, sizes):
        if size > max_tokens:
            if cur_start is not None:
                pieces.append((cur_start, cur_end))
                cur_start, cur_size = None, 0
            pieces.extend(_cut_words(flat.text, a, b, max_tokens))
            continue
        if cur_start is not None and cur_size + size > max_tokens:
            pieces.append((cur_start, cur_end))
            cur_start, cur_size = None, 0
        if cur_start is None:
            cur_start = a
        cur_end, cur_size = b, cur_size + size
    if cur_start is not None:
        pieces.append((cur_start, cur_end))
    return pieces


def _cut_words(text: str, a: int, b: int, max_tokens: int) -> list[tuple[int, int]]:
    words = [(m.start() + a, m.end() + a) for m in re.finditer(r"\S+", text[a:b])]
    sizes = count_tokens([text[s:e] for s, e in words])
    out, start, size = [], None, 0
    for (s, e), n in zip(words, sizes):
        if start is not None and size + n > max_tokens:
            out.append((start, prev_end))
            start, size = None, 0
        if start is None:
            start = s
        prev_end, size = e, size + n
    if start is not None:
        out.append((start, prev_end))
    return out


def chunk_blocks(blocks: list[Block], max_tokens: int = 200, min_tokens: int = 40) -> list[Chunk]:
    content = [b for b in blocks if b.kind != "heading" and b.text.strip()]
    sizes = count_tokens([b.text for b in content])
    chunks: list[Chunk] = []
    pending: list[Block] = []
    pending_size = 0

    def flush() -> None:
        nonlocal pending, pending_size
        if pending:
            lines = [line for b in pending for line in b.lines]
            _emit(chunks, pending[0], _Flat(lines), max_tokens, pending_size)
        pending, pending_size = [], 0

    i = 0
    while i < len(content):
        block, size = content[i], sizes[i]
        i += 1
        if block.kind in ("numbered", "footnote"):
            flush()
            lines, total, notes = list(block.lines), size, []
            # A paragraph introducing a list ("3.23 ... timings specified in the Regulations:", "38. These three
            # partners have a joint and equal duty to make arrangements to:") travels with its list: apart, the
            # list items lose what they are about and the lead-in says nothing. A page's footnotes between
            # them follow on their own.
            while block.kind == "numbered" and block.text.rstrip().endswith(":"):
                j = i
                while j < len(content) and content[j].kind == "footnote":
                    j += 1
                if not (j < len(content) and content[j].kind in ("sublist", "bullets")
                        and content[j].paragraph == block.paragraph and content[j].section == block.section):
                    break
                notes += [(content[k], sizes[k]) for k in range(i, j)]
                lines += content[j].lines
                total += sizes[j] + 1
                i = j + 1
            _emit(chunks, block, _Flat(lines), max_tokens, total)
            for note, note_size in notes:
                _emit(chunks, note, _Flat(note.lines), max_tokens, note_size)
            continue
        # Short unnumbered blocks under one heading travel together, so no chunk is a lone fragment.
        if pending and (pending[0].section != block.section or pending[0].paragraph != block.paragraph
                        or pending_size + size > max_tokens):
            flush()
        pending.append(block)
        pending_size += size + 1
        if pending_size >= min_tokens * 3:
            flush()
    flush()
    return chunks


def _emit(chunks: list[Chunk], block: Block, flat: _Flat, max_tokens: int, size: int) -> None:
    pieces = [(0, len(flat.text))] if size <= max_tokens else _split_long(flat, max_tokens)
    texts = [flat.text[a:b] for a, b in pieces]
    counts = [size] if len(pieces) == 1 else count_tokens(texts)
    for (a, b), text, n in zip(pieces, texts, counts):
        chunks.append(Chunk(text, block.section, block.area, block.paragraph, flat.segments(a, b), n))
