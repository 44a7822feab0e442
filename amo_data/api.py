"""The dashboard's read-only HTTP routes (served beside the pages by ``server.py``).

- ``GET /api/health``: ``ok`` while the store answers (503 with a Danish line when it does not);
- ``GET /api/kalender.ics``: the deadlines as a calendar feed that Outlook, Google Calendar and
  Apple Calendar can subscribe to (:mod:`amo_data.ical`);
- ``GET /api/summary.json?year=Y&department=NAME``: the ``summary --json`` object.

The feed and the figures need a token (``python -m amo_data token add NAME``), as a bearer
header (``Authorization: Bearer …``) or, because calendar clients cannot send headers, as the
query parameter ``token``. A missing, wrong or revoked token gets 401 and no data. A token
scoped to departments sees only them (asking for another department gets 403).

Plain Starlette routes (synchronous: Starlette runs them in its thread pool); no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import cache

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .errors import AmoError, StoreUnavailable
from .fields import Year
from .text import department_key

TODAY_ENV = "AMO_TODAY"
BASE_URL_ENV = "AMO_BASE_URL"


@cache
def _store(url: str):
    from .store import Store

    return Store(url)


def store():
    from .store import resolve_url

    return _store(resolve_url(None))


def today() -> dt.date:
    fixed = os.environ.get(TODAY_ENV)
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def _text(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status, headers={"Cache-Control": "no-store"})


def _token(request: Request):
    """The token's record, or None (no token, a wrong one, a revoked one)."""
    secret = request.query_params.get("token", "")
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        secret = header[7:].strip()
    return store().token_for(secret) if secret else None


def _unauthorised() -> PlainTextResponse:
    response = _text(401, "Adgang kræver en gyldig nøgle (token). Bed en administrator om en.")
    response.headers["WWW-Authenticate"] = 'Bearer realm="AMO-kompetencer"'
    return response


def _departments(token, asked: str | None) -> list[str] | None | Response:
    """The departments a request may see: the asked one (if the token allows it), the token's
    own, or None for every department."""
    allowed = list(token["departments"] or [])
    if asked:
        if allowed and department_key(asked) not in {department_key(d) for d in allowed}:
            return _text(403, f"Nøglen giver ikke adgang til afdelingen {asked}.")
        return [asked]
    return allowed or None


def _scope(request: Request) -> list[str] | None | Response:
    """The departments the request's key may see and asks for (None: all), or the refusal."""
    token = _token(request)
    if token is None:
        return _unauthorised()
    return _departments(token, request.query_params.get("department"))


def health(request: Request) -> Response:
    try:
        store().data_version()
    except AmoError as exc:
        return _text(503, exc.message)
    return _text(200, "ok")


def calendar(request: Request) -> Response:
    from .cli_records import calendar_of

    try:
        chosen = _scope(request)
        if isinstance(chosen, Response):
            return chosen
        base_url = os.environ.get(BASE_URL_ENV) or str(request.base_url).rstrip("/")
        data = calendar_of(store(), today(), chosen, base_url)
    except StoreUnavailable as exc:
        return _text(503, exc.message)
    return Response(data, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="kalender.ics"', "Cache-Control": "no-store"})


def summary(request: Request) -> Response:
    from .summary import summary_of_store

    try:
        chosen = _scope(request)
        if isinstance(chosen, Response):
            return chosen
        year_text = request.query_params.get("year")
        year = None
        if year_text:
            parsed = Year().parse(year_text)  # the files' rule: a whole year 2000-2100
            if parsed.error:
                return _text(400, parsed.error)
            year = parsed.value
        figures = summary_of_store(store(), year=year, departments=chosen, today=today(),
                                   department=request.query_params.get("department") or None)
    except StoreUnavailable as exc:
        return _text(503, exc.message)
    except AmoError as exc:
        return _text(400, exc.message)
    return JSONResponse(json.loads(json.dumps(figures, ensure_ascii=False)), headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/kalender.ics", calendar, methods=["GET"]),
    Route("/api/summary.json", summary, methods=["GET"]),
]
