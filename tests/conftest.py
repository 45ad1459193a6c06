"""Shared fixtures: one strict build of the site per test session."""

import pytest

from tools import site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """Build the site once with `mkdocs build --strict` into a temporary folder and
    return that folder."""
    out = tmp_path_factory.mktemp("site")
    ok, log = site.build(out)
    if not ok:
        pytest.fail(f"`mkdocs build --strict` failed:\n{log}", pytrace=False)
    return out
