""".xls checks before calamine sees the file (see :mod:`amo_data.guard` for the others).

The compound file is opened in Python (allocation tables, directory) and the ``Workbook``
stream's cell records are scanned, with a bounding box limit of :data:`MAX_XLS_AREA` (2**22
cells, e.g. 65,536 rows x 64 columns): BIFF8's whole grid (65,536 x 256) would otherwise let
a 5 KB file cost about 1 GB of memory. Anything in the compound file that does not add up is
a damaged file.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from . import guard

MAX_XLS_AREA = 2**22  # bounding box of one sheet, in cells (BIFF8's whole grid is 2**24)


_FREE_OR_END = 0xFFFFFFFA  # sector numbers at or above this are markers, not sectors
_BIFF_BOF = 0x0809
# BIFF8 records holding a cell value (BLANK/MULBLANK are not stored by calamine).
_BIFF_CELLS = frozenset({0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x00D6})
_BIFF_MULRK = 0x00BD


def check_xls(name: str, data: bytes) -> None:
    """Refuse an ``.xls`` file whose sheets calamine could not hold (see the module's
    docstring), or whose compound file does not add up."""
    for box in _scan_xls(name, data):
        guard.check_box(name, box, MAX_XLS_AREA)


def _scan_xls(name: str, data: bytes) -> Iterator[guard.Box]:
    """One bounding box per BIFF substream of an ``.xls`` compound file (row and column are
    the first two fields of every cell record)."""
    stream = _cfb_stream(name, data, ("workbook", "book"))
    box: guard.Box | None = None
    pos = 0
    end = len(stream)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        rtype, rlen = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + rlen
        if rtype == _BIFF_BOF:
            if box is not None:
                yield box
            box = guard.Box()
        elif box is None or rlen < 4:
            continue
        elif rtype in _BIFF_CELLS:
            row, col = unpack("<HH", stream, body)
            box.add(row + 1, row + 1, col + 1, col + 1)
            box.cells += 1
        elif rtype == _BIFF_MULRK and rlen >= 6:
            row, first = unpack("<HH", stream, body)
            (last,) = unpack("<H", stream, body + rlen - 2)
            if last >= first:
                box.add(row + 1, row + 1, first + 1, last + 1)
                box.cells += last - first + 1
    if box is not None:
        yield box


def _cfb_stream(name: str, data: bytes, wanted: tuple[str, ...]) -> bytes:
    """The first stream whose name (case-insensitive) is in ``wanted``, from an OLE2 file."""
    if len(data) < 512:
        raise guard.err_corrupt(name)
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise guard.err_corrupt(name)
    size = 1 << shift
    (n_fat, first_dir, _tx, mini_cutoff, first_minifat, n_minifat, first_difat, n_difat) = struct.unpack_from(
        "<8I", data, 44
    )
    n_sectors = (len(data) - size) // size + 1  # a last, partly written sector counts

    def sector(i: int) -> bytes:
        if i >= n_sectors:
            raise guard.err_corrupt(name)
        return data[(i + 1) * size : (i + 2) * size]

    fat_sectors = [x for x in struct.unpack_from("<109I", data, 76) if x < _FREE_OR_END]
    nxt, seen = first_difat, 0
    per = size // 4 - 1
    while nxt < _FREE_OR_END and seen <= n_difat and seen < n_sectors:
        entries = struct.unpack(f"<{per + 1}I", sector(nxt).ljust(size, b"\0"))
        fat_sectors += [x for x in entries[:per] if x < _FREE_OR_END]
        nxt, seen = entries[per], seen + 1
    fat_bytes = b"".join(sector(i).ljust(size, b"\0") for i in fat_sectors[: n_fat or None])
    fat = struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes)

    def chain(start: int, table: tuple[int, ...], limit: int) -> list[int]:
        out: list[int] = []
        while start < _FREE_OR_END:
            if start >= len(table) or len(out) > limit:
                raise guard.err_corrupt(name)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(i) for i in chain(first_dir, fat, n_sectors))
    root_start = None
    found = None
    for off in range(0, len(directory) - 127, 128):
        name_len, kind = struct.unpack_from("<HB", directory, off + 64)
        start, stream_size = struct.unpack_from("<IQ", directory, off + 116)
        if kind == 5 and root_start is None:
            root_start = start
        entry_name = directory[off : off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        if kind == 2 and found is None and entry_name.lower() in wanted:
            found = (start, stream_size)
    if found is None:
        raise guard.err_not_sheet(name)  # an OLE2 file without a workbook: .doc, .ppt, .msg
    start, stream_size = found
    if stream_size > len(data) * 2:
        raise guard.err_corrupt(name)
    if stream_size >= mini_cutoff:
        raw = b"".join(sector(i) for i in chain(start, fat, n_sectors))
    else:
        if root_start is None:
            raise guard.err_corrupt(name)
        mini_stream = b"".join(sector(i) for i in chain(root_start, fat, n_sectors))
        minifat_bytes = b"".join(sector(i) for i in chain(first_minifat, fat, n_sectors))
        minifat = struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes)
        mini = 1 << mini_shift
        raw = b"".join(mini_stream[i * mini : (i + 1) * mini] for i in chain(start, minifat, len(minifat)))
    return raw[:stream_size]
