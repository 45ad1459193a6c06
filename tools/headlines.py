"""The side table: each headline statement of the site (home table, cheat sheet,
onboarding block) tied to the atlas cells it speaks of, and the one reading of it:
`contradictions` (tests/test_atlas.py fails on any) and `holding` (the releases a
`keras-range: atlas:<file>` marker names). A row holds the words that must stand on
the page, the calls, styles and fronts it speaks of, and the label it claims per
layer; `unless` pairs an exception's words with the style it excuses while the page
states it."""

from __future__ import annotations

import dataclasses
import itertools
import pathlib

from tools import ROOT, atlas
from tools.columns import COLUMNS, released
from tools.snippets import KERAS2, KERAS3

ALL = "*"
NO_TRAINING = "subclass without training"
TRAINS = {"bn": "trains", "dropout": "active", "noise": "active", "lstm": "active"}
IDLE = {"bn": "inference", "dropout": "idle", "noise": "idle", "lstm": "idle"}


@dataclasses.dataclass(frozen=True)
class Headline:
    page: str  # docs/index.md, or an included file such as the onboarding block
    says: str  # the statement's own words, which must stand on the page
    flavour: str  # KERAS3 or KERAS2: the released columns of that flavour
    calls: tuple[str, ...]
    expect: dict  # layer -> the label the statement claims
    styles: tuple[str, ...] | str = ALL
    fronts: tuple[str, ...] | str = ALL
    unless: tuple[tuple[str, str], ...] = ()  # (exception's words, style excused)
    some: bool = False  # "can": one cell of the query suffices
    # "does what X does": each call's cell equals the `same_as` call's cell (same style
    # and front) on the layers `expect` names (its labels are then not used)
    same_as: str = ""


EXCEPT_NO_TRAINING = ("no `training` parameter", NO_TRAINING)
PINNED = "subclass pinning a layer"  # its observed BatchNormalization: training=False
PINNED_BARE = "subclass pinning a layer, the rest bare"  # and later layers called bare
BASE = "base(x, training=False)"
# an explicit False wins, and on Keras 3 reaches the later layers called bare; Keras 2
# also keeps a base's build-time False (Keras 3.15 not)
KERAS3_KEEPS = (
    ("a layer called with `training=False` inside a `call` keeps it", PINNED),
    ("the layers called after it without a value of their own take that", PINNED_BARE),
)
KERAS2_KEEPS = tuple(
    ("a layer or base called with `training=False` keeps it", style)
    for style in (PINNED, PINNED_BARE, BASE)
)
PASSES_ON = "passes `training=training` on"  # the onboarding block's subclass rule
TRAIN_CALLS = ("model(x, training=True)", "tf.function step, training=True")
EVAL_CALLS = ("model(x, training=False)", "tf.function step, training=False")
# "does what model(x, training=...) does", on every layer whose mode a call sets (a BN
# frozen after the first run is left out: `fit` reads `trainable` at compile time)
LIKE = dict.fromkeys(("bn", "bn_frozen", "noise", "dropout", "augment", "lstm"))
INDEX, CHEATSHEET = "docs/index.md", "docs/cheatsheet.md"
ONBOARDING = "snippets/onboarding/training_state.md"


def both(page, says, calls, expect, keras3=(), keras2=(), **more):
    """The statement on each flavour, with the exceptions the page states for it."""
    return [
        Headline(page, says, KERAS3, calls, expect, unless=keras3, **more),
        Headline(page, says, KERAS2, calls, expect, unless=keras2, **more),
    ]


