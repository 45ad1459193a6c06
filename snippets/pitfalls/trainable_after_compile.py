"""`trainable` is read when `fit` compiles its step or `tf.function` traces it: a
BatchNormalization frozen afterwards keeps training until you compile again or make a
new `tf.function`; on Keras 3, `base.trainable = True` unfreezes nothing when the base
already holds True (its layers frozen one by one)."""

# Long because: it proves the three facts the section states together: a frozen
# BatchNormalization ignores training, freezing after fit or a trace needs a new compile
# or tf.function, and Keras 3's `base.trainable = True` unfreezes nothing on a real
# MobileNetV3Small base.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
layers = tf.keras.layers
rng = np.random.default_rng(0)
x = rng.normal(loc=3.0, size=(64, 8)).astype("float32")
y = rng.normal(size=(64, 1)).astype("float32")
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")


def build():
    bn = layers.BatchNormalization()
    dense = [layers.Dense(8), bn, layers.Dense(1)]
    return bn, tf.keras.Sequential([tf.keras.Input(shape=(8,)), *dense])


def moved(bn, run):
    """Run run(); True if the moving mean of `bn` changed."""
    before = bn.moving_mean.numpy().copy()
    run()
    return not np.allclose(before, bn.moving_mean.numpy())


for training in (True, False):  # a frozen BatchNormalization, called on its own
    bn, _ = build()
    bn.trainable = False
    out = bn(x, training=training).numpy()  # moving mean 0, variance 1: out ~ x
    print(f"frozen BN, training={training}: inference mode", np.allclose(out, x, 1e-2))
    assert np.allclose(out, x, atol=1e-2)
dropout = layers.Dropout(0.5)
dropout.trainable = False  # changes nothing for Dropout
dropped = float(np.mean(dropout(np.ones((1, 1000)), training=True).numpy() == 0))
print("frozen Dropout, training=True: drops about half", 0.4 < dropped < 0.6)
assert 0.4 < dropped < 0.6

for compile_again in (False, True):  # through fit
    bn, model = build()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, verbose=0)
    bn.trainable = False  # <- frozen after fit compiled its step
    if compile_again:
        model.compile(optimizer="sgd", loss="mse")  # <-
    trains = moved(bn, lambda: model.fit(x, y, verbose=0))
    print(f"fit, compiled again {compile_again}: the frozen BN still trains {trains}")
    assert trains is not compile_again

bn, model = build()  # through a traced train step
optimizer = tf.keras.optimizers.SGD(0.01)


def train_step():
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


old_step = tf.function(train_step)
old_step()  # traced while the BN was trainable
bn.trainable = False  # <-
for label, step in (("traced before", old_step), ("new", tf.function(train_step))):
    trains = moved(bn, step)
    print(f"tf.function {label}: the frozen BN still trains {trains}")
    assert trains is (step is old_step)


def unfreeze(how):
    """Freeze a base layer by layer, then `base.trainable = True` (after False?)."""
    base = tf.keras.applications.MobileNetV3Small(
        input_shape=(32, 32, 3), include_top=False, weights=None, minimalistic=True
    )
    for layer in base.layers:
        layer.trainable = False  # one by one: base.trainable itself stays True
    if how == "False, then True":
        base.trainable = False
    base.trainable = True  # <-
    weighted = [layer for layer in base.layers if layer.weights]
    unfrozen = sum(layer.trainable for layer in weighted)
    inputs = tf.keras.Input(shape=(32, 32, 3))
    model = tf.keras.Model(inputs, layers.Dense(1)(layers.Flatten()(base(inputs))))
    model.compile(optimizer="sgd", loss="mse")
    images = rng.uniform(0, 255, size=(8, 32, 32, 3)).astype("float32")
    bn = next(lay for lay in weighted if isinstance(lay, layers.BatchNormalization))
    trains = moved(bn, lambda: model.fit(images, y[:8], verbose=0))
    return f"{unfrozen} of {len(weighted)}", len(base.trainable_weights), trains


EXPECTED = {  # (layers unfrozen, trainable weights, fit trains its BN)
    "keras3": {
        "True": ("0 of 68", 0, False),
        "False, then True": ("68 of 68", 102, True),
    },
    "keras2": {
        "True": ("68 of 68", 102, True),
        "False, then True": ("68 of 68", 102, True),
    },
}
seen = {how: unfreeze(how) for how in ("True", "False, then True")}
print(f"{'frozen one by one, then':<34}{'unfrozen':>9}{'weights':>8}{'BN trains':>10}")
for how, (unfrozen, weights, trains) in seen.items():
    print(f"{'base.trainable = ' + how:<34}{unfrozen:>9}{weights:>8}{trains!s:>10}")
assert seen == EXPECTED["keras2" if keras2 else "keras3"]
