"""The PDF writer: HTML string in, PDF bytes and engine problems out (WeasyPrint).

WeasyPrint only reads files under the allowed folders (the layouts and the pinned font
package) and nothing from the network; its log records become problems of the edition.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import font_source_sans_pro
import pydyf
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import Origin, Problem, Problems

FONT_DIR = Path(font_source_sans_pro.__file__).parent / "files"


def confine_fonts() -> None:
    """Point fontconfig at the pinned font package only, so that no font installed on the
    machine can stand in for a missing glyph: the same content gives the same pages."""
    if os.environ.get("PRESSRUN_FONTCONFIG") == str(FONT_DIR):
        return
    folder = Path(tempfile.mkdtemp(prefix="pressrun-fontconfig-"))
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{FONT_DIR}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    os.environ["FONTCONFIG_FILE"] = str(folder / "fonts.conf")
    os.environ["PRESSRUN_FONTCONFIG"] = str(FONT_DIR)


# What each configured variant asks of WeasyPrint.
PDF_VARIANTS = {
    # For the printer: PDF/X-4, bleed and crop marks come from the layout's print stylesheet.
    # Tagged too, so that the screen variant can be cut from it (see screen_from_print).
    "print": {"pdf_variant": "pdf/x-4", "pdf_tags": True},
    # For screens: tagged for accessibility.
    "screen": {"pdf_variant": "pdf/ua-1"},
    # For proofreading: like the screen variant, with the proof marks of layouts/pdf/proof.css.
    "proof": {"pdf_variant": "pdf/ua-1"},
}


class ConfinedFetcher(URLFetcher):
    """Serves `file:` URLs under the allowed folders and `data:` URLs; refuses the rest."""

    def __init__(self, allowed: Iterable[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = [path.resolve() for path in allowed]

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file":
            raise ValueError(f"refused to fetch {url}: only files of the project are read")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed):
            raise ValueError(f"refused to read {path}: outside the layouts and fonts")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def engine_warnings(origin: Origin, problems: Problems) -> Iterator[None]:
    """Turn WeasyPrint's warnings and errors, logged while the block runs, into problems."""
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    previous_propagate = logger.propagate
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(collector)
        logger.propagate = previous_propagate
        for record in collector.records:
            message = " ".join(record.getMessage().split())
            problems.warning(origin, "engine", f"WeasyPrint: {message}")


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int
    problems: tuple[Problem, ...]
    # The page number on which each anchor (an element's id) lands, for the EPUB's page list.
    anchor_pages: dict[str, int]


def _deterministic_metadata(digest: str):
    """A WeasyPrint finisher that replaces the random XMP document id with one derived from
    the document, so that the same input gives the same bytes."""

    def finish(document, pdf: pydyf.PDF) -> None:
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
                obj.stream = [
                    re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{digest[:36]}".encode(), part)
                    if isinstance(part, bytes)
                    else part
                    for part in obj.stream
                ]

    return finish


def lay_out(html: str, base_url: Path, allowed: Iterable[Path], origin: Origin):
    """WeasyPrint's laid-out document for `html` (relative links resolve against
    `base_url`), and the engine's warnings as problems."""
    confine_fonts()
    from weasyprint import HTML

    problems = Problems()
    with engine_warnings(origin, problems):
        document = HTML(
            string=html, base_url=base_url.resolve().as_uri() + "/", url_fetcher=ConfinedFetcher(allowed)
        ).render()
    return document, problems


def anchor_pages(document) -> dict[str, int]:
    """The page number on which each anchor (an element's id) lands."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><pdfuaid:part>1</pdfuaid:part></rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>\
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><pdf:Producer>{producer}</pdf:Producer>\
<pdf:Keywords>{keywords}</pdf:Keywords></rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>{creator}</xmp:CreatorTool>\
<xmp:CreateDate>{created}</xmp:CreateDate><xmp:ModifyDate>{modified}</xmp:ModifyDate></rdf:Description>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def _xmp_date(pdf_date: str) -> str:
    """`D:20211006000000Z` as `2021-10-06T00:00:00Z`."""
    digits = pdf_date.removeprefix("D:")
    return f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}T{digits[8:10]}:{digits[10:12]}:{digits[12:14]}Z"


def screen_from_print(data: bytes) -> bytes:
    """The screen variant cut from the tagged print PDF, without laying out or writing
    again: every page cropped to its trim (bleed and crop marks fall outside), no press
    profile, and identified as PDF/UA-1 instead of PDF/X-4."""
    from xml.sax.saxutils import escape

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        trim = page.trimbox
        page.mediabox = trim
        for box in ("/TrimBox", "/BleedBox", "/CropBox"):
            page.pop(NameObject(box), None)
    root = writer._root_object
    root.pop(NameObject("/OutputIntents"), None)
    info = dict(writer.metadata or {})
    info.pop("/Trapped", None)
    fields = {
        key: escape(str(info.get(f"/{name}", "")))
        for key, name in [
            ("title", "Title"),
            ("author", "Author"),
            ("subject", "Subject"),
            ("producer", "Producer"),
            ("keywords", "Keywords"),
            ("creator", "Creator"),
        ]
    }
    fields["created"] = _xmp_date(str(info.get("/CreationDate", "D:19700101000000Z")))
    fields["modified"] = _xmp_date(str(info.get("/ModDate", "D:19700101000000Z")))
    metadata = DecodedStreamObject()
    metadata.set_data(_XMP.format(**fields).encode("utf-8"))
    metadata.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    root[NameObject("/Metadata")] = writer._add_object(metadata)
    writer._info = None
    writer.add_metadata({key: value for key, value in info.items()})
    writer.pdf_header = b"%PDF-1.7"
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def without_bleed(document) -> None:
    """Make a document laid out for print fit for screens: pages cut at the trim (the
    backgrounds painted into the bleed fall outside), no crop marks, no press profile."""
    for page in document.pages:
        page.bleed = dict.fromkeys(page.bleed, 0)
        page._page_box.style["marks"] = ()
    document.color_profiles = {}


def write_document(document, variant: str, digest: str, origin: Origin) -> tuple[bytes, Problems]:
    """PDF bytes of a laid-out document, as `variant` asks (see PDF_VARIANTS)."""
    problems = Problems()
    with engine_warnings(origin, problems):
        data = document.write_pdf(
            finisher=_deterministic_metadata(digest),
            pdf_identifier=digest[:32].encode(),
            **PDF_VARIANTS[variant],
        )
    return data, problems


def lay_out_and_write(html: str, base_url: Path, variant: str, allowed: Iterable[Path], origin: Origin):
    """Lay out `html` (whose relative links resolve against `base_url`) and write it as
    `variant`; return the PDF and WeasyPrint's laid-out document, whose boxes the proof
    report inspects."""
    document, problems = lay_out(html, base_url, allowed, origin)
    digest = hashlib.sha256(html.encode("utf-8") + variant.encode()).hexdigest()
    data, written = write_document(document, variant, digest, origin)
    problems.items.extend(written.items)
    result = PdfResult(
        data=data, pages=len(document.pages), problems=tuple(problems.items), anchor_pages=anchor_pages(document)
    )
    return result, document
