"""A bare model(x) behind Resizing or RandomFlip: where their call default training=True
stays with them, the BatchNormalization behind them stays idle; a custom layer that
passes its own training=True default on to a sublayer trains it either way."""

import numpy as np
import tensorflow as tf
from probes import declares_true, trained

tf.keras.utils.set_random_seed(0)
layers = tf.keras.layers
images = np.random.default_rng(0).uniform(0, 255, (8, 16, 16, 3)).astype("float32")


class PassesItsDefaultOn(layers.Wrapper):  # a custom layer declaring training=True
    def call(self, inputs, training=True):
        return self.layer(inputs, training=training)  # <- handed to its sublayer


class Subclass(tf.keras.Model):  # passes no training value on
    def __init__(self, front):
        super().__init__()
        self.front, self.bn = front, layers.BatchNormalization()

    def call(self, inputs):
        return self.bn(self.front(inputs))


fronts = {
    "Resizing": lambda: layers.Resizing(12, 12),
    "RandomFlip": lambda: layers.RandomFlip("horizontal"),
    "custom": lambda: PassesItsDefaultOn(layers.GaussianNoise(1.0)),
}
styles = {
    "Sequential": lambda f: tf.keras.Sequential([f, layers.BatchNormalization()]),
    "subclass": Subclass,
}
row, seen = "declares True: {!s:<5} augments: {!s:<5} trains BN: {}", {}
for name, make in fronts.items():
    declares = declares_true(make())  # Keras 3.3: not Resizing
    for style, wrap in styles.items():
        model = wrap(make())
        varies = not np.allclose(model(images), model(images))  # <- bare calls
        seen[name, style] = declares, varies, trained(model.layers[-1])
        print(f"{name:<10} {style:<10}", row.format(*seen[name, style]))
local = not seen["RandomFlip", "Sequential"][2]  # does its default stay with it?
assert seen == {  # custom: the value it hands its sublayer is explicit, and leaks
    (n, s): (d, n in ("RandomFlip", "custom"), n == "custom" or d and not local)
    for (n, s), (d, _, _) in seen.items()
}
