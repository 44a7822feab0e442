"""Found in a hostile review of meeting mode (issue 17): defects a user would notice, each with
the reproduction that showed it."""

from __future__ import annotations

import threading

from amo_data.store import Store
from tests.test_meeting_page import MEETING, _sample, add_point, button, choose, ok, page  # noqa: F401


def test_two_meetings_saved_at_the_same_moment_never_silently_replace_one_another():
    # Two sessions hold Lager's 2027 meeting and press "Gem mødet" at the same moment. Before the
    # fix both passed the "has someone else saved?" check and the second import replaced the
    # first: both users were told "Mødet er gemt", and Anna's point was gone.
    sessions = [choose(page(MEETING), "meeting", "Lager", 2027) for _ in range(2)]
    for at, who in zip(sessions, ("Anna", "Bo")):
        add_point(at, f"Punkt fra {who}")
        button(at, "Gem mødet").click()
    start = threading.Barrier(2)

    def run(at):
        start.wait()
        at.run()

    threads = [threading.Thread(target=run, args=(at,)) for at in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    saved = [at for at in sessions if any("Mødet er gemt" in s.value for s in ok(at).success)]
    refused = [at for at in sessions if any("efter at du åbnede mødet" in e.value for e in at.error)]
    assert len(saved) == 1 and len(refused) == 1, "one meeting is saved, the other is told and keeps its work"
    stored = list(Store().current_tables(("arbejdsark",), year=2027, department="Lager")["arbejdsark"]["description"])
    winner = "Anna" if saved[0] is sessions[0] else "Bo"
    assert stored == [f"Punkt fra {winner}"]
