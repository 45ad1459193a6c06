"""Drop-in check that a training loop puts BatchNormalization and Dropout in the right
mode (Keras 3 and Keras 2).

Copy this file into your project and call, once, on a model you can afford to train
for one step:

    check_training_state(model, train_step, eval_step, batch)

train_step(batch) and eval_step(batch) are your own step functions (plain or
@tf.function). The train step must update the moving statistics of every
BatchNormalization layer (unless the layer is frozen with trainable=False, or named in
inference_only) and make every Dropout-like layer change its input; the eval step must
do neither. Otherwise an AssertionError names each offending layer. Returns a report, a
line per layer.
"""
import numpy as np
import tensorflow as tf


def state_dependent_layers(model):
    """All layers inside `model`, nested models included, whose output depends on the
    training state."""
    layers = tf.keras.layers
    kinds = (
        layers.BatchNormalization,
        layers.Dropout,  # covers SpatialDropout*D
        layers.GaussianDropout,
        layers.GaussianNoise,
        layers.AlphaDropout,
    )
    # private, but in Keras 2 and 3
    found = model._flatten_layers(include_self=False, recursive=True)
    return [layer for layer in found if isinstance(layer, kinds)]


def _spy_on(layer, log):
    """Wrap layer.call so each call records whether the layer changed its input
    (dropped units)."""
    original = layer.call

    def call(inputs, *args, **kwargs):
        outputs = original(inputs, *args, **kwargs)
        log.append(not np.array_equal(np.asarray(inputs), np.asarray(outputs)))
        return outputs

    layer.call = call


def _moving_stats(layer):
    return [layer.moving_mean.numpy().copy(), layer.moving_variance.numpy().copy()]


def check_training_state(model, train_step, eval_step, batch, inference_only=()):
    """Run each step once on `batch`; raise AssertionError naming every layer in the
    wrong mode.

    inference_only: names of layers meant to stay in inference mode in both steps
    (e.g. a frozen base's BN).
    """
    checked = state_dependent_layers(model)
    assert checked, "no BatchNormalization or Dropout layer found: nothing to check"
    problems = []
    report = {id(layer): f"{layer.name} ({type(layer).__name__}):" for layer in checked}
    is_bn = {
        id(layer): isinstance(layer, tf.keras.layers.BatchNormalization)
        for layer in checked
    }
    bns = [layer for layer in checked if is_bn[id(layer)]]
    drops = [layer for layer in checked if not is_bn[id(layer)]]
    was_eager = tf.config.functions_run_eagerly()
    # so the spies see every call, even inside a traced tf.function
    tf.config.run_functions_eagerly(True)
    try:
        if not all(layer.built for layer in checked):
            eval_step(batch)  # build the layers (and their moving statistics) first
        phases = (("train step", train_step, True), ("eval step", eval_step, False))
        for phase, step, training in phases:
            before = {id(layer): _moving_stats(layer) for layer in bns}
            logs = {id(layer): [] for layer in drops}
            for layer in drops:
                _spy_on(layer, logs[id(layer)])
            try:
                step(batch)
            finally:
                for layer in drops:
                    # drop the instance attribute: the class's call is back
                    del layer.call
            for layer in checked:
                want = training and layer.name not in inference_only
                if is_bn[id(layer)]:
                    # a frozen BN always runs in inference mode
                    want = want and layer.trainable
                    pairs = zip(before[id(layer)], _moving_stats(layer))
                    active = any(not np.array_equal(b, a) for b, a in pairs)
                    what = "moving statistics " + ("updated" if active else "kept")
                    expected = "an update" if want else "them kept"
                else:
                    calls = logs[id(layer)]
                    active = any(calls) if calls else None
                    what = {
                        True: "changed its input",
                        False: "passed its input through",
                        None: "was not called",
                    }[active]
                    expected = (
                        "it to drop units" if want else "it to pass its input through"
                    )
                if active is not want:
                    problems.append(
                        f"{phase}: {layer.name} ({type(layer).__name__}) {what}, "
                        f"expected {expected}"
                    )
                report[id(layer)] += f" {phase}: {what};"
    finally:
        tf.config.run_functions_eagerly(was_eager)
    if problems:
        raise AssertionError("training state is wrong:\n  " + "\n  ".join(problems))
    return [line.rstrip(";") for line in report.values()]


if __name__ == "__main__":
    # a short demo: a correct loop around a model with a nested block
    tf.keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    block = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(8),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.Dropout(0.3),
        ],
        name="block",
    )
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(6,)),
        block,
        tf.keras.layers.GaussianNoise(0.1),
        tf.keras.layers.Dense(1),
    ])
    optimizer = tf.keras.optimizers.SGD(0.01)

    @tf.function
    def train_step(data):
        xb, yb = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(xb, training=True) - yb))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    @tf.function
    def eval_step(data):
        return model(data[0], training=False)

    for line in check_training_state(model, train_step, eval_step, (x, y)):
        print(line)
