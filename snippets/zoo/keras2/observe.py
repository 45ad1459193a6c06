"""How the zoo's snippets observe what a run did to each layer of a model (imported by
them; it prints nothing)."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it observes every layer of a model from outside while fit, predict or a
# traced step runs compiled: moving statistics before and after, and a watcher that
# compares each random layer's output inside the graph.

import numpy as np
import tensorflow as tf
from models import PinnedUnit, all_layers, kind


def kept_bn(model):
    """BatchNormalization layers meant to stay in inference mode: frozen or pinned."""
    pinned = [unit.bn for unit in all_layers(model) if isinstance(unit, PinnedUnit)]
    return [
        layer
        for layer in all_layers(model)
        if kind(layer) == "BN"
        and (not layer.trainable or any(layer is p for p in pinned))
    ]


def stats(layer):
    """A BatchNormalization layer's moving statistics, copied."""
    return np.concatenate([layer.moving_mean.numpy(), layer.moving_variance.numpy()])


def _watch(layer, flag):
    """Have `layer` set `flag` when a second call on the same input gives another
    output: in the graph, so `fit` and `predict` run as compiled as in your code."""
    original = layer.call

    def call(inputs, *args, **kwargs):
        outputs = original(inputs, *args, **kwargs)
        again = original(inputs, *args, **kwargs)
        differs = tf.reduce_any(tf.abs(outputs - again) > 1e-8 + 1e-5 * tf.abs(again))
        flag.assign(tf.logical_or(flag, differs))
        return outputs

    layer.call = call


def forget_traces(model):
    """Drop the functions fit, evaluate and predict traced (Keras 2 and 3)."""
    for name in ("train_function", "test_function", "predict_function"):
        setattr(model, name, None)


def record(model, run):
    """Call run() once; return {kind: [one bool per layer]}: "BN" / "kept BN": moving
    statistics updated (read before and after); "Dropout", "RNN dropout",
    "augmentation"...: was random (each such layer is watched during the run)."""
    kept = kept_bn(model)
    bns = [layer for layer in all_layers(model) if kind(layer) == "BN"]
    before = [stats(layer) for layer in bns]
    randoms = [
        layer
        for layer in all_layers(model)
        if kind(layer) not in (None, "BN", "preprocessing")
    ]
    flags = [tf.Variable(False) for _ in randoms]
    for layer, flag in zip(randoms, flags):
        _watch(layer, flag)
    forget_traces(model)  # fit, evaluate and predict trace again, with the watchers
    try:
        run()
    finally:
        for layer in randoms:
            del layer.call  # the class's own call is back
        forget_traces(model)
    facts = {}
    for layer, old in zip(bns, before):
        key = "kept BN" if any(layer is k for k in kept) else "BN"
        facts.setdefault(key, []).append(not np.array_equal(old, stats(layer)))
    for layer, flag in zip(randoms, flags):
        facts.setdefault(kind(layer), []).append(bool(flag.numpy()))
    return facts


def cell(values):
    """A table cell: True if every such layer did it, False if none did, "k of n" if
    only some did, "-" if the model has no such layer."""
    if not values:
        return "-"
    if all(values) or not any(values):
        return all(values)
    return f"{sum(values)} of {len(values)}"


COLUMNS = {  # kind: its heading in a table
    "kept BN": "kept BN",
    "BN": "BN",
    "Dropout": "Dropout",
    "MC dropout": "MC drop",
    "RNN dropout": "RNN drop",
    "augmentation": "augment",
}


def row(label, facts=None):
    """A table line: the headings, or one cell per kind for what `record` returned."""
    cells = (
        COLUMNS.values() if facts is None else [cell(facts.get(k, [])) for k in COLUMNS]
    )
    return f"{label:<23}" + "".join(f"{c!s:>9}" for c in cells)
