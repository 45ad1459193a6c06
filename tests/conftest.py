"""Shared fixtures: one strict build of the site per test session; the blocks' runs,
started as soon as the session knows which blocks it tests."""

import pytest

from tools import execute, numerics, site

RUNS = pytest.StashKey[dict]()


def pytest_collection_finish(session):
    """Start running the selected blocks in two background interpreters (the ones that
    train with floating point under the other numerics, tools/numerics.py): they go on
    while the build, the atlas and the browser tests run; tests/test_docs.py collects
    their outcomes."""
    if session.config.option.collectonly:
        return
    chosen = [
        item.callspec.params["block"]
        for item in session.items
        if getattr(item, "originalname", "") == "test_block"
    ]
    trainers = numerics.trainers(chosen)
    others = [b for b in chosen if b not in trainers]
    session.config.stash[RUNS] = {
        name: (blocks, start(blocks))
        for name, blocks, start in (
            ("other numerics", trainers, numerics.start),
            ("default numerics", others, execute.Elsewhere),
        )
        if blocks
    }


@pytest.fixture(scope="session")
def block_runs(request):
    """{"other numerics" | "default numerics": (blocks, its Elsewhere run)}."""
    return request.config.stash.get(RUNS, {})


def pytest_sessionfinish(session):
    for _, run in session.config.stash.get(RUNS, {}).values():
        run.stop()  # an interrupted session leaves no interpreter running


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """Build the site once with `mkdocs build --strict` into a temporary folder and
    return that folder."""
    out = tmp_path_factory.mktemp("site")
    ok, log = site.build(out)
    if not ok:
        pytest.fail(f"`mkdocs build --strict` failed:\n{log}", pytrace=False)
    return out
