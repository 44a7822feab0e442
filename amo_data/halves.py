"""One big worksheet parsed as two halves at once.

calamine parses one sheet in one thread: on the benchmark workbook (100,000 Arbejdsark rows,
48 MB of worksheet XML) that is about 0.57 s, while the other CPU waits. When a workbook has
a worksheet of at least :data:`MIN_BYTES` of XML, the reader's guard (which inflates and scans
every member before calamine sees any) hands that worksheet's XML, piece by piece, to a
:class:`Cutter`. It writes two copies of the workbook, each with one half of the worksheet's
rows in place of all of them, and calamine parses the two halves in two threads.
the reader joins their cells.

What makes this exact, not a guess:

* Both copies hold every other member of the original file byte for byte (copied compressed,
  as they are); the cut worksheet is stored uncompressed. calamine therefore finds the same
  workbook, relationships, styles and shared strings in each. The worksheet is only cut when
  its XML has the CRC and the size its zip entry declares (calamine checks them when it reads
  a member, and a damaged file must stay refused), and when no two members share a name
  (which of them calamine reads depends on their order).
* The cut is made between ``</row>`` and ``<row r="`` in the sheet data, and only when every
  cell tag of the worksheet names its own position (``<c r="B7"``: the guard's standard form),
  so no cell's position depends on what came before it; when the sheet data holds no
  comment, CDATA section or processing instruction (where ``<row`` could be text); and when
  ``sheetData`` occurs exactly twice (its start and end tags). Each half is the same header,
  its rows and the same trailer.
* The rows of the halves are only joined when every cell of the first half lies above every
  cell of the second (calamine's own bounding boxes say so); otherwise, or when anything
  about the halves fails, the reader parses the sheet whole, as it always did.
* Which sheet name a worksheet part belongs to is read from ``xl/workbook.xml`` and its
  relationships. Should that reading be wrong, the "halves" are the same other worksheet
  twice, whose cells overlap, so the reader parses the sheet whole (an empty sheet is empty
  both ways).

The copies live in anonymous in-memory files (``memfd_create``, Linux), never on disk: a
workbook may hold personal data (names in Uddannelse). Elsewhere, or with a single CPU, every
sheet is parsed whole.
"""

from __future__ import annotations

import os
import queue
import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass

MB = 1024 * 1024
MIN_BYTES = 8 * MB  # worksheet XML below this is parsed whole (the halves would gain little)

_LOCAL = struct.Struct("<4s5H3L2H")  # local file header
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory file header
_END = struct.Struct("<4s4H2LH")  # end of central directory
_UTF8_FLAG = 0x800

