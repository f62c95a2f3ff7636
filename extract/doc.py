"""DOC / WPS (Word 97–2003 binary) → rows, read from the file's own structure ([MS-DOC]).

Starting LibreOffice costs about two seconds a document; reading the binary directly costs
milliseconds and gives the rows the DOCX reader gives for the same document: the main text
is assembled from the piece table, paragraph properties (from the PAPX pages) tell table
cells and row ends apart, and each row's table definition (sprmTDefTable) says which cells
are merged away — a vertically merged cell below its first is left out, as in word.py.

Only what is understood is read. Anything else (encryption, fast-saved documents with piece
modifiers, nested tables, rows whose cells do not match their definition) raises
`NotNative`, and the caller converts the document with LibreOffice instead.
"""

from __future__ import annotations

import array
import bisect
import io
import re
import struct
import sys
from dataclasses import dataclass

from . import limits
from .errors import ExtractionError
from .formats import Document
from .layout import Row
from .word import one_line, text_paragraph_rows

# Paragraph and table properties (sprm codes, [MS-DOC] 2.6).
SPRM_P_IN_TABLE = 0x2416
SPRM_P_TTP = 0x2417  # the paragraph is a table row end mark
SPRM_P_ITAP = 0x6649  # table depth
SPRM_P_DTAP = 0x664A
SPRM_P_INNER_CELL = 0x244B
SPRM_P_INNER_TTP = 0x244C
SPRM_T_DEF_TABLE = 0xD608
SPRM_T_VERT_MERGE = 0xD62B
SPRM_T_CHANGES_CELLS = {0x5622, 0x7621, 0x5624, 0x5625, 0xD606}  # delete, insert, merge, split, TDefTable10
SPRM_P_CHG_TABS = 0xC615
SPRM_P_HUGE_PAPX = 0x6646  # the paragraph's modifiers are too long for its page: they are in the Data stream
SPRM_C_RMARK_DEL = 0x0800  # text deleted with change tracking on
SPRM_C_SYMBOL = 0x6A09  # Insert > Symbol: the text holds a placeholder, the character is in the property

# TC80.tcgrf bits.
TC_MERGED = 0x0002  # Word 97 horizontal merge: a cell after the first of a merged run
TC_VERT_MERGE = 0x0020
TC_VERT_RESTART = 0x0040

CELL_MARK = "\x07"
PARAGRAPH_MARK = "\r"
SECTION_MARK = "\x0c"  # ends a section's last paragraph; inside a paragraph it is a page break
FIELD_BEGIN, FIELD_SEPARATOR, FIELD_END = "\x13", "\x14", "\x15"
# Characters that stand for something else: line and column breaks, hyphens, anchors (\x0c is a mark).
_SPECIAL = str.maketrans({"\x0b": "\n", "\x0e": "\n", "\x1e": "-", "\x1f": "", "\x01": "", "\x02": "",
                          "\x05": "", "\x08": ""})
_CONTROL = re.compile(r"[\x00-\x06\x0f-\x12\x16-\x1d]")


class NotNative(Exception):
    """The document uses something this reader does not read: convert it instead."""


def read_doc(data: bytes) -> Document:
    """Rows of a Word 97–2003 document; `NotNative` when LibreOffice must do it."""
    try:
        return _read(data)
    except (struct.error, IndexError, KeyError, ValueError, OverflowError) as err:
        # Offsets that point nowhere: a damaged file (the caller still lets LibreOffice try).
        raise ExtractionError(f"corrupt DOC: {type(err).__name__}: {err}") from None


def _read(data: bytes) -> Document:
    with _open(data) as ole:
        word = _stream(ole, "WordDocument")
        if word is None:
            raise ExtractionError("corrupt DOC: no WordDocument stream")
        fib = Fib.parse(word)
        table = _stream(ole, fib.table_stream)
        if table is None:
            raise NotNative(f"no {fib.table_stream} stream")
        pieces = Pieces.parse(word, _slice(table, *fib.clx, "piece table"))
        limits.check(fib.ccp_text <= limits.MAX_DOC_CHARS, f"a DOC of {fib.ccp_text} characters")
        text = pieces.text(word, fib.ccp_text)
        papx = PropertyRuns.paragraphs(word, _slice(table, *fib.plcf_bte_papx, "paragraph properties"))
        if papx.has_huge():  # the Data stream also holds the pictures: read only when needed
            papx.data = _stream(ole, "Data") or b""
        chpx = PropertyRuns.characters(word, _slice(table, *fib.plcf_bte_chpx, "character properties"))
        if chpx.has(SPRM_C_SYMBOL):
            raise NotNative("symbol characters")
        rows = DocWalker(text, pieces.fc_at, papx, chpx.deleted_ranges()).rows()
        title = _summary_title(_stream(ole, "\x05SummaryInformation"))
    return Document(rows, "doc", "", title, {})


