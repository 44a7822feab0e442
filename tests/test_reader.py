"""amo_data.reader: every accepted file type, true row numbers, and every guard."""

from __future__ import annotations

import datetime as dt
import io
import struct
import time
import zipfile
import zlib

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amo_data import reader
from amo_data.errors import AmoError
from amo_data.reader import (
    DEFAULT_MAX_BYTES,
    MAX_BYTES_ENV,
    RawSheet,
    max_bytes,
    read_file,
)

MB = 1024 * 1024


# ----------------------------------------------------------------------------- helpers


def xlsx_bytes(build) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def raw_zip(entries: list[tuple[str, bytes, int, int, int, int]]) -> bytes:
    """A zip built by hand: (name, payload, method, crc, compressed size, declared size).

    Lets a test declare sizes that differ from the real ones, like a hostile file would.
    """
    out = bytearray()
    central = bytearray()
    for name, payload, method, crc, csize, usize in entries:
        fname = name.encode()
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            0,
            method,
            0,
            0x21,
            crc,
            csize,
            usize,
            len(fname),
            0,
        )
        out += fname + payload
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            csize,
            usize,
            len(fname),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += fname
    cd_offset = len(out)
    out += central
    out += struct.pack(
        "<4s4H2LH",
        b"PK\x05\x06",
        0,
        0,
        len(entries),
        len(entries),
        len(central),
        cd_offset,
        0,
    )
    return bytes(out)


def deflated(name: str, content: bytes) -> tuple[str, bytes, int, int, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    payload = c.compress(content) + c.flush()
    return (name, payload, 8, zlib.crc32(content), len(payload), len(content))


def zeros_deflated(n_mb: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``n_mb`` MB of zero bytes (about 1 KB per MB), and its CRC.

    After a full flush the compressor state is reset, so one compressed megabyte can be
    repeated: the test never compresses (or holds) the gigabyte itself.
    """
    block = bytes(MB)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(block) + c.flush(zlib.Z_FULL_FLUSH) == again
    stream = first + again * (n_mb - 1) + c.flush()
    crc = 0
    for _ in range(n_mb):
        crc = zlib.crc32(block, crc)
    return stream, crc


def workbook_entries(data: bytes, replace: dict[str, bytes] | None = None) -> list:
    replace = replace or {}
    return [deflated(n, replace.get(n, c)) for n, c in members(data).items()]


def simple_xlsx() -> bytes:
    def build(wb):
        ws = wb.active
        ws.title = "Arbejdsark"
        ws.append(["Afdeling", "År", "Område"])
        ws.append(["Lager", 2026, "Ergonomi"])

    return xlsx_bytes(build)


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_bytes(tables: str) -> bytes:
    """A minimal OpenDocument spreadsheet, as LibreOffice lays it out."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content {ODS_NS} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
        )
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_cell(value: str | float) -> str:
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="float" office:value="{value}"/>'


def read_one(name: str, data: bytes, **kw) -> RawSheet:
    sheets = read_file(name, data, **kw)
    assert len(sheets) == 1
    return sheets[0]


def refused(name: str, data: bytes, **kw) -> str:
    with pytest.raises(AmoError) as info:
        read_file(name, data, **kw)
    message = str(info.value)
    assert info.value.exit_code == 2
    assert f'"{name}"' in message
    return message


# ----------------------------------------------------------------------------- .xls by hand
# No package here writes BIFF8, so a minimal .xls is assembled: a BIFF8 workbook stream
# (BOF, fonts, XF records, BOUNDSHEET, EOF; per sheet BOF, LABEL/NUMBER cells, EOF) inside a
# version 3 compound file with 512-byte sectors.


def _biff_rec(rtype, payload):
    return struct.pack("<HH", rtype, len(payload)) + payload


def _ustr16(text):  # XLUnicodeString, 16-bit length, UTF-16LE chars
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def _ustr8(text):
    raw = text.encode("latin-1")
    return struct.pack("<BB", len(text), 0) + raw


def biff8_workbook(sheets):
    """sheets: list of (name, {(row0, col0): value}) -> Workbook stream bytes."""
    bof_glob = _biff_rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
    codepage = _biff_rec(0x0042, struct.pack("<H", 1200))  # UTF-16, as Excel writes
    # 16 XF records (15 style + 1 cell), all general format
    xf = b"".join(
        _biff_rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5 if i < 15 else 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))
        for i in range(16)
    )
    font = _biff_rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _ustr8("Arial"))
    fonts = font * 5
    eof = _biff_rec(0x000A, b"")
    bodies = []
    for name, cells in sheets:
        body = _biff_rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
        for (r, c), v in sorted(cells.items()):
            if isinstance(v, str):
                body += _biff_rec(0x0204, struct.pack("<HHH", r, c, 15) + _ustr16(v))
            else:
                body += _biff_rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v)))
        body += eof
        bodies.append((name, body))

    def glob(offsets):
        out = bof_glob + codepage + fonts + xf
        for (name, _), off in zip(bodies, offsets):
            out += _biff_rec(0x0085, struct.pack("<IBB", off, 0, 0) + _ustr8(name))
        return out + eof

    g = glob([0] * len(bodies))
    offsets, pos = [], len(g)
    for _, body in bodies:
        offsets.append(pos)
        pos += len(body)
    return glob(offsets) + b"".join(b for _, b in bodies)


