"""Keras 3: an explicit training=True on one Dropout layer reaches the layers after it,
so a later BatchNormalization trains, even in predict() (Keras 2: it does not)."""

# Long because: it runs each of the three models the section compares (Functional, a
# subclass whose later BatchNormalization gets no value, one that passes it on) through
# the three calls, nine cells, each on a fresh model.

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
x = np.random.default_rng(0).normal(5.0, 2.0, (16, 8)).astype("float32")


def functional():
    inputs = tf.keras.Input((8,))
    h = layers.Dense(16, activation="relu")(inputs)
    h = layers.Dropout(0.5)(h, training=True)  # <- Monte Carlo dropout on this layer
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
        h = self.drop(self.hidden(inputs), training=True)  # <- Monte Carlo dropout
        h = self.bn(self.dense(h))  # <- no value of its own
        return self.head(h)


class SubclassedPassesOn(Subclassed):
    def call(self, inputs, training=None):
        h = self.drop(self.hidden(inputs), training=True)  # Monte Carlo dropout
        h = self.bn(self.dense(h), training=training)  # <- its own value
        return self.head(h)


CALLS = {
    "model(x)": lambda model: model(x),
    "model(x, training=False)": lambda model: model(x, training=False),
    "model.predict(x)": lambda model: model.predict(x, verbose=0),
}
STYLES = {
    "Functional": functional,
    "subclass, bn(h)": Subclassed,
    "subclass, passes on": SubclassedPassesOn,
}
print("tf.keras is", flavour)
seen = {}
for style, build in STYLES.items():
    for call, run in CALLS.items():
        model = build()
        first, second = run(model), run(model)
        on = not np.allclose(first, second)
        bn = next(
            lay for lay in model.layers if isinstance(lay, layers.BatchNormalization)
        )
        trained = bool(np.any(bn.moving_mean.numpy() != 0.0))  # a new BN starts at 0
        print(f"{style:<19} {call:<24} Dropout on: {on!s:<5} BN trained: {trained}")
        seen.setdefault(style, []).append((on, trained))
# per style, for each call above: (Dropout on, BN trained). On Keras 3 the explicit
# True reaches a later BN given no value of its own; a Functional model keeps the
# True recorded when it was built, unless the call gives a value
EXPECTED = {
    "Keras 3": {
        "Functional": [(True, True), (False, False), (False, False)],
        "subclass, bn(h)": [(True, True)] * 3,
        "subclass, passes on": [(True, False)] * 3,
    },
    "Keras 2": dict.fromkeys(STYLES, [(True, False)] * 3),
}
assert seen == EXPECTED[flavour], seen
