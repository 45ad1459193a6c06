"""Deep links stay valid: every anchor a release published (tests/anchors/*.txt) still exists on its page."""

import pathlib
import re

import pytest

LISTS = sorted((pathlib.Path(__file__).parent / "anchors").glob("*.txt"))
ANCHORS = [
    (path.name, line.strip())
    for path in LISTS
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def ids_on(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_published_anchors_still_exist(built_site):
    missing = []
    for release, link in ANCHORS:
        page, anchor = link.split("#", 1)
        html = built_site / page / "index.html"
        if not html.is_file() or anchor not in ids_on(html.read_text(encoding="utf-8")):
            missing.append(f"{page or '(home)'}#{anchor} (published in {release})")
    if missing:
        pytest.fail(
            "Deep links that readers may have saved no longer resolve. Keep the old id "
            'where the content now lives (a heading attribute, or `<a id="old-id"></a>` '
            "just above it):\n" + "\n".join(missing),
            pytrace=False,
        )


def test_the_anchor_lists_are_not_empty():
    assert len(ANCHORS) >= 60, LISTS