def compound_file(stream, name="Workbook", mini=False):
    """A minimal compound file (v3, 512-byte sectors) holding one stream.

    Streams under 4096 bytes live in the mini stream (64-byte sectors); with ``mini=False``
    the stream is padded to 4096 bytes so it uses ordinary sectors, as Excel's files do.
    """
    end_of_chain, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    if mini:
        assert len(stream) < 4096
        k = -(-len(stream) // 64)
        container = stream + bytes(k * 64 - len(stream))
        m = -(-len(container) // 512)
        container += bytes(m * 512 - len(container))
        minifat = [i + 1 for i in range(k - 1)] + [end_of_chain]
        minifat += [free] * (128 - len(minifat))
        fat = [fat_sector, end_of_chain, end_of_chain]
        fat += [3 + i + 1 for i in range(m - 1)] + [end_of_chain]
        body = struct.pack("<128I", *minifat) + container
        first_minifat, n_minifat, root_start, root_size, start = 2, 1, 3, k * 64, 0
    else:
        stream = stream + bytes(max(0, 4096 - len(stream)))
        n = -(-len(stream) // 512)
        body = stream + bytes(n * 512 - len(stream))
        fat = [fat_sector, end_of_chain] + [i + 1 for i in range(2, 2 + n - 1)] + [end_of_chain]
        first_minifat, n_minifat, root_start, root_size, start = end_of_chain, 0, end_of_chain, 0, 2
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6s9I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),
        0x003E,
        0x0003,
        0xFFFE,
        9,  # 512-byte sectors
        6,  # 64-byte mini sectors
        bytes(6),
        0,  # directory sectors (always 0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,
        4096,  # mini stream cutoff
        first_minifat,
        n_minifat,
        end_of_chain,  # no DIFAT sectors
        0,
    )
    header += struct.pack("<109I", 0, *([free] * 108))

    def entry(ename, etype, child, first, size):
        raw = ename.encode("utf-16-le") + b"\x00\x00" if ename else b""
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            raw,
            len(raw),
            etype,
            1,
            no_stream,
            no_stream,
            child,
            bytes(16),
            0,
            0,
            0,
            first,
            size,
        )

    directory = entry("Root Entry", 5, 1, root_start, root_size)
    directory += entry(name, 2, no_stream, start, len(stream))
    directory += entry("", 0, no_stream, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + directory + body


# ----------------------------------------------------------------------------- workbooks


def test_xlsx_rows_and_columns_keep_their_excel_numbers():
    def build(wb):
        ws = wb.active
        ws.title = "Arbejdsark"
        ws["C4"], ws["D4"], ws["E4"], ws["F4"] = (
            "Afdeling",
            "Dato",
            "Vurdering",
            "Beskrivelse",
        )
        ws["C5"], ws["D5"], ws["E5"] = "Lager", dt.date(2026, 3, 1), 4
        ws["F5"] = "Første linje\nAnden linje"
        ws["C7"], ws["D7"], ws["E7"] = "Kontor", dt.datetime(2026, 5, 2, 13, 30), 2.5
        ws["G7"], ws["H7"] = True, dt.time(10, 15)
        ws["C8"] = "   "  # only whitespace: nothing in the cell for a user

    sheet = read_one("amo.xlsx", xlsx_bytes(build))
    assert sheet.name == "Arbejdsark" and sheet.is_csv is False
    # rows[i] is Excel row i + 1; leading empty rows and columns are kept.
    assert sheet.rows[:3] == [[], [], []]
    assert sheet.rows[3] == [None, None, "Afdeling", "Dato", "Vurdering", "Beskrivelse"]
    assert sheet.rows[4][2:] == [
        "Lager",
        dt.date(2026, 3, 1),
        4.0,
        "Første linje\nAnden linje",
    ]
    assert sheet.rows[5] == []
    assert sheet.rows[6][2:] == [
        "Kontor",
        dt.datetime(2026, 5, 2, 13, 30),
        2.5,
        None,
        True,
        dt.time(10, 15),
    ]
    assert len(sheet.rows) == 7  # the whitespace-only row 8 is trailing and dropped
    assert isinstance(sheet.rows[4][4], float)  # whole numbers stay floats ("4.0")


def test_every_sheet_is_returned_in_order_including_hidden_ones():
    def build(wb):
        wb.active.title = "Vejledning"
        wb.active["A1"] = "Sådan udfylder du arket"
        hidden = wb.create_sheet("Handleplan")
        hidden.sheet_state = "hidden"
        hidden["B2"] = "Hvad?"
        very = wb.create_sheet("Lister")
        very.sheet_state = "veryHidden"
        very["A1"] = "Ergonomi"
        wb.create_sheet("Tom")

    sheets = read_file("plan.xlsx", xlsx_bytes(build))
    assert [s.name for s in sheets] == ["Vejledning", "Handleplan", "Lister", "Tom"]
    assert sheets[1].rows == [[], [None, "Hvad?"]]
    assert sheets[2].rows == [["Ergonomi"]]
    assert sheets[3].rows == []


def test_a_sheet_calamine_cannot_read_gives_the_danish_message():
    def build(wb):
        wb.active.title = "Arbejdsark"
        wb.active["A1"] = "Afdeling"

    data = xlsx_bytes(build)
    archive = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<sheetData>", b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row>")
            broken.writestr(info, content)
    with pytest.raises(AmoError) as caught:
        read_file("ark.xlsx", out.getvalue())
    assert "ark.xlsx" in caught.value.message


def test_xlsm_is_read_like_xlsx():
    data = simple_xlsx()
    parts = members(data)
    types = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert types != parts["[Content_Types].xml"]
    xlsm = raw_zip(workbook_entries(data, {"[Content_Types].xml": types}))
    sheet = read_one("amo.xlsm", xlsm)
    assert sheet.rows == [["Afdeling", "År", "Område"], ["Lager", 2026.0, "Ergonomi"]]


