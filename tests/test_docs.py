"""Every code block on the site runs and prints what the page shows; the pages keep the
snippet contract."""

import pytest

from tools import ROOT, includes, mutants, numerics, site, verdicts
from tools.pages import collect

COLLECTION = collect()
BLOCKS, PROBLEMS = COLLECTION.blocks, COLLECTION.problems


TRAINERS = {b.id for b in numerics.trainers(BLOCKS)}


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_block(block, outcomes):
    problem = verdicts.problem(block, outcomes[block.id])
    if problem and block.id in TRAINERS:
        problem += numerics.HINT.format(snippet=block.snippet)
    if problem:
        pytest.fail(problem, pytrace=False)


def test_pages_keep_the_snippet_contract():
    """No inline code, no orphaned snippet or record, no broken include, every block
    shows its output."""
    if PROBLEMS:
        pytest.fail("\n".join(PROBLEMS), pytrace=False)


def test_site_builds_strictly(built_site):
    assert (built_site / "index.html").is_file()


def test_each_snippet_block_on_the_built_site_is_the_text_the_runner_ran(built_site):
    """What a reader copies from each page is, block for block, what the runner wrote
    into its empty folder and ran (both tabs; a module a page says to save included)."""
    pages = sorted({b.page for b in BLOCKS if b.page.endswith(".md")})
    compared = 0
    for page in pages:
        ran = [
            (b.snippet, b.code.rstrip("\n"))
            for b in sorted(BLOCKS, key=lambda b: b.line)
            if b.page == page
        ]
        html = site.built_page(built_site, page).read_text(encoding="utf-8")
        shown = [
            (title, text.rstrip("\n"))
            for title, text in site.titled_code_blocks(html)
            if title.endswith(".py")
        ]
        assert [t for t, _ in shown] == [s for s, _ in ran], page
        for (title, text), (_, code) in zip(shown, ran, strict=True):
            assert text == code, (
                f"{page}: {title} on the built page differs from the run"
            )
        compared += len(ran)
    assert compared >= 100, compared


def test_outputs_do_not_depend_on_the_cpus_numerics(installed_under):
    """The training snippets ran under the other numerics (oneDNN flipped, one intra-op
    thread: another CPU, in effect) and printed their records, made under the default
    numerics (each one's test_block says so or fails)."""
    assert len(TRAINERS) >= 40, "the guard finds the snippets that train"
    under = installed_under.get(numerics.OTHER)
    if not under:
        pytest.skip("this run (-k) selected no block that trains")
    assert under.get("intra-op threads") == "1", under
    assert under.get("oneDNN") != numerics.default_onednn()


def test_every_training_flip_breaks_its_proof():
    """make mutants: each training=True/False literal flipped must fail the snippet or
    change its output. The flips of a snippet that changed since `make mutants` (or
    `make check`) recorded them in tests/mutants.json run here; the others are
    recalled from it."""
    text, ok = mutants.report(mutants.run_or_recall(COLLECTION.snippets()))
    if not ok:
        pytest.fail(text, pytrace=False)


ANSWER_TABLES = ("docs/index.md", "docs/cheatsheet.md")  # read once, linked from docs
MOST_WORDS = 15  # per cell; an exception is a footnote that links to its proof


def test_no_answer_table_cell_is_over_15_words(built_site):
    """Each cell of the home page's and the cheat sheet's tables, as the built page
    shows it, split on whitespace; the range a keras-range marker renders to is one
    word, whatever releases it names."""
    versions_table = site.load_hook("versions_table")
    config = site.load_mkdocs_config(plugins=False)
    versions_table.on_config(config)
    state = config["extra"][versions_table.STATE]
    long, counted = [], 0
    for page in ANSWER_TABLES:
        source = (ROOT / page).read_text(encoding="utf-8")
        ranges = {
            versions_table.ranges(state, m.group(0))
            for m in includes.KERAS_RANGE.finditer(source)
        }
        html = site.built_page(built_site, page).read_text(encoding="utf-8")
        for cell in site.table_cells(html):
            for text in sorted(ranges, key=len, reverse=True):
                cell = cell.replace(text, "RANGE")
            counted += 1
            if len(cell.split()) > MOST_WORDS:
                long.append(f"{page}: {len(cell.split())} words: {cell}")
    assert counted >= 40, counted  # both tables were found
    assert not long, "\n".join(long)
