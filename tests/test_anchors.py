"""Deep links stay valid: every anchor a release published (tests/anchors/*.txt) still
exists on its page, and the onboarding block links to sections that exist."""

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
            "Deep links that readers may have saved no longer resolve. Keep the old "
            "id where the content now lives (a heading attribute, or "
            '`<a id="old-id"></a>` just above it):\n' + "\n".join(missing),
            pytrace=False,
        )


def test_the_anchor_lists_are_not_empty():
    assert len(ANCHORS) >= 60, LISTS


def test_the_onboarding_block_links_to_sections_that_exist(built_site):
    """The lines teams paste into their own docs link to the published site (the
    `site_url` of mkdocs.yml, set there only): every link names a page and an anchor
    that the build has, and the Keras range is computed, not typed."""
    from tools import ROOT
    from tools.site import load_mkdocs_config

    text = (ROOT / "snippets/onboarding/training_state.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 7, "the onboarding block stays within seven lines"
    assert "://" not in text, "links are made from site_url: write {site_url}page/"
    assert "<!-- keras-range:" in lines[0], "the range comes from the version records"
    published = load_mkdocs_config(ROOT, plugins=False)["site_url"]
    home = (built_site / "index.html").read_text(encoding="utf-8")
    shown = re.search(r"Training state: our rules</span>.*?</code>", home, re.S)
    assert shown, "the home page shows the onboarding block"
    block = re.sub(r"<[^>]+>", "", shown[0])
    assert "{site_url}" not in block and "keras-range" not in block
    assert re.search(r"Holds on Keras 3\.\d+", block), block
    links = re.findall(r"\]\((\S+?)\)", block)
    assert len(links) == len(lines), "one link per line"
    missing = []
    for link in links:
        assert link.startswith(published), f"{link}: not a link to {published}"
        page, _, anchor = link[len(published) :].partition("#")
        html = built_site / page / "index.html"
        if not html.is_file() or (anchor and anchor not in ids_on(html.read_text())):
            missing.append(link)
    assert not missing, f"onboarding links without a target: {missing}"
