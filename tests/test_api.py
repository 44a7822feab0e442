"""The HTTP routes beside the dashboard (server.py), against a real server process.

Issue 18: "`GET /api/health`, a calendar feed `GET /api/kalender.ics` ... and
`GET /api/summary.json` ... Access with tokens ...; a token scoped to departments sees only them;
a missing, wrong or revoked token gets 401 and no data; the token is accepted as a bearer header
or a query parameter."
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.browser import seeded_env, streamlit_server

ROOT = Path(__file__).resolve().parents[1]


def get(url: str, token: str | None = None, header: bool = False) -> tuple[int, bytes, dict]:
    if token and not header:
        url += ("&" if "?" in url else "?") + f"token={token}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token and header else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def token(env: dict, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "amo_data", "token", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("api")
    env = seeded_env(directory)
    tokens = {"alle": token(env, "add", "alle"), "lager": token(env, "add", "lager", "--department", "Lager"),
              "gammel": token(env, "add", "gammel")}
    token(env, "revoke", "gammel")
    with streamlit_server(env, directory / "server.log", script="server.py") as url:
        yield url, tokens


def test_health_answers_without_a_token(server):
    url, _ = server
    assert get(f"{url}/api/health")[:2] == (200, b"ok\n")


@pytest.mark.parametrize("route", ["/api/kalender.ics", "/api/summary.json"])
def test_a_missing_wrong_or_revoked_token_gets_401_and_no_data(server, route):
    url, tokens = server
    for secret in (None, "forkert", tokens["gammel"]):
        status, body, headers = get(url + route, secret)
        assert status == 401, secret
        assert b"VEVENT" not in body and b"entries_by_area" not in body
        assert "Bearer" in headers.get("www-authenticate", headers.get("WWW-Authenticate", ""))


def test_the_feed_takes_the_token_as_a_query_parameter_or_a_bearer_header(server):
    url, tokens = server
    status, body, headers = get(f"{url}/api/kalender.ics", tokens["alle"])
    assert status == 200 and headers["content-type"].startswith("text/calendar")
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(body).walk("VEVENT")}
    assert any(s.endswith("(Lager)") for s in summaries) and any(s.endswith("(Produktion)") for s in summaries)
    assert get(f"{url}/api/kalender.ics", tokens["alle"], header=True)[0] == 200


def test_a_token_scoped_to_a_department_sees_only_it(server):
    url, tokens = server
    status, body, _ = get(f"{url}/api/kalender.ics", tokens["lager"])
    assert status == 200
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(body).walk("VEVENT")}
    assert summaries and all(s.endswith("(Lager)") for s in summaries)
    status, body, _ = get(f"{url}/api/summary.json", tokens["lager"])
    assert status == 200 and json.loads(body)["departments"] == ["Lager"]
    assert get(f"{url}/api/summary.json?department=Produktion", tokens["lager"])[0] == 403


def test_summary_json_is_the_command_lines_object(server):
    url, tokens = server
    status, body, _ = get(f"{url}/api/summary.json?year=2025&department=Salg", tokens["alle"])
    assert status == 200
    figures = json.loads(body)
    assert figures["filters"]["year"] == 2025 and figures["filters"]["department"] == "Salg"
    assert figures["departments"] == ["Salg"]
    assert {"members", "entitlement", "entries_by_unit", "actions_by_quarter"} <= set(figures)
    assert get(f"{url}/api/summary.json?year=tyve", tokens["alle"])[0] == 400
