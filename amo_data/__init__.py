"""AMO-kompetencer core: read, validate, store and summarise AMO competence spreadsheets.

This package never imports Streamlit; the pages in ``pages/`` are thin layers on top of it.
"""

__version__ = "0.1.0"
