"""Shared fixtures: one strict build of the site per test session; the blocks' runs
(the page blocks, and the atlas's covering subset when tests/test_atlas.py measures
it), started as soon as the session knows which blocks it tests, and their outcomes.

`pytest --record-costs` (`make costs`) writes the seconds each block took to
tests/block-costs.json when the session ran every block (tools/costs.py)."""

import pytest

from tools import atlas, costs, execute, numerics, site
from tools.pages import collect
from tools.snippets import KERAS3

ATLAS_TEST = "test_the_pinned_column_measures_what_its_record_says"
RUNS = pytest.StashKey[dict]()
OUTCOMES = pytest.StashKey[dict]()


def pytest_addoption(parser):
    parser.addoption(
        "--record-costs",
        action="store_true",
        help=f"write each block's measured seconds to {costs.COSTS} (make costs)",
    )


WAITS = ("outcomes", "installed_under")  # the fixtures that wait for the runs


def pytest_collection_modifyitems(items):
    """The tests that wait for the blocks' runs, or run heavy blocks themselves
    (marked `after_blocks`), go last (in their order), so that the session builds
    and browses the site while the blocks run."""
    items.sort(
        key=lambda item: (
            any(f in WAITS for f in item.fixturenames)
            or item.get_closest_marker("after_blocks") is not None
        )
    )


def pytest_collection_finish(session):
    """Start running the selected blocks in the background (tools.numerics.suite):
    they go on while the build, the atlas and the browser tests run;
    tests/test_docs.py collects their outcomes."""
    if session.config.option.collectonly:
        return
    chosen = [
        item.callspec.params["block"]
        for item in session.items
        if getattr(item, "originalname", "") == "test_block"
    ]
    if any(item.name == ATLAS_TEST for item in session.items):
        chosen += atlas.blocks(atlas.pairwise(), KERAS3)  # the atlas's covering subset
    session.config.stash[RUNS] = numerics.suite(chosen)


@pytest.fixture(scope="session")
def block_runs(request):
    """{numerics.OTHER | numerics.DEFAULT: (blocks, its Elsewhere run)}."""
    return request.config.stash.get(RUNS, {})


@pytest.fixture(scope="session")
def installed_under(block_runs, request):
    """{run name: what its interpreter reported as installed}, and each block's
    outcome kept for `--record-costs`, once every run has ended."""
    found, installed = {}, {}
    waits = execute.release_core()  # the blocks may have both cores meanwhile
    for name, (blocks, run) in block_runs.items():
        installed[name], done = run.result()
        found.update({b: o for b, o in zip(blocks, done, strict=True)})
    if waits:
        execute.hold_a_core()
    request.config.stash[OUTCOMES] = found
    return installed


@pytest.fixture(scope="session")
def outcomes(installed_under, request):
    """{block id: Outcome} of the selected blocks, each run once, in forks of the two
    interpreters started when the session began. The blocks that train with floating
    point ran under the other numerics (tools/numerics.py): that run is the numerics
    guard."""
    return {b.id: o for b, o in request.config.stash[OUTCOMES].items()}


def pytest_sessionfinish(session):
    for _, run in session.config.stash.get(RUNS, {}).values():
        run.stop()  # an interrupted session leaves no interpreter running
    if not session.config.getoption("record_costs"):
        return
    found = session.config.stash.get(OUTCOMES, {})
    shown = {b.snippet for b in collect().blocks}
    if not shown <= {b.snippet for b in found}:
        print(f"\n--record-costs: not every block ran; {costs.COSTS} is unchanged")
        return
    measured: dict[str, float] = {}
    for block, outcome in found.items():
        if block.snippet in shown:  # not the atlas's blocks: they are not recorded
            seconds = max(measured.get(block.snippet, 0), outcome.seconds)
            measured[block.snippet] = seconds
    print(f"\nrecorded the cost of {len(measured)} snippets in {costs.write(measured)}")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """Build the site once with `mkdocs build --strict` into a temporary folder and
    return that folder."""
    out = tmp_path_factory.mktemp("site")
    ok, log = site.build(out)
    if not ok:
        pytest.fail(f"`mkdocs build --strict` failed:\n{log}", pytrace=False)
    return out
