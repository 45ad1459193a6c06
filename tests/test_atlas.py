"""The atlas (tools/atlas.py, snippets/atlas/grid.py): the covering subset of the pinned
Keras 3 column measures what its record says; the site's headline statements agree
with every column's record; and the atlas can fail (a flipped `training=` in the
engine changes it, a statement the atlas contradicts is caught)."""

import dataclasses

import pytest

from tools import ROOT, atlas, mutants
from tools.columns import COLUMNS, released
from tools.execute import run_many
from tools.headlines import HEADLINES, OUTSIDE_THE_ATLAS, contradictions, holding
from tools.snippets import KERAS3

PINNED = COLUMNS[0]
RECORD = atlas.load(PINNED.name)
RECORDS = {c.name: atlas.load(c.name) for c in COLUMNS}
RELEASED = released(COLUMNS)
needs_record = pytest.mark.skipif(
    RECORD is None,
    reason=f"no {atlas.ATLAS_RECORDS}/{PINNED.name}.json: run `make matrix`",
)
# cells that touch every `training=` literal of the engine (for the mutation test)
PROBES = [
    ("model(x, training=True)", "Sequential", "nothing"),
    ("train_step with training=True", "Functional", "nothing"),
    ("test_step with training=False", "Functional", "nothing"),
    ("model(x)", "base(x, training=False)", "nothing"),
    ("model(x, training=True)", "subclass pinning a layer", "nothing"),
    ("model(x, training=True)", "subclass pinning a layer, the rest bare", "nothing"),
]


def test_the_subset_covers_every_pair_of_axis_values():
    cells = atlas.pairwise()
    assert atlas.covers_every_pair(cells)
    assert len(cells) < len(atlas.full()) / 2
    assert not atlas.covers_every_pair(cells[1:]), "and no cell is spare"


@needs_record
def test_the_pinned_column_measures_what_its_record_says(outcomes):
    """make test re-measures the covering subset (its blocks run with the page
    blocks, tests/conftest.py); make matrix the full grid."""
    assert RECORD["hash"] == atlas.grid_hash(), (
        f"{atlas.GRID} changed after the atlas was recorded: run `make matrix "
        f"COLUMNS={PINNED.name}` and commit {atlas.ATLAS_RECORDS}/"
    )
    subset = atlas.blocks(atlas.pairwise(), KERAS3)
    found, failed = atlas.results([outcomes[b.id] for b in subset])
    assert not failed, failed
    problems = atlas.differences(RECORD["cells"], found)
    if problems:
        pytest.fail(
            "The atlas measured here differs from "
            f"{atlas.ATLAS_RECORDS}/{PINNED.name}.json "
            "(re-record with `make matrix` if the engine changed on purpose):\n"
            + "\n".join(problems),
            pytrace=False,
        )


@pytest.mark.parametrize(
    "headline",
    HEADLINES,
    ids=[f"{h.page}:{h.says[:40]}:{h.flavour}" for h in HEADLINES],
)
def test_each_headline_statement_agrees_with_the_atlas(headline):
    """On every column it speaks for: where its file labels the statements with
    `<!-- keras-range: atlas:<file> -->`, the releases that label shows (which must
    include the pinned one: the site is about the Keras people install today); else
    every released column of its flavour."""
    if not any(RECORDS.values()):
        pytest.skip("no atlas record yet: run `make matrix`")
    text = (ROOT / headline.page).read_text(encoding="utf-8")
    columns = None
    if headline.flavour == "keras3" and f"atlas:{headline.page}" in text:
        columns = [c for c in RELEASED if holding(headline.page, c, RECORDS)]
        shown = ", ".join(c.short for c in columns) or "none"
        assert PINNED in columns, (
            f"{headline.page}: its statements disagree with the pinned column's atlas "
            f"(its range shows: {shown}):\n"
            + "\n".join(contradictions(headline, RECORDS, [PINNED]))
        )
    problems = contradictions(headline, RECORDS, columns)
    if problems:
        pytest.fail("\n".join(problems[:20]), pytrace=False)


def test_a_range_leaves_out_a_release_where_the_atlas_disagrees():
    """The label is computed: a column whose atlas contradicts a statement of the file
    is not in it (an edited record of the pinned column, here)."""
    page = "docs/index.md"
    assert holding(page, PINNED, RECORDS)
    edited = {PINNED.name: dict(RECORDS[PINNED.name], cells={})}
    for cell, layers in RECORDS[PINNED.name]["cells"].items():
        edited[PINNED.name]["cells"][cell] = dict(layers)
    edited[PINNED.name]["cells"]["fit|Sequential|nothing"]["bn"] = "inference"
    assert holding(page, PINNED, edited) is False
    assert holding(page, PINNED, {PINNED.name: None}) is None, "not yet recorded"


def test_a_statement_the_atlas_contradicts_is_caught():
    """The fixture: the home table's `fit` row without its exception, against an
    atlas in which `fit` leaves a subclass without `training` idle (Keras 3.15.1)."""
    fit = next(h for h in HEADLINES if h.calls == ("fit", "train_on_batch"))
    fixture = dataclasses.replace(fit, flavour="keras3", unless=())
    idle = {"bn": "inference", "dropout": "idle"}
    records = {PINNED.name: {"cells": {"fit|subclass without training|nothing": idle}}}
    (problem,) = contradictions(fixture, records)
    assert (
        "fit|subclass without training|nothing" in problem and "Keras 3.15" in problem
    )
    assert contradictions(fit, records) == [], "the page's exception excuses it"


@pytest.mark.after_blocks  # runs blocks here: after the session's runs, not beside them
def test_a_flipped_observation_changes_the_atlas():
    """Mutation test of the engine: each `training=` literal in grid.py, flipped,
    changes what at least one probe cell reports (against the engine as it is)."""
    text = (ROOT / atlas.GRID).read_text(encoding="utf-8")
    engine = atlas.blocks(PROBES, KERAS3)[0]
    flips = mutants.flips(dataclasses.replace(engine, code=text))
    assert len(flips) >= 4, [f.where for f in flips]
    runs = [engine] + [
        atlas.blocks(PROBES, KERAS3, grid_text=flip.mutant().code)[0] for flip in flips
    ]
    outcomes = run_many(runs)
    baseline, failed = atlas.results(outcomes[:1])
    assert not failed and len(baseline) == len(PROBES), (failed, baseline)
    survivors = []
    for flip, outcome in zip(flips, outcomes[1:], strict=True):
        found, _ = atlas.results([outcome])
        if not atlas.differences(baseline, found):
            survivors.append(f"{flip.where} {flip.old} -> {flip.new}")
    assert not survivors, f"flips the atlas did not notice: {survivors}"


def test_every_what_to_write_tip_is_tied_to_the_atlas_or_says_why_not():
    """Each page's "What to write" tip has rows in the side table, or an entry in
    OUTSIDE_THE_ATLAS saying why the atlas does not measure what it speaks of."""
    tips = {
        f"docs/{p.name}"
        for p in (ROOT / "docs").glob("*.md")
        if '!!! tip "What to write' in p.read_text(encoding="utf-8")
    }
    tied = {h.page for h in HEADLINES}
    assert tips - tied - set(OUTSIDE_THE_ATLAS) == set(), "tie these tips"
    assert set(OUTSIDE_THE_ATLAS) <= tips - tied, "stale OUTSIDE_THE_ATLAS entries"
