"""A Functional model built with Dropout(0.5)(h, training=True): where predict keeps
that dropout on, the BatchNormalization after it trains on the predicted data."""

import numpy as np
import tensorflow as tf
from probes import trained

tf.keras.utils.set_random_seed(0)
layers = tf.keras.layers
x = np.random.default_rng(0).normal(5.0, 2.0, (16, 8)).astype("float32")


def build():
    inputs = tf.keras.Input((8,))
    h = layers.Dense(16, activation="relu")(inputs)
    h = layers.Dropout(0.5)(h, training=True)  # <- Monte Carlo dropout on this layer
    h = layers.BatchNormalization(name="bn")(layers.Dense(16)(h))
    return tf.keras.Model(inputs, layers.Dense(1)(h))


calls = {
    "model.predict(x)": lambda model: model.predict(x, verbose=0),  # <-
    "model(x, training=False)": lambda model: model(x, training=False),  # <-
    "model(x)": lambda model: model(x),
}
seen = {}
for call, run in calls.items():
    model = build()  # a fresh BatchNormalization: moving mean 0
    dropout_on = not np.allclose(run(model), run(model))  # two calls differ
    bn_trained = trained(model.get_layer("bn"))
    seen[call] = dropout_on, bn_trained
    print(f"{call:<24} Dropout on: {dropout_on!s:<5} BN trained: {bn_trained}")

kept = seen["model.predict(x)"][0]  # does predict keep the build-time True?
print("the build-time training=True holds in predict:", kept)
expected = {call: (True, True) for call in calls}  # where it holds, BN trains too
if not kept:  # the model's own value replaces it: no dropout, no BN update
    expected["model.predict(x)"] = expected["model(x, training=False)"] = (False,) * 2
assert seen == expected
