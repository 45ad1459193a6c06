"""A Functional model's own `call` method, called directly with training=True (not
through `model(x, ...)`): it drops and trains the BatchNormalization after the
Dropout, as model(x, training=True) does, on Keras 3 (Keras 2: neither)."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
x = tf.constant(np.random.default_rng(0).normal(5.0, 2.0, (16, 8)), "float32")

inputs = tf.keras.Input((8,))
h = layers.Dropout(0.5)(layers.Dense(16, activation="relu")(inputs))
h = layers.BatchNormalization(name="bn")(layers.Dense(16)(h))
model = tf.keras.Model(inputs, layers.Dense(1)(h))
bn = model.get_layer("bn")

outputs, trained = [], []
for _ in range(2):  # two calls: two dropout masks, if it drops
    before = bn.moving_mean.numpy().copy()
    outputs.append(model.call(x, training=True))  # <- the method, not model(x, ...)
    trained.append(not np.allclose(before, bn.moving_mean.numpy()))
dropped = not np.allclose(outputs[0], outputs[1])
print("tf.keras is", flavour)
print("model.call(x, training=True) drops:", dropped, "| BN trained:", all(trained))
assert trained[0] == trained[1], "both calls run in the same mode"
EXPECTED = {"Keras 3": (True, True), "Keras 2": (False, False)}  # (drops, BN trained)
assert (dropped, all(trained)) == EXPECTED[flavour], (dropped, trained)
