"""Word 97–2003 files read natively (extract/doc.py) give what LibreOffice gives.

Reports of both templates (tests/render_docx.py: merged cells, wrapped labels, split runs,
page-number fields) and a document of every feature the reader must get right (horizontal
and vertical merges, a cell of two paragraphs, a hyperlink field, a tracked deletion and
insertion, line and page breaks, a section break before a table, an ASCII-only paragraph) are saved as DOC by LibreOffice.
The reference is LibreOffice's own reading of that DOC (DOC → DOCX → word.py): the native
rows must be the same, row for row and cell for cell. A nested table is not read natively
and goes to LibreOffice; damaged files give ExtractionError and nothing else.
"""

import random

import pytest
import render_docx
import synth
from docx import Document as WordDocument
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from extract import ExtractionError, extract_document
from extract.doc import NotNative, read_doc
from extract.formats import read_zip_document

pytestmark = pytest.mark.skipif(render_docx.soffice() is None, reason="LibreOffice (soffice) is not installed")

REPORT_SEEDS = [(seed, template) for seed in range(6) for template in synth.TEMPLATES]
W = nsdecls("w")


def features_docx(path, nested: bool = False, english: bool = False) -> None:
    doc = WordDocument()
    doc.core_properties.title = "Annual report" if english else "某某县人民政府2023年政府信息公开工作年度报告"
    doc.add_paragraph("Annual report 2023" if english else "某某县人民政府2023年政府信息公开工作年度报告")
    p = doc.add_paragraph("一、总体情况\t第一项")
    p.add_run().add_break()
    p.add_run("换行之后的文字")
    p = doc.add_paragraph()
    p._p.append(parse_xml(f'<w:r {W}><w:t>保留文字</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:del {W} w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z">'
                          '<w:r><w:delText>删除的文字</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {W} w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z">'
                          '<w:r><w:t>插入的文字</w:t></w:r></w:ins>'))
    p = doc.add_paragraph()  # characters beyond the BMP (two UTF-16 units each) before a deletion
    p._p.append(parse_xml(f'<w:r {W}><w:t>𠀀𠀁𠀂保留</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:del {W} w:id="3" w:author="a" w:date="2024-01-01T00:00:00Z">'
                          '<w:r><w:delText>删掉</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:r {W}><w:t>后面的数字12345</w:t></w:r>'))
    p = doc.add_paragraph("栏前")
    p.add_run().add_break(WD_BREAK.COLUMN)
    p.add_run("栏后")
    p = doc.add_paragraph("链接：")
    for xml in ('<w:fldChar w:fldCharType="begin"/>',
                '<w:instrText xml:space="preserve"> HYPERLINK "http://www.gov.cn/" </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', '<w:t>中国政府网</w:t>', '<w:fldChar w:fldCharType="end"/>'):
        p._p.append(parse_xml(f"<w:r {W}>{xml}</w:r>"))
    doc.add_paragraph("本节最后一段")
    doc.add_section()  # a section mark right before the table
    table = doc.add_table(rows=5, cols=4)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 1)).text = "信息内容"
    table.cell(0, 2).text, table.cell(0, 3).text = "本年新制作数量", "现行有效件数"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "行政许可"
    for i, (label, value) in enumerate([("规章", "3"), ("规范性文件", ""), ("其他", "12")]):
        table.cell(i + 1, 1).text, table.cell(i + 1, 2).text, table.cell(i + 1, 3).text = label, value, str(7 * i)
    table.cell(4, 0).text = "多段"
    table.cell(4, 0).add_paragraph("单元格")
    table.cell(4, 1).merge(table.cell(4, 3)).text = "合并到底"
    if nested:
        inner = table.cell(4, 0).add_table(rows=1, cols=2)
        inner.cell(0, 0).text, inner.cell(0, 1).text = "内", "5"
    p = doc.add_paragraph("分页前")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("分页后")
    doc.add_paragraph("Plain ASCII paragraph with - hyphen and 100% numbers 1,234.")
    doc.save(path)


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> dict:
    """name → (DOC bytes, LibreOffice's reading of it as a Document, expected report or None)."""
    root = tmp_path_factory.mktemp("doc")
    sources, expected = [], {}
    for seed, template in REPORT_SEEDS:
        report = render_docx.docx_report(seed, template)
        path = root / f"r{seed}_{template}.docx"
        path.write_bytes(report.document)
        sources.append(path)
        expected[path.stem] = report
    for name, options in {"features": {}, "english": {"english": True}, "nested": {"nested": True}}.items():
        features_docx(root / f"{name}.docx", **options)
        sources.append(root / f"{name}.docx")
    doc_files = render_docx.convert(sources, "doc:MS Word 97", root / "doc")
    back = render_docx.convert(doc_files, "docx:MS Word 2007 XML", root / "back")
    return {doc.stem: (doc.read_bytes(), read_zip_document(ref.read_bytes()), expected.get(doc.stem))
            for doc, ref in zip(doc_files, back, strict=True)}


