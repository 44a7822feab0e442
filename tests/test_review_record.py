"""Found in a hostile review of the written record (issue 17): what a reader of the PDF sees."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from pypdf import PdfReader

from amo_data.record import Record, write_pdf


def test_the_training_table_headings_are_whole_words():
    # Before: the headings printed broken over two lines, "Funktionså / r" and "Gennemfør / t".
    year = {"name": "Ida Holm", "role": "Arbejdsleder", "year_of_service": 3, "due": "2026-08-14",
            "entitled_hours": 11.1, "offered_hours": 11.1, "completed_hours": 11.1, "state": "met"}
    record = Record("Lager", 2026, [dt.date(2026, 3, 1)], ["Ida Holm"], True, pd.DataFrame(columns=["category", "area"]),
                    pd.DataFrame(), [year], dt.date(2026, 11, 26))
    text = PdfReader(io.BytesIO(write_pdf(record))).pages[-1].extract_text()
    assert "Navn Rolle Funktionsår Frist Ret Tilbudt Gennemført Status" in text, text
