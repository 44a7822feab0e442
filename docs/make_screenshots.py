"""Regenerate the screenshots in docs/screenshots/ (one PNG per page of the dashboard).

    .venv/bin/python docs/make_screenshots.py [--out docs/screenshots] [--width 1280]

Starts the dashboard on a fresh SQLite store with the sample data (AMO_TODAY fixed, so the
figures are the same every time), opens every page from the sidebar in Debian's Chromium and
saves a full-page PNG, reduced to at most ~250 KB. The Upload page is shown with two checked
CSV files, as a user sees it just before pressing "Gem"; the meeting screen at each of its four
steps (``moede-trin-1.png`` … ``moede-trin-4.png``), with two members' preparations side by side. Nothing is saved into any real store.

Then, at company scale (``--large``, default 500 departments in a tree of 5 forvaltninger x 10
områder, bench/generate.py, imported into a second fresh store): Overblik and Sammenlign
afdelinger as ``overblik-500.png`` and ``sammenlign-500.png``. ``--large 0`` leaves them out,
``--large-only`` makes only them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import browser as B  # noqa: E402

# Two members' preparations for the meeting screen's screenshot (Lager, this year).
PREPARATIONS = {
    "Ida Holm": {"Ergonomi": {"Vigtig opgave": "Nye løftevogne i pakkeriet",
                              "Lykkes": "Vi bruger løftevognene\nKorte pauser ved pakkebordene",
                              "Brug for at styrke": "Vurdering af tunge løft", "Hvordan": "Hjælp udefra"}},
    "Louise Jensen": {"Ergonomi": {"Lykkes": "Gode rutiner ved paller"},
                      "Psykisk arbejdsmiljø": {"Lykkes": "Vi tager snakken, når nogen er pressede"}},
}


MEETING_STEPS = ("1. Vigtige opgaver (10 min)", "2. Det lykkes vi med (15 min)",
                 "3. Det har vi brug for at styrke (20 min)", "4. Handleplan (15 min)")


def meeting_step(page, number: int) -> None:
    """Go to the meeting's step ``number`` (1-4)."""
    page.get_by_text(MEETING_STEPS[number - 1]).click()
    page.get_by_text(f"Trin {number}: ").first.wait_for()
    B.wait_ready(page)
    page.mouse.move(0, 0)


def meeting_screenshot(page, url: str, db: str) -> None:
    """Open the meeting screen for Lager with two members' preparations saved."""
    from amo_data.store import Store

    with Store(db) as store:
        for author, areas in PREPARATIONS.items():
            store.save_preparation(author, "Lager", int(B.TODAY[:4]), {"areas": areas})
    page.goto(url + "/?afd=Lager")
    B.wait_ready(page)
    B.go_to(page, "Møde", "Mødet: årlig drøftelse af kompetencer")
    page.get_by_text("2. Det lykkes vi med (15 min)").click()
    page.get_by_text("Trin 2: Det lykkes vi med").wait_for()
    B.wait_ready(page)
    page.mouse.move(0, 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1280, help="browser width in pixels")
    parser.add_argument("--max-kb", type=int, default=250, help="largest PNG size in KB")
    parser.add_argument("--large", type=int, default=500, help="departments of the company-scale shots (0: none)")
    parser.add_argument("--large-only", action="store_true", help="only the company-scale screenshots")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    if not Path(B.CHROMIUM).exists():
        print(f"Chromium mangler: {B.CHROMIUM} (Debian-pakken 'chromium')", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    if args.large_only:
        large_screenshots(args)
        return 0
    with tempfile.TemporaryDirectory(prefix="amo-shots-") as tmp:
        work = Path(tmp)
        env = B.seeded_env(work)
        with B.streamlit_server(env, work / "streamlit.log") as url, sync_playwright() as p:
            browser = B.launch(p)
            context = browser.new_context(viewport={"width": args.width, "height": 900}, locale="da-DK")
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(url + "/")
            B.wait_ready(page)
            for link, heading, stem in [*B.PAGES, ("Møde", None, "moede")]:
                if stem == "moede":
                    meeting_screenshot(page, url, env["AMO_DATABASE_URL"])
                else:
                    B.go_to(page, link, heading)
                if link == "Upload":
                    paths = []
                    for f in B.RENGORING_FILES:
                        paths.append(work / f["name"])
                        paths[-1].write_bytes(f["buffer"])
                    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(paths)
                    page.get_by_text("Ingen fejl eller advarsler.").nth(len(paths) - 1).wait_for()
                    B.wait_ready(page)
                    page.mouse.move(0, 0)
                if stem == "moede":  # every step of the meeting
                    for number in range(1, 5):
                        meeting_step(page, number)
                        shoot(page, args, f"moede-trin-{number}")
                else:
                    shoot(page, args, stem)
            context.close()
            browser.close()
    if args.large:
        large_screenshots(args)
    return 0


def shoot(page, args, stem: str) -> None:
    """Save the page as ``stem``.png (reduced to ``--max-kb``); say so, and any Python error shown."""
    errors = B.exceptions(page)
    if errors:
        print(f"{stem}: Python-fejl på siden:\n" + "\n".join(errors), file=sys.stderr)
    png = B.shrink_png(B.full_page_png(page), max_bytes=args.max_kb * 1000, width=args.width)
    target = args.out / f"{stem}.png"
    target.write_bytes(png)
    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {len(png) // 1000} KB")


LARGE_PAGES = [(B.HOME, "Overblik over arbejdsmiljøkompetencerne", "overblik"),
               ("Sammenlign afdelinger", "Sammenlign afdelinger", "sammenlign")]


def large_screenshots(args) -> None:
    """Overblik and Sammenlign afdelinger on a generated store of ``args.large`` departments."""
    import subprocess

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    with tempfile.TemporaryDirectory(prefix="amo-shots-large-") as tmp:
        work = Path(tmp)
        workbook = generate.generate(work / "large.xlsx", departments=args.large, years=5)
        env = B.store_env(work, seed=False)
        subprocess.run([sys.executable, "-m", "amo_data", "import", str(workbook)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=900)
        with B.streamlit_server(env, work / "streamlit.log") as url, sync_playwright() as p:
            browser = B.launch(p)
            context = browser.new_context(viewport={"width": args.width, "height": 900}, locale="da-DK")
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(url + "/")
            B.wait_ready(page, 120_000)
            for link, heading, stem in LARGE_PAGES:
                B.go_to(page, link, heading, timeout=120_000)
                shoot(page, args, f"{stem}-{args.large}")
            context.close()
            browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