_OLE_ERRORS = (OSError, ValueError, IndexError, struct.error, TypeError, AttributeError)


def _open(data: bytes):
    import olefile

    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except _OLE_ERRORS as err:
        raise ExtractionError(f"corrupt DOC (Compound File): {err}") from None


def _stream(ole, name: str) -> bytes | None:
    try:
        return ole.openstream(name).read() if ole.exists(name) else None
    except _OLE_ERRORS as err:
        raise ExtractionError(f"corrupt DOC (Compound File stream {name!r}): {err}") from None


def _slice(stream: bytes, offset: int, size: int, what: str) -> bytes:
    if size == 0:
        raise NotNative(f"the document has no {what}")
    if offset + size > len(stream):
        raise ExtractionError(f"corrupt DOC: the {what} lies outside its stream")
    return stream[offset:offset + size]


@dataclass
class Fib:
    """The File Information Block: where the text and its properties are."""

    table_stream: str
    ccp_text: int
    clx: tuple[int, int]
    plcf_bte_papx: tuple[int, int]
    plcf_bte_chpx: tuple[int, int]

    @classmethod
    def parse(cls, word: bytes) -> Fib:
        if len(word) < 0x22 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
            raise ExtractionError("corrupt DOC: the WordDocument stream has no Word file header")
        flags = struct.unpack_from("<H", word, 0x0A)[0]
        if flags & 0x0100:
            raise NotNative("encrypted")
        if flags & 0x0004:
            raise NotNative("fast-saved (complex) file")
        offset = 0x20
        csw = _u16(word, offset)
        offset += 2 + 2 * csw
        cslw = _u16(word, offset)
        lw = offset + 2
        ccp_text = _u32(word, lw + 3 * 4)
        if _u32(word, lw + 9 * 4):  # ccpTxbx: text boxes, which LibreOffice reads into the body
            raise NotNative("text boxes")
        offset = lw + 4 * cslw
        pairs = _u16(word, offset)
        blob = offset + 2

        def pair(index: int) -> tuple[int, int]:
            if index >= pairs:
                raise NotNative("short file information block")
            return _u32(word, blob + 8 * index), _u32(word, blob + 8 * index + 4)

        return cls("1Table" if flags & 0x0200 else "0Table", ccp_text, pair(33), pair(13), pair(12))


def _code_units(raw: bytes) -> str:
    """UTF-16 text with one character per 16-bit unit, as character positions count them: a
    character beyond the BMP (CJK Extension B names) stays two surrogates until `_joined`."""
    units = array.array("H")
    units.frombytes(raw)
    if sys.byteorder == "big":
        units.byteswap()
    return "".join(map(chr, units))


