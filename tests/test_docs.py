"""Every code block on the site runs and prints what the page shows; the pages keep the
snippet contract."""

import pytest

from tools import execute, mutants, numerics
from tools.pages import collect

COLLECTION = collect()
BLOCKS, PROBLEMS = COLLECTION.blocks, COLLECTION.problems


@pytest.fixture(scope="session")
def outcomes(request):
    """Run the selected blocks once, in parallel forks (DOCS_JOBS at a time); {block id:
    Outcome}."""
    chosen = [
        item.callspec.params["block"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_block"
    ]
    return {b.id: o for b, o in zip(chosen, execute.run_many(chosen), strict=True)}


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_block(block, outcomes):
    problem = execute.judge(block, outcomes[block.id])
    if problem:
        pytest.fail(problem, pytrace=False)


def test_pages_keep_the_snippet_contract():
    """No inline code, no orphaned snippet or record, no broken include, every block
    shows its output."""
    if PROBLEMS:
        pytest.fail("\n".join(PROBLEMS), pytrace=False)


def test_site_builds_strictly(built_site):
    assert (built_site / "index.html").is_file()


def test_outputs_do_not_depend_on_the_cpus_numerics():
    """Training snippets print the same under oneDNN flipped and one intra-op thread
    (another CPU, in effect)."""
    failed = [p for p in numerics.run().values() if p]
    if failed:
        pytest.fail(
            "Printed output depends on floating-point details "
            "(print a fact or a coarse bin instead):\n" + "\n\n".join(failed),
            pytrace=False,
        )


def test_every_training_flip_breaks_its_proof():
    """make mutants: each training=True/False literal flipped must fail the snippet or
    change its output."""
    text, ok = mutants.report(mutants.run(COLLECTION.snippets()))
    if not ok:
        pytest.fail(text, pytrace=False)
