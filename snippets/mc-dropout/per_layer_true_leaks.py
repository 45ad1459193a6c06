"""Keras 3: an explicit training=True on one Dropout layer reaches the layers after it,
so a later BatchNormalization trains, even in predict() (Keras 2: it does not)."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
layers = tf.keras.layers
x = np.random.default_rng(0).normal(5.0, 2.0, (16, 8)).astype("float32")


def functional():
    inputs = tf.keras.Input((8,))
    h = layers.Dense(16, activation="relu")(inputs)
    h = layers.Dropout(0.5)(h, training=True)  # Monte Carlo dropout on this layer
    h = layers.BatchNormalization()(layers.Dense(16)(h))
    return tf.keras.Model(inputs, layers.Dense(1)(h))


class Subclassed(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16, activation="relu")
        self.drop = layers.Dropout(0.5)
        self.dense, self.bn = layers.Dense(16), layers.BatchNormalization()
        self.head = layers.Dense(1)

    def call(self, inputs, training=None):
        h = self.drop(self.hidden(inputs), training=True)  # Monte Carlo dropout
        h = self.bn(self.dense(h))  # no value of its own
        return self.head(h)


class SubclassedPassesOn(Subclassed):
    def call(self, inputs, training=None):
        h = self.drop(self.hidden(inputs), training=True)  # Monte Carlo dropout
        h = self.bn(self.dense(h), training=training)  # its own value
        return self.head(h)


seen = {}


def report(style, model, call, first, second):
    """Print and keep: was Dropout on (two calls differ), did the BN train?"""
    bn = next(
        layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)
    )
    dropout_on = not np.allclose(first, second)
    bn_trained = bool(np.any(bn.moving_mean.numpy() != 0.0))  # a new BN starts at 0
    seen[style, call] = dropout_on, bn_trained
    print(
        f"{style:<19} {call:<24} Dropout on: {dropout_on!s:<5} BN trained: {bn_trained}"
    )


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
styles = {
    "Functional": functional,
    "subclass, bn(h)": Subclassed,
    "subclass, passes on": SubclassedPassesOn,
}
for style, build in styles.items():
    model = build()
    report(style, model, "model(x)", model(x), model(x))
    model = build()
    first, second = model(x, training=False), model(x, training=False)
    report(style, model, "model(x, training=False)", first, second)
    model = build()
    first, second = model.predict(x, verbose=0), model.predict(x, verbose=0)
    report(style, model, "model.predict(x)", first, second)

calls = ("model(x)", "model(x, training=False)", "model.predict(x)")
expected = {(style, call): (True, False) for style in styles for call in calls}
if not keras2:
    expected["Functional", "model(x)"] = (True, True)  # the recorded True leaks to BN
    expected["Functional", "model(x, training=False)"] = (False, False)  # True lost
    expected["Functional", "model.predict(x)"] = (False, False)
    for call in calls:  # the explicit True reaches the later BN in every call
        expected["subclass, bn(h)", call] = (True, True)
for key, value in expected.items():
    assert seen[key] == value, f"{key}: expected Dropout on, BN trained = {value}"