def shape(rows) -> list[tuple]:
    return [(row.cells, row.table, row.exact) for row in rows]


def test_native_rows_equal_libreoffice_rows(docs):
    read = 0
    for name, (data, reference, _) in docs.items():
        if name == "nested":
            continue
        document = read_doc(data)
        assert shape(document.rows) == shape(reference.rows), name
        assert document.page_titles == reference.page_titles, name
        read += 1
    assert read == len(REPORT_SEEDS) + 2


def test_merges_fields_revisions_and_breaks_read_as_printed(docs):
    rows = shape(read_doc(docs["features"][0]).rows)
    assert (["信息内容", "本年新制作数量", "现行有效件数"], True, True) in rows  # the merged header cell once
    assert (["行政许可", "规章", "3", "0"], True, True) in rows
    assert (["规范性文件", "", "7"], True, True) in rows  # covered by 行政许可; the blank keeps its column
    assert (["多段单元格", "合并到底"], True, True) in rows  # a cell's paragraphs joined, as in DOCX
    texts = [" ".join(cells) for cells, _, _ in rows]
    assert "保留文字插入的文字" in texts and not any("删除的文字" in t for t in texts)
    assert "链接：中国政府网" in texts and not any("HYPERLINK" in t for t in texts)
    assert "换行之后的文字" in texts and "分页后" in texts and "本节最后一段" in texts
    assert "𠀀𠀁𠀂保留后面的数字12345" in texts and "栏前" in texts and "栏后" in texts


def test_reports_from_doc_give_every_cell(docs):
    from test_formats import problems

    failures = {}
    for name, (data, _, expected) in docs.items():
        if expected is None:
            continue
        extraction = extract_document(data)
        assert extraction.format == "doc"
        if found := problems(expected, extraction.reports):
            failures[name] = found[:5]
    assert not failures


def test_nested_table_goes_to_libreoffice(docs):
    data, reference, _ = docs["nested"]
    with pytest.raises(NotNative, match="nested"):
        read_doc(data)
    from extract.formats import read_ole_document

    document = read_ole_document(data)
    assert document.format == "doc" and shape(document.rows) == shape(reference.rows)


def test_damaged_doc_gives_a_reason_and_nothing_else(docs):
    rng = random.Random(7)
    originals = [data for data, _, _ in docs.values()]
    outcomes = {"read": 0, "not native": 0, "refused": 0}
    for _ in range(400):
        data = bytearray(rng.choice(originals))
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 40)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            del data[rng.randrange(len(data)):]
        try:
            read_doc(bytes(data))
            outcomes["read"] += 1
        except NotNative:
            outcomes["not native"] += 1
        except ExtractionError as err:
            assert "DOC" in str(err)
            outcomes["refused"] += 1
    assert outcomes["refused"] > 0 and outcomes["read"] > 0


def test_a_doc_libreoffice_cannot_read_either_is_refused_with_both_reasons(monkeypatch):
    from extract import convert

    monkeypatch.setattr(convert, "soffice", lambda: None)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "WordDocument".encode("utf-16-le")
    with pytest.raises(ExtractionError, match="corrupt DOC.*LibreOffice"):
        extract_document(header + b"\x00" * 1200)


def test_a_section_mark_ends_its_paragraph(docs):
    """Word ends a section's last paragraph with a section mark (\\x0c) instead of \\r (LibreOffice
    writes \\r and a section table): the same document with Word's mark reads the same."""
    data = docs["features"][0]
    libreoffice_mark = "本节最后一段\r".encode("utf-16-le")
    assert data.count(libreoffice_mark) == 1
    word_mark = data.replace(libreoffice_mark, "本节最后一段\x0c".encode("utf-16-le"))
    assert shape(read_doc(word_mark).rows) == shape(read_doc(data).rows)


def _fib_long_offset(data: bytes, index: int) -> int:
    """Where FibRgLw97[index] sits in the file (the WordDocument stream starts a sector)."""
    import struct

    start = next(i for i in range(512, len(data), 512) if data[i:i + 2] == b"\xec\xa5")
    csw = struct.unpack_from("<H", data, start + 0x20)[0]
    return start + 0x22 + 2 * csw + 2 + 4 * index


def test_text_boxes_go_to_libreoffice(docs):
    """LibreOffice reads a text box's text into the body; the native reader does not read them."""
    import struct

    data = bytearray(docs["features"][0])
    at = _fib_long_offset(bytes(data), 9)  # ccpTxbx
    assert struct.unpack_from("<I", data, at)[0] == 0 and read_doc(bytes(data)).rows
    struct.pack_into("<I", data, at, 18)
    with pytest.raises(NotNative, match="text boxes"):
        read_doc(bytes(data))


def test_a_piece_table_that_loops_is_refused_at_once():
    from extract.doc import Pieces

    looping = b"\x01\xfd\xff" + b"\x02" + b"\x00" * 20  # a modifier of size -3: the offset never moves
    with pytest.raises(ExtractionError, match="impossible size"):
        Pieces.parse(b"", looping)
