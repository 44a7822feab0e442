"""The dashboard's server: the Streamlit app (``app.py`` and ``pages/``) plus the read-only
HTTP routes of :mod:`amo_data.api` (``/api/health``, ``/api/kalender.ics``,
``/api/summary.json``) on the same port.

``streamlit run server.py`` finds ``app`` below and serves both (Streamlit's ASGI mode).
"""

import streamlit as st

from amo_data.api import ROUTES

app = st.App("app.py", routes=ROUTES)
