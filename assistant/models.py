"""The JSON contracts of the assistant: what `--json` prints and what the Python API returns."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, Field

from assistant.domain import AREAS


Kind = Literal["report", "framework"]


class Skipped(BaseModel):
    path: str
    reason: str


class IngestSummary(BaseModel):
    documents: int
    pages: int
    chunks: int
    embedded: int
    reused: int
    skipped: list[Skipped]
    seconds: float
    # Beyond the contract: what this run changed and what is still to embed.
    parsed: int = 0
    removed: int = 0
    pending_embeddings: int = 0
    not_embedded: int = 0  # boilerplate kept out of the vectors on purpose; still in keyword search
    timings: dict = Field(default_factory=dict)  # seconds: parse, keyword, keyword_ready, embed
    notes: list[Skipped] = Field(default_factory=list)  # indexed, with a caveat (pages that cannot be searched)


class DocumentInfo(BaseModel):
    doc_id: str
    path: str
    title: str
    kind: Kind
    local_authority: str | None = None
    urn: str | None = None
    published: dt.date | None = None
    inspection_start: dt.date | None = None
    inspection_end: dt.date | None = None
    lead_inspector: str | None = None
    inspection_type: str | None = None
    framework: str | None = None
    judgements: dict[str, str | None] = Field(default_factory=lambda: dict.fromkeys(AREAS))
    pages: int
    chunks: int
    judgement_page: int | None = None
    sub_judgements: dict[str, str | None] = Field(default_factory=dict)  # SIF only (domain.SUB_JUDGEMENTS)
    format: str | None = None
    other_paths: list[str] = Field(default_factory=list)


class Filters(BaseModel):
    """Explicit and detected restrictions on what an answer may cite."""

    local_authority: list[str] = Field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    kind: Kind | None = None
    area: str | None = None
    grade: str | None = None
    doc_id: list[str] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.local_authority or self.year_from or self.year_to or self.kind or self.area or self.grade or self.doc_id)


class Citation(BaseModel):
    n: int
    doc_id: str
    path: str
    title: str
    kind: Kind
    local_authority: str | None = None
    published: dt.date | None = None
    section: str | None = None
    paragraph: str | None = None
    page: int
    quote: str
    score: float
    # Beyond the contract: the chunk and where the quote sits on its page, for highlighting.
    chunk_id: str | None = None
    passage: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    passage_start: int | None = None  # the quote's offsets inside `passage`
    passage_end: int | None = None


class Sentence(BaseModel):
    """One sentence of the assistant's own words, with the sources that back it (citation numbers)."""

    text: str
    cites: list[int] = Field(default_factory=list)


class Lead(BaseModel):
    """The direct answer: one or two complete sentences, each citing its evidence."""

    kind: Literal["lead"] = "lead"
    sentences: list[Sentence]


class Quote(BaseModel):
    """A verbatim quote and its citation number; `stance` is what the sentence says of practice."""

    n: int
    text: str
    stance: Literal["strength", "weakness", "improvement", "neutral"] | None = None
    source: str | None = None  # the document, when a group quotes several


class QuoteGroup(BaseModel):
    """Quotes under one label ("Weaknesses", "Earlier reports") from one document (`source`: the report, its
    date and the judgement of the area quoted)."""

    kind: Literal["quotes"] = "quotes"
    label: str | None = None
    source: str | None = None
    doc_id: str | None = None
    quotes: list[Quote]


class Row(BaseModel):
    cells: list[str]
    cites: list[int] = Field(default_factory=list)


class Table(BaseModel):
    """Grades, counts or a comparison: every row cites where its figures come from."""

    kind: Literal["table"] = "table"
    caption: str
    columns: list[str]
    rows: list[Row]


class FollowUps(BaseModel):
    """Questions the user may ask next, made from the answer and the metadata (each one answerable)."""

    kind: Literal["follow_ups"] = "follow_ups"
    questions: list[str]


class Message(BaseModel):
    """Plain words from the assistant: why a question is not answered, or a pointer elsewhere."""

    kind: Literal["message"] = "message"
    text: str


Block = Annotated[Union[Lead, QuoteGroup, Table, FollowUps, Message], Field(discriminator="kind")]


class Answer(BaseModel):
    question: str
    answer: str  # the blocks as plain text (compose.plain_text); the blocks are the answer's structure
    refused: bool
    citations: list[Citation]
    filters: dict
    seconds: float
    # Beyond the contract.
    related: list[Citation] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    fact: dict | None = None
    retrieved: list[str] = Field(default_factory=list)
    evidence: dict = Field(default_factory=dict)
    detected: dict = Field(default_factory=dict)  # filters read from the question, not set by the user
    blocks: list[Block] = Field(default_factory=list)
    plan: str | None = None  # how the answer was composed (compose.PLANS): the kind of question detected
