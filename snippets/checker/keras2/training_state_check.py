"""Drop-in check that a training loop runs every layer that depends on the training
state in the right mode (Keras 3 and Keras 2).

Copy this file into your project and call, once, on a model you can afford to train
for one step:

    check_training_state(model, train_step, eval_step, batch)

train_step(batch) and eval_step(batch) are your own step functions (plain,
@tf.function, or wrappers around fit / train_on_batch / predict). In the train step,
every such layer must run in training mode: BatchNormalization updates its moving
statistics; Dropout, noise and augmentation layers change their input; any other layer
whose output depends on `training` gets the training output. In the eval step, none
may. A BatchNormalization with trainable=False is expected in inference mode in both.
Layers you keep in inference mode on purpose go in `inference_only`, layers meant to
stay random at prediction (Monte Carlo dropout) in `always_active`: names or layer
objects; naming a model or block covers every layer inside it. Otherwise an
AssertionError names each layer in the wrong mode. Returns a report, a line per layer.
"""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import functools
import inspect

import numpy as np
import tensorflow as tf


def _children(layer):
    # private, but present in Keras 2 and Keras 3
    return list(layer._flatten_layers(include_self=False, recursive=False))


def _walk(layer, outer=()):
    """Yield (layer, names of the layers around it) for every layer inside `layer`."""
    for child in _children(layer):
        yield child, outer
        yield from _walk(child, outer + (child.name,))


def _has_moving_stats(layer):
    return isinstance(layer, tf.keras.layers.BatchNormalization) or (
        hasattr(layer, "moving_mean") and hasattr(layer, "moving_variance")
    )


def _takes_training(layer):
    try:
        return "training" in inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return False


def _how_checked(layer):
    """How the check sees the layer's mode; None: not checked."""
    if _has_moving_stats(layer):
        return "moving statistics"
    if isinstance(layer, tf.keras.Model) or not _takes_training(layer):
        return None  # a model's own layers are checked one by one
    if hasattr(layer, "state_size") and not isinstance(layer, tf.keras.layers.RNN):
        return None  # an RNN cell: its RNN layer is checked instead
    if _children(layer):
        return "training value"  # a block or RNN: the value its call receives
    return "output"  # a leaf: does its output differ from its inference output?


def _differ(a, b):
    a, b = tf.nest.flatten(a), tf.nest.flatten(b)
    return len(a) != len(b) or any(
        np.shape(x) != np.shape(y) or not np.array_equal(np.asarray(x), np.asarray(y))
        for x, y in zip(a, b, strict=True)
    )