def test_ods_is_read_with_true_row_numbers_and_repeats():
    tables = (
        '<table:table table:name="Handleplan">'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
        "<table:table-row>"
        '<table:table-cell table:number-columns-repeated="2"/>'
        + ods_cell("Afdeling")
        + ods_cell("Vurdering")
        + "</table:table-row><table:table-row>"
        '<table:table-cell table:number-columns-repeated="2"/>'
        + ods_cell("Lager")
        + ods_cell(4)
        + '<table:table-cell office:value-type="date" office:date-value="2026-03-01"/>'
        + "</table:table-row>"
        # LibreOffice ends every sheet with a huge block of empty repeated rows.
        '<table:table-row table:number-rows-repeated="1048572">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table>"
        '<table:table table:name="Ark2"><table:table-row>' + ods_cell("x") + "</table:table-row></table:table>"
    )
    sheets = read_file("plan.ods", ods_bytes(tables))
    assert [s.name for s in sheets] == ["Handleplan", "Ark2"]
    assert sheets[0].rows == [
        [],
        [],
        [None, None, "Afdeling", "Vurdering"],
        [None, None, "Lager", 4.0, dt.date(2026, 3, 1)],
    ]
    assert sheets[1].rows == [["x"]]


def test_trailing_empty_rows_are_dropped_quickly():
    def build(wb):
        ws = wb.active
        ws.append(["Afdeling", "År", "Område"])
        ws.append(["Lager", 2026, "Ergonomi"])
        ws.cell(row=1_000_000, column=3, value=" ")  # a stray blank far below

    data = xlsx_bytes(build)
    start = time.perf_counter()
    sheet = read_one("lang.xlsx", data)
    elapsed = time.perf_counter() - start
    assert sheet.rows == [["Afdeling", "År", "Område"], ["Lager", 2026.0, "Ergonomi"]]
    assert elapsed < 10  # sanity bound only (a few tenths of a second normally)


# ----------------------------------------------------------------------------- CSV


def test_csv_utf8_semicolon():
    data = "Afdeling;År;Område\nLager;2026;Psykisk arbejdsmiljø\n".encode()
    sheet = read_one("amo.csv", data)
    assert sheet.is_csv and sheet.name == "amo.csv"
    assert sheet.rows == [
        ["Afdeling", "År", "Område"],
        ["Lager", "2026", "Psykisk arbejdsmiljø"],
    ]


def test_csv_utf8_with_bom():
    data = "\ufeffAfdeling;Område\r\nLager;Ergonomi\r\n".encode()
    assert read_one("amo.csv", data).rows == [
        ["Afdeling", "Område"],
        ["Lager", "Ergonomi"],
    ]


def test_csv_windows_1252_from_danish_excel_with_decimal_comma():
    text = "Afdeling;Område;Timer;År\r\nSkødstrup;Støj, lys;14,8;2026\r\n;;;\r\n"
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    sheet = read_one("Uddannelse.csv", data)
    assert sheet.rows == [
        ["Afdeling", "Område", "Timer", "År"],
        ["Skødstrup", "Støj, lys", "14,8", "2026"],
    ]


def test_csv_latin1_last_resort():
    data = "Afdeling;Område\nÅrhus\x81;Ergonomi\n".encode("latin-1")
    sheet = read_one("amo.csv", data)
    assert sheet.rows[1] == ["Århus\x81", "Ergonomi"]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiter_is_detected(delimiter):
    rows = [["Afdeling", "År", "Hvad", "Timer"], ["Lager", "2026", "Kursus i APV", "7"]]
    data = "\n".join(delimiter.join(r) for r in rows).encode()
    assert read_one("amo.csv", data).rows == rows


def test_csv_comma_file_with_semicolons_in_text_and_title_line():
    data = ('Handleplan 2026\nAfdeling,Hvad,Hvorfor\nLager,Kursus,Fordi; og derfor\nKontor,Møde,"Ja, nej"\n').encode()
    sheet = read_one("plan.csv", data)
    assert sheet.rows[1] == ["Afdeling", "Hvad", "Hvorfor"]
    assert sheet.rows[2] == ["Lager", "Kursus", "Fordi; og derfor"]
    assert sheet.rows[3] == ["Kontor", "Møde", "Ja, nej"]


def test_csv_quoted_fields_with_delimiter_and_line_breaks_keep_record_numbers():
    data = (
        "Afdeling;Beskrivelse;Område\r\n"
        'Lager;"Første punkt\r\nAndet punkt; med semikolon";Ergonomi\r\n'
        "\r\n"
        'Kontor;"Sagde ""nej""\nto gange";Støj\r\n'
    ).encode()
    sheet = read_one("amo.csv", data)
    assert sheet.rows == [
        ["Afdeling", "Beskrivelse", "Område"],
        ["Lager", "Første punkt\nAndet punkt; med semikolon", "Ergonomi"],
        [],  # record 3 is empty; record 4 is still rows[3]
        ["Kontor", 'Sagde "nej"\nto gange', "Støj"],
    ]


def test_csv_empty_cells_become_none_and_text_is_kept_as_written():
    data = b"Afdeling;;Omr\xc3\xa5de ;\n;x;;\n"
    sheet = read_one("amo.csv", data)
    assert sheet.rows == [["Afdeling", None, "Område "], [None, "x"]]


