"""fit and train_on_batch train BatchNormalization and Dropout, evaluate, predict and
their _on_batch forms do not, in every model style; except on Keras 3 for a subclass
whose call has no training parameter: the methods call it bare."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf
from probe import build, observe, x, y

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
flavour = "keras2" if keras2 else "keras3"
tf.keras.utils.set_random_seed(0)

METHODS = {
    "fit(x, y)": lambda m: m.fit(x, y, batch_size=16, verbose=0),  # <-
    "train_on_batch(x, y)": lambda m: m.train_on_batch(x, y),
    "evaluate(x, y)": lambda m: m.evaluate(x, y, batch_size=16, verbose=0),  # <-
    "test_on_batch(x, y)": lambda m: m.test_on_batch(x, y),
    "predict(x)": lambda m: m.predict(x, batch_size=16, verbose=0),  # <-
    "predict_on_batch(x)": lambda m: m.predict_on_batch(x),
    "model(x)": lambda m: m(x),
}
# column: (style, RandomFlip in front?); "forwards": a subclass whose call takes
# training=None and passes it on; "no training": one whose call(self, inputs) has none
COLUMNS = {
    "Sequential": ("Sequential", False),
    "Functional": ("Functional", False),
    "forwards": ("forwards", False),
    "no training": ("no training", False),
    "+RandomFlip": ("no training", True),
}

print(f"{'BN / Dropout':<21}" + "".join(f"{c:>13}" for c in COLUMNS))
seen = {}
for method, run in METHODS.items():
    seen[method] = []
    for style, flip in COLUMNS.values():
        bn, drop = observe(build(style, flip), run)  # BN updated, Dropout dropped
        seen[method].append(f"{'yes' if bn else 'no'}/{'yes' if drop else 'no'}")
    print(f"{method:<21}" + "".join(f"{c:>13}" for c in seen[method]))

model = build("no training", flip=True)
agree = np.array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))  # <-
print(f"+RandomFlip: two predict(x) of the same images agree: {agree}")
# each cell: BatchNormalization updated its moving statistics / Dropout dropped
T, N = "yes/yes", "no/no"  # trains, does neither
# fmt: off
EXPECTED = {  # columns: Sequential, Functional, forwards, no training, +RandomFlip
    "keras3": {
        "fit(x, y)":            [T, T, T, N, T],
        "train_on_batch(x, y)": [T, T, T, N, T],
        "evaluate(x, y)":       [N, N, N, N, T],
        "test_on_batch(x, y)":  [N, N, N, N, T],
        "predict(x)":           [N, N, N, N, T],
        "predict_on_batch(x)":  [N, N, N, N, T],
        "model(x)":             [N, N, N, N, T],
    },
    "keras2": {
        "fit(x, y)":            [T, T, T, T, T],
        "train_on_batch(x, y)": [T, T, T, T, T],
        "evaluate(x, y)":       [N, N, N, N, N],
        "test_on_batch(x, y)":  [N, N, N, N, N],
        "predict(x)":           [N, N, N, N, N],
        "predict_on_batch(x)":  [N, N, N, N, N],
        "model(x)":             [N, N, N, N, N],
    },
}
# fmt: on
PREDICTIONS_AGREE = {"keras2": True, "keras3": False}  # two predict(x), last column
assert seen == EXPECTED[flavour] and agree == PREDICTIONS_AGREE[flavour]