HEADLINES = [
    *both(
        INDEX,
        "| training step of your own loop | `model(x, training=True)` |",
        TRAIN_CALLS,
        TRAINS,
        keras3=KERAS3_KEEPS,
        keras2=KERAS2_KEEPS,
    ),
    # the block teams paste: its line 4, the subclass rule, leaves no layer pinned
    Headline(
        ONBOARDING,
        "Train step: `model(x, training=True)`",
        KERAS3,
        TRAIN_CALLS,
        TRAINS,
        unless=tuple((PASSES_ON, style) for style in (PINNED, PINNED_BARE)),
    ),
    *both(
        INDEX,
        "| evaluation or prediction step |",
        EVAL_CALLS,
        IDLE | {"augment": "idle"},
    ),
    *both(
        INDEX,
        "| `fit`, `train_on_batch` | nothing: they pass `training=True` |",
        ("fit", "train_on_batch"),
        {"bn": "trains", "dropout": "active"},
        keras3=(EXCEPT_NO_TRAINING, *KERAS3_KEEPS),
        keras2=KERAS2_KEEPS,
    ),
    *both(
        INDEX,
        "| `evaluate`, `predict`, `test_on_batch`, `predict_on_batch` |",
        ("evaluate", "predict", "test_on_batch", "predict_on_batch"),
        IDLE | {"augment": "idle"},
        keras3=(EXCEPT_NO_TRAINING,),
    ),
    Headline(
        ONBOARDING,
        "Eval step: `model(x, training=False)`, or `model.predict(x)` outside a step",
        KERAS3,
        ("model(x, training=False)", "predict"),
        IDLE,
        # the block's own rule: every `call` we write takes `training=None`
        unless=(("Every `call` we write takes `training=None`", NO_TRAINING),),
    ),
    Headline(
        CHEATSHEET,
        "can train BatchNormalization on the evaluation data",
        KERAS3,
        ("model(x)",),
        {"bn": "trains"},
        fronts=("Resizing",),
        some=True,
    ),
    *both(
        CHEATSHEET,
        "inference mode, even with `training=True`, once compiled or traced again",
        ALL,
        {"bn_frozen": "inference"},
    ),
    *both(
        "docs/pitfalls.md",
        "You froze a layer after `fit` or after tracing your step, and it still "
        "updates",
        ("fit", "train_on_batch", "tf.function step, training=True"),
        {"bn_frozen_late": "trains"},
        styles=("Sequential", "Functional"),
    ),
    # --- each page's "What to write" tip, where it speaks of what the atlas measures
    *both(
        "docs/why.md",
        "do exactly that for you, except on Keras 3 for a subclass",
        ("fit", "train_on_batch"),
        LIKE,
        keras3=(EXCEPT_NO_TRAINING,),
        same_as="model(x, training=True)",
    ),
    *both(
        "docs/why.md",
        "do exactly that for you, except on Keras 3 for a subclass",
        ("evaluate", "test_on_batch", "predict", "predict_on_batch"),
        LIKE,
        keras3=(EXCEPT_NO_TRAINING,),
        same_as="model(x, training=False)",
    ),
    *[
        row
        for step, like in (
            ("train_step with training=True", "model(x, training=True)"),
            ("train_step without training", "model(x)"),
            ("test_step with training=False", "model(x, training=False)"),
            ("test_step without training", "model(x)"),
        )
        for row in both(
            "docs/train-step.md",
            "`fit` and `evaluate` run your steps exactly as written and do not set",
            (step,),
            LIKE,
            same_as=like,
        )
    ],
    *both(
        "docs/precedence.md",
        "an explicit argument beats the enclosing call and",
        TRAIN_CALLS,
        {"bn": "inference"},
        styles=(PINNED,),
    ),
    Headline(
        "docs/precedence.md",
        "a `training=False` written while *building* a Functional model is",
        KERAS3,
        TRAIN_CALLS,
        {"bn": "trains", "dropout": "active"},
        styles=(BASE,),
    ),
    *both(
        "docs/preprocessing.md",
        "clean on every model style and both [flavours]",
        EVAL_CALLS,
        IDLE | {"augment": "idle"},
    ),
    *both(
        "docs/preprocessing.md",
        "is `predict`, except on Keras 3 for a subclass whose `call` has no",
        ("predict",),
        IDLE | {"augment": "idle"},
        keras3=(EXCEPT_NO_TRAINING,),
    ),
    Headline(
        "docs/preprocessing.md",
        "layer is in a Sequential or Functional model, a bare call is not inference",
        KERAS3,
        ("model(x)",),
        {"augment": "active"},
        styles=("Sequential", "Functional"),
    ),
    Headline(
        "docs/preprocessing.md",
        "augments the evaluation data (on Keras 2 in every model style)",
        KERAS2,
        ("model(x)",),
        {"augment": "active"},
    ),
    *[
        Headline(
            page,
            says,
            KERAS3,
            ("model(x)",),
            {"bn": "trains"},
            fronts=(front,),
            some=True,
        )
        for page, says in (
            ("docs/preprocessing.md", "and on Keras 3 any of the three"),
            ("docs/cost.md", "augmentation layer on Keras 3 they move anyway"),
        )
        for front in ("Resizing", "RandomFlip")
        if (page, front) != ("docs/cost.md", "Resizing")
    ],
    *both(
        "docs/cost.md",
        "A train step without it leaves BatchNormalization's",
        ("model(x)",),
        {"bn": "inference"},
        fronts=("nothing",),
    ),
    *both(
        "docs/export.md",
        "Do not count on `model.export(path)`",
        ("export, serve",),
        {"augment": "active"},
        some=True,
    ),
    *both(
        "docs/mc-dropout.md",
        "Do not call the whole model with `training=True` to get Monte Carlo",
        ("model(x, training=True)",),
        {"bn": "trains", "dropout": "active"},
        some=True,
    ),
    *both(
        "docs/styles.md",
        "Whatever the style, call the model with `training=True` to train",
        EVAL_CALLS,
        IDLE | {"augment": "idle"},
        keras3=(("take `training=None` and pass `training=training` on", NO_TRAINING),),
    ),
    *both(
        "docs/pitfalls.md",
        "`model(x, training=False)` to evaluate inside a step",
        EVAL_CALLS,
        IDLE | {"augment": "idle"},
        keras3=(("(styles.md#subclass-rule) in every `call` you write", NO_TRAINING),),
    ),
]