def _joined(text: str) -> str:
    """Surrogate pairs made whole again; a lone one (a damaged file) becomes U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _u16(data: bytes, offset: int) -> int:
    if offset + 2 > len(data):
        raise ExtractionError("corrupt DOC: a structure runs past the end of its stream")
    return struct.unpack_from("<H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    if offset + 4 > len(data):
        raise ExtractionError("corrupt DOC: a structure runs past the end of its stream")
    return struct.unpack_from("<I", data, offset)[0]


@dataclass
class Piece:
    cp: int  # first character position
    cp_end: int
    fc: int  # byte offset in the WordDocument stream
    compressed: bool  # 8-bit (cp1252) text instead of UTF-16


class Pieces:
    """The piece table: the main text as runs of bytes in the WordDocument stream."""

    def __init__(self, pieces: list[Piece]):
        self.pieces = pieces
        self.starts = [piece.cp for piece in pieces]

    @classmethod
    def parse(cls, word: bytes, clx: bytes) -> Pieces:
        offset = 0
        while offset < len(clx) and clx[offset] == 0x01:  # Prc: formatting modifiers of pieces
            size = struct.unpack_from("<h", clx, offset + 1)[0]
            if not 0 <= size <= 0x3FA2:
                raise ExtractionError("corrupt DOC: a piece modifier of impossible size")
            offset += 3 + size
        if offset + 5 > len(clx) or clx[offset] != 0x02:
            raise ExtractionError("corrupt DOC: no piece table")
        size = _u32(clx, offset + 1)
        plc = clx[offset + 5:offset + 5 + size]
        count = (len(plc) - 4) // 12
        if count <= 0:
            raise ExtractionError("corrupt DOC: an empty piece table")
        cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
        pieces = []
        for i in range(count):
            _, fc, prm = struct.unpack_from("<HIH", plc, 4 * (count + 1) + 8 * i)
            if prm:
                raise NotNative("pieces with property modifiers")
            compressed = bool(fc & 0x40000000)
            fc &= 0x3FFFFFFF
            pieces.append(Piece(cps[i], cps[i + 1], fc // 2 if compressed else fc, compressed))
        return cls(pieces)

    def text(self, word: bytes, ccp: int) -> str:
        """The first ``ccp`` characters of the document (the main text)."""
        parts: list[str] = []
        for piece in self.pieces:
            if piece.cp >= ccp:
                break
            n = min(piece.cp_end, ccp) - piece.cp
            width = 1 if piece.compressed else 2
            raw = word[piece.fc:piece.fc + n * width]
            if len(raw) < n * width:
                raise ExtractionError("corrupt DOC: the text runs past the end of the WordDocument stream")
            parts.append(raw.decode("cp1252", "replace") if piece.compressed else _code_units(raw))
        return "".join(parts)

    def fc_at(self, cp: int) -> int:
        """The file offset of a character: properties are looked up by it."""
        piece = self.pieces[bisect.bisect_right(self.starts, cp) - 1]
        return piece.fc + (cp - piece.cp) * (1 if piece.compressed else 2)


_HUGE_PAPX = struct.pack("<H", SPRM_P_HUGE_PAPX)


class PropertyRuns:
    """Runs of file offsets and the property modifiers (grpprl) that apply to each."""

    def __init__(self, starts: list[int], ends: list[int], grpprls: list[bytes]):
        self.starts, self.ends, self.grpprls = starts, ends, grpprls
        self.data = b""  # the Data stream, where huge paragraph modifiers are kept

    @classmethod
    def paragraphs(cls, word: bytes, plc: bytes) -> PropertyRuns:
        return cls._read(word, plc, _papx)

    @classmethod
    def characters(cls, word: bytes, plc: bytes) -> PropertyRuns:
        return cls._read(word, plc, _chpx)

    @classmethod
    def _read(cls, word: bytes, plc: bytes, entry) -> PropertyRuns:
        runs: list[tuple[int, int, bytes]] = []
        count = (len(plc) - 4) // 8
        for i in range(count):
            page_number = _u32(plc, 4 * (count + 1) + 4 * i) & 0x3FFFFF
            page = word[page_number * 512:page_number * 512 + 512]
            if len(page) < 512:
                raise ExtractionError("corrupt DOC: a property page lies outside the WordDocument stream")
            crun = page[511]
            fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
            runs.extend((fcs[j], fcs[j + 1], entry(page, crun, j)) for j in range(crun))
        runs.sort(key=lambda run: run[0])
        return cls([r[0] for r in runs], [r[1] for r in runs], [r[2] for r in runs])

    def has_huge(self) -> bool:
        return any(grpprl[:2] == _HUGE_PAPX for grpprl in self.grpprls)

    def at(self, fc: int) -> bytes:
        i = bisect.bisect_right(self.starts, fc) - 1
        if i < 0 or fc >= self.ends[i]:
            return b""
        grpprl = self.grpprls[i]
        if grpprl[:2] == _HUGE_PAPX and len(grpprl) >= 6:
            at = _u32(grpprl, 2)
            grpprl = self.data[at + 2:at + 2 + _u16(self.data, at)]
        return grpprl

    def has(self, sprm: int) -> bool:
        return any(sprm in sprms(grpprl) for grpprl in self.grpprls)

    def deleted_ranges(self) -> list[tuple[int, int]]:
        return [(start, end) for start, end, grpprl in zip(self.starts, self.ends, self.grpprls, strict=True)
                if sprms(grpprl).get(SPRM_C_RMARK_DEL, [b"\x00"])[-1][:1] in (b"\x01", b"\x81")]


def _papx(page: bytes, crun: int, j: int) -> bytes:
    """A paragraph's modifiers in a PAPX page (the style index before them is dropped)."""
    offset = page[4 * (crun + 1) + 13 * j] * 2
    if offset == 0:
        return b""
    cb = page[offset]
    if cb == 0:
        size, start = 2 * page[offset + 1], offset + 2
    else:
        size, start = 2 * cb - 1, offset + 1
    return page[start + 2:start + size]


