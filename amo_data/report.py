"""Plain Danish text of the summary figures, for the command line."""

from __future__ import annotations

import datetime as dt

from .entitlement import BASIC_LABELS, STATE_LABELS
from .quarters import parse_label
from .text import danish_number


def _q(label: str) -> str:
    return parse_label(label).danish


def summary_text(s: dict) -> str:
    f = s["filters"]
    scope = []
    if f.get("year"):
        scope.append(f"år {f['year']}")
    if f.get("department"):
        scope.append(f"afdeling {f['department']}")
    if f.get("unit"):
        scope.append(f"enhed {f['unit']}")
    lines = [f"Nøgletal ({', '.join(scope) or 'alle år og afdelinger'}; i dag = {f['today']})", ""]
    lines.append(f"Afdelinger: {', '.join(s['departments']) or 'ingen'}")
    lines.append("")
    lines.append("Punkter pr. område (vigtige opgaver / lykkes / brug for at styrke):")
    for r in s["entries_by_area"]:
        lines.append(f"  {r['area']}: {r['vigtig_opgave']} / {r['lykkes']} / {r['brug_for_at_styrke']}")
    lines.append("")
    lines.append("Behov pr. hjælpetype:")
    for r in s["needs_by_help"]:
        lines.append(f"  {r['help'] or 'Ingen hjælp angivet'}: {r['count']}")
    lines.append("")
    lines.append("Handlinger pr. kvartal:")
    for r in s["actions_by_quarter"]:
        lines.append(f"  {_q(r['quarter'])}  {r['help']}  {r['status']}: {r['count']}")
    lines.append("")
    lines.append(f"Overskredne handlinger: {s['overdue_actions']}")
    lines.append(f"Hastende handlinger: {s['urgent_actions']}")
    lines.append("")
    lines.append("Uddannelse pr. kvartal:")
    for r in s["training_by_quarter"]:
        hours = danish_number(r["hours"], 2)
        lines.append(f"  {_q(r['quarter'])}  {r['status']}: {r['count']} ({hours} {'time' if hours == '1' else 'timer'})")
    lines.append("")
    missing = s["departments_without_discussion"]
    lines.append(f"Afdelinger uden årlig drøftelse: {', '.join(missing) or 'ingen'}")
    lines.append("")
    lines.append(f"Medlemmer af AMO: {s['members']}")
    lines.append("Grunduddannelse mangler:")
    for r in s["basic_training"]:
        lines.append(f"  {r['name']} ({r['role']}, {r['department']}): frist {_day(r['deadline'])}, "
                     f"{BASIC_LABELS[r['state']].lower()}")
    lines.append(f"Supplerende uddannelse: {s['entitlement_missed']} funktionsår ikke opfyldt, "
                 f"{s['entitlement_open']} åbne")
    for r in s["entitlement"]:
        if r["state"] in ("missed", "open"):
            lines.append(f"  {r['name']} ({r['department']}), {r['year_of_service']}. funktionsår til "
                         f"{_day(r['due'])}: tilbudt {danish_number(r['offered_hours'])} af "
                         f"{danish_number(r['entitled_hours'])} timer, {STATE_LABELS[r['state']].lower()}")
    if s["entries_by_unit"]:
        lines.append("")
        lines.append("Punkter pr. enhed (afdelinger: vigtige opgaver / lykkes / brug for at styrke):")
        for r in s["entries_by_unit"]:
            lines.append(f"  {r['unit']} ({r['departments']}): {r['vigtig_opgave']} / {r['lykkes']} / "
                         f"{r['brug_for_at_styrke']}")
    return "\n".join(lines)


def _day(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d-%m-%Y")
