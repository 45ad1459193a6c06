"""The atlas (tools/atlas.py, snippets/atlas/grid.py): the covering subset of the pinned
Keras 3 column measures what its record says; the site's headline statements agree
with every column's record; and the atlas can fail (a flipped `training=` in the
engine changes it, a statement the atlas contradicts is caught)."""

import dataclasses
import itertools

import pytest

from tests.headlines import ALL, HEADLINES, Headline
from tools import ROOT, atlas, mutants
from tools.execute import run_many
from tools.matrix import COLUMNS, KERAS3

PINNED = COLUMNS[0]
RECORD = atlas.load(PINNED.name)
RECORDS = {c.name: atlas.load(c.name) for c in COLUMNS}
needs_record = pytest.mark.skipif(
    RECORD is None, reason=f"no {atlas.RECORDS}/{PINNED.name}.json: run `make matrix`"
)
# cells that touch every `training=` literal of the engine (for the mutation test)
PROBES = [
    ("model(x, training=True)", "Sequential", "nothing"),
    ("train_step with training=True", "Functional", "nothing"),
    ("model(x)", "base(x, training=False)", "nothing"),
    ("model(x, training=True)", "subclass pinning a layer", "nothing"),
]


def test_the_subset_covers_every_pair_of_axis_values():
    cells = atlas.pairwise()
    assert atlas.covers_every_pair(cells)
    assert len(cells) < len(atlas.full()) / 2
    assert not atlas.covers_every_pair(cells[1:]), "and no cell is spare"


@needs_record
def test_the_pinned_column_measures_what_its_record_says():
    """make test re-measures the covering subset here; make matrix the full grid."""
    assert RECORD["hash"] == atlas.grid_hash(), (
        f"{atlas.GRID} changed after the atlas was recorded: run `make matrix "
        f"COLUMNS={PINNED.name}` and commit {atlas.RECORDS}/"
    )
    found, failed = atlas.results(run_many(atlas.blocks(atlas.pairwise(), KERAS3)))
    assert not failed, failed
    problems = atlas.differences(RECORD["cells"], found)
    if problems:
        pytest.fail(
            f"The atlas measured here differs from {atlas.RECORDS}/{PINNED.name}.json "
            "(re-record with `make matrix` if the engine changed on purpose):\n"
            + "\n".join(problems),
            pytrace=False,
        )


def contradictions(headline: Headline, records: dict) -> list[str]:
    """Where the atlas says otherwise than a headline statement."""
    text = (ROOT / headline.page).read_text(encoding="utf-8")
    if headline.says not in text:
        return [
            f"{headline.page}: no longer says {headline.says!r}; tie the reworded "
            "statement again in tests/headlines.py"
        ]
    axes = atlas.axes()
    pick = {
        "call": headline.calls,
        "style": headline.styles,
        "front": headline.fronts,
    }
    chosen = {k: axes[k] if v == ALL else v for k, v in pick.items()}
    excused = {style for words, style in headline.unless if words in text}
    columns = [
        c
        for c in COLUMNS
        if c.flavour == headline.flavour and not c.next_release and records.get(c.name)
    ]
    found, matched = [], 0
    for column, (call, style, front) in itertools.product(
        columns, itertools.product(*chosen.values())
    ):
        cell = records[column.name]["cells"].get(atlas.key(call, style, front))
        if cell is None or "error" in cell or style in excused:
            continue  # not measured on this column (raised), or excused by the page
        wrong = {k: cell.get(k, cell.get("error")) for k, v in headline.expect.items()}
        wrong = {k: v for k, v in wrong.items() if v != headline.expect[k]}
        if wrong:
            found.append(f"{column.short}: {atlas.key(call, style, front)}: {wrong}")
        else:
            matched += 1
    if headline.some:
        return [] if matched else found[:1] or ["no measured cell"]
    return [
        f"{headline.page}: {headline.says!r} claims {headline.expect}, but on {line}"
        for line in found
    ]


@pytest.mark.parametrize(
    "headline",
    HEADLINES,
    ids=[f"{h.page}:{h.says[:40]}:{h.flavour}" for h in HEADLINES],
)
def test_each_headline_statement_agrees_with_the_atlas(headline):
    if not any(RECORDS.values()):
        pytest.skip("no atlas record yet: run `make matrix`")
    problems = contradictions(headline, RECORDS)
    if problems:
        pytest.fail("\n".join(problems[:20]), pytrace=False)


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