def _chpx(page: bytes, crun: int, j: int) -> bytes:
    offset = page[4 * (crun + 1) + j] * 2
    if offset == 0:
        return b""
    return page[offset + 1:offset + 1 + page[offset]]


def sprms(grpprl: bytes) -> dict[int, list[bytes]]:
    """sprm code → its operands in order ([MS-DOC] 2.2.5: the operand size is in the code)."""
    found: dict[int, list[bytes]] = {}
    offset = 0
    while offset + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, offset)[0]
        offset += 2
        size = _operand_size(sprm, grpprl, offset)
        if size is None or offset + size > len(grpprl):
            raise NotNative(f"unreadable property modifier {sprm:#06x}")
        found.setdefault(sprm, []).append(grpprl[offset:offset + size])
        offset += size
    return found


_FIXED_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}


def _operand_size(sprm: int, grpprl: bytes, offset: int) -> int | None:
    spra = sprm >> 13
    if spra != 6:
        return _FIXED_SIZE[spra]
    if offset >= len(grpprl):
        return None
    if sprm == SPRM_T_DEF_TABLE:
        if offset + 2 > len(grpprl):
            return None
        return 2 + struct.unpack_from("<H", grpprl, offset)[0] - 1
    if sprm == SPRM_P_CHG_TABS and grpprl[offset] == 255:
        deleted = grpprl[offset + 1] if offset + 1 < len(grpprl) else 0
        added_at = offset + 2 + 4 * deleted
        added = grpprl[added_at] if added_at < len(grpprl) else 0
        return 2 + 4 * deleted + 1 + 3 * added
    return 1 + grpprl[offset]


@dataclass
class ParagraphKind:
    in_table: bool
    row_end: bool
    depth: int

    @classmethod
    def of(cls, grpprl: bytes) -> tuple[ParagraphKind, dict[int, list[bytes]]]:
        found = sprms(grpprl)
        if SPRM_P_INNER_CELL in found or SPRM_P_INNER_TTP in found or SPRM_P_DTAP in found:
            raise NotNative("nested tables")
        in_table = _flag(found, SPRM_P_IN_TABLE)
        depth = struct.unpack("<i", found[SPRM_P_ITAP][-1])[0] if SPRM_P_ITAP in found else int(in_table)
        return cls(in_table or depth > 0, _flag(found, SPRM_P_TTP), depth), found


def _flag(found: dict[int, list[bytes]], sprm: int) -> bool:
    return bool(found.get(sprm, [b"\x00"])[-1][0])


