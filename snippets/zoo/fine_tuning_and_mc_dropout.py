"""Parts kept in one mode on purpose stay in it: a base's BatchNormalization kept
frozen while fine-tuning keeps its moving statistics (both wrappers), and a Dropout
subclass gives Monte Carlo dropout at prediction without training BatchNormalization."""

import numpy as np
import tensorflow as tf
from models import CLASSES, LOSS, all_layers, build, layers, make_batch

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # Keras 3 has keras.version()


def train_step(model, x, y):
    with tf.GradientTape() as tape:
        loss = LOSS(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    tf.keras.optimizers.SGD(0.1).apply_gradients(zip(grads, model.trainable_variables))


def bn_statistics(model):
    return [
        v.numpy().copy()
        for layer in all_layers(model)
        if isinstance(layer, layers.BatchNormalization)
        for v in (layer.moving_mean, layer.moving_variance)
    ]


def moved(old, new):
    return any(not np.array_equal(a, b) for a, b in zip(old, new))


print("Fine-tuning: one train step")
print(
    f"{'wrapper':<23}{'base BN trainable':>18}{'BN statistics moved':>20}"
    f"{'weights moved':>14}"
)
for name in ("functional_fine_tuning", "subclass_fine_tuning"):
    model = build(name)  # fine-tuning stage: base unfrozen, its BN kept frozen
    x, y = make_batch(name)
    base = next(layer for layer in model.layers if isinstance(layer, tf.keras.Model))
    bns = [bn for bn in base.layers if isinstance(bn, layers.BatchNormalization)]
    for fix in (True, False):
        for bn in bns:
            bn.trainable = not fix  # the fix: the base's BN layers stay frozen
        stats = bn_statistics(base)
        weights = [v.numpy() for v in base.trainable_weights]
        train_step(model, x, y)
        bn_moved = moved(stats, bn_statistics(base))
        weights_moved = moved(weights, base.trainable_weights)
        trainable = f"{sum(bn.trainable for bn in bns)} of {len(bns)}"
        print(f"{name:<23}{trainable:>18}{bn_moved!s:>20}{weights_moved!s:>14}")
        assert weights_moved, "fine-tuning trains the base's weights"
        assert bn_moved is not fix, "BN kept frozen keeps its statistics; unfrozen, not"


def per_layer_mc_dropout():  # the other way: training=True given to Dropout at build
    inputs = tf.keras.Input(shape=(16,))
    h = layers.Dense(32, activation="relu")(inputs)
    h = layers.Dropout(0.3)(h, training=True)
    h = layers.BatchNormalization()(layers.Dense(32)(h))
    return tf.keras.Model(inputs, layers.Dense(CLASSES)(layers.ReLU()(h)))


def twice(model, run):
    """Run twice: (the two outputs differ, BN statistics moved)."""
    before = bn_statistics(model)
    first, second = np.asarray(run()), np.asarray(run())
    return not np.allclose(first, second), moved(before, bn_statistics(model))


x, _ = make_batch("mc_dropout")
print("\nMC dropout: the same batch twice")
print(f"{'model':<23}{'call':<25}{'outputs vary':>13}{'BN statistics moved':>20}")
for label, model in (
    ("MCDropout (the zoo)", build("mc_dropout")),
    ("Dropout(training=True)", per_layer_mc_dropout()),
):
    rows = {
        "model.predict(x)": twice(model, lambda: model.predict(x, verbose=0)),
        "model(x, training=False)": twice(model, lambda: model(x, training=False)),
        "model(x)": twice(model, lambda: model(x)),
        "model(x, training=True)": twice(model, lambda: model(x, training=True)),
    }
    for call, (vary, bn_moved) in rows.items():
        print(f"{label:<23}{call:<25}{vary!s:>13}{bn_moved!s:>20}")
    *evaluation, wrong = rows.values()
    assert wrong == (True, True), "model(x, training=True) trains BN too: not MC"
    if label.startswith("MCDropout") or keras2:
        assert all(row == (True, False) for row in evaluation), "MC dropout done right"
    else:  # Keras 3 ignores a build-time training=True (predict, training=False)
        assert evaluation == [(False, False), (False, False), (True, True)], evaluation
