"""Parts kept in one mode on purpose stay in it: a base's BatchNormalization kept
frozen while fine-tuning keeps its moving statistics, through `fit` and a traced step,
in both wrappers, while the head's Dropout drops; a Dropout subclass gives Monte Carlo
dropout at prediction without training BatchNormalization."""

# Long because: it checks both parts kept in one mode on purpose on the zoo's real
# shapes: fine-tuning in both wrappers through fit and a traced step, with and without
# the fix, and both ways of MC dropout under four calls.

import numpy as np
import tensorflow as tf
from models import CLASSES, LOSS, all_layers, build, layers, make_batch

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # Keras 3 has keras.version()


def bn_statistics(model):
    return [
        v.numpy().copy()
        for layer in all_layers(model)
        if isinstance(layer, layers.BatchNormalization)
        for v in (layer.moving_mean, layer.moving_variance)
    ]


def moved(old, new):
    return any(not np.array_equal(a, b) for a, b in zip(old, new))


def watch_dropped(dropout):
    """Have `dropout` keep in a variable the share of its nonzero inputs it zeroed: a
    graph (fit, a tf.function) updates a variable where Python would not run again."""
    share, original = tf.Variable(0.0, trainable=False), dropout.call

    def call(inputs, *args, **kwargs):
        outputs = original(inputs, *args, **kwargs)
        kept = tf.cast(tf.not_equal(inputs, 0.0), "float32")
        zeroed = kept * tf.cast(tf.equal(outputs, 0.0), "float32")
        share.assign(tf.reduce_sum(zeroed) / tf.reduce_sum(kept))
        return outputs

    dropout.call = call
    return share


def fine_tune(model, share, fix, step, x, y):
    """One fine-tuning step; (BN statistics moved, base weights moved, head drops)."""
    base = next(layer for layer in model.layers if isinstance(layer, tf.keras.Model))
    for bn in base.layers:
        if isinstance(bn, layers.BatchNormalization):
            bn.trainable = not fix  # <- the fix: the base's BN layers stay frozen
    model.compile(optimizer="sgd", loss=LOSS)  # <- compiled after `trainable` changed
    stats, weights = bn_statistics(base), [v.numpy() for v in base.trainable_weights]
    if step == "fit":
        model.fit(x, y, verbose=0)
    else:

        @tf.function  # traced after `trainable` changed
        def train_step():
            with tf.GradientTape() as tape:
                loss = LOSS(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            model.optimizer.apply_gradients(zip(grads, model.trainable_variables))

        train_step()
    dropped = float(share.numpy())
    drops = "about 0.2" if 0.1 < dropped < 0.3 else "nothing" if dropped == 0 else "?"
    return (
        moved(stats, bn_statistics(base)),
        moved(weights, base.trainable_weights),
        drops,
    )


print("Fine-tuning: one train step")
row = "{:<23}{:<12}{:>7}{:>9}{:>8}{:>11}".format
print(row("wrapper", "step", "base BN", "BN moved", "weights", "head drops"))
for name in ("functional_fine_tuning", "subclass_fine_tuning"):
    model = build(name)  # fine-tuning stage: base unfrozen, its BN kept frozen
    head = next(layer for layer in model.layers if isinstance(layer, layers.Dropout))
    share = watch_dropped(head)
    for fix, step in ((True, "fit"), (True, "tf.function"), (False, "fit")):
        bn_moved, weights_moved, drops = fine_tune(
            model, share, fix, step, *make_batch(name)
        )
        frozen = "frozen" if fix else "trains"
        print(row(name, step, frozen, str(bn_moved), str(weights_moved), drops))
        assert weights_moved and drops == "about 0.2", "base trains, head drops"
        assert bn_moved is not fix, "BN kept frozen keeps its statistics; unfrozen, not"


def per_layer_mc_dropout():  # the other way: training=True given to Dropout at build
    inputs = tf.keras.Input(shape=(16,))
    h = layers.Dense(32, activation="relu")(inputs)
    h = layers.Dropout(0.3)(h, training=True)  # <-
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
        "model.predict(x)": twice(model, lambda: model.predict(x, verbose=0)),  # <-
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
    else:  # Keras 3: ignored, or kept but training BN, depending on the release
        assert (True, False) not in evaluation, "never MC dropout done right"