_SHEET_DATA = b"<sheetData>"
_SHEET_DATA_END = b"</sheetData>"
_CUT = b'</row><row r="'  # the cut is made between the two tags
_END_ROW = len(b"</row>")
_SHEET_TAG = re.compile(rb"<sheet\b[^>]*>")
_NAME = re.compile(rb'\bname="([^"]*)"')
_REL_ID = re.compile(rb'\b(?:[A-Za-z_][\w.\-]*:)?id="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
_ID = re.compile(rb'\bId="([^"]*)"')
_TARGET = re.compile(rb'\bTarget="([^"]*)"')


def possible() -> bool:
    """Two CPUs to parse on, and in-memory files to hand calamine the halves."""
    return (os.cpu_count() or 1) >= 2 and hasattr(os, "memfd_create")


def wanted(infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
    """The member worth cutting: the biggest worksheet part, if it is big enough (and cutting
    can help). Worksheets are looked for where Excel, LibreOffice and openpyxl put them
    (``xl/worksheets/``); the shared strings may well be bigger."""
    if not possible():
        return None
    if len({info.filename for info in infos}) != len(infos):
        return None  # two members of one name: which one calamine reads depends on their order
    members = [info for info in infos if not info.is_dir() and info.filename.lower().startswith("xl/worksheets/")]
    if not members:
        return None
    biggest = max(members, key=lambda info: info.file_size)
    return biggest if biggest.file_size >= MIN_BYTES else None


@dataclass
class Halves:
    """Two copies of a workbook (paths calamine can open), each with one half of the
    worksheet of ``sheet``."""

    sheet: str
    paths: tuple[str, str]
    fds: tuple[int, ...]

    def close(self) -> None:
        """Let go of the in-memory files (a workbook calamine opened keeps its own handle)."""
        _close(self.fds)
        self.fds = ()


class Cutter:
    """Writes the two halves of one member's worksheet XML while the guard inflates it.

    :meth:`add` gets the XML in pieces, in order, none of which splits a tag; a helper thread
    looks at them and writes them while the guard goes on (its searches and writes are off
    the guard's path). :meth:`finish` completes both copies of the workbook, or gives None
    (nothing to cut). After an error, or when a piece shows that no clean cut is possible,
    the rest is ignored.
    """

    _HEAD, _FIRST, _SECOND, _TAIL, _DEAD = range(5)

    def __init__(self, member: zipfile.ZipInfo):
        self.member = member
        self.middle = member.file_size // 2
        self.seen = 0  # bytes of XML so far
        self.whole_crc = 0  # of all of it: must be the member's own, as calamine would check
        self.sheet_data = 0  # occurrences of "sheetData"
        self.state = self._HEAD
        self.fds: list[int] = []
        self.outs: list = []
        self.crc = [0, 0]
        self.size = [0, 0]
        self.name = member.filename.encode("utf-8" if member.flag_bits & _UTF8_FLAG else "cp437")
        self._pieces: queue.SimpleQueue = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        try:
            for _ in range(2):
                fd = os.memfd_create("amo-halves", os.MFD_CLOEXEC)
                self.fds.append(fd)
                out = os.fdopen(fd, "wb", closefd=False)
                self.outs.append(out)
                out.write(bytes(_LOCAL.size + len(self.name)))  # the local header, written last
        except OSError:
            self._abandon()

    def add(self, piece: bytes) -> None:
        if self.state == self._DEAD:
            return
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="amo-halves", daemon=True)
            self._worker.start()
        self._pieces.put(piece)

    def _work(self) -> None:
        while (piece := self._pieces.get()) is not None:
            if self.state == self._DEAD:
                continue
            try:
                self._add(piece, piece.count(b"sheetData"))
            except OSError:
                self._abandon()
            self.seen += len(piece)
            self.whole_crc = zlib.crc32(piece, self.whole_crc)

    def _stop(self) -> None:
        if self._worker is not None:
            self._pieces.put(None)
            self._worker.join()
            self._worker = None

    def _add(self, text: bytes, sheet_data: int) -> None:
        self.sheet_data += sheet_data
        if self.sheet_data > 2:
            return self._abandon()
        piece = memoryview(text)  # slices of it are written without copying
        start = 0
        if self.state == self._HEAD:
            at = text.find(_SHEET_DATA) if sheet_data else -1
            if at < 0:
                return self._write(piece, both=True)
            start = at + len(_SHEET_DATA)
            self._write(piece[:start], both=True)
            self.state = self._FIRST
        if self.state == self._TAIL:
            return self._write(piece, both=True)
        end = text.find(_SHEET_DATA_END, start) if sheet_data else -1
        data_end = len(text) if end < 0 else end
        if _has_markup(text, start, data_end):
            return self._abandon()
        if self.state == self._FIRST:
            cut = -1
            if self.seen + data_end > self.middle:
                cut = text.find(_CUT, max(self.middle - self.seen, start), data_end)
            if cut < 0:
                if end >= 0:  # the sheet data ended before a cut was found
                    return self._abandon()
                return self._write(piece[start:], part=0)
            cut += _END_ROW
            self._write(piece[start:cut], part=0)
            start = cut
            self.state = self._SECOND
        # The second half: its rows, then (from </sheetData> on) the trailer for both.
        if end < 0:
            return self._write(piece[start:], part=1)
        self._write(piece[start:end], part=1)
        self._write(piece[end:], both=True)
        self.state = self._TAIL

    def _write(self, chunk: memoryview, part: int = 0, both: bool = False) -> None:
        for i in (0, 1) if both else (part,):
            self.outs[i].write(chunk)
            self.crc[i] = zlib.crc32(chunk, self.crc[i])
            self.size[i] += len(chunk)

    def finish(self, archive: zipfile.ZipFile, data: bytes, standard: bool) -> Halves | None:
        """Both copies complete (``standard``: every cell tag was in the standard form)."""
        self._stop()
        if self.state != self._TAIL or self.sheet_data != 2 or not standard:
            self._abandon()
            return None
        if self.whole_crc != self.member.CRC or self.seen != self.member.file_size:
            # Damaged, or not the size it declares: calamine refuses it when it reads the
            # member, so it must read the member, not two clean copies of it.
            self._abandon()
            return None
        sheet = _sheet_of(archive, self.member.filename)
        if sheet is None:
            self._abandon()
            return None
        try:
            for i, out in enumerate(self.outs):
                _complete_zip(out, data, archive.infolist(), self.member, self.name, self.crc[i], self.size[i])
                out.close()
        except OSError:
            self._abandon()
            return None
        fds, self.fds, self.outs = tuple(self.fds), [], []
        return Halves(sheet, tuple(f"/proc/self/fd/{fd}" for fd in fds), fds)

    def abandon(self) -> None:
        """Stop, and let go of the in-memory files (the guard refused the file)."""
        self._stop()
        self._abandon()

    def _abandon(self) -> None:
        self.state = self._DEAD
        for out in self.outs:
            try:
                out.close()
            except OSError:
                pass
        _close(self.fds)
        self.fds, self.outs = [], []


def _has_markup(piece: bytes, start: int, end: int) -> bool:
    """``<!`` or ``<?`` in ``piece[start:end]``. "!" and "?" are looked for alone (memchr:
    a two-byte search is slow where every other byte is "<"), then the byte before each.
    (A piece never ends with "<", so "<!" cannot span two pieces.)"""
    for mark in b"!?":
        at = piece.find(mark, start, end)
        while at >= 0:
            if at > 0 and piece[at - 1] == 0x3C:  # "<"
                return True
            at = piece.find(mark, at + 1, end)
    return False


def _close(fds) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


# --------------------------------------------------------------------------- which sheet


_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&"}
_ENTITY = re.compile("&(?:lt|gt|quot|apos|amp);")


def _unescape(text: str) -> str:
    """XML's five named entities (xml.sax.saxutils would import urllib and email: 20 ms)."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], text)


def _sheet_of(archive: zipfile.ZipFile, member: str) -> str | None:
    """The name of the sheet whose worksheet part is ``member``, as ``xl/workbook.xml`` and
    ``xl/_rels/workbook.xml.rels`` say (the first such sheet), or None."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, zlib.error, EOFError):
        return None
    targets: dict[bytes, str] = {}
    for tag in _RELATIONSHIP.findall(rels):
        rel_id, target = _ID.search(tag), _TARGET.search(tag)
        if rel_id and target:
            path = _unescape(target.group(1).decode("utf-8", "replace"))
            targets[rel_id.group(1)] = path[1:] if path.startswith("/") else "xl/" + path
    for tag in _SHEET_TAG.findall(workbook):
        name, rel_id = _NAME.search(tag), _REL_ID.search(tag)
        if name and rel_id and targets.get(rel_id.group(1)) == member:
            return _unescape(name.group(1).decode("utf-8", "replace"))
    return None


# --------------------------------------------------------------------------- the copies


def _complete_zip(out, data: bytes, infos: list[zipfile.ZipInfo], member: zipfile.ZipInfo, name: bytes,
                  crc: int, size: int) -> None:
    """After the cut member's entry (at offset 0, stored, ``size`` bytes with ``crc``): every
    other member of ``data`` as it is, the central directory, and the member's local header."""
    central: list[bytes] = []
    stamp = _dos_stamp(member.date_time)
    central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, member.flag_bits & _UTF8_FLAG, zipfile.ZIP_STORED,
                                 *stamp, crc, size, size, len(name), 0, 0, 0, 0, member.external_attr, 0)
                   + name)
    offset = _LOCAL.size + len(name) + size
    view = memoryview(data)
    for info in infos:
        if info is member:
            continue
        other = info.filename.encode("utf-8" if info.flag_bits & _UTF8_FLAG else "cp437")
        flags = info.flag_bits & _UTF8_FLAG
        start = info.header_offset
        fields = _LOCAL.unpack_from(data, start)
        begin = start + _LOCAL.size + fields[-2] + fields[-1]
        stamp = _dos_stamp(info.date_time)
        out.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, info.compress_type, *stamp, info.CRC,
                              info.compress_size, info.file_size, len(other), 0))
        out.write(other)
        out.write(view[begin:begin + info.compress_size])
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, info.compress_type, *stamp, info.CRC,
                                     info.compress_size, info.file_size, len(other), 0, 0, 0, 0,
                                     info.external_attr, offset) + other)
        offset += _LOCAL.size + len(other) + info.compress_size
    directory = b"".join(central)
    out.write(directory)
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0))
    out.flush()
    stamp = _dos_stamp(member.date_time)
    os.pwrite(out.fileno(), _LOCAL.pack(b"PK\x03\x04", 20, member.flag_bits & _UTF8_FLAG, zipfile.ZIP_STORED,
                                        *stamp, crc, size, size, len(name), 0) + name, 0)


def _dos_stamp(date_time: tuple[int, ...]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    year = min(max(year, 1980), 2107)
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day