class DocWalker:
    """The main text, paragraph by paragraph, into rows as word.py makes them from DOCX."""

    def __init__(self, text: str, fc_at, papx: PropertyRuns, deleted: list[tuple[int, int]]):
        self.text, self.fc_at, self.papx = text, fc_at, papx
        self.deleted = sorted(deleted)
        self.deleted_starts = [start for start, _ in self.deleted]
        self.out: list[Row] = []
        self.cell_parts: list[str] = []  # paragraphs of the cell being read
        self.cells: list[str] = []  # cells of the row being read
        self.fields: list[bool] = []  # open fields (a result may run over paragraphs): in the code part?

    def rows(self) -> list[Row]:
        start = 0
        for i, char in enumerate(self.text):
            if char in (PARAGRAPH_MARK, CELL_MARK, SECTION_MARK):
                self._paragraph(self._visible(start, i), char, i)
                start = i + 1
        if start < len(self.text):
            self._paragraph(self._visible(start, len(self.text)), PARAGRAPH_MARK, None)
        if self.cells or self.cell_parts:
            raise NotNative("a table row without its row end mark")
        return self.out

    def _paragraph(self, text: str, mark: str, at: int | None) -> None:
        kind, found = ParagraphKind.of(self.papx.at(self.fc_at(at))) if at is not None else (ParagraphKind(False, False, 0), {})
        if kind.depth > 1:
            raise NotNative("nested tables")
        if not kind.in_table:
            if mark == CELL_MARK or self.cells or self.cell_parts:
                raise NotNative("a cell mark outside a table")
            self.out.extend(text_paragraph_rows(text))
            return
        if kind.row_end:
            if text.strip() or self.cell_parts:
                raise NotNative("text in a row end mark")
            self._row_end(found)
        elif mark == CELL_MARK:
            self.cells.append(one_line("".join(self.cell_parts + [text])))
            self.cell_parts = []
        else:
            self.cell_parts.append(text)

    def _row_end(self, found: dict[int, list[bytes]]) -> None:
        if SPRM_T_DEF_TABLE not in found or any(s in found for s in SPRM_T_CHANGES_CELLS):
            raise NotNative("a table row without a plain table definition")
        flags = _cell_flags(found[SPRM_T_DEF_TABLE][-1])
        if len(flags) != len(self.cells):
            raise NotNative(f"a row of {len(self.cells)} cells defined with {len(flags)}")
        for operand in found.get(SPRM_T_VERT_MERGE, []):
            if len(operand) >= 3 and operand[1] < len(flags):
                merge = {0: 0, 1: TC_VERT_MERGE, 3: TC_VERT_MERGE | TC_VERT_RESTART}.get(operand[2], 0)
                flags[operand[1]] = flags[operand[1]] & ~(TC_VERT_MERGE | TC_VERT_RESTART) | merge
        kept = [cell for cell, flag in zip(self.cells, flags, strict=True) if not _covered(flag)]
        if kept:
            self.out.append(Row(kept, table=True, exact=True))
        self.cells = []

    def _visible(self, start: int, end: int) -> str:
        """Text without field codes (a field's result stays), deleted revisions and control marks."""
        out: list[str] = []
        fields = self.fields
        for i in range(start, end):
            char = self.text[i]
            if char == FIELD_BEGIN:
                fields.append(True)
            elif char == FIELD_SEPARATOR:
                if fields:
                    fields[-1] = False
            elif char == FIELD_END:
                if fields:
                    fields.pop()
            elif not any(fields) and not (self.deleted and self._is_deleted(self.fc_at(i))):
                out.append(char)
        # A field's code never runs over a paragraph mark; one that seems to is broken: what follows is shown.
        fields[:] = [False] * len(fields)
        return _CONTROL.sub("", _joined("".join(out)).translate(_SPECIAL))

    def _is_deleted(self, fc: int) -> bool:
        i = bisect.bisect_right(self.deleted_starts, fc) - 1
        return i >= 0 and fc < self.deleted[i][1]


def _cell_flags(operand: bytes) -> list[int]:
    """TC80.tcgrf of each cell in a TDefTableOperand (cells without a TC80 have none set)."""
    if len(operand) < 3:
        raise NotNative("a short table definition")
    columns = operand[2]
    tc_at = 3 + 2 * (columns + 1)
    present = max(0, (len(operand) - tc_at) // 20)
    return [struct.unpack_from("<H", operand, tc_at + 20 * i)[0] if i < present else 0 for i in range(columns)]


def _covered(flag: int) -> bool:
    """Left out like a DOCX vMerge continue: the merged cell above (or before) holds its text."""
    return bool(flag & TC_MERGED) or (bool(flag & TC_VERT_MERGE) and not flag & TC_VERT_RESTART)


def _summary_title(stream: bytes | None) -> list[str]:
    """The Title of the SummaryInformation property set, as core.xml's title in a DOCX."""
    if not stream:
        return []
    try:
        title = _property_string(stream, 2)
    except (ExtractionError, struct.error, IndexError, LookupError):
        return []
    return [title.strip()] if title and title.strip() else []


def _property_string(stream: bytes, wanted: int) -> str | None:
    """A string property of the first section of an OLE property set ([MS-OLEPS])."""
    section = _u32(stream, 28 + 16)
    count = _u32(stream, section + 4)
    offsets = {_u32(stream, section + 8 + 8 * i): _u32(stream, section + 12 + 8 * i) for i in range(count)}
    codepage = 1252
    if 1 in offsets:
        codepage = struct.unpack_from("<H", stream, section + offsets[1] + 4)[0]
    if wanted not in offsets:
        return None
    at = section + offsets[wanted]
    kind = _u32(stream, at)
    size = _u32(stream, at + 4)
    if kind == 0x1F:  # VT_LPWSTR
        return stream[at + 8:at + 8 + 2 * size].decode("utf-16-le").split("\x00")[0]
    if kind == 0x1E:  # VT_LPSTR in the set's code page
        raw = stream[at + 8:at + 8 + size].split(b"\x00")[0]
        encoding = "utf-16-le" if codepage == 1200 else "utf-8" if codepage == 65001 else f"cp{codepage}"
        return raw.decode(encoding, "replace")
    return None
