"""Found in a hostile review of the HTTP routes (issue 18), against a real server process."""

from __future__ import annotations

import pytest

from tests.test_api import get, server  # noqa: F401  (the module's real server with its tokens)


@pytest.mark.parametrize("year", ["9223372036854775808", "99999", "-5", "1"])
def test_an_impossible_year_gets_a_danish_400_not_a_server_error(server, year):  # noqa: F811
    # Before: year=9223372036854775808 crashed the route ("500 Internal Server Error", a
    # traceback in the log); 99999 and -5 answered 200 with empty figures as if they were years.
    url, tokens = server
    status, body, _ = get(f"{url}/api/summary.json?year={year}", tokens["alle"])
    assert status == 400, body
    assert body.decode() == f'"{year}" er ikke et gyldigt år (et helt tal fra 2000 til 2100, fx 2026).\n'


def test_a_year_with_spaces_is_still_a_year(server):  # noqa: F811
    url, tokens = server
    status, body, _ = get(f"{url}/api/summary.json?year=%202026%20", tokens["alle"])
    assert status == 200 and b'"year":2026' in body