def test_csv_with_unknown_extension_or_txt_is_read_as_text():
    data = "Afdeling;Område\nLager;Ergonomi\n".encode()
    assert read_one("eksport.txt", data).rows[1] == ["Lager", "Ergonomi"]
    assert read_one("eksport", data).rows[1] == ["Lager", "Ergonomi"]


def test_csv_utf16_with_bom_from_excel_unicode_text():
    data = "Afdeling\tOmråde\r\nLager\tErgonomi\r\n".encode("utf-16")
    assert read_one("amo.txt", data).rows == [
        ["Afdeling", "Område"],
        ["Lager", "Ergonomi"],
    ]


def test_csv_with_too_many_columns_is_refused():
    data = (";".join(["x"] * 20_000)).encode()
    assert "for stort" in refused("bred.csv", data)


# ----------------------------------------------------------------------------- size


def test_default_limit_and_env(monkeypatch):
    monkeypatch.delenv(MAX_BYTES_ENV, raising=False)
    assert max_bytes() == DEFAULT_MAX_BYTES == 25 * MB
    monkeypatch.setenv(MAX_BYTES_ENV, "2")
    assert max_bytes() == 2 * MB
    monkeypatch.setenv(MAX_BYTES_ENV, "0,5")
    assert max_bytes() == MB // 2
    monkeypatch.setenv(MAX_BYTES_ENV, " 10 MB ")
    assert max_bytes() == 10 * MB
    for bad in ("", "nej", "-3", "0", "nan"):
        monkeypatch.setenv(MAX_BYTES_ENV, bad)
        assert max_bytes() == DEFAULT_MAX_BYTES