def _spy_on(layer, how, log):
    """Wrap layer.call so that each call logs what the layer did. For a leaf: whether
    its output differs from its inference output, and whether the layer depends on
    `training` at all (its training and inference outputs differ). For a block: the
    training value it received."""
    original = layer.call
    signature = inspect.signature(original)

    @functools.wraps(original)
    def call(*args, **kwargs):
        outputs = original(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        if how == "training value":
            received = bound.arguments.get("training")
            log.append((received is not None and bool(np.asarray(received)), True))
            return outputs
        bound.arguments["training"] = False
        inference = original(*bound.args, **bound.kwargs)
        bound.arguments["training"] = True
        training = original(*bound.args, **bound.kwargs)
        log.append((_differ(outputs, inference), _differ(training, inference)))
        return outputs

    layer.call = call


def _stats(layer):
    return [layer.moving_mean.numpy().copy(), layer.moving_variance.numpy().copy()]


def _matches(entries, layer, outer):
    names = {e for e in entries if isinstance(e, str)}
    return (
        any(e is layer for e in entries if not isinstance(e, str))
        or layer.name in names
        or bool(names.intersection(outer))
    )


def check_training_state(
    model, train_step, eval_step, batch, inference_only=(), always_active=()
):
    """Run each step once on `batch`; raise AssertionError naming every layer in the
    wrong mode, or return one report line per checked layer."""
    was_eager = tf.config.functions_run_eagerly()
    # the spies read values, so the steps run eagerly, even an already traced
    # tf.function; the previous setting is restored at the end
    tf.config.run_functions_eagerly(True)
    try:
        if not (model.built and all(layer.built for layer, _ in _walk(model))):
            eval_step(batch)  # builds the model before anything is measured
        found, known = {}, set()
        for layer, outer in _walk(model):
            known.add(layer.name)
            how = _how_checked(layer)
            if how and id(layer) not in found:
                found[id(layer)] = (layer, outer, how)
        for entry in (*inference_only, *always_active):
            if isinstance(entry, str) and entry not in known:
                raise ValueError(f"no layer named {entry!r} in {model.name}")
        seen = {}  # id(layer) -> {phase: "training" / "inference" / None}
        for phase, step in (("train step", train_step), ("eval step", eval_step)):
            logs = {
                key: []
                for key, (_, _, how) in found.items()
                if how != "moving statistics"
            }
            before = {
                key: _stats(layer)
                for key, (layer, _, how) in found.items()
                if how == "moving statistics"
            }
            patched = {key: found[key][0].__dict__.get("call") for key in logs}
            for key in logs:
                _spy_on(found[key][0], found[key][2], logs[key])
            try:
                step(batch)
            finally:
                for key, own in patched.items():
                    del found[key][0].call  # the class's own call is back...
                    if own is not None:
                        found[key][0].call = own  # ...or the one set on the layer
            for key, (layer, _, how) in found.items():
                if how == "moving statistics":
                    moved = any(
                        not np.array_equal(b, a)
                        for b, a in zip(before[key], _stats(layer), strict=True)
                    )
                    mode, depends = ("training" if moved else "inference"), True
                elif logs[key]:
                    mode = "training" if any(a for a, _ in logs[key]) else "inference"
                    depends = any(d for _, d in logs[key])
                else:
                    mode, depends = None, False  # not called in this step
                seen.setdefault(key, {"depends": False})[phase] = mode
                seen[key]["depends"] |= depends
    finally:
        tf.config.run_functions_eagerly(was_eager)

    problems, report = [], []
    for key, (layer, outer, how) in found.items():
        if not seen[key]["depends"]:
            continue  # same output in both modes here (Dense, Resizing, rate 0...)
        frozen = how == "moving statistics" and not layer.trainable
        if _matches(always_active, layer, outer):
            wanted = {"train step": "training", "eval step": "training"}
        elif frozen or _matches(inference_only, layer, outer):
            wanted = {"train step": "inference", "eval step": "inference"}
        else:
            wanted = {"train step": "training", "eval step": "inference"}
        label = f"{layer.name} ({type(layer).__name__}{', frozen' if frozen else ''})"
        modes = []
        for phase, want in wanted.items():
            mode = seen[key][phase]
            modes.append(f"{phase}: {mode + ' mode' if mode else 'not called'}")
            if mode is None and want == "inference":
                continue  # not called at all is inference enough
            if mode != want:
                problems.append(
                    f"{phase}: {label} ran in {mode or 'no'} mode, expected {want} mode"
                )
        report.append(f"{label}: " + "; ".join(modes))
    if problems:
        raise AssertionError("training state is wrong:\n  " + "\n  ".join(problems))
    return report


if __name__ == "__main__":
    # A demo on a correct loop: augmentation in front, a nested block, a frozen
    # BatchNormalization, a noise layer, and a custom layer the checker has never seen.
    class Jitter(tf.keras.layers.Layer):
        """A custom layer: adds noise while training."""

        def call(self, x, training=None):
            return x + tf.random.normal(tf.shape(x)) if training else x

    tf.keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(16, 8, 8, 3)).astype("float32")
    y = rng.integers(0, 2, size=(16,))
    frozen_bn = tf.keras.layers.BatchNormalization(name="frozen_bn")
    frozen_bn.trainable = False
    block = tf.keras.Sequential(
        [
            tf.keras.layers.Conv2D(4, 3),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.ReLU(),
            frozen_bn,
        ],
        name="block",
    )
    model = tf.keras.Sequential(
        [
            tf.keras.Input(shape=(8, 8, 3)),
            tf.keras.layers.RandomFlip("horizontal"),
            block,
            tf.keras.layers.GlobalAveragePooling2D(),
            tf.keras.layers.GaussianNoise(0.1),
            Jitter(),
            tf.keras.layers.Dropout(0.3),
            tf.keras.layers.Dense(2),
        ]
    )
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.SGD(0.01)

    @tf.function
    def train_step(data):
        xb, yb = data
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    @tf.function
    def eval_step(data):
        return model(data[0], training=False)

    for line in check_training_state(model, train_step, eval_step, (x, y)):
        print(line)
