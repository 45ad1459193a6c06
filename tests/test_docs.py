"""Every code block on the site runs and prints what the page shows; the pages keep the snippet contract."""
import pytest

import runner

BLOCKS, PROBLEMS = runner.collect(runner.ROOT)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_block(block):
    result = runner.check(block)
    if not result.ok:
        pytest.fail(result.message, pytrace=False)


def test_pages_keep_the_snippet_contract():
    """No inline code, no orphaned snippet or record, no broken include, every block shows its output."""
    if PROBLEMS:
        pytest.fail("\n".join(PROBLEMS), pytrace=False)


def test_site_builds_strictly(built_site):
    assert (built_site / "index.html").is_file()