def test_too_large_file_is_refused_naming_the_limit(monkeypatch):
    data = ("Afdeling;Område\n" + "Lager;Ergonomi\n" * 100).encode()
    message = refused("stor.csv", data, max_bytes=1024)
    assert "for stor" in message and "MB" in message
    monkeypatch.setenv(MAX_BYTES_ENV, "1")
    big = b"a;b\n" * (MB // 4 + 1)
    message = refused("stor.csv", big)
    assert "højst fylde 1 MB" in message
    # The argument wins over the environment.
    assert read_one("stor.csv", big, max_bytes=2 * MB).rows[0] == ["a", "b"]


def test_file_at_exactly_the_limit_is_accepted():
    data = b"a;b\n" * 256
    assert len(read_one("lige.csv", data, max_bytes=len(data)).rows) == 256


# ----------------------------------------------------------------------------- refusals


def test_empty_file():
    assert refused("tom.csv", b"") == 'Filen "tom.csv" er tom.'
    assert refused("tom.xlsx", b"") == 'Filen "tom.xlsx" er tom.'
    assert refused("blank.csv", b"\xef\xbb\xbf \r\n\r\n") == 'Filen "blank.csv" er tom.'


NOT_SHEET = 'Filen "{}" er ikke et regneark (Excel .xlsx/.xlsm/.xls, .ods eller CSV).'


@pytest.mark.parametrize(
    "name, data",
    [
        ("billede.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        ("billede.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        (
            "rapport.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        ),
        ("foto.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"),
        ("data.bin", bytes(range(256)) * 4),
        ("tilfældig.xlsx", bytes(range(255, -1, -1)) * 4),
        ("tilfældig.xls", b"\x01\x02garbage\x03"),
        ("noter.csv", b"Afdeling;Omr\x00de\n"),
    ],
)
def test_not_a_spreadsheet(name, data):
    assert refused(name, data) == NOT_SHEET.format(name)


def test_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert refused("brev.xlsx", out.getvalue()) == NOT_SHEET.format("brev.xlsx")


def test_truncated_xlsx_is_reported_as_damaged():
    data = simple_xlsx()
    expected = 'Filen "afkortet.xlsx" er beskadiget eller afkortet og kan ikke læses.'
    for cut in (len(data) // 2, len(data) - 30, len(data) - 1, 200, 10):
        assert refused("afkortet.xlsx", data[:cut]) == expected


def test_damaged_member_is_reported_as_damaged():
    data = simple_xlsx()
    entries = workbook_entries(data)
    damaged = []
    for name, payload, method, crc, csize, usize in entries:
        if name == "xl/worksheets/sheet1.xml":
            payload = b"\xff" * len(payload)
        damaged.append((name, payload, method, crc, csize, usize))
    message = refused("skadet.xlsx", raw_zip(damaged))
    assert "beskadiget" in message


def test_ole2_garbage_and_encrypted_workbooks():
    garbage = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert "beskadiget" in refused("gammel.xls", garbage)
    encrypted = garbage + "EncryptedPackage".encode("utf-16-le") + bytes(100)
    assert "adgangskode" in refused("hemmelig.xlsx", encrypted)


def test_xlsb_is_refused_with_advice():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert ".xlsb" in refused("binær.xlsb", out.getvalue())


# ----------------------------------------------------------------------------- bombs


def test_zip_bomb_is_refused_from_the_directory_in_well_under_a_second():
    stream, crc = zeros_deflated(1024)  # 1 GB of zeros in about 1 MB
    assert len(stream) < 2 * MB
    entries = workbook_entries(simple_xlsx())
    entries.append(("xl/worksheets/sheet2.xml", stream, 8, crc, len(stream), 1024 * MB))
    bomb = raw_zip(entries)
    start = time.perf_counter()
    message = refused("bombe.xlsx", bomb)
    elapsed = time.perf_counter() - start
    assert "pakkes ud" in message or "pakket" in message
    assert elapsed < 1.0  # sanity bound only: nothing is inflated


def test_zip_bomb_written_by_zipfile_streaming():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members(simple_xlsx()).items():
            z.writestr(name, content)
        with z.open("xl/media/fyld.bin", "w", force_zip64=True) as member:
            block = bytes(MB)
            for _ in range(210):
                member.write(block)
    start = time.perf_counter()
    # The total cap is max(200 MB, 10 x the upload limit): 200 MB for a 1 MB limit.
    assert "over 200 MB" in refused("bombe.xlsx", out.getvalue(), max_bytes=MB)
    assert time.perf_counter() - start < 1.0


def test_zip_bomb_with_lying_sizes_is_stopped_while_inflating():
    stream, crc = zeros_deflated(400)
    entries = workbook_entries(simple_xlsx())
    entries.append(("xl/media/image1.png", stream, 8, crc, len(stream), 1000))
    message = refused("løgn.xlsx", raw_zip(entries))
    assert "zip-bombe" in message


def test_highly_compressed_member_is_refused_by_ratio():
    stream, crc = zeros_deflated(8)  # 8 MB in about 8 KB: ratio about 1000:1
    entries = workbook_entries(simple_xlsx())
    entries.append(("xl/media/image1.png", stream, 8, crc, len(stream), 8 * MB))
    assert "100:1" in refused("tæt.xlsx", raw_zip(entries))


def test_sparse_sheet_spanning_the_whole_grid_is_refused_without_allocating():
    def build(wb):
        ws = wb.active
        ws["A1"] = "Afdeling"
        ws["XFD1048576"] = "slut"

    start = time.perf_counter()
    message = refused("spredt.xlsx", xlsx_bytes(build))
    assert "for stort" in message and "1.048.576 rækker" in message
    assert time.perf_counter() - start < 5


def test_cells_without_references_are_placed_like_calamine_places_them():
    data = simple_xlsx()
    parts = members(data)
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    head, _, tail = sheet_xml.partition(b"<sheetData>")
    _, _, tail = tail.partition(b"</sheetData>")
    body = (
        b'<sheetData><row r="2"><c t="inlineStr"><is><t>a</t></is></c>'
        b'<c t="inlineStr"><is><t>b</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )
    hostile = raw_zip(workbook_entries(data, {"xl/worksheets/sheet1.xml": head + body + tail}))
    assert "for stort" in refused("uden_r.xlsx", hostile)
    fine_body = (
        b'<sheetData><row r="2"><c t="inlineStr"><is><t>a</t></is></c>'
        b'<c t="inlineStr"><is><t>b</t></is></c></row></sheetData>'
    )
    fine = raw_zip(workbook_entries(data, {"xl/worksheets/sheet1.xml": head + fine_body + tail}))
    assert read_one("uden_r.xlsx", fine).rows == [[], ["a", "b"]]


def test_ods_with_repeated_cells_spanning_the_grid_is_refused():
    tables = (
        '<table:table table:name="Ark1">'
        '<table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell office:value-type="float" office:value="4"'
        ' table:number-columns-repeated="16384"/>'
        "</table:table-row></table:table>"
    )
    start = time.perf_counter()
    assert "for stort" in refused("bombe.ods", ods_bytes(tables))
    assert time.perf_counter() - start < 5


def test_ods_with_too_many_filled_cells_is_refused():
    tables = (
        '<table:table table:name="Ark1">'
        '<table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell office:value-type="float" office:value="4"'
        ' table:number-columns-repeated="100"/>'
        "</table:table-row></table:table>"
    )
    assert "5.000.000 udfyldte celler" in refused("fuld.ods", ods_bytes(tables))


# ----------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(max_size=30),
    data=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda t: t.encode("utf-8")),
        st.text(alphabet=';,\t"\r\n aøÅ1', max_size=300).map(lambda t: t.encode("cp1252")),
    ),
)
def test_any_bytes_give_sheets_or_amo_error(name, data):
    try:
        sheets = read_file(name, data)
    except AmoError as exc:
        assert str(exc) and exc.exit_code == 2
        return
    assert isinstance(sheets, list)
    for sheet in sheets:
        assert isinstance(sheet, RawSheet)
        for row in sheet.rows:
            assert isinstance(row, list)
            for cell in row:
                assert cell is None or isinstance(cell, (str, int, float, bool, dt.datetime, dt.date, dt.time))
                assert cell != ""


_VALID_XLSX = None


def _valid_xlsx() -> bytes:
    global _VALID_XLSX
    if _VALID_XLSX is None:
        _VALID_XLSX = simple_xlsx()
    return _VALID_XLSX


_VALID_OTHERS: dict[str, bytes] = {}


def _valid_workbook(kind: str) -> bytes:
    if kind == "xlsx":
        return _valid_xlsx()
    if kind not in _VALID_OTHERS:
        if kind == "ods":
            _VALID_OTHERS[kind] = ods_bytes(
                '<table:table table:name="A"><table:table-row>'
                + ods_cell("Afdeling")
                + ods_cell(2026)
                + "</table:table-row></table:table>"
            )
        else:
            _VALID_OTHERS[kind] = compound_file(
                biff8_workbook([("A", {(1, 1): "Afdeling", (2, 2): 4}), ("B", {(0, 0): "x"})])
            )
    return _VALID_OTHERS[kind]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_workbooks_give_sheets_or_amo_error(draw):
    kind = draw.draw(st.sampled_from(["xlsx", "ods", "xls"]))
    data = bytearray(_valid_workbook(kind))
    for _ in range(draw.draw(st.integers(1, 8))):
        pos = draw.draw(st.integers(0, len(data) - 1))
        data[pos] = draw.draw(st.integers(0, 255))
    cut = draw.draw(st.integers(1, len(data)))
    try:
        sheets = read_file(f"skadet.{kind}", bytes(data[:cut]))
    except AmoError:
        return
    assert all(isinstance(s, RawSheet) for s in sheets)


def test_reader_module_never_imports_streamlit():
    assert "streamlit" not in reader.__dict__


# ----------------------------------------------------------------------------- more cases


def test_csv_sep_hint_line_sets_the_delimiter_and_is_not_a_row():
    data = b"sep=,\r\nAfdeling,Hvorfor\r\nLager,Fordi; derfor\r\n"
    assert read_one("amo.csv", data).rows == [["Afdeling", "Hvorfor"], ["Lager", "Fordi; derfor"]]
    assert refused("kun_sep.csv", b"sep=;\r\n") == 'Filen "kun_sep.csv" er tom.'


def test_file_name_in_messages_has_no_directory():
    assert refused("tom.csv", b"") == 'Filen "tom.csv" er tom.'
    with pytest.raises(AmoError) as info:
        read_file("C:\\Users\\amr\\Skrivebord\\tom.csv", b"")
    assert str(info.value) == 'Filen "tom.csv" er tom.'


def test_error_cells_and_formulas_without_cached_values_are_empty():
    data = simple_xlsx()
    parts = members(data)
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    extra = (
        b'<row r="3"><c r="A3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B3" t="e"><v>#N/A</v></c>'
        b'<c r="C3"><f>SUM(A1:A2)</f></c><c r="D3" t="inlineStr"><is><t>ok</t></is></c></row>'
    )
    sheet_xml = sheet_xml.replace(b"</sheetData>", extra + b"</sheetData>")
    sheet = read_one("fejl.xlsx", raw_zip(workbook_entries(data, {"xl/worksheets/sheet1.xml": sheet_xml})))
    assert sheet.rows[2] == [None, None, None, "ok"]


def test_malformed_ods_xml_is_damaged_and_does_not_hang():
    # python-calamine 0.9 loops forever on a mismatched end tag in content.xml.
    tables = '<table:table table:name="A"><table:table-row>' + ods_cell("a")
    tables += "</table:table-row></ta3le:table>"
    start = time.perf_counter()
    assert "beskadiget" in refused("skadet.ods", ods_bytes(tables))
    assert time.perf_counter() - start < 5


def test_xls_is_read_with_true_row_numbers():
    workbook = biff8_workbook(
        [
            (
                "Arbejdsark",
                {
                    (3, 2): "Afdeling",
                    (3, 3): "Område",
                    (3, 4): "Vurdering",
                    (4, 2): "Skødstrup",
                    (4, 3): "Støj",
                    (4, 4): 4,
                },
            ),
            ("Lister", {(0, 0): "Psykisk arbejdsmiljø"}),
        ]
    )
    sheets = read_file("gammel.xls", compound_file(workbook))
    assert [s.name for s in sheets] == ["Arbejdsark", "Lister"]
    assert sheets[0].rows == [
        [],
        [],
        [],
        [None, None, "Afdeling", "Område", "Vurdering"],
        [None, None, "Skødstrup", "Støj", 4.0],
    ]
    assert sheets[1].rows == [["Psykisk arbejdsmiljø"]]


def test_small_xls_in_the_mini_stream_is_read():
    workbook = biff8_workbook([("Ark1", {(1, 1): "Afdeling", (2, 1): 3})])
    assert len(workbook) < 4096
    sheets = read_file("lille.xls", compound_file(workbook, mini=True))
    assert sheets[0].rows == [[], [None, "Afdeling"], [None, 3.0]]


def test_xls_spanning_the_whole_biff_grid_is_refused_before_calamine():
    workbook = biff8_workbook([("Ark1", {(0, 0): "a", (65535, 255): 1})])
    start = time.perf_counter()
    message = refused("spredt.xls", compound_file(workbook))
    assert "for stort" in message and "65.536 rækker og 256 kolonner" in message
    assert time.perf_counter() - start < 5


def test_xls_with_broken_compound_file_is_damaged():
    data = compound_file(biff8_workbook([("Ark1", {(0, 0): "a"})]))
    broken = data[:76] + struct.pack("<I", 999) + data[80:]  # FAT sector out of range
    assert "beskadiget" in refused("skadet.xls", broken)
    assert "beskadiget" in refused("kort.xls", data[:700])


def test_text_with_a_workbook_extension_is_read_as_text():
    # Web applications often export tab-separated text as ".xls".
    data = "Afdeling\tOmråde\nLager\tErgonomi\n".encode()
    sheet = read_one("eksport.xls", data)
    assert sheet.is_csv and sheet.rows == [["Afdeling", "Område"], ["Lager", "Ergonomi"]]


def test_worksheet_part_with_an_odd_name_is_still_scanned():
    data = simple_xlsx()
    parts = members(data)
    rels = parts["xl/_rels/workbook.xml.rels"].replace(b"worksheets/sheet1.xml", b"media/image1.png")
    sheet_xml = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>",
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
    )
    entries = [
        deflated(n, rels if n == "xl/_rels/workbook.xml.rels" else c)
        for n, c in parts.items()
        if n != "xl/worksheets/sheet1.xml"
    ]
    entries.append(deflated("xl/media/image1.png", sheet_xml))
    assert "for stort" in refused("skjult.xlsx", raw_zip(entries))
    # Without the far cell the renamed part is an ordinary sheet.
    entries[-1] = deflated("xl/media/image1.png", parts["xl/worksheets/sheet1.xml"])
    assert read_one("skjult.xlsx", raw_zip(entries)).rows[1] == ["Lager", 2026.0, "Ergonomi"]


def test_csv_with_an_unclosed_quote_swallowing_the_file():
    data = ('Afdeling;Beskrivelse\nLager;"' + "x" * 200_000 + "\n").encode()
    message = refused("citat.csv", data)
    assert "anførselstegn" in message


def test_ole2_file_without_a_workbook_stream_is_not_a_spreadsheet():
    word = compound_file(b"Word document body", name="WordDocument")
    assert refused("brev.doc", word) == NOT_SHEET.format("brev.doc")


def test_a_sheet_made_without_rows_has_none():
    assert RawSheet("Arbejdsark").rows == [] and RawSheet("Arbejdsark").height == 0


# ----------------------------------------------------------------------------- shared strings


def shared_strings_xlsx(items: bytes, cells: str, root: bytes = b"<sst>") -> bytes:
    """The simple workbook with its sheet's data replaced by ``cells`` (row XML) and the shared
    strings part ``root`` + ``items`` + ``</sst>`` (``root`` may carry attributes)."""
    data = simple_xlsx()
    parts = members(data)
    head, _, tail = parts["xl/worksheets/sheet1.xml"].partition(b"<sheetData>")
    _, _, tail = tail.partition(b"</sheetData>")
    sheet = head + b"<sheetData>" + cells.encode() + b"</sheetData>" + tail
    entries = [deflated(n, sheet if n == "xl/worksheets/sheet1.xml" else c) for n, c in parts.items()
               if n.lower() != "xl/sharedstrings.xml"]
    entries.append(deflated("xl/sharedStrings.xml", root + items + b"</sst>"))
    return raw_zip(entries)


def shared_cells(n: int, index: int = 0) -> str:
    return "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>{index}</v></c></row>' for i in range(1, n + 1))


def test_shared_strings_are_read():
    data = shared_strings_xlsx(b"<si><t>Afdeling</t></si><si><r><t>Lag</t></r><r><t>er</t></r></si>",
                               '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
                               b'<sst count="2" uniqueCount="2">')
    assert read_one("delt.xlsx", data).rows == [["Afdeling", "Lager"]]


def test_a_declared_string_count_the_part_cannot_hold_is_refused_before_calamine():
    items = b"<si><t>Lager</t></si>"
    root = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">'
    part = len(root % 1 + items + b"</sst>")
    fits = part // 5  # "<si/>": the least XML a string takes
    assert read_one("ok.xlsx", shared_strings_xlsx(items, shared_cells(1), root % fits)).rows == [["Lager"]]
    message = refused("løgn.xlsx", shared_strings_xlsx(items, shared_cells(1), root % 2_147_483_647))
    assert "er beskadiget og bliver ikke læst" in message and "2.147.483.647 forskellige tekster" in message
    assert "beskadiget" in refused("løgn.xlsx", shared_strings_xlsx(items, shared_cells(1), root % (fits + 200)))
    # count (the cells referring to the table) may rightly be far above it: not refused.
    many = b'<sst count="2147483647" uniqueCount="1">'
    assert read_one("ok.xlsx", shared_strings_xlsx(items, shared_cells(3), many)).rows == [["Lager"]] * 3


def test_shared_text_is_measured_as_the_references_expand_it(monkeypatch):
    monkeypatch.setenv(MAX_BYTES_ENV, "0.25")  # the text cap is max(200 MB, 10 x limit): 200 MB
    long = b"<si><t>" + b"x" * (1024 * 1024) + b"</t></si>"  # 1 MB
    short = b"<si><t>kort</t></si>"
    # 150 references of the 1 MB string: 150 MB, under the cap.
    sheet = read_one("ok.xlsx", shared_strings_xlsx(long + short, shared_cells(150)))
    assert len(sheet.rows) == 150 and len(sheet.rows[0][0]) == 1024 * 1024
    # 250 references: 250 MB, refused before calamine copies it into 250 cells.
    message = refused("bombe.xlsx", shared_strings_xlsx(long + short, shared_cells(250)))
    assert message == ('Filen "bombe.xlsx" indeholder over 200 MB tekst, når den pakkes ud, og bliver ikke læst '
                       "(den kan være en zip-bombe).")
    # 250 references of the short string are nothing.
    assert len(read_one("ok.xlsx", shared_strings_xlsx(long + short, shared_cells(250, index=1))).rows) == 250


@pytest.mark.parametrize("cell", [
    "<c r=\"A{i}\" t='s'><v>0</v></c>",  # other quotes
    '<c t = "s" r="A{i}"><v>0</v></c>',  # spaces, another order
    '<c r="A{i}" t="s"><f>A1</f><v>0</v></c>',  # a formula first: the index is not found
    '<x:c r="A{i}" t="s"><x:v>0</x:v></x:c>',  # a namespace prefix
])
def test_shared_cells_written_any_way_calamine_reads_them_are_counted(monkeypatch, cell):
    monkeypatch.setenv(MAX_BYTES_ENV, "0.25")
    long = b"<si><t>" + b"x" * (1024 * 1024) + b"</t></si>"
    cells = "".join(f'<row r="{i}">{cell.format(i=i)}</row>' for i in range(1, 251))
    data = shared_strings_xlsx(long, cells)
    assert "200 MB tekst" in refused("bombe.xlsx", data)


@pytest.mark.parametrize("trick", [
    b"<!-- <si><t>kort</t></si> -->",  # a comment that looks like a first string
    b"<si><t>a</t><si><t>b</t></si></si>",  # nested strings
])
def test_a_shared_strings_part_that_could_mislead_the_count_counts_every_string_as_the_whole_part(
        monkeypatch, trick):
    # The 1 MB string is calamine's string 0 (or 1): whatever the scan makes of the odd part,
    # no reference may count as less than it.
    monkeypatch.setenv(MAX_BYTES_ENV, "0.25")
    long = b"<si><t>" + b"x" * (1024 * 1024) + b"</t></si>"
    for index in (0, 1):
        data = shared_strings_xlsx(trick + long, shared_cells(250, index))
        assert "200 MB tekst" in refused("bombe.xlsx", data)


def test_inline_strings_are_not_multiplied_the_zip_caps_count_them():
    # Each inline string is written out in the sheet: 3 cells of 1 MB are 3 MB of XML.
    text = "x" * (1024 * 1024)
    cells = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{text}</t></is></c></row>' for i in (1, 2, 3))
    data = shared_strings_xlsx(b"", cells)
    assert [len(r[0]) for r in read_one("inline.xlsx", data).rows] == [1024 * 1024] * 3


def test_repeated_ods_cells_count_their_text_once_per_copy():
    text = "Støj i produktionen. " * 5000  # about 100 KB
    cell = ('<table:table-cell office:value-type="string" table:number-columns-repeated="{cols}">'
            f"<text:p>{text}</text:p></table:table-cell>")
    row = '<table:table-row table:number-rows-repeated="{rows}">' + cell + "</table:table-row>"
    few = f'<table:table table:name="A">{row.format(rows=2, cols=3)}</table:table>'
    assert [len(r) for r in read_one("ok.ods", ods_bytes(few)).rows] == [3, 3]
    many = f'<table:table table:name="A">{row.format(rows=100, cols=100)}</table:table>'
    assert "250 MB tekst" in refused("bombe.ods", ods_bytes(many))


def test_two_members_whose_names_differ_only_in_case_are_damaged():
    data = simple_xlsx()
    entries = workbook_entries(data) + [deflated("xl/SharedStrings.xml", b"<sst/>"),
                                        deflated("xl/sharedStrings.xml", b"<sst/>")]
    assert "beskadiget" in refused("dobbelt.xlsx", raw_zip(entries))


# ----------------------------------------------------------------------------- CSV encodings


def test_csv_mixing_windows_1252_and_utf8_is_refused_naming_a_line_of_each():
    data = "Afdeling;Område\r\n".encode("cp1252") + "Lager;Støj\r\nKøkken;Løft\r\n".encode()
    assert refused("blandet.csv", data) == (
        'Filen "blandet.csv" blander to tegnsæt: linje 1 er gemt som Windows-1252 (ANSI) og linje 2 som '
        'UTF-8, så æ, ø og å ville blive læst forkert. Åbn filen i Excel, gem den som "CSV UTF-8", og prøv igen.')
    # The other way round: a UTF-8 header, a row from a Windows-1252 program.
    data = "Afdeling;Område\r\nLager;Støj\r\n".encode() + "Køkken;Løft\r\n".encode("cp1252")
    assert "linje 3 er gemt som Windows-1252 (ANSI) og linje 1 som UTF-8" in refused("blandet.csv", data)


def test_csv_in_one_encoding_is_read_whatever_it_holds():
    rows = [["Afdeling", "Område"], ["Lager", "Støj, “citat” – 5 €"]]
    text = "\r\n".join(";".join(r) for r in rows) + "\r\n"
    assert read_one("utf8.csv", text.encode()).rows == rows
    assert read_one("ansi.csv", text.encode("cp1252")).rows == rows


def test_control_characters_in_a_csv_cell_reach_validation():
    # The contract: a control character in a cell is an error naming the cell (validation's
    # job), not a reason to refuse the whole file.
    data = "Afdeling;Beskrivelse\r\nLager;Løft\x01 af kasser\r\nKontor;Lys\x0b\x1f\r\n".encode()
    assert read_one("styretegn.csv", data).rows == [
        ["Afdeling", "Beskrivelse"], ["Lager", "Løft\x01 af kasser"], ["Kontor", "Lys\x0b\x1f"]]
    assert read_one("tab.csv", b"a\tb\r\nc\td\n").rows == [["a", "b"], ["c", "d"]]


def test_text_that_is_mostly_control_characters_is_not_a_spreadsheet():
    assert refused("støj.csv", bytes(range(1, 32)) * 20) == NOT_SHEET.format("støj.csv")
    assert refused("nul.csv", b"Afdeling;Omr\x00de\n") == NOT_SHEET.format("nul.csv")


def test_the_shared_strings_part_is_found_however_its_name_is_written(monkeypatch):
    # calamine finds xl/sharedStrings.xml whatever the case and with "\" for "/".
    monkeypatch.setenv(MAX_BYTES_ENV, "0.25")
    long = b"<si><t>" + b"x" * (1024 * 1024) + b"</t></si>"
    data = shared_strings_xlsx(long, shared_cells(250))
    for written in (b"XL/SHAREDSTRINGS.XML", b"xl\\sharedStrings.xml"):
        renamed = data.replace(b"xl/sharedStrings.xml", written)
        assert "200 MB tekst" in refused("bombe.xlsx", renamed)
