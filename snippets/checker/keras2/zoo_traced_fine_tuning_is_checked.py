"""On the model zoo's two fine-tuning shapes (a keras.applications base, its
BatchNormalization frozen, in a Functional and in a subclassed model), with
tf.function steps, the checker passes the correct loop and catches a train step that
forgets training=True, naming the layers."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import collections
import re

import tensorflow as tf
from models import LOSS, MCDropout, PinnedUnit, build, make_batch
from training_state_check import check_training_state

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
TRACED = True  # the steps are tf.function: the checker runs them traced


def steps(model, forget=False, bare=False):
    """A GradientTape train step calling model(x, training=True), or model(x) if
    forget; an eval step calling model(x, training=False), or model(x) if bare."""
    optimizer = tf.keras.optimizers.SGD(0.01)

    def train_step(batch):
        x, y = batch
        with tf.GradientTape() as tape:
            logits = model(x) if forget else model(x, training=True)
            loss = LOSS(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    def eval_step(batch):
        return model(batch[0]) if bare else model(batch[0], training=False)

    if TRACED:
        return tf.function(train_step), tf.function(eval_step)
    return train_step, eval_step


def check(name, forget=False, bare=False):
    """Check a new zoo model; return "passes" or the kinds of the layers named."""
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(0)
    model, batch = build(name), make_batch(name)
    inner = list(model._flatten_layers(include_self=False, recursive=True))
    pinned = [unit.bn for unit in inner if isinstance(unit, PinnedUnit)]
    mc = [layer for layer in inner if isinstance(layer, MCDropout)]
    train, evaluate = steps(model, forget, bare)
    try:
        check_training_state(model, train, evaluate, batch, pinned, mc)  # <-
    except AssertionError as error:
        named = set(re.findall(r"step: (\S+) \((\w+)", str(error)))  # name (kind
        names = {layer.name for layer in inner}
        assert named and all(n in names for n, _ in named), "it names model layers"
        kinds = collections.Counter(kind for _, kind in named)
        counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        leaked = str(error).count("only through a `training` default leaked")
        return f"caught: {counts}" + (f"; {leaked} of them by a leak" if leaked else "")
    return "passes"


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("steps:", "tf.function" if TRACED else "eager")
results = {}
for name in ("functional_fine_tuning", "subclass_fine_tuning"):
    results[name] = check(name), check(name, forget=True)
    print(f"{name}\n  right loop: {results[name][0]}")
    print(f"  train step model(x): {results[name][1]}")
assert all(right == "passes" for right, _ in results.values()), results
assert all(forgot.startswith("caught") for _, forgot in results.values()), results
