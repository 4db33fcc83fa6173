"""Read a file into raw page texts, deciding what it is from its bytes, never from its extension.

A file that cannot be used raises `Unusable` with a one-line reason a person understands; the ingest
records it and goes on with the rest.
"""
from __future__ import annotations

import io
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = {".pdf", ".html", ".htm", ".txt", ".md"}

# A page with fewer characters than this, on average, has no usable text layer (a scan).
MIN_CHARS_PER_PAGE = 25


class Unusable(Exception):
    """The file cannot be indexed; str(exc) is the reason shown to the user."""


@dataclass
class LoadedDocument:
    path: Path
    format: str  # "pdf", "html" or "text"
    pages: list[str]
    title: str | None = None
    warnings: list[str] = field(default_factory=list)


def sniff(head: bytes) -> str:
    """What the bytes are: "pdf", "html", "text", "binary" or "empty"."""
    if not head.strip():
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    lowered = head[:4096].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:2048]:
        return "html"
    if b"\x00" in head[:4096]:
        return "binary"
    return "text"


def load_document(path: str | Path) -> LoadedDocument:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Unusable(f"cannot be read: {exc.strerror or exc}") from exc
    kind = sniff(data[:8192])
    suffix = path.suffix.lower()
    if kind == "empty":
        raise Unusable("empty file")
    if kind == "pdf":
        return _load_pdf(path, data)
    if kind == "html":
        if suffix == ".pdf":
            raise Unusable("not a PDF: an HTML error page" if _looks_like_error_page(data) else "not a PDF: an HTML page")
        return _load_html(path, data)
    if kind == "binary":
        raise Unusable("not a PDF, HTML or text document (binary data)")
    if suffix == ".pdf":
        raise Unusable("not a PDF: the file holds plain text, not PDF data (truncated or mislabelled)")
    return _load_text(path, data)


def _looks_like_error_page(data: bytes) -> bool:
    text = data[:20000].decode("utf-8", "replace").lower()
    return any(w in text for w in ("error", "not found", "page cannot", "404", "unavailable", "sorry"))


def _load_pdf(path: Path, data: bytes) -> LoadedDocument:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    # pypdf logs every recoverable oddity of a PDF; the reasons that matter are raised below.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise Unusable(f"encrypted: cannot be opened ({exc})") from exc
            if not opened:
                raise Unusable("encrypted: needs a password")
        with _font_encodings_cached():
            pages = [_page_text(page) for page in reader.pages]
    except Unusable:
        raise
    except LimitReachedError as exc:  # pypdf's decompression cap: not a scan, and not worth a raw class name
        raise Unusable(f"too large when decompressed (a compression bomb?): {_short(exc)}") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise Unusable(f"corrupt or truncated PDF: {_short(exc)}") from exc
    if not pages:
        raise Unusable("corrupt or truncated PDF: no pages")
    if sum(len(p.strip()) for p in pages) < MIN_CHARS_PER_PAGE * len(pages):
        raise Unusable("no text layer: needs OCR")
    warnings = []
    blank = [i + 1 for i, p in enumerate(pages) if len(p.strip()) < MIN_CHARS_PER_PAGE]
    if blank:
        # Indexed for what it has, but said: a question about those pages cannot find them.
        warnings.append(f"{len(blank)} of {len(pages)} pages have no text layer (scanned?) and cannot be searched: "
                        f"page{'s' if len(blank) > 1 else ''} {_ranges(blank)}")
    title = None
    try:
        meta = reader.metadata
        title = (meta.title or "").strip() or None if meta else None
    except Exception:  # broken info dictionaries are common and harmless
        title = None
    return LoadedDocument(path=path, format="pdf", pages=pages, title=title, warnings=warnings)


def _ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


@contextmanager
def _font_encodings_cached():
    """Parse each font's character map once per document instead of once per page.

    pypdf rebuilds every font's ToUnicode map on every page; for documents with large CID fonts (the IRO
    handbook) that took 80-170 s instead of 4-8 s. The text extracted is identical (checked on the corpus);
    the cache is keyed by the font dictionary object, which pypdf resolves once per reader.
    """
    try:
        import pypdf.generic._font as font_module
    except ImportError:
        yield
        return
    original = getattr(font_module, "get_encoding", None)
    if original is None:
        yield
        return
    cache: dict[int, tuple[object, object]] = {}

    def cached(font_dict):
        key = id(font_dict)
        if key not in cache:
            cache[key] = (font_dict, original(font_dict))  # holding the dict keeps its id unique
        return cache[key][1]

    font_module.get_encoding = cached
    try:
        yield
    finally:
        font_module.get_encoding = original


def _page_text(page) -> str:
    from pypdf.errors import LimitReachedError

    try:
        text = page.extract_text() or ""
        if len(text.strip()) < MIN_CHARS_PER_PAGE:
            # extract_text swallows pypdf's decompression cap and returns "", which looked like a scan;
            # decoding the content stream again raises it, so a bomb is named as one.
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
        return text
    except LimitReachedError:
        raise  # a decompression bomb, not an unreadable page: the document is refused with that reason
    except Exception as exc:  # one unreadable page must not lose the document
        logging.getLogger(__name__).warning("page text could not be extracted: %s", _short(exc))
        return ""


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _load_text(path: Path, data: bytes) -> LoadedDocument:
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    pages = text.split("\f")
    if pages and not pages[-1].strip() and len(pages) > 1:
        pages = pages[:-1]
    if not any(p.strip() for p in pages):
        raise Unusable("empty file")
    return LoadedDocument(path=path, format="text", pages=pages)


# gov.uk pages: the publication body, never the navigation, banners or footer.
_MAIN_SELECTORS = (".govuk-govspeak", "main", "#content", "article", "body")
_DROP = ("script", "style", "noscript", "nav", "header", "footer", "form", "button", "svg", "template")
_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "dt", "dd", "pre", "blockquote", "caption")


def _load_html(path: Path, data: bytes) -> LoadedDocument:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(data), "lxml")
    title = None
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        title = h1.get_text(" ", strip=True)
    elif soup.title and soup.title.get_text(strip=True):
        title = re.sub(r"\s*-\s*GOV\.UK\s*$", "", soup.title.get_text(" ", strip=True))
    main = None
    for selector in _MAIN_SELECTORS:
        main = soup.select_one(selector)
        if main is not None:
            break
    if main is None:
        raise Unusable("HTML page with no readable content")
    for tag in main.find_all(_DROP):
        tag.decompose()
    for tag in main.find_all(class_=re.compile(r"cookie|banner|breadcrumb|print-link|contents-list", re.I)):
        tag.decompose()
    lines: list[str] = []
    for block in main.find_all(_BLOCKS):
        if block.find(_BLOCKS):  # nested blocks are visited on their own
            continue
        text = " ".join(block.get_text(" ", strip=True).split())
        if not text:
            continue
        if block.name == "li":
            parent = block.find_parent(["ol", "ul"])
            if parent is not None and parent.name == "ol":
                number = 1 + sum(1 for s in block.find_previous_siblings("li"))
                start = parent.get("start")
                if start and str(start).isdigit():
                    number += int(start) - 1
                text = f"{number}. {text}"
            else:
                text = f"• {text}"
        if block.name and block.name[0] == "h":
            lines.append("")
        lines.append(text)
        lines.append("")
    body = "\n".join(lines).strip()
    if len(body) < MIN_CHARS_PER_PAGE:
        raise Unusable("HTML page with no readable content")
    return LoadedDocument(path=path, format="html", pages=[body], title=title)
