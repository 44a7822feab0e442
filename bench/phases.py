"""Where the time of ``python -m amo_data import`` goes, phase by phase, in one process.

``python bench/phases.py [FILE]`` (default: the benchmark workbook in bench/out) imports FILE
into a fresh SQLite store the way the command line does, and prints wall and CPU time per
phase. "read" includes the guard and calamine's parse in the sandbox's child process (its
start, the first time, too).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Phases:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, label: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.rows.append((label, wall - self._wall, cpu - self._cpu))
        self._wall, self._cpu = wall, cpu

    def report(self) -> str:
        lines = ["| phase | wall | CPU (all threads) |", "|---|---:|---:|"]
        lines += [f"| {label} | {wall * 1000:,.0f} ms | {cpu * 1000:,.0f} ms |" for label, wall, cpu in self.rows]
        total_wall = sum(r[1] for r in self.rows)
        total_cpu = sum(r[2] for r in self.rows)
        lines.append(f"| **total** | {total_wall * 1000:,.0f} ms | {total_cpu * 1000:,.0f} ms |")
        return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else BENCH / "out" / "bench-500x5.xlsx"
    phases = Phases()
    from amo_data import reader  # what the command line imports before reading

    phases.lap("import amo_data.reader")
    data = path.read_bytes()
    phases.lap("read the file's bytes")
    from amo_data import validate

    phases.lap("import amo_data.validate")
    sheets = reader.read_file(path.name, data)
    phases.lap("read_file (guard, then calamine in the sandbox's child)")
    result = validate.validate_sheets(path.name, sheets)
    result.sha256 = validate.sha256(data)
    phases.lap(f"validate_sheets ({sum(result.rows.values()):,} rows, {len(result.errors)} errors)")
    from amo_data.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/phases.sqlite")
        phases.lap("open a fresh store")
        store.import_results([result], user="bench")
        phases.lap("Store.import_results")
        store.close()
    print(f"{path.name}: {sum(result.rows.values()):,} rows")
    print(phases.report())
    print()
    print(f"of which the cell-position guard (every member inflated and scanned; measured again "
          f"apart): {_guard_ms(name=path.name, data=data):,.0f} ms")
    return 0


def _guard_ms(name: str, data: bytes) -> float:
    """Wall time of the reader's zip guard alone: inflating every member and scanning the
    worksheets' cell positions, as read_file does before calamine sees the file."""
    from amo_data import guard, reader

    start = time.perf_counter()
    guard.check_zip(name, data, reader.max_bytes())
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
