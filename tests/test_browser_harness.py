"""The headless-Chromium + axe-core harness itself: a clean page passes, a broken one fails."""

from __future__ import annotations

from pathlib import Path

from browser import run_axe, summarise

ACCESSIBLE_PAGE = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Harness check: accessible page</title></head>
<body>
<main>
<h1>Quarterly indicators</h1>
<table>
<caption>Indicator ratings</caption>
<thead><tr><th scope="col">Indicator</th><th scope="col">Rating</th></tr></thead>
<tbody><tr><td>Rent collected</td><td>Green</td></tr></tbody>
</table>
</main>
</body>
</html>
"""

BROKEN_PAGE = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>Harness check: broken page</title></head>
<body>
<main>
<h1>Chart</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==">
</main>
</body>
</html>
"""


def test_accessible_page_has_no_violations(browser_tools: tuple[str, Path], tmp_path: Path) -> None:
    chromium, axe_js = browser_tools
    page = tmp_path / "ok.html"
    page.write_text(ACCESSIBLE_PAGE, encoding="utf-8")
    shot = tmp_path / "ok.png"
    violations = run_axe(page, shot, axe_js=axe_js, chromium=chromium)
    assert violations == [], summarise(violations)
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_broken_page_reports_known_violations(
    browser_tools: tuple[str, Path], tmp_path: Path
) -> None:
    chromium, axe_js = browser_tools
    page = tmp_path / "broken.html"
    page.write_text(BROKEN_PAGE, encoding="utf-8")
    violations = run_axe(page, axe_js=axe_js, chromium=chromium)
    ids = {v["id"] for v in violations}
    assert "image-alt" in ids, summarise(violations)
    assert "html-has-lang" in ids, summarise(violations)
    for v in violations:
        assert {"id", "impact", "help", "nodes"} <= v.keys()
