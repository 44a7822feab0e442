"""Write the malformed-input corpus, byte for byte reproducible.

    python tests/malformed/make_corpus.py [OUT_DIR]     (default: this folder)

Workbooks are assembled by hand with :mod:`zipfile` (fixed timestamps, inline strings) so the
bytes never change between runs and the sheet XML can be shaped freely (a million empty rows,
a lying dimension, cells at the far corner of the grid). The committed files are the output of
this script; ``tests/test_malformed.py`` checks that they still match it.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
STAMP = (2026, 1, 1, 0, 0, 0)

HEADERS = ["Afdeling", "År", "Område", "Kategori", "Beskrivelse", "Hjælp", "Vurdering", "Rolle"]
GOOD_ROWS = [
    ["Lager", 2026, "Ergonomi", "Brug for at styrke", "Løft af tunge kasser", "Udefra", 2, "AMR"],
    ["Lager", 2026, "Psykisk", "Lykkes", "Godt samarbejde i teamet", None, 4, "Leder"],
    ["Lager", 2026, "Støj", "Vigtig opgave", "Høreværn ved pakkemaskinen", None, 3, "AMR"],
]


# --------------------------------------------------------------------------- xlsx by hand


def _col(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _cell(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def row_xml(number: int, values: list[object]) -> str:
    cells = "".join(_cell(f"{_col(j)}{number}", v) for j, v in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def table_rows(rows: list[list[object]], start: int = 1) -> str:
    return "".join(row_xml(start + i, r) for i, r in enumerate(rows))


def _zip(members: list[tuple[str, bytes]], level: int = 9) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=level)
    return buf.getvalue()


def xlsx(sheets: list[tuple[str, bytes]], extra: list[tuple[str, bytes]] = ()) -> bytes:
    """A minimal valid workbook: ``sheets`` is [(sheet name, worksheet XML)]."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    ).encode()
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_tags = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in enumerate(sheets, start=1)
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheet_tags}</sheets></workbook>"
    ).encode()
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Relationships>"
    ).encode()
    members = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", wb_rels),
    ]
    members += [(f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in enumerate(sheets, start=1)]
    return _zip(members + list(extra))


def good_xlsx() -> bytes:
    return xlsx([("Arbejdsark", sheet_xml(table_rows([HEADERS, *GOOD_ROWS])))])


# --------------------------------------------------------------------------- the corpus


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _csv(rows: list[list[object]]) -> str:
    return "".join(";".join("" if v is None else str(v) for v in r) + "\r\n" for r in rows)


def _corrupt() -> bytes:
    """A real workbook with its compressed sheet data overwritten in the middle."""
    data = bytearray(good_xlsx())
    start = data.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    for i in range(start + 10, start + 200):
        data[i] = (data[i] * 7 + 13) % 256
    return bytes(data)


def _bomb() -> bytes:
    """A workbook with an extra member of 300 MB of zeros (about 300 KB compressed).

    The zeros are streamed into the archive, never held in memory at once."""
    buf = io.BytesIO(xlsx([("Arbejdsark", sheet_xml(table_rows([HEADERS, *GOOD_ROWS])))]))
    with zipfile.ZipFile(buf, "a") as zf:
        info = zipfile.ZipInfo("xl/media/fill.bin", date_time=STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        block = bytes(1024 * 1024)
        with zf.open(info, "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(block)
    return buf.getvalue()


def _lying_bomb() -> bytes:
    """A workbook whose extra member declares 1,000 bytes but inflates to 300 MB of zeros."""
    buf = io.BytesIO(xlsx([("Arbejdsark", sheet_xml(table_rows([HEADERS, *GOOD_ROWS])))]))
    with zipfile.ZipFile(buf, "a") as zf:
        info = zipfile.ZipInfo("xl/media/fill.bin", date_time=STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        block = bytes(1024 * 1024)
        with zf.open(info, "w") as member:
            for _ in range(300):
                member.write(block)
    data = bytearray(buf.getvalue())
    name = b"xl/media/fill.bin"
    local = data.find(b"PK\x03\x04")
    while local >= 0 and data[local + 30: local + 30 + len(name)] != name:
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0 and data[central + 46: central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    assert local >= 0 and central >= 0
    data[local + 22: local + 26] = (1000).to_bytes(4, "little")
    data[central + 24: central + 28] = (1000).to_bytes(4, "little")
    return bytes(data)


def _million_empty_rows_at_end() -> bytes:
    """Three real rows, then 1,000,000 rows without cells and a dimension claiming A1:H1000004."""
    rows = table_rows([HEADERS, *GOOD_ROWS]) + "<row></row>" * 1_000_000
    return xlsx([("Arbejdsark", sheet_xml(rows, dimension="A1:H1000004"))])


def _million_empty_rows_between() -> bytes:
    """The header, 1,000,000 empty rows, then one data row with an unknown category."""
    bad = ["Lager", 2026, "Ergonomi", "Styrke", "Løft", None, 2, "AMR"]
    rows = (
        table_rows([HEADERS])
        + "<row></row>" * 1_000_000
        + row_xml(1_000_002, bad)
    )
    return xlsx([("Arbejdsark", sheet_xml(rows, dimension="A1:H1000002"))])


def _numbered_empty_rows_at_end() -> bytes:
    """Like Excel writes formatted empty rows: three real rows, then rows 5..1,000,004 as
    ``<row r="N" spans="1:8"/>`` (about 2.5 MB compressed, so generated at test time)."""
    rows = table_rows([HEADERS, *GOOD_ROWS]) + "".join(f'<row r="{n}" spans="1:8"/>' for n in range(5, 1_000_005))
    return xlsx([("Arbejdsark", sheet_xml(rows, dimension="A1:H1000004"))])


def _numbered_empty_rows_between() -> bytes:
    """The header, rows 2..1,000,001 empty (numbered), a data row with an ambiguous Kategori."""
    bad = ["Lager", 2026, "Ergonomi", "Styrke", "Løft", None, 2, "AMR"]
    rows = (
        table_rows([HEADERS])
        + "".join(f'<row r="{n}" spans="1:8"/>' for n in range(2, 1_000_002))
        + row_xml(1_000_002, bad)
    )
    return xlsx([("Arbejdsark", sheet_xml(rows, dimension="A1:H1000002"))])


def generated() -> dict[str, bytes]:
    """Files too large to commit (each about 2.5 MB), written into a temporary folder by the tests."""
    return {
        "million_nummererede_tomme_raekker.xlsx": _numbered_empty_rows_at_end(),
        "million_nummererede_tomme_raekker_midt.xlsx": _numbered_empty_rows_between(),
    }


def _far_corner() -> bytes:
    """Two cells, at A1 and XFD1048576: a tiny file whose grid would be 17 billion cells."""
    rows = row_xml(1, ["Afdeling", "Område"]) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return xlsx([("Arbejdsark", sheet_xml(rows))])


def _billion_laughs() -> bytes:
    """Nested XML entities that would expand to a billion "lol"s if a parser expanded them."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    body = sheet_xml(table_rows([HEADERS]) + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>')
    body = body[body.index(b"?>") + 2:]
    return xlsx([("Arbejdsark", f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'.encode() + body)])


def _shared_strings(items: str, unique_count: int | None = None) -> bytes:
    count = f' uniqueCount="{unique_count}"' if unique_count is not None else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"{count}>{items}</sst>').encode()


def _shared_cell_rows(first: int, count: int) -> str:
    return "".join(f'<row r="{n}"><c r="E{n}" t="s"><v>0</v></c></row>' for n in range(first, first + count))


def _lying_string_count() -> bytes:
    """One shared string, but uniqueCount="2147483647": calamine reserves 48 GB for the strings
    before it reads one, and the process aborts."""
    rows = table_rows([HEADERS]) + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return xlsx([("Arbejdsark", sheet_xml(rows))],
                extra=[("xl/sharedStrings.xml", _shared_strings("<si><t>Lager</t></si>", 2_147_483_647))])


def _shared_text_bomb(references: int) -> bytes:
    """One shared string of 4.9 MB, referenced by ``references`` cells: calamine copies it into
    each (400 cells: 2 GB of text from a file of a few kilobytes)."""
    rows = table_rows([HEADERS]) + _shared_cell_rows(2, references)
    text = "Løft af tunge kasser. " * 222_000  # 4.9 MB in UTF-8
    return xlsx([("Arbejdsark", sheet_xml(rows))],
                extra=[("xl/sharedStrings.xml", _shared_strings(f"<si><t>{text}</t></si>", 1))])


def _repeated_text_ods() -> bytes:
    """An ODS cell of 100 KB text repeated over 100 columns and 1,000 rows: calamine copies the
    text into every cell (10 GB from a file of a few kilobytes)."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    cell = ('<table:table-cell office:value-type="string" table:number-columns-repeated="100">'
            f'<text:p>{"Støj i produktionen. " * 5_000}</text:p></table:table-cell>')
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               f'<office:document-content {ns} office:version="1.2"><office:body><office:spreadsheet>'
               '<table:table table:name="Arbejdsark"><table:table-row table:number-rows-repeated="1000">'
               f'{cell}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    return _zip([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", content.encode())])


def _mixed_encoding_csv() -> bytes:
    """A header saved by Danish Excel (Windows-1252) and rows added by a program writing UTF-8."""
    return _csv([HEADERS]).encode("cp1252") + _csv(GOOD_ROWS).encode("utf-8")


def corpus() -> dict[str, bytes]:
    good = good_xlsx()
    huge = "Lang tekst om arbejdsmiljø. " * 1500  # 42,000 characters, above Excel's 32,767
    long_desc = "x" * 2001
    utf16_rows = [HEADERS, *GOOD_ROWS]
    return {
        "beskadiget.xlsx": _corrupt(),
        "afkortet.xlsx": good[: len(good) // 2],
        "billede.xlsx": _png(),
        "dokument.pdf": _pdf(),
        "dokument.docx": _zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]),
        "zipbombe.xlsx": _bomb(),
        "zipbombe_loegn.xlsx": _lying_bomb(),
        "kaempecelle.xlsx": xlsx([("Arbejdsark", sheet_xml(table_rows(
            [HEADERS, GOOD_ROWS[0], ["Lager", 2026, "Ergonomi", "Lykkes", huge, None, 4, "AMR"]])))]),
        "lang_beskrivelse.csv": _csv([HEADERS, ["Kontor", 2026, "Ergonomi", "Lykkes", long_desc, "", "", ""]])
        .encode("utf-8"),
        "million_tomme_raekker.xlsx": _million_empty_rows_at_end(),
        "million_tomme_raekker_midt.xlsx": _million_empty_rows_between(),
        "fjernt_hjoerne.xlsx": _far_corner(),
        "dobbelt_overskrift.xlsx": xlsx([("Arbejdsark", sheet_xml(table_rows(
            [[*HEADERS, "Beskrivelse"], [*GOOD_ROWS[0], "igen"]])))]),
        "utf16_bom.csv": _csv(utf16_rows).encode("utf-16"),
        "utf16_uden_bom.csv": _csv(utf16_rows).encode("utf-16-le"),
        "tom.xlsx": b"",
        "tom.csv": b"",
        "kun_mellemrum.csv": b" \r\n;;;\r\n \r\n",
        "intet_kendt_ark.xlsx": xlsx([("Ark1", sheet_xml(table_rows([HEADERS, *GOOD_ROWS]))),
                                      ("Lister", sheet_xml(table_rows([["Ergonomi"], ["Psykisk"]])))]),
        "kun_overskrifter.csv": _csv([HEADERS]).encode("utf-8"),
        "ukendte_overskrifter.csv": _csv([["Navn", "Adresse", "Telefon"], ["Anne", "Vej 1", "12345678"]])
        .encode("utf-8"),
        "ugyldig_xml.xlsx": xlsx([("Arbejdsark", b'<?xml version="1.0"?><worksheet><sheetData><row r="1">'
                                  b'<c r="A1" t="inlineStr"><is><t>Afdeling</t></is></c></sheetData>')]),
        "binaert.csv": bytes(range(256)) * 4,
        "uafsluttet_citat.csv": (_csv([HEADERS]) + 'Lager;2026;Ergonomi;Lykkes;"Punkt uden slut;;4;AMR\r\n'
                                 + _csv(GOOD_ROWS)).encode("utf-8"),
        "kaempecelle.csv": (_csv([HEADERS]) + "Lager;2026;Ergonomi;Lykkes;" + "x" * 200_000 + ";;4;AMR\r\n")
        .encode("utf-8"),
        "binaer_excel.xlsx": _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.bin", b"\x83\x01\x00")]),
        "adgangskode.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
        + bytes(480),
        "milliard_latter.xlsx": _billion_laughs(),
        # Text named like a workbook: plain text and an HTML table (some systems export
        # those as .xls) cannot be read (exit 2); a tab-separated export with the right
        # headers is read as the table it is.
        "tekst_som_xlsx.xlsx": b"this is not an excel file",
        "webside_som_xls.xls": (b"<html><body><table><tr><td>Navn</td><td>Adresse</td></tr>"
                                b"<tr><td>Anne</td><td>Vej 1</td></tr></table></body></html>"),
        "tabulator_som_xls.xls": _csv([HEADERS, *GOOD_ROWS]).replace(";", "\t").encode("cp1252"),
        "ufuldstaendig_xml.xlsx": xlsx([("Arbejdsark", sheet_xml(table_rows([HEADERS, *GOOD_ROWS]))[:-40])]),
        # Shared strings (issue 14): a lying uniqueCount, and one long string referenced by many
        # cells; each aborted the process or drove it to gigabytes before the guard measured them.
        "tekstantal_loegn.xlsx": _lying_string_count(),
        "delt_tekst_400_gange.xlsx": _shared_text_bomb(400),
        "delt_tekst_2000_gange.xlsx": _shared_text_bomb(2000),
        "gentaget_tekst.ods": _repeated_text_ods(),
        "blandet_tegnsaet.csv": _mixed_encoding_csv(),
    }


def write(out: Path = HERE) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in corpus().items():
        path = out / name
        path.write_bytes(data)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"{p.stat().st_size:>10}  {p.name}")
