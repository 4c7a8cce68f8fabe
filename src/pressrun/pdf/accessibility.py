"""The tagged PDF WeasyPrint writes, finished for assistive technology and text
extraction (pikepdf): a written PDF in, the same pages out, with

- running heads and folios marked as pagination artifacts. WeasyPrint 70 marks the text
  of the page-margin boxes as content, and builds structure elements for it that it
  leaves out of the tag tree (artifacts in the tree are PDF 2.0 only); readers then
  find text that belongs to no element. Here that text becomes `/Artifact` (`/Pagination`,
  `/Header` or `/Footer`) and its entries leave the parent tree.
- letter-spaced text set with the character-spacing operator (`Tc`). WeasyPrint draws
  tracking as a gap after every glyph, which text extraction reads as spaces between
  letters ("K E Y  P R O J E C T S"); the same positions drawn with `Tc` extract as words.
- no-break spaces read as spaces. The engine draws a space and a no-break space with the
  font's one space glyph, and maps that glyph to whichever of the two a layout met
  first: every space of a font could read as a no-break space, so that a search for
  "Ms Denise Bax" fails, and a chunk would read otherwise than the whole book.

What the pages look like does not change: every glyph stays where it was.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

# A gap after most glyphs of a run, in thousandths of an em, from which the run counts as
# letter-spaced (kerning is smaller, and rarely opens a gap).
TRACKING = Decimal(20)
# CSS pixels per PDF point: WeasyPrint's content streams are drawn in CSS pixels.
PX_PER_PT = Decimal(4) / Decimal(3)
TC = Operator("Tc")
# In a `TJ` array as qpdf writes it: the glyph codes of a hex string, and a gap of at
# least TRACKING thousandths of an em (a number of -20 or less).
HEX_STRING = re.compile(rb"<([0-9A-Fa-f]*)>")
WIDE_GAP = re.compile(rb"(?<![\d.])-(?:[2-9]\d|[1-9]\d{2,})(?![\d])")
# A `bfchar` entry of a ToUnicode map as WeasyPrint writes it: `<glyph> <UTF-16BE text>`.
BFCHAR = re.compile(rb"^(<[0-9A-Fa-f]+> )<([0-9A-Fa-f]+)>$", re.MULTILINE)


def finish(pdf: pikepdf.Pdf) -> None:
    """Mark the pagination artifacts and set letter-spaced runs with `Tc`, on every page."""
    parents = _parent_arrays(pdf)
    reachable = _reachable(pdf)
    for page in pdf.pages:
        array = parents.get(int(page.obj.get("/StructParents", -1)))
        margin = set()
        if array is not None:
            margin = {mcid for mcid, parent in enumerate(array) if _objgen(parent) not in reachable}
            for mcid in margin:
                array[mcid] = None
        height = Decimal(str(float(page.obj.MediaBox[3]) - float(page.obj.MediaBox[1]))) * PX_PER_PT
        operations = pikepdf.parse_content_stream(page)
        fonts = page.Resources.get("/Font", Dictionary())
        rewritten = _rewritten(operations, fonts, margin, height)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rewritten))
    _read_no_break_spaces_as_spaces(pdf)


def _read_no_break_spaces_as_spaces(pdf: pikepdf.Pdf) -> None:
    done: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in page.Resources.get("/Font", Dictionary()).values():
            cmap = font.get("/ToUnicode")
            if cmap is None or cmap.objgen in done:
                continue
            done.add(cmap.objgen)
            cmap.write(BFCHAR.sub(_as_space, cmap.read_bytes()))


def _as_space(entry: re.Match) -> bytes:
    text = bytes.fromhex(entry.group(2).decode()).decode("utf-16-be").replace("\u00a0", " ")
    return entry.group(1) + b"<" + text.encode("utf-16-be").hex().encode() + b">"


def _objgen(value) -> tuple[int, int] | None:
    return value.objgen if isinstance(value, pikepdf.Object) and value.is_indirect else None


def _parent_arrays(pdf: pikepdf.Pdf) -> dict[int, Array]:
    """Each page's parent-tree array (MCID -> structure element), by the page's key."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return {}
    nums = tree.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2) if isinstance(nums[i + 1], Array)}