def contradictions(
    headline: Headline, records: dict, columns=None, root: pathlib.Path = ROOT
) -> list[str]:
    """Where the atlas says otherwise than a headline statement: on `columns` (default:
    every released column of its flavour with a record)."""
    text = (root / headline.page).read_text(encoding="utf-8")
    if headline.says not in text:
        return [
            f"{headline.page}: no longer says {headline.says!r}; tie the reworded "
            "statement again in tools/headlines.py"
        ]
    axes = atlas.axes(root)
    pick = {"call": headline.calls, "style": headline.styles, "front": headline.fronts}
    chosen = {k: axes[k] if v == ALL else v for k, v in pick.items()}
    excused = {style for words, style in headline.unless if words in text}
    if columns is None:
        columns = released(COLUMNS, headline.flavour)
    columns = [c for c in columns if records.get(c.name)]
    found, matched = [], 0
    for column, (call, style, front) in itertools.product(
        columns, itertools.product(*chosen.values())
    ):
        cells = records[column.name]["cells"]
        cell = cells.get(atlas.key(call, style, front))
        if cell is None or "error" in cell or style in excused:
            continue  # not measured on this column (raised), or excused by the page
        expect = headline.expect
        if headline.same_as:
            other = cells.get(atlas.key(headline.same_as, style, front))
            if other is None or "error" in other:
                continue
            expect = {k: other.get(k) for k in headline.expect}
        wrong = {k: cell.get(k, cell.get("error")) for k in expect}
        wrong = {k: v for k, v in wrong.items() if v != expect[k]}
        if wrong:
            found.append(f"{column.short}: {atlas.key(call, style, front)}: {wrong}")
        else:
            matched += 1
    if headline.some:
        return [] if matched else found[:1] or ["no measured cell"]
    return [
        f"{headline.page}: {headline.says!r} claims "
        + (
            f"what {headline.same_as} does"
            if headline.same_as
            else f"{headline.expect}"
        )
        + f", but on {line}"
        for line in found
    ]


# the pages whose "What to write" tip speaks of nothing the atlas measures, and why
OUTSIDE_THE_ATLAS = {
    "docs/atlas.md": "it points to the picker and the fixes on other pages",
    "docs/checker.md": "how to call the checker, which tests/test_docs.py runs",
    "docs/checker-proofs.md": "how to call the checker, which tests/test_docs.py runs",
    "docs/distribution.md": "replicas (MirroredStrategy), not an atlas axis",
    "docs/learning-phase.md": "set_learning_phase, not an atlas axis (Keras 2 only)",
    "docs/upgrade.md": "compares two releases; snippets/upgrade/ proves each on both",
    "docs/zoo.md": "points to the rules on other pages, proven on the zoo's models",
}


def statements(page: str, flavour: str = KERAS3) -> list[Headline]:
    """The statements tied to one file (a page, or an included file)."""
    return [h for h in HEADLINES if h.page == page and h.flavour == flavour]


def holding(page: str, column, records: dict, root: pathlib.Path = ROOT) -> bool | None:
    """Whether every Keras 3 statement of `page` agrees with the column's atlas; None
    when the column has no atlas record made by the engine as it is."""
    if not atlas.is_current(records.get(column.name), root):
        return None
    return not any(contradictions(h, records, [column], root) for h in statements(page))
