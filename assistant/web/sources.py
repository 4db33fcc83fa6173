"""Original documents for the source viewer: safe file lookup, page images and downloads.

A request names a document only by its doc_id; the file is the index's own record of its path, joined to
the corpus root and refused if it resolves anywhere outside it (`..`, absolute paths, symlinks out).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

from assistant.index import Index
from assistant.models import DocumentInfo
from assistant.web.render import find_span

_DOC_ID = re.compile(r"^[0-9a-f]{8,64}$")
PAGE_SCALE = 1.5  # about 108 dpi: an A4 page stays readable without a multi-megabyte image


class SourceError(Exception):
    """A message fit to show the user."""


class SourceRefused(SourceError):
    """The file is outside the corpus: nothing of it, not even its indexed text, may be shown."""


class SourceFiles:
    def __init__(self, index: Index, corpus_root: str | os.PathLike, cache_dir: str | os.PathLike | None = None,
                 stage_dir: str | os.PathLike | None = None):
        self.index = index
        self.root = Path(corpus_root).resolve()
        self.cache_dir = Path(cache_dir) if cache_dir else Path(index.folder) / "pages"
        # Downloads are copied here, so the web server never needs the whole corpus among its allowed paths.
        self.stage_dir = Path(stage_dir) if stage_dir else Path(tempfile.mkdtemp(prefix="inspection-assistant-"))

    def document(self, doc_id: str) -> DocumentInfo:
        if not isinstance(doc_id, str) or not _DOC_ID.match(doc_id):
            raise SourceError("That is not a document id of this index.")
        doc = self.index.documents().get(doc_id)
        if doc is None:
            raise SourceError("No indexed document has that id; the index may have been rebuilt since the answer.")
        return doc

    def path(self, doc_id: str) -> Path:
        """The original file of an indexed document, only ever inside the corpus root."""
        doc = self.document(doc_id)
        rel = Path(doc.path)
        if rel.is_absolute() or ".." in rel.parts:
            raise SourceRefused("The document's recorded path is outside the corpus folder; refusing to open it.")
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root):
            raise SourceRefused("The document's file resolves outside the corpus folder; refusing to open it.")
        if not path.is_file():
            raise SourceError(f"The original file {doc.path} is not in the corpus folder this server was started with (--corpus).")
        return path

    def download(self, doc_id: str) -> Path:
        """A private copy of the original file, keeping its name for the browser's download."""
        source = self.path(doc_id)
        target = self.stage_dir / doc_id[:16] / source.name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_copy(source, target)
        return target

    # page images
    def page_png(self, doc_id: str, page: int) -> Path | None:
        """The page rendered once and cached as <index>/pages/<doc_id>-<page>.png; None for non-PDF documents."""
        doc = self.document(doc_id)
        if not 1 <= int(page) <= max(doc.pages, 1):
            raise SourceError(f"The document has no page {page}.")
        source = self.path(doc_id)
        if source.suffix.lower() != ".pdf":
            return None
        target = self._cache_file(f"{doc_id}-{int(page)}.png")
        if not target.exists():
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(source)
            try:
                image = pdf[int(page) - 1].render(scale=PAGE_SCALE).to_pil()
            finally:
                pdf.close()
            tmp = _tmp_beside(target)
            image.save(tmp, format="PNG", optimize=False)
            os.replace(tmp, target)  # readers never see half a file when two users open the same page
        return target

    def _cache_file(self, name: str) -> Path:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            probe = self.cache_dir / ".write-test"
            probe.touch()
            probe.unlink()
        except OSError:  # a read-only index still gets page images, cached for this run only
            self.cache_dir = self.stage_dir / "pages"
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        return self.cache_dir / name

    def highlighted_page(self, doc_id: str, page: int, quote: str | None):
        """The page image with the quote's lines marked, as a PIL image; the plain page when not found."""
        from PIL import Image, ImageDraw

        png = self.page_png(doc_id, page)
        if png is None:
            return None, False
        image = Image.open(png).convert("RGB")
        boxes = self._quote_boxes(doc_id, page, quote) if quote else []
        if not boxes:
            return image, False
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        for left, top, right, bottom in boxes:
            draw.rectangle([left - 2, top - 2, right + 2, bottom + 2], fill=(255, 214, 0, 110))
        return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB"), True

    def _quote_boxes(self, doc_id: str, page: int, quote: str) -> list[tuple[float, float, float, float]]:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(self.path(doc_id))
        try:
            pdf_page = pdf[int(page) - 1]
            height = pdf_page.get_height()
            text_page = pdf_page.get_textpage()
            text = text_page.get_text_range()
            # pdfium's text has one character per text-page index, so a span in it maps straight to boxes.
            span = find_span(text, quote) if len(text) == text_page.count_chars() else None
            if not span:
                return []
            a, b = span
            boxes = []
            for i in range(text_page.count_rects(a, b - a)):
                left, bottom, right, top = text_page.get_rect(i)
                boxes.append((left * PAGE_SCALE, (height - top) * PAGE_SCALE, right * PAGE_SCALE, (height - bottom) * PAGE_SCALE))
            return boxes
        finally:
            pdf.close()


def _tmp_beside(target: Path) -> Path:
    # Unique per process and thread: two users opening the same page must not write the same temp file.
    return target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")


def _atomic_copy(source: Path, target: Path) -> None:
    tmp = _tmp_beside(target)
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
