"""PDF assembly after layout (pikepdf): one book from the PDFs of its chunks, and the
screen variant cut from the print layout's PDF (before `press` makes it the print PDF).

A large directory is laid out in chunks by parallel processes; each chunk is a complete
WeasyPrint PDF whose pages already carry their final folios. Joining them keeps what a
reader and an assistive technology rely on: one tag tree (the chunks' structure elements
under one Document element, with the parent tree renumbered), one table of named
destinations (so that a link into another chunk lands where it should), and one outline
nested by bookmark level across chunk boundaries.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, String

from . import accessibility
from .jobs import Bookmark, ChunkPdf

# Annotation flag bit 3: the annotation is printed.
PRINT_FLAG = 4


def save(pdf: pikepdf.Pdf, version: str | None = None) -> bytes:
    """The PDF's bytes: compressed, objects in object streams, the same bytes for the same PDF."""
    output = io.BytesIO()
    pdf.save(
        output,
        deterministic_id=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
        fix_metadata_version=False,
        force_version=version,
    )
    return output.getvalue()


def finished(data: bytes) -> bytes:
    """The PDF the engine wrote, finished for readers and assistive technology (see
    `accessibility`), its streams compressed (zlib's default level) and its objects
    packed into object streams."""
    pdf = pikepdf.open(io.BytesIO(data))
    accessibility.finish(pdf)
    return save(pdf)


def _copy(book: pikepdf.Pdf, source: pikepdf.Pdf, value):
    """A chunk's object copied into the book; the pages it refers to are the book's copies."""
    return book.copy_foreign(source.make_indirect(value))


def _pairs(flat: Array) -> list[tuple[object, object]]:
    return [(flat[index], flat[index + 1]) for index in range(0, len(flat), 2)]


def join(chunks: Sequence[ChunkPdf], bookmarks: Sequence[Bookmark]) -> bytes:
    """One PDF from the chunks' PDFs, in order. The first chunk gives the document-level
    entries (language, metadata, output intent, viewer preferences)."""
    book = pikepdf.open(io.BytesIO(chunks[0].data))
    sources = [book] + [pikepdf.open(io.BytesIO(chunk.data)) for chunk in chunks[1:]]
    tags = _TagTree(book, sum(len(source.pages) for source in sources))
    destinations: list[tuple[str, object]] = []
    first_page = 0
    for chunk, source in zip(chunks, sources, strict=True):
        if source is not book:
            book.pages.extend(source.pages)
            _share_color_spaces(book, range(first_page, first_page + len(source.pages)))
        tags.adopt(source, first_page)
        names = source.Root.get("/Names")
        if names is not None and "/Dests" in names:
            flat = names.Dests.Names if source is book else _copy(book, source, names.Dests.Names)
            destinations += [
                (str(name), target) for name, target in _pairs(flat) if str(name) not in chunk.borrowed_anchors
            ]
        first_page += len(source.pages)
    tags.close()
    if destinations:
        ordered = sorted(destinations, key=lambda pair: pair[0].encode("utf-8"))
        book.Root.Names = Dictionary(
            Dests=Dictionary(Names=Array([item for name, target in ordered for item in (String(name), target)]))
        )
    _write_outline(book, bookmarks)
    return save(book)


def _share_color_spaces(book: pikepdf.Pdf, pages: range) -> None:
    """Every chunk embeds the press profile in its colour spaces (which its pages and
    their forms share); point them at the first chunk's, so that the book holds it once."""
    shared = book.pages[0].Resources.get("/ColorSpace")
    if shared is None:
        return
    spaces = {}
    for index in pages:
        space = book.pages[index].Resources.get("/ColorSpace")
        if space is not None and space.is_indirect:
            spaces[space.objgen] = space
    for space in spaces.values():
        for name, value in space.items():
            if name in shared and _canonical(value) == _canonical(shared[name]):
                space[name] = shared[name]