def _reachable(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """The structure elements the tag tree reaches from its root."""
    tree = pdf.Root.get("/StructTreeRoot")
    found: set[tuple[int, int]] = set()
    stack = [tree.K] if tree is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, Array):
            stack.extend(node)
        elif isinstance(node, Dictionary) and node.get("/Type") not in (Name.MCR, Name.OBJR):
            if node.objgen in found:
                continue
            found.add(node.objgen)
            if "/K" in node:
                stack.append(node.K)
    return found


def _rewritten(operations: list, fonts: Dictionary, margin: set[int], height: Decimal) -> list:
    """The page's operations with the margin boxes' marked content as pagination
    artifacts (a header above the middle of the page, a footer below) and tracked text
    runs drawn with `Tc`. Only the operands of the operators that matter are read."""
    names = [str(instruction.operator) for instruction in operations]
    result = []
    size, two_byte = Decimal(0), False
    for index, name in enumerate(names):
        instruction = operations[index]
        if name == "Tf":
            font, font_size = instruction.operands
            size, two_byte = Decimal(str(font_size)), _two_byte(fonts.get(str(font)))
        elif name == "BDC" and margin and _mcid(instruction.operands) in margin:
            where = Name.Header if _first_y(operations, names, index) < height / 2 else Name.Footer
            result.append(([Name.Artifact, Dictionary(Type=Name.Pagination, Subtype=where)], instruction.operator))
            continue
        elif name == "TJ" and two_byte and (tracked := _tracked(instruction.operands[0])) is not None:
            tracking, glyphs = tracked
            result += [([-tracking * size / 1000], TC), ([glyphs], instruction.operator), ([0], TC)]
            continue
        result.append(instruction)
    return result


def _mcid(operands) -> int | None:
    properties = operands[1]
    return int(properties.MCID) if isinstance(properties, Dictionary) and "/MCID" in properties else None


def _two_byte(font) -> bool:
    """Whether the font's glyph codes are two bytes each (how WeasyPrint embeds outline
    fonts), so that a run's glyphs can be counted."""
    return font is not None and font.get("/Subtype") == Name.Type0 and font.get("/Encoding") == Name("/Identity-H")


def _may_be_tracked(unparsed: bytes) -> bool:
    """A quick look at a `TJ` array as written: False when it cannot be letter-spaced (too
    few gaps for its glyphs), so that most text is not looked at glyph by glyph."""
    if re.search(rb"\((?!\))", unparsed):  # a glyph written as a literal string: look closer
        return True
    glyph_count = len(b"".join(HEX_STRING.findall(unparsed))) // 4
    return glyph_count >= 2 and 2 * len(WIDE_GAP.findall(unparsed)) >= glyph_count - 1


def _first_y(operations: list, names: list[str], start: int) -> Decimal:
    """The vertical position (from the top) of the first text drawn after `start`."""
    try:
        return Decimal(str(operations[names.index("Tm", start)].operands[5]))
    except ValueError:
        return Decimal(0)


def _tracked(shown: Array) -> tuple[Decimal, Array] | None:
    """For a letter-spaced `TJ` array: the gap after each glyph (thousandths of an em,
    negative) and the array without it; None for any other text."""
    if not _may_be_tracked(shown.unparse()):
        return None
    glyphs: list[list] = []  # [glyph codes, adjustment after them], one glyph each
    leading = Decimal(0)
    for item in shown:
        if isinstance(item, pikepdf.String):
            data = bytes(item)
            glyphs += [[data[i : i + 2], Decimal(0)] for i in range(0, len(data), 2)]
        elif glyphs:
            glyphs[-1][1] += Decimal(str(item))
        else:
            leading += Decimal(str(item))
    if len(glyphs) < 2:
        return None
    gap, count = Counter(adjustment for _, adjustment in glyphs[:-1]).most_common(1)[0]
    if gap > -TRACKING or 2 * count < len(glyphs) - 1:
        return None
    items: list = [leading] if leading else []
    for code, adjustment in glyphs:
        if items and isinstance(items[-1], bytes):
            items[-1] += code
        else:
            items.append(code)
        if adjustment != gap:
            items.append(adjustment - gap)
    return gap, Array([pikepdf.String(item) if isinstance(item, bytes) else item for item in items])
