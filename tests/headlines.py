"""The side table: each headline statement of the site (the home table, the cheat sheet,
the onboarding block teams paste as it is) tied to the atlas cells it speaks of.

A row names the page, the text that must stand there (so a reworded row is tied again,
not silently dropped), the calls, model styles and front layers it speaks of, and the
label it claims for each layer. `unless` pairs an exception's wording with the model
style it excuses: the style is left out only while the page states the exception, so
a row that loses its "except ..." fails against the atlas (tests/test_atlas.py)."""

import dataclasses

ALL = "*"
NO_TRAINING = "subclass without training"
TRAINS = {"bn": "trains", "dropout": "active", "noise": "active", "lstm": "active"}
IDLE = {"bn": "inference", "dropout": "idle", "noise": "idle", "lstm": "idle"}


@dataclasses.dataclass(frozen=True)
class Headline:
    page: str  # docs/index.md, or an included file such as the onboarding block
    says: str  # the statement's own words, which must stand on the page
    flavour: str  # "keras3" or "keras2": the released columns of that flavour
    calls: tuple[str, ...]
    expect: dict  # layer -> the label the statement claims
    styles: tuple[str, ...] | str = ALL
    fronts: tuple[str, ...] | str = ALL
    unless: tuple[tuple[str, str], ...] = ()  # (exception's words, style excused)
    some: bool = False  # "can": one cell of the query suffices


EXCEPT_NO_TRAINING = ("no `training` parameter", NO_TRAINING)
PINNED = "subclass pinning a layer"  # its observed BatchNormalization: training=False
BASE = "base(x, training=False)"
# an explicit False wins; Keras 2 also keeps a base's build-time False (Keras 3.15 not)
KERAS3_KEEPS = (
    ("a layer called with `training=False` inside a `call` keeps it", PINNED),
)
KERAS2_KEEPS = tuple(
    ("a layer or base called with `training=False` keeps it", style)
    for style in (PINNED, BASE)
)
TRAIN_CALLS = ("model(x, training=True)", "tf.function step, training=True")
EVAL_CALLS = ("model(x, training=False)", "tf.function step, training=False")
INDEX, CHEATSHEET = "docs/index.md", "docs/cheatsheet.md"
ONBOARDING = "snippets/onboarding/training_state.md"


def both(page, says, calls, expect, keras3=(), keras2=(), **more):
    """The statement on each flavour, with the exceptions the page states for it."""
    return [
        Headline(page, says, "keras3", calls, expect, unless=keras3, **more),
        Headline(page, says, "keras2", calls, expect, unless=keras2, **more),
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
        "keras3",
        TRAIN_CALLS,
        TRAINS,
        unless=(("passes `training=training` on", PINNED),),
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
        "keras3",
        ("model(x, training=False)", "predict"),
        IDLE,
        # the block's own rule: every `call` we write takes `training=None`
        unless=(("Every `call` we write takes `training=None`", NO_TRAINING),),
    ),
    Headline(
        CHEATSHEET,
        "can train BatchNormalization on the evaluation data",
        "keras3",
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
]