def _canonical(value) -> object:
    """A PDF object's content, comparable across files (streams by their bytes)."""
    if isinstance(value, pikepdf.Stream):
        return ("stream", _canonical(value.stream_dict), value.read_raw_bytes())
    if isinstance(value, pikepdf.Array):
        return tuple(_canonical(item) for item in value)
    if isinstance(value, pikepdf.Dictionary):
        return tuple(sorted((key, _canonical(item)) for key, item in value.items()))
    return value.unparse() if isinstance(value, pikepdf.Object) else value


class _TagTree:
    """The book's one tag tree: each chunk's structure elements go under the first
    chunk's Document element, and the parent tree is numbered again, pages first (key =
    page index) and then the annotations, as WeasyPrint numbers one document."""

    def __init__(self, book: pikepdf.Pdf, total_pages: int):
        self.book = book
        self.tree = book.Root.get("/StructTreeRoot")
        self.kids: list[object] = []
        self.parents: list[tuple[int, object]] = []
        self.next_annotation_key = total_pages

    def adopt(self, source: pikepdf.Pdf, first_page: int) -> None:
        """Take in the tags of `source`, whose pages are the book's from `first_page` on."""
        if self.tree is None:
            return
        count = len(source.pages)
        source_tree = source.Root.StructTreeRoot
        kids, nums = source_tree.K[0].K, source_tree.ParentTree.Nums
        if source is not self.book:
            kids, nums = _copy(self.book, source, kids), _copy(self.book, source, nums)
        for kid in kids:
            kid.P = self.tree.K[0]
            self.kids.append(kid)
        annotation_keys = {}
        for key, value in _pairs(nums):
            if int(key) < count:
                self.parents.append((first_page + int(key), value))
            else:
                annotation_keys[int(key)] = self.next_annotation_key
                self.parents.append((self.next_annotation_key, value))
                self.next_annotation_key += 1
        for index in range(count):
            page = self.book.pages[first_page + index].obj
            page.StructParents = first_page + index
            for annotation in page.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = annotation_keys[int(annotation.StructParent)]

    def close(self) -> None:
        if self.tree is None:
            return
        self.tree.K[0].K = Array(self.kids)
        ordered = sorted(self.parents, key=lambda pair: pair[0])
        self.tree.ParentTree = self.book.make_indirect(
            Dictionary(Nums=Array([item for key, value in ordered for item in (key, value)]))
        )


def _write_outline(book: pikepdf.Pdf, bookmarks: Sequence[Bookmark]) -> None:
    """The outline nested by level, as WeasyPrint nests one document's bookmarks."""
    with book.open_outline() as outline:
        outline.root.clear()
        stack: list[tuple[int, list]] = [(0, outline.root)]
        for bookmark in bookmarks:
            item = OutlineItem(
                bookmark.label, Array([book.pages[bookmark.page].obj, Name.XYZ, bookmark.x, bookmark.y, 0])
            )
            item.is_closed = not bookmark.open
            while len(stack) > 1 and stack[-1][0] >= bookmark.level:
                stack.pop()
            stack[-1][1].append(item)
            stack.append((bookmark.level, item.children))


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
    """The screen variant cut from the tagged print layout's PDF, without laying out or
    writing again: every page cropped to its trim (the bleed falls outside), no press
    profile, links flagged to print, and identified as PDF/UA-1 instead of PDF/X-4."""
    pdf = pikepdf.open(io.BytesIO(data))
    for page in pdf.pages:
        page.obj.MediaBox = page.obj.TrimBox
        for box in ("/TrimBox", "/BleedBox", "/CropBox"):
            if box in page.obj:
                del page.obj[box]
        # Links are printed too (PDF/UA asks that annotations not differ between screen and print).
        for annotation in page.obj.get("/Annots", []):
            annotation.F = int(annotation.get("/F", 0)) | PRINT_FLAG
    if "/OutputIntents" in pdf.Root:
        del pdf.Root.OutputIntents
    info = pdf.docinfo
    if "/Trapped" in info:
        del info.Trapped
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
    metadata = pdf.make_stream(_XMP.format(**fields).encode("utf-8"))
    metadata.Type, metadata.Subtype = Name.Metadata, Name.XML
    pdf.Root.Metadata = metadata
    return save(pdf, version="1.7")
